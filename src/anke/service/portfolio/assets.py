"""The queries over a bank's assets: the grouped totals the metrics are computed from, the
failing assets a replacement may pick, and adding, changing and listing assets.

The totals are grouped in SQL (by product version, category, year of entry into service, and
whether the asset was in service on the date asked), so a portfolio of a million assets
comes back as a few thousand rows; every later step works on those rows.  Spend is carried
in whole cents (``int``) from here on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, case, cast, extract, func, or_, select, text
from sqlalchemy.orm import Session

from anke.rulebooks.loader import shipped_rulebooks
from anke.service.db.portfolio import Asset
from anke.service.db.products import Product, ProductVersion
from anke.service.refusals import Invalid, NotFound

# Above this many version ids an IN (...) list is not sent; the rows are filtered here.
_MAX_IN_LIST = 20_000
MAX_BATCH = 10_000


def cents(amount: Decimal | float | int | None) -> int:
    """An amount of money in whole cents (rounded half up)."""
    if amount is None:
        return 0
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    return int((value * 100).to_integral_value(rounding="ROUND_HALF_UP"))


@dataclass(frozen=True)
class Bucket:
    """The assets of one product version and category that entered service in one year."""

    version_id: int | None
    category: str
    year: int
    in_service: bool  # in service on the date asked (in_service_since <= as_of)
    quantity: int
    spend: int  # cents
    assets: int


def buckets(session: Session, bank_id: int, as_of: date) -> list[Bucket]:
    """A bank's assets summed per version, category, year of entry and in-service flag.

    On PostgreSQL the transaction gets 64 MB of sort memory, so the groups (tens of
    thousands for a million assets) are hashed in memory instead of sorted on disk.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    year = extract("year", Asset.in_service_since)
    now = case((Asset.in_service_since <= as_of, 1), else_=0)
    query = (select(Asset.version_id, Asset.category, year, now,
                    func.sum(Asset.quantity), func.sum(Asset.spend), func.count())
             .where(Asset.bank_id == bank_id)
             .group_by(Asset.version_id, Asset.category, year, now))
    return [Bucket(version_id, category, int(y), bool(flag), int(quantity or 0), cents(spend),
                   int(count))
            for version_id, category, y, flag, quantity, spend, count in session.execute(query)]


@dataclass(frozen=True)
class Candidates:
    """Failing assets a replacement could pick, as parallel lists: ids, quantities, and
    spend in cents (what replacing each costs)."""

    ids: list[int]
    quantities: list[int]
    spends: list[int]


def failing_assets(session: Session, bank_id: int, passing: frozenset[int],
                   present: frozenset[int], categories: Sequence[str],
                   start: date | None, end: date) -> Candidates:
    """The bank's assets not passing, in ``categories`` (all when empty), in service from
    ``start`` (None: any time) up to ``end`` (inclusive); ``present`` are the version ids the
    bank's assets use (to send the shorter of the passing and failing id lists)."""
    spend = cast(func.round(Asset.spend * 100), BigInteger)
    query = select(Asset.id, Asset.quantity, spend, Asset.version_id).where(
        Asset.bank_id == bank_id, Asset.in_service_since <= end)
    if start is not None:
        query = query.where(Asset.in_service_since >= start)
    if categories:
        query = query.where(Asset.category.in_(list(categories)))
    failing = present - passing
    filter_here = False
    if len(failing) <= len(passing) and len(failing) <= _MAX_IN_LIST:
        query = query.where(or_(Asset.version_id.is_(None),
                                Asset.version_id.in_(sorted(failing))))
    elif len(passing) <= _MAX_IN_LIST:
        if passing:
            query = query.where(or_(Asset.version_id.is_(None),
                                    Asset.version_id.not_in(sorted(passing))))
    else:
        filter_here = True
    rows = session.execute(query).all()
    if filter_here:
        rows = [row for row in rows if row[3] is None or row[3] not in passing]
    if not rows:
        return Candidates([], [], [])
    ids, quantities, spends, _ = zip(*rows, strict=True)
    return Candidates(list(ids), list(quantities), [int(value) for value in spends])


@dataclass(frozen=True)
class AssetView:
    """An asset as the portfolio pages list it, with its product's name and version."""

    id: int
    name: str
    category: str
    quantity: int
    spend: Decimal
    in_service_since: date
    version_id: int | None
    product: str | None
    version: str | None


