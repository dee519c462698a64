"""Cutting a scan's files into units balanced by bytes.

Small files go in batches, read by the worker.  An archive of at least ``BIG_ARCHIVE``
bytes is expanded here, in the driver, with the same safe reader and one budget as a
worker would use, and its leaf members travel in units of their own; its refusals and its
file count are kept in :attr:`Plan.driver`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from anke.engine.executors.base import Held, Located, Unit
from anke.engine.inspect import BatchResult, refuse
from anke.inputs.archives import SNIFF_BYTES, ArchiveLimits, Budget, Refused, expand, sniff
from anke.inputs.walk import FileMember

UNIT_BYTES = 2 * 1024 * 1024
UNIT_ITEMS = 64
BIG_ARCHIVE = UNIT_BYTES  # archives this big are split into units of members


def batches(files: list[FileMember]) -> list[list[Located]]:
    """``files`` in batches of about ``UNIT_BYTES`` or ``UNIT_ITEMS``, biggest first."""
    found: list[list[Located]] = []
    current: list[Located] = []
    size = 0
    for member in files:
        current.append((member.real, member.path, member.size))
        size += member.size
        if size >= UNIT_BYTES or len(current) >= UNIT_ITEMS:
            found.append(current)
            current, size = [], 0
    if current:
        found.append(current)
    found.sort(key=lambda batch: -sum(item[2] for item in batch))
    return found


def _is_archive(member: FileMember) -> bool:
    try:
        with open(member.real, "rb") as handle:
            return sniff(handle.read(SNIFF_BYTES)) is not None
    except OSError:
        return False  # the worker reports it as unreadable, as for any file


@dataclass
class Plan:
    """The units of one scan, produced lazily; ``driver`` holds what the driver found."""

    small: list[FileMember]
    archives: list[FileMember]
    limits: ArchiveLimits
    listing: bool = False  # list the members (and refusals) as they are met
    driver: BatchResult = field(default_factory=BatchResult)

    @property
    def batches(self) -> int:
        """How many batches of small files there are."""
        return len(batches(self.small))

    def units(self) -> Iterator[Unit]:
        """Every unit: the members of the big archives first, then the batches."""
        for archive in self.archives:
            yield from self._expand(archive)
        for batch in batches(self.small):
            yield Unit(weight=sum(item[2] for item in batch), files=tuple(batch))

    def _expand(self, archive: FileMember) -> Iterator[Unit]:
        self.driver.files += 1
        self.driver.bytes += archive.size
        current: list[Held] = []
        size = 0
        try:
            with open(archive.real, "rb") as handle:
                kind = sniff(handle.peek(SNIFF_BYTES)[:SNIFF_BYTES])
                assert kind is not None
                for item in expand(archive.path, handle, kind, archive.size,
                                   Budget(self.limits)):
                    if isinstance(item, Refused):
                        refuse(self.driver, item.path, item.reason, self.listing)
                        continue
                    current.append((item.path, item.data))
                    size += len(item.data)
                    if size >= UNIT_BYTES or len(current) >= UNIT_ITEMS:
                        yield Unit(weight=0, members=tuple(current))
                        current, size = [], 0
        except OSError as exc:
            refuse(self.driver, archive.path, f"cannot read: {exc.strerror}", self.listing)
        yield Unit(weight=archive.size, members=tuple(current))


def plan(files: list[FileMember], limits: ArchiveLimits, listing: bool = False) -> Plan:
    """Sort ``files`` into big archives (expanded by the driver) and the rest."""
    small: list[FileMember] = []
    archives: list[FileMember] = []
    for member in files:
        (archives if member.size >= BIG_ARCHIVE and _is_archive(member) else small).append(member)
    return Plan(small, archives, limits, listing)
