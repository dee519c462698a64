"""Reading algorithm names out of strings and identifiers.

One reader serves every library: JCA transformations (``AES/CBC/PKCS5Padding``), OpenSSL and
Node names (``aes-256-gcm``, ``des-ede3-cbc``), signature names (``SHA256withRSA``), TLS
suites (``ECDHE-RSA-AES128-GCM-SHA256``), curve names and OIDs, and identifiers such as
``sm3_hash`` or ``HmacSHA256``.  Names are matched against the catalog only at word
boundaries, so ``description`` is not DES and ``shape`` is not SHA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from anke.catalog import Catalog
from anke.catalog.index import fold
from anke.catalog.model import Primitive

_SEPARATORS = re.compile(r"[\s/:_\-,+;()\[\]<>'\"`.=|]+")
_CHUNKS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_OID = re.compile(r"^\d+(\.\d+){3,}$")
_FILLERS = frozenset({"with", "and", "padding", "mode", "using", "pad", "pbe"})
_MAX_WORDS = 6
# paddings of public-key algorithms: they pad RSA, never a block cipher
PUBLIC_KEY_PADDINGS = frozenset({"OAEP", "PSS", "PKCS1v15"})


@dataclass(frozen=True)
class Word:
    """One recognised word: an algorithm, curve, mode, padding, number or filler."""

    kind: str  # algorithm | curve | mode | padding | number | filler
    value: str | int


@dataclass(frozen=True)
class NameReading:
    """What a name says: algorithms in order, and the parameters it fixes."""

    algorithms: tuple[str, ...] = ()
    mode: str | None = None
    padding: str | None = None
    key_bits: int | None = None
    curve: str | None = None

    @property
    def empty(self) -> bool:
        """True when the name said nothing cryptographic."""
        return not (self.algorithms or self.mode or self.padding or self.curve)


class NameReader:
    """Reads names against one catalog (cache one per process)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        vocab: dict[str, Word] = {}
        for padding in catalog.paddings:
            for name in (padding.name, *padding.aliases):
                vocab[fold(name)] = Word("padding", padding.name)
        for mode in catalog.modes:
            for name in (mode.name, *mode.aliases):
                vocab[fold(name)] = Word("mode", mode.name)
        for curve in catalog.curves:
            for name in (curve.name, *curve.aliases):
                vocab[fold(name)] = Word("curve", curve.name)
        for algorithm in catalog.algorithms:
            for name in (algorithm.name, *algorithm.aliases):
                vocab[fold(name)] = Word("algorithm", algorithm.name)
        for composite in catalog.composites:
            for name in (composite.name, *composite.aliases):
                vocab[fold(name)] = Word("composite", composite.means)
        for filler in _FILLERS:
            vocab.setdefault(filler, Word("filler", filler))
        self.vocab = vocab
        self.longest = max(len(k) for k in vocab)

    def words(self, name: str) -> list[Word]:
        """The recognised words of a name, in order."""
        parts = [p for p in _SEPARATORS.split(name) if p]
        out: list[Word] = []
        i = 0
        while i < len(parts):
            for j in range(min(len(parts), i + _MAX_WORDS), i + 1, -1):
                joined = self.vocab.get("".join(parts[i:j]).lower())
                if joined is not None:  # "SHA-256", "des-ede3", "chacha20-poly1305"
                    out.append(joined)
                    i = j
                    break
            else:
                out.extend(self._part_words(parts[i]))
                i += 1
        return out

    def _part_words(self, part: str) -> list[Word]:
        key = part.lower()
        whole = self.vocab.get(key)
        if whole is not None:
            return [whole]
        covered = self._cover(key)
        if covered is not None:
            return covered
        return self._at_boundaries(part)

    def _cover(self, key: str) -> list[Word] | None:
        """Split a run of letters and digits entirely into known words, or None."""
        n = len(key)
        if n > 64:
            return None
        best: list[list[Word] | None] = [None] * (n + 1)
        best[n] = []
        for i in range(n - 1, -1, -1):
            if key[i].isdigit():
                j = i
                while j < n and key[j].isdigit():
                    j += 1
                tail = best[j]
                if tail is not None and (i == 0 or not key[i - 1].isdigit()):
                    best[i] = [Word("number", int(key[i:j])), *tail]
            for j in range(min(n, i + self.longest), i, -1):
                word = self.vocab.get(key[i:j])
                tail = best[j]
                if word is not None and tail is not None and (j == n or not (
                    key[j - 1].isdigit() and key[j].isdigit())):
                    candidate = [word, *tail]
                    current = best[i]
                    if current is None or len(candidate) < len(current):
                        best[i] = candidate
                    break
        return best[0]

    def _at_boundaries(self, part: str) -> list[Word]:
        """Known words that start and end on camel-case or digit boundaries."""
        chunks = _CHUNKS.findall(part)
        out: list[Word] = []
        i = 0
        while i < len(chunks):
            found = None
            for j in range(min(len(chunks), i + _MAX_WORDS), i, -1):
                word = self.vocab.get("".join(chunks[i:j]).lower())
                if word is not None:
                    found = (word, j)
                    break
            if found is None:
                if chunks[i].isdigit():
                    out.append(Word("number", int(chunks[i])))
                i += 1
                continue
            out.append(found[0])
            i = found[1]
        return out

    def read(self, name: str) -> NameReading:
        """Read an algorithm string: algorithms, mode, padding, key size, curve."""
        if _OID.match(name.strip()):
            item = self.catalog.by_oid(name.strip())
            if item is None:
                return NameReading()
            if hasattr(item, "primitive"):
                return NameReading(algorithms=(item.name,))
            return NameReading(curve=item.name)
        algorithms: list[str] = []
        mode = padding = curve = None
        key_bits: int | None = None
        previous: Word | None = None
        for word in self._expanded(name):
            if word.kind == "algorithm":
                if word.value not in algorithms:
                    algorithms.append(str(word.value))
            elif word.kind == "mode" and mode is None:
                mode = str(word.value)
            elif word.kind == "padding" and padding is None:
                padding = str(word.value)
            elif word.kind == "curve" and curve is None:
                curve = str(word.value)
            elif word.kind == "number" and previous is not None and previous.kind == "algorithm":
                bits = int(word.value)
                if key_bits is None and self._plausible_bits(str(previous.value), bits):
                    key_bits = bits
            previous = word
        if not algorithms and padding in PUBLIC_KEY_PADDINGS and "rsa" in name.lower():
            algorithms.append("RSA")  # RSASSA-PKCS1-v1_5, RSA-OAEP, RSA-PSS name RSA too
        return NameReading(tuple(algorithms), mode, padding, key_bits, curve)

    def _expanded(self, name: str) -> list[Word]:
        """The words of a name, with composites (``HS256``) replaced by what they mean."""
        out: list[Word] = []
        for word in self.words(name):
            if word.kind == "composite":
                out.extend(w for w in self.words(str(word.value)) if w.kind != "composite")
            else:
                out.append(word)
        return out

    def _plausible_bits(self, algorithm: str, bits: int) -> bool:
        entry = self.catalog.algorithm(algorithm)
        if entry is None:
            return False
        if entry.key_sizes:
            return bits in entry.key_sizes
        return entry.parameterized and 256 <= bits <= 16384

    def primitive(self, algorithm: str) -> str | None:
        """The catalog primitive of an algorithm name."""
        entry = self.catalog.algorithm(algorithm)
        return entry.primitive.value if entry is not None else None

    def is_block_cipher(self, algorithm: str) -> bool:
        """True for block ciphers, which are the only ones that take a mode."""
        entry = self.catalog.algorithm(algorithm)
        return entry is not None and entry.primitive is Primitive.BLOCK_CIPHER


@cache
def reader_for(catalog: Catalog) -> NameReader:
    """The name reader of a catalog (built once per process)."""
    return NameReader(catalog)