def describe(session: Session, ids: Iterable[int]) -> list[AssetView]:
    """The assets with these ids, in id order, with their product and version names."""
    wanted = sorted(set(ids))
    out: list[AssetView] = []
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        query = (select(Asset, Product.name, ProductVersion.version)
                 .outerjoin(ProductVersion, Asset.version_id == ProductVersion.id)
                 .outerjoin(Product, ProductVersion.product_id == Product.id)
                 .where(Asset.id.in_(chunk)).order_by(Asset.id))
        for asset, product, version in session.execute(query):
            out.append(AssetView(asset.id, asset.name, asset.category, asset.quantity,
                                 asset.spend, asset.in_service_since, asset.version_id,
                                 product, version))
    return out


def assets_of_versions(session: Session, bank_id: int, version_ids: Iterable[int],
                       until: date, limit: int, offset: int = 0) -> list[AssetView]:
    """A bank's assets in service on ``until`` that run any of ``version_ids``, in id
    order, bounded."""
    wanted = sorted(set(version_ids))
    if not wanted:
        return []
    ids = session.execute(select(Asset.id).where(Asset.bank_id == bank_id,
                                                 Asset.version_id.in_(wanted),
                                                 Asset.in_service_since <= until)
                          .order_by(Asset.id).limit(limit).offset(offset)).scalars()
    return describe(session, ids)


def list_assets(session: Session, bank_id: int | None, *, limit: int, offset: int = 0,
                category: str | None = None, version_id: int | None = None) -> list[Asset]:
    """Assets in id order (of one bank, or of every bank when ``bank_id`` is None)."""
    query = select(Asset).order_by(Asset.id).limit(limit).offset(offset)
    if bank_id is not None:
        query = query.where(Asset.bank_id == bank_id)
    if category is not None:
        query = query.where(Asset.category == category)
    if version_id is not None:
        query = query.where(Asset.version_id == version_id)
    return list(session.execute(query).scalars())


@lru_cache(maxsize=1)
def rulebook_categories() -> frozenset[str]:
    """Every asset category a shipped rulebook declares."""
    return frozenset(category.id for loaded in shipped_rulebooks().values()
                     for category in loaded.rulebook.categories)


def check_fields(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Refuse rows whose product version does not exist (404) or whose category is neither a
    rulebook category nor the product's own (422)."""
    version_ids = {row["version_id"] for row in rows if row.get("version_id") is not None}
    products: dict[int, str] = {}
    wanted = sorted(version_ids)
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        products.update(session.execute(
            select(ProductVersion.id, Product.category)
            .join(Product, ProductVersion.product_id == Product.id)
            .where(ProductVersion.id.in_(chunk))).all())
    known = rulebook_categories()
    for index, row in enumerate(rows):
        where = f"asset {index}: " if len(rows) > 1 else ""
        version_id = row.get("version_id")
        if version_id is not None and version_id not in products:
            raise NotFound(f"{where}no product version {version_id}")
        category = row.get("category")
        if category is not None and category not in known and (
                version_id is None or products[version_id] != category):
            raise Invalid(f"{where}unknown category {category!r}: use a rulebook category "
                          "or the product's own")


def _cents_exact(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its spend (if any) as an amount with exactly two decimals."""
    if row.get("spend") is None:
        return row
    return {**row, "spend": (Decimal(cents(row["spend"])) / 100).quantize(Decimal("0.01"))}


def add_assets(session: Session, bank_id: int, rows: Sequence[dict[str, Any]]) -> list[Asset]:
    """New assets of a bank (checked with :func:`check_fields`), flushed so they have ids."""
    if len(rows) > MAX_BATCH:
        raise Invalid(f"at most {MAX_BATCH} assets at once")
    check_fields(session, rows)
    assets = [Asset(bank_id=bank_id, **_cents_exact(row)) for row in rows]
    session.add_all(assets)
    session.flush()
    return assets


def change_asset(session: Session, asset: Asset, changes: dict[str, Any]) -> Asset:
    """Apply ``changes`` to an asset (checked like new ones; the category is checked against
    the resulting version)."""
    merged = {"version_id": changes.get("version_id", asset.version_id),
              "category": changes.get("category", asset.category)}
    check_fields(session, [merged])
    for key, value in _cents_exact(changes).items():
        setattr(asset, key, value)
    session.flush()
    return asset
