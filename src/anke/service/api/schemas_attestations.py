"""The API's bodies for attestations: summaries out, decisions in."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from anke.service.attestations import MAX_NOTE, is_valid
from anke.service.db.base import utcnow
from anke.service.db.products import Attestation, AttestationStatus


class AttestationOut(BaseModel):
    """An evidence document's summary (never its content): what a bank may see too.
    ``valid_today`` says whether today lies in its validity period."""

    id: int
    version_id: int
    evidence_type: str
    title: str
    filename: str
    size: int
    sha256: str
    issued_on: date | None
    valid_until: date | None
    valid_today: bool
    status: AttestationStatus
    decided_at: datetime | None
    decision_note: str
    created_at: datetime


class AttestationPageOut(BaseModel):
    """A page of a version's attestations and how many there are."""

    total: int
    items: list[AttestationOut]


class DecisionIn(BaseModel):
    """An inspector's decision: ``rejected`` needs a note."""

    model_config = ConfigDict(extra="forbid")

    decision: AttestationStatus
    note: str = Field(default="", max_length=MAX_NOTE)


def attestation_out(attestation: Attestation) -> AttestationOut:
    """The summary the API shows."""
    return AttestationOut(
        id=attestation.id, version_id=attestation.version_id,
        evidence_type=attestation.evidence_type, title=attestation.title,
        filename=attestation.filename, size=attestation.size, sha256=attestation.sha256,
        issued_on=attestation.issued_on, valid_until=attestation.valid_until,
        valid_today=is_valid(attestation, utcnow().date()), status=attestation.status,
        decided_at=attestation.decided_at, decision_note=attestation.decision_note,
        created_at=attestation.created_at)
