"""Triage of findings: an inspector's decision, kept per product and finding fingerprint.

A decision is taken on a finding of one inspection but stored for the product and the
finding's fingerprint (``jobs/inspection.py``), so the same finding in another version of
the product shows as triaged too.  An accepted finding needs a reason and an expiry date in
the future; a false positive needs a reason.  A decision whose expiry date has passed is
*expired*: it is still shown, but no longer takes the finding out of the checks.

The API routes and the web pages both call :func:`set_triage` and :func:`clear_triage`,
which check access through the policy and audit every change; they raise
:class:`~anke.service.refusals.Refused` errors that carry their HTTP status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anke.service.access.policy import Principal
from anke.service.audit.chain import Actor, record
from anke.service.db.base import utcnow
from anke.service.db.inspections import FindingRecord, Inspection, Triage, TriageStatus
from anke.service.db.products import Product
from anke.service.refusals import Conflict, Invalid, NotFound, require

WRITE = "triage.write"
READ = "findings.read"
MAX_REASON = 4000
_CHUNK = 500  # fingerprints per IN (...) list


def today() -> date:
    """Today's date in UTC, the date expiries are judged on."""
    return utcnow().date()


def is_expired(triage: Triage, as_of: date | None = None) -> bool:
    """True when the decision's expiry date has passed on ``as_of`` (default today)."""
    return triage.expires_on is not None and (as_of or today()) > triage.expires_on


def exempts(triage: Triage | None, as_of: date | None = None) -> bool:
    """True when the decision takes its finding out of the checks on ``as_of``: a false
    positive or an accepted finding whose expiry has not passed (confirmed never does)."""
    return (triage is not None and triage.status is not TriageStatus.CONFIRMED
            and not is_expired(triage, as_of))


def _actor(who: Principal) -> Actor:
    return Actor(who.user_id, who.email, who.org_id)


@dataclass(frozen=True)
class _Target:
    """A finding of an inspection, with the product it belongs to."""

    finding: FindingRecord
    product_id: int
    vendor_id: int


