"""Which algorithms a name says it implements: ``sm3_hash``, ``class SM4Engine``,
``nettle_aes128_encrypt``, ``crypto_aead_aes256gcm_encrypt``.

Shared by every detector that reads names of definitions (source functions and classes,
exported symbols of binaries, class names of compiled Java).  The name reader finds the
algorithms; the filters here drop what is about an algorithm rather than of it
(``getSha256``, ``test_rejects_md5``, ``Md5MismatchError``), everyday words that are also
cipher names (``seed``, ``idea``) unless written as the cipher's own name, and short names
among plain words (``liste_des_produits``, ``dh_lease_time``).
"""

from __future__ import annotations

import re

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.detect.source_api.names import NameReader

NOT_AN_IMPLEMENTATION = re.compile(
    r"^_*(?i:test|get|set|is|has|reject|rejects|accept|accepts|allow|allows|disallow|forbid|"
    r"check|assert|should|expect|validate|ensure)(?:[_A-Z0-9]|$)"
    r"|(?:Error|Exception|Errors|Exceptions|Test|Tests|Spec|Mismatch)$"
    r"|_(?:error|exception|test|tests)$",
)
_CHUNKS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_DIGITS = frozenset(str(n) for n in range(10))
_DISTINCT = frozenset({"aes", "rsa"})  # short, but never an everyday word
CRYPTO_WORDS = frozenset({
    "encrypt", "decrypt", "enc", "dec", "cipher", "crypt", "key", "keys", "sign", "verify",
    "block", "blocks", "round", "rounds", "sbox", "schedule", "setup", "init", "update",
    "final", "ecb", "cbc", "cfb", "ofb", "ctr", "ede", "ede3", "ede2", "mode", "context",
    "ctx", "encryption", "decryption", "engine", "params", "parameters", "shared", "secret",
    "agree", "agreement", "exchange", "generate", "gen", "keygen", "pub", "priv", "private",
    "public", "signature", "signer", "verifier", "hash", "digest", "mac", "kdf", "derive",
})


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def implemented(name: str, reader: NameReader, catalog: Catalog, *,
                context: bool = False) -> list[str]:
    """The catalog algorithms that ``name`` names as implemented, in order.

    ``context`` says the definition itself looks cryptographic (it encrypts, has rounds or
    an S-box); only then may an everyday word that is also a cipher (``Seed``) count.
    """
    if NOT_AN_IMPLEMENTATION.search(name):
        return []
    reading = reader.read(name)
    if not reading.algorithms:
        return []
    common = catalog.common_words
    words = {fold(w) for w in _words(name)}
    chunks = {c.lower() for c in _CHUNKS.findall(name)}
    found: list[str] = []
    for algorithm in reading.algorithms:
        entry = catalog.algorithm(algorithm)
        if entry is None or entry.primitive.value == "other":
            continue  # "EC" and the like name a key type, not an implementation
        keys = {fold(n) for n in (entry.name, *entry.aliases)}
        if keys & common and not (keys & words - common) and not (
                name.strip("_$") == entry.name and context):
            continue  # "seed", "idea": only as the cipher's own name, in cryptographic code
        short = {k for k in keys if len(k) <= 3 and k.isalpha() and k not in _DISTINCT}
        if short and short & chunks and not (keys - short) & (words | chunks) and not (
                chunks <= short | _DIGITS or chunks & CRYPTO_WORDS):
            continue  # liste_des_produits, dh_lease_time: a short name among plain words
        found.append(algorithm)
    return found


def truncated_variant(owner: str, algorithm: str, reader: NameReader, catalog: Catalog) -> str:
    """The truncated hash a definition named ``algorithm`` on a hash ``owner`` defines.

    ``sha512.sha224 = ...`` defines SHA-512/224 (FIPS 180-4, section 6.7), not SHA-224: a
    digest size hung on a wider hash names that hash cut to the size, when the catalog
    knows such a variant.  Anything else is returned unchanged.
    """
    wider = reader.read(owner).algorithms
    if len(wider) != 1 or wider[0] == algorithm:
        return algorithm
    bits = re.search(r"(\d{3})$", algorithm)
    if bits is None:
        return algorithm
    variant = catalog.algorithm(f"{wider[0]}/{bits.group(1)}")
    return variant.name if variant is not None else algorithm
