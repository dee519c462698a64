"""SARIF 2.1.0 for GitHub code scanning: detector findings and, after a check, control verdicts.

Rules: one per detector rule (``ruleId`` = the finding's rule) and, with an evaluation, one
per control (``<rulebook>/<control>``).

Results: one per finding, ``warning`` when a rulebook would weigh it (high or medium
confidence, product code) and ``note`` otherwise (low confidence; tests, docs, examples).
One per control verdict that is not a pass or not applicable: ``fail`` is ``error`` for a
mandatory control and ``warning`` for an advisory one, ``needs-evidence`` is ``warning``;
when the rulebook does not bind on the date (suspended, withdrawn, not in force) every
verdict is informational, ``note``. A control result is located at its first finding and
relates all of them; a verdict with no finding (a missing attestation, a required algorithm
never found) is located at the scanned root, since GitHub refuses results without a location.

Locations: ``artifactLocation.uri`` is the finding's path relative to the scanned root; an
archive member (``a.zip!/b/C.class``) is located at its outer archive (``a.zip``), the only
file a repository holds, with no region, and the member path is named in the message and in
``properties.member``. Text findings give ``startLine``/``startColumn``, binary findings
``byteOffset``. ``partialFingerprints`` carry the finding's stable id.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from anke.evaluation.result import ControlVerdict, Evaluation, Overall, Verdict
from anke.findings.model import Confidence, Finding, ScanDocument
from anke.report.inventory import set_of

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT = "ankeFindingId/v1"
CONTROL_FINGERPRINT = "ankeControl/v1"
MAX_RELATED = 100  # related locations listed per control result
MEMBER = "!/"

_BINDING = {Overall.PASS, Overall.FAIL, Overall.NEEDS_EVIDENCE}
_URI_SAFE = "/!$&'()*+,;=:@-._~"


def _uri(path: str, prefix: str) -> str:
    return quote(prefix + path, safe=_URI_SAFE)


def _unique(items: list[str]) -> list[str]:
    """The items, each once, in order (SARIF tags must be unique)."""
    return list(dict.fromkeys(items))


def finding_level(finding: Finding) -> str:
    """``warning`` for findings a rulebook weighs by default, ``note`` for the rest."""
    if finding.confidence is Confidence.LOW or finding.context is not None:
        return "note"
    return "warning"


def control_level(control: ControlVerdict, binding: bool) -> str | None:
    """The level of a control verdict's result; None when it gets no result."""
    if control.verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE):
        return None
    if not binding:
        return "note"
    if control.verdict is Verdict.FAIL:
        return "error" if control.severity == "mandatory" else "warning"
    return "warning"


def physical_location(finding: Finding, prefix: str = "") -> dict[str, Any]:
    """Where a finding is, as a SARIF location (outer archive for archive members)."""
    outer, _, member = finding.path.partition(MEMBER)
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(outer, prefix)}}
    if not member:
        if finding.line is not None:
            region: dict[str, int] = {"startLine": max(finding.line, 1)}
            if finding.column is not None:
                region["startColumn"] = max(finding.column, 1)
            physical["region"] = region
        elif finding.offset is not None:
            physical["region"] = {"byteOffset": max(finding.offset, 0)}
    return {"physicalLocation": physical}


def _where(finding: Finding) -> str:
    """``path:line`` or ``path@offset`` for messages."""
    if finding.line is not None:
        return f"{finding.path}:{finding.line}"
    if finding.offset is not None:
        return f"{finding.path}@{finding.offset}"
    return finding.path


def _finding_rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "shortDescription": {"text": f"{finding.kind.value} found by the {finding.detector} "
                                     f"detector ({finding.rule})"},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": _unique(["cryptography", "anke", finding.detector,
                                        finding.kind.value])},
    }


def _finding_properties(finding: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"kind": finding.kind.value, "detector": finding.detector,
                             "confidence": finding.confidence.value, "path": finding.path}
    for name in ("algorithm", "primitive", "mode", "padding", "key_bits", "curve", "library",
                 "version", "purl"):
        value = getattr(finding, name)
        if value is not None:
            props[name] = value
    if finding.context is not None:
        props["context"] = finding.context.value
    if MEMBER in finding.path:
        props["member"] = finding.path
        if finding.line is not None:
            props["memberLine"] = finding.line
        if finding.offset is not None:
            props["memberOffset"] = finding.offset
    props["tags"] = _unique([finding.kind.value, *([finding.algorithm] if finding.algorithm
                                                   else [])])
    return props


def _finding_result(finding: Finding, index: int, prefix: str) -> dict[str, Any]:
    text = finding.evidence
    if MEMBER in finding.path:
        text = f"{text} (in archive member {_where(finding)})"
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": finding_level(finding),
        "message": {"text": text},
        "locations": [physical_location(finding, prefix)],
        "partialFingerprints": {FINGERPRINT: finding.id},
        "properties": _finding_properties(finding),
    }


