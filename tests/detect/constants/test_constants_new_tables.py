"""Twofish, Camellia, SEED, ARIA, Whirlpool and RC2 tables, each checked independently.

S-boxes are rebuilt from their specifications where those define them constructively
(Twofish's q0/q1 from the 4-bit tables t0..t3, Whirlpool's S-box from its mini-boxes,
Camellia's Sigma from square roots of primes, SEED's KC from the golden ratio); the others
are checked by encrypting with a small implementation built on the shipped tables and
comparing with an independent one (cryptography's Camellia, SEED and RC2) or with the
published test vector (ARIA, RFC 5794 appendix A; Whirlpool, ISO/IEC 10118-3).
"""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import RC2, SEED, Camellia
from cryptography.hazmat.primitives.ciphers import BlockCipherAlgorithm, Cipher, modes

from anke.catalog import load_catalog
from anke.detect.constants.model import Table
from anke.detect.constants.tables import shipped_tables

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    return {table.id: table for table in shipped_tables()}


def values(tables: dict[str, Table], table_id: str) -> list[int]:
    return list(tables[table_id].values)


def gf_mul(a: int, b: int, poly: int) -> int:
    out = 0
    while b:
        if b & 1:
            out ^= a
        b >>= 1
        a <<= 1
        if a & 0x100:
            a ^= poly
    return out


def ecb(algorithm: BlockCipherAlgorithm, block: bytes) -> bytes:
    """One block encrypted (CBC with a zero IV: RC2 is offered in CBC only)."""
    encryptor = Cipher(algorithm, modes.CBC(bytes(len(block)))).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def test_catalog_names_the_new_algorithms() -> None:
    catalog = load_catalog()
    for name in ("Twofish", "Camellia", "SEED", "ARIA", "Whirlpool", "RC2"):
        entry = catalog.algorithm(name)
        assert entry is not None and entry.name == name


# ---------------------------------------------------------------- Twofish

T_Q0 = ("817D6F320B59ECA4", "ECB81235F4A6709D", "BA5E6D90C8F32471", "D7F4126E9B3085CA")
T_Q1 = ("28BDF76E31940AC5", "1E2B4C376DA5F908", "4C75169A0ED82B3F", "B951C3DE647F208A")


def twofish_q(t: tuple[str, ...], x: int) -> int:
    """Twofish paper, section 4.3.5: q built from four 4-bit permutations."""
    boxes = [[int(c, 16) for c in row] for row in t]

    def ror4(v: int) -> int:
        return ((v >> 1) | (v << 3)) & 15

    a, b = x >> 4, x & 15
    a, b = a ^ b, (a ^ ror4(b) ^ (8 * a)) & 15
    a, b = boxes[0][a], boxes[1][b]
    a, b = a ^ b, (a ^ ror4(b) ^ (8 * a)) & 15
    a, b = boxes[2][a], boxes[3][b]
    return 16 * b + a


def test_twofish_tables(tables: dict[str, Table]) -> None:
    q0 = [twofish_q(T_Q0, x) for x in range(256)]
    q1 = [twofish_q(T_Q1, x) for x in range(256)]
    assert values(tables, "twofish-q0") == q0
    assert values(tables, "twofish-q1") == q1
    mds = [[0x01, 0xEF, 0x5B, 0x5B], [0x5B, 0xEF, 0xEF, 0x01],
           [0xEF, 0x5B, 0x01, 0xEF], [0xEF, 0x01, 0xEF, 0x5B]]
    for column, q in enumerate((q1, q0, q1, q0)):
        expected = [sum(gf_mul(q[x], mds[row][column], 0x169) << (8 * row) for row in range(4))
                    for x in range(256)]
        assert values(tables, f"twofish-mds{column}") == expected
    assert values(tables, "twofish-mds0")[:2] == [0xBCBC3275, 0xECEC21F3]
    assert bytes(values(tables, "twofish-rs")).hex() == (
        "01a455875a58db9ea45682f31ec668e502a1fcc147ae3d19a455875a58db9e03")


# ---------------------------------------------------------------- Camellia

