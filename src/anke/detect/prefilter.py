"""Stage one of every content detector: a multi-pattern scan over raw bytes.

Hyperscan runs the whole pattern set in one pass at GB/s; where it is not installed (it ships
wheels for x86-64 only) Python's ``re`` runs the same patterns, slower but with the same hits.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from anke.cache import read_entry, write_entry

try:  # pragma: no cover - depends on the platform
    import hyperscan as hyperscan  # re-exported for the other byte matchers

    HAVE_HYPERSCAN = True
except ImportError:  # pragma: no cover
    hyperscan = None  # type: ignore[assignment]
    HAVE_HYPERSCAN = False


@dataclass(frozen=True)
class Hit:
    """Pattern ``pattern`` matched, ending at ``end`` (``start``: exact only without hyperscan)."""

    pattern: int
    start: int
    end: int


class TooManyHits(Exception):
    """Raised inside a scan callback to stop a scan that passed its hit limit."""


class Prefilter:
    """A compiled set of byte regexes; ``scan`` returns every hit up to a limit.

    Compiling a large set takes hyperscan about a second, so the compiled database is kept
    in anke's cache directory (:mod:`anke.cache`), keyed by the SHA-256 of the patterns and flags.
    """

    def __init__(self, patterns: Sequence[bytes], *, caseless: Sequence[bool],
                 cached: bool = True) -> None:
        self.patterns = tuple(patterns)
        self._caseless = tuple(caseless)
        self._cached = cached
        self._db: hyperscan.Database | None = None
        self._regex: list[re.Pattern[bytes]] | None = None

    def _key(self) -> str:
        digest = hashlib.sha256(str(getattr(hyperscan, "__version__", "")).encode())
        for pattern, caseless in zip(self.patterns, self._caseless, strict=True):
            digest.update(pattern + (b"\x01" if caseless else b"\x00") + b"\x00")
        return digest.hexdigest()[:24]

    def _load_cached(self) -> hyperscan.Database | None:
        if not self._cached:
            return None
        raw = read_entry(f"prefilter-{self._key()}.hsdb")
        if raw is None:
            return None
        try:
            db = hyperscan.loadb(raw, hyperscan.HS_MODE_BLOCK)
            db.scratch = hyperscan.Scratch(db)
        except hyperscan.HyperscanError:
            return None
        return db

    def _store(self, db: hyperscan.Database) -> None:
        if self._cached:
            with contextlib.suppress(hyperscan.HyperscanError):
                write_entry(f"prefilter-{self._key()}.hsdb", hyperscan.dumpb(db))

    def _compile(self) -> None:
        if HAVE_HYPERSCAN and self.patterns:
            cached = self._load_cached()
            if cached is not None:
                self._db = cached
                return
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flags = [hyperscan.HS_FLAG_CASELESS if c else 0 for c in self._caseless]
            db.compile(expressions=list(self.patterns), ids=list(range(len(self.patterns))),
                       elements=len(self.patterns), flags=flags)
            self._db = db
            self._store(db)
        else:
            self._regex = [re.compile(p, re.IGNORECASE if c else 0)
                           for p, c in zip(self.patterns, self._caseless, strict=True)]

    def scan(self, data: bytes, limit: int = 200_000,
             wanted: Sequence[bool] | None = None) -> tuple[list[Hit], bool]:
        """All hits in ``data`` (sorted by start) and whether the limit cut the list short.

        With ``wanted`` (a flag per pattern id), hits of the other patterns are neither
        returned nor counted against the limit.
        """
        if self._db is None and self._regex is None:
            self._compile()
        hits: list[Hit] = []
        truncated = False
        if self._db is not None:
            if wanted is None:
                def on_match(pattern: int, start: int, end: int, flags: int,
                             context: object) -> bool:
                    hits.append(Hit(pattern, start, end))
                    return len(hits) >= limit
            else:
                def on_match(pattern: int, start: int, end: int, flags: int,
                             context: object) -> bool:
                    if not wanted[pattern]:
                        return False
                    hits.append(Hit(pattern, start, end))
                    return len(hits) >= limit

            try:
                self._db.scan(data, match_event_handler=on_match)
            except hyperscan.ScanTerminated:
                truncated = True
        else:
            assert self._regex is not None
            for index, regex in enumerate(self._regex):
                if wanted is not None and not wanted[index]:
                    continue
                for found in regex.finditer(data):
                    hits.append(Hit(index, found.start(), found.end()))
                    if len(hits) >= limit:
                        truncated = True
                        break
                if truncated:
                    break
        hits.sort(key=lambda h: (h.start, h.end, h.pattern))
        return hits, truncated
