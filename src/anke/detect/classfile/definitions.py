"""Implementations shipped as bytecode: classes named after the algorithm they implement.

``org/bouncycastle/crypto/engines/SM4Engine`` implements SM4, ``.../digests/SM3Digest`` SM3.
A class counts when its package is a cryptography package and its simple name reads as an
algorithm (``data/definitions.yaml`` says which packages and which names are about an
algorithm rather than of it).  A name that reads as nothing but is an API a rule knows
(``SHAKEDigest``) takes the rule's fixed algorithm.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from anke.catalog.index import fold
from anke.datafile import load_yaml_model
from anke.detect.classfile.reader import (
    ACC_ANNOTATION,
    ACC_ENUM,
    ACC_INTERFACE,
    ACC_MODULE,
    ACC_SYNTHETIC,
    ClassFile,
)
from anke.detect.classfile.resolve import RuleMatcher, dotted, simple
from anke.rules.model import MatchOn

DATA = Path(__file__).parent / "data" / "definitions.yaml"
_NOT_A_CLASS = ACC_INTERFACE | ACC_ANNOTATION | ACC_ENUM | ACC_MODULE | ACC_SYNTHETIC


class DefinitionWords(BaseModel):
    """The vocabulary of ``data/definitions.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    crypto_packages: frozenset[str] = Field(min_length=1)
    skip_packages: frozenset[str] = frozenset()
    name_prefixes: tuple[str, ...] = ()
    name_suffixes: tuple[str, ...] = ()


@cache
def definition_words() -> DefinitionWords:
    """The shipped vocabulary (loaded once)."""
    return load_yaml_model(DATA, DefinitionWords)


@cache
def _affixes(prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    if prefixes:
        parts.append(r"^(?:" + "|".join(map(re.escape, prefixes)) + r")(?:[A-Z0-9_]|$)")
    if suffixes:
        parts.append(r"(?:^|[a-z0-9_]|[A-Z](?=[A-Z][a-z]))(?:"
                     + "|".join(map(re.escape, suffixes)) + r")$")
    return re.compile("|".join(parts) or r"(?!)")


def defined_algorithms(cls: ClassFile, matcher: RuleMatcher,
                       words: DefinitionWords | None = None) -> list[str]:
    """The algorithms a class's own name says it implements (empty for most classes)."""
    words = words or definition_words()
    if cls.access & _NOT_A_CLASS or "$" in cls.this_class or "/" not in cls.this_class:
        return []
    package, name = cls.this_class.rsplit("/", 1)
    segments = {s.lower() for s in package.split("/")}
    if not segments & words.crypto_packages or segments & words.skip_packages:
        return []
    if _affixes(words.name_prefixes, words.name_suffixes).search(name):
        return []
    reader = matcher.reader
    catalog = reader.catalog
    found: list[str] = []
    for algorithm in reader.read(name).algorithms:
        entry = catalog.algorithm(algorithm)
        if entry is None or entry.primitive.value == "other":
            continue  # "EC" names a key type, not an implementation
        spellings = (entry.name, *entry.aliases)
        if {fold(s) for s in spellings} & catalog.common_words and not any(
                _spelled(name, s) for s in spellings):
            continue  # ThreadedSeedGenerator, sphincs Seed: a word, not SEED
        if algorithm not in found:
            found.append(algorithm)
    if found:
        return found
    return _rule_algorithms(cls, matcher)


def _spelled(name: str, spelling: str) -> bool:
    """True when ``name`` spells ``spelling`` exactly, at camel-case word boundaries."""
    return re.search(r"(?<![A-Za-z])" + re.escape(spelling) + r"(?![a-z])", name) is not None


def _rule_algorithms(cls: ClassFile, matcher: RuleMatcher) -> list[str]:
    """The fixed algorithm of a constructor rule that names this very class."""
    found = matcher.match(dotted(cls.this_class), MatchOn.NEW)
    if found is None:
        return []
    rule = found[0]
    name = simple(cls.this_class)
    if not any(pattern.rsplit(".", 1)[-1] == name for pattern in rule.rule.match):
        return []  # only a rule written for this very class: not a {name} of a package
    out: list[str] = []
    for source in rule.rule.algorithm:
        text = source.value if isinstance(source.value, str) else None
        if text is None:
            continue
        for algorithm in matcher.reader.read(text).algorithms:
            entry = matcher.reader.catalog.algorithm(algorithm)
            if entry is not None and entry.primitive.value != "other" and algorithm not in out:
                out.append(algorithm)
    return out
