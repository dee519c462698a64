"""Members of ``ar`` archives: Debian packages (``debian-binary``, ``control.tar.*``,
``data.tar.*``) and static libraries.  The format is a global header and, per member, a
60-byte text header (name, dates, owner, mode, size) followed by the data, padded to even
offsets; GNU (``//`` table, ``/123``) and BSD (``#1/len``) long names are understood.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from anke.inputs.archives.entry import CorruptArchive, Entry, clean_name, unsafe_name
from anke.inputs.archives.limits import Budget

_MAGIC = b"!<arch>\n"


def read_ar(source: BinaryIO, budget: Budget) -> Iterator[Entry]:
    """Each member of an ar archive, bounded by ``budget``."""
    if source.read(len(_MAGIC)) != _MAGIC:
        raise CorruptArchive("corrupt ar archive: bad magic")
    long_names = b""
    while True:
        header = source.read(60)
        if not header:
            return
        if len(header) < 60 or header[58:60] != b"`\n":
            raise CorruptArchive("corrupt ar archive: bad member header")
        raw_name = header[:16].rstrip(b" ")
        try:
            size = int(header[48:58].strip() or b"0")
        except ValueError:
            raise CorruptArchive("corrupt ar archive: bad member size") from None
        if size < 0:
            raise CorruptArchive("corrupt ar archive: bad member size")
        if raw_name.startswith(b"#1/"):  # BSD: the name precedes the data
            try:
                length = int(raw_name[3:])
            except ValueError:
                raise CorruptArchive("corrupt ar archive: bad long name") from None
            if not 0 <= length <= min(size, 4096):
                raise CorruptArchive("corrupt ar archive: bad long name")
            raw_name = source.read(length).rstrip(b"\x00")
            size -= length
        if raw_name == b"//":  # GNU long-name table
            long_names = source.read(min(size, 1024 * 1024))
            source.seek(size - len(long_names) + (size & 1), 1)
            continue
        if raw_name in (b"/", b"/SYM64/", b"__.SYMDEF", b"__.SYMDEF SORTED"):  # symbol index
            source.seek(size + (size & 1), 1)
            continue
        if raw_name.startswith(b"/") and raw_name[1:].isdigit() and long_names:
            start = int(raw_name[1:])
            raw_name = long_names[start:long_names.find(b"/\n", start)]
        name = clean_name(raw_name.rstrip(b"/").decode("utf-8", "replace"))
        budget.count_member()
        reason = unsafe_name(name)
        ceiling = budget.ceiling(None)
        if reason is None and size > ceiling:
            reason = budget.explain(size, None)
        if reason is not None:
            source.seek(size + (size & 1), 1)
            yield Entry(name, reason=reason)
            continue
        data = source.read(size)
        if len(data) < size:
            yield Entry(name, reason="truncated member")
            raise CorruptArchive("corrupt ar archive: truncated")
        if size & 1:
            source.read(1)
        budget.spend(size)
        yield Entry(name, data)
