"""The demo bank's portfolio: its assets, registered by the bank's user in one request."""

from __future__ import annotations

from anke.service.demo.context import Seeding

ROUTES = (("POST", "/api/assets"),)


def seed_assets(seeding: Seeding) -> None:
    """Every asset of the scenario's bank."""
    if "assets" in seeding.record.ids:
        return
    assets = [{"name": asset.name, "category": asset.category,
               "version_id": seeding.version_id(asset.version) if asset.version else None,
               "quantity": asset.quantity, "spend": str(asset.spend),
               "in_service_since": asset.since.isoformat()}
              for asset in seeding.scenario.bank.assets]
    seeding.api.call(seeding.banker, "POST", "/api/assets", json=assets)
    seeding.record.keep("assets", len(assets))
    seeding.say(f"{len(assets)} bank assets registered")
