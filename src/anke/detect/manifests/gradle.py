"""Gradle manifests: ``build.gradle`` / ``build.gradle.kts`` (dependency coordinates in
string or map notation, versions from variables of the same file) and version catalogs
(``gradle/libs.versions.toml``)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from anke.detect.manifests.declaration import Declaration, Lines, ManifestError, decode
from anke.detect.manifests.maven import coordinates, maven_pinned
from anke.findings.model import Confidence

MAVEN = "maven"
_ID = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*"
# "group:artifact[:version[:classifier]][@ext]" in quotes
_COORD = re.compile(r"([\"'])(" + _ID + r"):(" + _ID + r")(?::([^\"':\s@]*))?"
                    r"(?::[A-Za-z0-9_.\-]+)?(?:@[A-Za-z0-9]+)?\1(?:\s*\+\s*([A-Za-z_][\w.]*))?")
_MAP = re.compile(r"group\s*[:=]\s*[\"'](" + _ID + r")[\"']\s*,\s*name\s*[:=]\s*[\"'](" + _ID
                  + r")[\"'](?:\s*,\s*version\s*[:=]\s*(?:[\"']([^\"']+)[\"']|"
                  r"([A-Za-z_][\w.]*)))?")
_ASSIGN = re.compile(r"(?:^|[\s{;(,])(?:def\s+|val\s+|var\s+|ext\.|extra\[\s*[\"']|"
                     r"set\(\s*[\"']|project\.ext\.)?([A-Za-z_][\w.]*)[\"']?\s*\]?\s*[=,:]\s*"
                     r"[\"']([^\"'$\s]+)[\"']", re.M)
_VAR = re.compile(r"\$\{?([A-Za-z_][\w.]*)\}?")
_CONFIG = re.compile(r"([A-Za-z_]\w*)\s*\(?\s*(?:platform\s*\(|enforcedPlatform\s*\()?\s*$")


def _variables(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ASSIGN.finditer(text):
        found.setdefault(match.group(1), match.group(2))
    return found


def _resolve(version: str | None, variables: dict[str, str]) -> str | None:
    if version is None or "$" not in version:
        return version
    return _VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), version)


def _confidence(text: str, start: int) -> Confidence:
    line_start = text.rfind("\n", 0, start) + 1
    config = _CONFIG.search(text[line_start:start])
    if config and config.group(1).lower().startswith(("test", "androidtest")):
        return Confidence.MEDIUM
    return Confidence.HIGH


def parse_gradle(data: bytes) -> list[Declaration]:
    """A Gradle build script, Groovy or Kotlin."""
    text = decode(data)
    lines = Lines(text)
    variables = _variables(text)
    out: list[Declaration] = []
    for match in _COORD.finditer(text):
        group, artifact = match.group(2), match.group(3)
        version = match.group(4) or None
        if match.group(4) == "" and match.group(5):  # 'g:a:' + version
            version = "$" + match.group(5)
        version = _resolve(version, variables)
        out.append(Declaration(MAVEN, f"{group}:{artifact}", version,
                               lines.line_at(match.start()),
                               coordinates(group, artifact, version), maven_pinned(version),
                               _confidence(text, match.start())))
    for match in _MAP.finditer(text):
        group, artifact = match.group(1), match.group(2)
        version = match.group(3) or (f"${match.group(4)}" if match.group(4) else None)
        version = _resolve(version, variables)
        out.append(Declaration(MAVEN, f"{group}:{artifact}", version,
                               lines.line_at(match.start()),
                               coordinates(group, artifact, version), maven_pinned(version),
                               _confidence(text, match.start())))
    out.sort(key=lambda d: d.line if isinstance(d.line, int) else 0)
    return out


def _catalog_version(value: Any, versions: dict[str, Any]) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("ref"), str):
            return _catalog_version(versions.get(value["ref"]), versions)
        for key in ("strictly", "require", "prefer"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def parse_version_catalog(data: bytes) -> list[Declaration]:
    """A version catalog: ``[libraries]`` with versions from ``[versions]``."""
    text = decode(data)
    doc = tomllib.loads(text)
    versions: dict[str, Any] = doc.get("versions") or {}
    if not isinstance(versions, dict):
        raise ManifestError("[versions] is not a table")
    libraries = doc.get("libraries", {})
    if not isinstance(libraries, dict):
        raise ManifestError("[libraries] is not a table")
    lines = Lines(text)
    start = lines.offset(r"^\[libraries\]", 0, re.M)
    out: list[Declaration] = []
    for alias, entry in libraries.items():
        version: str | None = None
        if isinstance(entry, str):
            parts = entry.split(":")
            if len(parts) < 2:
                continue
            group, artifact = parts[0], parts[1]
            version = parts[2] if len(parts) > 2 else None
        elif isinstance(entry, dict):
            module = entry.get("module")
            if isinstance(module, str) and ":" in module:
                group, artifact = module.split(":", 1)
            elif isinstance(entry.get("group"), str) and isinstance(entry.get("name"), str):
                group, artifact = entry["group"], entry["name"]
            else:
                continue
            version = _catalog_version(entry.get("version"), versions)
        else:
            continue
        line = lines.at(r"^[ \t]*[\"']?" + re.escape(alias) + r"[\"']?\s*=", start, re.M)
        out.append(Declaration(MAVEN, f"{group}:{artifact}", version, line,
                               coordinates(group, artifact, version), maven_pinned(version)))
    return out
