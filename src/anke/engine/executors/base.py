"""What every executor shares: the unit of work, how a worker runs it, and the protocol.

A unit is balanced by bytes (about 2 MiB or 64 items).  It holds files that a worker reads
from a disk it shares with the driver, whole files already read into memory (a worker on
another machine), or leaf members of a big archive that the driver expanded, so a big
archive is spread over many units instead of being one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from anke.engine.inspect import BatchResult, InspectOptions, inspect_batch, inspect_members

Located = tuple[str, str, int]  # (real path, report path, size) of a file on a shared disk
Held = tuple[str, bytes]  # (report path, bytes) of a file or member in memory


@dataclass(frozen=True)
class Unit:
    """One piece of work; ``weight`` is the input bytes it accounts for (progress)."""

    weight: int
    files: tuple[Located, ...] = ()
    blobs: tuple[Held, ...] = ()  # whole files in memory (archives are expanded by the worker)
    members: tuple[Held, ...] = ()  # leaf members of an archive the driver expanded


_ONE_AT_A_TIME = threading.Lock()  # the detectors' compiled scanners are not thread-safe


def run_unit(unit: Unit, options: InspectOptions) -> BatchResult:
    """Inspect one unit (in a worker process); one unit at a time per process."""
    with _ONE_AT_A_TIME:
        result = inspect_batch(list(unit.files), options) if unit.files else BatchResult()
        if unit.blobs or unit.members:
            merge(result, inspect_members(list(unit.blobs), list(unit.members), options))
        return result


def merge(into: BatchResult, other: BatchResult) -> None:
    """Add ``other``'s findings, skipped members and counters to ``into``."""
    into.findings.extend(other.findings)
    into.skipped.extend(other.skipped)
    into.listed.extend(other.listed)
    into.cached.update(other.cached)
    into.files += other.files
    into.bytes += other.bytes
    into.members += other.members
    into.parsed += other.parsed


class Executor(Protocol):
    """Runs units somewhere and streams their results back as they finish (any order)."""

    def run(self, units: Iterable[Unit], options: InspectOptions
            ) -> Iterator[tuple[int, BatchResult]]:
        """Submit ``units`` (consumed lazily, a bounded number in flight) and yield each
        one's ``(weight, result)`` as soon as it is done."""
        ...

    def close(self) -> None:
        """Release the executor's workers or connection."""
        ...
