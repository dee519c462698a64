"""The shipped rulebooks: their versions, lifecycle events and standing today, and each
version's categories, controls and targets.

The bodies are built from ``shipped_rulebooks()`` (loaded once per process) by
:func:`rulebook_summary` and :func:`rulebook_detail`, which the web pages use too.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException

from anke.rulebooks.lifecycle import resolve, standing_of
from anke.rulebooks.loader import LoadedRulebook, ResolvedVersion, shipped_rulebooks
from anke.service.api.deps import ServicesDep, Who, authorize
from anke.service.api.schemas_evaluations import (
    CategoryOut,
    ControlOut,
    EventOut,
    RulebookDetail,
    RulebookOut,
    RulebookVersionDetail,
    RulebookVersionOut,
    TargetOut,
)

router = APIRouter(prefix="/api", tags=["rulebooks"])


def _version(resolved: ResolvedVersion, today: dt.date) -> RulebookVersionOut:
    version = resolved.version
    standing, since, _ = standing_of(version, today)
    return RulebookVersionOut(
        version=version.version, title=version.title, hypothetical=version.hypothetical,
        based_on=version.based_on, standing=standing.value, since=since,
        events=[EventOut(type=event.type.value, date=event.date, note=event.note,
                         unverified=event.unverified) for event in version.events])


def _detail(resolved: ResolvedVersion, today: dt.date) -> RulebookVersionDetail:
    controls = [ControlOut(
        id=control.id, title=control.title, severity=control.severity.value,
        categories=list(control.categories), levels=list(control.levels),
        checks=[check.type for check in control.checks],
        applies_from=control.applies.start if control.applies else None,
        applies_until=control.applies.end if control.applies else None)
        for control in resolved.controls]
    targets = [TargetOut(year=target.year, share=target.share, basis=target.basis.value,
                         categories=list(target.categories), scope=target.scope,
                         unverified=target.unverified, note=target.note)
               for target in resolved.targets]
    return RulebookVersionDetail(**_version(resolved, today).model_dump(),
                                 note=resolved.version.note, controls=controls,
                                 targets=targets)


def rulebook_summary(loaded: LoadedRulebook, today: dt.date) -> RulebookOut:
    """A rulebook, its versions with their events, and each version's standing today."""
    book = loaded.rulebook
    return RulebookOut(id=book.id, title=book.title, issuer=book.issuer,
                       jurisdiction=book.jurisdiction, summary=book.summary, today=today,
                       in_force=resolve(loaded, today).message,
                       versions=[_version(item, today) for item in loaded.versions()])


def rulebook_detail(loaded: LoadedRulebook, today: dt.date) -> RulebookDetail:
    """A rulebook with its categories and every version's controls and targets."""
    summary = rulebook_summary(loaded, today).model_dump(exclude={"versions"})
    book = loaded.rulebook
    return RulebookDetail(
        **summary, levels=list(book.levels),
        categories=[CategoryOut(id=item.id, title=item.title) for item in book.categories],
        versions=[_detail(item, today) for item in loaded.versions()])


@router.get("/rulebooks", response_model=list[RulebookOut])
def list_rulebooks(who: Who, services: ServicesDep) -> list[RulebookOut]:
    """Every shipped rulebook with its versions, events and standing today."""
    authorize(services, who, "rulebook.read")
    today = dt.date.today()
    return [rulebook_summary(loaded, today) for _, loaded in sorted(shipped_rulebooks().items())]


@router.get("/rulebooks/{rulebook_id}", response_model=RulebookDetail)
def get_rulebook(rulebook_id: str, who: Who, services: ServicesDep) -> RulebookDetail:
    """One rulebook: versions, events, categories, and each version's controls and
    targets (inheritance applied)."""
    authorize(services, who, "rulebook.read")
    loaded = shipped_rulebooks().get(rulebook_id)
    if loaded is None:
        raise HTTPException(404, f"no rulebook {rulebook_id!r}")
    return rulebook_detail(loaded, dt.date.today())
