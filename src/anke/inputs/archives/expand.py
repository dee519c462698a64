"""Archives into a stream of members, recursively and within one budget.

``expand`` yields the leaf members of an archive (their bytes, in memory) and a
:class:`Refused` for every member or archive that was not unpacked, with the reason.
A member that is itself an archive is expanded in turn, up to the depth limit, and named
``outer.zip!/inner.jar!/a/B.class``.  A ``.tar.gz`` (and its kin) is one level: its members
are ``x.tar.gz!/a/b``.  A corrupt archive stops where it breaks: what was read before
stays, and the archive is named in the refusals.  Nothing is written to disk, and nothing
is ever executed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from anke.inputs.archives.ar_reader import read_ar
from anke.inputs.archives.entry import CorruptArchive, Entry
from anke.inputs.archives.limits import Budget, LimitExceeded
from anke.inputs.archives.rpm_reader import read_rpm
from anke.inputs.archives.sniff import COMPRESSED, Format, sniff
from anke.inputs.archives.streams import DecompressingReader
from anke.inputs.archives.tar_reader import read_tar
from anke.inputs.archives.zip_reader import read_zip

SNIFF_BYTES = 512
_SUFFIXES = {".tgz": ".tar", ".tbz2": ".tar", ".txz": ".tar", ".tzst": ".tar", ".gz": "",
             ".bz2": "", ".xz": "", ".zst": "", ".zstd": "", ".lzma": ""}


@dataclass(frozen=True)
class Unpacked:
    """A leaf member: its report path and bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Refused:
    """A member or archive that was not (fully) unpacked, and why."""

    path: str
    reason: str


def _inner_name(path: str) -> str:
    """The name of the single file inside ``x.gz`` (``x``)."""
    base = path.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]
    lower = base.lower()
    for suffix, replacement in _SUFFIXES.items():
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    return base + ".out"


def _compressed(path: str, source: BinaryIO, kind: Format, packed: int,
                budget: Budget) -> Iterator[Entry]:
    ratio_ceiling = max(1024 * 1024, packed * budget.limits.max_ratio)
    total_left = budget.limits.max_total_bytes - budget.total_bytes
    ceiling = min(ratio_ceiling, total_left)
    reason = budget.explain(ceiling + 1, packed)
    stream = io.BufferedReader(DecompressingReader(source, kind, ceiling, reason), 256 * 1024)
    try:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except OSError as exc:
        raise CorruptArchive(str(exc)) from None
    if sniff(head) is Format.TAR:
        yield from read_tar(stream, budget)
        return
    budget.count_member()
    single = budget.ceiling(packed)
    try:
        data = stream.read(single + 1)
    except OSError as exc:
        raise CorruptArchive(str(exc)) from None
    name = _inner_name(path)
    if len(data) > single:
        yield Entry(name, reason=budget.explain(len(data), packed))
        return
    budget.spend(len(data))
    yield Entry(name, data)


def _entries(path: str, source: BinaryIO, kind: Format, packed: int,
             budget: Budget) -> Iterator[Entry]:
    if kind is Format.ZIP:
        return read_zip(source, budget)
    if kind is Format.TAR:
        return read_tar(source, budget)
    if kind is Format.AR:
        return read_ar(source, budget)
    if kind is Format.RPM:
        return read_rpm(source, budget, packed)
    if kind is Format.SEVEN_ZIP:
        from anke.inputs.archives.sevenzip_reader import read_7z  # py7zr is slow to import

        return read_7z(source, budget, packed)
    if kind in COMPRESSED:
        return _compressed(path, source, kind, packed, budget)
    raise CorruptArchive(f"not an archive: {kind}")


def expand(path: str, source: BinaryIO, kind: Format, packed: int, budget: Budget,
           depth: int = 1) -> Iterator[Unpacked | Refused]:
    """The leaf members of the archive ``path`` (its report path), read from ``source``."""
    try:
        for entry in _entries(path, source, kind, packed, budget):
            member = f"{path}!/{entry.name}"
            if entry.data is None:
                yield Refused(member, entry.reason or "not unpacked")
                continue
            inner = sniff(entry.data[:SNIFF_BYTES])
            if inner is None:
                yield Unpacked(member, entry.data)
            elif depth >= budget.limits.max_depth:
                yield Refused(member, f"nesting depth limit: an archive {depth + 1} levels "
                                      f"deep (limit {budget.limits.max_depth})")
            else:
                yield from expand(member, io.BytesIO(entry.data), inner, len(entry.data),
                                  budget, depth + 1)
    except (CorruptArchive, LimitExceeded) as exc:
        yield Refused(path, str(exc))
    except (OSError, EOFError, ValueError) as exc:  # a reader met bytes it could not parse
        yield Refused(path, f"corrupt archive: {exc}")
