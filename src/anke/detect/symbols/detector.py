"""The ``symbols`` detector: algorithms named by a native binary's functions and strings.

A shared library that implements SM4 exports ``SM4_encrypt`` or ``nettle_aes128_encrypt``;
a program that uses OpenSSL imports ``EVP_sm4_cbc``; algorithm tables in read-only data
carry names such as ``"AES-128-CBC"`` or ``"sha256WithRSAEncryption"``.  Function names are
read like source definitions (:mod:`anke.detect.implementations`); a string counts only
when every word of it is cryptographic vocabulary (an algorithm, mode, padding, curve or
a number), so prose and identifiers that merely contain a name stay silent.  Each
algorithm is reported once per binary and kind of evidence, at the first place seen.
"""

from __future__ import annotations

import re
from typing import ClassVar

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.detect.base import Detection
from anke.detect.implementations import implemented
from anke.detect.source_api.names import NameReader, reader_for
from anke.detect.symbols.names import read_names
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
_MAX_FINDINGS = 500
_SCALAR_MULT = {"Curve25519": "X25519", "Curve448": "X448"}  # RFC 7748 functions


def binary_format(head: bytes) -> str | None:
    """``ELF``, ``PE`` or ``Mach-O`` from the first bytes, else None."""
    for magic, name in _FORMATS:
        if head.startswith(magic):
            return name
    return None


class SymbolsDetector:
    """Reads function names and strings of ELF, PE and Mach-O files."""

    name: ClassVar[str] = "symbols"

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.reader: NameReader = reader_for(catalog)

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
                self._add(found, "symbols.export", path, offset, f"exports {symbol}", algorithm,
                          self.reader.primitive(algorithm))
        for symbol in names.imported:
            for algorithm in self._implemented(symbol):
                self._add(found, "symbols.import", path, None, f"imports {symbol}", algorithm,
                          self.reader.primitive(algorithm))
        for text, offset in names.strings:
            for algorithm in self._string_algorithms(text):
                self._add(found, "symbols.string", path, offset, f'string "{text}"', algorithm,
                          self.reader.primitive(algorithm))
        notes = [Skipped(path=path, reason=f"degraded: {note}") for note in names.notes]
        return Detection(list(found.values())[:_MAX_FINDINGS], notes, True)

    def _implemented(self, symbol: str) -> list[str]:
        """Algorithms a function name implements; NaCl's ``scalarmult_curve25519`` is X25519."""
        found = implemented(symbol, self.reader, self.catalog)
        if not found and "scalarmult" in symbol.lower():
            curve = self.reader.read(symbol).curve
            function = _SCALAR_MULT.get(curve or "")
            if function is not None:
                found = [function]
        return found

    def _string_algorithms(self, text: str) -> list[str]:
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

    @staticmethod
    def _add(found: dict[tuple[str, str], Finding], rule: str, path: str, offset: int | None,
             evidence: str, algorithm: str, primitive: str | None) -> None:
        key = (rule, algorithm)
        if key in found:
            return
        found[key] = Finding(
            id=Finding.make_id(rule, path, None, offset, evidence, algorithm),
            detector="symbols", rule=rule, kind=FindingKind.ALGORITHM, algorithm=algorithm,
            primitive=primitive,
            path=path, offset=offset, evidence=evidence[:200], confidence=Confidence.MEDIUM)