def _control_id(evaluation: Evaluation, control: ControlVerdict) -> str:
    return f"{evaluation.rulebook.id}/{control.id}"


def _control_rule(evaluation: Evaluation, control: ControlVerdict) -> dict[str, Any]:
    mandatory = control.severity == "mandatory"
    text = f"{control.citation}." + (f" {control.note}" if control.note else "")
    return {
        "id": _control_id(evaluation, control),
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": text},
        "help": {"text": f"{evaluation.rulebook.title}: {control.title} ({control.citation})"},
        "defaultConfiguration": {"level": "error" if mandatory else "warning"},
        "properties": {"tags": _unique(["compliance", "anke", evaluation.rulebook.id]),
                       "severity": control.severity},
    }


def _root_location(root: str, prefix: str) -> dict[str, Any]:
    name = PurePosixPath(root.replace("\\", "/")).name or root
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(name, prefix)}}}


def _control_result(evaluation: Evaluation, control: ControlVerdict, index: int, level: str,
                    by_id: dict[str, Finding], prefix: str) -> dict[str, Any]:
    located = [by_id[i] for i in control.findings if i in by_id]
    verdict = control.verdict.value
    text = f"{control.title}: {verdict} under {evaluation.rulebook.title}"
    if evaluation.rulebook.version:
        text += f" version {evaluation.rulebook.version}"
    text += f" as of {evaluation.as_of.isoformat()}"
    if control.reasons:
        text += ". " + "; ".join(control.reasons)
    if evaluation.overall not in _BINDING:
        text += f". The rulebook is {evaluation.overall.value} on that date: for information."
    result: dict[str, Any] = {
        "ruleId": _control_id(evaluation, control),
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [physical_location(located[0], prefix) if located
                      else _root_location(evaluation.root, prefix)],
        "partialFingerprints": {CONTROL_FINGERPRINT: hashlib.sha256(
            f"{_control_id(evaluation, control)}\x1f{evaluation.root}".encode()).hexdigest()[:20]},
        "properties": {"verdict": verdict, "severity": control.severity,
                       "citation": control.citation, "findings": control.findings,
                       "evidence": control.evidence, "rulebookVersion":
                       evaluation.rulebook.version, "asOf": evaluation.as_of.isoformat()},
    }
    if located:
        related = []
        for number, finding in enumerate(located[:MAX_RELATED]):
            location = physical_location(finding, prefix)
            location["id"] = number
            location["message"] = {"text": f"{_where(finding)}: {finding.evidence}"}
            related.append(location)
        result["relatedLocations"] = related
    return result


def sarif_document(document: ScanDocument, evaluation: Evaluation | None = None, *,
                   uri_prefix: str = "") -> dict[str, Any]:
    """The SARIF 2.1.0 log of a scan, with the evaluation's control verdicts when given.

    ``uri_prefix`` is put before every path (e.g. ``"src/"`` when the scanned folder is
    ``src`` of the repository the log is uploaded for).
    """
    findings = set_of([*document.findings, *(evaluation.findings if evaluation else [])])
    findings.sort(key=Finding.sort_key)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for finding in findings:
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(_finding_rule(finding))
        results.append(_finding_result(finding, index[finding.rule], uri_prefix))
    run: dict[str, Any] = {"tool": {"driver": {
        "name": document.tool.name, "version": document.tool.version,
        "semanticVersion": document.tool.version, "rules": rules}}}
    if evaluation is not None:
        by_id = {f.id: f for f in findings}
        binding = evaluation.overall in _BINDING
        for control in evaluation.controls:
            rule_id = _control_id(evaluation, control)
            if rule_id not in index:
                index[rule_id] = len(rules)
                rules.append(_control_rule(evaluation, control))
            level = control_level(control, binding)
            if level is not None:
                results.append(_control_result(evaluation, control, index[rule_id], level,
                                               by_id, uri_prefix))
        run["properties"] = {
            "rulebook": evaluation.rulebook.id, "rulebookVersion": evaluation.rulebook.version,
            "asOf": evaluation.as_of.isoformat(), "overall": evaluation.overall.value,
            "standing": evaluation.standing, "message": evaluation.message,
            "verdicts": evaluation.counts()}
    run["results"] = results
    run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [
        {"level": "note", "message": {"text": f"{skip.path}: {skip.reason}"}}
        for skip in (document.stats.skipped[:MAX_RELATED])]}]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(document: ScanDocument, evaluation: Evaluation | None = None, *,
                 uri_prefix: str = "") -> str:
    """The SARIF log as indented JSON text."""
    data = sarif_document(document, evaluation, uri_prefix=uri_prefix)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_sarif(document: ScanDocument, out: TextIO, evaluation: Evaluation | None = None, *,
                uri_prefix: str = "") -> None:
    """Write the SARIF 2.1.0 log of a scan (and of its check) to ``out``."""
    out.write(render_sarif(document, evaluation, uri_prefix=uri_prefix))
