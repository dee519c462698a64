"""Triage of findings: thin routes over :mod:`anke.service.triage`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from anke.service.api.deps import ServicesDep, Who, http_refusals
from anke.service.api.schemas_triage import TriageIn, TriageOut, TriagePage, triage_out
from anke.service.triage import clear_triage, product_triage, set_triage

router = APIRouter(prefix="/api", tags=["triage"])
_FINDING = "/inspections/{inspection_id}/findings/{finding_id}/triage"


@router.put(_FINDING, response_model=TriageOut)
def put_triage(inspection_id: int, finding_id: int, body: TriageIn, who: Who,
               services: ServicesDep) -> TriageOut:
    """Decide on a finding; the decision holds for every version of the product."""
    with http_refusals(), services.database.writer() as session:
        triage = set_triage(session, who, inspection_id, finding_id, body.status,
                            body.reason, body.expires_on)
        return triage_out(triage)


@router.delete(_FINDING, status_code=204)
def delete_triage(inspection_id: int, finding_id: int, who: Who,
                  services: ServicesDep) -> None:
    """Clear the decision on a finding (for every version of the product)."""
    with http_refusals(), services.database.writer() as session:
        clear_triage(session, who, inspection_id, finding_id)


@router.get("/products/{product_id}/triage", response_model=TriagePage)
def list_triage(product_id: int, who: Who, services: ServicesDep,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0)] = 0) -> TriagePage:
    """The decisions on a product's findings, newest first."""
    with http_refusals(), services.database.reader() as session:
        page = product_triage(session, who, product_id, limit, offset)
        return TriagePage(total=page.total, items=[triage_out(item) for item in page.items])
