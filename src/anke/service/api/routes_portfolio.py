"""A bank's assets, its portfolio against the rulebook's targets, replacements and what-if.

Thin wrappers over ``anke.service.portfolio``: a bank reads and changes its own assets; an
inspector reads any bank's (``?bank_id=``).  Every change is audited.  Replacements assume
that replacing an asset costs exactly its recorded spend and turns it passing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from anke.service.access.policy import Principal
from anke.service.api.deps import ServicesDep, Who, authorize, http_refusals
from anke.service.api.owned import load_owned, owned
from anke.service.api.routes_auth import actor
from anke.service.api.schemas_portfolio import (
    AssetBatch,
    AssetIn,
    AssetOut,
    AssetPatch,
    MetricsOut,
    ReplacementsOut,
    WhatIfOut,
)
from anke.service.audit.chain import record
from anke.service.db.portfolio import Asset
from anke.service.db.tenancy import Organisation, OrgKind
from anke.service.portfolio.assets import add_assets, change_asset, list_assets
from anke.service.portfolio.metrics import portfolio_metrics
from anke.service.portfolio.replacements import replacements
from anke.service.portfolio.whatif import whatif
from anke.service.runtime import Services

router = APIRouter(prefix="/api", tags=["portfolio"])

BankId = Annotated[int | None, Query(description="whose portfolio (an inspector must give "
                                                 "it; a bank sees only its own)")]
AsOf = Annotated[date | None, Query(description="the date (default: today)")]
Rulebook = Annotated[str, Query(min_length=1, max_length=64, description="a rulebook id")]
Limit = Annotated[int, Query(ge=1, le=10_000)]


def _bank(services: Services, who: Principal, bank_id: int | None, action: str) -> int:
    """The bank asked about (the caller's own by default), once ``who`` may ``action`` it."""
    if bank_id is None:
        authorize(services, who, action)
        bank_id = who.org_id
        with services.database.reader() as session:
            org = session.get(Organisation, bank_id)
        if org is None or org.kind is not OrgKind.BANK:
            raise HTTPException(400, "give bank_id: your organisation is not a bank")
        return bank_id
    authorize(services, who, action, bank_id)
    with services.database.reader() as session:
        org = session.get(Organisation, bank_id)
    if org is None or org.kind is not OrgKind.BANK:
        raise HTTPException(404, "not found")
    return bank_id


@router.get("/assets", response_model=list[AssetOut])
def get_assets(who: Who, services: ServicesDep, bank_id: BankId = None,
               category: Annotated[str | None, Query(max_length=64)] = None,
               version_id: int | None = None, limit: Limit = 1000,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[Asset]:
    """A bank's assets in id order (an inspector without ``bank_id``: every bank's)."""
    if bank_id is None and services.policy.reaches_all(who, "asset.read"):
        owner = None
    else:
        owner = _bank(services, who, bank_id, "asset.read")
    with services.database.reader() as session:
        return list_assets(session, owner, limit=limit, offset=offset, category=category,
                           version_id=version_id)


@router.post("/assets", response_model=AssetOut | list[AssetOut], status_code=201)
def post_assets(body: AssetIn | AssetBatch, who: Who,
                services: ServicesDep) -> Asset | list[Asset]:
    """New assets of the caller's bank: one asset, or a list of up to 10,000."""
    authorize(services, who, "asset.write", who.org_id)
    rows = body if isinstance(body, list) else [body]
    with http_refusals(), services.database.writer() as session:
        org = session.get(Organisation, who.org_id)
        if org is None or org.kind is not OrgKind.BANK:
            raise HTTPException(403, "only a bank has assets")
        assets = add_assets(session, who.org_id, [row.model_dump() for row in rows])
        ids = [asset.id for asset in assets]
        detail: dict[str, object] = {"count": len(ids), "first_id": ids[0], "last_id": ids[-1]}
        if len(rows) == 1:
            detail["asset"] = rows[0].model_dump(mode="json")
        record(session, actor(who), "asset.create", f"bank:{who.org_id}", detail)
    return assets if isinstance(body, list) else assets[0]


@router.get("/assets/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: int, who: Who, services: ServicesDep) -> Asset:
    """One asset."""
    return owned(services, who, Asset, asset_id, "asset.read")


@router.patch("/assets/{asset_id}", response_model=AssetOut)
def patch_asset(asset_id: int, body: AssetPatch, who: Who, services: ServicesDep) -> Asset:
    """Change an asset of the caller's bank (only the fields given)."""
    changes = body.model_dump(exclude_unset=True)
    for key in ("name", "category", "quantity", "spend", "in_service_since"):
        if key in changes and changes[key] is None:
            raise HTTPException(422, f"{key} cannot be null")
    with http_refusals(), services.database.writer() as session:
        asset, owner = load_owned(session, Asset, asset_id)
        authorize(services, who, "asset.write", owner)
        change_asset(session, asset, changes)
        record(session, actor(who), "asset.change", f"asset:{asset_id}",
               body.model_dump(mode="json", exclude_unset=True))
        return asset


@router.delete("/assets/{asset_id}", status_code=204)
def delete_asset(asset_id: int, who: Who, services: ServicesDep) -> Response:
    """Remove an asset of the caller's bank."""
    with services.database.writer() as session:
        asset, owner = load_owned(session, Asset, asset_id)
        authorize(services, who, "asset.write", owner)
        record(session, actor(who), "asset.delete", f"asset:{asset_id}",
               {"name": asset.name, "version_id": asset.version_id,
                "category": asset.category, "quantity": asset.quantity,
                "spend": str(asset.spend)})
        session.delete(asset)
    return Response(status_code=204)


@router.get("/portfolio", response_model=MetricsOut)
def get_portfolio(who: Who, services: ServicesDep, rulebook: Rulebook,
                  version: Annotated[str | None, Query(max_length=64)] = None,
                  as_of: AsOf = None, bank_id: BankId = None) -> MetricsOut:
    """The passing share by count and by spend, per category and in total, against the
    version's yearly targets, with the per-year series (``version`` defaults to the one in
    force on ``as_of``; verdicts come from its approved-products list)."""
    bank = _bank(services, who, bank_id, "asset.read")
    with http_refusals(), services.database.reader() as session:
        metrics = portfolio_metrics(session, bank, rulebook, version, as_of or date.today())
    return MetricsOut.model_validate(metrics)


@router.get("/portfolio/replacements", response_model=ReplacementsOut)
def get_replacements(who: Who, services: ServicesDep, rulebook: Rulebook,
                     version: Annotated[str | None, Query(max_length=64)] = None,
                     as_of: AsOf = None, bank_id: BankId = None,
                     limit: Limit = 1000) -> ReplacementsOut:
    """The assets whose replacement reaches the next unmet target at the least spend.
    Assumption: replacing an asset costs exactly its recorded spend and turns it passing."""
    bank = _bank(services, who, bank_id, "asset.read")
    with http_refusals(), services.database.reader() as session:
        picked = replacements(session, bank, rulebook, version, as_of or date.today(), limit)
    return ReplacementsOut.model_validate(picked)


@router.get("/portfolio/whatif", response_model=WhatIfOut)
def get_whatif(who: Who, services: ServicesDep, rulebook: Rulebook,
               draft: Annotated[str, Query(min_length=1, max_length=64)],
               version: Annotated[str | None, Query(max_length=64)] = None,
               as_of: AsOf = None, bank_id: BankId = None,
               limit: Limit = 1000) -> WhatIfOut:
    """The portfolio under the version in force (or ``version``) and under ``draft``: both
    metrics, the product versions whose verdict changes, the change per category, and the
    assets concerned (at most ``limit``)."""
    bank = _bank(services, who, bank_id, "asset.read")
    with http_refusals(), services.database.reader() as session:
        result = whatif(session, bank, rulebook, draft, as_of or date.today(), version, limit)
    return WhatIfOut.model_validate(result)