def _target(session: Session, inspection_id: int, finding_id: int) -> _Target:
    """The finding ``finding_id`` of inspection ``inspection_id`` and its product."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound("not found")
    product = inspection.submission.version.product
    finding = session.get(FindingRecord, finding_id)
    if finding is None or finding.inspection_id != inspection_id:
        raise NotFound("no such finding in this inspection")
    return _Target(finding, product.id, product.vendor_id)


def _validated(status: TriageStatus | str, reason: str, expires_on: date | None,
               as_of: date) -> tuple[TriageStatus, str]:
    try:
        status = TriageStatus(status)
    except ValueError:
        choices = ", ".join(item.value for item in TriageStatus)
        raise Invalid(f"status must be one of {choices}") from None
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise Invalid(f"reason is longer than {MAX_REASON} characters")
    if status is TriageStatus.ACCEPTED and not reason:
        raise Invalid("an accepted finding needs a reason")
    if status is TriageStatus.ACCEPTED and expires_on is None:
        raise Invalid("an accepted finding needs an expiry date (expires_on)")
    if status is TriageStatus.FALSE_POSITIVE and not reason:
        raise Invalid("a false positive needs a reason")
    if status is TriageStatus.CONFIRMED and expires_on is not None:
        raise Invalid("a confirmed finding does not expire: leave expires_on out")
    if expires_on is not None and expires_on <= as_of:
        raise Invalid(f"expires_on must be after today ({as_of.isoformat()})")
    return status, reason


def _current(session: Session, product_id: int, fingerprint: str) -> Triage | None:
    return session.execute(select(Triage).where(
        Triage.product_id == product_id, Triage.fingerprint == fingerprint)
        .with_for_update()).scalar_one_or_none()


def _describe(triage: Triage | None) -> dict[str, object] | None:
    if triage is None:
        return None
    return {"status": triage.status.value, "reason": triage.reason,
            "expires_on": triage.expires_on.isoformat() if triage.expires_on else None,
            "decided_by": triage.decided_by}


def set_triage(session: Session, who: Principal, inspection_id: int, finding_id: int,
               status: TriageStatus | str, reason: str = "",
               expires_on: date | None = None) -> Triage:
    """Decide on finding ``finding_id`` (the stored finding's id) of an inspection, for every
    version of its product; audited.  Replaces an earlier decision on the same fingerprint."""
    target = _target(session, inspection_id, finding_id)
    require(who, WRITE, target.vendor_id)
    status, reason = _validated(status, reason, expires_on, today())
    fingerprint = target.finding.fingerprint
    triage = _current(session, target.product_id, fingerprint)
    before = _describe(triage)
    if triage is None:
        triage = Triage(product_id=target.product_id, fingerprint=fingerprint,
                        first_inspection_id=inspection_id, status=status, reason=reason,
                        expires_on=expires_on, decided_by=who.user_id, decided_at=utcnow())
        try:
            with session.begin_nested():
                session.add(triage)
        except IntegrityError:  # decided at the same moment by someone else
            raise Conflict("this finding was triaged at the same moment; "
                           "reload and try again") from None
    else:
        triage.status = status
        triage.reason = reason
        triage.expires_on = expires_on
        triage.decided_by = who.user_id
        triage.decided_at = utcnow()
    session.flush()
    record(session, _actor(who), "triage.set", f"triage:{triage.id}",
           {"product": target.product_id, "fingerprint": fingerprint,
            "inspection": inspection_id, "finding": finding_id, "after": _describe(triage),
            "before": before})
    return triage


def clear_triage(session: Session, who: Principal, inspection_id: int,
                 finding_id: int) -> Triage:
    """Remove the decision on a finding (for every version of its product); audited.
    Returns the removed decision; refuses when there is none."""
    target = _target(session, inspection_id, finding_id)
    require(who, WRITE, target.vendor_id)
    triage = _current(session, target.product_id, target.finding.fingerprint)
    if triage is None:
        raise NotFound("this finding has no triage")
    record(session, _actor(who), "triage.clear", f"triage:{triage.id}",
           {"product": target.product_id, "fingerprint": triage.fingerprint,
            "inspection": inspection_id, "finding": finding_id, "before": _describe(triage)})
    session.delete(triage)
    session.flush()
    return triage


def triage_for(session: Session, product_id: int,
               fingerprints: Iterable[str]) -> dict[str, Triage]:
    """The decisions on ``fingerprints`` of a product, by fingerprint (no access check: for
    the evaluation, which judges them as of its own date with :func:`exempts`).  Expired
    decisions are included."""
    wanted = sorted(set(fingerprints))
    found: dict[str, Triage] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        for triage in session.execute(select(Triage).where(
                Triage.product_id == product_id, Triage.fingerprint.in_(chunk))).scalars():
            found[triage.fingerprint] = triage
    return found


def findings_with_triage(session: Session, inspection_id: int, product_id: int,
                         limit: int, offset: int
                         ) -> list[tuple[FindingRecord, Triage | None]]:
    """A page of an inspection's findings, each with its product's decision (one query)."""
    rows = session.execute(
        select(FindingRecord, Triage)
        .outerjoin(Triage, and_(Triage.product_id == product_id,
                                Triage.fingerprint == FindingRecord.fingerprint))
        .where(FindingRecord.inspection_id == inspection_id)
        .order_by(FindingRecord.id).limit(limit).offset(offset)).all()
    return [(finding, triage) for finding, triage in rows]


@dataclass(frozen=True)
class ProductTriage:
    """A page of a product's decisions and how many there are in all."""

    total: int
    items: Sequence[Triage]


def product_triage(session: Session, who: Principal, product_id: int, limit: int,
                   offset: int) -> ProductTriage:
    """The decisions on a product's findings, newest first, if ``who`` may see findings."""
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound("not found")
    require(who, READ, product.vendor_id)
    total = session.execute(select(func.count()).select_from(Triage)
                            .where(Triage.product_id == product_id)).scalar_one()
    items = session.execute(select(Triage).where(Triage.product_id == product_id)
                            .order_by(Triage.decided_at.desc(), Triage.id.desc())
                            .limit(limit).offset(offset)).scalars().all()
    return ProductTriage(int(total), items)
