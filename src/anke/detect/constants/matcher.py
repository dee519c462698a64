"""One literal database over every anchor of every table, and the runs it finds.

Hyperscan scans a member once for all anchors (each escaped byte for byte, so NULs and
regex metacharacters are literal); the database is compiled once per process and kept in
anke's cache directory. Each anchor hit is then extended in Python, in both directions, to
the longest run of the table's form around it: the work is per hit, never per byte.
Without hyperscan (it ships wheels for x86-64 only) ``bytes.find`` looks for each anchor,
slower but with the same hits.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anke.cache import built_once, files_key, read_entry, write_entry
from anke.detect.constants.encode import Anchor, Form, anchors, forms
from anke.detect.constants.model import Table
from anke.detect.constants.tables import DATA_DIR, shipped_tables
from anke.detect.prefilter import HAVE_HYPERSCAN, hyperscan  # one guarded import of hyperscan


@dataclass(frozen=True)
class Run:
    """A run of one table's form in the data: ``table_start``/``table_end`` in form bytes."""

    table: Table
    form: Form
    offset: int  # where the run starts in the data
    table_start: int
    table_end: int

    @property
    def length(self) -> int:
        """Bytes matched."""
        return self.table_end - self.table_start

    @property
    def whole(self) -> bool:
        """Whether the whole table matched."""
        return self.table_start == 0 and self.table_end == len(self.form.data)


def _common_prefix(a: bytes | memoryview, b: bytes | memoryview) -> int:
    """Length of the common prefix of ``a`` and ``b`` (O(log n) slice comparisons)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes | memoryview, b: bytes | memoryview) -> int:
    """Length of the common suffix of ``a`` and ``b``."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


class Matcher:
    """All tables' anchors compiled into one database."""

    def __init__(self, tables: Sequence[Table], *, cached: bool = True) -> None:
        self.tables = tuple(tables)
        by_literal: dict[bytes, list[Anchor]] = {}
        for table in self.tables:
            for form in forms(table):
                for anchor in anchors(form):
                    by_literal.setdefault(anchor.literal, []).append(anchor)
        self.literals: tuple[bytes, ...] = tuple(by_literal)
        self.refs: tuple[tuple[Anchor, ...], ...] = tuple(
            tuple(by_literal[literal]) for literal in self.literals)
        self.min_length = min((len(x) for x in self.literals), default=0)
        self._cached = cached
        self._db: hyperscan.Database | None = None

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the hyperscan database (it has a cache entry of its own)."""
        return {**self.__dict__, "_db": None}

    def _key(self) -> str:
        digest = hashlib.sha256(str(getattr(hyperscan, "__version__", "")).encode())
        for literal in self.literals:
            digest.update(len(literal).to_bytes(4, "little") + literal)
        return f"constants-{digest.hexdigest()[:24]}.hsdb"

    def _database(self) -> hyperscan.Database:
        if self._db is not None:
            return self._db
        key = self._key()
        raw = read_entry(key) if self._cached else None
        if raw is not None:
            try:
                db = hyperscan.loadb(raw, hyperscan.HS_MODE_BLOCK)
                db.scratch = hyperscan.Scratch(db)
                self._db = db
                return db
            except hyperscan.HyperscanError:
                pass
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        expressions = [b"".join(b"\\x%02x" % c for c in lit) for lit in self.literals]
        db.compile(expressions=expressions, ids=list(range(len(expressions))),
                   elements=len(expressions), flags=0)
        if self._cached:
            with contextlib.suppress(hyperscan.HyperscanError):
                write_entry(key, hyperscan.dumpb(db))
        self._db = db
        return db

    def hits(self, data: bytes, limit: int) -> tuple[list[tuple[int, int]], bool]:
        """Anchor hits as ``(literal index, start)``, and whether ``limit`` cut them short."""
        found: list[tuple[int, int]] = []
        if not self.literals or len(data) < self.min_length:
            return found, False
        if HAVE_HYPERSCAN:
            literals = self.literals

            def on_match(index: int, start: int, end: int, flags: int, ctx: object) -> bool:
                found.append((index, end - len(literals[index])))
                return len(found) >= limit

            try:
                self._database().scan(data, match_event_handler=on_match)
            except hyperscan.ScanTerminated:
                return found, True
            return found, False
        for index, literal in enumerate(self.literals):  # pragma: no cover - no hyperscan
            at = data.find(literal)
            while at >= 0:
                found.append((index, at))
                if len(found) >= limit:
                    return found, True
                at = data.find(literal, at + 1)
        return found, False

    def runs(self, data: bytes, limit: int = 100_000) -> tuple[list[Run], bool]:
        """Every maximal run of a table form that contains an anchor hit.

        One run per (table, form, position of the table's start): further anchors of a
        run already extended cost nothing.
        """
        hits, truncated = self.hits(data, limit)
        view = memoryview(data)
        seen: set[tuple[str, str, int]] = set()
        out: list[Run] = []
        for index, start in sorted(hits, key=lambda h: (h[1], h[0])):
            for anchor in self.refs[index]:
                form = anchor.form
                base = start - anchor.position  # where the form would start in the data
                key = (form.table.id, form.name, base)
                if key in seen:
                    continue
                seen.add(key)
                end = start + len(anchor.literal)
                tail = form.data[anchor.position + len(anchor.literal):]
                forward = _common_prefix(view[end:end + len(tail)], tail)
                head = form.data[:anchor.position]
                back = _common_suffix(view[max(0, start - len(head)):start], head)
                t_start = anchor.position - back
                t_end = anchor.position + len(anchor.literal) + forward
                size = form.element
                t_start = -(-t_start // size) * size
                t_end = t_end // size * size
                if t_end > t_start:
                    out.append(Run(form.table, form, base + t_start, t_start, t_end))
        return out, truncated


@lru_cache(maxsize=1)
def shipped_matcher() -> Matcher:
    """The matcher over the shipped tables, built once per process.

    Choosing the anchors of every form costs about a tenth of a second, so the built matcher
    (without its hyperscan database, which is cached on its own) is kept in anke's cache
    directory, keyed by the tables and the modules that build it.
    """
    here = Path(__file__).parent
    key = files_key("constants-matcher", [*sorted(DATA_DIR.glob("*.yaml")),
                                          here / "model.py", here / "encode.py",
                                          Path(__file__)])
    return built_once(key, lambda: Matcher(shipped_tables()))
