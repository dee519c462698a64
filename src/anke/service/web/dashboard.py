"""What each role's dashboard shows, read from the database (bounded lists, no markup).

vendor: its products, its latest submissions with their latest inspection, evaluations of
its versions.  inspector: inspections under way, finished inspections with untriaged
findings, evaluations awaiting a signature, pending attestations.  bank: its portfolio's
passing share against the targets of each rulebook that sets targets.  admin:
organisations, users and the audit chain's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from anke.rulebooks.lifecycle import Standing, resolve, standing_of
from anke.rulebooks.loader import shipped_rulebooks
from anke.service.access.policy import Principal
from anke.service.audit.chain import verify
from anke.service.db.evaluations import Evaluation
from anke.service.db.inspections import FindingRecord, Inspection, InspectionStatus, Triage
from anke.service.db.portfolio import Asset
from anke.service.db.products import (
    Attestation,
    AttestationStatus,
    Product,
    ProductVersion,
    Submission,
)
from anke.service.db.tenancy import Organisation, Role, User
from anke.service.portfolio.metrics import PortfolioMetrics, portfolio_metrics
from anke.service.refusals import Refused

LIMIT = 20


@dataclass(frozen=True)
class Row:
    """One line of a dashboard table: the thing's id, its product and version, and more."""

    id: int
    product: str
    version: str
    version_id: int
    extra: dict[str, Any]


def _labelled(query: Any) -> Any:
    """``query`` (over a thing with a version) joined to the version and product names."""
    return query.add_columns(Product.name, ProductVersion.version, ProductVersion.id)


def vendor_board(session: Session, org_id: int) -> dict[str, Any]:
    """A vendor's products, latest submissions and evaluations."""
    counts = (select(ProductVersion.product_id, func.count().label("n"))
              .group_by(ProductVersion.product_id).subquery())
    products = session.execute(
        select(Product, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.product_id == Product.id)
        .where(Product.vendor_id == org_id).order_by(Product.name).limit(50)).all()
    latest = (select(Inspection.submission_id, func.max(Inspection.id).label("last"))
              .group_by(Inspection.submission_id).subquery())
    submissions = session.execute(_labelled(
        select(Submission, Inspection)
        .join(ProductVersion, ProductVersion.id == Submission.version_id)
        .join(Product, Product.id == ProductVersion.product_id)
        .outerjoin(latest, latest.c.submission_id == Submission.id)
        .outerjoin(Inspection, Inspection.id == latest.c.last)
        .where(Product.vendor_id == org_id)
        .order_by(Submission.id.desc()).limit(LIMIT))).all()
    evaluations = session.execute(_labelled(
        select(Evaluation).join(ProductVersion, ProductVersion.id == Evaluation.version_id)
        .join(Product, Product.id == ProductVersion.product_id)
        .where(Product.vendor_id == org_id)
        .order_by(Evaluation.id.desc()).limit(LIMIT))).all()
    return {
        "products": [{"product": product, "versions": int(n)} for product, n in products],
        "submissions": [Row(sub.id, name, version, vid, {"submission": sub,
                                                         "inspection": insp})
                        for sub, insp, name, version, vid in submissions],
        "evaluations": [Row(ev.id, name, version, vid, {"evaluation": ev})
                        for ev, name, version, vid in evaluations],
    }


