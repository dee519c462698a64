"""The local executor: a pool of forked processes on this machine (the default)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from anke.engine.executors.base import Unit, run_unit
from anke.engine.inspect import BatchResult, InspectOptions, prepare

_IN_FLIGHT_PER_JOB = 4  # units queued per worker: enough to keep it busy, bounded memory


class LocalExecutor:
    """Runs units in ``jobs`` forked processes, or in this process when ``jobs`` is 1."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def run(self, units: Iterable[Unit], options: InspectOptions
            ) -> Iterator[tuple[int, BatchResult]]:
        """Run ``units``; yield ``(weight, result)`` as each one finishes."""
        if self.jobs <= 1:
            for unit in units:
                yield unit.weight, run_unit(unit, options)
            return
        prepare(options)  # compiled once here, inherited by the forked workers
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context) as pool:
            pending: dict[Future[BatchResult], int] = {}
            for unit in units:
                pending[pool.submit(run_unit, unit, options)] = unit.weight
                if len(pending) >= self.jobs * _IN_FLIGHT_PER_JOB:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield pending.pop(future), future.result()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()

    def close(self) -> None:
        """Nothing to release: the pool lives only while :meth:`run` does."""
