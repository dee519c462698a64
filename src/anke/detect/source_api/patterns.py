"""The source-api prefilter: rule anchors and algorithm names, compiled into one set.

A file is parsed only when one of these patterns occurs in it at a word boundary; each hit
also points the second stage at the exact identifier to look at, so the cost of a scan
follows the cryptography in a tree, not its size.  Word boundaries (camel case included) are
part of the patterns, so ``description`` never reaches Python as a hit for DES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.detect.prefilter import Prefilter
from anke.rules.loader import RuleSet
from anke.rules.model import Language

_PIECES = re.compile(r"\d+|[a-z]+")
_ANCHOR = re.compile(r"^\\b((?:[A-Za-z0-9_$]|\\-)+)(\\b)?$")
_NOT_IDENT = rb"[^A-Za-z0-9_$]"
ANCHOR = "anchor"
NAME = "name"


@dataclass(frozen=True, eq=False)
class PatternSet:
    """The compiled prefilter and what each of its patterns stands for."""

    prefilter: Prefilter
    kinds: tuple[str, ...]  # ANCHOR or NAME, per pattern id
    languages: tuple[frozenset[Language], ...]  # languages an anchor belongs to
    _relevant: dict[Language, tuple[bool, ...]] = field(default_factory=dict)

    def relevant(self, language: Language) -> tuple[bool, ...]:
        """Per pattern id, whether its hits matter in a file of ``language``: every name,
        and the anchors of that language's rules."""
        found = self._relevant.get(language)
        if found is None:
            found = tuple(kind == NAME or language in langs
                          for kind, langs in zip(self.kinds, self.languages, strict=True))
            self._relevant[language] = found
        return found


def _name_forms(key: str) -> list[bytes]:
    """Regexes for one folded name in its lower, UPPER and Capitalised spellings.

    ``sha256`` also finds ``SHA-256`` and ``sha_256``; the surrounding classes demand a word
    or camel-case boundary on each side (``AESCipher`` and ``getSha256`` match, ``caesar``
    and ``Description`` do not).
    """
    pieces = _PIECES.findall(key)
    if "".join(pieces) != key or not pieces:
        return []
    forms: list[bytes] = []
    for case in ("lower", "upper", "cap"):
        if case == "lower":
            body_pieces = pieces
            left, right = r"(?:^|[^a-z])", r"(?:[^a-z]|$)"
        elif case == "upper":
            body_pieces = [p.upper() for p in pieces]
            left, right = r"(?:^|[^A-Z])", r"(?:[^A-Z]|[A-Z][a-z]|$)"
        else:
            if pieces[0].isdigit() or len(pieces[0]) < 2:
                continue
            body_pieces = [pieces[0].capitalize(), *pieces[1:]]
            left, right = r"(?:^|[^A-Z])", r"(?:[^a-z]|$)"
        body = r"[-_]?".join(re.escape(p) for p in body_pieces)
        forms.append((left + body + right).encode())
    return forms


def name_keys(catalog: Catalog) -> set[str]:
    """Folded algorithm names worth searching for in every spelling (not everyday words)."""
    keys: set[str] = set()
    for algorithm in catalog.algorithms:
        for name in (algorithm.name, *algorithm.aliases):
            key = fold(name)
            if len(key) >= 2 and key not in catalog.common_words:
                keys.add(key)
    return keys


def exact_names(catalog: Catalog) -> set[str]:
    """Spellings searched exactly as written.

    Mixed-case names (``TripleDES``, ``EvpKDF``, ``DESede``) are not covered by the lower,
    UPPER and Capitalised forms; names that are everyday words (``SEED``) are searched only
    as the catalog writes them.
    """
    names: set[str] = set()
    for algorithm in catalog.algorithms:
        for name in (algorithm.name, *algorithm.aliases):
            if not re.fullmatch(r"[A-Za-z0-9]+", name):
                continue
            if fold(name) in catalog.common_words:
                if name == algorithm.name:
                    names.add(name)
            elif name not in (name.lower(), name.upper(), name.capitalize()):
                names.add(name)
    return names


@cache
def pattern_set(rules: RuleSet, catalog: Catalog) -> PatternSet:
    """Build (once per process) the prefilter for every language's rules and the catalog."""
    patterns: list[bytes] = []
    kinds: list[str] = []
    languages: list[frozenset[Language]] = []
    anchor_langs: dict[str, set[Language]] = {}
    for language, index in rules.by_language.items():
        for anchor in index.anchors:
            anchor_langs.setdefault(anchor, set()).add(language)
    for anchor, langs in sorted(anchor_langs.items()):
        found = _ANCHOR.match(anchor)
        if found is None:
            continue
        right = rb"(?:" + _NOT_IDENT + rb"|$)" if found.group(2) is not None else b""
        literal = found.group(1).replace("\\-", "-")  # hyphens are escaped in anchors
        patterns.append(rb"(?:^|" + _NOT_IDENT + rb")" + re.escape(literal).encode() + right)
        kinds.append(ANCHOR)
        languages.append(frozenset(langs))
    for key in sorted(name_keys(catalog)):
        for form in _name_forms(key):
            patterns.append(form)
            kinds.append(NAME)
            languages.append(frozenset(Language))
    for name in sorted(exact_names(catalog)):
        left = rb"(?:^|[^A-Z])" if name[0].isupper() else rb"(?:^|[^a-z])"
        right = rb"(?:[^a-z]|$)" if name[-1].islower() else rb"(?:[^A-Z]|[A-Z][a-z]|$)"
        patterns.append(left + re.escape(name).encode() + right)
        kinds.append(NAME)
        languages.append(frozenset(Language))
    prefilter = Prefilter(patterns, caseless=[False] * len(patterns))
    return PatternSet(prefilter, tuple(kinds), tuple(languages))
