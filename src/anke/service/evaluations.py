"""Evaluations: judging a version and storing the result, signing it, and showing it.

The API routes and the web pages both call these functions; each checks access through the
policy (``refusals.require``), audits what it changes, and raises
:class:`~anke.service.refusals.Refused` errors that carry their HTTP status.  Nothing here
knows about HTTP.

What a reader sees of an evaluation depends on whether they may see findings
(``findings.read``): the vendor that owns the product and the inspectors get the whole
result; a bank, an administrator or anyone else gets the verdicts and per-control
summaries with the findings (their code lines) and the skipped members' paths taken out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from anke.rulebooks.loader import LoadedRulebook, UnknownRulebook, shipped_rulebooks
from anke.service.access.policy import Principal, load_policy
from anke.service.api.owned import owner_of
from anke.service.audit.chain import Actor, record
from anke.service.db.base import utcnow
from anke.service.db.evaluations import Evaluation, SigningKey
from anke.service.db.inspections import Inspection
from anke.service.db.products import ProductVersion
from anke.service.db.tenancy import Organisation
from anke.service.judging import NoFinishedInspection, judge_version
from anke.service.protect import MasterKeys
from anke.service.refusals import Conflict, Invalid, NotFound, require
from anke.service.signing import (
    active_key,
    result_digest,
    sign,
    signature_document,
    statement,
    statement_matches,
    verify,
)


def _actor(who: Principal) -> Actor:
    return Actor(who.user_id, who.email, who.org_id)


def rulebook_named(name: str) -> LoadedRulebook:
    """A shipped rulebook by id; :class:`Invalid` when there is none."""
    found = shipped_rulebooks().get(name)
    if found is None:
        known = ", ".join(sorted(shipped_rulebooks()))
        raise Invalid(f"no rulebook {name!r} (shipped: {known})")
    return found


def _version(session: Session, version_id: int) -> ProductVersion:
    version = session.get(ProductVersion, version_id)
    if version is None:
        raise NotFound("not found")
    return version


def _evaluation(session: Session, evaluation_id: int) -> tuple[Evaluation, int]:
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound("not found")
    return evaluation, owner_of(evaluation)


def create_evaluation(session: Session, who: Principal, version_id: int, rulebook: str,
                      version: str | None, as_of: dt.date,
                      inspection_id: int | None = None) -> Evaluation:
    """Judge a product version against a rulebook (the version in force on ``as_of`` when
    ``version`` is None) and store the result with its digest; audited.  409 when the
    product version has no finished inspection (or ``inspection_id`` is not one of it)."""
    product_version = _version(session, version_id)
    require(who, "evaluation.create", owner_of(product_version))
    loaded = rulebook_named(rulebook)
    try:
        judged = judge_version(session, version_id, loaded, version, as_of, inspection_id)
    except UnknownRulebook as exc:
        raise Invalid(str(exc)) from None
    except NoFinishedInspection as exc:
        raise Conflict(str(exc)) from None
    result: dict[str, object] = judged.evaluation.model_dump(mode="json")
    evaluation = Evaluation(
        version_id=version_id, inspection_id=judged.inspection_id, rulebook=loaded.rulebook.id,
        rulebook_version=judged.evaluation.rulebook.version or "", as_of=as_of,
        overall=judged.evaluation.overall.value, result=result, digest=result_digest(result),
        created_by=who.user_id, created_at=utcnow())
    session.add(evaluation)
    session.flush()
    record(session, _actor(who), "evaluation.create", f"evaluation:{evaluation.id}",
           {"version": version_id, "inspection": judged.inspection_id,
            "rulebook": evaluation.rulebook, "rulebook_version": evaluation.rulebook_version,
            "as_of": as_of.isoformat(), "overall": evaluation.overall,
            "digest": evaluation.digest})
    return evaluation


def sign_evaluation(session: Session, keys: MasterKeys, who: Principal,
                    evaluation_id: int) -> Evaluation:
    """Sign an evaluation with the inspector's Ed25519 key (made on first use); audited.
    An evaluation is signed once: 409 when it already is."""
    evaluation, owner = _evaluation(session, evaluation_id)
    require(who, "evaluation.sign", owner)
    if evaluation.signature is not None:
        raise Conflict(f"evaluation {evaluation_id} is already signed")
    if result_digest(evaluation.result) != evaluation.digest:
        raise Conflict(f"evaluation {evaluation_id}'s result does not match its digest")
    product = evaluation.version.product
    vendor = session.get(Organisation, product.vendor_id)
    inspection = session.get(Inspection, evaluation.inspection_id)
    assert vendor is not None and inspection is not None
    key, private = active_key(session, keys, who.user_id)
    signed_at = utcnow().replace(microsecond=0)
    text = statement(
        evaluation_id=evaluation.id, vendor=vendor.name, product=product.name,
        version=evaluation.version.version, submission_sha256=inspection.submission.sha256,
        inspection_id=inspection.id, rulebook=evaluation.rulebook,
        rulebook_version=evaluation.rulebook_version, as_of=evaluation.as_of.isoformat(),
        overall=evaluation.overall, result_sha256=evaluation.digest, signer_id=who.user_id,
        signer_email=who.email, key_id=key.id, signed_at=signed_at)
    evaluation.statement = text
    evaluation.signature = sign(private, text)
    evaluation.signed_by = who.user_id
    evaluation.signed_at = signed_at
    evaluation.signing_key_id = key.id
    session.flush()
    record(session, _actor(who), "evaluation.sign", f"evaluation:{evaluation.id}",
           {"key": key.id, "digest": evaluation.digest, "overall": evaluation.overall})
    return evaluation


@dataclass(frozen=True)
class SignatureView:
    """An evaluation's signature as shown: the document to verify, and the server's check."""

    evaluation_id: int
    signed: bool
    document: dict[str, object] | None  # statement, signature, public_key, key_id
    valid: bool | None  # None when unsigned


def signature_of(session: Session, who: Principal, evaluation_id: int) -> SignatureView:
    """The signed statement, signature and public key, and whether they still hold: the
    signature verifies and the statement's result digest matches the stored result."""
    evaluation, owner = _evaluation(session, evaluation_id)
    require(who, "evaluation.read", owner)
    if (evaluation.signature is None or evaluation.statement is None
            or evaluation.signing_key_id is None):
        return SignatureView(evaluation.id, False, None, None)
    key = session.get(SigningKey, evaluation.signing_key_id)
    assert key is not None
    valid = (verify(evaluation.statement.encode("utf-8"), evaluation.signature, key.public_key)
             and statement_matches(evaluation.statement, evaluation.result))
    return SignatureView(evaluation.id, True,
                         signature_document(evaluation.statement, evaluation.signature,
                                            key.public_key, key.id), valid)


