"""Inspections of submissions, the jobs that run them, their findings and triage."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anke.service.db.base import Base, UTCDateTime, enum_type, utcnow
from anke.service.db.products import Submission


class InspectionStatus(StrEnum):
    """Where an inspection is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Inspection(Base):
    """One run of the engine over one submission; its results are stored exactly once."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[InspectionStatus] = mapped_column(
        enum_type(InspectionStatus), default=InspectionStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stats: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship()


class JobState(StrEnum):
    """A queued job's state."""

    QUEUED = "queued"
    LEASED = "leased"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """A unit of work in the queue, taken by a worker under a lease it keeps alive.

    A worker that stops heart-beating loses the lease when it expires; another worker then
    takes the job up again (``attempts`` counts how often).  Completing checks the lease
    token, so a worker that lost its lease cannot store results.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"),
                                                      nullable=True, unique=True)
    state: Mapped[JobState] = mapped_column(enum_type(JobState),
                                            default=JobState.QUEUED, index=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class FindingRecord(Base):
    """One finding of one inspection (the full Finding JSON in ``data``).

    ``fingerprint`` identifies the same finding in another version of the product (it
    leaves out the line and the archive name), so triage follows it across versions.
    """

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("inspection_id", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    finding_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detector: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(100))
    algorithm: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidence: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON)


class TriageStatus(StrEnum):
    """An inspector's decision on a finding."""

    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false-positive"
    ACCEPTED = "accepted"


class Triage(Base):
    """A decision on a finding of a product, found again in later versions by fingerprint."""

    __tablename__ = "triage"
    __table_args__ = (UniqueConstraint("product_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[TriageStatus] = mapped_column(enum_type(TriageStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
