"""Evaluations on the web: the form that judges a version, the evaluation page (verdict per
control, signature and its check), the sign button and the "list it" form.

Everything goes through ``anke.service.evaluations`` and ``anke.service.listings`` (policy,
audit, refusals), as the API does.  A reader who may not see findings (a bank, an
administrator) gets the redacted result: verdicts and per-control summaries, never code.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy import select

from anke.service.api.deps import ServicesDep
from anke.service.db.base import utcnow
from anke.service.db.evaluations import Listing
from anke.service.db.products import Product, ProductVersion
from anke.service.db.tenancy import User
from anke.service.evaluations import create_evaluation, evaluation_view, signature_of
from anke.service.evaluations import sign_evaluation as sign_it
from anke.service.listings import publish
from anke.service.refusals import Conflict, Invalid
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
FINDINGS_SHOWN = 500


def parse_date(text: str, field: str) -> date | None:
    """A form's ``YYYY-MM-DD`` (None when blank); :class:`Invalid` otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None


@router.post("/versions/{version_id}/evaluations")
def evaluate(version_id: int, viewer: ViewerDep, services: ServicesDep,
             rulebook: Annotated[str, Form(max_length=64)] = "",
             version: Annotated[str, Form(max_length=64)] = "",
             as_of: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Judge the version's latest finished inspection against a rulebook as of a date."""
    back = f"/versions/{version_id}#evaluations"
    try:
        day = parse_date(as_of, "as of") or utcnow().date()
        with services.database.writer() as session:
            made = create_evaluation(session, viewer.who, version_id, rulebook.strip(),
                                     version.strip() or None, day)
            made_id, overall = made.id, made.overall
    except (Invalid, Conflict) as refused:
        return redirect(back, f"Not saved: {refused}")
    return redirect(f"/evaluations/{made_id}", f"Evaluated: {overall}.")


def _finding_rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for finding in (result.get("findings") or [])[:FINDINGS_SHOWN]:
        if isinstance(finding, dict) and "id" in finding:
            rows[str(finding["id"])] = finding
    return rows


@router.get("/evaluations/{evaluation_id}")
def evaluation_page(evaluation_id: int, request: Request, viewer: ViewerDep,
                    services: ServicesDep) -> Response:
    """An evaluation: verdict per control, the rulebook version and date, the inspection,
    the signature (with its check recomputed) and, for inspectors, sign and list forms."""
    who = viewer.who
    with services.database.reader() as session:
        view = evaluation_view(session, who, evaluation_id)
        evaluation = view.evaluation
        product_version = session.get(ProductVersion, evaluation.version_id)
        assert product_version is not None
        product = session.get(Product, product_version.product_id)
        signature = signature_of(session, who, evaluation_id)
        signer = (session.get(User, evaluation.signed_by)
                  if evaluation.signed_by is not None else None)
        listings = session.execute(select(Listing).where(
            Listing.evaluation_id == evaluation_id).order_by(Listing.id)).scalars().all()
    owner = product.vendor_id if product is not None else who.org_id
    allows = services.policy.allows
    result = view.result
    return render(request, "evaluation.html", {
        "evaluation": evaluation, "version": product_version, "product": product,
        "result": result, "redacted": view.redacted, "counts": view.counts,
        "controls": result.get("controls") or [],
        "excluded": result.get("excluded") or [],
        "findings": _finding_rows(result), "hidden": (result.get("redacted") or {}),
        "signature": signature, "signer": signer.email if signer else None,
        "listings": listings,
        "can_sign": allows(who, "evaluation.sign", owner) and not signature.signed,
        "can_list": allows(who, "listing.publish", owner) and signature.signed
        and evaluation.overall == "pass",
        "can_see_inspection": allows(who, "product.read", owner),
        "today": utcnow().date()})


@router.post("/evaluations/{evaluation_id}/signature")
def sign(evaluation_id: int, viewer: ViewerDep, services: ServicesDep) -> Response:
    """Sign the evaluation with the inspector's key (once)."""
    back = f"/evaluations/{evaluation_id}"
    try:
        with services.database.writer() as session:
            sign_it(session, services.keys, viewer.who, evaluation_id)
    except Conflict as refused:
        return redirect(back, f"Not signed: {refused}")
    return redirect(back, "Signed.")


@router.post("/evaluations/{evaluation_id}/listings")
def list_it(evaluation_id: int, viewer: ViewerDep, services: ServicesDep,
            listed_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Put a signed, passing evaluation's version on its rulebook version's list."""
    back = f"/evaluations/{evaluation_id}"
    try:
        day = parse_date(listed_on, "listed on") or utcnow().date()
        with services.database.writer() as session:
            listing = publish(session, viewer.who, evaluation_id, day)
            where = (listing.rulebook, listing.rulebook_version)
    except (Invalid, Conflict) as refused:
        return redirect(back, f"Not listed: {refused}")
    query = urlencode({"rulebook": where[0], "version": where[1], "as_of": day.isoformat()})
    return redirect(f"/listings?{query}", f"Listed from {day}.")
