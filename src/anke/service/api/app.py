"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from anke import __version__
from anke.service.api import (
    routes_admin,
    routes_attestations,
    routes_auth,
    routes_evaluations,
    routes_listings,
    routes_portfolio,
    routes_products,
    routes_rulebooks,
    routes_submissions,
    routes_triage,
)
from anke.service.runtime import Services
from anke.service.web import STATIC
from anke.service.web import router as web_router


def create_app(services: Services) -> FastAPI:
    """The application over ``services`` (its routes, and the OpenAPI document)."""
    app = FastAPI(title="anke", version=__version__,
                  description="Vendors submit, inspectors triage and sign, banks track "
                              "their IT portfolio against targets.")
    app.state.services = services
    for module in (routes_auth, routes_admin, routes_products, routes_submissions,
                   routes_triage, routes_attestations, routes_evaluations, routes_listings,
                   routes_rulebooks, routes_portfolio):
        app.include_router(module.router)
    app.include_router(web_router)  # the web pages (not in the OpenAPI document)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
