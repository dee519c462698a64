"""The what-if page: a bank's portfolio under the rulebook version in force (from its
approved-products list) beside the same portfolio under a draft or hypothetical version
(each product version's latest inspection judged under it), per category, with the product
versions whose verdict changes and the assets concerned."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from anke.service.api.deps import ServicesDep
from anke.service.db.base import utcnow
from anke.service.portfolio.whatif import whatif
from anke.service.refusals import Invalid
from anke.service.web.banks import bank_for, bank_options
from anke.service.web.choices import (
    Text,
    draft_options,
    pick_rulebook,
    pick_version,
    rulebook_options,
    version_options,
)
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import render
from anke.service.web.routes_portfolio import bank_name

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
ASSETS_SHOWN = 200


@router.get("/portfolio/whatif")
def whatif_page(request: Request, viewer: ViewerDep, services: ServicesDep,
                rulebook: Text = None, draft: Text = None, version: Text = None,
                as_of: date | None = None, bank_id: int | None = None) -> Response:
    """The portfolio under ``version`` (default: in force on ``as_of``, else the last in
    force) and under ``draft`` (default: the rulebook's first draft or hypothetical)."""
    who = viewer.who
    bank = bank_for(services, who, bank_id)
    if bank is None:
        return render(request, "portfolio_pick.html", {"banks": bank_options(services),
                                                       "action": "/portfolio/whatif"})
    day = as_of or utcnow().date()
    options = rulebook_options(with_targets=True)
    chosen = pick_rulebook(rulebook, options)
    baseline = pick_version(chosen, version, day)
    drafts = draft_options(chosen, day, baseline)
    if draft and draft not in {option.value for option in drafts}:
        pick_version(chosen, draft, day)  # 404 for an unknown version
    picked = draft or (drafts[0].value if drafts else None)
    context: dict[str, Any] = {
        "bank": bank_name(services, bank), "bank_id": bank_id, "rulebooks": options,
        "rulebook": chosen, "versions": version_options(chosen, day), "version": baseline,
        "drafts": drafts, "draft": picked, "as_of": day, "result": None}
    query: dict[str, Any] = {"rulebook": chosen, "version": baseline, "as_of": day.isoformat()}
    if bank_id is not None:
        query["bank_id"] = bank_id
    context["back"] = "/portfolio?" + urlencode(query)
    if picked is None:
        return render(request, "whatif.html", context)
    if picked == baseline:
        raise Invalid("the draft must differ from the version it is compared with")
    with services.database.reader() as session:
        context["result"] = whatif(session, bank, chosen, picked, day, baseline, ASSETS_SHOWN)
    return render(request, "whatif.html", context)
