"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from anke import __version__
from anke.service.api import routes_admin, routes_auth, routes_products, routes_submissions
from anke.service.runtime import Services


def create_app(services: Services) -> FastAPI:
    """The application over ``services`` (its routes, and the OpenAPI document)."""
    app = FastAPI(title="anke", version=__version__,
                  description="Vendors submit, inspectors triage and sign, banks track "
                              "their IT portfolio against targets.")
    app.state.services = services
    for module in (routes_auth, routes_admin, routes_products, routes_submissions):
        app.include_router(module.router)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    return app
