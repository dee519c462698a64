"""The shipped algorithm catalog: it loads, resolves the names detectors need, its facts hold."""

from __future__ import annotations

import hashlib
import re
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from anke.catalog.index import DATA_DIR, Catalog, fold, load_catalog, load_catalog_dir
from anke.catalog.model import Algorithm, Curve, Mode, Padding, Primitive
from anke.errors import DataFileError

# Names used by the ground-truth files of the benchmarks: each must resolve to an algorithm
# (by name or alias) or be a family name.
TRUTH_NAMES = [
    "SM2",
    "SM3",
    "SM4",
    "SM9",
    "ZUC",
    "HMAC",
    "AES",
    "DES",
    "3DES",
    "RC4",
    "Rabbit",
    "Blowfish",
    "MD5",
    "SHA1",
    "SHA224",
    "SHA256",
    "SHA384",
    "SHA512",
    "SHA3",
    "RIPEMD160",
    "PBKDF2",
    "EvpKDF",
    "RC2",
    "RSA",
    "Ed25519",
    "ECDSA",
    "DSA",
    "X25519",
    "XSalsa20",
    "Salsa20",
    "Poly1305",
    "CAST5",
    "ChaCha20",
    "XChaCha20",
    "Ed448",
    "X448",
    "ElGamal",
    "DH",
    "ML-KEM",
    "ML-DSA",
    "MD2",
    "MD4",
    "SHAKE",
    "Keccak",
    "BLAKE2",
    "CMAC",
    "KMAC",
    "HKDF",
    "scrypt",
    "bcrypt",
    "ECDH",
    "ARIA",
    "Camellia",
    "IDEA",
    "RC5",
    "SEED",
    "MDC2",
    "Whirlpool",
    "GMAC",
    "SipHash",
    "Twofish",
    "Serpent",
    "GOST28147",
    "Tiger",
    "Streebog",
    "GOSTR3411",
    "UMAC",
    "Argon2",
    "XTEA",
    "CAST6",
    "Threefish",
    "TEA",
    "Skipjack",
    "Noekeon",
]

CATALOG_FILES = ("algorithms.yaml", "curves.yaml", "modes.yaml")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _algorithm(catalog: Catalog, name: str) -> Algorithm:
    found = catalog.algorithm(name)
    assert found is not None, f"{name} is not in the catalog"
    return found


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- loading


def test_shipped_catalog_loads(catalog: Catalog) -> None:
    assert len(catalog.algorithms) >= 100
    assert len(catalog.curves) >= 15
    assert len(catalog.modes) >= 15
    assert len(catalog.paddings) >= 10
    assert re.fullmatch(r"[0-9a-f]{16}", catalog.digest)


def test_shipped_catalog_has_its_data_files() -> None:
    assert set(CATALOG_FILES) <= {p.name for p in DATA_DIR.glob("*.yaml")}


@pytest.mark.parametrize("file_name", CATALOG_FILES)
def test_every_data_file_says_where_its_oids_come_from(file_name: str) -> None:
    head = (DATA_DIR / file_name).read_text(encoding="utf-8").splitlines()[:12]
    assert head[0].startswith("#")
    assert any("OID" in line for line in head if line.startswith("#"))


# ---------------------------------------------------------------- name resolution


@pytest.mark.parametrize("name", TRUTH_NAMES)
def test_truth_name_resolves(catalog: Catalog, name: str) -> None:
    families = {fold(a.family) for a in catalog.algorithms}
    assert catalog.algorithm(name) is not None or fold(name) in families, name


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("sha256", "SHA-256"),
        ("SHA_256", "SHA-256"),
        ("sha2-256", "SHA-256"),
        ("SHA-1", "SHA-1"),
        ("sha_1", "SHA-1"),
        ("DESede", "3DES"),
        ("TripleDES", "3DES"),
        ("des-ede3", "3DES"),
        ("TDEA", "3DES"),
        ("rmd160", "RIPEMD-160"),
        ("ripemd", "RIPEMD-160"),
        ("SMS4", "SM4"),
        ("Rijndael", "AES"),
        ("ARCFOUR", "RC4"),
        ("CAST-128", "CAST5"),
        ("Magma", "GOST28147"),
        ("Grasshopper", "Kuznyechik"),
        ("GOST3411-2012", "Streebog"),
        ("GOSTR341194", "GOSTR3411"),
        ("Kyber", "ML-KEM"),
        ("CRYSTALS-Dilithium", "ML-DSA"),
        ("SPHINCS+", "SLH-DSA"),
        ("Falcon", "FN-DSA"),
        ("HSS", "LMS"),
        ("Diffie-Hellman", "DH"),
        ("Argon2id", "Argon2"),
        ("Hmac", "HMAC"),
        ("OMAC1", "CMAC"),
        ("chacha20-poly1305", "ChaCha20-Poly1305"),
        ("ChaCha", "ChaCha20"),
        ("Keccak256", "Keccak"),
    ],
)
def test_real_world_spellings_resolve(catalog: Catalog, spelling: str, canonical: str) -> None:
    assert _algorithm(catalog, spelling).name == canonical


