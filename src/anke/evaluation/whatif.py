"""What-if: the same findings judged twice (two versions, or two rulebooks), compared.

Each control that changes verdict, appears or disappears is listed with its verdict before
and after and why, in the words of the checks' own reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from anke.evaluation.result import ControlVerdict, Evaluation


@dataclass(frozen=True)
class Change:
    """One control whose verdict differs between two evaluations."""

    control: str
    title: str
    before: str | None  # verdict, or None when the control is absent before
    after: str | None
    why: str


def label(evaluation: Evaluation) -> str:
    """``cn-cbrc-317@2014-12`` for an evaluation."""
    version = evaluation.rulebook.version or "(none in force)"
    return f"{evaluation.rulebook.id}@{version}"


def _reason(verdict: ControlVerdict) -> str:
    return verdict.reasons[0] if verdict.reasons else verdict.verdict.value


def compare(before: Evaluation, after: Evaluation) -> list[Change]:
    """Controls that differ in verdict or presence, in the order of ``before`` then ``after``."""
    old = {control.id: control for control in before.controls}
    new = {control.id: control for control in after.controls}
    changes: list[Change] = []
    for key, was in old.items():
        now = new.get(key)
        if now is None:
            changes.append(Change(key, was.title, was.verdict.value, None,
                                  f"not in {label(after)}"))
        elif now.verdict is not was.verdict:
            changes.append(Change(key, now.title, was.verdict.value, now.verdict.value,
                                  f"{_reason(was)} -> {_reason(now)}"))
    for key, now in new.items():
        if key not in old:
            changes.append(Change(key, now.title, None, now.verdict.value,
                                  f"only in {label(after)}: {_reason(now)}"))
    return changes