def sees_findings(who: Principal, evaluation: Evaluation) -> bool:
    """Whether ``who`` may see the findings (code lines) an evaluation names."""
    return load_policy().allows(who, "findings.read", owner_of(evaluation))


def redacted(result: dict[str, Any]) -> dict[str, Any]:
    """An evaluation result without code: findings and skipped paths taken out, the number
    of findings kept; verdicts, reasons, evidence ids and rulebook facts stay."""
    out = dict(result)
    findings = out.get("findings") or []
    out["findings"] = []
    stats = out.get("stats")
    if isinstance(stats, dict):
        out["stats"] = {**stats, "skipped": []}
    out["redacted"] = {"findings": len(findings) if isinstance(findings, list) else 0}
    return out


@dataclass(frozen=True)
class EvaluationView:
    """An evaluation as a reader may see it."""

    evaluation: Evaluation
    result: dict[str, Any]
    redacted: bool
    counts: dict[str, int]


def _counts(result: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for control in result.get("controls") or []:
        verdict = str(control.get("verdict"))
        out[verdict] = out.get(verdict, 0) + 1
    return out


def _view(who: Principal, evaluation: Evaluation) -> EvaluationView:
    full = sees_findings(who, evaluation)
    result = evaluation.result if full else redacted(evaluation.result)
    return EvaluationView(evaluation, result, not full, _counts(evaluation.result))


def evaluation_view(session: Session, who: Principal, evaluation_id: int) -> EvaluationView:
    """One evaluation, redacted unless ``who`` may see its findings."""
    evaluation, owner = _evaluation(session, evaluation_id)
    require(who, "evaluation.read", owner)
    return _view(who, evaluation)


def version_evaluations(session: Session, who: Principal, version_id: int, limit: int = 100,
                        offset: int = 0) -> list[EvaluationView]:
    """A version's evaluations, newest first, each redacted unless ``who`` may see code."""
    product_version = _version(session, version_id)
    require(who, "evaluation.read", owner_of(product_version))
    rows = session.execute(select(Evaluation).where(Evaluation.version_id == version_id)
                           .order_by(Evaluation.id.desc()).limit(limit).offset(offset)
                           ).scalars()
    return [_view(who, row) for row in rows]
