"""Tables of constants spelled as literals in source text, and the runs of them it holds.

Source code keeps an S-box or a table of round constants as a list of numeric literals
(``0xd6, 0x90, 0xe9, ...``, ``0x428a2f98d728ae22ULL``, ``(byte)0xd6``, ``-42``), as a string of
``\\x..`` escapes, or, for curve parameters, as one long hex string (``"FFFFFFFE..."``). None
of those are the table's bytes, so the raw matcher cannot see them.

Stage one is a prefilter over the raw bytes (hyperscan, as for every content detector) for
runs of at least eight comma-separated literals, four 32- to 64-bit hex literals, eight
``\\x..`` escapes or 64 quoted or ``0x``-prefixed hex digits; members without such runs cost
that one pass. Only the run around each hit is read, with one regular expression: comments
are skipped, casts, brackets, wrapper macros (``U64(...)``) and assembler directives between
literals keep a run going, anything else ends it. A run of literals becomes an integer
sequence; each stretch whose values fit one width (8, 16, 32, 64 bits) is encoded as big-
and little-endian words of that width and handed to the table matcher, so a table is found
whichever width its source spells it at: bytes as bytes, 32-bit words as 32-bit literals,
64-bit constants as 64-bit literals or as (high, low) pairs of 32-bit ones, curve parameters
as bytes or as hex strings. A match against a form whose byte order the spelling does not
produce naturally (a 32-bit table read out of byte literals in little-endian order, say: the
sixteen bytes 01 23 .. 10 of a common test key are MD5's IV that way) counts only from
:data:`~anke.detect.constants.encode.MIN_PARTIAL_BYTES` up. A hex string equal to a whole
curve parameter is reported even when the parameter is too regular for the matcher (the SM2
prime): the string's own bounds anchor it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anke.detect.constants.encode import MIN_PARTIAL_BYTES, forms
from anke.detect.constants.matcher import Matcher, Run
from anke.detect.constants.model import Table
from anke.detect.prefilter import HAVE_HYPERSCAN, hyperscan

MAX_LITERALS = 4_000_000  # literals parsed per member, at most
WIDTHS = (8, 16, 32, 64)
REACH = (320, 160, 40, 80)  # how far before a prefilter match's end it may start, per pattern

_PLIT = rb"-?(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlLiI_0-9]*"
_PHEX = rb"0[xX][0-9a-fA-F]{7}[0-9a-fA-F]*[uUlLiI_0-9]*"
_PSEP = rb"\)?\s*,\s*(?:\([A-Za-z_ ]+\)\s*|[A-Za-z_][A-Za-z_0-9]*\s*\(\s*)?"
_END = rb"[^0-9A-Za-z_.]"
PATTERNS = (
    rb"(?:" + _PLIT + _PSEP + rb"){7}" + _PLIT + _END,  # eight literals
    rb"(?:" + _PHEX + _PSEP + rb"){3}" + _PHEX + _END,  # four 32- to 64-bit hex literals
    rb"[^0-9a-fA-F](?:\\x[0-9a-fA-F]{2}){8}",  # eight \x escapes
    rb"(?:[\"']|0[xX])[0-9a-fA-F]{64}",  # a long hex string, quoted or 0x-prefixed
)

_NUM = (rb"(?<![\w.])-?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)"
        rb"(?:[uUlL]{0,3}|_?[uUiI](?:8|16|32|64|size))(?![\w.])")
_COMMENT = rb"/\*(?:[^*]|\*(?!/))*\*/|//[^\n]*|\#[^\n]*"
_GAP = (rb"(?:[\s)\]}]|" + _COMMENT + rb")*"
        rb"(?:,|\n\s*(?:\.(?:byte|short|word|long|int|quad|value)|(?i:d[bwdq]))\s)"
        rb"(?:[\s(\[{]|" + _COMMENT + rb")*"
        rb"(?:\(\s*[A-Za-z_][A-Za-z_0-9 ]{0,24}\)\s*|[A-Za-z_][A-Za-z_0-9]{0,7}\s*\(\s*)?")
_RUN = re.compile(_NUM + rb"(?:" + _GAP + _NUM + rb"){3,}")  # four literals or more
_LITERAL = re.compile(rb"(?<![\w.])(-?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*))"
                      rb"(?:[uUlL]{0,3}|_?[uUiI](?:8|16|32|64|size))(?![\w.])")
_COMMENTS = re.compile(_COMMENT)
_ESCAPES = re.compile(rb"(?:\\x[0-9a-fA-F]{2})+"
                      rb"(?:[\"']\s*(?:\+\s*)?[bB]?[\"'](?:\\x[0-9a-fA-F]{2})+)*")
_ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})")
_HEXES = re.compile(rb"(?<![0-9A-Za-z_])(?:0[xX])?[0-9a-fA-F]{64,}(?![0-9A-Za-z_])")


@dataclass(frozen=True)
class SourceRun(Run):
    """A run of a table found in source text; ``offset`` is its first literal's position."""

    notation: str = ""  # "8-bit literals", "\\x escapes", "hex string"
    literals: int = 0  # literals (or escapes, or bytes of a hex string) the run spans
    total: int = 0  # the same count for the whole table


