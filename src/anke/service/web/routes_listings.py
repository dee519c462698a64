"""The approved-products list of a rulebook version as it stood on a date, with removals, and
the inspectors' removal form (through ``anke.service.listings``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response

from anke.service.api.deps import ServicesDep, authorize
from anke.service.api.owned import owned
from anke.service.db.base import utcnow
from anke.service.db.evaluations import Listing
from anke.service.listings import listings_as_of, remove
from anke.service.refusals import Conflict, Invalid
from anke.service.web.choices import (
    Text,
    pick_rulebook,
    pick_version,
    rulebook_options,
    version_options,
)
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import local_path, redirect, render
from anke.service.web.routes_evaluations import parse_date

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
PAGE = 200


@router.get("/listings")
def listings_page(request: Request, viewer: ViewerDep, services: ServicesDep,
                  rulebook: Text = None, version: Text = None, as_of: date | None = None,
                  removed: Annotated[int, Query(ge=0, le=1)] = 1,
                  offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """The list of ``rulebook@version`` on ``as_of`` (default today), with the removals
    made by then unless ``removed=0``."""
    who = viewer.who
    authorize(services, who, "listing.read")
    day = as_of or utcnow().date()
    options = rulebook_options()
    chosen = pick_rulebook(rulebook, options)
    named = pick_version(chosen, version, day)
    with services.database.reader() as session:
        entries = listings_as_of(session, chosen, named, day, bool(removed), PAGE + 1, offset)
    query = {"rulebook": chosen, "version": named, "as_of": day.isoformat(),
             "removed": removed}
    return render(request, "listings.html", {
        "rulebooks": options, "rulebook": chosen, "versions": version_options(chosen, day),
        "version": named, "as_of": day, "removed": removed,
        "entries": entries[:PAGE], "listed": sum(1 for e in entries[:PAGE] if e.listed),
        "more": len(entries) > PAGE, "offset": offset, "page": PAGE,
        "here": "/listings?" + urlencode({**query, "offset": offset}),
        "base": "/listings?" + urlencode(query),
        "can_remove": services.policy.allows(who, "listing.publish"),
        "can_open": services.policy.reaches_all(who, "product.read"),
        "today": utcnow().date()})


@router.post("/listings/{listing_id}/removal")
def removal(listing_id: int, viewer: ViewerDep, services: ServicesDep,
            removed_on: Annotated[str, Form(max_length=10)] = "",
            reason: Annotated[str, Form(max_length=2000)] = "",
            back: Annotated[str, Form(max_length=2000)] = "/listings") -> Response:
    """Take a listing off its list from a date, for a reason."""
    back = local_path(back)
    owned(services, viewer.who, Listing, listing_id, "listing.publish")
    try:
        day = parse_date(removed_on, "removed on")
        if day is None:
            raise Invalid("removed on: give the date of the removal")
        with services.database.writer() as session:
            done: Listing = remove(session, viewer.who, listing_id, day, reason)
            message = f"Listing {done.id} removed from {day}."
    except (Invalid, Conflict) as refused:
        return redirect(back, f"Not removed: {refused}")
    return redirect(back, message)
