"""Names a binary only knows (tables of names, identifier names) against names it implements.

Each test compiles a small shared library whose strings reproduce one pattern and asserts
both the silenced case (reported at low confidence, rule symbols.known-name) and a case
that is still reported at medium.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from anke.catalog import load_catalog
from anke.detect.symbols import SymbolsDetector
from anke.detect.symbols.detector import KNOWN_NAME
from anke.detect.symbols.rules import NameTables, symbol_rules
from anke.detect.symbols.tables import TableIndex

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

# A lookup table of hash names beside a table of flags (libgcrypt's pubkey-util.c layout):
# "md2" is a name the table knows; "sm2" is a flag among words that name no algorithm.
HASH_NAMES = r"""
const char *const hash_names[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512",
                                  "md2", "md4", "ripemd160", "sha3-256", "sm3", "sha512-224"};
const char *const flag_names[] = {"raw", "nocomp", "no-blinding", "transient-key", "param",
                                  "comp", "prehash", "label", "sm2", "salt-length",
                                  "random-override", "igninvflag", "no-keytest", "djb-tweak",
                                  "use-x931", "test-parms", "rfc6979"};
const char *lookup(int i, int j) { return i ? hash_names[j & 7] : flag_names[j & 7]; }
"""

# An object-identifier table (OpenSSL's obj_dat.h layout): cipher specifications, lone
# names, signature and PBE scheme names, an identifier value name.
OBJECT_TABLE = r"""
const char *const objects[] = {
    "AES-128-CBC", "aes-128-cbc", "IDEA-CBC", "idea-cbc", "RSA-MD2", "md2WithRSAEncryption",
    "md2", "DES-EDE3-CBC", "des-ede3-cbc", "PBE-MD2-DES", "pbeWithMD2AndDES-CBC",
    "CAMELLIA-256-CBC", "camellia-256-cbc", "GMAC", "gmac", "KUZNYECHIK", "SEED-CBC",
    "seed-cbc", "ecdsa-with-SHA384", "SHA256", "sha256", "HMAC_SHA512_256",
    "id-tc26-gost-3410-2012-512-paramSetA"};
const char *object(int i) { return objects[i & 15]; }
"""

# Function names: a generic API prefix (EVP_KDF_) and NaCl's hmacsha512256; strings
# outside any table.
FUNCTIONS = r"""
int EVP_KDF_CTX_new(void *p) { return p != 0; }
int EVP_KDF_derive(void *p) { return p == 0; }
int EVP_BytesToKey(const char *p) { return p[0]; }
int crypto_auth_hmacsha512256(unsigned char *out) { return out[1]; }
static const char *lonely[] = {"id-tc26-gost-3410-2012-256-paramSetA", "hmacsha512256",
                               "not supported with Whirlpool"};
