"""The symbols detector's reading rules (``data/symbols.yaml``): generic API prefixes,
spellings that read as the wrong algorithm, object-identifier name prefixes and what makes
a string an entry of a table of names."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from anke.datafile import load_yaml_model

DATA = Path(__file__).parent / "data" / "symbols.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GenericApi(_Strict):
    """A function-name prefix of an API whose algorithm is chosen by a run-time name."""

    prefix: str = Field(min_length=2, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    source: str = Field(min_length=1)


class Replacement(_Strict):
    """A spelling whose plain reading names the wrong catalog algorithm."""

    pattern: str = Field(min_length=1)
    replace: dict[str, str] = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class NameTables(_Strict):
    """When a string is an entry of a table of algorithm names."""

    neighbours: int = Field(ge=1, le=64)
    span: int = Field(ge=16, le=65536)
    min_named: int = Field(ge=1)


class SymbolRules(_Strict):
    """The whole of ``data/symbols.yaml``."""

    generic_apis: tuple[GenericApi, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    oid_name_prefixes: tuple[str, ...] = ()
    name_tables: NameTables


@cache
def symbol_rules() -> SymbolRules:
    """The shipped rules (loaded once)."""
    return load_yaml_model(DATA, SymbolRules)
