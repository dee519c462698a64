"""Small DER helpers for what the certificate library will not say.

These are not a parser: they measure the outer element (to cut trailing bytes off a
certificate), decode one object identifier, and find the curve named after the
``id-ecPublicKey`` identifier when the library refuses a curve it does not support (SM2).
"""

from __future__ import annotations

# DER of OBJECT IDENTIFIER 1.2.840.10045.2.1 (id-ecPublicKey, RFC 5480 section 2.1.1)
_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")
_MAX_OID_BYTES = 32


def element_length(der: bytes | memoryview, start: int = 0) -> int | None:
    """Total length (header and content) of the DER element at ``start``, or None."""
    if start + 2 > len(der):
        return None
    first = der[start + 1]
    if first < 0x80:
        size, header = first, 2
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or start + 2 + count > len(der):
            return None
        size = int.from_bytes(bytes(der[start + 2:start + 2 + count]), "big")
        header = 2 + count
    total = header + size
    return total if start + total <= len(der) else None


def looks_like_der(data: bytes) -> bool:
    """Whether ``data`` is one complete DER SEQUENCE (and nothing of it is missing)."""
    return len(data) >= 2 and data[0] == 0x30 and element_length(data) is not None


def decode_oid(content: bytes) -> str | None:
    """The dotted form of an OBJECT IDENTIFIER's content octets, or None if malformed."""
    if not content or content[-1] & 0x80:
        return None
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return ".".join(str(arc) for arc in (*head, *arcs[1:]))


def oid_at(der: bytes, start: int) -> str | None:
    """The OBJECT IDENTIFIER whose tag is at ``start``, or None."""
    if start + 2 > len(der) or der[start] != 0x06:
        return None
    size = der[start + 1]
    if not 0 < size <= _MAX_OID_BYTES or start + 2 + size > len(der):
        return None
    return decode_oid(der[start + 2:start + 2 + size])


def ec_curve_oid(der: bytes) -> str | None:
    """The named curve after the first ``id-ecPublicKey`` in ``der``, or None."""
    at = der.find(_EC_PUBLIC_KEY)
    if at < 0:
        return None
    return oid_at(der, at + len(_EC_PUBLIC_KEY))


def sec1_curve_oid(der: bytes) -> str | None:
    """The named curve in the ``[0] parameters`` of a SEC 1 ``ECPrivateKey``, or None."""
    length = element_length(der)
    if length is None or der[0] != 0x30:
        return None
    at = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    # version INTEGER 1, then privateKey OCTET STRING
    if der[at:at + 3] != b"\x02\x01\x01" or at + 4 >= len(der) or der[at + 3] != 0x04:
        return None
    key_end = at + 3 + (element_length(der, at + 3) or len(der))
    if key_end + 2 < len(der) and der[key_end] == 0xA0:
        return oid_at(der, key_end + 2)
    return None
