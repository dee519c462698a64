"""A bank's passing share against a rulebook version's yearly targets.

What is computed, for a bank, a rulebook version and a date ``as_of``:

* the installed base on ``as_of`` (assets with ``in_service_since <= as_of``): quantity and
  spend, passing and not, per category and in total;
* every target of the version (inherited ones included), each measured on the last day of
  its year: the passing share by count (sum of quantity) or by spend, over the target's
  categories (all when it names none), over the installed base on that day or, for scope
  ``new-purchases``, over the assets that entered service in that year;
* the same per year, from the earliest asset (or target) to the latest target (or ``as_of``),
  for the chart of the passing share against the targets;
* the next unmet target: the first target from ``as_of``'s year on, with a known share and
  something in scope, that its year-end share does not reach.

Year-end figures use the assets and listings recorded now: an asset entering service in a
later year counts as a planned purchase from that year on, and the verdicts are those of the
approved-products list on that day.  The grouping is done in SQL (see
:func:`anke.service.portfolio.assets.buckets`); this module only joins the grouped rows with
the verdict map.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from anke.rulebooks.lifecycle import resolve
from anke.rulebooks.loader import (
    LoadedRulebook,
    ResolvedVersion,
    UnknownRulebook,
    shipped_rulebooks,
)
from anke.rulebooks.model import Basis, Target
from anke.service.portfolio.assets import Bucket, buckets
from anke.service.portfolio.verdicts import Verdicts, listing_verdicts
from anke.service.refusals import Invalid, NotFound

MAX_YEARS = 80  # points of the per-year series; earlier years are folded into the first


def money(amount_cents: int) -> Decimal:
    """Cents as an amount with two decimals."""
    return (Decimal(amount_cents) / 100).quantize(Decimal("0.01"))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Tally:
    """Quantity and spend, passing, unknown (no verdict) and in all, of one category or all."""

    category: str | None  # None: every category
    assets: int
    quantity: int
    quantity_passing: int
    quantity_unknown: int
    spend_cents: int
    spend_passing_cents: int
    spend_unknown_cents: int

    @property
    def count_share(self) -> float | None:
        """The passing share by count (sum of quantity); None when there is nothing."""
        return _share(self.quantity_passing, self.quantity)

    @property
    def spend_share(self) -> float | None:
        """The passing share by spend; None when nothing was spent."""
        return _share(self.spend_passing_cents, self.spend_cents)

    @property
    def spend(self) -> Decimal:
        """The spend, in currency units."""
        return money(self.spend_cents)

    @property
    def spend_passing(self) -> Decimal:
        """The spend on passing assets."""
        return money(self.spend_passing_cents)

    @property
    def spend_unknown(self) -> Decimal:
        """The spend on assets with no verdict."""
        return money(self.spend_unknown_cents)


class _Sum:
    """A mutable tally while adding up grouped rows."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values = [0, 0, 0, 0, 0, 0, 0]

    def add(self, quantity: int, spend: int, assets: int, passing: bool, unknown: bool) -> None:
        values = self.values
        values[0] += assets
        values[1] += quantity
        values[4] += spend
        if passing:
            values[2] += quantity
            values[5] += spend
        elif unknown:
            values[3] += quantity
            values[6] += spend

    def merge(self, other: _Sum) -> None:
        for index, value in enumerate(other.values):
            self.values[index] += value

    def tally(self, category: str | None) -> Tally:
        v = self.values
        return Tally(category, v[0], v[1], v[2], v[3], v[4], v[5], v[6])


@dataclass(frozen=True)
class TargetStatus:
    """One target measured on the last day of its year.

    ``passing`` and ``total`` are quantities (basis count) or cents (basis spend);
    ``missing`` is how much more must pass to meet it (0 when met or not measurable).
    """

    index: int  # position among the version's targets
    year: int
    share: float | None
    basis: Basis
    categories: tuple[str, ...]
    scope: str
    on: date
    passing: int
    total: int
    actual: float | None
    met: bool | None  # None: no share given, or nothing in scope
    missing: int
    unverified: bool
    note: str | None


def needed(share: float, total: int) -> int:
    """The least amount of ``total`` that reaches ``share`` (exact, no float rounding)."""
    return math.ceil(Fraction(str(share)) * total)


