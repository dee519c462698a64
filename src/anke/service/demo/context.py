"""What every step of the demo's seed works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from anke.service.db.tenancy import Role
from anke.service.demo.client import DemoApi
from anke.service.demo.fetch import Fetcher
from anke.service.demo.record import DemoRecord
from anke.service.demo.scenario import Scenario
from anke.service.runtime import Services


@dataclass
class Seeding:
    """The scenario, the record of what is done, the service and its API, and a voice."""

    scenario: Scenario
    record: DemoRecord
    services: Services
    api: DemoApi
    fetch: Fetcher
    say: Callable[[str], None]

    def version_id(self, ref: str) -> int:
        """The id of product version ``ref`` ("product@version")."""
        return self.record.id(f"version:{ref}")

    def vendor_of(self, product_key: str) -> str:
        """The account key of the vendor who owns a product (a key, or "product@version")."""
        product = self.scenario.product(product_key.split("@", 1)[0])
        return self.scenario.account_of(product.vendor, Role.VENDOR).key

    @property
    def inspector(self) -> str:
        """The account key of the inspector."""
        return next(a.key for a in self.scenario.accounts if a.role is Role.INSPECTOR)

    @property
    def banker(self) -> str:
        """The account key of the bank's user."""
        return self.scenario.account_of(self.scenario.bank.org, Role.BANK).key