def inspector_board(session: Session) -> dict[str, Any]:
    """The inspectors' queue."""
    def inspections(*statuses: InspectionStatus) -> list[Row]:
        rows = session.execute(_labelled(
            select(Inspection).join(Submission, Submission.id == Inspection.submission_id)
            .join(ProductVersion, ProductVersion.id == Submission.version_id)
            .join(Product, Product.id == ProductVersion.product_id)
            .where(Inspection.status.in_(statuses))
            .order_by(Inspection.id.desc()).limit(LIMIT))).all()
        return [Row(i.id, name, version, vid, {"inspection": i})
                for i, name, version, vid in rows]

    untriaged = session.execute(_labelled(
        select(Inspection, func.count(FindingRecord.id))
        .join(FindingRecord, FindingRecord.inspection_id == Inspection.id)
        .join(Submission, Submission.id == Inspection.submission_id)
        .join(ProductVersion, ProductVersion.id == Submission.version_id)
        .join(Product, Product.id == ProductVersion.product_id)
        .outerjoin(Triage, and_(Triage.product_id == Product.id,
                                Triage.fingerprint == FindingRecord.fingerprint))
        .where(Inspection.status == InspectionStatus.DONE, Triage.id.is_(None))
        .group_by(Inspection.id, Product.name, ProductVersion.version, ProductVersion.id)
        .order_by(Inspection.id.desc()).limit(LIMIT))).all()
    unsigned = session.execute(_labelled(
        select(Evaluation).join(ProductVersion, ProductVersion.id == Evaluation.version_id)
        .join(Product, Product.id == ProductVersion.product_id)
        .where(Evaluation.signed_at.is_(None))
        .order_by(Evaluation.id.desc()).limit(LIMIT))).all()
    pending = session.execute(_labelled(
        select(Attestation).join(ProductVersion, ProductVersion.id == Attestation.version_id)
        .join(Product, Product.id == ProductVersion.product_id)
        .where(Attestation.status == AttestationStatus.PENDING)
        .order_by(Attestation.id).limit(LIMIT))).all()
    return {
        "running": inspections(InspectionStatus.QUEUED, InspectionStatus.RUNNING),
        "untriaged": [Row(i.id, name, version, vid, {"inspection": i, "open": int(n)})
                      for i, n, name, version, vid in untriaged],
        "unsigned": [Row(e.id, name, version, vid, {"evaluation": e})
                     for e, name, version, vid in unsigned],
        "attestations": [Row(a.id, name, version, vid, {"attestation": a})
                         for a, name, version, vid in pending],
    }


@dataclass(frozen=True)
class Headline:
    """A bank's standing under one rulebook: its current text and the metrics."""

    rulebook: str
    title: str
    version: str
    standing: Standing
    metrics: PortfolioMetrics | None
    problem: str | None


def current_version(rulebook: str, today: date) -> tuple[str, Standing] | None:
    """The version in force today, else the last real version that ever came into force."""
    loaded = shipped_rulebooks()[rulebook]
    resolution = resolve(loaded, today)
    if resolution.version is not None:
        return resolution.version.version.version, resolution.standing
    started = [item for item in loaded.rulebook.versions if not item.hypothetical
               and standing_of(item, today)[0] is not Standing.NOT_IN_FORCE]
    if not started:
        return None
    last = started[-1]
    return last.version, standing_of(last, today)[0]


def bank_board(session: Session, org_id: int, today: date) -> dict[str, Any]:
    """A bank's assets in brief and its passing share under each rulebook with targets."""
    count, spend = session.execute(select(func.count(), func.coalesce(func.sum(Asset.spend), 0))
                                   .where(Asset.bank_id == org_id)).one()
    headlines: list[Headline] = []
    for rulebook_id, loaded in sorted(shipped_rulebooks().items()):
        if not any(version.targets for version in loaded.rulebook.versions):
            continue
        current = current_version(rulebook_id, today)
        if current is None:
            continue
        version, standing = current
        try:
            metrics: PortfolioMetrics | None = portfolio_metrics(session, org_id, rulebook_id,
                                                                 version, today)
            problem = None
        except Refused as refused:
            metrics, problem = None, str(refused)
        headlines.append(Headline(rulebook_id, loaded.rulebook.title, version, standing,
                                  metrics, problem))
    return {"assets": int(count), "spend": spend, "headlines": headlines}


def admin_board(session: Session) -> dict[str, Any]:
    """Organisations with their user counts, and the audit chain's verification."""
    users = (select(User.org_id, func.count().label("n")).group_by(User.org_id).subquery())
    organisations = session.execute(
        select(Organisation, func.coalesce(users.c.n, 0))
        .outerjoin(users, users.c.org_id == Organisation.id)
        .order_by(Organisation.name).limit(200)).all()
    roles = dict(session.execute(select(User.role, func.count()).group_by(User.role)).all())
    return {"organisations": [{"org": org, "users": int(n)} for org, n in organisations],
            "roles": {role.value: int(roles.get(role, 0)) for role in Role},
            "audit": verify(session)}


def board(session: Session, who: Principal, today: date) -> dict[str, Any]:
    """The dashboard of ``who``'s role."""
    if who.role is Role.VENDOR:
        return vendor_board(session, who.org_id)
    if who.role is Role.INSPECTOR:
        return inspector_board(session)
    if who.role is Role.BANK:
        return bank_board(session, who.org_id, today)
    return admin_board(session)
