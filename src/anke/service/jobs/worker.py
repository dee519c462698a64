"""The worker: lease a job, keep the lease alive while it runs, store its results once.

``anke worker`` runs :meth:`Worker.run` until stopped; ``anke serve`` runs one in a thread
of its own process unless told not to.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

from anke.errors import AnkeError
from anke.service.jobs.inspection import fail, scan_submission, start_scanner, store_results
from anke.service.jobs.queue import (
    INSPECTION,
    Lease,
    finish,
    heartbeat,
    lease_next,
    wait_for_work,
)
from anke.service.runtime import Services

log = logging.getLogger("anke.worker")


class Worker:
    """One worker over the service's queue."""

    def __init__(self, services: Services, *, name: str | None = None, lease: float = 60.0,
                 poll: float = 1.0, jobs: int = 1) -> None:
        self.services = services
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.lease = lease
        self.poll = poll
        self.jobs = jobs
        self.stop = threading.Event()
        # for tests: called after the scan, before results are stored
        self.before_store: Callable[[Lease], None] | None = None

    def run_once(self) -> bool:
        """Lease and run one job; False when the queue was empty."""
        with self.services.database.writer() as session:
            held = lease_next(session, self.name, self.lease)
        if held is None:
            return False
        if held.kind != INSPECTION or held.inspection_id is None:
            with self.services.database.writer() as session:
                finish(session, held, error=f"unknown job kind {held.kind!r}")
            return True
        self._run_inspection(held, held.inspection_id)
        return True

    def _run_inspection(self, held: Lease, inspection_id: int) -> None:
        beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(held, beating), daemon=True)
        beat.start()
        try:
            results = scan_submission(self.services, inspection_id, self.jobs)
            if self.before_store is not None:
                self.before_store(held)
            with self.services.database.writer() as session:
                stored = store_results(session, held, inspection_id, results)
            if not stored:
                log.warning("job %s: lease lost, results discarded", held.job_id)
        except (AnkeError, OSError, LookupError, ValueError) as exc:
            log.warning("job %s failed: %s", held.job_id, exc)
            with self.services.database.writer() as session:
                fail(session, held, inspection_id, f"{type(exc).__name__}: {exc}")
        finally:
            beating.set()
            beat.join()

    def _beat(self, held: Lease, done: threading.Event) -> None:
        while not done.wait(self.lease / 3):
            try:
                with self.services.database.writer() as session:
                    if not heartbeat(session, held, self.lease):
                        return
            except Exception as exc:  # a missed beat only shortens the lease
                log.warning("job %s: heartbeat failed: %s", held.job_id, exc)

    def run(self) -> None:
        """Work until :attr:`stop` is set."""
        start_scanner()
        while not self.stop.is_set():
            try:
                worked = self.run_once()
            except Exception as exc:  # the database went away: wait and try again
                log.error("worker: %s", exc)
                worked = False
            if not worked and not self.stop.is_set():
                wait_for_work(self.poll)
