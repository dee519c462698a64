"""The schema of a rule file: one file per cryptographic library, one rule per API.

A rule says which call (or constructor, or reference) belongs to the library and where the
algorithm, mode, padding, key size and curve come from: a fixed value, a part of the matched
name, an argument, a keyword argument or a property of an options object.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from anke.findings.model import Confidence, FindingKind


class Language(StrEnum):
    """Source languages the source-api detector parses."""

    JAVA = "java"
    PYTHON = "python"
    GO = "go"
    C = "c"
    CPP = "cpp"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    CSHARP = "csharp"


class MatchOn(StrEnum):
    """Which syntax a rule matches."""

    CALL = "call"
    NEW = "new"
    REFERENCE = "reference"


class Parse(StrEnum):
    """How a resolved value is read."""

    ALGORITHM = "algorithm"  # an algorithm string: "AES/CBC/PKCS5Padding", "aes-256-gcm", "sha256"
    SUITES = "suites"  # a TLS cipher list or suite name, giving several algorithms
    CURVE = "curve"  # a curve name: "secp256r1", "P-256", "prime256v1"
    MODE = "mode"
    PADDING = "padding"
    INT = "int"  # an integer (key size in bits)
    BYTES = "bytes"  # an integer counted in bytes (multiplied by 8 for key_bits)


_STRICT = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first validation


class Source(BaseModel):
    """Where one value comes from.  Exactly one of the selectors is given."""

    model_config = _STRICT

    value: str | int | None = Field(default=None, description="a fixed value")
    capture: str | None = Field(default=None, description="a {capture} of the match pattern")
    arg: int | None = Field(default=None, ge=0, description="positional argument index")
    keyword: str | None = Field(default=None, description="keyword argument name (Python)")
    property: str | None = Field(
        default=None, description="with arg: a property of an object literal argument"
    )
    parse: Parse | None = Field(default=None, description="how to read it; default per field")

    @model_validator(mode="after")
    def _one_selector(self) -> Source:
        chosen = [
            name
            for name, given in (
                ("value", self.value is not None),
                ("capture", self.capture is not None),
                ("arg", self.arg is not None),
                ("keyword", self.keyword is not None),
            )
            if given
        ]
        if self.arg is not None and self.keyword is not None:
            chosen = ["arg"]  # Python: positional first, keyword as the fallback
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of value, capture, arg, keyword"
                + (f" (got {', '.join(chosen)})" if chosen else "")
            )
        if self.property is not None and self.arg is None and self.keyword is None:
            raise ValueError("property needs arg or keyword")
        return self


def _sources(value: object) -> object:
    """Accept a scalar, one mapping or a list of them; scalars become fixed values."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple({"value": item} if isinstance(item, str | int) else item for item in items)


class Follow(BaseModel):
    """A later call on the object the rule's call returned (``kpg.initialize(2048)``)."""

    model_config = _STRICT

    method: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    algorithm: tuple[Source, ...] = ()
    mode: tuple[Source, ...] = ()
    padding: tuple[Source, ...] = ()
    key_bits: tuple[Source, ...] = ()
    curve: tuple[Source, ...] = ()

    _norm = field_validator("algorithm", "mode", "padding", "key_bits", "curve", mode="before")(
        lambda cls, v: _sources(v)
    )


class Example(BaseModel):
    """A snippet the rule must (or, with ``expect: []``, must not) report; run by the tests."""

    model_config = _STRICT

    code: str
    language: Language | None = None
    expect: tuple[dict[str, str | int | None], ...] = ()


_CAPTURE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME_CHARS = re.compile(r"^[A-Za-z0-9_.:/$@\-{}*]+$")


class Rule(BaseModel):
    """One API of a library, and how to read what it uses."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9]+(\.[a-z0-9][a-z0-9\-]*)+$")
    match: tuple[str, ...] = Field(min_length=1, description="qualified names; {x} captures")
    syntax: MatchOn = MatchOn.CALL
    kind: FindingKind = FindingKind.ALGORITHM
    emit: bool = Field(default=True, description="false: only gives a value to another rule")
    confidence: Confidence = Confidence.HIGH
    algorithm: tuple[Source, ...] = ()
    primitive: str | None = None
    also: tuple[Source, ...] = Field(
        default=(), description="further algorithms the call uses (the hash of an HMAC)"
    )
    mode: tuple[Source, ...] = ()
    padding: tuple[Source, ...] = ()
    key_bits: tuple[Source, ...] = ()
    curve: tuple[Source, ...] = ()
    defaults: dict[str, str | int] = Field(
        default_factory=dict, description="values the API implies when none is given"
    )
    applies_to: int | None = Field(
        default=None, ge=0, description="argument whose finding this call completes (Go NewGCM)"
    )
    follow: tuple[Follow, ...] = ()
    examples: tuple[Example, ...] = ()

    _norm = field_validator(
        "algorithm", "also", "mode", "padding", "key_bits", "curve", mode="before"
    )(lambda cls, v: _sources(v))

    @field_validator("match", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("match")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            if not _NAME_CHARS.match(pattern):
                raise ValueError(f"not a qualified name pattern: {pattern!r}")
        return value

    @field_validator("defaults")
    @classmethod
    def _default_keys(cls, value: dict[str, str | int]) -> dict[str, str | int]:
        allowed = {"mode", "padding", "key_bits", "curve"}
        for key in value:
            if key not in allowed:
                raise ValueError(f"defaults may set {sorted(allowed)}, not {key!r}")
        return value

    @model_validator(mode="after")
    def _captures_exist(self) -> Rule:
        captures = {c for pattern in self.match for c in _CAPTURE.findall(pattern)}
        for field in ("algorithm", "also", "mode", "padding", "key_bits", "curve"):
            for source in getattr(self, field):
                if source.capture is not None and source.capture not in captures:
                    raise ValueError(f"{field}: no {{{source.capture}}} in match")
        if self.kind is FindingKind.ALGORITHM and self.emit and not self.algorithm:
            raise ValueError("an emitting algorithm rule needs an algorithm source")
        return self


class RuleFile(BaseModel):
    """One library's rules."""

    model_config = _STRICT

    library: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    languages: tuple[Language, ...] = Field(min_length=1)
    references: tuple[str, ...] = Field(min_length=1, description="where the API is documented")
    modules: tuple[str, ...] = Field(
        default=(), description="module/package names that belong to the library"
    )
    rules: tuple[Rule, ...] = Field(min_length=1)
    imported_only: bool = Field(
        default=False,
        description="a name no import explains matches only in files that import one of "
        "`modules` (bare C++ class names like SEED or Serpent, JavaScript md5())",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id} is used twice")
            seen.add(rule.id)
        return self
