"""Load one thing by id together with the organisation that owns it, and authorize.

Every tenant-owned table reaches its owner through a fixed path (a submission through its
version and product to the vendor); ``OWNER`` states each path once, so routes and pages
load a thing and check access in one call: ``owned(services, who, Submission, 7,
"submission.read")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

from anke.service.access.policy import Principal
from anke.service.api.deps import authorize
from anke.service.db.evaluations import Evaluation, Listing
from anke.service.db.inspections import Inspection
from anke.service.db.portfolio import Asset
from anke.service.db.products import Attestation, Product, ProductVersion, Submission
from anke.service.runtime import Services

T = TypeVar("T")

OWNER: dict[type[Any], Callable[[Any], int]] = {
    Product: lambda product: product.vendor_id,
    ProductVersion: lambda version: version.product.vendor_id,
    Submission: lambda submission: submission.version.product.vendor_id,
    Attestation: lambda attestation: attestation.version.product.vendor_id,
    Inspection: lambda inspection: inspection.submission.version.product.vendor_id,
    Evaluation: lambda evaluation: evaluation.version.product.vendor_id,
    Listing: lambda listing: listing.version.product.vendor_id,
    Asset: lambda asset: asset.bank_id,
}


def owner_of(thing: object) -> int:
    """The id of the organisation ``thing`` belongs to (inside an open session)."""
    return OWNER[type(thing)](thing)


def load_owned(session: Session, model: type[T], thing_id: int,
               options: Sequence[LoaderOption] = ()) -> tuple[T, int]:
    """The thing and its owner's id, in ``session``; 404 when there is no such thing."""
    thing = session.get(model, thing_id, options=list(options))
    if thing is None:
        raise HTTPException(404, "not found")
    return thing, owner_of(thing)


def owned(services: Services, who: Principal, model: type[T], thing_id: int, action: str,
          options: Sequence[LoaderOption] = ()) -> T:
    """The thing, if it exists and ``who`` may take ``action`` on it (else 404/403)."""
    with services.database.reader() as session:
        thing, owner = load_owned(session, model, thing_id, options)
    authorize(services, who, action, owner)
    return thing
