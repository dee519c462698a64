"""The constants detector on small C programs compiled here, on partial tables and noise."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from anke.detect.constants import ConstantsDetector
from anke.detect.constants.tables import shipped_tables
from anke.findings.model import Confidence, Finding

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")

TABLES = {table.id: table for table in shipped_tables()}


@pytest.fixture(scope="module")
def detector() -> ConstantsDetector:
    return ConstantsDetector()


def c_array(name: str, table_id: str, count: int | None = None) -> str:
    """A C definition of a shipped table (or its first ``count`` values)."""
    table = TABLES[table_id]
    items = list(table.values)[:count]
    if table.width > 64:  # one wide integer as big-endian bytes
        data = items[0].to_bytes(table.width // 8, "big")
        ctype, items = "unsigned char", list(data)
    else:
        ctype = {8: "unsigned char", 16: "uint16_t", 32: "uint32_t", 64: "uint64_t"}[table.width]
    body = ", ".join(f"0x{v:x}" + ("ULL" if table.width == 64 else "") for v in items)
    return f"static const {ctype} {name}[{len(items)}] = {{{body}}};\n"


def compile_c(tmp_path: Path, name: str, arrays: list[str], opt: str = "-O2",
              strip: bool = False) -> bytes:
    names = [line.split("[")[0].split()[-1] for line in arrays]
    uses = " ^ ".join(f"(unsigned long){n}[i % (sizeof {n} / sizeof {n}[0])]" for n in names)
    source = ("#include <stdint.h>\n#include <stdlib.h>\n" + "".join(arrays)
              + f"unsigned long lookup(int i) {{ return {uses}; }}\n"
              + "int main(int argc, char **argv) { (void)argv; return (int)lookup(argc); }\n")
    (tmp_path / f"{name}.c").write_text(source)
    binary = tmp_path / name
    subprocess.run(["gcc", opt, "-o", str(binary), str(tmp_path / f"{name}.c")], check=True)
    if strip:
        subprocess.run(["strip", str(binary)], check=True)
    return binary.read_bytes()


def summary(findings: list[Finding]) -> set[tuple[str, str | None, str, str]]:
    return {(f.rule, f.algorithm, f.confidence.value, f.evidence) for f in findings}


def test_aes_tables_in_an_optimised_executable(tmp_path: Path,
                                                detector: ConstantsDetector) -> None:
    data = compile_c(tmp_path, "aes", [c_array("aes_sbox", "aes-sbox"),
                                       c_array("Te0", "aes-te0"), c_array("Td3", "aes-td3")])
    detection = detector.detect("bin/aes", data)
    assert summary(detection.findings) == {
        ("constants.aes-sbox", "AES", "high",
         "AES S-box (256 bytes, bytes) in .rodata near aes_sbox"),
        ("constants.aes-te0", "AES", "high",
         "AES T-table Te0 (256 x 32-bit words, 32-bit LE) in .rodata near Te0"),
        ("constants.aes-td3", "AES", "high",
         "AES T-table Td3 (256 x 32-bit words, 32-bit LE) in .rodata near Td3"),
    }
    finding = next(f for f in detection.findings if f.rule == "constants.aes-sbox")
    assert finding.primitive == "block-cipher" and finding.detector == "constants"
    assert finding.line is None and finding.offset is not None
    assert data[finding.offset:finding.offset + 256] == bytes(TABLES["aes-sbox"].values)
    assert detection.parsed


def test_sm_and_sha2_tables_unoptimised(tmp_path: Path, detector: ConstantsDetector) -> None:
    data = compile_c(tmp_path, "sm", [
        c_array("SM4_SBOX", "sm4-sbox"), c_array("SM4_FK", "sm4-fk"),
        c_array("SM4_CK", "sm4-ck"), c_array("SM3_IV", "sm3-iv"),
        c_array("K256", "sha256-k"), c_array("K512", "sha512-k"),
        c_array("ZUC_S1", "zuc-s1")], opt="-O0")
    found = {(f.rule, f.algorithm, f.evidence.rsplit(" near ", 1)[1])
             for f in detector.detect("sm", data).findings}
    assert found == {
        ("constants.sm4-sbox", "SM4", "SM4_SBOX"), ("constants.sm4-fk", "SM4", "SM4_FK"),
        ("constants.sm4-ck", "SM4", "SM4_CK"), ("constants.sm3-iv", "SM3", "SM3_IV"),
        ("constants.sha256-k", "SHA-256", "K256"), ("constants.sha512-k", "SHA-512", "K512"),
        ("constants.zuc-s1", "ZUC", "ZUC_S1"),
    }


def test_curve_parameters_big_endian(tmp_path: Path, detector: ConstantsDetector) -> None:
    data = compile_c(tmp_path, "ec", [c_array("sm2_n", "sm2-n"), c_array("sm2_gx", "sm2-gx"),
                                      c_array("p256_b", "p256-b"), c_array("p256_p", "p256-p")])
    found = {(f.rule, f.algorithm, f.curve, f.evidence)
             for f in detector.detect("ec", data).findings}
    assert found == {
        ("constants.sm2-n", "SM2", "SM2P256V1",
         "SM2 SM2P256V1 group order n (32 bytes, big-endian) in .rodata near sm2_n"),
        ("constants.sm2-gx", "SM2", "SM2P256V1",
         "SM2 SM2P256V1 base point x (32 bytes, big-endian) in .rodata near sm2_gx"),
        ("constants.p256-b", "EC", "P-256",
         "EC P-256 coefficient b (32 bytes, big-endian) in .rodata near p256_b"),
    }  # p256_p (ff ff ff ff 00 00 00 01 ...) is too regular to be matched alone


def test_stripped_executable_still_names_the_section(tmp_path: Path,
                                                     detector: ConstantsDetector) -> None:
    data = compile_c(tmp_path, "stripped", [c_array("bf_p", "blowfish-p"),
                                            c_array("bf_s", "blowfish-s"),
                                            c_array("md5_t", "md5-t")], strip=True)
    assert summary(detector.detect("stripped", data).findings) == {
        ("constants.blowfish-p", "Blowfish", "high",
         "Blowfish P-array (pi digits) (18 x 32-bit words, 32-bit LE) in .rodata"),
        ("constants.blowfish-s", "Blowfish", "high",
         "Blowfish S-boxes S1..S4 (pi digits) (1024 x 32-bit words, 32-bit LE) in .rodata"),
        ("constants.md5-t", "MD5", "high", "MD5 sine table T (64 x 32-bit words, 32-bit LE) "
         "in .rodata"),
    }


def test_partial_tables(tmp_path: Path, detector: ConstantsDetector) -> None:
    data = compile_c(tmp_path, "partial", [c_array("k_short", "sha256-k", 15),
                                           c_array("t_part", "md5-t", 20),
                                           c_array("te_half", "aes-te1", 160)])
    assert summary(detector.detect("partial", data).findings) == {
        ("constants.md5-t", "MD5", "low",
         "MD5 sine table T, partial (20 x 32-bit words of 64, 32-bit LE) in .rodata near t_part"),
        ("constants.aes-te1", "AES", "medium",
         "AES T-table Te1, partial (160 x 32-bit words of 256, 32-bit LE) in .rodata near "
         "te_half"),
    }  # 15 words (60 bytes) of SHA-256's K is below the 64-byte minimum


def test_tables_in_plain_bytes_and_big_endian(detector: ConstantsDetector) -> None:
    keccak = b"".join(v.to_bytes(8, "big") for v in TABLES["keccak-rc"].values)
    sigma = b"expand 32-byte k"
    data = os.urandom(1000) + keccak + b"\x00" * 13 + sigma + os.urandom(500)
    findings = detector.detect("blob.bin", data).findings
    assert [(f.rule, f.offset, f.confidence) for f in findings] == [
        ("constants.keccak-rc", 1000, Confidence.HIGH),
        ("constants.chacha-sigma", 1000 + 192 + 13, Confidence.LOW),
    ]
    assert findings[0].evidence == (
        "SHA-3 Keccak-f[1600] round constants (24 x 64-bit words, 64-bit BE)")


def test_shared_table_stands_aside_for_its_other_user(detector: ConstantsDetector) -> None:
    iv = b"".join(v.to_bytes(4, "little") for v in TABLES["sha1-iv"].values)
    right = b"".join(v.to_bytes(4, "little") for v in TABLES["ripemd160-kr"].values)
    assert [f.rule for f in detector.detect("a", iv + bytes(16)).findings] == [
        "constants.sha1-iv"]
    assert [f.rule for f in detector.detect("b", iv + bytes(16) + right).findings] == [
        "constants.ripemd160-kr"]


def test_same_table_twice_gives_two_distinct_findings(detector: ConstantsDetector) -> None:
    sbox = bytes(TABLES["sm4-sbox"].values)
    findings = detector.detect("x", sbox + b"\x01" * 7 + sbox).findings
    assert [f.offset for f in findings] == [0, 263]
    assert len({f.id for f in findings}) == 2


def test_random_bytes_and_tiny_members_yield_nothing(detector: ConstantsDetector) -> None:
    noise = random.Random(7).randbytes(4 * 1024 * 1024)
    assert detector.detect("noise", noise).findings == []
    assert not detector.handles("tiny", b"\x63\x7c\x77\x7b")
    assert detector.handles("any.bin", noise[:4096])
    assert detector.detect("tiny", b"\x63\x7c\x77").findings == []


def test_not_an_executable_is_fine(detector: ConstantsDetector) -> None:
    sbox = bytes(TABLES["aes-sbox"].values)
    broken = b"\x7fELF" + b"\xff" * 60 + sbox
    findings = detector.detect("broken.so", broken).findings
    assert [(f.rule, f.evidence) for f in findings] == [
        ("constants.aes-sbox", "AES S-box (256 bytes, bytes)")]
