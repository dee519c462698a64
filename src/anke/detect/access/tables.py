"""The access detector's data: file kinds, indicator rules, secret plugins, host lists.

Everything lives in ``data/*.yaml`` and is validated by the models here when loaded; the
regexes are compiled (and so checked) at load time, so a bad pattern is a one-line error
that names the file and the rule.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from anke.cache import built_once, files_key
from anke.datafile import load_yaml_model
from anke.errors import DataFileError
from anke.findings.model import Confidence

DATA_DIR = Path(__file__).parent / "data"
ANY_KIND = "*"
_FRAGMENT = re.compile(r"%([A-Z][A-Z0-9_]*)%")
_RULE_ID = r"^(access|secret)\.[a-z0-9]+(-[a-z0-9]+)*$"
CHECKS = ("none", "credential-literal", "listener", "route-path", "remote-host", "public-ip")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(value: str) -> str:
    try:
        re.compile(value.replace("%", ""))
    except re.error as exc:
        raise ValueError(f"not a regex: {exc}") from None
    return value


# ---------------------------------------------------------------------- files.yaml


class FileKind(_Strict):
    """Which names, paths, extensions and ``#!`` interpreters make a member of one kind."""

    kind: str
    extensions: tuple[str, ...] = ()
    names: tuple[str, ...] = Field(default=(), description="globs on the last path part")
    paths: tuple[str, ...] = Field(default=(), description="globs on the whole member path")
    interpreters: tuple[str, ...] = ()


class FilesData(_Strict):
    """The layout of ``files.yaml``."""

    kinds: tuple[FileKind, ...]
    keyword_file_types: dict[str, str] = Field(default_factory=dict)


# ---------------------------------------------------------------------- indicators.yaml


class Near(_Strict):
    """A regex that must match within some lines of a hit (or, in ``escalate``, raises it)."""

    regex: str
    before: int = Field(default=0, ge=0, le=200)
    after: int = Field(default=0, ge=0, le=200)
    to: Confidence | None = Field(default=None, description="escalate: the new confidence")

    _check = field_validator("regex")(_compiles)


class IndicatorPattern(_Strict):
    """One stage-two regex of a rule, with what it overrides."""

    regex: str
    kinds: tuple[str, ...] = ()
    check: str | None = None
    confidence: Confidence | None = None
    evidence: str | None = None
    near: Near | None = None
    escalate: Near | None = None


