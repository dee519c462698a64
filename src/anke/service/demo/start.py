"""``anke serve --demo``: seed (or finish seeding) the demo, then hand back the banner."""

from __future__ import annotations

import sys
from pathlib import Path

from anke.service.demo.banner import banner, download_notice
from anke.service.demo.fetch import registry_fetcher
from anke.service.demo.record import DemoRecord
from anke.service.demo.scenario import load_scenario
from anke.service.demo.seed import seed_demo
from anke.service.runtime import Services


def prepare_demo(services: Services, cache: Path | None, url: str) -> str:
    """Seed the demo into ``services``, downloading into ``cache`` (default: the data
    directory) when needed; the banner to print at start."""
    scenario = load_scenario()
    cache = cache or services.settings.data_dir
    data_dir = services.settings.data_dir
    record, first = DemoRecord.open(data_dir, scenario)
    if "inspections" not in record.done and any(
            not (cache / "packages" / p.filename).exists() for p in scenario.packages):
        sys.stderr.write(download_notice(scenario, cache))
    if first:
        sys.stderr.write(f"anke demo: seeding a new demo into {data_dir}; it takes a minute\n")
    result = seed_demo(services, registry_fetcher(cache, _say))
    return banner(scenario, result.record, url, data_dir, result.skipped)


def _say(line: str) -> None:
    sys.stderr.write(f"anke demo: {line}\n")
