"""Stage two of the indicator rules: the rule's regexes and checks over one line window."""

from __future__ import annotations

import re
from dataclasses import dataclass

from anke.detect.access.checks import CHECKS, group
from anke.detect.access.emit import redact
from anke.detect.access.tables import AccessTables, CompiledPattern
from anke.detect.access.text import Text, Window, is_comment
from anke.findings.model import Confidence

_FIELD = re.compile(r"\{(\w+)\}")
_NO_HASH_COMMENTS = frozenset({"c", "csharp"})
MAX_MATCHES_PER_WINDOW = 20


@dataclass(frozen=True)
class IndicatorHit:
    """One indicator on a line: rule, 0-based column in the window, evidence, confidence."""

    rule: str
    column: int
    evidence: str
    confidence: Confidence
    key: str  # separates findings of one rule on one line (the host or route named)


class IndicatorMatcher:
    """The compiled indicator rules of ``indicators.yaml``, grouped by rule."""

    def __init__(self, tables: AccessTables) -> None:
        self.tables = tables
        self.by_rule: dict[int, list[CompiledPattern]] = {}
        rules = tables.indicators.rules
        for pattern in tables.patterns:
            index = next(i for i, rule in enumerate(rules) if rule is pattern.rule)
            self.by_rule.setdefault(index, []).append(pattern)

    def applies(self, index: int, kinds: frozenset[str]) -> bool:
        """Whether any pattern of rule ``index`` runs on a member of these kinds."""
        return any(p.applies(kinds) for p in self.by_rule[index])

    def scan(self, index: int, kinds: frozenset[str], text: Text,
             window: Window) -> list[IndicatorHit]:
        """The indicators rule ``index`` finds in one line window."""
        line = window.text
        whole_line = window.start == window.line_start
        if whole_line and is_comment(line, hash_comments=not kinds & _NO_HASH_COMMENTS):
            return []
        hits: list[IndicatorHit] = []
        for pattern in self.by_rule[index]:
            if not pattern.applies(kinds):
                continue
            if pattern.unless is not None and pattern.unless.search(line):
                continue
            for found in pattern.regex.finditer(line):
                hit = self._one(pattern, found, text, window)
                if hit is not None:
                    hits.append(hit)
                if len(hits) >= MAX_MATCHES_PER_WINDOW:
                    return hits
        return hits

    def _one(self, pattern: CompiledPattern, found: re.Match[str], text: Text,
             window: Window) -> IndicatorHit | None:
        verdict = CHECKS[pattern.check](found, window.text, self.tables)
        if verdict is None:
            return None
        near = pattern.near
        if near is not None and not near.regex.search(
                text.lines_around(window, near.before, near.after)):
            return None
        confidence = verdict.confidence or pattern.confidence
        escalate = pattern.escalate
        if escalate is not None and escalate.to is not None:
            scope = window.text if escalate.before == 0 and escalate.after == 0 else \
                text.lines_around(window, escalate.before, escalate.after)
            if escalate.regex.search(scope):
                confidence = escalate.to
        fields = {key: value for key, value in found.groupdict().items() if value}
        fields.update(verdict.fields)
        evidence = _render(pattern.evidence, found, fields)
        key = verdict.fields.get("host") or verdict.fields.get("path") or ""
        return IndicatorHit(pattern.rule.id, found.start(), evidence, confidence, key)


def _render(template: str, found: re.Match[str], fields: dict[str, str]) -> str:
    """The evidence: ``{match}`` is the matched text, ``{value}`` a literal shown redacted."""

    def one(field: re.Match[str]) -> str:
        name = field.group(1)
        if name == "match":
            return found.group(0).strip()
        if name == "value":
            value = group(found, "value") or group(found, "value2") or ""
            return redact(value)
        return fields.get(name, "")

    return _FIELD.sub(one, template)