const char *lonely_name(int i) { return lonely[i % 3]; }
"""


def _library(tmp_path: Path, source: str, name: str) -> bytes:
    (tmp_path / f"{name}.c").write_text(source)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", f"{name}.so", f"{name}.c"],
                   cwd=tmp_path, check=True)
    return (tmp_path / f"{name}.so").read_bytes()


def _findings(data: bytes, path: str) -> dict[str, set[tuple[str, str]]]:
    """Algorithm -> the (rule, confidence) pairs reported for it."""
    out: dict[str, set[tuple[str, str]]] = {}
    for finding in SymbolsDetector(load_catalog()).detect(path, data).findings:
        assert finding.algorithm is not None
        out.setdefault(finding.algorithm, set()).add((finding.rule, finding.confidence.value))
    return out


MEDIUM_STRING = {("symbols.string", "medium")}
KNOWN = {(KNOWN_NAME, "low")}


def test_lone_lower_case_names_in_a_table_are_known_names(tmp_path: Path) -> None:
    found = _findings(_library(tmp_path, HASH_NAMES, "libhashes"), "libhashes.so")
    assert found == {
        "MD5": KNOWN, "SHA-1": KNOWN, "SHA-224": KNOWN, "SHA-256": KNOWN, "SHA-384": KNOWN,
        "SHA-512": KNOWN, "MD2": KNOWN, "MD4": KNOWN, "RIPEMD-160": KNOWN,
        "SHA3-256": KNOWN, "SM3": KNOWN, "SHA-512/224": KNOWN,
        "SM2": MEDIUM_STRING,  # a flag among words that name no algorithm: not a table
    }


def test_an_object_table_counts_specifications_not_schemes(tmp_path: Path) -> None:
    found = _findings(_library(tmp_path, OBJECT_TABLE, "libobjects"), "libobjects.so")
    assert found == {
        "AES": MEDIUM_STRING, "IDEA": MEDIUM_STRING, "3DES": MEDIUM_STRING,
        "Camellia": MEDIUM_STRING, "SEED": MEDIUM_STRING,
        "GMAC": MEDIUM_STRING,  # named twice ("GMAC", "gmac")
        "SHA-256": MEDIUM_STRING,  # "SHA256", named again by "sha256"
        "HMAC": MEDIUM_STRING, "SHA-512/256": MEDIUM_STRING,  # libgcrypt's HMAC_SHA512_256
        "MD2": KNOWN,  # "md2", "RSA-MD2", "md2WithRSAEncryption", "PBE-MD2-DES": known
        "RSA": KNOWN,  # only in the scheme name "RSA-MD2"
        "DES": KNOWN,  # only in the PBE scheme name "pbeWithMD2AndDES-CBC"
        "ECDSA": KNOWN, "SHA-384": KNOWN,  # only in the scheme name "ecdsa-with-SHA384"
        "Kuznyechik": KNOWN,  # once, alone, in a table
        "GOST R 34.10-2012": KNOWN,  # an object-identifier value name
    }


def test_function_names_and_identifier_names(tmp_path: Path) -> None:
    found = _findings(_library(tmp_path, FUNCTIONS, "libfunctions"), "libfunctions.so")
    assert found == {
        "EvpKDF": {("symbols.export", "medium")},  # EVP_BytesToKey; not EVP_KDF_CTX_new
        "HMAC": {("symbols.export", "medium"), ("symbols.string", "medium")},
        "SHA-512": {("symbols.export", "medium"), ("symbols.string", "medium")},
        "GOST R 34.10-2012": KNOWN,  # an object-identifier value name, even outside a table
        "Whirlpool": MEDIUM_STRING,  # the last word of a message
    }


def test_a_generic_api_prefix_reads_only_the_rest() -> None:
    detector = SymbolsDetector(load_catalog())
    assert detector._implemented("EVP_KDF_CTX_new") == []
    assert detector._implemented("_EVP_KDF_fetch") == []  # Mach-O's leading underscore
    assert detector._implemented("EVP_BytesToKey") == ["EvpKDF"]
    assert detector._implemented("EVP_sm4_cbc") == ["SM4"]


def test_table_index_counts_named_neighbours() -> None:
    names = {"md5", "sha1", "sha256", "sm3", "md4"}
    entries = [(text, 10 * i) for i, text in enumerate(
        ["md5", "sha1", "sha256", "md2", "sm3", "md4", "x", "y", "z", "w", "v", "u", "t"])]
    index = TableIndex(entries, names.__contains__,
                       NameTables(neighbours=3, span=100, min_named=4))
    assert index.in_table(30)  # "md2": md5 sha1 sha256 | sm3 md4 x
    assert index.in_table(35)  # between entries: sha1 sha256 md2 | sm3 md4 x
    assert not index.in_table(80)  # "z": md4 x y | w v u
    far = TableIndex(entries, names.__contains__, NameTables(neighbours=3, span=16, min_named=3))
    assert not far.in_table(30)  # within 16 bytes of "md2" only sha256 and sm3
    assert not TableIndex([], names.__contains__, NameTables(neighbours=3, span=100,
                                                           min_named=1)).in_table(0)


def test_rules_name_catalog_algorithms() -> None:
    catalog = load_catalog()
    rules = symbol_rules()
    assert rules.oid_name_prefixes == ("id-",)
    for replacement in rules.replacements:
        for old, new in replacement.replace.items():
            for name in (old, new):
                entry = catalog.algorithm(name)
                assert entry is not None and entry.name == name
