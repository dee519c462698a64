"""The terminal report of ``anke check``: standing, per-control verdicts, what-if changes."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from anke.evaluation.result import Evaluation, Overall, Verdict
from anke.evaluation.whatif import Change, label

_STYLE = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.NEEDS_EVIDENCE: "yellow",
          Verdict.NOT_APPLICABLE: "dim"}
_OVERALL_STYLE = {Overall.PASS: "bold green", Overall.FAIL: "bold red",
                  Overall.NEEDS_EVIDENCE: "bold yellow"}
_MAX_REASONS = 3


def _controls(evaluation: Evaluation) -> Table:
    table = Table(title=f"{escape(label(evaluation))} as of {evaluation.as_of}",
                  title_justify="left", show_lines=False)
    table.add_column("control")
    table.add_column("verdict")
    table.add_column("why", overflow="fold")
    for control in evaluation.controls:
        reasons = control.reasons[:_MAX_REASONS]
        if len(control.reasons) > _MAX_REASONS:
            reasons.append(f"... {len(control.reasons) - _MAX_REASONS} more")
        if control.severity == "advisory":
            reasons.append("(advisory: does not fail the evaluation)")
        if control.note:
            reasons.append(f"note: {control.note}")
        style = _STYLE[control.verdict]
        table.add_row(f"{escape(control.id)}\n[dim]{escape(control.title)}[/]",
                      f"[{style}]{control.verdict.value}[/]", escape("\n".join(reasons)))
    return table


def _changes(changes: list[Change], before: str, after: str) -> Table:
    table = Table(title=f"what-if: {escape(before)} -> {escape(after)}", title_justify="left")
    table.add_column("control")
    table.add_column("before")
    table.add_column("after")
    table.add_column("why", overflow="fold")
    for change in changes:
        table.add_row(escape(change.control), change.before or "(absent)",
                      change.after or "(absent)", escape(change.why))
    return table


def render_check(evaluation: Evaluation, whatif: tuple[Evaluation, list[Change]] | None = None,
                 width: int | None = None) -> str:
    """The check result as text for a terminal (or a file, without colour)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=False, no_color=True,
                      highlight=False)
    console.print(escape(evaluation.message))
    if evaluation.category or evaluation.level:
        scope = ", ".join(x for x in (
            f"category {evaluation.category}" if evaluation.category else "",
            f"level {evaluation.level}" if evaluation.level else "") if x)
        console.print(f"evaluated for {escape(scope)}")
    if evaluation.controls:
        console.print(_controls(evaluation))
    for item in evaluation.excluded:
        console.print(f"excluded by the rulebook: {escape(item.criterion)} "
                      f"({escape(item.reason)})")
    counts = ", ".join(f"{n} {name}" for name, n in evaluation.counts().items() if n)
    if evaluation.overall in (Overall.SUSPENDED, Overall.WITHDRAWN, Overall.NOT_IN_FORCE):
        tail = ""
        if evaluation.if_in_force is not None:
            tail = (f" (were it in force: {evaluation.if_in_force.value.upper()}, {counts}; "
                    "the verdicts above are for information only)")
        console.print(f"overall: {evaluation.overall.value.upper()}{escape(tail)}")
    else:
        style = _OVERALL_STYLE.get(evaluation.overall, "bold")
        console.print(f"overall: [{style}]{evaluation.overall.value.upper()}[/] ({counts})")
    if whatif is not None:
        other, changes = whatif
        console.print(escape(other.message))
        if changes:
            console.print(_changes(changes, label(evaluation), label(other)))
        else:
            console.print("what-if: no control changes verdict")
        more = (f" (were it in force: {other.if_in_force.value.upper()})"
                if other.if_in_force is not None else "")
        console.print(f"overall under {escape(label(other))}: "
                      f"{other.overall.value.upper()}{more}")
    return buffer.getvalue()
