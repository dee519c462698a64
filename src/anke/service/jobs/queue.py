"""Jobs in the database: enqueue, lease, heartbeat, finish.

A worker leases a job for ``lease`` seconds and heart-beats to keep it.  A job whose lease
ran out (its worker died) is leased again by the next worker that asks, up to
``max_attempts`` times.  Every call that changes a leased job names its lease token, so a
worker that lost its lease can neither extend it nor store results: each job's results are
stored once.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from anke.service.db.base import utcnow
from anke.service.db.inspections import Job, JobState

INSPECTION = "inspection"
_queued = threading.Event()  # set when this process commits a new job


def _notify(_session: Session) -> None:
    _queued.set()


def wait_for_work(timeout: float) -> bool:
    """Wait until this process queues a job or ``timeout`` passes; True when woken.

    Workers in the same process as the web server start a new job at once instead of at
    their next poll; workers elsewhere still poll.
    """
    woken = _queued.wait(timeout)
    _queued.clear()
    return woken


@dataclass(frozen=True)
class Lease:
    """A job held by a worker."""

    job_id: int
    token: str
    kind: str
    inspection_id: int | None
    attempt: int


def enqueue(session: Session, kind: str, inspection_id: int | None = None,
            max_attempts: int = 3) -> Job:
    """Queue a job (in the caller's transaction)."""
    job = Job(kind=kind, inspection_id=inspection_id, max_attempts=max_attempts)
    session.add(job)
    session.flush()
    event.listen(session, "after_commit", _notify, once=True)
    return job


def lease_next(session: Session, worker: str, lease: float) -> Lease | None:
    """Take the oldest queued or abandoned job, or None when there is none.

    Jobs abandoned more than ``max_attempts`` times are marked failed instead.
    """
    now = utcnow()
    while True:
        query = (select(Job).where(or_(Job.state == JobState.QUEUED,
                                       (Job.state == JobState.LEASED)
                                       & (Job.lease_expires_at < now)))
                 .order_by(Job.id).limit(1).with_for_update(skip_locked=True))
        job = session.execute(query).scalar_one_or_none()
        if job is None:
            return None
        if job.attempts >= job.max_attempts:
            job.state = JobState.FAILED
            job.finished_at = now
            job.error = f"abandoned {job.attempts} times (its workers stopped)"
            job.lease_token = None
            session.flush()
            continue
        job.state = JobState.LEASED
        job.lease_token = secrets.token_hex(16)
        job.leased_by = worker[:100]
        job.lease_expires_at = now + timedelta(seconds=lease)
        job.heartbeat_at = now
        job.attempts += 1
        session.flush()
        return Lease(job.id, job.lease_token, job.kind, job.inspection_id, job.attempts)


def heartbeat(session: Session, held: Lease, lease: float) -> bool:
    """Extend the lease; False when it was lost (expired and taken by another worker)."""
    now = utcnow()
    result = session.execute(update(Job).where(Job.id == held.job_id,
                                               Job.lease_token == held.token,
                                               Job.state == JobState.LEASED)
                             .values(lease_expires_at=now + timedelta(seconds=lease),
                                     heartbeat_at=now))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def still_held(session: Session, held: Lease) -> bool:
    """Whether the lease is still this worker's; locks the job row until commit."""
    job = session.execute(select(Job).where(Job.id == held.job_id)
                          .with_for_update()).scalar_one_or_none()
    return (job is not None and job.state == JobState.LEASED
            and job.lease_token == held.token)


def finish(session: Session, held: Lease, error: str = "") -> bool:
    """Mark the job done (or failed with ``error``) if the lease is still held."""
    if not still_held(session, held):
        return False
    job = session.get(Job, held.job_id)
    assert job is not None
    job.state = JobState.FAILED if error else JobState.DONE
    job.error = error
    job.finished_at = utcnow()
    job.lease_token = None
    session.flush()
    return True
