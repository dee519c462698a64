"""The inspection page (status, stats, findings grouped by algorithm) and triage forms.

Everyone who may see the product sees an inspection's status and totals; only those the
policy lets read findings (the owning vendor, inspectors) see the findings and their code.
Triage decisions go through ``anke.service.triage`` (policy, validation, audit).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import selectinload

from anke.service.api.deps import ServicesDep
from anke.service.api.owned import owned
from anke.service.db.base import utcnow
from anke.service.db.inspections import Inspection, InspectionStatus, TriageStatus
from anke.service.db.products import ProductVersion, Submission
from anke.service.refusals import Conflict, Invalid
from anke.service.triage import clear_triage, findings_with_triage, set_triage
from anke.service.web.findings_view import group
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
SHOWN = 5000  # findings on one page; the API pages through any number
REFRESH_SECONDS = 3
_STATS = (("files", "files read"), ("members", "members inspected"), ("parsed", "parsed"),
          ("bytes", "bytes"), ("seconds", "seconds"), ("findings", "findings"))


def _load(services: ServicesDep, viewer: ViewerDep, inspection_id: int) -> Inspection:
    return owned(services, viewer.who, Inspection, inspection_id, "product.read",
                 [selectinload(Inspection.submission).selectinload(Submission.version)
                  .selectinload(ProductVersion.product)])


@router.get("/inspections/{inspection_id}")
def inspection_page(inspection_id: int, request: Request, viewer: ViewerDep,
                    services: ServicesDep) -> Response:
    """Status and totals; for those who may read them, findings grouped by algorithm."""
    inspection = _load(services, viewer, inspection_id)
    product = inspection.submission.version.product
    allows = services.policy.allows
    can_read = allows(viewer.who, "findings.read", product.vendor_id)
    groups = []
    shown = 0
    if can_read and inspection.status is InspectionStatus.DONE:
        with services.database.reader() as session:
            rows = findings_with_triage(session, inspection_id, product.id, SHOWN, 0)
        shown = len(rows)
        groups = group(rows, utcnow().date())
    stats = inspection.stats or {}
    skipped = stats.get("skipped")
    return render(request, "inspection.html", {
        "inspection": inspection, "submission": inspection.submission,
        "version": inspection.submission.version, "product": product,
        "refresh": REFRESH_SECONDS if inspection.status in (
            InspectionStatus.QUEUED, InspectionStatus.RUNNING) else None,
        "stats": [(label, stats[key]) for key, label in _STATS if key in stats],
        "skipped": skipped if can_read and isinstance(skipped, list) else [],
        "can_read": can_read, "groups": groups, "shown": shown, "limit": SHOWN,
        "total": stats.get("findings"),
        "can_triage": allows(viewer.who, "triage.write", product.vendor_id),
        "statuses": [status.value for status in TriageStatus],
        "today": utcnow().date()})


@router.post("/inspections/{inspection_id}/findings/{finding_id}/triage")
def triage(inspection_id: int, finding_id: int, viewer: ViewerDep, services: ServicesDep,
           action: Annotated[str, Form(max_length=10)] = "set",
           status: Annotated[str, Form(max_length=32)] = "",
           reason: Annotated[str, Form(max_length=4000)] = "",
           expires_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Set or clear the decision on a finding (for every version of its product)."""
    back = f"/inspections/{inspection_id}#f{finding_id}"
    try:
        expiry = date.fromisoformat(expires_on) if expires_on.strip() else None
    except ValueError:
        return redirect(back, f"Not saved: {expires_on!r} is not a date (YYYY-MM-DD).")
    try:
        with services.database.writer() as session:
            if action == "clear":
                clear_triage(session, viewer.who, inspection_id, finding_id)
                message = "Triage cleared."
            else:
                made = set_triage(session, viewer.who, inspection_id, finding_id, status,
                                  reason, expiry)
                message = f"Finding marked {made.status.value}."
    except (Invalid, Conflict) as refused:
        return redirect(back, f"Not saved: {refused}")
    return redirect(back, message)