def test_curve_mode_and_padding_spellings_resolve(catalog: Catalog) -> None:
    for spelling, canonical in [
        ("prime256v1", "P-256"),
        ("secp256r1", "P-256"),
        ("NIST P-256", "P-256"),
        ("X9_62_prime256v1", "P-256"),
        ("secp384r1", "P-384"),
        ("sm2p256v1", "SM2P256V1"),
        ("curve25519", "Curve25519"),
    ]:
        curve = catalog.curve(spelling)
        assert curve is not None and curve.name == canonical, spelling
    for spelling, canonical in [("SIC", "CTR"), ("AESWrap", "KW"), ("cfb8", "CFB")]:
        mode = catalog.mode(spelling)
        assert mode is not None and mode.name == canonical, spelling
    for spelling, canonical in [
        ("PKCS5Padding", "PKCS5"),
        ("PKCS#7", "PKCS7"),
        ("PKCS1Padding", "PKCS1v15"),
        ("RSASSA-PSS", "PSS"),
        ("ISO7816d4", "ISO7816-4"),
        ("X9.23", "ANSIX923"),
    ]:
        padding = catalog.padding(spelling)
        assert padding is not None and padding.name == canonical, spelling


def test_no_algorithm_key_names_a_mode_or_padding(catalog: Catalog) -> None:
    items: list[Mode | Padding] = [*catalog.modes, *catalog.paddings]
    other = {fold(name) for item in items for name in (item.name, *item.aliases)}
    assert other.isdisjoint(set(catalog.algorithm_keys()))


def test_generic_words_and_families_are_not_algorithm_aliases(catalog: Catalog) -> None:
    for word in ("sha", "sha2", "shake", "blake2", "key", "hash", "cipher", "mac"):
        assert catalog.algorithm(word) is None, word
    # A bare "SHA3" (crypto-js names its Keccak hash so) is the family entry, not a variant.
    assert _algorithm(catalog, "SHA3").name == "SHA-3"
    # A generic EC key pair (JCA "EC", PyCryptodome "ECC") is an entry of its own.
    assert _algorithm(catalog, "EC").family == "ECC"
    assert _algorithm(catalog, "ECC").name == "EC"


def test_aes_key_sizes_are_not_aliases(catalog: Catalog) -> None:
    for spelling in ("AES-128", "AES256", "ML-KEM-768"):
        assert catalog.algorithm(spelling) is None, spelling


# Aliases that spell two catalog names run together but really name one algorithm.
_ONE_ALGORITHM = frozenset({"ECDHE", "ECGOST3410-2012"})


def test_no_alias_glues_two_algorithm_names(catalog: Catalog) -> None:
    """An alias such as HmacSHA256 would hide the hash the name reader splits out of it."""
    keys = set(catalog.algorithm_keys())
    for algorithm in catalog.algorithms:
        for alias in set(algorithm.aliases) - _ONE_ALGORITHM:
            key = fold(alias)
            splits = [(key[:i], key[i:]) for i in range(1, len(key)) if {key[:i], key[i:]} <= keys]
            assert not splits, f"{algorithm.name}: {alias} reads as {splits}"


# ---------------------------------------------------------------- loader errors