@dataclass
class Sequence:
    """Consecutive literals of one run: their values and where each starts."""

    escapes: bool
    values: list[int]
    starts: list[int]


@lru_cache(maxsize=1)
def _database() -> hyperscan.Database:
    """The prefilter patterns (ends only: asking hyperscan for starts costs it 5x)."""
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=list(PATTERNS), ids=list(range(len(PATTERNS))),
               elements=len(PATTERNS), flags=0)
    return db


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[bytes], ...]:  # pragma: no cover - without hyperscan
    return tuple(re.compile(pattern) for pattern in PATTERNS)


def prefilter_hits(data: bytes, limit: int) -> tuple[list[tuple[int, int, int]], bool]:
    """``(earliest start, end, pattern)`` of the prefilter's matches (the start is where a
    run of that kind may begin at the earliest), and whether ``limit`` cut them short."""
    hits: list[tuple[int, int, int]] = []
    if HAVE_HYPERSCAN:
        def on_match(index: int, start: int, end: int, flags: int, ctx: object) -> bool:
            hits.append((max(0, end - REACH[index]), end, index))
            return len(hits) >= limit

        try:
            _database().scan(data, match_event_handler=on_match)
        except hyperscan.ScanTerminated:
            return sorted(hits), True
        return sorted(hits), False
    for index, regex in enumerate(_regexes()):  # pragma: no cover - without hyperscan
        for match in regex.finditer(data):
            hits.append((match.start(), match.end(), index))
            if len(hits) >= limit:
                return sorted(hits), True
    return sorted(hits), False


def _value(digits: bytes) -> int:
    negative = digits.startswith(b"-")
    digits = digits.lstrip(b"-").replace(b"_", b"")
    value = int(digits[2:], 16) if digits[:2] in (b"0x", b"0X") else int(digits)
    return -value if negative else value


def _numbers(data: bytes, match: re.Match[bytes]) -> Sequence:
    text = match.group()
    if b"/" in text or b"#" in text:  # blank comments out, keeping positions
        text = _COMMENTS.sub(lambda m: b" " * len(m.group()), text)
    base = match.start()
    found = [(base + m.start(), _value(m.group(1))) for m in _LITERAL.finditer(text)]
    return Sequence(False, [v for _, v in found], [at for at, _ in found])


def _escapes(match: re.Match[bytes]) -> Sequence:
    base = match.start()
    found = [(base + m.start(), int(m.group(1), 16)) for m in _ESCAPE.finditer(match.group())]
    return Sequence(True, [v for _, v in found], [at for at, _ in found])


def sequences(data: bytes, limit: int) -> tuple[list[Sequence], list[tuple[int, bytes]], bool]:
    """Runs of literals and hex strings ``(position, text)`` in ``data``, and whether the
    prefilter's hit limit cut the search short."""
    hits, truncated = prefilter_hits(data, limit)
    runs: list[Sequence] = []
    hexes: list[tuple[int, bytes]] = []
    done = [0, 0, 0, 0]  # how far each kind of run has been read
    regexes = (_RUN, _RUN, _ESCAPES, _HEXES)
    for start, end, kind in sorted(hits, key=lambda hit: hit[1]):
        slot = 0 if kind < 2 else kind
        if end <= done[slot]:
            continue
        regex = regexes[kind]
        last = None
        for found in regex.finditer(data, max(start, done[slot]), end):  # the run hit is
            last = found  # the last one before the match's end, cut there: read it whole
        match = regex.match(data, last.start()) if last is not None else None
        if match is None or match.end() < end - 1:
            done[slot] = end
            continue
        done[slot] = match.end()
        if kind == 3:
            hexes.append((match.start(), match.group()))
        elif kind == 2:
            runs.append(_escapes(match))
        else:
            runs.append(_numbers(data, match))
    return runs, hexes, truncated


def _width(value: int) -> int:
    """The narrowest of :data:`WIDTHS` a literal fits (negative ones as two's complement),
    or 0 when none does."""
    for bits in WIDTHS:
        if -(1 << (bits - 1)) <= value < (1 << bits):
            return bits
    return 0


def _natural(run: Run, order: str) -> bool:
    """Whether the form matched is what spelling values in ``order`` naturally gives."""
    name = run.form.name
    if run.form.element == 1:
        return True
    if name.endswith("halves"):
        return order == "big"
    return ("LE" in name or name == "little-endian") == (order == "little")


def _stretches(widths: list[int], bits: int, least: int) -> list[tuple[int, int]]:
    """Maximal index ranges of at least ``least`` literals that fit ``bits`` and need them
    somewhere (narrower spellings are read at their own width)."""
    out: list[tuple[int, int]] = []
    at = 0
    count = len(widths)
    while at < count:
        if not 0 < widths[at] <= bits:
            at += 1
            continue
        stop = at
        while stop < count and 0 < widths[stop] <= bits:
            stop += 1
        if stop - at >= least and (bits == 8 or bits in widths[at:stop]):
            out.append((at, stop))
        at = stop
    return out


