"""Rust manifests: ``Cargo.toml`` (every dependency table, renamed packages) and
``Cargo.lock``."""

from __future__ import annotations

import re
import tomllib
from functools import partial
from typing import Any

from anke.detect.manifests.declaration import (
    Declaration,
    Lines,
    ManifestError,
    decode,
    lock_packages,
)
from anke.findings.model import Confidence

CARGO = "cargo"
_TABLES = (("dependencies", Confidence.HIGH), ("build-dependencies", Confidence.MEDIUM),
           ("dev-dependencies", Confidence.MEDIUM))
_EXACT = re.compile(r"^=\s*(\d[0-9A-Za-z.+-]*)$")


def _tables(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], Confidence]]:
    found: list[tuple[str, dict[str, Any], Confidence]] = []
    scopes: list[tuple[str, dict[str, Any]]] = [("", doc)]
    workspace = doc.get("workspace")
    if isinstance(workspace, dict):
        scopes.append(("workspace.", workspace))
    targets = doc.get("target")
    if isinstance(targets, dict):
        scopes.extend((f"target.{name}.", value) for name, value in targets.items()
                      if isinstance(value, dict))
    for prefix, scope in scopes:
        for key, confidence in _TABLES:
            table = scope.get(key)
            if isinstance(table, dict):
                found.append((prefix + key, table, confidence))
    return found


def _line(lines: Lines, table: str, key: str) -> int | None:
    name = re.escape(table.rsplit(".", 1)[-1])
    start = lines.offset(r"^\[[^\]\n]*\b" + name + r"\s*\]", 0, re.M)
    line = lines.find(r"^[ \t]*[\"']?" + re.escape(key) + r"[\"']?\s*=", start, re.M)
    if line is None:
        line = lines.find(r"^\[[^\]\n]*" + name + r"\.[\"']?" + re.escape(key), 0, re.M)
    return line


def parse_cargo_toml(data: bytes) -> list[Declaration]:
    """``Cargo.toml``: the package itself and every dependency."""
    text = decode(data)
    doc = tomllib.loads(text)
    lines = Lines(text)
    out: list[Declaration] = []
    package = doc.get("package")
    if isinstance(package, dict) and isinstance(package.get("name"), str):
        name = package["name"]
        version = package.get("version") if isinstance(package.get("version"), str) else None
        line = lines.find(r"^[ \t]*name\s*=", lines.offset(r"^\[package\]", 0, re.M), re.M)
        out.append(Declaration(CARGO, name, version, line,
                               f"{name} {version}" if version else name, version))
    for table, deps, confidence in _tables(doc):
        for key, value in deps.items():
            name, version = key, None
            if isinstance(value, str):
                version = value
            elif isinstance(value, dict):
                name = value.get("package") if isinstance(value.get("package"), str) else key
                version = value.get("version") if isinstance(value.get("version"), str) \
                    else None
            else:
                raise ManifestError(f"[{table}] {key}: not a version or a table")
            exact = _EXACT.match(version or "")
            out.append(Declaration(CARGO, name, version, partial(_line, lines, table, key),
                                   f'{key} = "{version}"' if version else key,
                                   exact.group(1) if exact else None, confidence))
    return out


def parse_cargo_lock(data: bytes) -> list[Declaration]:
    """``Cargo.lock``: every ``[[package]]`` built into the product."""
    return [Declaration(CARGO, name, version, line, f"{name} {version}" if version else name,
                        version)
            for name, version, line in lock_packages(data)]