def test_clashing_alias_in_one_file_raises_naming_the_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "algorithms.yaml",
        """
algorithms:
  - {name: Foo, family: Foo, primitive: hash, standards: [X 1], origin: US}
  - {name: Bar, family: Bar, primitive: hash, aliases: [f-o-o], standards: [X 2], origin: US}
""",
    )
    with pytest.raises(DataFileError) as caught:
        load_catalog_dir(tmp_path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert "Bar" in str(caught.value) and "Foo" in str(caught.value)


def test_clash_across_files_names_the_file_of_the_clashing_entry(tmp_path: Path) -> None:
    _write(
        tmp_path / "a.yaml",
        "algorithms:\n  - {name: Foo, family: F, primitive: hash, standards: [X], origin: US}\n",
    )
    second = _write(
        tmp_path / "b.yaml",
        "algorithms:\n"
        "  - {name: Bar, family: F, primitive: hash, aliases: [FOO], standards: [X], origin: US}\n"
        "curves:\n  - {name: C, bits: 1, standards: [X], origin: US}\n",
    )
    _write(tmp_path / "c.yaml", "modes:\n  - {name: M, standards: [X]}\n")
    with pytest.raises(DataFileError) as caught:
        load_catalog_dir(tmp_path)
    assert caught.value.path == str(second)


def test_oid_listed_twice_raises(tmp_path: Path) -> None:
    second = _write(
        tmp_path / "b.yaml",
        "curves:\n  - {name: C, bits: 1, oids: ['1.2.3'], standards: [X], origin: US}\n",
    )
    _write(
        tmp_path / "a.yaml",
        "algorithms:\n  - {name: Foo, family: F, primitive: hash, oids: ['1.2.3'],\n"
        "     standards: [X], origin: US}\n",
    )
    with pytest.raises(DataFileError) as caught:
        load_catalog_dir(tmp_path)
    assert caught.value.path == str(second)
    assert "1.2.3" in str(caught.value)


def test_entry_without_standards_raises_naming_file_and_entry(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "algorithms.yaml",
        """
algorithms:
  - {name: Good, family: G, primitive: hash, standards: [X 1], origin: US}
  - {name: Undocumented, family: U, primitive: hash, origin: US}
""",
    )
    with pytest.raises(DataFileError) as caught:
        load_catalog_dir(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "Undocumented" in message
    assert "standards" in message


def test_unknown_primitive_raises(tmp_path: Path) -> None:
    _write(
        tmp_path / "algorithms.yaml",
        "algorithms:\n  - {name: Foo, family: F, primitive: cipher, standards: [X], origin: US}\n",
    )
    with pytest.raises(DataFileError, match="Foo"):
        load_catalog_dir(tmp_path)


# ---------------------------------------------------------------- OIDs


@pytest.mark.parametrize(
    ("oid", "name"),
    [
        ("2.16.840.1.101.3.4.2.1", "SHA-256"),
        ("1.3.14.3.2.26", "SHA-1"),
        ("1.2.840.113549.2.5", "MD5"),
        ("1.2.156.10197.1.401", "SM3"),
        ("1.2.156.10197.1.104", "SM4"),
        ("1.2.156.10197.1.301.1", "SM2"),
        ("1.2.156.10197.1.501", "SM2"),
        ("1.2.840.113549.1.1.1", "RSA"),
        ("1.2.840.10045.2.1", "EC"),
        ("1.3.101.110", "X25519"),
        ("1.3.101.112", "Ed25519"),
        ("2.16.840.1.101.3.4.1.6", "AES"),
        ("2.16.840.1.101.3.4.4.2", "ML-KEM"),
        ("2.16.840.1.101.3.4.3.18", "ML-DSA"),
    ],
)
def test_algorithm_oid(catalog: Catalog, oid: str, name: str) -> None:
    found = catalog.by_oid(oid)
    assert isinstance(found, Algorithm)
    assert found.name == name


@pytest.mark.parametrize(
    ("oid", "name"),
    [
        ("1.2.156.10197.1.301", "SM2P256V1"),
        ("1.2.840.10045.3.1.7", "P-256"),
        ("1.3.132.0.34", "P-384"),
        ("1.3.132.0.10", "secp256k1"),
        ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ],
)
def test_curve_oid(catalog: Catalog, oid: str, name: str) -> None:
    found = catalog.by_oid(oid)
    assert isinstance(found, Curve)
    assert found.name == name


def test_every_oid_is_well_formed(catalog: Catalog) -> None:
    items: list[Algorithm | Curve] = [*catalog.algorithms, *catalog.curves]
    for item in items:
        for oid in item.oids:
            arcs = [int(part) for part in oid.split(".")]
            assert arcs[0] in (0, 1, 2), oid
            assert arcs[0] == 2 or arcs[1] < 40, oid
            assert all(part == "0" or not part.startswith("0") for part in oid.split(".")), oid


def _openssl_txt2obj() -> Callable[..., tuple[int, str, str, str]]:
    txt2obj = getattr(getattr(ssl, "_ssl", None), "txt2obj", None)
    if txt2obj is None:
        pytest.skip("this Python does not expose OpenSSL's object table")
    return cast("Callable[..., tuple[int, str, str, str]]", txt2obj)


@pytest.mark.parametrize(
    ("openssl_name", "catalog_name"),
    [
        ("SHA1", "SHA-1"),
        ("SHA224", "SHA-224"),
        ("SHA256", "SHA-256"),
        ("SHA384", "SHA-384"),
        ("SHA512", "SHA-512"),
        ("SHA512-256", "SHA-512/256"),
        ("SHA3-256", "SHA3-256"),
        ("SHAKE128", "SHAKE128"),
        ("MD5", "MD5"),
        ("MD4", "MD4"),
        ("RIPEMD160", "RIPEMD-160"),
        ("whirlpool", "Whirlpool"),
        ("SM3", "SM3"),
        ("BLAKE2b512", "BLAKE2b"),
        ("md_gost12_256", "Streebog"),
        ("md_gost94", "GOSTR3411"),
        ("gost89", "GOST28147"),
        ("sm4-cbc", "SM4"),
        ("aes-256-gcm", "AES"),
        ("des-ede3-cbc", "3DES"),
        ("des-cbc", "DES"),
        ("rc2-cbc", "RC2"),
        ("rc4", "RC4"),
        ("bf-cbc", "Blowfish"),
        ("cast5-cbc", "CAST5"),
        ("idea-cbc", "IDEA"),
        ("camellia-128-cbc", "Camellia"),
        ("aria-128-cbc", "ARIA"),
        ("seed-cbc", "SEED"),
        ("rsaEncryption", "RSA"),
        ("dsaEncryption", "DSA"),
        ("ecdsa-with-SHA256", "ECDSA"),
        ("id-ecPublicKey", "EC"),
        ("X25519", "X25519"),
        ("X448", "X448"),
        ("ED25519", "Ed25519"),
        ("ED448", "Ed448"),
        ("dhKeyAgreement", "DH"),
        ("PBKDF2", "PBKDF2"),
        ("id-scrypt", "scrypt"),
        ("hmacWithSHA256", "HMAC"),
        ("KMAC128", "KMAC"),
        ("SM2-with-SM3", "SM2"),
        ("gost2012_256", "GOST R 34.10-2012"),
    ],
)
def test_algorithm_oid_agrees_with_openssl(
    catalog: Catalog, openssl_name: str, catalog_name: str
) -> None:
    txt2obj = _openssl_txt2obj()
    try:
        oid = txt2obj(openssl_name, True)[3]
    except ValueError:
        pytest.skip(f"this OpenSSL does not know {openssl_name}")
    assert oid in _algorithm(catalog, catalog_name).oids


@pytest.mark.parametrize(
    ("openssl_name", "catalog_name"),
    [
        ("prime192v1", "P-192"),
        ("secp224r1", "P-224"),
        ("prime256v1", "P-256"),
        ("secp384r1", "P-384"),
        ("secp521r1", "P-521"),
        ("secp256k1", "secp256k1"),
        ("brainpoolP384r1", "brainpoolP384r1"),
        ("brainpoolP512t1", "brainpoolP512t1"),
        ("SM2", "SM2P256V1"),
        ("id-GostR3410-2001-CryptoPro-A-ParamSet", "GostR3410-2001-CryptoPro-A-ParamSet"),
        ("id-tc26-gost-3410-2012-512-paramSetC", "tc26-gost-3410-12-512-paramSetC"),
    ],
)
def test_curve_oid_agrees_with_openssl(
    catalog: Catalog, openssl_name: str, catalog_name: str
) -> None:
    txt2obj = _openssl_txt2obj()
    try:
        oid = txt2obj(openssl_name, True)[3]
    except ValueError:
        pytest.skip(f"this OpenSSL does not know {openssl_name}")
    curve = catalog.curve(catalog_name)
    assert curve is not None
    assert oid in curve.oids


# ---------------------------------------------------------------- security facts


@pytest.mark.parametrize(
    ("catalog_name", "hashlib_name"),
    [
        ("SHA-224", "sha224"),
        ("SHA-256", "sha256"),
        ("SHA-384", "sha384"),
        ("SHA-512", "sha512"),
        ("SHA-512/224", "sha512_224"),
        ("SHA-512/256", "sha512_256"),
        ("SHA3-224", "sha3_224"),
        ("SHA3-256", "sha3_256"),
        ("SHA3-384", "sha3_384"),
        ("SHA3-512", "sha3_512"),
        ("BLAKE2b", "blake2b"),
        ("BLAKE2s", "blake2s"),
        ("SM3", "sm3"),
        ("RIPEMD-160", "ripemd160"),
        ("Whirlpool", "whirlpool"),
    ],
)
def test_unbroken_hash_security_is_half_its_digest(
    catalog: Catalog, catalog_name: str, hashlib_name: str
) -> None:
    try:
        digest_bits = hashlib.new(hashlib_name).digest_size * 8
    except ValueError:
        pytest.skip(f"hashlib here has no {hashlib_name}")
    algorithm = _algorithm(catalog, catalog_name)
    assert algorithm.primitive is Primitive.HASH
    assert not algorithm.broken
    assert algorithm.classical_security_bits == digest_bits // 2


def test_symmetric_security_never_exceeds_the_smallest_key(catalog: Catalog) -> None:
    symmetric = {Primitive.BLOCK_CIPHER, Primitive.STREAM_CIPHER, Primitive.AE}
    for algorithm in catalog.algorithms:
        if algorithm.primitive in symmetric and algorithm.classical_security_bits is not None:
            assert algorithm.key_sizes, algorithm.name
            assert algorithm.classical_security_bits <= min(algorithm.key_sizes), algorithm.name


def test_aes_facts(catalog: Catalog) -> None:
    aes = _algorithm(catalog, "AES")
    assert aes.key_sizes == (128, 192, 256)
    assert aes.classical_security_bits == 128
    assert aes.origin == "BE"
    assert "FIPS 197" in aes.standards


def test_user_sized_public_key_algorithms_have_no_fixed_strength(catalog: Catalog) -> None:
    for name in ("RSA", "DSA", "ECDSA", "DH", "ECDH", "ElGamal"):
        algorithm = _algorithm(catalog, name)
        assert algorithm.parameterized, name
        assert algorithm.classical_security_bits is None, name


def test_broken_algorithms(catalog: Catalog) -> None:
    for name in ("MD2", "MD4", "MD5", "SHA-1", "DES", "RC4"):
        assert _algorithm(catalog, name).broken, name
    for name in ("AES", "SHA-256", "SM3", "SM4", "3DES", "ChaCha20", "RSA"):
        assert not _algorithm(catalog, name).broken, name


def test_quantum_levels_only_on_post_quantum_schemes(catalog: Catalog) -> None:
    expected = {"ML-KEM": 1, "ML-DSA": 2, "SLH-DSA": 1, "FN-DSA": 1}
    for name, level in expected.items():
        assert _algorithm(catalog, name).nist_quantum_security_level == level, name
    post_quantum = {
        "ML-KEM",
        "ML-DSA",
        "SLH-DSA",
        "FN-DSA",
        "XMSS",
        "LMS",
        "FrodoKEM",
        "Classic-McEliece",
        "HQC",
        "NTRU",
    }
    for algorithm in catalog.algorithms:
        if algorithm.name in post_quantum:
            assert algorithm.nist_quantum_security_level >= 1, algorithm.name
        else:
            assert algorithm.nist_quantum_security_level == 0, algorithm.name


def test_origins_are_country_codes(catalog: Catalog) -> None:
    items: list[Algorithm | Curve] = [*catalog.algorithms, *catalog.curves]
    for item in items:
        assert item.origin == "INT" or re.fullmatch(r"[A-Z]{2}", item.origin), item.name
    assert _algorithm(catalog, "SM4").origin == "CN"
    assert _algorithm(catalog, "Streebog").origin == "RU"
    assert _algorithm(catalog, "ARIA").origin == "KR"
    assert _algorithm(catalog, "Camellia").origin == "JP"


def test_chinese_and_russian_standards_are_named(catalog: Catalog) -> None:
    assert "GB/T 32907-2016" in _algorithm(catalog, "SM4").standards
    assert "GB/T 32905-2016" in _algorithm(catalog, "SM3").standards
    assert "GB/T 32918-2016" in _algorithm(catalog, "SM2").standards
    assert "GB/T 38635-2020" in _algorithm(catalog, "SM9").standards
    assert "GB/T 33133.1-2016" in _algorithm(catalog, "ZUC").standards
    assert "GOST R 34.11-2012" in _algorithm(catalog, "Streebog").standards
    assert "GOST R 34.12-2015" in _algorithm(catalog, "Kuznyechik").standards


def test_authenticated_modes(catalog: Catalog) -> None:
    authenticated = {m.name for m in catalog.modes if m.authenticated}
    assert {"GCM", "CCM", "OCB", "EAX", "SIV", "GCM-SIV", "MGM"} <= authenticated
    assert authenticated.isdisjoint({"ECB", "CBC", "CFB", "OFB", "CTR", "XTS", "CTS", "PCBC"})
