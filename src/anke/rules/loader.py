"""Load the rule files, validate them, and compile their name patterns for matching."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from anke.cache import built_once, files_key
from anke.datafile import load_yaml_model
from anke.errors import DataFileError
from anke.rules.model import Language, MatchOn, Rule, RuleFile

DATA_DIR = Path(__file__).parent / "data"

_TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}|\*")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


@cache
def _regex(source: str) -> re.Pattern[str]:
    """Compiled on first use: most of the thousands of rule patterns never meet a site."""
    return re.compile(source)


def _compile(pattern: str) -> str:
    """The regex source of a name pattern (``{x}`` captures a name, ``*`` any prefix)."""
    out: list[str] = []
    pos = 0
    for token in _TOKEN.finditer(pattern):
        out.append(re.escape(pattern[pos:token.start()]))
        name = token.group(1)
        out.append(f"(?P<{name}>[A-Za-z0-9_]+)" if name else r".+")
        pos = token.end()
    out.append(re.escape(pattern[pos:]))
    return "".join(out) + r"\Z"


def _segments(pattern: str) -> list[str]:
    """Split a pattern on the dots that separate names (not those inside a Go import path)."""
    head, sep, tail = pattern.rpartition("/")
    if sep:
        inner = tail.split(".")
        return [head + sep + inner[0], *inner[1:]]
    return pattern.split(".")


def _first_name(name: str) -> str:
    """The first dotted name, Go import paths kept whole (``crypto/aes`` of ``crypto/aes.X``)."""
    return _segments(name)[0]


def _anchor(pattern: str) -> tuple[str, float] | None:
    """A literal regex that must occur in a file for the pattern to match in it.

    The most distinctive literal name is taken: long names, and the module a pattern starts
    with (``hashlib``, ``tweetnacl``, ``node-forge``), beat short everyday words (``open``,
    ``after``), so that ``nacl.box.after`` is anchored on ``nacl`` and ``hashlib.new`` on
    ``hashlib``.  Uses through import aliases are found by the detector from the import table.
    """
    choices: list[tuple[float, int, str]] = []
    segments = _segments(pattern)
    for position, segment in enumerate(segments):
        if position == 0 and "/" in segment:  # an import path: any distinctive component
            choices.extend(_path_choices(segment))
            continue
        captured = _TOKEN.search(segment) is not None
        literal = _TOKEN.split(segment)[0] if captured else segment
        match = (_MODULE if position == 0 else _IDENT).match(literal)
        if match is None or len(match.group(0)) < (3 if captured else 2):
            continue
        word = match.group(0)
        package = position + 2 < len(segments) and all(  # org.apache.shiro.crypto.X
            part.islower() and not _TOKEN.search(part) for part in segments[:position + 2])
        if word.lower() in _GENERIC or (package and word.lower() in _COMMON_PACKAGES):
            weight = 0.0
        elif word.islower() and word.isalpha() and len(word) <= 7 and position > 0:
            weight = len(word) / 2  # likely an everyday word: open, after, compare
        else:
            weight = float(len(word))
        if position == 0 and len(word) >= 3 and weight > 0:
            weight += 3
        escaped = re.escape(word)
        choices.append((weight, position, escaped if captured else escaped + r"\b"))
    if not choices:
        return None
    weight, _position, regex = max(choices)
    return r"\b" + regex, weight


def _path_choices(path: str) -> list[tuple[float, int, str]]:
    """The anchor candidate among the components of an import path (``@noble/hashes/{mod}``).

    The last component is the name a use spells (``sm2`` of ``.../gmsm/sm2``) and is taken
    when it is a literal word.  When it is not (a capture, a version like ``v5``), any other
    component serves: a file that uses such a name must spell the path in an import.
    Everyday package words (``crypto``, ``cipher``) are weak choices.
    """
    best: tuple[float, int, str] | None = None
    components = re.split(r"[/.]", path)
    for index, component in enumerate(components):
        literal = _TOKEN.split(component)[0].lstrip("@")
        if _MODULE.fullmatch(literal) is None or len(literal) < 3 or re.fullmatch(r"v\d+",
                                                                                  literal):
            continue
        common = literal.lower() in _GENERIC or literal.lower() in _COMMON_PACKAGES
        bound = index == len(components) - 1 and literal == component and not common
        # the bound name weighs as a first segment; others only beat everyday names
        weight = len(literal) + 3.0 if bound else len(literal) / 2 + (0 if common else 2)
        boundary = "" if _TOKEN.search(component) else r"\b"
        if bound:
            return [(weight, 0, re.escape(literal) + boundary)]
        if best is None or (weight, index) >= (best[0], best[1]):
            best = (weight, index, re.escape(literal) + boundary)
    return [] if best is None else [(best[0], 0, best[2])]


_REFERENCE_WEIGHT = 9.0
_MODULE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$\-]*[A-Za-z0-9_$]|[A-Za-z_$]")
_GENERIC = frozenset({"new", "generate", "create", "init", "sign", "verify", "encrypt",
                      "decrypt", "update", "digest", "get", "of", "hash", "key", "signature",
                      "construct", "protocol", "cipher", "final", "data", "value", "node",
                      "globalthis", "window", "self", "this", "system", "org", "com", "std"})
_COMMON_PACKAGES = frozenset({"org", "com", "net", "io", "java", "javax", "apache", "google",
                              "crypto", "security", "util", "internal", "github", "golang",
                              "gopkg", "x", "lib", "src", "pkg", "js", "core", "api", "common"})


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A rule ready to match qualified names."""

    rule: Rule
    library: str
    modules: tuple[str, ...]
    imported_only: bool
    patterns: tuple[str, ...]  # regex sources, compiled on first use
    suffixes: dict[int, tuple[str, ...]]

    def match(self, qualified: str) -> dict[str, str] | None:
        """The captures when ``qualified`` is one of this rule's names, else None."""
        for pattern in self.patterns:
            found = _regex(pattern).match(qualified)
            if found is not None:
                return found.groupdict()
        return None

    def match_suffix(self, written: str, parts: int) -> dict[str, str] | None:
        """The captures when an unqualified ``written`` name ends one of this rule's names."""
        for pattern in self.suffixes.get(parts, ()):
            found = _regex(pattern).match(written)
            if found is not None:
                return found.groupdict()
        return None


