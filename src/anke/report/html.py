"""The HTML report: one self-contained page (inline CSS and SVG, no script, no network).

It shows the scan (root, tool version, date), the evaluation when there is one (overall
verdict, rulebook and version, as-of date, the lifecycle message, each control with its
verdict, citation, reasons and evidence), the findings grouped by algorithm with their
evidence line, a bar chart of the algorithm mix by national origin and by primitive, and the
libraries, certificates, keys and other findings. Everything a finding carries comes from
inspected (possibly hostile) input and is escaped by the template engine; the page's
Content-Security-Policy forbids scripts and every fetch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from anke.catalog import Catalog, load_catalog
from anke.evaluation.result import Evaluation, Overall
from anke.findings.model import Finding, FindingKind, ScanDocument
from anke.report.inventory import AlgorithmGroup, Inventory, build_inventory

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "report.html.j2"
MAX_OCCURRENCES = 200  # occurrences listed per algorithm group; the rest are counted
MAX_ROWS = 500  # rows listed per other section
BAR_WIDTH = 260  # pixels of the longest bar


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label, how many algorithms, how many findings."""

    label: str
    algorithms: int
    uses: int
    width: int


def where(finding: Finding) -> str:
    """``path:line``, ``path@offset`` or the path."""
    if finding.line is not None:
        return f"{finding.path}:{finding.line}"
    if finding.offset is not None:
        return f"{finding.path}@{finding.offset}"
    return finding.path


def parameters(finding: Finding) -> str:
    """The finding's algorithm parameters, e.g. ``GCM, 256 bits``."""
    parts = [p for p in (finding.mode, finding.padding, finding.curve) if p]
    if finding.key_bits:
        parts.append(f"{finding.key_bits} bits")
    return ", ".join(parts)


def bars(groups: Iterable[AlgorithmGroup], label_of: str) -> list[Bar]:
    """Chart bars: algorithms and findings per origin or primitive, most algorithms first."""
    counts: dict[str, list[int]] = {}
    for group in groups:
        label = group.origin if label_of == "origin" else group.primitive
        count = counts.setdefault(label, [0, 0])
        count[0] += 1
        count[1] += len(group.findings)
    top = max((c[0] for c in counts.values()), default=1) or 1
    out = [Bar(label, c[0], c[1], max(2, round(BAR_WIDTH * c[0] / top)))
           for label, c in counts.items()]
    return sorted(out, key=lambda b: (-b.algorithms, -b.uses, b.label))


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(where=where, parameters=parameters)
    return env


def _anchor_targets(inventory: Inventory) -> set[str]:
    """The ids of findings shown with an anchor on the page."""
    shown = {f.id for group in inventory.by_algorithm()
             for f in group.findings[:MAX_OCCURRENCES]}
    shown.update(f.id for f in inventory.others[:MAX_ROWS])
    for library in inventory.libraries[:MAX_ROWS]:
        shown.update(f.id for f in library.findings)
    return shown


def render_html(document: ScanDocument, evaluation: Evaluation | None = None, *,
                catalog: Catalog | None = None, generated: dt.datetime | None = None) -> str:
    """The report of a scan (and of its check, when ``evaluation`` is given) as one page."""
    findings = [*document.findings, *(evaluation.findings if evaluation else [])]
    inventory = build_inventory(findings, catalog or load_catalog())
    groups = inventory.by_algorithm()
    by_id = {f.id: f for f in inventory.findings}
    generated = generated or dt.datetime.now(dt.UTC)
    binding = evaluation is not None and evaluation.overall in (
        Overall.PASS, Overall.FAIL, Overall.NEEDS_EVIDENCE)
    template = _environment().get_template(TEMPLATE)
    return template.render(
        document=document, evaluation=evaluation, binding=binding, inventory=inventory,
        groups=groups, by_id=by_id, anchors=_anchor_targets(inventory),
        origins=bars(groups, "origin"), primitives=bars(groups, "primitive"),
        certificates=inventory.of_kind(FindingKind.CERTIFICATE),
        keys=inventory.of_kind(FindingKind.KEY, FindingKind.SECRET),
        protocols=[a for a in inventory.of_kind(FindingKind.PROTOCOL)
                   if a.key.algorithm is None],  # the others are grouped by algorithm
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
        today=(evaluation.as_of if evaluation else generated.date()),
        max_occurrences=MAX_OCCURRENCES, max_rows=MAX_ROWS, bar_width=BAR_WIDTH,
    )
