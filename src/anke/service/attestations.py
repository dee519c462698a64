"""Attestations: evidence documents a vendor uploads for a product version, and the
inspectors' decisions on them.

A document is streamed into an encrypted blob of the vendor's organisation exactly like a
submission.  Its ``evidence_type`` must be one that an attested check of a shipped rulebook
names.  An inspector accepts or rejects it (a rejection says why); a decided attestation can
be decided again, and every decision is audited.  The API routes and the web pages both call
these functions; they raise :class:`~anke.service.refusals.Refused` errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import BinaryIO, Protocol, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anke.rulebooks.loader import shipped_rulebooks
from anke.rulebooks.model import AttestedCheck
from anke.service.access.policy import Principal
from anke.service.audit.chain import Actor, record
from anke.service.db.base import utcnow
from anke.service.db.products import Attestation, AttestationStatus, ProductVersion
from anke.service.protect import TooLarge
from anke.service.refusals import Invalid, NotFound, Refused, require
from anke.service.runtime import Services
from anke.service.vault import put_blob, safe_name

MAX_NOTE = 4000
DECISIONS = (AttestationStatus.ACCEPTED, AttestationStatus.REJECTED)


class Readable(Protocol):
    """Anything read like a binary file (an open file, a streamed request body)."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; b"" at the end."""
        ...


class TooLargeUpload(Refused):
    """The document is larger than the service accepts."""

    status = 413


@lru_cache(maxsize=1)
def evidence_types() -> tuple[str, ...]:
    """Every evidence type an attested check of a shipped rulebook accepts, sorted."""
    found: set[str] = set()
    for loaded in shipped_rulebooks().values():
        for version in loaded.rulebook.versions:
            for control in version.controls:
                for check in control.checks:
                    if isinstance(check, AttestedCheck):
                        found.update(evidence.type for evidence in check.evidence)
    return tuple(sorted(found))


@dataclass(frozen=True)
class Upload:
    """What a vendor says about a document it uploads."""

    evidence_type: str
    title: str
    filename: str
    issued_on: date | None = None
    valid_until: date | None = None


def _checked(upload: Upload) -> Upload:
    if upload.evidence_type not in evidence_types():
        raise Invalid(f"unknown evidence_type {upload.evidence_type!r}; allowed: "
                      f"{', '.join(evidence_types())}")
    title = upload.title.strip()
    if not title or len(title) > 200:
        raise Invalid("title must have 1 to 200 characters")
    name = safe_name(upload.filename)
    if not name:
        raise Invalid("filename has no usable characters")
    if (upload.issued_on is not None and upload.valid_until is not None
            and upload.valid_until < upload.issued_on):
        raise Invalid("valid_until is before issued_on")
    return Upload(upload.evidence_type, title, name, upload.issued_on, upload.valid_until)


def _owner(session: Session, version_id: int) -> int:
    version = session.get(ProductVersion, version_id)
    if version is None:
        raise NotFound("not found")
    return version.product.vendor_id


def store_attestation(services: Services, who: Principal, version_id: int, upload: Upload,
                      body: Readable) -> Attestation:
    """Check, encrypt ``body`` into a blob of the vendor and record the attestation."""
    upload = _checked(upload)
    with services.database.reader() as session:
        owner = _owner(session, version_id)
    require(who, "attestation.create", owner)
    settings = services.settings
    try:
        stored = put_blob(services.database, services.keys, services.store, owner,
                          cast(BinaryIO, body), settings.blob_cipher,
                          settings.max_upload_bytes)
    except TooLarge:
        raise TooLargeUpload(f"larger than {settings.max_upload_bytes} bytes") from None
    with services.database.writer() as session:
        attestation = Attestation(
            version_id=version_id, evidence_type=upload.evidence_type, title=upload.title,
            filename=upload.filename, size=stored.info.size, sha256=stored.info.sha256,
            blob_key=stored.key, data_key_id=stored.data_key_id, cipher=stored.info.cipher,
            issued_on=upload.issued_on, valid_until=upload.valid_until,
            uploaded_by=who.user_id, status=AttestationStatus.PENDING, decision_note="")
        session.add(attestation)
        session.flush()
        record(session, Actor(who.user_id, who.email, who.org_id), "attestation.create",
               f"attestation:{attestation.id}",
               {"version": version_id, "evidence_type": upload.evidence_type,
                "title": upload.title, "filename": upload.filename,
                "size": attestation.size, "sha256": attestation.sha256})
        return attestation


def attestation_of(session: Session, who: Principal, attestation_id: int,
                   action: str) -> Attestation:
    """The attestation, if ``who`` may take ``action`` on it (else a refusal)."""
    attestation = session.get(Attestation, attestation_id)
    if attestation is None:
        raise NotFound("not found")
    require(who, action, attestation.version.product.vendor_id)
    return attestation


def decide_attestation(session: Session, who: Principal, attestation_id: int,
                       decision: AttestationStatus | str, note: str = "") -> Attestation:
    """Accept or reject an attestation (again, if it was decided before); audited."""
    attestation = attestation_of(session, who, attestation_id, "attestation.decide")
    try:
        status = AttestationStatus(decision)
    except ValueError:
        status = AttestationStatus.PENDING
    if status not in DECISIONS:
        raise Invalid("decision must be accepted or rejected")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"note is longer than {MAX_NOTE} characters")
    if status is AttestationStatus.REJECTED and not note:
        raise Invalid("a rejection needs a note saying why")
    before = {"status": attestation.status.value, "note": attestation.decision_note,
              "decided_by": attestation.decided_by}
    attestation.status = status
    attestation.decision_note = note
    attestation.decided_by = who.user_id
    attestation.decided_at = utcnow()
    session.flush()
    record(session, Actor(who.user_id, who.email, who.org_id), "attestation.decide",
           f"attestation:{attestation.id}",
           {"decision": status.value, "note": note, "before": before,
            "sha256": attestation.sha256})
    return attestation


def attestations_for(session: Session, version_id: int) -> list[Attestation]:
    """Every attestation of a product version, oldest first (no access check: for the
    evaluation, which judges status and validity as of its own date)."""
    return list(session.execute(select(Attestation)
                                .where(Attestation.version_id == version_id)
                                .order_by(Attestation.id)).scalars())


@dataclass(frozen=True)
class AttestationPage:
    """A page of a version's attestations and how many there are."""

    total: int
    items: list[Attestation]


def version_attestations(session: Session, who: Principal, version_id: int, limit: int,
                         offset: int) -> AttestationPage:
    """A page of a version's attestations, if ``who`` may see their summaries."""
    require(who, "attestation.summary", _owner(session, version_id))
    where = Attestation.version_id == version_id
    total = session.execute(select(func.count()).select_from(Attestation)
                            .where(where)).scalar_one()
    items = session.execute(select(Attestation).where(where).order_by(Attestation.id)
                            .limit(limit).offset(offset)).scalars().all()
    return AttestationPage(int(total), list(items))


def is_valid(attestation: Attestation, as_of: date) -> bool:
    """Whether ``as_of`` lies in the document's validity period (whatever its status)."""
    if attestation.issued_on is not None and as_of < attestation.issued_on:
        return False
    return attestation.valid_until is None or as_of <= attestation.valid_until
