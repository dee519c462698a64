"""The server-rendered web pages (Jinja2): readable without JavaScript, offline, and
deciding access through the same policy as the API.

``router`` holds every page; ``STATIC`` is the directory served at ``/static``.
"""

from __future__ import annotations

from fastapi import APIRouter

from anke.service.web import (
    routes_attestations,
    routes_evaluations,
    routes_home,
    routes_inspections,
    routes_listings,
    routes_portfolio,
    routes_products,
    routes_rulebooks,
    routes_session,
    routes_whatif,
)
from anke.service.web.guard import PageRoute
from anke.service.web.render import STATIC

router = APIRouter(route_class=PageRoute, include_in_schema=False)
for _module in (routes_session, routes_home, routes_products, routes_inspections,
                routes_rulebooks, routes_evaluations, routes_attestations, routes_listings,
                routes_portfolio, routes_whatif):
    router.include_router(_module.router)

__all__ = ["STATIC", "PageRoute", "router"]
