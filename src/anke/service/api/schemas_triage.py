"""The API's bodies for triage: a decision in, decisions out, findings with their triage."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from anke.service.api.schemas import FindingOut, FindingTriage
from anke.service.db.inspections import FindingRecord, Triage, TriageStatus
from anke.service.triage import MAX_REASON, is_expired


class TriageIn(BaseModel):
    """An inspector's decision on a finding: ``accepted`` needs a reason and an expiry date
    in the future, ``false-positive`` a reason."""

    model_config = ConfigDict(extra="forbid")

    status: TriageStatus
    reason: str = Field(default="", max_length=MAX_REASON)
    expires_on: date | None = None


class TriageOut(BaseModel):
    """A decision on a finding of a product (by fingerprint, across its versions)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    fingerprint: str
    status: TriageStatus
    reason: str
    expires_on: date | None
    decided_by: int
    decided_at: datetime
    first_inspection_id: int
    expired: bool


class TriagePage(BaseModel):
    """A page of a product's decisions and how many there are."""

    total: int
    items: list[TriageOut]


def triage_out(triage: Triage) -> TriageOut:
    """The decision as the API shows it (``expired`` judged today)."""
    return TriageOut(id=triage.id, product_id=triage.product_id,
                     fingerprint=triage.fingerprint, status=triage.status,
                     reason=triage.reason, expires_on=triage.expires_on,
                     decided_by=triage.decided_by, decided_at=triage.decided_at,
                     first_inspection_id=triage.first_inspection_id,
                     expired=is_expired(triage))


def finding_out(finding: FindingRecord, triage: Triage | None) -> FindingOut:
    """A stored finding with its product's decision on it, if any."""
    decision = None if triage is None else FindingTriage(
        status=triage.status.value, reason=triage.reason, expires_on=triage.expires_on,
        decided_by=triage.decided_by, decided_at=triage.decided_at,
        expired=is_expired(triage))
    return FindingOut(id=finding.id, fingerprint=finding.fingerprint, data=finding.data,
                      triage=decision)