def int_sqrt(n: int) -> int:
    x = 1 << ((n.bit_length() + 1) // 2)
    while True:
        y = (x + n // x) // 2
        if y >= x:
            return x
        x = y


def rotl(x: int, n: int, bits: int) -> int:
    n %= bits
    return ((x << n) | (x >> (bits - n))) & ((1 << bits) - 1)


def camellia_encrypt(s1: list[int], sigma: list[int], key: bytes, block: bytes) -> bytes:
    """Camellia-128 as RFC 3713 section 2 describes it."""
    s2 = [rotl(v, 1, 8) for v in s1]
    s3 = [rotl(v, 7, 8) for v in s1]
    s4 = [s1[rotl(x, 1, 8)] for x in range(256)]

    def f(x: int, k: int) -> int:
        t = (x ^ k).to_bytes(8, "big")
        t1, t2, t3, t4 = s1[t[0]], s2[t[1]], s3[t[2]], s4[t[3]]
        t5, t6, t7, t8 = s2[t[4]], s3[t[5]], s4[t[6]], s1[t[7]]
        y = (t1 ^ t3 ^ t4 ^ t6 ^ t7 ^ t8, t1 ^ t2 ^ t4 ^ t5 ^ t7 ^ t8,
             t1 ^ t2 ^ t3 ^ t5 ^ t6 ^ t8, t2 ^ t3 ^ t4 ^ t5 ^ t6 ^ t7,
             t1 ^ t2 ^ t6 ^ t7 ^ t8, t2 ^ t3 ^ t5 ^ t7 ^ t8, t3 ^ t4 ^ t5 ^ t6 ^ t8,
             t1 ^ t4 ^ t5 ^ t6 ^ t7)
        return int.from_bytes(bytes(y), "big")

    def fl(x: int, k: int) -> int:
        x1, x2, k1, k2 = x >> 32, x & M32, k >> 32, k & M32
        x2 ^= rotl(x1 & k1, 1, 32)
        x1 ^= x2 | k2
        return (x1 << 32) | x2

    def flinv(y: int, k: int) -> int:
        y1, y2, k1, k2 = y >> 32, y & M32, k >> 32, k & M32
        y1 ^= y2 | k2
        y2 ^= rotl(y1 & k1, 1, 32)
        return (y1 << 32) | y2

    kl = int.from_bytes(key, "big")
    d1, d2 = kl >> 64, kl & M64
    d2 ^= f(d1, sigma[0])
    d1 ^= f(d2, sigma[1])
    d1 ^= kl >> 64
    d2 ^= kl & M64
    d2 ^= f(d1, sigma[2])
    d1 ^= f(d2, sigma[3])
    ka = (d1 << 64) | d2

    def half(k: int, n: int, high: bool) -> int:
        r = rotl(k, n, 128)
        return r >> 64 if high else r & M64

    kw = [half(kl, 0, True), half(kl, 0, False), half(ka, 111, True), half(ka, 111, False)]
    k = [half(ka, 0, True), half(ka, 0, False), half(kl, 15, True), half(kl, 15, False),
         half(ka, 15, True), half(ka, 15, False), half(kl, 45, True), half(kl, 45, False),
         half(ka, 45, True), half(kl, 60, False), half(ka, 60, True), half(ka, 60, False),
         half(kl, 94, True), half(kl, 94, False), half(ka, 94, True), half(ka, 94, False),
         half(kl, 111, True), half(kl, 111, False)]
    ke = [half(ka, 30, True), half(ka, 30, False), half(kl, 77, True), half(kl, 77, False)]
    m = int.from_bytes(block, "big")
    d1, d2 = (m >> 64) ^ kw[0], (m & M64) ^ kw[1]
    for group in range(3):
        for i in range(group * 6, group * 6 + 6, 2):
            d2 ^= f(d1, k[i])
            d1 ^= f(d2, k[i + 1])
        if group < 2:
            d1 = fl(d1, ke[2 * group])
            d2 = flinv(d2, ke[2 * group + 1])
    d2 ^= kw[2]
    d1 ^= kw[3]
    return ((d2 << 64) | d1).to_bytes(16, "big")


def test_camellia_sigma_is_square_roots_of_primes(tables: dict[str, Table]) -> None:
    primes = [2, 3, 5, 7, 11, 13]  # Sigma1..6: fractional hex digits 2..17 of sqrt(p)
    expected = [int_sqrt(p << 136) & M64 for p in primes]
    assert values(tables, "camellia-sigma") == expected


def test_camellia_tables_encrypt_like_cryptography(tables: dict[str, Table]) -> None:
    s1 = values(tables, "camellia-sbox1")
    sigma = values(tables, "camellia-sigma")
    for _ in range(4):
        key, block = os.urandom(16), os.urandom(16)
        assert camellia_encrypt(s1, sigma, key, block) == ecb(Camellia(key), block)
    s2 = [rotl(v, 1, 8) for v in s1]
    s3 = [rotl(v, 7, 8) for v in s1]
    s4 = [s1[rotl(x, 1, 8)] for x in range(256)]
    assert values(tables, "camellia-sbox2") == s2
    assert values(tables, "camellia-sbox3") == s3
    assert values(tables, "camellia-sbox4") == s4

    def word(*parts: int) -> int:
        return int.from_bytes(bytes(parts), "big")

    sp1110 = [word(s, s, s, 0) for s in s1]
    sp0222 = [word(0, s, s, s) for s in s2]
    sp3033 = [word(s, 0, s, s) for s in s3]
    sp4404 = [word(s, s, 0, s) for s in s4]
    assert values(tables, "camellia-sp1110") == sp1110
    assert values(tables, "camellia-sp0222") == sp0222
    assert values(tables, "camellia-sp3033") == sp3033
    assert values(tables, "camellia-sp4404") == sp4404
    pairs = zip(sp1110, sp4404, strict=True)
    assert values(tables, "camellia-sp1110-4404") == [v for p in pairs for v in p]
    pairs = zip(sp0222, sp3033, strict=True)
    assert values(tables, "camellia-sp0222-3033") == [v for p in pairs for v in p]


# ---------------------------------------------------------------- SEED

def seed_encrypt(ss: list[list[int]], kc: list[int], key: bytes, block: bytes) -> bytes:
    """SEED as RFC 4269 section 2 describes it, on the SS0..SS3 tables."""

    def g(x: int) -> int:
        return (ss[3][x >> 24] ^ ss[2][(x >> 16) & 0xFF] ^ ss[1][(x >> 8) & 0xFF]
                ^ ss[0][x & 0xFF])

    a, b, c, d = (int.from_bytes(key[i:i + 4], "big") for i in range(0, 16, 4))
    keys = []
    for i in range(16):
        keys.append((g((a + c - kc[i]) & M32), g((b - d + kc[i]) & M32)))
        if i % 2 == 0:
            ab = rotl((a << 32) | b, 64 - 8, 64)
            a, b = ab >> 32, ab & M32
        else:
            cd = rotl((c << 32) | d, 8, 64)
            c, d = cd >> 32, cd & M32

    def f(right: tuple[int, int], k: tuple[int, int]) -> tuple[int, int]:
        x, y = right[0] ^ k[0], right[1] ^ k[1]
        t = g(x ^ y)
        u = g((t + x) & M32)
        d_out = g((u + t) & M32)
        return (d_out + u) & M32, d_out

    words = [int.from_bytes(block[i:i + 4], "big") for i in range(0, 16, 4)]
    left, right = (words[0], words[1]), (words[2], words[3])
    for k in keys:
        out = f(right, k)
        left, right = right, (left[0] ^ out[0], left[1] ^ out[1])
    return b"".join(w.to_bytes(4, "big") for w in (*right, *left))


def test_seed_tables_encrypt_like_cryptography(tables: dict[str, Table]) -> None:
    ss = [values(tables, f"seed-ss{i}") for i in range(4)]
    kc = values(tables, "seed-kc")
    assert kc == [rotl(0x9E3779B9, i, 32) for i in range(16)]  # the golden ratio word
    assert int(((5 ** 0.5 - 1) / 2) * 2 ** 32) == 0x9E3779B9
    for _ in range(4):
        key, block = os.urandom(16), os.urandom(16)
        assert seed_encrypt(ss, kc, key, block) == ecb(SEED(key), block)
    masks = [0xFC, 0xF3, 0xCF, 0x3F]
    for i, source in enumerate(("seed-s1", "seed-s2", "seed-s1", "seed-s2")):
        box = values(tables, source)
        assert ss[i] == [sum((s & masks[(j + i) % 4]) << (8 * j) for j in range(4)) for s in box]


# ---------------------------------------------------------------- ARIA

ARIA_A = ((3, 4, 6, 8, 9, 13, 14), (2, 5, 7, 8, 9, 12, 15), (1, 4, 6, 10, 11, 12, 15),
          (0, 5, 7, 10, 11, 13, 14), (0, 2, 5, 8, 11, 14, 15), (1, 3, 4, 9, 10, 14, 15),
          (0, 2, 7, 9, 10, 12, 13), (1, 3, 6, 8, 11, 12, 13), (0, 1, 4, 7, 10, 13, 15),
          (0, 1, 5, 6, 11, 12, 14), (2, 3, 5, 6, 8, 13, 15), (2, 3, 4, 7, 9, 12, 14),
          (1, 2, 6, 7, 9, 11, 12), (0, 3, 6, 7, 8, 10, 13), (0, 3, 4, 5, 9, 11, 14),
          (1, 2, 4, 5, 8, 10, 15))


def aria_encrypt(sb: list[list[int]], constants: list[int], key: bytes, block: bytes) -> bytes:
    """ARIA-128 as RFC 5794 section 2 describes it."""
    sl1 = (sb[0], sb[1], sb[2], sb[3])
    sl2 = (sb[2], sb[3], sb[0], sb[1])

    def layer(x: int, boxes: tuple[list[int], ...]) -> int:
        data = x.to_bytes(16, "big")
        subst = [boxes[i % 4][v] for i, v in enumerate(data)]
        out = []
        for row in ARIA_A:
            acc = 0
            for i in row:
                acc ^= subst[i]
            out.append(acc)
        return int.from_bytes(bytes(out), "big")

    def fo(d: int, k: int) -> int:
        return layer(d ^ k, sl1)

    def fe(d: int, k: int) -> int:
        return layer(d ^ k, sl2)

    c1, c2, c3 = (sum(w << (32 * (3 - j)) for j, w in enumerate(constants[4 * i:4 * i + 4]))
                  for i in range(3))
    w0 = int.from_bytes(key, "big")
    w1 = fo(w0, c1)
    w2 = fe(w1, c2) ^ w0
    w3 = fo(w2, c3) ^ w1

    def ror(x: int, n: int) -> int:
        return rotl(x, 128 - n, 128)

    ek = [w0 ^ ror(w1, 19), w1 ^ ror(w2, 19), w2 ^ ror(w3, 19), ror(w0, 19) ^ w3,
          w0 ^ ror(w1, 31), w1 ^ ror(w2, 31), w2 ^ ror(w3, 31), ror(w0, 31) ^ w3,
          w0 ^ rotl(w1, 61, 128), w1 ^ rotl(w2, 61, 128), w2 ^ rotl(w3, 61, 128),
          rotl(w0, 61, 128) ^ w3, w0 ^ rotl(w1, 31, 128)]
    p = int.from_bytes(block, "big")
    for r in range(11):
        p = fo(p, ek[r]) if r % 2 == 0 else fe(p, ek[r])
    data = (p ^ ek[11]).to_bytes(16, "big")
    c = int.from_bytes(bytes(sl2[i % 4][v] for i, v in enumerate(data)), "big") ^ ek[12]
    return c.to_bytes(16, "big")


def aes_sbox() -> list[int]:
    out = []
    for x in range(256):
        inverse = next((y for y in range(1, 256) if gf_mul(x, y, 0x11B) == 1), 0)
        out.append(inverse ^ rotl(inverse, 1, 8) ^ rotl(inverse, 2, 8) ^ rotl(inverse, 3, 8)
                   ^ rotl(inverse, 4, 8) ^ 0x63)
    return out


def test_aria_tables_give_the_rfc_test_vector(tables: dict[str, Table]) -> None:
    sb1 = aes_sbox()
    sb3 = [sb1.index(i) for i in range(256)]
    sb2, sb4 = values(tables, "aria-sb2"), values(tables, "aria-sb4")
    assert sb4 == [sb2.index(i) for i in range(256)]
    key = bytes(range(16))
    block = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert aria_encrypt([sb1, sb2, sb3, sb4], values(tables, "aria-c"), key, block).hex() == (
        "d718fbd6ab644c739da95f3be6451778")  # RFC 5794, appendix A.1

    def word(*parts: int) -> int:
        return int.from_bytes(bytes(parts), "big")

    assert values(tables, "aria-s1") == [word(0, s, s, s) for s in sb1]
    assert values(tables, "aria-s2") == [word(s, 0, s, s) for s in sb2]
    assert values(tables, "aria-x1") == [word(s, s, 0, s) for s in sb3]
    assert values(tables, "aria-x2") == [word(s, s, s, 0) for s in sb4]


# ---------------------------------------------------------------- Whirlpool

def whirlpool_sbox() -> list[int]:
    """The S-box from the mini-boxes E, E^-1 and R (Barreto and Rijmen, section 6)."""
    e = [0x1, 0xB, 0x9, 0xC, 0xD, 0x6, 0xF, 0x3, 0xE, 0x8, 0x7, 0x4, 0xA, 0x2, 0x5, 0x0]
    r = [0x7, 0xC, 0xB, 0xD, 0xE, 0x4, 0x9, 0xF, 0x6, 0x3, 0x8, 0xA, 0x2, 0x5, 0x1, 0x0]
    e_inv = [e.index(i) for i in range(16)]
    out = []
    for x in range(256):
        u, low = e[x >> 4], e_inv[x & 15]
        t = r[u ^ low]
        out.append((e[u ^ t] << 4) | e_inv[low ^ t])
    return out


def whirlpool(c: list[list[int]], rc: list[int], message: bytes) -> bytes:
    """Whirlpool on the C0..C7 tables and round constants."""
    bits = 8 * len(message)
    data = message + b"\x80"
    data += b"\x00" * ((32 - len(data) % 64) % 64) + bits.to_bytes(32, "big")

    def rho(state: list[int], key: list[int]) -> list[int]:
        return [key[i] ^ c[0][state[i] >> 56] ^ c[1][(state[(i - 1) % 8] >> 48) & 0xFF]
                ^ c[2][(state[(i - 2) % 8] >> 40) & 0xFF] ^ c[3][(state[(i - 3) % 8] >> 32) & 0xFF]
                ^ c[4][(state[(i - 4) % 8] >> 24) & 0xFF] ^ c[5][(state[(i - 5) % 8] >> 16) & 0xFF]
                ^ c[6][(state[(i - 6) % 8] >> 8) & 0xFF] ^ c[7][state[(i - 7) % 8] & 0xFF]
                for i in range(8)]

    h = [0] * 8
    for at in range(0, len(data), 64):
        block = [int.from_bytes(data[at + 8 * i:at + 8 * i + 8], "big") for i in range(8)]
        key = h[:]
        state = [b ^ k for b, k in zip(block, key, strict=True)]
        for r in range(10):
            key = rho(key, [rc[r]] + [0] * 7)
            state = rho(state, key)
        h = [h[i] ^ state[i] ^ block[i] for i in range(8)]
    return b"".join(v.to_bytes(8, "big") for v in h)


def test_whirlpool_tables_hash_the_iso_vector(tables: dict[str, Table]) -> None:
    sbox = whirlpool_sbox()
    assert values(tables, "whirlpool-sbox") == sbox
    row = [1, 1, 4, 1, 8, 5, 2, 9]
    c0 = [int.from_bytes(bytes(gf_mul(s, m, 0x11D) for m in row), "big") for s in sbox]
    c = [[rotl(v, 64 - 8 * t, 64) for v in c0] for t in range(8)]
    for t in range(8):
        assert values(tables, f"whirlpool-c{t}") == c[t]
    rc = values(tables, "whirlpool-rc")
    assert rc == [int.from_bytes(bytes(sbox[8 * r:8 * r + 8]), "big") for r in range(10)]
    assert whirlpool(c, rc, b"").hex() == (
        "19fa61d75522a4669b44e39c1d2e1726c530232130d407f89afee0964997f7a7"
        "3e83be698b288febcf88e3e03c4f0757ea8964e59b63d93708b138cc42a66eb3")


# ---------------------------------------------------------------- RC2

def rc2_encrypt(pitable: list[int], key: bytes, block: bytes) -> bytes:
    """RC2 (RFC 2268) with effective key bits = 8 * len(key)."""
    t = len(key)
    bits = 8 * t
    length = list(key) + [0] * (128 - t)
    for i in range(t, 128):
        length[i] = pitable[(length[i - 1] + length[i - t]) & 0xFF]
    t8 = (bits + 7) // 8
    tm = 0xFF % (1 << (8 + bits - 8 * t8))
    length[128 - t8] = pitable[length[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        length[i] = pitable[length[i + 1] ^ length[i + t8]]
    k = [length[2 * i] | (length[2 * i + 1] << 8) for i in range(64)]
    r = [block[2 * i] | (block[2 * i + 1] << 8) for i in range(4)]
    j = 0
    for step in range(16):
        for i in range(4):
            r[i] = (r[i] + k[j] + (r[i - 1] & r[i - 2]) + (~r[i - 1] & r[i - 3])) & 0xFFFF
            r[i] = rotl(r[i], (1, 2, 3, 5)[i], 16)
            j += 1
        if step in (4, 10):
            for i in range(4):
                r[i] = (r[i] + k[r[i - 1] & 63]) & 0xFFFF
    return b"".join(v.to_bytes(2, "little") for v in r)


def test_rc2_pitable_encrypts_like_cryptography(tables: dict[str, Table]) -> None:
    pitable = values(tables, "rc2-pitable")
    assert sorted(pitable) == list(range(256))
    for _ in range(4):
        key, block = os.urandom(16), os.urandom(8)
        assert rc2_encrypt(pitable, key, block) == ecb(RC2(key), block)
