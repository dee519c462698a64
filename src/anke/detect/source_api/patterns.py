"""The source-api prefilter: rule anchors and algorithm names, compiled into one set.

A file is parsed only when one of these patterns occurs in it at a word boundary; each hit
also points the second stage at the exact identifier to look at, so the cost of a scan
follows the cryptography in a tree, not its size.  The patterns are plain literals (cheap to
compile and to run); word boundaries are checked on the few hits in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.detect.prefilter import Hit, Prefilter
from anke.rules.loader import RuleSet
from anke.rules.model import Language

_PIECES = re.compile(r"\d+|[a-z]+")
_ANCHOR = re.compile(r"^\\b([A-Za-z0-9_$]+)(\\b)?$")
ANCHOR = "anchor"
NAME = "name"


@dataclass(frozen=True, eq=False)
class PatternSet:
    """The compiled prefilter and what each of its patterns stands for."""

    prefilter: Prefilter
    kinds: tuple[str, ...]  # ANCHOR or NAME, per pattern id
    languages: tuple[frozenset[Language], ...]  # languages an anchor belongs to
    whole: tuple[bool, ...]  # an anchor that must end at a word boundary

    def accept(self, data: bytes, hit: Hit) -> bool:
        """True when a hit starts and ends at word boundaries (camel case counts)."""
        if self.kinds[hit.pattern] == ANCHOR:
            if hit.start > 0 and _is_ident(data[hit.start - 1]):
                return False
            return not (self.whole[hit.pattern] and hit.end < len(data)
                        and _is_ident(data[hit.end]))
        return _name_boundaries(data, hit.start, hit.end)


def _is_ident(byte: int) -> bool:
    return 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122 or byte in (95, 36)


def _is_upper(byte: int) -> bool:
    return 65 <= byte <= 90


def _is_lower(byte: int) -> bool:
    return 97 <= byte <= 122


def _is_letter(byte: int) -> bool:
    return _is_upper(byte) or _is_lower(byte)


def _name_boundaries(data: bytes, start: int, end: int) -> bool:
    first, last = data[start], data[end - 1]
    if start > 0:
        before = data[start - 1]
        if _is_letter(before) and not (_is_upper(first) and _is_lower(before)):
            return False
    if end < len(data):
        after = data[end]
        if _is_letter(after):
            if _is_lower(after) and not (48 <= last <= 57):
                return False
            if _is_upper(after) and _is_upper(last):
                following = data[end + 1] if end + 1 < len(data) else 0
                if not _is_lower(following):
                    return False
    return True


def _name_regex(key: str) -> bytes | None:
    """A caseless regex for one folded name: ``sha256`` also finds ``SHA-256`` and ``sha_256``."""
    pieces = _PIECES.findall(key)
    if "".join(pieces) != key or not pieces:
        return None
    return r"[-_]?".join(re.escape(p) for p in pieces).encode()


def name_keys(catalog: Catalog) -> set[str]:
    """Folded algorithm names worth searching for."""
    keys: set[str] = set()
    for algorithm in catalog.algorithms:
        for name in (algorithm.name, *algorithm.aliases):
            key = fold(name)
            if len(key) >= 2:
                keys.add(key)
    return keys


@cache
def pattern_set(rules: RuleSet, catalog: Catalog) -> PatternSet:
    """Build (once per process) the prefilter for every language's rules and the catalog."""
    patterns: list[bytes] = []
    caseless: list[bool] = []
    kinds: list[str] = []
    languages: list[frozenset[Language]] = []
    whole: list[bool] = []
    anchor_langs: dict[str, set[Language]] = {}
    for language, index in rules.by_language.items():
        for anchor in index.anchors:
            anchor_langs.setdefault(anchor, set()).add(language)
    for anchor, langs in sorted(anchor_langs.items()):
        found = _ANCHOR.match(anchor)
        if found is None:
            continue
        patterns.append(re.escape(found.group(1)).encode())
        caseless.append(False)
        kinds.append(ANCHOR)
        languages.append(frozenset(langs))
        whole.append(found.group(2) is not None)
    for key in sorted(name_keys(catalog)):
        regex = _name_regex(key)
        if regex is None:
            continue
        patterns.append(regex)
        caseless.append(True)
        kinds.append(NAME)
        languages.append(frozenset(Language))
        whole.append(False)
    prefilter = Prefilter(patterns, caseless=caseless)
    return PatternSet(prefilter, tuple(kinds), tuple(languages), tuple(whole))
