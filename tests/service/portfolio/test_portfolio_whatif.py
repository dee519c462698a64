"""What-if under the hypothetical draft of cn-cbrc-317 that drops source-code filing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from portfolio_factory import DRAFT, MD5, RULEBOOK, SM3, VERSION, build, inspect

from anke.service.db.session import Database
from anke.service.portfolio.whatif import whatif
from anke.service.refusals import Invalid, NotFound

AS_OF = dt.date(2015, 1, 15)  # 2014-12 in force; source-code filing still required


def test_draft_changes_verdicts_and_shares(database: Database, tmp_path: Path) -> None:
    built = build(database)
    os1, os2, av1 = (built.versions[name] for name in ("os-1", "os-2", "av-1"))
    inspect(database, built, os1, tmp_path, {"md.py": MD5})
    inspect(database, built, os2, tmp_path, {"sm.py": SM3})
    with database.reader() as session:
        result = whatif(session, built.bank, RULEBOOK, DRAFT, AS_OF)
    assert (result.before.version, result.after.version) == (VERSION, DRAFT)
    changes = {change.version_id: (change.before, change.after, change.assets,
                                   change.quantity) for change in result.changes}
    assert changes == {os1: ("pass", "fail", 1, 10),  # MD5 fails under the draft too
                       os2: ("fail", "pass", 1, 30),  # only source-code filing was missing
                       av1: ("fail", "unknown", 1, 5)}  # never inspected
    overall = {change.version_id: change.overall for change in result.changes}
    assert overall == {os1: "fail", os2: "pass", av1: None}
    assert (result.before.total.quantity_passing, result.before.total.quantity) == (10, 45)
    assert (result.after.total.quantity_passing, result.after.total.quantity_unknown) == (30, 5)
    shares = {c.category: (c.count_before, c.count_after) for c in result.categories}
    assert shares[None] == pytest.approx((10 / 45, 30 / 45))
    assert shares["operating-system"] == pytest.approx((0.25, 0.75))
    assert shares["anti-virus"] == (0.0, 0.0)
    by_category = {c.category: c.count_change for c in result.categories}
    assert by_category["operating-system"] == pytest.approx(0.5)
    assert result.changed_assets == 2
    assert [asset.id for asset in result.assets] == built.assets[:2]


def test_whatif_needs_a_baseline_and_a_known_draft(database: Database) -> None:
    built = build(database)
    with database.reader() as session:
        with pytest.raises(Invalid, match="what-if compares"):
            whatif(session, built.bank, RULEBOOK, DRAFT, dt.date(2016, 1, 1))
        with pytest.raises(NotFound):
            whatif(session, built.bank, RULEBOOK, "no-such-draft", AS_OF)
        named = whatif(session, built.bank, RULEBOOK, DRAFT, dt.date(2016, 1, 1),
                       version=VERSION)
    assert named.before.version == VERSION
