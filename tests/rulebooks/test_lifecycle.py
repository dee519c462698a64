"""Which version is in force on a date, on and around every boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from anke.rulebooks.lifecycle import Standing, resolve
from anke.rulebooks.loader import LoadedRulebook, load_rulebook_file
from sample_rulebook import write_sample


@pytest.fixture
def book(tmp_path: Path) -> LoadedRulebook:
    return load_rulebook_file(write_sample(tmp_path))


@pytest.mark.parametrize(("day", "standing", "version"), [
    ("2019-06-01", Standing.NOT_IN_FORCE, None),  # a draft is never in force
    ("2020-01-01", Standing.NOT_IN_FORCE, None),  # issued, not yet effective
    ("2020-01-31", Standing.NOT_IN_FORCE, None),
    ("2020-02-01", Standing.IN_FORCE, "v1"),  # the day it takes effect
    ("2020-12-31", Standing.IN_FORCE, "v1"),
    ("2021-01-01", Standing.SUSPENDED, "v1"),  # the day of the suspension
    ("2021-06-01", Standing.SUSPENDED, "v1"),  # the hypothetical draft is never picked
    ("2021-12-31", Standing.SUSPENDED, "v1"),
    ("2022-01-01", Standing.IN_FORCE, "v2"),  # reissued: the new version supersedes
    ("2023-12-31", Standing.IN_FORCE, "v2"),
    ("2024-01-01", Standing.WITHDRAWN, "v2"),
])
def test_standing_by_date(book: LoadedRulebook, day: str, standing: Standing,
                          version: str | None) -> None:
    resolution = resolve(book, dt.date.fromisoformat(day))
    assert resolution.standing is standing
    assert (resolution.version.version.version if resolution.version else None) == version
    assert resolution.chosen_by == "date"


def test_messages_say_what_happened(book: LoadedRulebook) -> None:
    assert resolve(book, dt.date(2020, 7, 1)).message == (
        "sample-book version v1 (First text) is in force on 2020-07-01: in force since "
        "2020-02-01; clarified 2020-06-01.")
    assert resolve(book, dt.date(2021, 6, 1)).message == (
        "sample-book is not in force on 2021-06-01: sample-book version v1 (First text) was "
        "suspended on 2021-01-01 (to be revised); no other version is in force.")
    assert resolve(book, dt.date(2019, 1, 1)).message == (
        "sample-book is not in force on 2019-01-01: no version had come into force; its first "
        "version comes into force on 2020-02-01.")


def test_a_version_asked_for_by_name_keeps_its_own_standing(book: LoadedRulebook) -> None:
    draft = resolve(book, dt.date(2021, 6, 1), "v2-draft")
    assert (draft.standing, draft.chosen_by) == (Standing.NOT_IN_FORCE, "name")
    assert "[hypothetical]" in draft.message
    assert "latest event is draft on 2021-03-01" in draft.message
    assert [e.type.value for e in draft.events()] == ["draft"]
