"""Evaluate a scan's findings against the rulebook version a date (or a name) picks.

Per control: not applicable when the product's category or protection level is not one it
covers, or the date is outside the period it applies in; otherwise every check runs and the
worst outcome wins (fail, needs-evidence, pass; not applicable only when every check is).
The overall verdict is the worst of the mandatory controls, unless the rulebook is not in
force on the date: then it is the rulebook's standing (suspended, withdrawn, not in force),
and the verdicts are kept for information only.
"""

from __future__ import annotations

from anke import __version__
from anke.catalog import Catalog, load_catalog
from anke.evaluation.checks import Context, Outcome, run_check
from anke.evaluation.evidence import Evidence
from anke.evaluation.result import (
    ControlVerdict,
    Evaluation,
    Exclusion,
    Overall,
    RulebookRef,
    Verdict,
)
from anke.findings.model import ScanDocument, ToolInfo
from anke.rulebooks.lifecycle import Resolution, Standing
from anke.rulebooks.model import Control, Rulebook, Severity

_ORDER = {Verdict.FAIL: 3, Verdict.NEEDS_EVIDENCE: 2, Verdict.PASS: 1, Verdict.NOT_APPLICABLE: 0}
_NOT_BINDING = {Standing.SUSPENDED: Overall.SUSPENDED, Standing.WITHDRAWN: Overall.WITHDRAWN,
                Standing.NOT_IN_FORCE: Overall.NOT_IN_FORCE}


def _citation(rulebook: Rulebook, control: Control) -> str:
    titles = {source.id: source.title for source in rulebook.sources}
    text = titles.get(control.citation.source, control.citation.source)
    return f"{text}, {control.citation.locator}" if control.citation.locator else text


def _not_applicable(control: Control, category: str | None, level: int | None,
                    resolution: Resolution) -> str | None:
    """Why a control does not apply, or None when it does."""
    if category is not None and control.categories and category not in control.categories:
        return f"applies to {', '.join(control.categories)}, not {category}"
    if level is not None and control.levels and level not in control.levels:
        return f"applies at protection levels {', '.join(map(str, control.levels))}, not {level}"
    period = control.applies
    as_of = resolution.as_of
    if period is not None:
        if period.start is not None and as_of < period.start:
            return f"applies from {period.start}" + (f" ({period.note})" if period.note else "")
        if period.end is not None and as_of > period.end:
            return f"applied until {period.end}" + (f" ({period.note})" if period.note else "")
    return None


def _judge(control: Control, ctx: Context) -> Outcome:
    outcomes = [run_check(check, ctx) for check in control.checks]
    worst = max(outcomes, key=lambda item: _ORDER[item.verdict])
    verdict = worst.verdict
    merged = Outcome(verdict)
    for outcome in outcomes:
        if verdict is Verdict.PASS or outcome.verdict is verdict or len(outcomes) == 1:
            merged.reasons.extend(outcome.reasons)
        merged.findings.extend(f for f in outcome.findings if f not in merged.findings)
        merged.review.extend(f for f in outcome.review if f not in merged.review)
        merged.evidence.extend(outcome.evidence)
    return merged


def evaluate(resolution: Resolution, document: ScanDocument, evidence: Evidence | None = None,
             *, category: str | None = None, level: int | None = None,
             catalog: Catalog | None = None) -> Evaluation:
    """Judge a scan document under a resolved rulebook version."""
    catalog = catalog or load_catalog()
    evidence = evidence or Evidence()
    resolved = resolution.version
    verdicts: list[ControlVerdict] = []
    findings = tuple(document.findings)
    if resolved is not None:
        for control in resolved.controls:
            why_not = _not_applicable(control, category, level, resolution)
            if why_not is not None:
                outcome = Outcome(Verdict.NOT_APPLICABLE, [why_not])
            else:
                ctx = Context(findings, catalog, evidence, resolution.as_of, control.id)
                outcome = _judge(control, ctx)
            verdicts.append(ControlVerdict(
                id=control.id, title=control.title, verdict=outcome.verdict,
                severity=control.severity.value, citation=_citation(resolution.rulebook, control),
                reasons=outcome.reasons, findings=outcome.findings, review=outcome.review,
                evidence=outcome.evidence, note=control.note))
    controls = resolved.controls if resolved else ()
    overall = _overall(resolution, controls, verdicts)
    if_in_force = _binding(controls, verdicts) if overall in _NOT_BINDING.values() and \
        verdicts else None
    named = {item for verdict in verdicts for item in (*verdict.findings, *verdict.review)}
    rulebook = resolution.rulebook
    return Evaluation(
        tool=ToolInfo(version=__version__, rules_digest=document.tool.rules_digest),
        root=document.root,
        rulebook=RulebookRef(
            id=rulebook.id, title=rulebook.title,
            version=resolved.version.version if resolved else None,
            version_title=resolved.version.title if resolved else None,
            hypothetical=resolved.version.hypothetical if resolved else False),
        as_of=resolution.as_of, chosen_by=resolution.chosen_by,
        standing=resolution.standing.value, message=resolution.message,
        category=category, level=level, overall=overall, if_in_force=if_in_force,
        controls=verdicts,
        excluded=[Exclusion(criterion=item.criterion, reason=item.reason)
                  for item in (resolved.excluded if resolved else ())],
        stats=document.stats,
        findings=[finding for finding in document.findings if finding.id in named])


def _overall(resolution: Resolution, controls: tuple[Control, ...],
             verdicts: list[ControlVerdict]) -> Overall:
    if resolution.standing is not Standing.IN_FORCE:
        return _NOT_BINDING[resolution.standing]
    return _binding(controls, verdicts)


def _binding(controls: tuple[Control, ...], verdicts: list[ControlVerdict]) -> Overall:
    """The verdict of the mandatory controls."""
    severity = {control.id: control.severity for control in controls}
    binding = [v.verdict for v in verdicts if severity[v.id] is Severity.MANDATORY]
    if Verdict.FAIL in binding:
        return Overall.FAIL
    if Verdict.NEEDS_EVIDENCE in binding:
        return Overall.NEEDS_EVIDENCE
    return Overall.PASS
