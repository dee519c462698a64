"""A bank's portfolio page: the passing share against the targets (headline, per category,
per-year chart and table), the cheapest replacements that reach the next target, the assets
a page at a time, and the bank's add-asset form.

The numbers come from ``anke.service.portfolio`` (verdicts from the approved-products list
of the rulebook version); this module only chooses what to ask and lays it out.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import select

from anke.service.api.deps import ServicesDep, authorize
from anke.service.api.routes_auth import actor
from anke.service.api.schemas_portfolio import ASSUMPTION, AssetIn
from anke.service.audit.chain import record
from anke.service.db.base import utcnow
from anke.service.db.products import Product, ProductVersion
from anke.service.db.tenancy import Organisation
from anke.service.portfolio.assets import add_assets, describe, list_assets
from anke.service.portfolio.assets import rulebook_categories as known_categories
from anke.service.portfolio.metrics import portfolio_state
from anke.service.portfolio.replacements import replacements_for
from anke.service.refusals import Invalid, NotFound
from anke.service.runtime import Services
from anke.service.web.banks import bank_for, bank_options
from anke.service.web.chart import share_chart
from anke.service.web.choices import (
    Text,
    pick_rulebook,
    pick_version,
    rulebook_options,
    version_options,
)
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
PAGE = 50
REPLACEMENTS_SHOWN = 100
VERSIONS_OFFERED = 500


def bank_name(services: Services, bank_id: int) -> str:
    """The bank's name."""
    with services.database.reader() as session:
        org = session.get(Organisation, bank_id)
    return org.name if org is not None else str(bank_id)


def version_choices(services: Services) -> list[dict[str, Any]]:
    """Product versions a bank can say an asset runs (by product name, bounded)."""
    with services.database.reader() as session:
        rows = session.execute(
            select(ProductVersion.id, Product.name, ProductVersion.version, Product.category)
            .join(Product, ProductVersion.product_id == Product.id)
            .order_by(Product.name, ProductVersion.version).limit(VERSIONS_OFFERED)).all()
    return [{"id": vid, "label": f"{name} {version} ({category})"}
            for vid, name, version, category in rows]


@router.get("/portfolio")
def portfolio_page(request: Request, viewer: ViewerDep, services: ServicesDep,
                   rulebook: Text = None, version: Text = None, as_of: date | None = None,
                   bank_id: int | None = None,
                   offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """The portfolio under ``rulebook@version`` (default: the version in force on
    ``as_of``, else the last one in force) as of ``as_of`` (default today)."""
    who = viewer.who
    bank = bank_for(services, who, bank_id)
    if bank is None:
        return render(request, "portfolio_pick.html", {"banks": bank_options(services),
                                                       "action": "/portfolio"})
    day = as_of or utcnow().date()
    options = rulebook_options(with_targets=True)
    chosen = pick_rulebook(rulebook, options)
    named = pick_version(chosen, version, day)
    with services.database.reader() as session:
        state = portfolio_state(session, bank, chosen, named, day)
        picked = replacements_for(session, state, REPLACEMENTS_SHOWN)
        page = list_assets(session, bank, limit=PAGE + 1, offset=offset)
        assets = describe(session, [asset.id for asset in page[:PAGE]])
    metrics = state.metrics
    query: dict[str, Any] = {"rulebook": chosen, "version": named, "as_of": day.isoformat()}
    if bank_id is not None:
        query["bank_id"] = bank_id
    can_write = services.policy.allows(who, "asset.write", bank) and bank == who.org_id
    return render(request, "portfolio.html", {
        "bank": bank_name(services, bank), "bank_id": bank_id,
        "rulebooks": options, "rulebook": chosen, "versions": version_options(chosen, day),
        "version": named, "as_of": day, "metrics": metrics, "chart": share_chart(metrics),
        "replacements": picked, "assumption": ASSUMPTION,
        "passing": state.verdicts.passing_on(day),
        "assets": assets, "offset": offset, "page": PAGE, "more": len(page) > PAGE,
        "base": "/portfolio?" + urlencode(query),
        "whatif": "/portfolio/whatif?" + urlencode(query),
        "can_write": can_write,
        "choices": version_choices(services) if can_write else [],
        "categories": sorted(known_categories()), "today": utcnow().date()})


@router.post("/portfolio/assets")
def asset_create(viewer: ViewerDep, services: ServicesDep,
                 name: Annotated[str, Form(max_length=200)] = "",
                 version_id: Annotated[str, Form(max_length=20)] = "",
                 category: Annotated[str, Form(max_length=64)] = "",
                 quantity: Annotated[str, Form(max_length=12)] = "1",
                 spend: Annotated[str, Form(max_length=24)] = "0",
                 in_service_since: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Add an asset to the viewer's bank (checked as the API checks it; audited)."""
    who = viewer.who
    authorize(services, who, "asset.write", who.org_id)
    bank_for(services, who, None)  # only a bank has assets
    back = "/portfolio"
    try:
        body = AssetIn.model_validate({
            "name": name.strip(), "version_id": version_id.strip() or None,
            "category": category.strip(), "quantity": quantity.strip() or "1",
            "spend": spend.strip() or "0", "in_service_since": in_service_since.strip()})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "form"
        return redirect(back, f"Not saved: {where}: {first.get('msg', 'not valid')}")
    try:
        with services.database.writer() as session:
            made = add_assets(session, who.org_id, [body.model_dump()])[0]
            record(session, actor(who), "asset.create", f"bank:{who.org_id}",
                   {"count": 1, "first_id": made.id, "last_id": made.id,
                    "asset": body.model_dump(mode="json")})
            made_name = made.name
    except (Invalid, NotFound) as refused:
        return redirect(back, f"Not saved: {refused}")
    return redirect(back + "#assets", f"Asset {made_name} added.")