class IndicatorRule(_Strict):
    """One hidden-access indicator rule."""

    id: str = Field(pattern=_RULE_ID)
    description: str
    kinds: tuple[str, ...]
    triggers: tuple[str, ...] = Field(min_length=1)
    caseless: bool = True
    check: str = "none"
    confidence: Confidence
    evidence: str = "{match}"
    escalate: Near | None = None
    unless: str | None = None
    patterns: tuple[IndicatorPattern, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_checks(self) -> IndicatorRule:
        for name in (self.check, *(p.check for p in self.patterns if p.check)):
            if name not in CHECKS:
                raise ValueError(f"unknown check {name!r} (known: {', '.join(CHECKS)})")
        for pattern in self.patterns:
            unknown = set(pattern.kinds) - set(self.kinds) - {ANY_KIND}
            if unknown and ANY_KIND not in self.kinds:
                raise ValueError(f"pattern kinds {sorted(unknown)} not among the rule's kinds")
        return self


class EndpointWords(_Strict):
    """Words that make a route path a debug or back-door endpoint, by confidence."""

    high: tuple[str, ...] = ()
    medium: tuple[str, ...] = ()


class IndicatorsData(_Strict):
    """The layout of ``indicators.yaml``."""

    fragments: dict[str, str] = Field(default_factory=dict)
    rules: tuple[IndicatorRule, ...]
    ignored_hosts: tuple[str, ...] = ()
    ignored_ips: tuple[str, ...] = ()
    version_context: str
    endpoint_words: EndpointWords
    ignored_endpoints: tuple[str, ...] = ()
    credential_placeholders: tuple[str, ...] = ()

    _check = field_validator("version_context")(_compiles)


# ---------------------------------------------------------------------- secrets.yaml


class SecretPlugin(_Strict):
    """One detect-secrets plugin, the lines worth giving it and what its findings are."""

    plugin: str
    rule: str = Field(pattern=_RULE_ID)
    description: str
    kinds: tuple[str, ...]
    triggers: tuple[str, ...] = Field(min_length=1)
    caseless: bool = False
    keyword: bool = Field(default=False, description="the keyword plugin: extra filters")
    confidence: Confidence


class SecretsData(_Strict):
    """The layout of ``secrets.yaml``."""

    plugins: tuple[SecretPlugin, ...]
    placeholders: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    min_keyword_value: int = Field(default=4, ge=1)
    example_markers: tuple[str, ...] = ()


# ---------------------------------------------------------------------- compiled forms


class CompiledPattern:
    """A rule pattern with its fragments expanded; its regexes are compiled on first use.

    Most patterns never meet a line their triggers select, so a scan compiles only the few it
    needs; :meth:`AccessTables.compile_all` compiles every one when the data is validated.
    """

    def __init__(self, rule: IndicatorRule, pattern: IndicatorPattern,
                 fragments: dict[str, str]) -> None:
        self.rule = rule
        self.source = expand(pattern.regex, fragments)
        self.kinds = frozenset(pattern.kinds or rule.kinds)
        self.check = pattern.check or rule.check
        self.confidence = pattern.confidence or rule.confidence
        self.evidence = pattern.evidence or rule.evidence
        self._near = pattern.near
        self._escalate = pattern.escalate or rule.escalate

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern's regex."""
        return re.compile(self.source)

    @cached_property
    def near(self) -> CompiledNear | None:
        """The regex that must match near the line, if any."""
        return _compile_near(self._near)

    @cached_property
    def escalate(self) -> CompiledNear | None:
        """The regex that raises the confidence, if any."""
        return _compile_near(self._escalate)

    @cached_property
    def unless(self) -> re.Pattern[str] | None:
        """The regex that, found on the line, drops the match."""
        return re.compile(self.rule.unless) if self.rule.unless else None

    def compile_all(self) -> None:
        """Compile every regex now (raises ``re.error`` on a bad one)."""
        _ = self.regex, self.near, self.escalate, self.unless

    def applies(self, kinds: frozenset[str]) -> bool:
        """Whether the pattern runs on a member of these kinds."""
        return ANY_KIND in self.kinds or bool(self.kinds & kinds)


class CompiledNear:
    """A compiled :class:`Near`."""

    def __init__(self, near: Near) -> None:
        self.regex = re.compile(near.regex)
        self.before = near.before
        self.after = near.after
        self.to = near.to


def _compile_near(near: Near | None) -> CompiledNear | None:
    return CompiledNear(near) if near is not None else None


def expand(regex: str, fragments: dict[str, str], depth: int = 0) -> str:
    """``regex`` with every ``%NAME%`` replaced by its fragment (fragments may nest)."""
    if depth > 5:
        raise ValueError("fragments nest too deeply")

    def one(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in fragments:
            raise ValueError(f"unknown fragment %{name}%")
        return expand(fragments[name], fragments, depth + 1)

    return _FRAGMENT.sub(one, regex)


class AccessTables:
    """The three data files, validated and compiled."""

    def __init__(self, files: FilesData, indicators: IndicatorsData,
                 secrets: SecretsData) -> None:
        self.files = files
        self.indicators = indicators
        self.secrets = secrets
        self.patterns: list[CompiledPattern] = []
        self._places: list[tuple[int, int]] = []  # (rule index, pattern number) of each
        for index, rule in enumerate(indicators.rules):
            for number, pattern in enumerate(rule.patterns):
                try:
                    compiled = CompiledPattern(rule, pattern, indicators.fragments)
                except ValueError as exc:
                    raise _pattern_error(index, rule, number, exc) from None
                self.patterns.append(compiled)
                self._places.append((index, number))
        self.placeholders = [re.compile(p, re.IGNORECASE)
                             for p in indicators.credential_placeholders]
        self.version_context = re.compile(indicators.version_context)
        self.secret_placeholders = [re.compile(p, re.IGNORECASE)
                                    for p in secrets.placeholders]
        self.secret_references = [re.compile(p) for p in secrets.references]

    def compile_all(self) -> None:
        """Compile every pattern's regexes: a bad one is a one-line data-file error."""
        for compiled, (index, number) in zip(self.patterns, self._places, strict=True):
            try:
                compiled.compile_all()
            except re.error as exc:
                raise _pattern_error(index, compiled.rule, number, exc) from None


def _pattern_error(index: int, rule: IndicatorRule, number: int,
                   exc: Exception) -> DataFileError:
    return DataFileError(str(DATA_DIR / "indicators.yaml"),
                         f"rules[{index}]({rule.id}).patterns[{number}]", str(exc))


def _validated() -> tuple[FilesData, IndicatorsData, SecretsData]:
    """The three data files, read and checked down to every regex."""
    data = (load_yaml_model(DATA_DIR / "files.yaml", FilesData),
            load_yaml_model(DATA_DIR / "indicators.yaml", IndicatorsData),
            load_yaml_model(DATA_DIR / "secrets.yaml", SecretsData))
    AccessTables(*data).compile_all()
    return data


@lru_cache(maxsize=1)
def load_tables() -> AccessTables:
    """The access detector's data, loaded and checked once.

    The checked data files are cached in anke's cache directory, keyed by their bytes and
    this module's; with a cache hit, regexes compile only when first used.
    """
    names = ("files.yaml", "indicators.yaml", "secrets.yaml")
    key = files_key("access-tables", [*(DATA_DIR / n for n in names), Path(__file__)])
    return AccessTables(*built_once(key, _validated))
