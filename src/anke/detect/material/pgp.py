"""The key of an OpenPGP armored key block: algorithm, RSA size and curve of its first packet.

Only the first packet's header and the opening fields of its body are read (RFC 9580
sections 4.2 and 5.5.2); nothing is decrypted.
"""

from __future__ import annotations

from anke.detect.material.der import decode_oid
from anke.detect.material.keys import KeyInfo, KeyReader
from anke.detect.material.tables import MaterialTables

_KEY_PACKETS = frozenset({5, 6, 7, 14})  # secret key, public key, secret/public subkey


def _first_packet(data: bytes) -> tuple[int, bytes] | None:
    """Tag and body of the first packet, or None."""
    if len(data) < 2 or not data[0] & 0x80:
        return None
    if data[0] & 0x40:  # new format
        tag, first = data[0] & 0x3F, data[1]
        if first < 192:
            start, size = 2, first
        elif first < 224 and len(data) > 2:
            start, size = 3, ((first - 192) << 8) + data[2] + 192
        elif first == 255 and len(data) >= 6:
            start, size = 6, int.from_bytes(data[2:6], "big")
        else:
            return None
    else:
        tag, kind = (data[0] >> 2) & 0x0F, data[0] & 0x03
        if kind == 3:
            start, size = 1, len(data) - 1
        else:
            width = (1, 2, 4)[kind]
            start, size = 1 + width, int.from_bytes(data[1:1 + width], "big")
    return tag, data[start:start + size]


def pgp_key_info(data: bytes, reader: KeyReader, tables: MaterialTables) -> KeyInfo:
    """What the first key packet of a decoded OpenPGP key block holds."""
    packet = _first_packet(data)
    if packet is None or packet[0] not in _KEY_PACKETS:
        return KeyInfo(None)
    body = packet[1]
    if len(body) < 6:
        return KeyInfo(None)
    version = body[0]
    at = 7 if version in (2, 3) else 5  # v2/v3 keep a 2-byte validity period
    if at >= len(body):
        return KeyInfo(None)
    entry = tables.pgp_algorithm(body[at])
    if entry is None:
        return KeyInfo(None)
    fields = body[at + 1:] if version < 5 else body[at + 5:]  # v5/v6: 4-byte material size
    if entry.curve_oid and fields:
        oid = decode_oid(fields[1:1 + fields[0]])
        curved = reader.from_oid(oid) if oid else KeyInfo(None)
        if curved.curve is not None:
            return KeyInfo(entry.algorithm, curved.key_bits, curved.curve)
        return KeyInfo(entry.algorithm)
    if entry.algorithm == "RSA" and len(fields) >= 2:
        return KeyInfo("RSA", int.from_bytes(fields[:2], "big"))
    return KeyInfo(entry.algorithm)
