"""Members of zip archives and their kin (jar, war, ear, apk, whl, nupkg, aar)."""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from anke.inputs.archives.entry import CorruptArchive, Entry, clean_name, unsafe_name
from anke.inputs.archives.limits import Budget

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                RuntimeError, ValueError)


def _overlapping(infos: list[zipfile.ZipInfo]) -> set[int]:
    """Indexes of entries whose data overlaps another's (the overlapping-file zip bomb)."""
    order = sorted(range(len(infos)), key=lambda i: infos[i].header_offset)
    flagged: set[int] = set()
    end = -1
    previous = -1
    for index in order:
        info = infos[index]
        if info.header_offset < end:
            flagged.update((index, previous))
        name_bytes = len(info.orig_filename.encode("utf-8", "surrogateescape"))
        end = max(end, info.header_offset + 30 + name_bytes + info.compress_size)
        previous = index
    return flagged


def read_zip(source: BinaryIO, budget: Budget) -> Iterator[Entry]:
    """Each file member of a zip archive, bounded by ``budget``."""
    try:
        archive = zipfile.ZipFile(source)
    except _READ_ERRORS as exc:
        raise CorruptArchive(f"corrupt zip archive: {exc}") from None
    with archive:
        infos = archive.infolist()
        overlapping = _overlapping(infos)
        for index, info in enumerate(infos):
            if info.is_dir():
                continue
            budget.count_member()
            name = clean_name(info.filename)
            reason = unsafe_name(info.filename)
            mode = info.external_attr >> 16
            if reason is None and info.create_system == 3 and stat.S_ISLNK(mode):
                reason = "symbolic link in archive (not followed)"
            if reason is None and info.flag_bits & 0x1:
                reason = "encrypted member"
            if reason is None and index in overlapping:
                reason = "overlapping entries (zip bomb)"
            ceiling = budget.ceiling(info.compress_size)
            if reason is None and info.file_size > ceiling:
                reason = budget.explain(info.file_size, info.compress_size)
            if reason is not None:
                yield Entry(name, reason=reason)
                continue
            try:
                with archive.open(info) as handle:
                    data = handle.read(ceiling + 1)
            except _READ_ERRORS as exc:
                yield Entry(name, reason=f"corrupt member: {exc}")
                continue
            if len(data) > ceiling:
                yield Entry(name, reason=budget.explain(len(data), info.compress_size))
                continue
            budget.spend(len(data))
            yield Entry(name, data)
