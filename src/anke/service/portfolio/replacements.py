"""The cheapest replacements that reach the next unmet target.

Assumption (stated in the API too): replacing an asset costs exactly its recorded spend and
turns it passing; its quantity, category and date of entry into service stay the same, so
the target's total does not change and only the passing part grows.

The choice is a covering knapsack over the failing assets in the target's scope: each
asset gains its quantity (target basis ``count``) or its spend (basis ``spend``) and costs
its spend; pick assets whose gains add up to at least the missing amount at the least total
cost.

* Exact (``method="exact"``): a dynamic programme over the amount still missing (capped at
  the need), when assets x need is at most :data:`DP_CELLS` after dividing every gain and
  the need by their greatest common divisor.
* Greedy (``method="greedy"``) otherwise: assets in order of cost per unit of gain (larger
  gains first among equals); an asset that would reach the need on its own is not added but
  considered as the closing pick; at every step the cheapest closing asset is weighed, and
  the best "prefix + closing asset" is kept (the greedy of Güntzer and Jungnickel for the
  minimum knapsack, at most twice the least cost); finally any picked asset that is not
  needed, most expensive first, is dropped.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from anke.rulebooks.model import Basis
from anke.service.portfolio.assets import AssetView, describe, failing_assets
from anke.service.portfolio.metrics import State, TargetStatus, money, portfolio_state

DP_CELLS = 2_000_000


@dataclass(frozen=True)
class Item:
    """Something that can be picked: what it gains and what it costs."""

    id: int
    gain: int
    cost: int


@dataclass(frozen=True)
class Cover:
    """A pick of items; ``feasible`` False when even all of them do not reach the need."""

    ids: tuple[int, ...]
    gain: int
    cost: int
    method: str  # "exact", "greedy" or "none" (nothing was needed)
    feasible: bool


@dataclass(frozen=True)
class Pool:
    """Items as three parallel lists (cheaper than objects for a million of them)."""

    ids: list[int]
    gains: list[int]
    costs: list[int]

    @classmethod
    def of(cls, items: Sequence[Item]) -> Pool:
        """The pool of ``items``."""
        return cls([item.id for item in items], [item.gain for item in items],
                   [item.cost for item in items])

    def useful(self) -> Pool:
        """The items that gain something."""
        keep = [index for index, gain in enumerate(self.gains) if gain > 0]
        if len(keep) == len(self.gains):
            return self
        return Pool([self.ids[i] for i in keep], [self.gains[i] for i in keep],
                    [self.costs[i] for i in keep])

    def result(self, picked: Sequence[int], need: int, method: str) -> Cover:
        """The cover made of the items at positions ``picked``."""
        gain = sum(self.gains[index] for index in picked)
        return Cover(tuple(sorted(self.ids[index] for index in picked)), gain,
                     sum(self.costs[index] for index in picked), method, gain >= need)


_NOTHING = Cover((), 0, 0, "none", True)


def _exact(pool: Pool, need: int) -> Cover:
    gains, costs = pool.gains, pool.costs
    if sum(gains) < need:
        return pool.result(range(len(gains)), need, "exact")
    divisor = math.gcd(need, *gains)
    goal = -(-need // divisor)
    infinity = math.inf
    best = [infinity] * (goal + 1)
    best[0] = 0
    came: list[array[int]] = []  # per item: the state each improved state came from, or -1
    for raw, price in zip(gains, costs, strict=True):
        gain = min(raw // divisor, goal)
        step = array("l", [-1]) * (goal + 1)
        for reached in range(goal - 1, -1, -1):
            cost = best[reached]
            if cost == infinity:
                continue
            after = min(goal, reached + gain)
            if cost + price < best[after]:
                best[after] = cost + price
                step[after] = reached
        came.append(step)
    picked: list[int] = []
    state = goal
    for index in range(len(gains) - 1, -1, -1):
        previous = came[index][state]
        if previous >= 0:
            picked.append(index)
            state = previous
    return pool.result(picked, need, "exact")


def _greedy(pool: Pool, need: int) -> Cover:
    gains, costs = pool.gains, pool.costs
    count = len(gains)
    ratio = [cost / gain for cost, gain in zip(costs, gains, strict=True)]
    by_size = sorted(range(count), key=gains.__getitem__, reverse=True)
    order = sorted(by_size, key=ratio.__getitem__)  # stable: larger gains first among equals
    closers: list[tuple[int, int]] = []  # (cost, index) of items that reach the residual
    pointer = 0
    chosen: list[int] = []
    taken = bytearray(count)
    spent = 0
    residual = need
    best: tuple[int, int, int] | None = None  # (cost, prefix length, closing item)

    def weigh() -> None:
        nonlocal pointer, best
        while pointer < count and gains[by_size[pointer]] >= residual:
            index = by_size[pointer]
            heapq.heappush(closers, (costs[index], index))
            pointer += 1
        while closers and taken[closers[0][1]]:
            heapq.heappop(closers)  # picked before it could close; it stays picked
        if closers and (best is None or spent + closers[0][0] < best[0]):
            best = (spent + closers[0][0], len(chosen), closers[0][1])

    weigh()
    for index in order:
        # every later pick costs at least this item's ratio per unit still missing: stop
        # when that cannot beat the best cover found (integer form of the bound)
        if best is not None and costs[index] * residual >= (best[0] - spent) * gains[index]:
            break
        if gains[index] < residual:
            chosen.append(index)
            taken[index] = 1
            spent += costs[index]
            residual -= gains[index]
            weigh()
    if best is None:
        return pool.result(chosen, need, "greedy")
    picked = {*chosen[:best[1]], best[2]}
    gain = sum(gains[index] for index in picked)
    for index in sorted(picked, key=costs.__getitem__, reverse=True):
        if gain - gains[index] >= need:
            picked.discard(index)
            gain -= gains[index]
    return pool.result(sorted(picked), need, "greedy")


def cover_exact(items: Sequence[Item], need: int) -> Cover:
    """The least-cost pick reaching ``need`` (a DP over the missing amount)."""
    return _NOTHING if need <= 0 else _exact(Pool.of(items).useful(), need)


def cover_greedy(items: Sequence[Item], need: int) -> Cover:
    """A cheap pick reaching ``need``, at most twice the least cost (see the module doc)."""
    return _NOTHING if need <= 0 else _greedy(Pool.of(items).useful(), need)


def cover(items: Sequence[Item] | Pool, need: int, cells: int = DP_CELLS) -> Cover:
    """The exact pick when the DP is small enough (``cells``), else the greedy one."""
    if need <= 0:
        return _NOTHING
    pool = (items if isinstance(items, Pool) else Pool.of(items)).useful()
    divisor = math.gcd(need, *pool.gains)
    if len(pool.gains) * (-(-need // divisor) + 1) <= cells:
        return _exact(pool, need)
    return _greedy(pool, need)


@dataclass(frozen=True)
class Replacements:
    """The assets to replace to reach ``target`` at the least spend.

    ``missing`` and ``gain`` are quantities (basis count) or cents (basis spend);
    ``assets`` lists at most ``limit`` of the ``count`` picked assets, in id order.
    """

    rulebook: str
    version: str
    as_of: date
    target: TargetStatus | None  # None: every target from as_of's year on is met
    method: str
    missing: int
    gain: int
    count: int
    quantity: int
    spend_cents: int
    share_after: float | None
    reached: bool
    assets: tuple[AssetView, ...]
    ids: tuple[int, ...]

    @property
    def spend(self) -> Decimal:
        """What the picked replacements cost, in currency units."""
        return money(self.spend_cents)


def replacements(session: Session, bank_id: int, rulebook: str, version: str | None,
                 as_of: date, limit: int = 1000) -> Replacements:
    """The cheapest replacements that reach the next unmet target (see the module doc)."""
    return replacements_for(session, portfolio_state(session, bank_id, rulebook, version,
                                                     as_of), limit)


def replacements_for(session: Session, state: State, limit: int = 1000) -> Replacements:
    """:func:`replacements` for metrics already computed."""
    metrics = state.metrics
    target = metrics.next_target
    if target is None:
        return Replacements(metrics.rulebook, metrics.version, metrics.as_of, None, "none", 0,
                            0, 0, 0, 0, None, True, (), ())
    start = date(target.year, 1, 1) if target.scope == "new-purchases" else None
    candidates = failing_assets(session, metrics.bank_id,
                                state.verdicts.passing_on(target.on), state.present,
                                target.categories, start, target.on)
    pool = Pool(candidates.ids, candidates.spends if target.basis is Basis.SPEND
                else candidates.quantities, candidates.spends)
    picked = cover(pool, target.missing)
    if target.basis is Basis.SPEND:
        by_id = dict(zip(candidates.ids, candidates.quantities, strict=True))
        quantity = sum(by_id[i] for i in picked.ids)
    else:
        quantity = picked.gain
    passing_after = target.passing + picked.gain
    return Replacements(
        metrics.rulebook, metrics.version, metrics.as_of, target, picked.method,
        target.missing, picked.gain, len(picked.ids), quantity,
        picked.cost, passing_after / target.total if target.total else None, picked.feasible,
        tuple(describe(session, picked.ids[:limit])), picked.ids)
