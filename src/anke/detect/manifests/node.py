"""JavaScript manifests: package.json, package-lock.json / npm-shrinkwrap.json, yarn.lock
(classic and Berry) and pnpm-lock.yaml."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from anke.detect.manifests.declaration import Declaration, Line, Lines, ManifestError, decode
from anke.findings.model import Confidence

NPM = "npm"
MAX_TREE_DEPTH = 128
_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SECTIONS = (("dependencies", Confidence.HIGH), ("peerDependencies", Confidence.HIGH),
             ("optionalDependencies", Confidence.MEDIUM),
             ("devDependencies", Confidence.MEDIUM))


def _json_object(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ManifestError("not a JSON object")
    return doc


def _pinned(version: str | None) -> str | None:
    if version and _SEMVER.match(version.strip()):
        return version.strip().lstrip("v")
    return None


def _key_line(lines: Lines, key: str, after: int = 0) -> Line:
    return lines.at(re.escape(json.dumps(key)) + r"\s*:", after)


def parse_package_json(data: bytes) -> list[Declaration]:
    """``package.json``: the package itself and its dependency sections."""
    text = decode(data)
    doc = _json_object(text)
    lines = Lines(text)
    out: list[Declaration] = []
    name, version = doc.get("name"), doc.get("version")
    if isinstance(name, str) and name:
        version = version if isinstance(version, str) else None
        out.append(Declaration(NPM, name, version, _key_line(lines, "name"),
                               f"{name}@{version}" if version else name, _pinned(version)))
    for section, confidence in _SECTIONS:
        table = doc.get(section)
        if not isinstance(table, dict):
            continue
        start = lines.offset(re.escape(json.dumps(section)) + r"\s*:")
        for key, value in table.items():
            spec = value if isinstance(value, str) else None
            real = key
            if spec and spec.startswith("npm:"):  # an alias: "x": "npm:real@^1"
                target = spec[4:]
                at = target.rfind("@")
                real, spec = (target[:at], target[at + 1:]) if at > 0 else (target, None)
            out.append(Declaration(NPM, real, spec, _key_line(lines, key, start),
                                   f"\"{key}\": \"{value}\"" if spec else key,
                                   _pinned(spec), confidence))
    return out


def parse_package_lock(data: bytes) -> list[Declaration]:
    """``package-lock.json`` / ``npm-shrinkwrap.json``: every installed package."""
    text = decode(data)
    doc = _json_object(text)
    lines = Lines(text)
    out: list[Declaration] = []
    packages = doc.get("packages")
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        for key, entry in packages.items():
            if not key or "node_modules/" not in key or not isinstance(entry, dict):
                continue
            name = entry.get("name") or key.rsplit("node_modules/", 1)[1]
            version = entry.get("version") if isinstance(entry.get("version"), str) else None
            out.append(_locked(name, version, _key_line(lines, key),
                               bool(entry.get("dev"))))
        return out
    deps = doc.get("dependencies")
    if not isinstance(deps, dict):
        return out
    stack: list[tuple[dict[str, Any], int]] = [(deps, 0)]  # lockfileVersion 1: a tree
    while stack:
        table, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise ManifestError(f"dependency tree deeper than {MAX_TREE_DEPTH}")
        for name, entry in table.items():
            if not isinstance(entry, dict):
                continue
            version = entry.get("version") if isinstance(entry.get("version"), str) else None
            if version and version.startswith("npm:"):
                target = version[4:]
                at = target.rfind("@")
                if at > 0:
                    name, version = target[:at], target[at + 1:]
            line = lines.at(re.escape(json.dumps(name)) + r"\s*:\s*\{")
            out.append(_locked(name, version, line, bool(entry.get("dev"))))
            if isinstance(entry.get("dependencies"), dict):
                stack.append((entry["dependencies"], depth + 1))
    return out


def _locked(name: str, version: str | None, line: Line, dev: bool) -> Declaration:
    return Declaration(NPM, name, version, line, f"{name}@{version}" if version else name,
                       _pinned(version), Confidence.MEDIUM if dev else Confidence.HIGH)


def _spec_name(spec: str) -> str:
    spec = spec.strip().strip("\"'")
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else spec


def parse_yarn_lock(data: bytes) -> list[Declaration]:
    """``yarn.lock``: entry headers (``"a@^1", a@^1.2:``) and their ``version`` lines."""
    out: list[Declaration] = []
    names: list[str] = []
    header_line = 0
    for number, raw in enumerate(decode(data).splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0] not in " \t":
            if not raw.rstrip().endswith(":"):
                raise ManifestError(f"line {number}: not a yarn.lock entry")
            specs = raw.rstrip()[:-1]
            names = [] if specs.strip("\"'") == "__metadata" else \
                sorted({_spec_name(s) for s in specs.split(",") if s.strip()})
            header_line = number
            continue
        match = re.match(r"^\s+version:?\s+\"?([^\"\s]+)\"?\s*$", raw)
        if match and names:
            for name in names:
                out.append(_locked(name, match.group(1), header_line, False))
            names = []
    return out


def _pnpm_key(key: str, legacy: bool) -> tuple[str, str | None]:
    key = key.lstrip("/").split("(", 1)[0]
    if legacy:  # lockfile 5: /name/1.2.3 or /@scope/name/1.2.3_peer@1
        name, _, version = key.rpartition("/")
        return name, version.split("_", 1)[0] or None
    at = key.rfind("@")
    if at > 0:
        return key[:at], key[at + 1:]
    return key, None


def parse_pnpm_lock(data: bytes) -> list[Declaration]:
    """``pnpm-lock.yaml``: the keys of ``packages`` (every installed package)."""
    text = decode(data)
    try:
        doc = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ManifestError(f"{where}invalid YAML") from None
    if not isinstance(doc, dict):
        raise ManifestError("not a YAML mapping")
    lines = Lines(text)
    version_field = str(doc.get("lockfileVersion", ""))
    legacy = bool(re.match(r"^[1-5](\.|$)", version_field))
    packages = doc.get("packages")
    out: list[Declaration] = []
    if not isinstance(packages, dict):
        return out
    for key, entry in packages.items():
        if not isinstance(key, str):
            continue
        name, version = _pnpm_key(key, legacy)
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name = entry["name"]
            version = entry.get("version") if isinstance(entry.get("version"), str) \
                else version
        dev = isinstance(entry, dict) and entry.get("dev") is True
        line = lines.at(r"^[ \t]*['\"]?" + re.escape(key), 0, re.M)
        out.append(_locked(name, version, line, dev))
    return out
