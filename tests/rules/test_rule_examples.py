"""Every example shipped in a rule file is run: what it expects, exactly, and nothing else."""

from __future__ import annotations

import pytest

from anke.findings.model import Finding
from anke.rules import load_rules
from conftest import Detect, summarise

CASES = [
    pytest.param(rule_file, rule, example, id=f"{rule.id}#{index}")
    for rule_file in load_rules().files
    for rule in rule_file.rules
    for index, example in enumerate(rule.examples)
]


def _matches(finding: Finding, expected: dict[str, str | int | None]) -> bool:
    return all(getattr(finding, key) == value for key, value in expected.items())


@pytest.mark.parametrize(("rule_file", "rule", "example"), CASES)
def test_rule_example(rule_file, rule, example, detect: Detect) -> None:  # type: ignore[no-untyped-def]
    language = (example.language or rule_file.languages[0]).value
    findings = detect(example.code, language)
    wanted = sorted(((e.get("algorithm"), e.get("line")) for e in example.expect),
                    key=lambda t: (t[1] or 0, t[0] or ""))
    assert summarise(findings) == wanted, [f.model_dump(exclude_none=True) for f in findings]
    for expected in example.expect:
        assert any(_matches(f, expected) for f in findings), (expected, findings)
