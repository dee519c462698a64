"""Debian control files: a source package's ``debian/control`` and the ``control`` file of
a binary package (``x.deb!/control.tar.xz!/./control``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from anke.detect.manifests.declaration import Declaration, ManifestError, decode
from anke.findings.model import Confidence

DEB = "deb"
_FIELD = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*):(.*)$")
_RELATION = re.compile(r"^\s*([a-z0-9][a-z0-9+.\-]+)(:[a-z0-9-]+)?\s*(?:\(\s*([<>=]+)\s*"
                       r"([^)\s]+)\s*\))?")
_DEPENDS = ("depends", "pre-depends", "build-depends", "build-depends-indep",
            "build-depends-arch")


@dataclass
class _Field:
    line: int
    parts: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of each line


def _paragraphs(text: str) -> list[dict[str, _Field]]:
    paragraphs: list[dict[str, _Field]] = []
    current: dict[str, _Field] = {}
    last: _Field | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if current:
                paragraphs.append(current)
            current, last = {}, None
            continue
        if raw[0] in " \t":
            if last is None:
                raise ManifestError(f"line {number}: continuation line outside a field")
            last.parts.append((number, raw))
            continue
        match = _FIELD.match(raw)
        if match is None:
            raise ManifestError(f"line {number}: not a control field")
        last = _Field(number, [(number, match.group(2))])
        current.setdefault(match.group(1).lower(), last)
    if current:
        paragraphs.append(current)
    return paragraphs


def _value(item: _Field | None) -> str | None:
    return " ".join(text.strip() for _, text in item.parts).strip() if item else None


def _relations(item: _Field) -> list[tuple[int, str]]:
    """Each relation (alternatives split) of a dependency field, with its line."""
    found: list[tuple[int, str]] = []
    for number, text in item.parts:
        for piece in re.split(r"[,|]", text):
            if piece.strip() and not piece.strip().startswith("$"):
                found.append((number, piece.strip()))
    return found


def parse_control(data: bytes) -> list[Declaration]:
    """The packages a control file declares (``Package``) and those it depends on."""
    paragraphs = _paragraphs(decode(data))
    if not any("package" in p or "source" in p for p in paragraphs):
        raise ManifestError("no Package or Source field")
    out: list[Declaration] = []
    for paragraph in paragraphs:
        package = paragraph.get("package")
        name = _value(package)
        if package is not None and name:
            version = _value(paragraph.get("version"))
            evidence = f"Package: {name}" + (f" ({version})" if version else "")
            out.append(Declaration(DEB, name, version, package.line, evidence, version))
        for key in _DEPENDS:
            item = paragraph.get(key)
            if item is None:
                continue
            confidence = Confidence.MEDIUM if key.startswith("build-depends-indep") \
                else Confidence.HIGH
            for number, relation in _relations(item):
                match = _RELATION.match(relation)
                if match is None:
                    continue
                operator, version = match.group(3), match.group(4)
                constraint = f"{operator} {version}" if operator else None
                pinned = version if operator == "=" else None
                evidence = f"{key.title()}: {relation}"
                out.append(Declaration(DEB, match.group(1), constraint, number, evidence,
                                       pinned, confidence))
    return out
