"""The approved-products lists: publishing, removing, and the list as of a date.

Thin wrappers over ``service.listings``, shared with the web pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from anke.service.api.deps import ServicesDep, Who, authorize, http_refusals
from anke.service.api.schemas_evaluations import (
    ListedOut,
    ListingIn,
    ListingOut,
    ListPage,
    RemovalIn,
    listed_out,
)
from anke.service.db.evaluations import Listing
from anke.service.listings import listings_as_of, publish, remove

router = APIRouter(prefix="/api", tags=["listings"])


@router.post("/listings", response_model=ListingOut, status_code=201)
def publish_listing(body: ListingIn, who: Who, services: ServicesDep) -> Listing:
    """List a signed, passing evaluation's product version on its rulebook version's list
    from ``listed_on``; 409 otherwise."""
    with http_refusals(), services.database.writer() as session:
        return publish(session, who, body.evaluation_id, body.listed_on)


@router.post("/listings/{listing_id}/removal", response_model=ListingOut)
def remove_listing(listing_id: int, body: RemovalIn, who: Who,
                   services: ServicesDep) -> Listing:
    """Remove a listing from ``removed_on`` (not before it was listed), for a reason."""
    with http_refusals(), services.database.writer() as session:
        return remove(session, who, listing_id, body.removed_on, body.reason)


@router.get("/rulebooks/{rulebook_id}/versions/{version}/listings",
            response_model=ListPage)
def list_as_of(rulebook_id: str, version: str, who: Who, services: ServicesDep,
               as_of: dt.date | None = None, include_removed: bool = False,
               limit: Annotated[int, Query(ge=1, le=1000)] = 500,
               offset: Annotated[int, Query(ge=0)] = 0) -> ListPage:
    """The list as it stood on ``as_of`` (default today); ``include_removed`` adds the
    entries removed by then, with their dates and reasons."""
    authorize(services, who, "listing.read")
    day = as_of or dt.date.today()
    with http_refusals(), services.database.reader() as session:
        entries: list[ListedOut] = [listed_out(entry) for entry in listings_as_of(
            session, rulebook_id, version, day, include_removed, limit, offset)]
    return ListPage(rulebook=rulebook_id, version=version, as_of=day,
                    include_removed=include_removed, entries=entries)
