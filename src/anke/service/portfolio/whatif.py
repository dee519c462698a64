"""What-if: a bank's portfolio under the rulebook version in force and under a draft.

Before: the version in force on ``as_of``, verdicts from its approved-products list.  After:
the draft (or hypothetical, or any named) version, for which no list exists: each product
version the bank runs passes when its latest finished inspection, judged under the draft as
of ``as_of`` (:func:`anke.service.judging.judge_version`), passes, or would pass if the draft
were in force.  A version never inspected has no verdict ("unknown"): it counts as not
passing and is shown apart.  The draft's verdicts are taken as of ``as_of`` for every year
of the series (a draft has no dated list).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from anke.evaluation.result import Overall
from anke.service.db.products import Product, ProductVersion
from anke.service.judging import NoFinishedInspection, judge_version
from anke.service.portfolio.assets import AssetView, assets_of_versions
from anke.service.portfolio.metrics import (
    PortfolioMetrics,
    compute,
    find_loaded,
    money,
    pick_version,
    portfolio_state,
)
from anke.service.portfolio.verdicts import FixedVerdicts
from anke.service.refusals import Invalid


@dataclass(frozen=True)
class VersionChange:
    """A product version whose verdict differs under the draft, and the bank's stake in it."""

    version_id: int
    product: str
    version: str
    before: str  # "pass" or "fail"
    after: str  # "pass", "fail" or "unknown"
    overall: str | None  # the draft's verdict, as if it were in force (None: never inspected)
    inspection_id: int | None
    assets: int
    quantity: int
    spend_cents: int

    @property
    def spend(self) -> Decimal:
        """The spend on the bank's assets of this version."""
        return money(self.spend_cents)


@dataclass(frozen=True)
class CategoryChange:
    """The passing shares of one category (None: all) before and after."""

    category: str | None
    count_before: float | None
    count_after: float | None
    spend_before: float | None
    spend_after: float | None

    @property
    def count_change(self) -> float | None:
        """After minus before, by count."""
        return _delta(self.count_before, self.count_after)

    @property
    def spend_change(self) -> float | None:
        """After minus before, by spend."""
        return _delta(self.spend_before, self.spend_after)


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


@dataclass(frozen=True)
class WhatIf:
    """The portfolio before and after, what changes, and (bounded) the assets concerned."""

    before: PortfolioMetrics
    after: PortfolioMetrics
    changes: tuple[VersionChange, ...]
    categories: tuple[CategoryChange, ...]
    changed_assets: int
    assets: tuple[AssetView, ...]


@dataclass(frozen=True)
class _Judged:
    passing: bool | None  # None: never inspected
    overall: str | None
    inspection_id: int | None


def _judge_all(session: Session, rulebook: str, draft: str, version_ids: frozenset[int],
               as_of: date) -> dict[int, _Judged]:
    loaded = find_loaded(rulebook)
    out: dict[int, _Judged] = {}
    for version_id in sorted(version_ids):
        try:
            judgement = judge_version(session, version_id, loaded, draft, as_of)
        except NoFinishedInspection:
            out[version_id] = _Judged(None, None, None)
            continue
        evaluation = judgement.evaluation
        passing = Overall.PASS in (evaluation.overall, evaluation.if_in_force)
        verdict = evaluation.if_in_force or evaluation.overall
        out[version_id] = _Judged(passing, verdict.value, judgement.inspection_id)
    return out


def _names(session: Session, version_ids: list[int]) -> dict[int, tuple[str, str]]:
    if not version_ids:
        return {}
    rows = session.execute(select(ProductVersion.id, Product.name, ProductVersion.version)
                           .join(Product, ProductVersion.product_id == Product.id)
                           .where(ProductVersion.id.in_(version_ids)))
    return {version_id: (name, version) for version_id, name, version in rows}


def whatif(session: Session, bank_id: int, rulebook: str, draft: str, as_of: date,
           version: str | None = None, limit: int = 1000) -> WhatIf:
    """The bank's portfolio under ``version`` (None: the one in force on ``as_of``) and
    under ``draft``; ``assets`` lists at most ``limit`` of the assets that change."""
    try:
        state = portfolio_state(session, bank_id, rulebook, version, as_of)
    except Invalid as error:
        raise Invalid(f"{error} (the what-if compares the version in force with a draft)"
                      ) from None
    resolved = pick_version(rulebook, draft, as_of)
    judged = _judge_all(session, rulebook, draft, state.present, as_of)
    verdicts = FixedVerdicts(
        frozenset(vid for vid, item in judged.items() if item.passing),
        frozenset(vid for vid, item in judged.items() if item.passing is None))
    after = compute(state.rows, verdicts, resolved, bank_id, as_of,
                    "judged inspections (what-if)")
    before_passing = state.verdicts.passing_on(as_of)
    stake: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in state.rows:
        if row.in_service and row.version_id is not None:
            totals = stake[row.version_id]
            totals[0] += row.assets
            totals[1] += row.quantity
            totals[2] += row.spend
    changed = sorted(vid for vid, item in judged.items()
                     if item.passing is None or item.passing != (vid in before_passing))
    names = _names(session, changed)
    changes = []
    for vid in changed:
        item = judged[vid]
        after_word = "unknown" if item.passing is None else ("pass" if item.passing else "fail")
        product, version = names.get(vid, ("?", "?"))
        assets, quantity, spend = stake.get(vid, [0, 0, 0])
        changes.append(VersionChange(vid, product, version,
                                     "pass" if vid in before_passing else "fail", after_word,
                                     item.overall, item.inspection_id, assets, quantity, spend))
    before = state.metrics
    categories = [CategoryChange(None, before.total.count_share, after.total.count_share,
                                 before.total.spend_share, after.total.spend_share)]
    after_by = {tally.category: tally for tally in after.categories}
    for tally in before.categories:
        other = after_by[tally.category]
        categories.append(CategoryChange(tally.category, tally.count_share, other.count_share,
                                         tally.spend_share, other.spend_share))
    moved = [vid for vid in changed if bool(judged[vid].passing) != (vid in before_passing)]
    return WhatIf(before, after, tuple(changes), tuple(categories),
                  sum(stake.get(vid, [0])[0] for vid in moved),
                  tuple(assets_of_versions(session, bank_id, moved, as_of, limit)))