@dataclass(frozen=True)
class YearPoint:
    """The portfolio on the last day of one year: the chart's point."""

    year: int
    on: date
    total: Tally  # installed base
    categories: tuple[Tally, ...]
    new_purchases: Tally  # assets that entered service in the year
    targets: tuple[TargetStatus, ...]  # the targets of this year


@dataclass(frozen=True)
class PortfolioMetrics:
    """A bank's portfolio under a rulebook version as of a date (see the module docstring)."""

    bank_id: int
    rulebook: str
    version: str
    version_title: str
    hypothetical: bool
    as_of: date
    basis_of_verdicts: str  # "approved-products list" or "judged inspections (what-if)"
    total: Tally
    categories: tuple[Tally, ...]
    targets: tuple[TargetStatus, ...]
    years: tuple[YearPoint, ...]
    next_target: TargetStatus | None


def find_loaded(rulebook: str) -> LoadedRulebook:
    """A shipped rulebook by id; :class:`NotFound` otherwise."""
    shipped = shipped_rulebooks()
    if rulebook not in shipped:
        raise NotFound(f"no rulebook {rulebook!r} (shipped: {', '.join(sorted(shipped))})")
    return shipped[rulebook]


def pick_version(rulebook: str, version: str | None, as_of: date) -> ResolvedVersion:
    """The named version of a shipped rulebook, or the one in force on ``as_of``."""
    loaded = find_loaded(rulebook)
    if version is not None:
        try:
            return loaded.resolve(version)
        except UnknownRulebook as error:
            raise NotFound(str(error)) from None
    resolution = resolve(loaded, as_of)
    if resolution.version is None or not resolution.in_force:
        raise Invalid(f"{resolution.message} Name a version.")
    return resolution.version


def _year_end(year: int) -> date:
    return date(year, 12, 31)


def _ordered(categories: Iterable[str], order: Sequence[str]) -> list[str]:
    rank = {name: index for index, name in enumerate(order)}
    return sorted(set(categories), key=lambda name: (rank.get(name, len(rank)), name))


@dataclass
class _Grouped:
    """The buckets rearranged: per (version, category) pair, per year, and now."""

    by_year: dict[int, list[Bucket]]
    now: list[Bucket]
    categories: set[str]


def _group(rows: Iterable[Bucket]) -> _Grouped:
    by_year: dict[int, list[Bucket]] = defaultdict(list)
    now: list[Bucket] = []
    categories: set[str] = set()
    for row in rows:
        by_year[row.year].append(row)
        categories.add(row.category)
        if row.in_service:
            now.append(row)
    return _Grouped(by_year, now, categories)


def _sum_rows(rows: Iterable[Bucket], passing: frozenset[int], unknown: frozenset[int]
              ) -> dict[str, _Sum]:
    sums: dict[str, _Sum] = defaultdict(_Sum)
    for row in rows:
        version_id = row.version_id
        ok = version_id is not None and version_id in passing
        sums[row.category].add(row.quantity, row.spend, row.assets, ok,
                               not ok and (version_id is None or version_id in unknown))
    return sums


def _total(sums: dict[str, _Sum], categories: Sequence[str] = ()) -> _Sum:
    out = _Sum()
    for category, value in sums.items():
        if not categories or category in categories:
            out.merge(value)
    return out


def _measure(index: int, target: Target, installed: dict[str, _Sum],
             purchased: dict[str, _Sum]) -> TargetStatus:
    sums = purchased if target.scope == "new-purchases" else installed
    tally = _total(sums, target.categories).tally(None)
    if target.basis is Basis.SPEND:
        passing, total = tally.spend_passing_cents, tally.spend_cents
    else:
        passing, total = tally.quantity_passing, tally.quantity
    actual = _share(passing, total)
    met: bool | None = None
    missing = 0
    if target.share is not None and total:
        missing = max(0, needed(target.share, total) - passing)
        met = missing == 0
    return TargetStatus(index, target.year, target.share, target.basis, target.categories,
                        target.scope, _year_end(target.year), passing, total, actual, met,
                        missing, target.unverified, target.note)


