"""Judging a product version from what the service stored: the bridge to the evaluation engine.

``judge_version`` takes a version's latest finished inspection (or a named one), rebuilds its
scan document from the stored findings, gathers the evidence the database holds (the
product's triage decisions, matched to the findings by fingerprint, and the version's
attestations with the inspectors' decisions and validity dates), and evaluates it under the
rulebook version a date (or a name) picks, for the product's category.  It is a pure function
of the session: three queries for the findings, the triage and the attestations, after the
version and the inspection; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from anke import __version__
from anke.errors import AnkeError
from anke.evaluation.evaluate import evaluate
from anke.evaluation.evidence import Attestation as EvidenceDocument
from anke.evaluation.evidence import Decision, Evidence
from anke.evaluation.evidence import Triage as TriageDecision
from anke.evaluation.evidence import TriageStatus as TriageKind
from anke.evaluation.result import Evaluation
from anke.findings.model import Finding, ScanDocument, ScanStats, ToolInfo
from anke.rulebooks.lifecycle import resolve
from anke.rulebooks.loader import LoadedRulebook
from anke.service.db.inspections import FindingRecord, Inspection, InspectionStatus
from anke.service.db.products import Attestation, ProductVersion, Submission
from anke.service.triage import triage_for


class NoFinishedInspection(AnkeError):
    """The version has no finished inspection to judge (or the one named is not one)."""


class UnknownVersion(AnkeError):
    """No product version with that id."""


@dataclass(frozen=True)
class Judgement:
    """An evaluation of a version, and the inspection whose findings it judged."""

    evaluation: Evaluation
    inspection_id: int


def _inspection(session: Session, version_id: int, inspection_id: int | None) -> Inspection:
    if inspection_id is None:
        found = session.execute(
            select(Inspection).join(Submission, Inspection.submission_id == Submission.id)
            .where(Submission.version_id == version_id,
                   Inspection.status == InspectionStatus.DONE)
            .order_by(Inspection.finished_at.desc(), Inspection.id.desc()).limit(1)
        ).scalar_one_or_none()
        if found is None:
            raise NoFinishedInspection(f"version {version_id} has no finished inspection")
        return found
    named = session.get(Inspection, inspection_id)
    if named is None or named.submission.version_id != version_id:
        raise NoFinishedInspection(f"version {version_id} has no inspection {inspection_id}")
    if named.status is not InspectionStatus.DONE:
        raise NoFinishedInspection(f"inspection {inspection_id} is {named.status.value}, "
                                   "not done")
    return named


def _stats(stored: dict[str, object]) -> ScanStats:
    known = set(ScanStats.model_fields)
    return ScanStats.model_validate({key: value for key, value in stored.items()
                                     if key in known})


def _document(session: Session, inspection: Inspection) -> tuple[ScanDocument, dict[str, str]]:
    """The scan document of an inspection, and each finding's fingerprint by finding id."""
    rows = session.execute(select(FindingRecord.data, FindingRecord.fingerprint)
                           .where(FindingRecord.inspection_id == inspection.id)
                           .order_by(FindingRecord.id)).all()
    findings = [Finding.model_validate(data) for data, _ in rows]
    prints = {finding.id: fingerprint for finding, (_, fingerprint) in zip(findings, rows,
                                                                            strict=True)}
    document = ScanDocument(tool=ToolInfo(version=__version__), root=inspection.submission.filename,
                            stats=_stats(inspection.stats or {}), findings=findings)
    return document, prints


def _triage(session: Session, product_id: int, prints: dict[str, str]) -> list[TriageDecision]:
    """The product's triage decisions, keyed to this inspection's finding ids."""
    decisions = triage_for(session, product_id, prints.values())
    out: list[TriageDecision] = []
    for finding_id, fingerprint in prints.items():
        row = decisions.get(fingerprint)
        if row is not None:
            out.append(TriageDecision(finding=finding_id, status=TriageKind(row.status.value),
                                      reason=row.reason or row.status.value,
                                      expires=row.expires_on))
    return out


def _attestations(session: Session, version_id: int) -> list[EvidenceDocument]:
    """The version's attestations as evidence documents (accepted ones can be usable)."""
    out: list[EvidenceDocument] = []
    for row in session.execute(select(Attestation).where(Attestation.version_id == version_id)
                               .order_by(Attestation.id)).scalars():
        try:
            out.append(EvidenceDocument(
                id=f"attestation-{row.id}", type=row.evidence_type, issuer=row.title,
                document=f"attestation:{row.id}", sha256=row.sha256,
                valid_from=row.issued_on or dt.date.min, valid_until=row.valid_until,
                status=Decision(row.status.value), note=row.decision_note or None))
        except ValidationError:
            continue  # a type no rulebook can name: it cannot stand as evidence for anything
    return out


def judge_version(session: Session, version_id: int, rulebook: LoadedRulebook,
                  version: str | None, as_of: dt.date,
                  inspection_id: int | None = None) -> Judgement:
    """Evaluate a product version's stored findings and evidence under a rulebook.

    ``version`` names the rulebook version (None: the one in force on ``as_of``);
    ``inspection_id`` picks the inspection (None: the version's latest finished one).
    Raises :class:`UnknownVersion`, :class:`NoFinishedInspection`, or the rulebook
    loader's ``UnknownRulebook`` for a version the rulebook does not have.
    """
    product_version = session.get(ProductVersion, version_id)
    if product_version is None:
        raise UnknownVersion(f"no product version {version_id}")
    resolution = resolve(rulebook, as_of, version)
    inspection = _inspection(session, version_id, inspection_id)
    document, prints = _document(session, inspection)
    evidence = Evidence.held(_attestations(session, version_id),
                             _triage(session, product_version.product_id, prints))
    result = evaluate(resolution, document, evidence,
                      category=product_version.product.category)
    return Judgement(result, inspection.id)
