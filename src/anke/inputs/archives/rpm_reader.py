"""The payload of RPM packages: a 96-byte lead, a signature header (padded to eight bytes),
the main header, then the payload, a cpio archive that is usually compressed.  Header
structures are skipped by their declared sizes (index entries and data store); the payload
compression is recognised by its magic bytes.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

from anke.inputs.archives.cpio_reader import MAGICS, read_cpio
from anke.inputs.archives.entry import CorruptArchive, Entry
from anke.inputs.archives.limits import Budget
from anke.inputs.archives.sniff import COMPRESSED, sniff
from anke.inputs.archives.streams import DecompressingReader

_LEAD = 96
_HEADER_MAGIC = b"\x8e\xad\xe8\x01"
_MAX_HEADER = 64 * 1024 * 1024


def _skip_header(source: BinaryIO, *, pad: bool) -> None:
    start = source.read(16)
    if len(start) < 16 or start[:4] != _HEADER_MAGIC:
        raise CorruptArchive("corrupt rpm package: bad header")
    entries, store = struct.unpack(">II", start[8:16])
    size = entries * 16 + store
    if size > _MAX_HEADER:
        raise CorruptArchive("corrupt rpm package: header too large")
    if pad:
        size += -size % 8
    source.seek(size, 1)


def read_rpm(source: BinaryIO, budget: Budget, packed: int) -> Iterator[Entry]:
    """Each file of an RPM package's payload (``packed`` is the package size in bytes)."""
    lead = source.read(_LEAD)
    if len(lead) < _LEAD:
        raise CorruptArchive("corrupt rpm package: truncated lead")
    _skip_header(source, pad=True)
    _skip_header(source, pad=False)
    head = source.read(8)
    source.seek(-len(head), 1)
    kind = sniff(head)
    stream: BinaryIO
    if kind in COMPRESSED:
        assert kind is not None
        ceiling = budget.ceiling(packed)
        reason = budget.explain(ceiling + 1, packed)
        stream = io.BufferedReader(DecompressingReader(source, kind, ceiling, reason))
    elif head[:6] in MAGICS:
        stream = source
    else:
        raise CorruptArchive("corrupt rpm package: unknown payload format")
    try:
        yield from read_cpio(stream, budget)
    except OSError as exc:
        raise CorruptArchive(f"corrupt rpm payload: {exc}") from None