def _encode(values: list[int], bits: int, order: str) -> bytes:
    size = bits // 8
    mask = (1 << bits) - 1
    return b"".join((v & mask).to_bytes(size, order) for v in values)  # type: ignore[arg-type]


def _source_run(run: Run, offset: int, notation: str, literals: int, total: int) -> SourceRun:
    return SourceRun(run.table, run.form, offset, run.table_start, run.table_end,
                     notation=notation, literals=literals, total=total)


def _sequence_runs(sequence: Sequence, matcher: Matcher, limit: int) -> list[SourceRun]:
    """The table runs in one sequence of literals, read at each width its values need."""
    out: list[SourceRun] = []
    values, starts = sequence.values, sequence.starts
    widths = [_width(v) for v in values]
    present = set(widths)
    for bits in WIDTHS:
        size = bits // 8
        if bits not in present or len(values) < max(2, 16 // size):
            continue
        for first, stop in _stretches(widths, bits, max(2, 16 // size)):
            for order in ("big", "little") if bits > 8 else ("big",):
                data = _encode(values[first:stop], bits, order)
                runs, _ = matcher.runs(data, limit)
                for run in runs:
                    if not (_natural(run, order) or run.length >= MIN_PARTIAL_BYTES):
                        continue
                    head = first + run.offset // size
                    tail = first + (run.offset + run.length - 1) // size
                    notation = "\\x escapes" if sequence.escapes else f"{bits}-bit literals"
                    total = -(-len(run.form.data) // size)
                    out.append(_source_run(run, starts[head], notation, tail - head + 1, total))
    return out


def _hex_runs(start: int, text: bytes, matcher: Matcher, wide: dict[int, list[Table]],
              limit: int) -> list[SourceRun]:
    skip = 2 if text[:2] in (b"0x", b"0X") else 0
    digits = text[skip:]
    if len(digits) % 2:
        digits = b"0" + digits
    data = bytes.fromhex(digits.decode("ascii"))
    out: list[SourceRun] = []
    runs, _ = matcher.runs(data, limit)
    for run in runs:
        if run.form.element == 1 or run.form.name in ("big-endian", "32-bit BE", "64-bit BE",
                                                       "16-bit BE"):
            out.append(_source_run(run, start + skip + 2 * run.offset, "hex string",
                                   run.length, len(run.form.data)))
    for table in wide.get(int(digits, 16), []):
        size = table.size
        form = next(f for f in forms(table) if f.name == "big-endian")
        run = Run(table, form, 0, 0, size)
        out.append(_source_run(run, start + skip, "hex string", size, size))
    return out


_SMALL_BITS = 64


@lru_cache(maxsize=8)
def _wide(matcher: Matcher) -> dict[int, list[Table]]:
    """The matcher's whole-integer tables (curve parameters) by value.

    A small value (secp256k1's a = 0 and b = 7) identifies nothing: a string of zeros is not
    a curve, so tables of values under 2**64 are left out.
    """
    out: dict[int, list[Table]] = {}
    for table in matcher.tables:
        if table.width > 64 and len(table.values) == 1:
            value = table.values[0]
            if value.bit_length() > _SMALL_BITS:
                out.setdefault(value, []).append(table)
    return out


# Files whose text is program source, where an implementation spells its tables as literals.
# Data files (.properties, .txt, .json, .csv: test vectors, parameter dumps) are left to the
# byte matcher: their hex dumps are not implementations, and reading them costs the most.
SOURCE_SUFFIXES = frozenset({
    "c", "h", "cc", "cpp", "cxx", "hh", "hpp", "hxx", "inc", "inl", "ipp", "m", "mm", "s", "asm",
    "java", "kt", "kts", "scala", "groovy", "cs", "fs", "vb", "go", "rs", "swift", "dart",
    "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "py", "pyx", "pxd", "pyi", "rb", "php",
    "pl", "pm", "lua", "r", "jl", "zig", "nim", "d", "pas", "pp", "f", "f90", "ada", "adb", "ads",
    "erl", "ex", "exs", "hs", "ml", "clj", "v", "sv", "vhd", "vhdl", "sol", "wat", "cl", "cu",
})


def is_source(path: str) -> bool:
    """Whether a member's name says it is program source (by its suffix, case-insensitive)."""
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in SOURCE_SUFFIXES


def source_runs(data: bytes, matcher: Matcher, limit: int) -> tuple[list[SourceRun], bool]:
    """Every run of a table spelled as literals in ``data``, and whether work was cut short."""
    found, hexes, truncated = sequences(data, limit)
    if not found and not hexes:
        return [], truncated
    out: list[SourceRun] = []
    parsed = 0
    for sequence in found:
        parsed += len(sequence.values)
        if parsed > MAX_LITERALS:
            return out, True
        out.extend(_sequence_runs(sequence, matcher, limit))
    if hexes:
        wide = _wide(matcher)
        for position, text in hexes:
            out.extend(_hex_runs(position, text, matcher, wide, limit))
    return out, truncated
