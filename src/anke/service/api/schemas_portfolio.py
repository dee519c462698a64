"""The API's bodies for bank assets, portfolio metrics, replacements and what-if."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from anke.rulebooks.model import Basis

ASSUMPTION = ("Replacing an asset costs exactly its recorded spend and turns it passing; its "
              "quantity, category and date of entry into service stay the same.")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


Category = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


class AssetIn(_In):
    """A new asset of the caller's bank: a product version (or none, when unknown), how
    many, what spend, which category (a rulebook category or the product's own)."""

    name: str = Field(min_length=1, max_length=200)
    version_id: int | None = None
    category: Category
    quantity: int = Field(default=1, ge=1, le=1_000_000_000)
    spend: Money = Decimal(0)
    in_service_since: date


class AssetPatch(_In):
    """Changes to an asset; absent fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    version_id: int | None = None
    category: Category | None = None
    quantity: int | None = Field(default=None, ge=1, le=1_000_000_000)
    spend: Money | None = None
    in_service_since: date | None = None


AssetBatch = Annotated[list[AssetIn], Field(min_length=1, max_length=10_000)]


class AssetOut(_Out):
    """An asset."""

    id: int
    bank_id: int
    name: str
    version_id: int | None
    category: str
    quantity: int
    spend: Decimal
    in_service_since: date
    created_at: datetime


class TallyOut(_Out):
    """Quantity and spend of one category (``category`` null: all), passing, with no
    verdict (``unknown``, counted as not passing) and in all; shares are null when there is
    nothing to divide by."""

    category: str | None
    assets: int
    quantity: int
    quantity_passing: int
    quantity_unknown: int
    spend: Decimal
    spend_passing: Decimal
    spend_unknown: Decimal
    count_share: float | None
    spend_share: float | None


class TargetOut(_Out):
    """A target measured on ``on`` (the last day of its year).  ``passing``, ``total`` and
    ``missing`` are quantities for basis ``count`` and cents for basis ``spend``."""

    index: int
    year: int
    share: float | None
    basis: Basis
    categories: list[str]
    scope: str
    on: date
    passing: int
    total: int
    actual: float | None
    met: bool | None
    missing: int
    unverified: bool
    note: str | None


class YearOut(_Out):
    """The portfolio on the last day of a year: one point of the chart."""

    year: int
    on: date
    total: TallyOut
    categories: list[TallyOut]
    new_purchases: TallyOut
    targets: list[TargetOut]


class MetricsOut(_Out):
    """A bank's passing shares under a rulebook version as of a date, against its targets."""

    bank_id: int
    rulebook: str
    version: str
    version_title: str
    hypothetical: bool
    as_of: date
    basis_of_verdicts: str
    total: TallyOut
    categories: list[TallyOut]
    targets: list[TargetOut]
    years: list[YearOut]
    next_target: TargetOut | None


class AssetViewOut(_Out):
    """An asset with its product's name and version."""

    id: int
    name: str
    category: str
    quantity: int
    spend: Decimal
    in_service_since: date
    version_id: int | None
    product: str | None
    version: str | None


class ReplacementsOut(_Out):
    """The assets to replace to reach the next unmet target at the least spend.

    ``missing`` and ``gain`` are quantities (basis count) or cents (basis spend); ``method``
    is ``exact`` (dynamic programme) or ``greedy`` (at most twice the least spend) or
    ``none``; ``assets`` lists at most ``limit`` of the ``count`` assets picked.
    """

    assumption: str = ASSUMPTION
    rulebook: str
    version: str
    as_of: date
    target: TargetOut | None
    method: str
    missing: int
    gain: int
    count: int
    quantity: int
    spend: Decimal
    share_after: float | None
    reached: bool
    assets: list[AssetViewOut]


class VersionChangeOut(_Out):
    """A product version whose verdict differs under the draft, and the bank's stake."""

    version_id: int
    product: str
    version: str
    before: str
    after: str
    overall: str | None
    inspection_id: int | None
    assets: int
    quantity: int
    spend: Decimal


class CategoryChangeOut(_Out):
    """Passing shares of a category (null: all) before and after, and the change."""

    category: str | None
    count_before: float | None
    count_after: float | None
    count_change: float | None
    spend_before: float | None
    spend_after: float | None
    spend_change: float | None


class WhatIfOut(_Out):
    """The portfolio under the version in force and under a draft, and what changes."""

    before: MetricsOut
    after: MetricsOut
    changes: list[VersionChangeOut]
    categories: list[CategoryChangeOut]
    changed_assets: int
    assets: list[AssetViewOut]
