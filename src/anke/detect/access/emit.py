"""Collecting one member's access findings: stable ids, clipped and redacted evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from anke.findings.model import Confidence, Finding, FindingKind, Skipped, confidence_rank

DETECTOR = "access"
MAX_EVIDENCE = 200
MAX_FINDINGS = 200
MAX_NOTES = 20
RULE_COMPARE = "access.auth-literal-compare"
RULE_KEYWORD = "secret.hard-coded-credential"
_URL_PASSWORD = re.compile(r"(://[^/\s:@'\"]+:)[^@\s/'\"]+@")
_SPACES = re.compile(r"\s+")


def redact(value: str) -> str:
    """A secret shown without its value: at most its first and last two characters."""
    if len(value) >= 12:
        return f'"{value[:2]}...{value[-2:]}" ({len(value)} chars)'
    return f'"***" ({len(value)} chars)'


def clean(text: str, limit: int = MAX_EVIDENCE) -> str:
    """Evidence text: whitespace folded, URL passwords masked, cut to ``limit``."""
    text = _URL_PASSWORD.sub(r"\1***@", _SPACES.sub(" ", text).strip())
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


@dataclass
class Sink:
    """The findings and notes of one member; one finding per rule and place, the surest kept."""

    path: str
    findings: dict[tuple[str, int, str], Finding] = field(default_factory=dict)
    notes: list[Skipped] = field(default_factory=list)
    full: bool = False

    def add(self, rule: str, kind: FindingKind, line: int, column: int, evidence: str,
            confidence: Confidence, key: str = "") -> None:
        """Record a finding at ``line``/``column``; ``key`` separates findings on one line."""
        slot = (rule, line, key)
        evidence = clean(evidence)
        old = self.findings.get(slot)
        if old is not None and confidence_rank(old.confidence) >= confidence_rank(confidence):
            return
        if old is None and len(self.findings) >= MAX_FINDINGS:
            if not self.full:
                self.note(f"more than {MAX_FINDINGS} access findings; the rest not listed")
            self.full = True
            return
        self.findings[slot] = Finding(
            id=Finding.make_id(rule, self.path, line, column, evidence, None),
            detector=DETECTOR, rule=rule, kind=kind, path=self.path, line=line,
            column=column, evidence=evidence, confidence=confidence)

    def note(self, reason: str) -> None:
        """Record why part of the member was passed over."""
        if len(self.notes) < MAX_NOTES:
            self.notes.append(Skipped(path=self.path, reason=clean(reason, 300)))

    def sorted(self) -> list[Finding]:
        """The findings in report order; a credential compared with a literal is reported
        once, as the comparison, not again as an assignment-like secret."""
        compared = {f.line for f in self.findings.values() if f.rule == RULE_COMPARE}
        return sorted((f for f in self.findings.values()
                       if not (f.rule == RULE_KEYWORD and f.line in compared)),
                      key=Finding.sort_key)
