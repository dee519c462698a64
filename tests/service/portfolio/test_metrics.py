"""Portfolio metrics on the hand-built portfolio of ``portfolio_factory``, on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from portfolio_factory import AS_OF, RULEBOOK, VERSION, build

from anke.rulebooks.model import Basis, Target
from anke.service.db.session import Database
from anke.service.portfolio.assets import buckets
from anke.service.portfolio.metrics import (
    compute,
    needed,
    pick_version,
    portfolio_metrics,
)
from anke.service.portfolio.verdicts import FixedVerdicts, listing_verdicts
from anke.service.refusals import Invalid, NotFound


def test_shares_per_category_and_in_total(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        metrics = portfolio_metrics(session, built.bank, RULEBOOK, None, AS_OF)
    assert (metrics.version, metrics.as_of) == (VERSION, AS_OF)  # in force on 2015-03-01
    total = metrics.total
    assert (total.assets, total.quantity, total.quantity_passing, total.quantity_unknown) == (
        4, 50, 15, 5)
    assert (total.spend, total.spend_passing, total.spend_unknown) == (
        Decimal("2000.00"), Decimal("1250.00"), Decimal("250.00"))
    assert total.count_share == pytest.approx(0.3)
    assert total.spend_share == pytest.approx(0.625)
    shares = {t.category: (t.quantity_passing, t.quantity, t.spend_passing_cents,
                           t.spend_cents) for t in metrics.categories}
    assert [t.category for t in metrics.categories] == ["desktop", "anti-virus",
                                                         "operating-system"]
    assert shares == {"desktop": (0, 5, 0, 25000), "anti-virus": (5, 5, 25000, 25000),
                      "operating-system": (10, 40, 100000, 150000)}


def test_targets_are_measured_at_the_end_of_their_year(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        metrics = portfolio_metrics(session, built.bank, RULEBOOK, VERSION, AS_OF)
    by_index = {status.index: status for status in metrics.targets}
    assert len(by_index) == 9
    desktop, software, antivirus, base = by_index[0], by_index[1], by_index[2], by_index[8]
    # new purchases of 2015: the desktop has no version, so it cannot pass
    assert (desktop.categories, desktop.scope, desktop.passing, desktop.total) == (
        ("desktop",), "new-purchases", 0, 5)
    assert (desktop.met, desktop.missing, desktop.actual) == (False, 5, 0.0)
    assert (software.total, software.actual, software.met) == (0, None, None)
    # av-1 was removed from the list on 2015-06-01: failing on 2015-12-31
    assert (antivirus.passing, antivirus.total, antivirus.missing) == (0, 5, 3)
    assert by_index[5].share is None and by_index[5].met is None
    # 2019: installed base by count: os-1 (10 + 50) of 100
    assert (base.on, base.passing, base.total, base.missing, base.met) == (
        dt.date(2019, 12, 31), 60, 100, 15, False)
    assert metrics.next_target == desktop


def test_the_series_per_year_for_the_chart(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        metrics = portfolio_metrics(session, built.bank, RULEBOOK, VERSION, AS_OF)
    series = {point.year: (point.total.quantity_passing, point.total.quantity)
              for point in metrics.years}
    assert series == {2013: (0, 10), 2014: (10, 40), 2015: (10, 50), 2016: (60, 100),
                      2017: (60, 100), 2018: (60, 100), 2019: (60, 100)}
    point = {p.year: p for p in metrics.years}
    assert (point[2015].new_purchases.quantity, point[2015].new_purchases.quantity_passing
            ) == (10, 0)
    assert point[2016].new_purchases.quantity == 50
    assert [status.index for status in point[2015].targets] == [0, 1, 2, 3, 4]
    assert [status.index for status in point[2019].targets] == [8]
    assert [t.category for t in point[2016].categories] == [
        "desktop", "software", "anti-virus", "operating-system"]


def test_next_target_after_2015_is_the_2019_one(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        metrics = portfolio_metrics(session, built.bank, RULEBOOK, VERSION,
                                    dt.date(2016, 1, 1))
    assert metrics.next_target is not None and metrics.next_target.index == 8
    assert metrics.total.quantity == 50  # the 2016-07-01 asset is not in service yet


def test_another_banks_assets_never_count(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        theirs = portfolio_metrics(session, built.other_bank, RULEBOOK, VERSION, AS_OF)
        nobody = portfolio_metrics(session, 999_999, RULEBOOK, VERSION, AS_OF)
    assert (theirs.total.quantity, theirs.total.quantity_passing) == (1000, 0)
    assert nobody.total.quantity == 0 and nobody.total.count_share is None


def test_versions_and_rulebooks_are_checked(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        with pytest.raises(Invalid, match="not in force"):
            portfolio_metrics(session, built.bank, RULEBOOK, None, dt.date(2016, 1, 1))
        with pytest.raises(NotFound, match="no rulebook"):
            portfolio_metrics(session, built.bank, "nope", None, AS_OF)
        with pytest.raises(NotFound, match="no version"):
            portfolio_metrics(session, built.bank, RULEBOOK, "1999", AS_OF)


def test_spend_basis_and_fixed_verdicts(database: Database) -> None:
    built = build(database)
    resolved = dataclasses.replace(pick_version(RULEBOOK, VERSION, AS_OF), targets=(
        Target(year=2016, share=0.5, basis=Basis.SPEND, categories=("operating-system",)),
        Target(year=2016, share=0.3, basis=Basis.SPEND, scope="new-purchases")))
    with database.reader() as session:
        rows = buckets(session, built.bank, AS_OF)
        listed = listing_verdicts(session, RULEBOOK, VERSION)
    metrics = compute(rows, listed, resolved, built.bank, AS_OF, "test")
    base, new = metrics.targets
    assert (base.passing, base.total, base.missing, base.met) == (100000, 150000, 0, True)
    assert (new.passing, new.total, new.met) == (200000, 200000, True)
    fixed = FixedVerdicts(frozenset({built.versions["os-2"]}),
                          frozenset({built.versions["av-1"]}))
    judged = compute(rows, fixed, resolved, built.bank, AS_OF, "test")
    assert (judged.total.quantity_passing, judged.total.quantity_unknown) == (30, 10)
    assert judged.targets[0].passing == 50000 and judged.targets[0].missing == 25000


def test_needed_is_exact() -> None:
    assert needed(0.75, 100) == 75
    assert needed(0.1, 30) == 3  # 0.1 * 30 is 3.0000000000000004 in floats
    assert needed(0.5, 5) == 3
    assert needed(1.0, 7) == 7
