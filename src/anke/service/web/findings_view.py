"""An inspection's findings as the inspection page shows them.

Findings are grouped by algorithm (the catalog name), then, for findings without one, by
kind (secret, access, certificate...).  Each finding carries its location (the member path
inside the submission, line or byte offset), detector and rule, confidence, the context of
its member (product code, or test, docs or example), its current triage (which may come
from an earlier version of the product, by fingerprint), and its evidence line split into
pieces to highlight: the algorithm's name and string literals.  The pieces are plain text;
the template escapes them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from anke.service.db.inspections import FindingRecord, Triage

EVIDENCE_MAX = 2000
_STRING = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"


@dataclass(frozen=True)
class Piece:
    """A run of evidence text and how to show it: "" plain, "hit" the algorithm, "str"."""

    text: str
    style: str


@dataclass(frozen=True)
class TriageView:
    """A finding's current decision."""

    status: str
    reason: str
    expires_on: date | None
    expired: bool
    here: bool  # decided on this inspection (not carried over from another version)


@dataclass(frozen=True)
class FindingView:
    """One finding, ready to show."""

    id: int
    detector: str
    rule: str
    kind: str
    algorithm: str | None
    confidence: str
    member: str
    line: int | None
    offset: int | None
    context: str | None
    parameters: str
    evidence: tuple[Piece, ...]
    triage: TriageView | None


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one algorithm, or of one kind when they name no algorithm."""

    title: str
    by: str  # "algorithm" or "kind"
    findings: tuple[FindingView, ...]

    @property
    def count(self) -> int:
        """How many findings."""
        return len(self.findings)

    @property
    def open(self) -> int:
        """How many have no decision (or an expired one)."""
        return sum(1 for f in self.findings if f.triage is None or f.triage.expired)


def member_of(path: str) -> str:
    """The member path inside the submission (the archive's own name left out)."""
    return path.split("!/", 1)[1] if "!/" in path else path


def _name_pattern(name: str) -> str:
    """``SHA-256`` matches ``sha256``, ``SHA_256`` and ``sha-256``."""
    parts = [re.escape(part) for part in re.split(r"[-_ /]", name) if part]
    return r"[-_ ]?".join(parts)


def highlight(evidence: str, algorithm: str | None) -> tuple[Piece, ...]:
    """The evidence cut into plain, algorithm-name and string-literal pieces."""
    text = evidence[:EVIDENCE_MAX] + ("…" if len(evidence) > EVIDENCE_MAX else "")
    alternatives = [_STRING]
    if algorithm:
        alternatives.insert(0, f"(?P<hit>{_name_pattern(algorithm)})")
    pieces: list[Piece] = []
    at = 0
    for match in re.finditer("|".join(alternatives), text, flags=re.IGNORECASE):
        if match.start() > at:
            pieces.append(Piece(text[at:match.start()], ""))
        if match.groupdict().get("hit"):
            pieces.append(Piece(match.group(0), "hit"))
        else:
            pieces.extend(_inside_string(match.group(0), algorithm))
        at = match.end()
    if at < len(text):
        pieces.append(Piece(text[at:], ""))
    return tuple(pieces)


def _inside_string(literal: str, algorithm: str | None) -> list[Piece]:
    """A string literal, with the algorithm's name inside it marked too."""
    if not algorithm:
        return [Piece(literal, "str")]
    pieces: list[Piece] = []
    at = 0
    for match in re.finditer(_name_pattern(algorithm), literal, flags=re.IGNORECASE):
        if match.start() > at:
            pieces.append(Piece(literal[at:match.start()], "str"))
        pieces.append(Piece(match.group(0), "hit"))
        at = match.end()
    if at < len(literal):
        pieces.append(Piece(literal[at:], "str"))
    return pieces


def _parameters(data: dict[str, object]) -> str:
    facts = [f"{label} {data[key]}" for key, label in (
        ("primitive", ""), ("mode", "mode"), ("padding", "padding"), ("key_bits", "key bits"),
        ("curve", "curve"), ("library", "library"), ("version", "version"))
        if data.get(key) not in (None, "")]
    return ", ".join(fact.strip() for fact in facts)


def _triage_view(triage: Triage | None, inspection_id: int, today: date) -> TriageView | None:
    if triage is None:
        return None
    expired = triage.expires_on is not None and today > triage.expires_on
    return TriageView(triage.status.value, triage.reason, triage.expires_on, expired,
                      triage.first_inspection_id == inspection_id)


def view(record: FindingRecord, triage: Triage | None, today: date) -> FindingView:
    """One stored finding as the page shows it."""
    data = record.data
    offset = data.get("offset")
    context = data.get("context")
    return FindingView(
        id=record.id, detector=record.detector, rule=record.rule, kind=record.kind,
        algorithm=record.algorithm, confidence=record.confidence,
        member=member_of(record.path), line=record.line,
        offset=offset if isinstance(offset, int) else None,
        context=context if isinstance(context, str) else None,
        parameters=_parameters(data),
        evidence=highlight(str(data.get("evidence", "")), record.algorithm),
        triage=_triage_view(triage, record.inspection_id, today))


def group(rows: Iterable[tuple[FindingRecord, Triage | None]], today: date
          ) -> list[FindingGroup]:
    """Findings grouped by algorithm (most findings first), then by kind."""
    by_algorithm: dict[str, list[FindingView]] = defaultdict(list)
    by_kind: dict[str, list[FindingView]] = defaultdict(list)
    for record, triage in rows:
        shown = view(record, triage, today)
        if record.algorithm:
            by_algorithm[record.algorithm].append(shown)
        else:
            by_kind[record.kind].append(shown)

    def ordered(found: dict[str, list[FindingView]], by: str) -> list[FindingGroup]:
        groups = [FindingGroup(title, by, tuple(sorted(items, key=lambda f: (
            f.member, f.line or 0, f.offset or 0, f.rule)))) for title, items in found.items()]
        return sorted(groups, key=lambda g: (-g.count, g.title.lower()))

    return ordered(by_algorithm, "algorithm") + ordered(by_kind, "kind")
