"""Which members are manifests, and of which format: ``data/formats.yaml``, validated."""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from anke.datafile import load_yaml_model

DATA_FILE = Path(__file__).parent / "data" / "formats.yaml"


class FormatRule(BaseModel):
    """Base names (and optionally whole paths) that a format's files have."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    names: tuple[str, ...] = Field(min_length=1)
    paths: tuple[str, ...] = ()


class FormatsFile(BaseModel):
    """The layout of ``formats.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    formats: tuple[FormatRule, ...] = Field(min_length=1)


def base_name(path: str) -> str:
    """The last component of a report path (``a.deb!/control.tar.xz!/./control`` ->
    ``control``), lower case."""
    return path.rsplit("!/", 1)[-1].rsplit("/", 1)[-1].lower()


class FormatTable:
    """``formats.yaml`` compiled: one regex over base names, then the rules it hit."""

    def __init__(self, data: FormatsFile) -> None:
        self.rules = data.formats
        self._names = [re.compile(fnmatch.translate(name)) for rule in self.rules
                       for name in rule.names]
        self._owner = [rule for rule in self.rules for _ in rule.names]
        self._any = re.compile("|".join(f"(?:{fnmatch.translate(name)})"
                                        for rule in self.rules for name in rule.names))

    def formats(self) -> set[str]:
        """Every format named in the table."""
        return {rule.format for rule in self.rules}

    def match(self, path: str) -> str | None:
        """The format of the member at report path ``path``, or None."""
        name = base_name(path)
        if not self._any.match(name):
            return None
        lowered = path.lower()
        for regex, rule in zip(self._names, self._owner, strict=True):
            if regex.match(name) and (not rule.paths or any(
                    fnmatch.fnmatchcase(lowered, glob) for glob in rule.paths)):
                return rule.format
        return None


@lru_cache(maxsize=1)
def load_formats() -> FormatTable:
    """The shipped ``formats.yaml``, validated and compiled (once per process)."""
    return FormatTable(load_yaml_model(DATA_FILE, FormatsFile))
