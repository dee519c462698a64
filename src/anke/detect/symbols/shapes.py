"""What kind of name a string of algorithm words is.

``AES-128-CBC`` specifies a cipher (an algorithm with a mode, key size, padding or curve);
``md2`` and ``GMAC`` are lone names; ``RSA-MD2``, ``ecdsa-with-SHA256`` and
``pbeWithMD2AndDES-CBC`` name a signature or password-based-encryption scheme, that is a
combination the binary can identify; ``HMAC_SHA256`` and ``ECDHE-RSA-AES128-GCM-SHA256``
combine algorithms into one construction.  Only inside a table of names does the kind
matter (:mod:`anke.detect.symbols.tables`).
"""

from __future__ import annotations

from enum import StrEnum

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.catalog.model import Primitive
from anke.detect.source_api.names import NameReading

_SCHEME_PARTS = frozenset({Primitive.HASH, Primitive.SIGNATURE, Primitive.PKE})
_PUBLIC_KEY = frozenset({Primitive.SIGNATURE, Primitive.PKE})


class Shape(StrEnum):
    """The kind of name a string is."""

    SPEC = "spec"  # an algorithm with a mode, size, padding or curve; a construction
    LONE = "lone"  # one algorithm's name and nothing else
    SCHEME = "scheme"  # a signature (hash with public key) or password-based scheme


def shape(text: str, algorithms: list[str], reading: NameReading, catalog: Catalog) -> Shape:
    """The kind of name ``text`` is, given the algorithms it was read as."""
    if len(algorithms) == 1:
        if reading.mode or reading.padding or reading.key_bits or reading.curve:
            return Shape.SPEC
        return Shape.LONE
    primitives = set()
    for algorithm in algorithms:
        entry = catalog.algorithm(algorithm)
        if entry is not None:
            primitives.add(entry.primitive)
    if Primitive.MAC in primitives:
        return Shape.SPEC  # HMAC_SHA256, CMAC_AES: a MAC built on the other algorithm
    if fold(text).startswith("pbe"):
        return Shape.SCHEME  # PKCS #5 / PKCS #12 PBE identifiers: PBE-MD2-DES
    if primitives <= _SCHEME_PARTS and Primitive.HASH in primitives and primitives & _PUBLIC_KEY:
        return Shape.SCHEME
    return Shape.SPEC


def lower_case(text: str) -> bool:
    """True when ``text`` has lower-case letters and no upper-case ones (``md_gost94``)."""
    return any(c.islower() for c in text) and not any(c.isupper() for c in text)
