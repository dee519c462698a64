"""Every shipped table checked against an independent computation or implementation."""

from __future__ import annotations

import hashlib
import math
import struct

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import Blowfish, TripleDES
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from anke.catalog import load_catalog
from anke.detect.constants.encode import matchable
from anke.detect.constants.model import Table
from anke.detect.constants.tables import shipped_tables

M32 = 0xFFFFFFFF


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    return {table.id: table for table in shipped_tables()}


def values(tables: dict[str, Table], table_id: str) -> list[int]:
    return list(tables[table_id].values)


def first_primes(count: int) -> list[int]:
    found: list[int] = []
    candidate = 2
    while len(found) < count:
        if all(candidate % p for p in found):
            found.append(candidate)
        candidate += 1
    return found


def int_root(x: int, k: int) -> int:
    """floor(x ** (1/k)) by Newton's method on integers."""
    guess = 1 << (x.bit_length() // k + 1)
    while True:
        better = ((k - 1) * guess + x // guess ** (k - 1)) // k
        if better >= guess:
            return guess
        guess = better


def rotl(x: int, n: int, bits: int = 32) -> int:
    mask = (1 << bits) - 1
    return ((x << n) | (x >> (bits - n))) & mask


# ---------------------------------------------------------------- catalog and shape

def test_tables_name_catalog_entries(tables: dict[str, Table]) -> None:
    catalog = load_catalog()
    for table in tables.values():
        assert catalog.algorithm(table.algorithm) is not None, table.id
        assert catalog.algorithm(table.algorithm).name == table.algorithm  # type: ignore[union-attr]
        for other in table.shared_with:
            assert catalog.algorithm(other) is not None, (table.id, other)
        if table.curve is not None:
            assert catalog.curve(table.curve) is not None, table.id
        assert table.source


def test_only_near_constant_parameters_are_unmatched(tables: dict[str, Table]) -> None:
    unmatched = {t.id for t in tables.values() if not matchable(t)}
    assert unmatched == {"sm2-p", "sm2-a", "p256-p", "p384-p", "p521-p", "p521-a",
                         "secp256k1-p", "secp256k1-a", "secp256k1-b", "curve25519-p"}


# ---------------------------------------------------------------- AES

def gf_mul(a: int, b: int) -> int:
    out = 0
    for _ in range(8):
        if b & 1:
            out ^= a
        carry = a & 0x80
        a = (a << 1) & 0xFF
        if carry:
            a ^= 0x1B
        b >>= 1
    return out


def aes_sbox() -> list[int]:
    out = []
    for x in range(256):
        inverse = 0 if x == 0 else pow_gf(x, 254)
        out.append(inverse ^ rotl(inverse, 1, 8) ^ rotl(inverse, 2, 8) ^ rotl(inverse, 3, 8)
                   ^ rotl(inverse, 4, 8) ^ 0x63)
    return out


def pow_gf(x: int, e: int) -> int:
    result = 1
    while e:
        if e & 1:
            result = gf_mul(result, x)
        x = gf_mul(x, x)
        e >>= 1
    return result


def test_aes_tables(tables: dict[str, Table]) -> None:
    sbox = aes_sbox()
    inverse = [sbox.index(i) for i in range(256)]
    assert values(tables, "aes-sbox") == sbox
    assert values(tables, "aes-inv-sbox") == inverse
    te0 = [int.from_bytes(bytes([gf_mul(s, 2), s, s, gf_mul(s, 3)]), "big") for s in sbox]
    td0 = [int.from_bytes(bytes([gf_mul(s, 14), gf_mul(s, 9), gf_mul(s, 13), gf_mul(s, 11)]),
                          "big") for s in inverse]
    for i in range(4):
        assert values(tables, f"aes-te{i}") == [rotl(v, 32 - 8 * i) if i else v for v in te0]
        assert values(tables, f"aes-td{i}") == [rotl(v, 32 - 8 * i) if i else v for v in td0]


# ---------------------------------------------------------------- SHA-2, SHA-1, MD5, RIPEMD

def test_sha2_from_roots_of_primes(tables: dict[str, Table]) -> None:
    primes = first_primes(80)
    assert values(tables, "sha256-k") == [int_root(p << 96, 3) & M32 for p in primes[:64]]
    assert values(tables, "sha512-k") == [int_root(p << 192, 3) % 2**64 for p in primes]
    assert values(tables, "sha256-iv") == [int_root(p << 64, 2) & M32 for p in primes[:8]]
    assert values(tables, "sha512-iv") == [int_root(p << 128, 2) % 2**64 for p in primes[:8]]
    assert values(tables, "sha384-iv") == [int_root(p << 128, 2) % 2**64
                                           for p in primes[8:16]]
    assert values(tables, "sha224-iv") == [int_root(p << 128, 2) & M32 for p in primes[8:16]]


def sha256_abc(k: list[int], iv: list[int]) -> bytes:
    block = b"abc" + b"\x80" + b"\x00" * 52 + (24).to_bytes(8, "big")
    w = list(struct.unpack(">16I", block))
    for t in range(16, 64):
        s0 = rotl(w[t - 15], 25) ^ rotl(w[t - 15], 14) ^ (w[t - 15] >> 3)
        s1 = rotl(w[t - 2], 15) ^ rotl(w[t - 2], 13) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & M32)
    a, b, c, d, e, f, g, h = iv
    for t in range(64):
        t1 = (h + (rotl(e, 26) ^ rotl(e, 21) ^ rotl(e, 7)) + ((e & f) ^ (~e & g)) + k[t]
              + w[t]) & M32
        t2 = ((rotl(a, 30) ^ rotl(a, 19) ^ rotl(a, 10)) + ((a & b) ^ (a & c) ^ (b & c))) & M32
        a, b, c, d, e, f, g, h = (t1 + t2) & M32, a, b, c, (d + t1) & M32, e, f, g
    return struct.pack(">8I", *((x + y) & M32 for x, y in zip(iv, (a, b, c, d, e, f, g, h),
                                                                strict=True)))


def test_sha256_tables_compute_sha256(tables: dict[str, Table]) -> None:
    k = values(tables, "sha256-k")
    assert sha256_abc(k, values(tables, "sha256-iv")) == hashlib.sha256(b"abc").digest()
    assert sha256_abc(k, values(tables, "sha224-iv"))[:28] == hashlib.sha224(b"abc").digest()


def test_sha1_tables_compute_sha1(tables: dict[str, Table]) -> None:
    k = values(tables, "sha1-k")
    assert k == [int_root(n << 60, 2) for n in (2, 3, 5, 10)]
    block = b"abc" + b"\x80" + b"\x00" * 52 + (24).to_bytes(8, "big")
    w = list(struct.unpack(">16I", block))
    for t in range(16, 80):
        w.append(rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1))
    iv = values(tables, "sha1-iv")
    a, b, c, d, e = iv
    for t in range(80):
        if t < 20:
            f = (b & c) | (~b & d)
        elif 40 <= t < 60:
            f = (b & c) | (b & d) | (c & d)
        else:
            f = b ^ c ^ d
        a, b, c, d, e = (rotl(a, 5) + f + e + k[t // 20] + w[t]) & M32, a, rotl(b, 30), c, d
    digest = struct.pack(">5I", *((x + y) & M32 for x, y in zip(iv, (a, b, c, d, e),
                                                               strict=True)))
    assert digest == hashlib.sha1(b"abc").digest()


def test_md5_from_sine(tables: dict[str, Table]) -> None:
    assert values(tables, "md5-t") == [math.floor(abs(math.sin(i)) * 2**32)
                                       for i in range(1, 65)]


def test_ripemd160_from_roots(tables: dict[str, Table]) -> None:
    assert values(tables, "ripemd160-kl") == [int_root(n << 60, 2) for n in (2, 3, 5, 7)]
    assert values(tables, "ripemd160-kr") == [int_root(n << 90, 3) for n in (2, 3, 5, 7)]


def test_keccak_round_constants_from_lfsr(tables: dict[str, Table]) -> None:
    state = 1
    bits = []
    for _ in range(255):
        bits.append(state & 1)
        state <<= 1
        if state & 0x100:
            state ^= 0x171
    expected = []
    for round_index in range(24):
        value = 0
        for j in range(7):
            if bits[(j + 7 * round_index) % 255]:
                value |= 1 << (2**j - 1)
        expected.append(value)
    assert values(tables, "keccak-rc") == expected


# ---------------------------------------------------------------- SM3, SM4, ZUC

def test_sm3_iv_matches_gmssl(tables: dict[str, Table]) -> None:
    from gmssl import sm3

    assert values(tables, "sm3-iv") == list(sm3.IV)


def sm4_encrypt(sbox: list[int], fk: list[int], ck: list[int], key: bytes,
                block: bytes) -> bytes:
    def tau(x: int) -> int:
        return int.from_bytes(bytes(sbox[b] for b in x.to_bytes(4, "big")), "big")

    k = [w ^ f for w, f in zip(struct.unpack(">4I", key), fk, strict=True)]
    for i in range(32):
        t = tau(k[i + 1] ^ k[i + 2] ^ k[i + 3] ^ ck[i])
        k.append(k[i] ^ t ^ rotl(t, 13) ^ rotl(t, 23))
    x = list(struct.unpack(">4I", block))
    for i in range(32):
        t = tau(x[i + 1] ^ x[i + 2] ^ x[i + 3] ^ k[i + 4])
        x.append(x[i] ^ t ^ rotl(t, 2) ^ rotl(t, 10) ^ rotl(t, 18) ^ rotl(t, 24))
    return struct.pack(">4I", *reversed(x[-4:]))


def test_sm4_tables_encrypt_the_standard_example(tables: dict[str, Table]) -> None:
    ck = [int.from_bytes(bytes((4 * i + j) * 7 % 256 for j in range(4)), "big")
          for i in range(32)]
    assert values(tables, "sm4-ck") == ck
    text = bytes.fromhex("0123456789abcdeffedcba9876543210")
    # GB/T 32907-2016, Appendix A, example 1: the key is the plaintext.
    assert sm4_encrypt(values(tables, "sm4-sbox"), values(tables, "sm4-fk"), ck, text,
                       text) == bytes.fromhex("681edf34d206965e86b3e94f536e4246")


def test_zuc_tables_match_snowland_smx(tables: dict[str, Table]) -> None:
    from pysmx.ZUC import _ZUC as zuc

    assert values(tables, "zuc-s0") == list(zuc.S0)
    assert values(tables, "zuc-s1") == list(zuc.S1)
    assert values(tables, "zuc-d") == list(zuc.D)


# ---------------------------------------------------------------- curves

Point = tuple[int, int] | None


def ec_add(p: int, a: int, one: Point, two: Point) -> Point:
    if one is None:
        return two
    if two is None:
        return one
    (x1, y1), (x2, y2) = one, two
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    if one == two:
        slope = (3 * x1 * x1 + a) * pow(2 * y1, -1, p) % p
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def ec_mul(p: int, a: int, k: int, point: Point) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = ec_add(p, a, result, point)
        point = ec_add(p, a, point, point)
        k >>= 1
    return result


CURVES = {
    "sm2": None, "p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
}


@pytest.mark.parametrize("prefix", sorted(CURVES))
def test_curve_parameters(tables: dict[str, Table], prefix: str) -> None:
    p, a, b, n, gx, gy = (tables[f"{prefix}-{k}"].values[0]
                          for k in ("p", "a", "b", "n", "gx", "gy"))
    assert (gy * gy - gx ** 3 - a * gx - b) % p == 0  # G lies on the curve
    assert ec_mul(p, a, n, (gx, gy)) is None  # and has order n
    assert pow(2, p - 1, p) == 1 and pow(3, n - 1, n) == 1  # p and n are (probable) primes
    curve = CURVES[prefix]
    if curve is not None:  # the published base point: d*G as OpenSSL computes it
        secret = 0x1234567890ABCDEF
        public = ec.derive_private_key(secret, curve).public_key().public_numbers()
        assert ec_mul(p, a, secret, (gx, gy)) == (public.x, public.y)
    else:
        from gmssl import sm2

        table = sm2.default_ecc_table
        assert (p, a, b, n) == tuple(int(table[k], 16) for k in ("p", "a", "b", "n"))
        assert f"{gx:064x}{gy:064x}" == table["g"].lower()


def test_ed25519_constants(tables: dict[str, Table]) -> None:
    p = tables["curve25519-p"].values[0]
    assert p == 2**255 - 19
    d = tables["ed25519-d"].values[0]
    assert d * 121666 % p == (-121665) % p
    x = tables["ed25519-bx"].values[0]
    y = 4 * pow(5, -1, p) % p
    assert (-x * x + y * y - 1 - d * x * x * y * y) % p == 0 and x % 2 == 0


def test_chacha_sigma(tables: dict[str, Table]) -> None:
    assert bytes(values(tables, "chacha-sigma")) == b"expand 32-byte k"


# ---------------------------------------------------------------- DES

def test_des_sboxes_encrypt_like_openssl(tables: dict[str, Table],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pyDes

    sbox = values(tables, "des-sbox")
    monkeypatch.setattr(pyDes.des, "_des__sbox", [sbox[i * 64:(i + 1) * 64] for i in range(8)])
    key, block = bytes.fromhex("133457799bbcdff1"), bytes.fromhex("0123456789abcdef")
    ours = pyDes.des(key).encrypt(block)
    encryptor = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()
    assert ours == encryptor.update(block) + encryptor.finalize()

    perm = [x + 1 for x in pyDes.des._des__p]

    def p_box(v: int) -> int:
        return sum(1 << (31 - j) for j, src in enumerate(perm) if v >> (32 - src) & 1)

    expected = []
    for i in range(8):
        for x in range(64):
            s = sbox[i * 64 + (((x >> 4) & 2) | (x & 1)) * 16 + ((x >> 1) & 15)]
            expected.append(rotl(p_box(s << (4 * (7 - i))), 1))
    assert values(tables, "des-sp") == expected
    assert expected[0] == 0x01010400  # SP1[0] of Outerbridge's layout


# ---------------------------------------------------------------- Blowfish

def pi_fraction_words(count: int) -> list[int]:
    """Hex digits of pi by Machin's formula, with integers only."""
    bits = 32 * count + 64
    scale = 1 << bits

    def arctan_inverse(x: int) -> int:
        total, power, k = 0, scale // x, 0
        while power:
            total += (-1) ** k * (power // (2 * k + 1))
            power //= x * x
            k += 1
        return total

    pi = 4 * (4 * arctan_inverse(5) - arctan_inverse(239))
    fraction = (pi - 3 * scale) >> 64
    return [(fraction >> (32 * (count - 1 - i))) & M32 for i in range(count)]


def blowfish_encrypt(p_array: list[int], sboxes: list[int], key: bytes, block: bytes) -> bytes:
    p = list(p_array)
    s = [sboxes[i * 256:(i + 1) * 256] for i in range(4)]
    stream = (key * (72 // len(key) + 1))[:72]
    for i in range(18):
        p[i] ^= int.from_bytes(stream[4 * i:4 * i + 4], "big")

    def f(x: int) -> int:
        a, b, c, d = x.to_bytes(4, "big")
        return (((s[0][a] + s[1][b]) & M32) ^ s[2][c]) + s[3][d] & M32

    def encrypt(left: int, right: int) -> tuple[int, int]:
        for i in range(16):
            left ^= p[i]
            right ^= f(left)
            left, right = right, left
        left, right = right, left
        return left ^ p[17], right ^ p[16]

    left = right = 0
    for i in range(0, 18, 2):
        left, right = encrypt(left, right)
        p[i], p[i + 1] = left, right
    for box in s:
        for i in range(0, 256, 2):
            left, right = encrypt(left, right)
            box[i], box[i + 1] = left, right
    left, right = encrypt(*struct.unpack(">2I", block))
    return struct.pack(">2I", left, right)


def test_blowfish_tables_are_pi_and_encrypt_like_openssl(tables: dict[str, Table]) -> None:
    digits = pi_fraction_words(18 + 1024)
    assert values(tables, "blowfish-p") == digits[:18]
    assert values(tables, "blowfish-s") == digits[18:]
    key, block = b"anke test key", b"8 bytes!"
    encryptor = Cipher(Blowfish(key), modes.ECB()).encryptor()
    expected = encryptor.update(block) + encryptor.finalize()
    assert blowfish_encrypt(digits[:18], digits[18:], key, block) == expected


# ---------------------------------------------------------------- GOST

def test_gost_tables_match_gostcrypto(tables: dict[str, Table]) -> None:
    from gostcrypto.gostcipher import gost_34_12_2015 as kuznyechik
    from gostcrypto.gosthash import gost_34_11_2012 as streebog

    assert values(tables, "kuznyechik-pi") == list(kuznyechik._S_BOX_KUZNECHIK)
    assert values(tables, "streebog-c") == [int.from_bytes(bytes(c), "little")
                                            for c in streebog._C]
    assert values(tables, "streebog-lps") == [v for row in streebog._T for v in row]
    # GOST R 34.11-2012 prints C1 most significant byte first.
    assert values(tables, "streebog-c")[0] >> 480 == 0xB1085BDA
    assert values(tables, "kuznyechik-l") == [148, 32, 133, 16, 194, 192, 1, 251, 1, 192,
                                              194, 16, 133, 32, 148, 1]
