"""Collecting one member's findings and notes, with catalog names and stable ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from anke.catalog import Catalog
from anke.findings.model import CertificateFacts, Confidence, Finding, FindingKind, Skipped

DETECTOR = "material"
MAX_EVIDENCE = 200
MAX_NOTES = 20


@dataclass(frozen=True)
class Where:
    """A place in a member: line and column for text, byte offset for binary data."""

    line: int | None = None
    column: int | None = None
    offset: int | None = None

    def describe(self) -> str:
        """``line 3`` or ``offset 120``, for notes."""
        return f"line {self.line}" if self.line is not None else f"offset {self.offset or 0}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marked with ``...`` when cut."""
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


@dataclass
class Sink:
    """The findings and notes of one member, deduplicated by id."""

    path: str
    catalog: Catalog
    findings: list[Finding] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)
    _dropped_notes: int = 0

    def add(self, rule: str, kind: FindingKind, where: Where, evidence: str, *,
            algorithm: str | None = None, key_bits: int | None = None,
            curve: str | None = None, padding: str | None = None,
            confidence: Confidence = Confidence.HIGH,
            certificate: CertificateFacts | None = None) -> None:
        """Record one finding; ``algorithm`` and ``curve`` are read through the catalog."""
        entry = self.catalog.algorithm(algorithm) if algorithm else None
        curve_entry = self.catalog.curve(curve) if curve else None
        pad = self.catalog.padding(padding) if padding else None
        evidence = clip(evidence, MAX_EVIDENCE)
        name = entry.name if entry is not None else None
        finding_id = Finding.make_id(rule, self.path, where.line, where.column, evidence, name)
        if finding_id in self._ids:
            return
        self._ids.add(finding_id)
        self.findings.append(Finding(
            id=finding_id, detector=DETECTOR, rule=rule, kind=kind, algorithm=name,
            primitive=entry.primitive.value if entry is not None else None,
            padding=pad.name if pad is not None else None, key_bits=key_bits,
            curve=curve_entry.name if curve_entry is not None else None,
            path=self.path, line=where.line, column=where.column, offset=where.offset,
            evidence=evidence, confidence=confidence, certificate=certificate))

    def note(self, reason: str) -> None:
        """Record why part of the member was passed over (at most ``MAX_NOTES`` notes)."""
        if len(self.notes) < MAX_NOTES:
            self.notes.append(Skipped(path=self.path, reason=clip(reason, 300)))
        else:
            self._dropped_notes += 1

    def close(self) -> None:
        """Add one note counting the notes that were dropped."""
        if self._dropped_notes:
            self.notes.append(Skipped(path=self.path,
                                      reason=f"{self._dropped_notes} more notes not listed"))
            self._dropped_notes = 0
