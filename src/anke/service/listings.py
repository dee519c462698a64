"""The approved-products list of a rulebook version: publishing, removing, and the list as of
a date.

Only a signed evaluation whose overall verdict is ``pass`` can put a product version on the
list of the rulebook version it was judged under.  A listing is removed with a date and a
reason, never deleted, so the list can be shown as it stood on any date: a version is on it
on day D when it was listed on or before D and not removed on or before D.

The API routes and the web pages both call these functions; they raise
:class:`~anke.service.refusals.Refused` errors that carry their HTTP status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from anke.evaluation.result import Overall
from anke.rulebooks.loader import UnknownRulebook
from anke.service.access.policy import Principal
from anke.service.api.owned import owner_of
from anke.service.audit.chain import Actor, record
from anke.service.db.evaluations import Evaluation, Listing
from anke.service.db.products import Product, ProductVersion
from anke.service.db.tenancy import Organisation
from anke.service.evaluations import rulebook_named
from anke.service.refusals import Conflict, Invalid, NotFound, require

REASON_MAX = 2000


def _actor(who: Principal) -> Actor:
    return Actor(who.user_id, who.email, who.org_id)


def publish(session: Session, who: Principal, evaluation_id: int,
            listed_on: dt.date) -> Listing:
    """Put an evaluation's product version on its rulebook version's list; audited.

    409 unless the evaluation is signed and passes, or while the version is already listed
    (not removed) on that list.
    """
    evaluation = session.get(Evaluation, evaluation_id)
    if evaluation is None:
        raise NotFound("not found")
    require(who, "listing.publish", owner_of(evaluation))
    if evaluation.signature is None:
        raise Conflict(f"evaluation {evaluation_id} is not signed")
    if evaluation.overall != Overall.PASS.value:
        raise Conflict(f"evaluation {evaluation_id} does not pass (overall "
                       f"{evaluation.overall})")
    listed = session.execute(select(Listing.id).where(
        Listing.rulebook == evaluation.rulebook,
        Listing.rulebook_version == evaluation.rulebook_version,
        Listing.version_id == evaluation.version_id,
        or_(Listing.removed_on.is_(None), Listing.removed_on > listed_on))).first()
    if listed is not None:
        raise Conflict(f"version {evaluation.version_id} is already on the "
                       f"{evaluation.rulebook}@{evaluation.rulebook_version} list "
                       f"(listing {listed[0]})")
    listing = Listing(rulebook=evaluation.rulebook,
                      rulebook_version=evaluation.rulebook_version,
                      version_id=evaluation.version_id, evaluation_id=evaluation.id,
                      listed_on=listed_on, removal_reason="", published_by=who.user_id)
    session.add(listing)
    session.flush()
    record(session, _actor(who), "listing.publish", f"listing:{listing.id}",
           {"evaluation": evaluation.id, "version": evaluation.version_id,
            "rulebook": listing.rulebook, "rulebook_version": listing.rulebook_version,
            "listed_on": listed_on.isoformat()})
    return listing


def remove(session: Session, who: Principal, listing_id: int, removed_on: dt.date,
           reason: str) -> Listing:
    """Take a listing off its list from ``removed_on``, for a stated reason; audited."""
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("not found")
    require(who, "listing.publish", owner_of(listing))
    reason = reason.strip()
    if not reason:
        raise Invalid("a removal needs a reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"the reason is longer than {REASON_MAX} characters")
    if listing.removed_on is not None:
        raise Conflict(f"listing {listing_id} was already removed on {listing.removed_on}")
    if removed_on < listing.listed_on:
        raise Invalid(f"removed_on {removed_on} is before listed_on {listing.listed_on}")
    listing.removed_on = removed_on
    listing.removal_reason = reason
    session.flush()
    record(session, _actor(who), "listing.remove", f"listing:{listing.id}",
           {"removed_on": removed_on.isoformat(), "reason": reason})
    return listing


@dataclass(frozen=True)
class ListedProduct:
    """One entry of a list as of a date (``removed_on`` set for a removal shown with it)."""

    listing_id: int
    evaluation_id: int
    version_id: int
    vendor: str
    product: str
    version: str
    category: str
    listed_on: dt.date
    removed_on: dt.date | None
    removal_reason: str

    @property
    def listed(self) -> bool:
        """On the list on the date asked about (not a removal)."""
        return self.removed_on is None


def listings_as_of(session: Session, rulebook: str, version: str, as_of: dt.date,
                   include_removed: bool = False, limit: int = 500,
                   offset: int = 0) -> list[ListedProduct]:
    """A rulebook version's list as it stood on ``as_of``, by vendor, product and version;
    with ``include_removed`` also the entries removed on or before that date.

    A removal after ``as_of`` is not known yet on that date, so such an entry is shown
    as listed (``removed_on`` None).  Raises :class:`NotFound` for an unknown rulebook or
    version.
    """
    try:
        rulebook_named(rulebook).resolve(version)
    except (UnknownRulebook, Invalid) as exc:
        raise NotFound(str(exc)) from None
    wanted = [Listing.rulebook == rulebook, Listing.rulebook_version == version,
              Listing.listed_on <= as_of]
    if not include_removed:
        wanted.append(or_(Listing.removed_on.is_(None), Listing.removed_on > as_of))
    rows = session.execute(
        select(Listing, ProductVersion.version, Product.name, Product.category,
               Organisation.name)
        .join(ProductVersion, Listing.version_id == ProductVersion.id)
        .join(Product, ProductVersion.product_id == Product.id)
        .join(Organisation, Product.vendor_id == Organisation.id)
        .where(*wanted)
        .order_by(Organisation.name, Product.name, ProductVersion.version, Listing.listed_on,
                  Listing.id)
        .limit(limit).offset(offset)).all()
    out: list[ListedProduct] = []
    for listing, version_name, product, category, vendor in rows:
        removed = listing.removed_on is not None and listing.removed_on <= as_of
        out.append(ListedProduct(
            listing.id, listing.evaluation_id, listing.version_id, vendor, product,
            version_name, category, listing.listed_on,
            listing.removed_on if removed else None,
            listing.removal_reason if removed else ""))
    return out
