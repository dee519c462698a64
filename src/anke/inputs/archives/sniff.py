"""Which archive or compression format a member is, from its first bytes.

Formats are recognised by magic numbers, never by name alone: a vendor's ``.dat`` may be a
zip, and a ``.jar`` that is not a zip is reported as such by its reader.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """The containers anke unpacks."""

    ZIP = "zip"
    TAR = "tar"
    AR = "ar"  # .deb and static libraries
    RPM = "rpm"
    SEVEN_ZIP = "7z"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"
    ZSTD = "zstd"


COMPRESSED = frozenset({Format.GZIP, Format.BZIP2, Format.XZ, Format.ZSTD})

_MAGIC: tuple[tuple[bytes, Format], ...] = (
    (b"PK\x03\x04", Format.ZIP),
    (b"PK\x05\x06", Format.ZIP),  # an empty zip
    (b"!<arch>\n", Format.AR),
    (b"\xed\xab\xee\xdb", Format.RPM),
    (b"7z\xbc\xaf\x27\x1c", Format.SEVEN_ZIP),
    (b"\x1f\x8b", Format.GZIP),
    (b"BZh", Format.BZIP2),
    (b"\xfd7zXZ\x00", Format.XZ),
    (b"\x28\xb5\x2f\xfd", Format.ZSTD),
)


def sniff(head: bytes) -> Format | None:
    """The format of a member whose first bytes (at least 265 of them) are ``head``."""
    for magic, found in _MAGIC:
        if head.startswith(magic):
            if found is Format.BZIP2 and head[3:4] not in b"123456789":
                return None
            return found
    if len(head) >= 262 and head[257:262] == b"ustar":
        return Format.TAR
    return None
