"""Tables spelled as literals in source text (C, Java, JavaScript, Python, Go), new tables
in bytes, and the precision of both on unrelated data."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from anke.detect.constants import ConstantsDetector
from anke.detect.constants.tables import shipped_tables
from anke.findings.model import Finding

TABLES = {table.id: table for table in shipped_tables()}
NEW = ("twofish", "camellia", "seed", "aria", "whirlpool", "rc2")
DYNLOAD = Path("/usr/lib/python3.11/lib-dynload")


@pytest.fixture(scope="module")
def detector() -> ConstantsDetector:
    return ConstantsDetector()


def rows(items: list[str], per_line: int, indent: str = "    ") -> str:
    """Items joined with commas, ``per_line`` to a line."""
    lines = [", ".join(items[at:at + per_line]) for at in range(0, len(items), per_line)]
    return indent + f",\n{indent}".join(lines)


def found(detector: ConstantsDetector, path: str, text: str) -> list[tuple[object, ...]]:
    findings = detector.detect(path, text.encode()).findings
    for finding in findings:
        assert finding.offset is None and finding.detector == "constants"
    return [(f.rule, f.algorithm, f.line, f.column, f.confidence.value, f.evidence)
            for f in findings]


def test_c_sm4_sbox_and_sha256_k(detector: ConstantsDetector) -> None:
    sbox = [f"0x{v:02X}" for v in TABLES["sm4-sbox"].values]
    k = [f"0x{v:08x}UL" for v in TABLES["sha256-k"].values]
    text = ("#include <stdint.h>\n"
            "static const uint8_t SBOX[256] = {\n" + rows(sbox, 16) + "\n};\n\n"
            "/* round constants */\nstatic const uint32_t K[64] = {\n" + rows(k, 4) + "\n};\n")
    assert found(detector, "src/sm4.c", text) == [
        ("constants.sm4-sbox", "SM4", 3, 5, "high", "SM4 S-box (256 x 8-bit literals)"),
        ("constants.sha256-k", "SHA-256", 23, 5, "high",
         "SHA-256 round constants K (shared by SHA-224) (64 x 32-bit literals)"),
    ]


def test_c_table_with_row_comments_and_a_partial_table(detector: ConstantsDetector) -> None:
    values = TABLES["aes-sbox"].values
    lines = [f"    /* {row:02x} */ " + ", ".join(f"0x{v:02x}" for v in values[row:row + 16]) + ","
             for row in range(0, 256, 16)]
    te = [f"0x{v:08x}" for v in TABLES["aes-te0"].values[:40]]
    text = ("static const unsigned char sbox[256] = {\n" + "\n".join(lines) + "\n};\n"
            "static const unsigned int Te0_part[] = { " + ", ".join(te) + " };\n")
    assert found(detector, "aes.c", text) == [
        ("constants.aes-sbox", "AES", 2, 14, "high", "AES S-box (256 x 8-bit literals)"),
        ("constants.aes-te0", "AES", 19, 42, "low",
         "AES T-table Te0, partial (40 of 256 x 32-bit literals)"),
    ]


def test_java_signed_bytes_and_int_arrays(detector: ConstantsDetector) -> None:
    sbox = [f"(byte){v}" if v < 128 else f"(byte){v - 256}" for v in TABLES["sm4-sbox"].values]
    ss0 = [str(v - (1 << 32) if v >> 31 else v) for v in TABLES["seed-ss0"].values]
    text = ("package a;\nfinal class T {\n"
            "    private static final byte[] Sbox = {\n" + rows(sbox, 8, "        ") + "\n    };\n"
            "    private static final int[] SS0 = {" + ", ".join(ss0) + "};\n}\n")
    assert found(detector, "a/T.java", text) == [
        ("constants.sm4-sbox", "SM4", 4, 15, "high", "SM4 S-box (256 x 8-bit literals)"),
        ("constants.seed-ss0", "SEED", 37, 39, "high",
         "SEED G-function table SS0 (256 x 32-bit literals)"),
    ]


def test_javascript_sha512_k_as_32_bit_halves(detector: ConstantsDetector) -> None:
    halves = [f"0x{part:08x}" for v in TABLES["sha512-k"].values
              for part in (v >> 32, v & 0xFFFFFFFF)]
    text = "'use strict';\nvar K = [\n" + rows(halves, 8, "  ") + "\n];\nmodule.exports = K;\n"
    assert found(detector, "lib/sha512.js", text) == [
        ("constants.sha512-k", "SHA-512", 3, 3, "high",
         "SHA-512 round constants K (shared by SHA-384) (160 x 32-bit literals)"),
    ]


def test_c_sha512_k_as_64_bit_literals_in_a_macro(detector: ConstantsDetector) -> None:
    k = [f"U64(0x{v:016x})" for v in TABLES["sha512-k"].values]
    text = "static const SHA_LONG64 K512[80] = {\n" + rows(k, 2) + "\n};\n"
    assert found(detector, "sha512.c", text) == [
        ("constants.sha512-k", "SHA-512", 2, 9, "high",
         "SHA-512 round constants K (shared by SHA-384) (80 x 64-bit literals)"),
    ]


def test_python_decimal_list_and_escaped_bytes(detector: ConstantsDetector) -> None:
    q0 = [str(v) for v in TABLES["twofish-q0"].values]
    pitable = "".join(f"\\x{v:02x}" for v in TABLES["rc2-pitable"].values)
    text = ("Q0 = [\n" + rows(q0, 16) + ",\n]\n\n"
            "PITABLE = (b'" + pitable[:512] + "'\n           b'" + pitable[512:] + "')\n")
    assert found(detector, "twofish.py", text) == [
        ("constants.twofish-q0", "Twofish", 2, 5, "high",
         "Twofish permutation q0 (256 x 8-bit literals)"),
        ("constants.rc2-pitable", "RC2", 20, 14, "high",
         "RC2 key expansion table PITABLE (256 x \\x escapes)"),
    ]


def test_go_table_and_sm2_hex_strings(detector: ConstantsDetector) -> None:
    s1 = [f"0x{v:02x}" for v in TABLES["camellia-sbox1"].values]
    text = ("package sm2\n\nvar sbox1 = [256]byte{\n" + rows(s1, 16, "\t") + ",\n}\n\n"
            "func params() {\n"
            '\tp, _ := new(big.Int).SetString('
            '"FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)\n'
            '\tb, _ := new(big.Int).SetString('
            '"28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)\n'
            '\tsum := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"\n}\n')
    assert found(detector, "sm2/params.go", text) == [
        ("constants.camellia-sbox1", "Camellia", 4, 2, "high",
         "Camellia SBOX1 (256 x 8-bit literals)"),
        ("constants.sm2-p", "SM2", 23, 34, "high",
         "SM2 SM2P256V1 field prime p (hex string, 32 bytes)"),
        ("constants.sm2-b", "SM2", 24, 34, "high",
         "SM2 SM2P256V1 coefficient b (hex string, 32 bytes)"),
    ]


def test_strings_of_zeros_are_no_curve_parameter(detector: ConstantsDetector) -> None:
    zero, seven = "0" * 64, "0" * 63 + "7"  # secp256k1's a and b
    text = f'Py = "{zero}"\nB = "{seven}"\nP = "{zero[:48]}f1{zero[:14]}"\n'
    assert found(detector, "demo.py", text) == []


def test_a_test_key_in_bytes_is_not_md5_or_sha1(detector: ConstantsDetector) -> None:
    key = "0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, " \
          "0x32, 0x10"
    words = "0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210"
    text = f"uint8_t key[16] = {{{key}}};\nuint32_t kw[4] = {{{words}}};\n"
    assert found(detector, "sm4_test.c", text) == []


def test_unrelated_tables_and_random_lists_give_nothing(detector: ConstantsDetector) -> None:
    rng = random.Random(11)
    noise = [str(rng.randrange(256)) for _ in range(300)]
    crc = [f"0x{zlib.crc32(bytes([i])) ^ 0xFF000000:08x}" for i in range(256)]
    crc_table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = 0xEDB88320 ^ (c >> 1) if c & 1 else c >> 1
        crc_table.append(f"0x{c:08x}UL")
    alphabet = [str(c) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"]
    hexes = ",\n".join(f'  "{rng.randbytes(32).hex()}"' for _ in range(50))
    text = ("DATA = [" + ", ".join(noise) + "]\n"
            "static const uint32_t x[256] = {" + ", ".join(crc) + "};\n"
            "static const uint32_t crc32_table[256] = {" + ", ".join(crc_table) + "};\n"
            "const b64 = [" + ", ".join(alphabet) + "];\n"
            "digests = [\n" + hexes + "\n]\n")
    assert found(detector, "misc.py", text) == []


def words(table_id: str, order: str = "little") -> bytes:
    table = TABLES[table_id]
    return b"".join(v.to_bytes(table.width // 8, order) for v in table.values)  # type: ignore[arg-type]


def test_aria_in_bytes_takes_the_aes_sboxes_with_it(detector: ConstantsDetector) -> None:
    sb = [bytes(TABLES[t].values) for t in ("aes-sbox", "aria-sb2", "aes-inv-sbox", "aria-sb4")]
    rules = [f.rule for f in detector.detect("libaria.so", b"".join(sb)).findings]
    assert rules == ["constants.aria-sb2", "constants.aria-sb4"]
    aes = bytes(TABLES["aes-sbox"].values) + bytes(64) + words("aes-te0")
    both = detector.detect("libboth.so", aes + bytes(64) + b"".join(sb)).findings
    assert [f.rule for f in both] == ["constants.aes-sbox", "constants.aes-te0",
                                      "constants.aes-sbox", "constants.aria-sb2",
                                      "constants.aes-inv-sbox", "constants.aria-sb4"]


def test_whirlpool_round_constants_inside_the_sbox_are_one_finding(
        detector: ConstantsDetector) -> None:
    sbox = bytes(TABLES["whirlpool-sbox"].values)
    assert [f.rule for f in detector.detect("wp.bin", b"\x01" * 8 + sbox).findings] == [
        "constants.whirlpool-sbox"]
    rc = words("whirlpool-rc")  # 64-bit little-endian, as C keeps it on x86
    c0 = words("whirlpool-c0")
    assert [(f.rule, f.evidence) for f in detector.detect("wp2.bin", c0 + rc).findings] == [
        ("constants.whirlpool-c0",
         "Whirlpool table C0 (S-box and diffusion) (256 x 64-bit words, 64-bit LE)"),
        ("constants.whirlpool-rc", "Whirlpool round constants (10 x 64-bit words, 64-bit LE)"),
    ]


def test_camellia_sigma_as_32_bit_halves(detector: ConstantsDetector) -> None:
    halves = b"".join(part.to_bytes(4, "little") for v in TABLES["camellia-sigma"].values
                      for part in (v >> 32, v & 0xFFFFFFFF))
    findings = detector.detect("cam.o", b"\x00" * 8 + halves).findings
    assert [(f.rule, f.offset, f.evidence) for f in findings] == [
        ("constants.camellia-sigma", 8, "Camellia key schedule constants Sigma1..Sigma6 "
         "(6 x 64-bit words, 32-bit LE halves)")]


def test_new_tables_do_not_fire_on_noise_or_stdlib_binaries(detector: ConstantsDetector) -> None:
    members = [("noise.bin", random.Random(5).randbytes(4 * 1024 * 1024))]
    members += [(p.name, p.read_bytes()) for p in sorted(DYNLOAD.glob("*.so"))]
    assert len(members) > 1 or not DYNLOAD.is_dir()
    hits: list[Finding] = []
    for path, data in members:
        hits += [f for f in detector.detect(path, data).findings
                 if f.rule.split(".")[1].split("-")[0] in NEW]
    assert hits == []


def test_literals_are_read_only_in_program_source(detector: ConstantsDetector) -> None:
    sbox = ", ".join(f"0x{v:02x}" for v in TABLES["sm4-sbox"].values)
    assert [row[0] for row in found(detector, "lib/Sm4.kt", f"val S = intArrayOf({sbox})\n")] \
        == ["constants.sm4-sbox"]
    assert found(detector, "vectors/sm4.properties", f"sbox = {sbox}\n") == []
    assert found(detector, "notes/SM4.TXT", f"{sbox}\n") == []
