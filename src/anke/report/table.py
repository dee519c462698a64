"""The inventory table: one row per algorithm, with where and how it is used."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from anke.findings.model import (
    Confidence,
    Finding,
    FindingKind,
    ScanDocument,
    confidence_rank,
)


@dataclass
class InventoryRow:
    """What the findings say about one algorithm."""

    algorithm: str
    primitive: str = ""
    uses: int = 0
    files: set[str] = field(default_factory=set)
    key_bits: set[int] = field(default_factory=set)
    modes: set[str] = field(default_factory=set)
    curves: set[str] = field(default_factory=set)
    confidence: Confidence = Confidence.LOW
    first: Finding | None = None


_NOT_ALGORITHMS = (FindingKind.LIBRARY, FindingKind.SECRET, FindingKind.ACCESS)


def inventory(findings: list[Finding]) -> list[InventoryRow]:
    """Group algorithm findings by algorithm, most used first."""
    rows: dict[str, InventoryRow] = defaultdict(lambda: InventoryRow(""))
    for finding in findings:
        if finding.kind in _NOT_ALGORITHMS and finding.algorithm is None:
            continue  # listed below the table, not as an unresolved algorithm
        name = finding.algorithm or "(unresolved)"
        row = rows[name]
        row.algorithm = name
        row.primitive = row.primitive or (finding.primitive or "")
        row.uses += 1
        row.files.add(finding.path)
        if finding.key_bits:
            row.key_bits.add(finding.key_bits)
        if finding.mode:
            row.modes.add(finding.mode)
        if finding.curve:
            row.curves.add(finding.curve)
        if confidence_rank(finding.confidence) > confidence_rank(row.confidence) or (
                row.first is None):
            row.confidence = max(row.confidence, finding.confidence, key=confidence_rank)
            row.first = finding
    return sorted(rows.values(), key=lambda r: (-confidence_rank(r.confidence), -r.uses,
                                                r.algorithm))


def render_table(document: ScanDocument, width: int = 140) -> str:
    """The inventory as a text table, with a one-line summary of the scan."""
    table = Table(title=f"Cryptography inventory of {document.root}", title_justify="left")
    for column in ("algorithm", "primitive", "uses", "files", "key sizes", "modes / curves",
                   "confidence", "first seen"):
        table.add_column(column, overflow="fold")
    for row in inventory(document.findings):
        first = row.first
        where = f"{first.path}:{first.line}" if first and first.line else (
            first.path if first else "")
        table.add_row(
            row.algorithm, row.primitive, str(row.uses), str(len(row.files)),
            ", ".join(str(b) for b in sorted(row.key_bits)),
            ", ".join(sorted(row.modes | row.curves)), row.confidence.value, where,
        )
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    _print_others(console, document.findings)
    stats = document.stats
    console.print(
        f"{len(document.findings)} findings in {stats.files} files "
        + (f"and {stats.members} archive members " if stats.members else "")
        + f"({stats.bytes / 1e6:.1f} MB, {stats.parsed} parsed) in {stats.seconds:.2f} s; "
        f"{len(stats.skipped)} skipped or degraded (see --format json)."
    )
    return buffer.getvalue()


def _print_others(console: Console, findings: list[Finding]) -> None:
    """Declared crypto libraries, and counts of secret and hidden-access findings."""
    libraries = sorted({f"{f.library} {f.version}" if f.version else str(f.library)
                        for f in findings if f.kind is FindingKind.LIBRARY and f.library})
    if libraries:
        console.print(f"libraries: {', '.join(libraries)}")
    for kind in (FindingKind.SECRET, FindingKind.ACCESS):
        found = [f for f in findings if f.kind is kind]
        if found:
            elsewhere = sum(1 for f in found if f.context is not None)
            note = f" ({elsewhere} in tests, docs or examples)" if elsewhere else ""
            console.print(f"{kind.value} findings: {len(found)}{note}")
