"""The ``symbols`` detector: algorithms named by a native binary's functions and strings.

A shared library that implements SM4 exports ``SM4_encrypt`` or ``nettle_aes128_encrypt``;
a program that uses OpenSSL imports ``EVP_sm4_cbc``; algorithm tables in read-only data
carry names such as ``"AES-128-CBC"`` or ``"sha256WithRSAEncryption"``.  Function names are
read like source definitions (:mod:`anke.detect.implementations`), except that the prefix
of a generic API (``EVP_KDF_``) names no algorithm; a string counts only when every word of
it is cryptographic vocabulary (an algorithm, mode, padding, curve or a number), so prose
and identifiers that merely contain a name stay silent.

A name a binary merely knows is not one it implements: libraries keep tables of names
(object identifiers, hash names for lookups, cipher-string keywords).  Inside such a table
(:mod:`anke.detect.symbols.tables`) a lone lower-case name, a lone name that no other
string of the binary names, and a signature or password-based-encryption scheme name are
reported at low confidence only (rule ``symbols.known-name``), as is an object-identifier
value name (``id-...``) anywhere.  Each algorithm is reported once per binary and kind of
evidence, at the first place seen; the rules are data (``data/symbols.yaml``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import ClassVar

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.detect.base import Detection
from anke.detect.implementations import implemented
from anke.detect.source_api.names import NameReader, reader_for
from anke.detect.symbols.names import read_names
from anke.detect.symbols.rules import SymbolRules, symbol_rules
from anke.detect.symbols.shapes import Shape, lower_case, shape
from anke.detect.symbols.tables import TableIndex
from anke.findings.model import Confidence, Finding, FindingKind, Skipped

_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "ELF"),
    (b"MZ", "PE"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"),
    (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xfe\xed\xfa\xce", "Mach-O"),
)
_TOKENS = re.compile(r"[-_/.]+")
_PARENS = re.compile(r"[()]+")
_MAX_FINDINGS = 500
_MAX_MEMO = 200_000
_SCALAR_MULT = {"Curve25519": "X25519", "Curve448": "X448"}  # RFC 7748 functions
KNOWN_NAME = "symbols.known-name"


def binary_format(head: bytes) -> str | None:
    """``ELF``, ``PE`` or ``Mach-O`` from the first bytes, else None."""
    for magic, name in _FORMATS:
        if head.startswith(magic):
            return name
    return None


class SymbolsDetector:
    """Reads function names and strings of ELF, PE and Mach-O files."""

    name: ClassVar[str] = "symbols"

    def __init__(self, catalog: Catalog, rules: SymbolRules | None = None) -> None:
        self.catalog = catalog
        self.reader: NameReader = reader_for(catalog)
        self.rules = rules or symbol_rules()
        self._generic = tuple(api.prefix for api in self.rules.generic_apis)
        self._replacements = tuple((re.compile(r.pattern, re.IGNORECASE), r.replace)
                                   for r in self.rules.replacements)
        self._oid_prefixes = tuple(p.lower() for p in self.rules.oid_name_prefixes)
        self._memo: dict[str, list[str]] = {}

    def handles(self, path: str, head: bytes) -> bool:
        """True for native executables, shared libraries and objects."""
        return binary_format(head) is not None

    def detect(self, path: str, data: bytes) -> Detection:
        """One finding per algorithm and kind of evidence (export, import, string)."""
        kind = binary_format(data[:8])
        if kind is None:
            return Detection()
        names = read_names(data, kind)
        found: dict[tuple[str, str], Finding] = {}
        for symbol, offset in names.exported:
            for algorithm in self._implemented(symbol):
                self._add(found, "symbols.export", path, offset, f"exports {symbol}", algorithm)
        for symbol in names.imported:
            for algorithm in self._implemented(symbol):
                self._add(found, "symbols.import", path, None, f"imports {symbol}", algorithm)
        self._strings(found, path, names.strings, TableIndex(
            names.entries, self._names_algorithm, self.rules.name_tables))
        notes = [Skipped(path=path, reason=f"degraded: {note}") for note in names.notes]
        return Detection(list(found.values())[:_MAX_FINDINGS], notes, True)

    def _strings(self, found: dict[tuple[str, str], Finding], path: str,
                 strings: list[tuple[str, int]], tables: TableIndex) -> None:
        """String findings: medium for evidence, low for names the binary only knows."""
        known: list[tuple[str, str, int]] = []  # (algorithm, text, offset), low at most
        pending: list[tuple[str, str, int]] = []  # lone names in a table: need a second name
        mentions: dict[str, set[str]] = defaultdict(set)  # algorithm -> texts naming it alone
        for text, offset in strings:
            algorithms = self._string_algorithms(text)
            if not algorithms:
                continue
            if text.lower().startswith(self._oid_prefixes):
                known.extend((a, text, offset) for a in algorithms)
                continue
            form = shape(text, algorithms, self.reader.read(text), self.catalog)
            if form is not Shape.SCHEME:
                for algorithm in algorithms:
                    mentions[algorithm].add(text)
            if form is Shape.SPEC or not tables.in_table(offset):
                for algorithm in algorithms:
                    self._add(found, "symbols.string", path, offset, f'string "{text}"',
                              algorithm)
            elif form is Shape.LONE and not lower_case(text):
                pending.append((algorithms[0], text, offset))
            else:
                known.extend((a, text, offset) for a in algorithms)
        for algorithm, text, offset in pending:
            if len(mentions[algorithm]) > 1 or self._reported(found, algorithm):
                self._add(found, "symbols.string", path, offset, f'string "{text}"', algorithm)
            else:
                known.append((algorithm, text, offset))
        for algorithm, text, offset in known:
            if not self._reported(found, algorithm):
                self._add(found, KNOWN_NAME, path, offset, f'string "{text}" (a known name)',
                          algorithm, Confidence.LOW)

    @staticmethod
    def _reported(found: dict[tuple[str, str], Finding], algorithm: str) -> bool:
        return any(key[1] == algorithm and key[0] != KNOWN_NAME for key in found)

    def _implemented(self, symbol: str) -> list[str]:
        """Algorithms a function name implements; NaCl's ``scalarmult_curve25519`` is X25519."""
        bare = symbol.lstrip("_")
        for prefix in self._generic:
            if bare.startswith(prefix) and bare[len(prefix):len(prefix) + 1] in ("", "_"):
                symbol = bare[len(prefix):]  # the generic API's own name says nothing
                break
        found = implemented(symbol, self.reader, self.catalog)
        if not found and "scalarmult" in symbol.lower():
            curve = self.reader.read(symbol).curve
            function = _SCALAR_MULT.get(curve or "")
            if function is not None:
                found = [function]
        return self._replaced(symbol, found)

    def _replaced(self, name: str, algorithms: list[str]) -> list[str]:
        """``algorithms`` with the replacements of ``data/symbols.yaml`` that ``name`` meets."""
        for pattern, replace in self._replacements:
            if pattern.search(name):
                algorithms = list(dict.fromkeys(replace.get(a, a) for a in algorithms))
        return algorithms

    def _names_algorithm(self, entry: str) -> bool:
        """True when a whole string names an algorithm (``SEED(128)`` as ``SEED-128``)."""
        return bool(self._string_algorithms(_PARENS.sub("-", entry).strip("-")))

    def _string_algorithms(self, text: str) -> list[str]:
        """Algorithms of a string made only of cryptographic words (memoised)."""
        algorithms = self._memo.get(text)
        if algorithms is None:
            if len(self._memo) >= _MAX_MEMO:
                self._memo.clear()
            algorithms = self._replaced(text, self._read_string(text))
            self._memo[text] = algorithms
        return algorithms

    def _read_string(self, text: str) -> list[str]:
        """Algorithms of a string made only of cryptographic words (``AES-128-CBC``)."""
        if not self._covered(fold(text)):
            return []
        reading = self.reader.read(text)
        algorithms: list[str] = []
        plain_short = True
        for algorithm in reading.algorithms:
            entry = self.catalog.algorithm(algorithm)
            if entry is None or entry.primitive.value == "other":
                continue
            keys = {fold(n) for n in (entry.name, *entry.aliases)}
            if keys & self.catalog.common_words and not any(
                    token == entry.name or (token.isupper() and token.rstrip("0123456789")
                                            == entry.name.upper())
                    for token in _TOKENS.split(text)):
                continue  # "seed", "idea" as words; "SEED", "SERPENT256" as the cipher
            if not any(len(k) <= 3 and k.isalpha() and k not in ("aes", "rsa") for k in keys
                       if k in fold(text)):
                plain_short = False
            algorithms.append(entry.name)
        if plain_short and len(reading.algorithms) < 2 and not (
                reading.mode or reading.key_bits or reading.padding):
            return []  # "des", "dh" alone: too short to be sure of
        return algorithms

    def _covered(self, key: str) -> bool:
        """True when ``key`` splits entirely into vocabulary words and numbers."""
        if not key or len(key) > 48:
            return False
        vocab, longest = self.reader.vocab, self.reader.longest
        reachable = [False] * (len(key) + 1)
        reachable[0] = True
        for start in range(len(key)):
            if not reachable[start]:
                continue
            end = start
            while end < len(key) and key[end].isdigit():
                end += 1
                reachable[end] = True
            for stop in range(start + 2, min(len(key), start + longest) + 1):
                if key[start:stop] in vocab:
                    reachable[stop] = True
        return reachable[-1]

    def _add(self, found: dict[tuple[str, str], Finding], rule: str, path: str,
             offset: int | None, evidence: str, algorithm: str,
             confidence: Confidence = Confidence.MEDIUM) -> None:
        key = (rule, algorithm)
        if key in found:
            return
        found[key] = Finding(
            id=Finding.make_id(rule, path, None, offset, evidence, algorithm),
            detector="symbols", rule=rule, kind=FindingKind.ALGORITHM, algorithm=algorithm,
            primitive=self.reader.primitive(algorithm),
            path=path, offset=offset, evidence=evidence[:200], confidence=confidence)
