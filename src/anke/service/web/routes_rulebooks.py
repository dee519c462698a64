"""The rulebook pages: every shipped rulebook, and one rulebook's timeline and versions."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from anke.rulebooks.lifecycle import resolve
from anke.rulebooks.loader import shipped_rulebooks
from anke.service.api.deps import ServicesDep, authorize
from anke.service.db.base import utcnow
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import render
from anke.service.web.timeline import source_titles, timeline, version_facts

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


@router.get("/rulebooks")
def rulebooks_page(request: Request, viewer: ViewerDep, services: ServicesDep) -> Response:
    """Every shipped rulebook with the version in force today."""
    authorize(services, viewer.who, "rulebook.read")
    today = utcnow().date()
    rows = [{"loaded": loaded, "resolution": resolve(loaded, today),
             "versions": len(loaded.rulebook.versions)}
            for _, loaded in sorted(shipped_rulebooks().items())]
    return render(request, "rulebooks.html", {"rows": rows, "today": today})


@router.get("/rulebooks/{rulebook_id}")
def rulebook_page(rulebook_id: str, request: Request, viewer: ViewerDep,
                  services: ServicesDep) -> Response:
    """One rulebook: its versions' timeline, standings, controls and targets."""
    authorize(services, viewer.who, "rulebook.read")
    loaded = shipped_rulebooks().get(rulebook_id)
    if loaded is None:
        raise HTTPException(404, f"no rulebook {rulebook_id!r}")
    today = utcnow().date()
    return render(request, "rulebook.html", {
        "rulebook": loaded.rulebook, "resolution": resolve(loaded, today),
        "timeline": timeline(loaded, today), "versions": version_facts(loaded, today),
        "sources": source_titles(loaded), "today": today})
