"""Request and response bodies of evaluations, signatures, approved-products lists and
rulebooks."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from anke.service.evaluations import EvaluationView, SignatureView
from anke.service.listings import REASON_MAX, ListedProduct


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EvaluationIn(_In):
    """What to judge the version against: a rulebook, optionally its version (else the one
    in force on ``as_of``), the date, and optionally the inspection (else the latest)."""

    rulebook: str = Field(min_length=1, max_length=64)
    version: str | None = Field(default=None, min_length=1, max_length=64)
    as_of: date
    inspection_id: int | None = None


class EvaluationSummary(_Out):
    """An evaluation's facts and per-verdict counts (no result)."""

    id: int
    version_id: int
    inspection_id: int
    rulebook: str
    rulebook_version: str
    as_of: date
    overall: str
    digest: str
    created_by: int
    created_at: datetime
    signed: bool
    signed_by: int | None
    signed_at: datetime | None
    signing_key_id: int | None
    counts: dict[str, int]
    redacted: bool


class EvaluationOut(EvaluationSummary):
    """An evaluation with its result (redacted of findings for readers who may not see
    code: ``redacted`` says so)."""

    result: dict[str, Any]


def evaluation_summary(view: EvaluationView) -> EvaluationSummary:
    """The summary of a view."""
    row = view.evaluation
    return EvaluationSummary(
        id=row.id, version_id=row.version_id, inspection_id=row.inspection_id,
        rulebook=row.rulebook, rulebook_version=row.rulebook_version, as_of=row.as_of,
        overall=row.overall, digest=row.digest, created_by=row.created_by,
        created_at=row.created_at, signed=row.signature is not None, signed_by=row.signed_by,
        signed_at=row.signed_at, signing_key_id=row.signing_key_id, counts=view.counts,
        redacted=view.redacted)


def evaluation_out(view: EvaluationView) -> EvaluationOut:
    """The full body of a view."""
    return EvaluationOut(**evaluation_summary(view).model_dump(), result=view.result)


class SignatureOut(BaseModel):
    """An evaluation's signature: the statement as text, the Ed25519 signature and raw
    public key in base64, the key id, and ``valid`` as checked by the server now (the
    signature verifies and the statement's result digest matches the stored result).  For
    an unsigned evaluation, ``signed`` is false and the rest is null."""

    evaluation_id: int
    signed: bool
    statement: str | None = None
    signature: str | None = None
    public_key: str | None = None
    key_id: int | None = None
    valid: bool | None = None


def signature_out(view: SignatureView) -> SignatureOut:
    """The body of a signature view."""
    return SignatureOut.model_validate({"evaluation_id": view.evaluation_id,
                                        "signed": view.signed, "valid": view.valid,
                                        **(view.document or {})})


class ListingIn(_In):
    """Put a signed, passing evaluation's product version on its list from a date."""

    evaluation_id: int
    listed_on: date


class RemovalIn(_In):
    """Take a listing off its list from a date, for a reason."""

    removed_on: date
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class ListingOut(_Out):
    """A listing as stored."""

    id: int
    rulebook: str
    rulebook_version: str
    version_id: int
    evaluation_id: int
    listed_on: date
    removed_on: date | None
    removal_reason: str
    published_by: int


class ListedOut(BaseModel):
    """One entry of a list as of a date; a removal has ``removed_on`` and its reason."""

    listing_id: int
    evaluation_id: int
    version_id: int
    vendor: str
    product: str
    version: str
    category: str
    listed_on: date
    removed_on: date | None
    removal_reason: str
    status: str = Field(description="listed, or removed")


def listed_out(entry: ListedProduct) -> ListedOut:
    """The body of a list entry."""
    return ListedOut(listing_id=entry.listing_id, evaluation_id=entry.evaluation_id,
                     version_id=entry.version_id, vendor=entry.vendor, product=entry.product,
                     version=entry.version, category=entry.category,
                     listed_on=entry.listed_on, removed_on=entry.removed_on,
                     removal_reason=entry.removal_reason,
                     status="listed" if entry.listed else "removed")


class ListPage(BaseModel):
    """A rulebook version's approved-products list as it stood on a date."""

    rulebook: str
    version: str
    as_of: date
    include_removed: bool
    entries: list[ListedOut]


class EventOut(BaseModel):
    """A lifecycle event of a rulebook version."""

    type: str
    date: dt.date
    note: str | None = None
    unverified: bool = False


class RulebookVersionOut(BaseModel):
    """A rulebook version, its events, and its standing today."""

    version: str
    title: str
    hypothetical: bool
    based_on: str | None
    events: list[EventOut]
    standing: str
    since: date | None


class RulebookOut(BaseModel):
    """A rulebook and its versions."""

    id: str
    title: str
    issuer: str
    jurisdiction: str
    summary: str | None
    today: date
    in_force: str = Field(description="which version is in force today, and why")
    versions: list[RulebookVersionOut]


class CategoryOut(BaseModel):
    """An asset category a rulebook names."""

    id: str
    title: str


class ControlOut(BaseModel):
    """A control of a version (inheritance applied)."""

    id: str
    title: str
    severity: str
    categories: list[str]
    levels: list[int]
    checks: list[str]
    applies_from: date | None
    applies_until: date | None


class TargetOut(BaseModel):
    """A yearly target of a version."""

    year: int
    share: float | None
    basis: str
    categories: list[str]
    scope: str
    unverified: bool
    note: str | None


class RulebookVersionDetail(RulebookVersionOut):
    """A version with its controls and targets (inheritance applied)."""

    note: str | None
    controls: list[ControlOut]
    targets: list[TargetOut]


class RulebookDetail(RulebookOut):
    """A rulebook with its categories and every version's controls and targets."""

    levels: list[int]
    categories: list[CategoryOut]
    versions: list[RulebookVersionDetail]  # type: ignore[assignment]
