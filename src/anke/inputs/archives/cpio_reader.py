"""Members of ``cpio`` archives in the portable ASCII formats (``newc`` 070701 and ``crc``
070702, as in RPM payloads and initramfs images): a 110-byte header of hexadecimal fields,
the name, and the data, each padded to four bytes; ``TRAILER!!!`` ends the archive.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from typing import BinaryIO

from anke.inputs.archives.entry import (
    CorruptArchive,
    Entry,
    clean_name,
    link_escapes,
    unsafe_name,
)
from anke.inputs.archives.limits import Budget

MAGICS = (b"070701", b"070702")


def _skip(stream: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, 1024 * 1024))
        if not chunk:
            raise CorruptArchive("corrupt cpio archive: truncated")
        count -= len(chunk)


def read_cpio(stream: BinaryIO, budget: Budget) -> Iterator[Entry]:
    """Each regular file of a newc/crc cpio stream."""
    offset = 0
    while True:
        header = stream.read(110)
        if not header:
            return
        if len(header) < 110 or header[:6] not in MAGICS:
            raise CorruptArchive("corrupt cpio archive: bad header")
        try:
            fields = [int(header[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        except ValueError:
            raise CorruptArchive("corrupt cpio archive: bad header field") from None
        mode, size, name_size = fields[1], fields[6], fields[11]
        if not 0 < name_size <= 4096:
            raise CorruptArchive("corrupt cpio archive: bad name size")
        raw = stream.read(name_size)
        offset += 110 + name_size
        _skip(stream, -offset % 4)
        offset += -offset % 4
        name = clean_name(raw.rstrip(b"\x00").decode("utf-8", "replace"))
        if name == "TRAILER!!!":
            return
        pad = -(offset + size) % 4
        if stat.S_ISDIR(mode) or name in ("", "."):
            _skip(stream, size + pad)
            offset += size + pad
            continue
        budget.count_member()
        reason = unsafe_name(name)
        if reason is None and stat.S_ISLNK(mode):
            target = stream.read(min(size, 4096)).decode("utf-8", "replace")
            _skip(stream, size - min(size, 4096) + pad)
            offset += size + pad
            if link_escapes(name, target):
                yield Entry(name, reason=f"symbolic link pointing outside the archive "
                                         f"(-> {target[:200]})")
            continue
        if reason is None and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
            reason = "device file"
        elif reason is None and not stat.S_ISREG(mode):
            reason = "not a regular file"
        ceiling = budget.ceiling(None)
        if reason is None and size > ceiling:
            reason = budget.explain(size, None)
        if reason is not None:
            _skip(stream, size + pad)
            offset += size + pad
            yield Entry(name, reason=reason)
            continue
        data = stream.read(size)
        if len(data) < size:
            yield Entry(name, reason="truncated member")
            raise CorruptArchive("corrupt cpio archive: truncated")
        _skip(stream, pad)
        offset += size + pad
        budget.spend(size)
        yield Entry(name, data)