@dataclass
class LanguageRules:
    """The rules of one language, indexed for matching."""

    by_last: dict[str, list[CompiledRule]] = field(default_factory=dict)
    wild: list[CompiledRule] = field(default_factory=list)  # last name is a {capture}
    wild_by_first: dict[str, list[CompiledRule]] = field(default_factory=dict)
    anchors: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)

    def suffix_candidates(self, written: str) -> list[CompiledRule]:
        """Rules that may end with an unqualified written name (by its last name)."""
        last = written.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
        return self.by_last.get(last, []) + self.wild

    def candidates(self, qualified: str) -> list[CompiledRule]:
        """Rules that may match a qualified name (by its last name)."""
        last = qualified.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
        first = _first_name(qualified)
        return (self.by_last.get(last, []) + self.wild_by_first.get(first, [])
                + self.wild_by_first.get("\x00" + qualified[:3], [])
                + self.wild_by_first.get("", []))


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Every loaded rule file, indexed per language."""

    files: tuple[RuleFile, ...]
    digest: str
    by_language: dict[Language, LanguageRules]
    language_digests: dict[Language, str] = field(default_factory=dict)

    def for_language(self, language: Language) -> LanguageRules:
        """The rules of one language (empty when none)."""
        return self.by_language.get(language) or LanguageRules()

    def language_digest(self, language: Language) -> str:
        """The digest of the rule files that speak of ``language`` (what its rules are
        built from), so a changed file changes the digests of its own languages only."""
        return self.language_digests.get(language, "")


def compile_rules(files: list[tuple[str, RuleFile]]) -> RuleSet:
    """Index validated rule files; rule ids must be unique across files."""
    by_language: dict[Language, LanguageRules] = {}
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    per_language: dict[Language, hashlib._Hash] = {}
    for source, data in files:
        dumped = data.model_dump_json().encode()
        digest.update(dumped)
        for language in data.languages:
            per_language.setdefault(language, hashlib.sha256()).update(dumped)
        for rule in data.rules:
            if rule.id in seen:
                raise DataFileError(source, f"rules({rule.id})",
                                    f"rule id also used in {seen[rule.id]}")
            seen[rule.id] = source
            suffixes: dict[int, list[str]] = {}
            for pattern in rule.match:
                segments = _segments(pattern)
                for k in range(2, len(segments)):
                    if _TOKEN.search(segments[-k]):
                        continue  # a suffix must start with a literal name
                    suffixes.setdefault(k, []).append(_compile(".".join(segments[-k:])))
            compiled = CompiledRule(
                rule=rule,
                library=data.library,
                modules=data.modules,
                imported_only=data.imported_only,
                patterns=tuple(_compile(p) for p in rule.match),
                suffixes={k: tuple(v) for k, v in suffixes.items()},
            )
            for language in data.languages:
                index = by_language.setdefault(language, LanguageRules())
                index.modules.update(data.modules)
                for pattern in rule.match:
                    last = _segments(pattern)[-1].rsplit("/", 1)[-1]
                    if _TOKEN.search(last):
                        first = _first_name(pattern)
                        if _TOKEN.search(first):  # EVP_{name}: by its first three letters
                            literal = _TOKEN.split(first)[0]
                            first = "\x00" + literal[:3] if len(literal) >= 3 else ""
                        bucket = index.wild_by_first.setdefault(first, [])
                        if compiled not in bucket:
                            bucket.append(compiled)
                        if compiled not in index.wild:
                            index.wild.append(compiled)
                    else:
                        bucket = index.by_last.setdefault(last, [])
                        if compiled not in bucket:
                            bucket.append(compiled)
                    anchor = _anchor(pattern)
                    # a reference (HmacAlgorithms.HMAC_SHA_512) anchors a file only by a
                    # distinctive name: short module names alone would open too many files
                    if anchor is not None and (rule.syntax is not MatchOn.REFERENCE
                                               or anchor[1] >= _REFERENCE_WEIGHT):
                        index.anchors.add(anchor[0])
    return RuleSet(tuple(f for _, f in files), digest.hexdigest()[:16], by_language,
                   {language: d.hexdigest()[:16] for language, d in per_language.items()})


def load_rules_dir(directory: Path) -> RuleSet:
    """Load and validate every ``*.yaml`` rule file of a directory."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise DataFileError(str(directory), "", "no rule files")
    return compile_rules([(str(p), load_yaml_model(p, RuleFile)) for p in paths])


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The rules shipped with anke (loaded once per process, built once per change)."""
    code = [Path(__file__), Path(__file__).with_name("model.py")]  # how they are built
    key = files_key("rules", [*code, *sorted(DATA_DIR.glob("*.yaml"))])
    return built_once(key, lambda: load_rules_dir(DATA_DIR))
