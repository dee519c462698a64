"""The cheapest replacements: the solvers against brute force, and on the hand-built portfolio."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from portfolio_factory import AS_OF, RULEBOOK, VERSION, build

from anke.service.db.session import Database
from anke.service.portfolio.replacements import (
    Item,
    cover,
    cover_exact,
    cover_greedy,
    replacements,
)


def _brute(items: list[Item], need: int) -> int | None:
    best: int | None = None
    for size in range(len(items) + 1):
        for pick in itertools.combinations(items, size):
            if sum(item.gain for item in pick) >= need:
                cost = sum(item.cost for item in pick)
                best = cost if best is None else min(best, cost)
    return best


def _instances(seed: int, count: int) -> list[tuple[list[Item], int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        spend_basis = rng.random() < 0.5
        items = []
        for index in range(rng.randint(0, 9)):
            cost = rng.randint(0, 60) * rng.choice((1, 10, 100))
            items.append(Item(index, cost if spend_basis else rng.randint(1, 25), cost))
        out.append((items, rng.randint(0, sum(item.gain for item in items) + 3)))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_equals_brute_force(seed: int) -> None:
    for items, need in _instances(seed, 400):
        best = _brute(items, need)
        found = cover_exact(items, need)
        if best is None:
            assert not found.feasible
            continue
        assert found.feasible and found.gain >= need
        assert found.cost == best, (items, need)
        picked = {item.id: item for item in items if item.id in found.ids}
        assert sum(item.cost for item in picked.values()) == found.cost
        assert len(set(found.ids)) == len(found.ids)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_greedy_covers_within_twice_the_least_cost(seed: int) -> None:
    for items, need in _instances(seed, 400):
        best = _brute(items, need)
        found = cover_greedy(items, need)
        assert len(set(found.ids)) == len(found.ids)
        if best is None:
            assert not found.feasible
            continue
        assert found.feasible and found.gain >= need
        assert best <= found.cost <= 2 * best, (items, need)


def test_cover_picks_the_dp_when_small_and_the_greedy_otherwise() -> None:
    items = [Item(1, 30, 500), Item(2, 5, 250), Item(3, 5, 250), Item(4, 16, 300)]
    assert cover(items, 15).method == "exact"
    assert cover(items, 15).ids == (4,)
    assert cover(items, 15, cells=10).method == "greedy"
    assert cover(items, 0).method == "none"
    # gains with a common divisor shrink the table: 4 items x (1 + 300/100) cells
    tens = [Item(n, 100 * n, 100 * n) for n in range(1, 5)]
    assert cover(tens, 300, cells=16).method == "exact"
    assert cover(tens, 300, cells=16).cost == 300


def test_replacements_reach_the_next_target(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        first = replacements(session, built.bank, RULEBOOK, None, AS_OF)
        later = replacements(session, built.bank, RULEBOOK, VERSION, dt.date(2016, 1, 1))
    # 2015: every new desktop must pass; the one desktop has no known version
    assert first.target is not None and first.target.index == 0
    assert (first.missing, first.count, first.quantity, first.spend_cents) == (5, 1, 5, 25000)
    assert [asset.id for asset in first.assets] == [built.assets[3]]
    assert first.method == "exact" and first.reached and first.share_after == 1.0
    # 2019: 15 more of 100 must pass; os-2 (30 for 500.00) beats av-1 + desktop (10, 500.00)
    assert later.target is not None and later.target.index == 8
    assert (later.missing, later.gain, later.spend_cents) == (15, 30, 50000)
    only = later.assets[0]
    assert (only.id, only.product, only.version, only.spend) == (
        built.assets[1], "OS", "2", Decimal("500.00"))
    assert later.share_after == pytest.approx(0.9)


def test_nothing_to_replace_when_every_target_is_met(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        done = replacements(session, built.bank, RULEBOOK, VERSION, dt.date(2020, 1, 1))
    assert (done.target, done.method, done.count, done.assets) == (None, "none", 0, ())
