"""The dashboard: one page per role at ``/``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from anke.service.api.deps import ServicesDep, authorize
from anke.service.db.base import utcnow
from anke.service.db.tenancy import Role
from anke.service.web.dashboard import board
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
# what a role's dashboard reads, asked of the policy before it is shown
_NEEDS = {Role.VENDOR: "product.read", Role.INSPECTOR: "findings.read",
          Role.BANK: "asset.read", Role.ADMIN: "organisation.manage"}


@router.get("/")
def dashboard(request: Request, viewer: ViewerDep, services: ServicesDep) -> Response:
    """The signed-in person's dashboard."""
    who = viewer.who
    authorize(services, who, _NEEDS[who.role])
    today = utcnow().date()
    with services.database.reader() as session:
        data = board(session, who, today)
    if who.role is Role.ADMIN and not services.policy.allows(who, "audit.read"):
        data["audit"] = None
    return render(request, f"dashboard_{who.role.value}.html", {"board": data,
                                                                "today": today})
