"""The constants detector: algorithm constants kept as data, found in any bytes.

Design. An implementation of AES, SHA-2, SM4 or a named curve carries tables that only
that algorithm uses: S-boxes, T-tables, initial values, round constants, curve
parameters. Those tables are data (``data/*.yaml``, each naming its catalog algorithm and
the standard it comes from); :mod:`~anke.detect.constants.encode` turns each into the byte
forms it really takes in memory (bytes; 16/32/64-bit words in both byte orders; wide
integers big- and little-endian) and cuts them into literal anchors;
:mod:`~anke.detect.constants.matcher` scans a member once for all anchors with hyperscan
and extends each hit to the longest run of the table around it. Only hits cost Python
work, so scanning runs at hyperscan's speed whatever the member's size.

Reporting. A whole table is reported with the table's confidence (high, except weak
signals such as ChaCha's 16-byte string). A partial run is reported only when it is at
least :data:`~anke.detect.constants.encode.MIN_PARTIAL_BYTES` (64) bytes long: 64 bytes of
a table of constants carry far more entropy than any accidental agreement with unrelated
data (a chance match of even 16 high-entropy bytes is around 2^-100 per position), while
the bound stays below the quarter table that compilers and hand-written code sometimes
keep (one 256-byte T-table slice, the first round's constants). Such a run is ``medium``
when it covers at least half of the table and ``low`` otherwise. Tables under 16 bytes
(single words) are never matched. A table used by several algorithms (SHA-1's IV, which
RIPEMD-160 shares; Kuznyechik's S-box, Streebog's too) stands aside when the member also
holds a table of one of the others but none other of its own algorithm. One finding is made
per table and offset; in executables its evidence names the section and the nearest
preceding symbol (:mod:`~anke.detect.constants.binfmt`).

Source text. A member with no NUL byte in its first 8 KiB is text: besides its raw bytes,
its tables spelled as literals (``0xd6, 0x90, ...``, ``\\x..`` escapes, long hex strings) are
read by :mod:`~anke.detect.constants.literals` and matched by the same matcher, with the
same rules and confidences; findings in text carry ``line`` and ``column`` (1-based, of the
first literal) instead of ``offset``, and evidence such as ``SM4 S-box (256 x 8-bit
literals)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anke.catalog import Catalog, load_catalog
from anke.detect.base import Detection
from anke.detect.constants.binfmt import BinaryMap, Place, binary_map
from anke.detect.constants.encode import MIN_PARTIAL_BYTES
from anke.detect.constants.literals import SourceRun, is_source, source_runs
from anke.detect.constants.matcher import Matcher, Run, shipped_matcher
from anke.detect.constants.model import Table
from anke.findings.model import Confidence, Finding, FindingKind, Skipped

DETECTOR = "constants"


@dataclass(frozen=True)
class ConstantsLimits:
    """Bounds of the constants detector."""

    max_bytes: int = 1024 * 1024 * 1024  # larger members are scanned in their first part
    max_hits: int = 100_000
    max_findings: int = 500
    text_probe: int = 8192  # a member with no NUL byte in its first bytes is text


def _confidence(run: Run) -> Confidence:
    whole = Confidence(run.table.confidence)
    if run.whole:
        return whole
    if 2 * run.length >= len(run.form.data) and whole is Confidence.HIGH:
        return Confidence.MEDIUM
    return Confidence.LOW


def _size(run: Run) -> str:
    element = run.form.element
    if element == 1:
        return f"{run.length} bytes"
    if element <= 8:
        return f"{run.length // element} x {element * 8}-bit words"
    if run.length == element:
        return f"{element} bytes"
    return f"{run.length // element} x {element * 8}-bit values"


def _evidence(run: Run, place: Place | None) -> str:
    table = run.table
    if isinstance(run, SourceRun):
        if run.notation == "hex string":
            size = (f"{run.literals} bytes" if run.whole
                    else f"{run.literals} of {run.total} bytes")
            what = f"hex string, {size}"
        else:
            count = f"{run.literals}" if run.whole else f"{run.literals} of {run.total}"
            what = f"{count} x {run.notation}"
        partial = "" if run.whole else ", partial"
        return f"{table.algorithm} {table.what}{partial} ({what})"[:200]
    total = len(run.form.data) // run.form.element
    if run.whole:
        what = f"{table.algorithm} {table.what} ({_size(run)}, {run.form.name})"
    else:
        what = (f"{table.algorithm} {table.what}, partial ({_size(run)} of {total}, "
                f"{run.form.name})")
    if place is not None and place.section:
        what += f" in {place.section}"
        if place.symbol:
            what += f" near {place.symbol[:80]}"
    return what[:200]


def _kept(runs: list[Run]) -> list[Run]:
    """Reportable runs: long enough, not a shared table standing aside, not inside another.

    A table shared with other algorithms stands aside when one of them is present and its
    own algorithm has no other table here but ones shared with that same algorithm (ARIA
    keeps both AES S-boxes: neither alone tells AES). A run lying inside a longer run of
    another table of the same algorithm is the same bytes read twice (Whirlpool's round
    constants are the first rows of its S-box) and is dropped; of two tables of one
    algorithm read from the very same bytes (Whirlpool's C0 as 64-bit words is C4 as
    32-bit halves) the one in its own word order is kept.
    """
    reported = [run for run in runs if run.whole or run.length >= MIN_PARTIAL_BYTES]
    present: dict[str, dict[str, Table]] = {}
    for run in reported:
        present.setdefault(run.table.algorithm, {})[run.table.id] = run.table
    out: list[Run] = []
    for run in reported:
        table = run.table
        sharers = {name for name in table.shared_with if name in present}
        if sharers and not any(other.id != table.id and not sharers & set(other.shared_with)
                               for other in present[table.algorithm].values()):
            continue
        out.append(run)
    same: dict[tuple[str, int, int, bool], Run] = {}  # one reading of the same bytes
    for run in sorted(out, key=lambda r: r.form.name.endswith("halves")):
        same.setdefault((run.table.algorithm, run.offset, run.length,
                         isinstance(run, SourceRun)), run)
    out = [run for run in out if same[(run.table.algorithm, run.offset, run.length,
                                       isinstance(run, SourceRun))] is run]
    return [run for run in out if not any(
        other.table.algorithm == run.table.algorithm and other.table.id != run.table.id
        and other.length > run.length and other.offset <= run.offset
        and run.offset + run.length <= other.offset + other.length
        and isinstance(other, SourceRun) == isinstance(run, SourceRun) for other in out)]


def _dedupe(runs: list[Run]) -> list[Run]:
    """One run per table and offset region: the longest, at the lowest offset."""
    best: dict[tuple[str, int], Run] = {}
    for run in sorted(runs, key=lambda r: (-r.length, r.offset)):
        region = (run.table.id, run.offset)
        overlapping = [key for key, kept in best.items() if key[0] == run.table.id
                       and kept.offset < run.offset + run.length
                       and run.offset < kept.offset + kept.length]
        if not overlapping:
            best[region] = run
    return sorted(best.values(), key=lambda r: (r.offset, r.table.id))


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset`` in text."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - start + 1


@dataclass(frozen=True, eq=False)
class ConstantsDetector:
    """Algorithm constants in any member's bytes."""

    catalog: Catalog = field(default_factory=load_catalog)
    matcher: Matcher = field(default_factory=shipped_matcher)
    limits: ConstantsLimits = field(default_factory=ConstantsLimits)
    name: str = DETECTOR

    def handles(self, path: str, head: bytes) -> bool:
        """Any member can hold constants; only those too small for any table are skipped.

        ``head`` is at most 4 KiB, so its length tells the member's size only when the
        member is smaller than that: exactly the case where it may be too small.
        """
        return len(head) >= self.matcher.min_length

    def detect(self, path: str, data: bytes) -> Detection:
        """Tables of constants in one member."""
        detection = Detection()
        if len(data) < self.matcher.min_length:
            return detection
        if len(data) > self.limits.max_bytes:
            detection.notes.append(Skipped(
                path=path, reason=f"constants: only the first {self.limits.max_bytes} bytes "
                "were scanned"))
            data = data[:self.limits.max_bytes]
        try:
            runs, truncated = self.matcher.runs(data, self.limits.max_hits)
        except Exception as exc:  # a matcher failure must not stop the scan
            detection.notes.append(Skipped(path=path, reason=f"constants: scan failed: {exc}"))
            return detection
        text = is_source(path) and b"\0" not in data[:self.limits.text_probe]
        try:
            literal_runs, cut = (source_runs(data, self.matcher, self.limits.max_hits)
                                 if text else ([], False))
        except Exception as exc:  # nor a failure reading literals lose the byte matches
            detection.notes.append(Skipped(
                path=path, reason=f"constants: source literals not read: {exc}"))
            literal_runs, cut = [], False
        if truncated:
            detection.notes.append(Skipped(
                path=path, reason=f"constants: more than {self.limits.max_hits} anchor hits; "
                "the rest were not examined"))
        if cut:
            detection.notes.append(Skipped(
                path=path, reason="constants: too many literals in source text; the rest "
                "were not examined"))
        runs = _dedupe(_kept([*runs, *literal_runs]))
        if len(runs) > self.limits.max_findings:
            detection.notes.append(Skipped(
                path=path, reason=f"constants: more than {self.limits.max_findings} tables; "
                "the rest were not reported"))
            runs = runs[:self.limits.max_findings]
        if not runs:
            return detection
        detection.parsed = True
        places: BinaryMap | None = None if text else binary_map(data)
        seen: dict[str, int] = {}
        for run in runs:
            place = places.locate(run.offset) if places is not None else None
            evidence = _evidence(run, place)
            seen[evidence] = seen.get(evidence, 0) + 1
            if seen[evidence] > 1:  # the same table again: keep ids distinct, yet stable
                evidence = f"{evidence[:188]} (copy {seen[evidence]})"
            position = _line_column(data, run.offset) if text else None
            detection.findings.append(self._finding(path, run, evidence, position))
        return detection

    def _finding(self, path: str, run: Run, evidence: str,
                 position: tuple[int, int] | None) -> Finding:
        table = run.table
        algorithm = self.catalog.algorithm(table.algorithm)
        name = algorithm.name if algorithm is not None else table.algorithm
        primitive = str(algorithm.primitive) if algorithm is not None else None
        curve = None
        if table.curve is not None:
            known = self.catalog.curve(table.curve)
            curve = known.name if known is not None else table.curve
        rule = f"{DETECTOR}.{table.id}"
        line, column = position if position is not None else (None, None)
        return Finding(
            id=Finding.make_id(rule, path, line, column, evidence, name),
            detector=DETECTOR, rule=rule, kind=FindingKind.ALGORITHM, algorithm=name,
            primitive=primitive, curve=curve, path=path, line=line, column=column,
            offset=None if position is not None else run.offset,
            evidence=evidence, confidence=_confidence(run))
