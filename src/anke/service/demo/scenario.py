"""The demo's scenario: the validated form of ``data/demo.yaml`` (who, what, which packages,
which decisions, which bank assets)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from anke.datafile import load_yaml_model
from anke.service.db.tenancy import OrgKind, Role

SCENARIO_FILE = Path(__file__).parent / "data" / "demo.yaml"
_KEY = r"^[a-z0-9][a-z0-9.-]*$"
_VERSION_REF = r"^[a-z0-9][a-z0-9.-]*@[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationSpec(_Strict):
    """An organisation (tenant) of the demo."""

    key: str = Field(pattern=_KEY)
    name: str
    kind: OrgKind
    country: str = Field(min_length=2, max_length=2)
    domestic: bool


class AccountSpec(_Strict):
    """A person who signs in; the password is made at the first seed."""

    key: str = Field(pattern=_KEY)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    name: str
    role: Role
    org: str


class PackageSpec(_Strict):
    """A real package fetched from a registry at seed time, pinned by its SHA-256."""

    key: str = Field(pattern=_KEY)
    url: HttpUrl
    filename: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(tgz|tar\.gz|zip)$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class VersionSpec(_Strict):
    """A product version, and the package submitted for it (none: never submitted)."""

    version: str
    package: str | None = None


class ProductSpec(_Strict):
    """A vendor's product."""

    key: str = Field(pattern=_KEY)
    vendor: str
    name: str
    category: str
    description: str = ""
    versions: tuple[VersionSpec, ...]


class AttestationSpec(_Strict):
    """An evidence document a vendor uploads, and the inspector's decision on it."""

    version: str = Field(pattern=_VERSION_REF)
    type: str
    title: str
    issued_on: dt.date
    valid_until: dt.date
    decision: Literal["accepted", "rejected"]
    note: str


class TriageSpec(_Strict):
    """An inspector's decision on the findings that match an algorithm (and a path end)."""

    version: str = Field(pattern=_VERSION_REF)
    algorithm: str
    path_endswith: str | None = None
    status: Literal["confirmed", "false-positive", "accepted"]
    reason: str
    expires_in_days: int | None = Field(default=None, ge=1)


class EvaluationSpec(_Strict):
    """An evaluation the inspector makes (and perhaps signs)."""

    key: str = Field(pattern=_KEY)
    version: str = Field(pattern=_VERSION_REF)
    as_of: dt.date
    sign: bool = False


class ListingSpec(_Strict):
    """An entry of the approved-products list, and perhaps its removal."""

    evaluation: str
    listed_on: dt.date
    removed_on: dt.date | None = None
    reason: str | None = None


class AssetSpec(_Strict):
    """One line of the bank's portfolio."""

    name: str
    category: str
    version: str | None = Field(default=None, pattern=_VERSION_REF)
    quantity: int = Field(ge=1)
    spend: Decimal = Field(ge=0)
    since: dt.date


class BankSpec(_Strict):
    """The bank and its assets."""

    org: str
    assets: tuple[AssetSpec, ...]


class Scenario(_Strict):
    """Everything the demo seeds."""

    rulebook: str
    rulebook_version: str
    organisations: tuple[OrganisationSpec, ...]
    accounts: tuple[AccountSpec, ...] = Field(min_length=1)
    packages: tuple[PackageSpec, ...]
    products: tuple[ProductSpec, ...]
    attestations: tuple[AttestationSpec, ...] = ()
    triage: tuple[TriageSpec, ...] = ()
    evaluations: tuple[EvaluationSpec, ...] = ()
    listings: tuple[ListingSpec, ...] = ()
    bank: BankSpec

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        orgs = {org.key: org for org in self.organisations}
        packages = {package.key for package in self.packages}
        versions = {f"{p.key}@{v.version}" for p in self.products for v in p.versions}
        if self.accounts[0].role is not Role.ADMIN:
            raise ValueError("the first account must be the administrator")
        for account in self.accounts:
            _known(account.org, orgs, "organisation")
        for product in self.products:
            if orgs[_known(product.vendor, orgs, "organisation")].kind is not OrgKind.VENDOR:
                raise ValueError(f"product {product.key}: {product.vendor} is not a vendor")
            for version in product.versions:
                if version.package is not None:
                    _known(version.package, packages, "package")
        evaluations = {evaluation.key for evaluation in self.evaluations}
        for ref in ([a.version for a in self.attestations] + [t.version for t in self.triage]
                    + [e.version for e in self.evaluations]
                    + [a.version for a in self.bank.assets if a.version]):
            _known(ref, versions, "product version")
        for listing in self.listings:
            _known(listing.evaluation, evaluations, "evaluation")
            if (listing.removed_on is None) != (listing.reason is None):
                raise ValueError("a removal needs both removed_on and reason")
        for item in self.triage:
            if (item.status == "accepted") != (item.expires_in_days is not None):
                raise ValueError("an accepted finding (and only one) needs expires_in_days")
        if orgs[_known(self.bank.org, orgs, "organisation")].kind is not OrgKind.BANK:
            raise ValueError(f"{self.bank.org} is not a bank")
        people = {(account.org, account.role) for account in self.accounts}
        needed = {(product.vendor, Role.VENDOR) for product in self.products}
        needed.add((self.bank.org, Role.BANK))
        if not any(role is Role.INSPECTOR for _, role in people):
            raise ValueError("the demo needs an inspector")
        missing = sorted(f"{org} ({role.value})" for org, role in needed - people)
        if missing:
            raise ValueError(f"no account for {', '.join(missing)}")
        return self

    def account(self, key: str) -> AccountSpec:
        """The account of ``key``."""
        return next(account for account in self.accounts if account.key == key)

    def account_of(self, org: str, role: Role) -> AccountSpec:
        """The first account of organisation ``org`` with ``role``."""
        return next(a for a in self.accounts if a.org == org and a.role is role)

    def package(self, key: str) -> PackageSpec:
        """The package of ``key``."""
        return next(package for package in self.packages if package.key == key)

    def product(self, key: str) -> ProductSpec:
        """The product of ``key``."""
        return next(product for product in self.products if product.key == key)


def _known(key: str, known: Container[str], what: str) -> str:
    if key not in known:
        raise ValueError(f"unknown {what} {key!r}")
    return key


@cache
def load_scenario(path: Path = SCENARIO_FILE) -> Scenario:
    """The shipped demo scenario (or another file of the same form)."""
    return load_yaml_model(path, Scenario)
