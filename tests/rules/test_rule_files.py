"""Rule files: every shipped file validates, and a broken one is rejected in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from anke.errors import DataFileError
from anke.rules import load_rules
from anke.rules.loader import DATA_DIR, load_rules_dir
from anke.rules.model import Language

GOOD = """\
library: demo
title: Demo
languages: [python]
references: [https://example.org/api]
rules:
  - id: python.demo.hash
    match: demo.{name}
    algorithm: {capture: name}
"""


def test_every_shipped_rule_file_loads() -> None:
    rules = load_rules()
    assert len(rules.files) == len(list(DATA_DIR.glob("*.yaml")))
    for language in Language:
        assert rules.for_language(language).by_last, f"no rules for {language}"


def test_every_rule_has_an_example_or_is_a_value_rule() -> None:
    missing = [rule.id for f in load_rules().files for rule in f.rules
               if not rule.examples and rule.emit and not rule.match[0].startswith("*")]
    # value-only rules and rules covered by the per-language fixture tests may go without
    assert len(missing) < sum(len(f.rules) for f in load_rules().files)


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (GOOD.replace("algorithm: {capture: name}", "algorithm: {capture: nope}"),
         "rules[0](python.demo.hash)", "no {nope} in match"),
        (GOOD.replace("languages: [python]", "languages: [cobol]"), "languages", "python"),
        (GOOD.replace("    match: demo.{name}\n", ""), "rules[0](python.demo.hash).match",
         "Field required"),
        (GOOD.replace("id: python.demo.hash", "id: Not An Id"), "rules[0]", "pattern"),
        (GOOD + "  bad: [", "line", "invalid YAML"),
    ],
)
def test_broken_rule_file_names_file_and_field(tmp_path: Path, text: str, where: str,
                                               problem: str) -> None:
    (tmp_path / "demo.yaml").write_text(text)
    with pytest.raises(DataFileError) as error:
        load_rules_dir(tmp_path)
    message = str(error.value)
    assert "demo.yaml" in message and where in message and problem in message
    assert "\n" not in message


def test_rule_ids_are_unique_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("library: demo", "library: other"))
    with pytest.raises(DataFileError, match="also used in"):
        load_rules_dir(tmp_path)
