"""Seeding the demo into a service, through its own API, once.

The seed is a list of steps.  Each step runs when the routes it needs are served by this
build and the steps it depends on are done; otherwise it is skipped with a printed notice,
and a later run takes it up.  What is done (and the ids of what was made) is kept in the
data directory's ``demo.json``, so a second run only signs in and starts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from anke.service.api.app import create_app
from anke.service.demo import bank, decisions, inspections, people
from anke.service.demo.client import DemoApi
from anke.service.demo.context import Seeding
from anke.service.demo.fetch import Fetcher
from anke.service.demo.record import DemoRecord
from anke.service.demo.scenario import Scenario, load_scenario
from anke.service.runtime import Services

Routes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Step:
    """One step of the seed: what it needs, and what it does."""

    name: str
    routes: Routes
    after: tuple[str, ...]
    run: Callable[[Seeding], None]


STEPS = (
    Step("people", people.ROUTES, (), people.seed_people),
    Step("products", inspections.PRODUCT_ROUTES, ("people",), inspections.seed_products),
    Step("inspections", inspections.INSPECTION_ROUTES, ("products",),
         inspections.seed_inspections),
    Step("attestations", decisions.ATTESTATION_ROUTES, ("products",),
         decisions.seed_attestations),
    Step("triage", decisions.TRIAGE_ROUTES, ("inspections",), decisions.seed_triage),
    Step("evaluations", decisions.EVALUATION_ROUTES, ("inspections", "attestations", "triage"),
         decisions.seed_evaluations),
    Step("listings", decisions.LISTING_ROUTES, ("evaluations",), decisions.seed_listings),
    Step("assets", bank.ROUTES, ("products",), bank.seed_assets),
)


@dataclass(frozen=True)
class SeedResult:
    """What a seed did: the record, whether it was the first, and the steps left over."""

    record: DemoRecord
    first: bool
    skipped: tuple[str, ...]


def _stderr(line: str) -> None:
    sys.stderr.write(f"anke demo: {line}\n")


def seed_demo(services: Services, fetch: Fetcher, *, scenario: Scenario | None = None,
              say: Callable[[str], None] = _stderr) -> SeedResult:
    """Seed the demo into ``services`` (or finish an earlier seed); see the module doc."""
    scenario = scenario or load_scenario()
    record, first = DemoRecord.open(services.settings.data_dir, scenario)
    if first:
        record.save()
    api = DemoApi(create_app(services), record.passwords,
                  {account.key: account.email for account in scenario.accounts})
    seeding = Seeding(scenario, record, services, api, fetch, say)
    skipped: list[str] = []
    try:
        for step in STEPS:
            if step.name in record.done:
                continue
            missing = [f"{m} {p}" for m, p in step.routes if not api.serves(m, p)]
            waiting = [name for name in step.after if name not in record.done]
            if missing or waiting:
                why = (f"{', '.join(missing)} not served by this build yet" if missing
                       else f"waits for {', '.join(waiting)}")
                say(f"step {step.name} skipped: {why} (a later run takes it up)")
                skipped.append(step.name)
                continue
            step.run(seeding)
            record.finish(step.name)
    finally:
        api.close()
    return SeedResult(record, first, tuple(skipped))
