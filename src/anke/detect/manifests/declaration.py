"""What every manifest parser returns: the packages a manifest declares, and where."""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from anke.findings.model import Confidence

MAX_DECLARATIONS = 200_000  # a manifest declaring more than this is not read further


class ManifestError(ValueError):
    """A manifest that cannot be read; the message is one line that says why."""


Line = int | None | Callable[[], int | None]


@dataclass(frozen=True)
class Declaration:
    """One package a manifest names: a dependency, or the package the manifest describes."""

    ecosystem: str  # a package-URL type: pypi, npm, maven, golang, cargo, nuget, deb
    name: str  # as the ecosystem writes it (Maven ``group:artifact``)
    version: str | None  # the version or range as written (properties resolved)
    line: Line  # 1-based line, or how to find it (computed only for crypto libraries)
    evidence: str  # the declaration, short (``gmssl==3.2.2``)
    pinned: str | None = None  # the one exact version it names, for the package URL
    confidence: Confidence = Confidence.HIGH  # medium for dev, test and optional scopes


class Lines:
    """Line numbers of offsets and of pattern matches in one manifest's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def line_at(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        return bisect.bisect_right(self._starts, offset)

    def find(self, pattern: str, start: int = 0, flags: int = 0) -> int | None:
        """The line of the first match of ``pattern`` at or after ``start``, or None."""
        match = re.compile(pattern, flags).search(self.text, start)
        return self.line_at(match.start()) if match else None

    def at(self, pattern: str, start: int = 0, flags: int = 0) -> Callable[[], int | None]:
        """:meth:`find`, deferred: a manifest names many packages, few of them crypto."""
        return partial(self.find, pattern, start, flags)

    def offset(self, pattern: str, start: int = 0, flags: int = 0) -> int:
        """The end of the first match of ``pattern`` at or after ``start`` (else ``start``)."""
        match = re.compile(pattern, flags).search(self.text, start)
        return match.end() if match else start


def decode(data: bytes) -> str:
    """A manifest's text: UTF-8 (a byte-order mark dropped), undecodable bytes replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def check_count(found: list[Declaration]) -> None:
    """Refuse a manifest that declares an unreasonable number of packages."""
    if len(found) > MAX_DECLARATIONS:
        raise ManifestError(f"more than {MAX_DECLARATIONS} declarations")


def lock_packages(data: bytes) -> list[tuple[str, str | None, Line]]:
    """The ``[[package]]`` entries of a TOML lock file (Cargo, Poetry, uv, PDM).

    Each is ``(name, version, line)``; entries without a name are passed over.
    """
    text = decode(data)
    packages = tomllib.loads(text).get("package")
    if not isinstance(packages, list):
        raise ManifestError("no [[package]] entries")
    lines = Lines(text)
    out: list[tuple[str, str | None, Line]] = []
    for entry in packages:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"]
        version = entry.get("version") if isinstance(entry.get("version"), str) else None
        out.append((name, version, lines.at(r"^name\s*=\s*\"" + re.escape(name) + "\"", 0,
                                             re.M)))
    return out
