"""The Dask executor: units go to the workers of an existing ``distributed`` cluster.

Workers need not share a disk with the driver: files are read here and travel as bytes
(a big archive as its members, in units of about 2 MiB).  Each task carries its own bytes
rather than pointing at data held by one worker, so when a worker dies the scheduler runs
its units again elsewhere and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from anke.engine.executors.base import Held, Unit, run_unit
from anke.engine.inspect import BatchResult, InspectOptions
from anke.errors import AnkeError
from anke.findings.model import Skipped

CONNECT_SECONDS = 10.0
RETRIES = 3  # a unit whose task fails is run again, up to this many times
_IN_FLIGHT_PER_THREAD = 4

Task = Callable[[Unit, InspectOptions], BatchResult]


class ClusterUnreachable(AnkeError):
    """The Dask scheduler did not answer."""


def _in_memory(unit: Unit) -> tuple[Unit, BatchResult]:
    """``unit`` with its files read into memory, and what could not be read."""
    if not unit.files:
        return unit, BatchResult()
    unread = BatchResult()
    blobs: list[Held] = list(unit.blobs)
    for real, display, size in unit.files:
        try:
            with open(real, "rb") as handle:
                blobs.append((display, handle.read()))
        except OSError as exc:
            unread.files += 1
            unread.bytes += size
            unread.skipped.append(Skipped(path=display, reason=f"cannot read: {exc.strerror}"))
    return Unit(weight=unit.weight, blobs=tuple(blobs), members=unit.members), unread


class DaskExecutor:
    """Runs units on the Dask cluster whose scheduler listens at ``address``."""

    def __init__(self, address: str, timeout: float | None = None, retries: int = RETRIES,
                 task: Task | None = None) -> None:
        import distributed

        client_of: Any = distributed.Client  # distributed has no type hints
        self.address = address
        self.retries = retries
        self.task = task or run_unit
        try:
            self.client: Any = client_of(address, timeout=timeout or CONNECT_SECONDS,
                                      set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ClusterUnreachable(
                f"cannot reach the Dask scheduler at {address}: {reason}") from None

    def _window(self) -> int:
        threads = sum(self.client.nthreads().values()) or 1
        return threads * _IN_FLIGHT_PER_THREAD

    def run(self, units: Iterable[Unit], options: InspectOptions
            ) -> Iterator[tuple[int, BatchResult]]:
        """Submit ``units`` (a bounded number in flight); yield results as they finish."""
        import distributed

        tracker: Any = distributed.as_completed
        window = self._window()
        finished: Any = tracker(loop=self.client.loop)
        weights: dict[str, int] = {}
        for unit in units:
            shipped, unread = _in_memory(unit)
            if unread.files:
                yield 0, unread
            future = self.client.submit(self.task, shipped, options, retries=self.retries,
                                        pure=False)
            weights[future.key] = unit.weight
            finished.add(future)
            while finished.count() >= window:
                done = next(finished)
                yield weights.pop(done.key), done.result()
        for done in finished:
            yield weights.pop(done.key), done.result()

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        self.client.close()