def _tallies(sums: dict[str, _Sum], order: Sequence[str]) -> tuple[Tally, tuple[Tally, ...]]:
    return (_total(sums).tally(None),
            tuple(sums[name].tally(name) for name in _ordered(sums, order)))


def _year_range(grouped: _Grouped, targets: Sequence[Target], as_of: date) -> range:
    target_years = [target.year for target in targets]
    last = max([*target_years, as_of.year])
    first = min(grouped.by_year, default=as_of.year)
    first = min([max(first, last - MAX_YEARS + 1), *target_years, as_of.year])
    return range(first, last + 1)


def compute(rows: Sequence[Bucket], verdicts: Verdicts, resolved: ResolvedVersion,
            bank_id: int, as_of: date, basis_of_verdicts: str) -> PortfolioMetrics:
    """The metrics from grouped rows and a verdict map (no database access)."""
    grouped = _group(rows)
    order = [category.id for category in resolved.rulebook.categories]
    unknown = verdicts.unknown()
    targets = resolved.targets
    now = _sum_rows(grouped.now, verdicts.passing_on(as_of), unknown)
    total, categories = _tallies(now, order)
    years = _year_range(grouped, targets, as_of)
    statuses: dict[int, TargetStatus] = {}
    points: list[YearPoint] = []
    cumulative: dict[tuple[int | None, str], Bucket] = {}

    def fold(row: Bucket) -> None:
        key = (row.version_id, row.category)
        was = cumulative.get(key)
        cumulative[key] = row if was is None else Bucket(
            row.version_id, row.category, row.year, True, was.quantity + row.quantity,
            was.spend + row.spend, was.assets + row.assets)

    for year in sorted(grouped.by_year):
        if year < years.start:
            for row in grouped.by_year[year]:
                fold(row)
    for year in years:
        for row in grouped.by_year.get(year, ()):
            fold(row)
        passing = verdicts.passing_on(_year_end(year))
        installed = _sum_rows(cumulative.values(), passing, unknown)
        purchased = _sum_rows(grouped.by_year.get(year, ()), passing, unknown)
        mine = []
        for index, target in enumerate(targets):
            if target.year == year:
                statuses[index] = _measure(index, target, installed, purchased)
                mine.append(statuses[index])
        year_total, year_categories = _tallies(installed, order)
        points.append(YearPoint(year, _year_end(year), year_total, year_categories,
                                _total(purchased).tally(None), tuple(mine)))
    ordered = tuple(statuses[index] for index in sorted(statuses))
    next_target = min((status for status in ordered
                       if status.year >= as_of.year and status.met is False),
                      key=lambda status: (status.year, status.index), default=None)
    return PortfolioMetrics(bank_id, resolved.rulebook.id, resolved.version.version,
                            resolved.version.title, resolved.version.hypothetical, as_of,
                            basis_of_verdicts, total, categories, ordered, tuple(points),
                            next_target)


@dataclass(frozen=True)
class State:
    """Metrics with what they were computed from (for replacements and what-if)."""

    metrics: PortfolioMetrics
    resolved: ResolvedVersion
    rows: tuple[Bucket, ...]
    verdicts: Verdicts

    @property
    def present(self) -> frozenset[int]:
        """The product versions the bank's assets run."""
        return frozenset(row.version_id for row in self.rows if row.version_id is not None)


def portfolio_state(session: Session, bank_id: int, rulebook: str, version: str | None,
                    as_of: date) -> State:
    """:func:`portfolio_metrics` and what it was computed from."""
    resolved = pick_version(rulebook, version, as_of)
    rows = tuple(buckets(session, bank_id, as_of))
    present = {row.version_id for row in rows if row.version_id is not None}
    verdicts = listing_verdicts(session, resolved.rulebook.id, resolved.version.version,
                                present)
    metrics = compute(rows, verdicts, resolved, bank_id, as_of, "approved-products list")
    return State(metrics, resolved, rows, verdicts)


def portfolio_metrics(session: Session, bank_id: int, rulebook: str, version: str | None,
                      as_of: date) -> PortfolioMetrics:
    """A bank's portfolio under ``rulebook@version`` (None: the version in force on
    ``as_of``), with verdicts from that version's approved-products list."""
    return portfolio_state(session, bank_id, rulebook, version, as_of).metrics
