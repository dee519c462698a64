"""What-if: the controls that change verdict between two versions, and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from anke.evaluation.evaluate import evaluate
from anke.evaluation.whatif import Change, compare
from anke.rulebooks.diff import diff_versions
from anke.rulebooks.lifecycle import resolve
from anke.rulebooks.loader import load_rulebook_file
from findings_factory import document, finding
from sample_rulebook import SAMPLE, write_sample


def test_dropping_a_control_is_the_only_change(tmp_path: Path) -> None:
    book = load_rulebook_file(write_sample(tmp_path))
    day = dt.date(2020, 3, 1)
    doc = document(finding("MD5"))
    before = evaluate(resolve(book, day), doc, category="os")
    after = evaluate(resolve(book, day, "v2-draft"), doc, category="os")
    assert compare(before, after) == [
        Change("filing", "Source filing", "needs-evidence", None, "not in sample-book@v2-draft")]


def test_a_changed_check_names_both_reasons(tmp_path: Path) -> None:
    changed = SAMPLE.replace("    drop: [filing]\n    events:\n      - {type: reissued",
                             "    drop: [filing]\n    controls:\n      - id: no-md5\n"
                             "        title: No MD5\n        text: relaxed\n"
                             "        citation: {source: guide}\n        checks:\n"
                             "          - {type: algorithms, forbidden: {names: [MD4]}}\n"
                             "    events:\n      - {type: reissued")
    book = load_rulebook_file(write_sample(tmp_path, changed))
    doc = document(finding("MD5", line=5))
    before = evaluate(resolve(book, dt.date(2020, 3, 1)), doc)
    after = evaluate(resolve(book, dt.date(2022, 3, 1)), doc)
    assert compare(before, after)[0] == Change(
        "no-md5", "No MD5", "fail", "pass",
        "forbidden algorithm MD5: src/app.c:5 -> 1 finding(s) checked, none in breach")
    assert diff_versions(book.resolve("v1"), book.resolve("v2")) == [
        "sample-book@v1 -> sample-book@v2", "- control filing: Source filing",
        "~ control no-md5: text, citation, checks changed"]
