"""Python manifests: requirements files, pyproject.toml, setup.cfg, Pipfile, Pipfile.lock,
poetry/uv/pdm lock files, and the ``METADATA``/``PKG-INFO`` of wheels and sdists."""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from typing import Any

from anke.detect.manifests.declaration import (
    Declaration,
    Line,
    Lines,
    ManifestError,
    decode,
    lock_packages,
)
from anke.findings.model import Confidence

PYPI = "pypi"
MEDIUM = Confidence.MEDIUM
HIGH = Confidence.HIGH

# PEP 508, the parts a manifest scanner needs: name, extras, version specifier, marker
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[[^\]]*\])?\s*"
    r"(?:(?P<url>@\s*\S+)|\(?\s*(?P<spec>(?:[<>=!~]=?|===)[^;()]*)\)?)?\s*"
    r"(?:;(?P<marker>.*))?$")
_EXACT = re.compile(r"^===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def read_requirement(text: str) -> tuple[str, str | None, str | None, bool] | None:
    """(name, version or specifier, pinned version, only-with-an-extra) of a PEP 508
    requirement, or None when ``text`` is not one."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    spec = (match.group("spec") or "").strip() or None
    pinned = None
    if spec is not None:
        exact = _EXACT.match(spec.replace(" ", ""))
        if exact:
            spec = pinned = exact.group(1)
    marker = match.group("marker") or ""
    return match.group("name"), spec, pinned, "extra" in marker


def _declare(text: str, line: Line, confidence: Confidence = HIGH,
             out: list[Declaration] | None = None) -> Declaration | None:
    read = read_requirement(text)
    if read is None:
        return None
    name, version, pinned, extra = read
    found = Declaration(PYPI, name, version, line, text.strip(), pinned,
                        MEDIUM if extra else confidence)
    if out is not None:
        out.append(found)
    return found


def parse_requirements(data: bytes) -> list[Declaration]:
    """``requirements*.txt`` and ``constraints*.txt``: one requirement a line."""
    out: list[Declaration] = []
    lines = decode(data).splitlines()
    index = 0
    while index < len(lines):
        start = index
        text = lines[index]
        while text.endswith("\\") and index + 1 < len(lines):
            index += 1
            text = text[:-1] + " " + lines[index]
        index += 1
        text = re.sub(r"(^|\s)#.*$", "", text).strip()
        if not text:
            continue
        if text.startswith("-"):
            egg = _EGG.search(text) if text.startswith(("-e", "--editable")) else None
            if egg:
                out.append(Declaration(PYPI, egg.group(1), None, start + 1, text))
            continue
        text = re.split(r"\s--?[a-z]", text, maxsplit=1)[0].strip()  # --hash=... options
        if "://" in text and "@" not in text:
            continue  # a bare URL or path
        if _declare(text, start + 1, out=out) is None and not _looks_like_path(text):
            raise ManifestError(f"line {start + 1}: not a requirement: {text[:60]}")
    return out


def _looks_like_path(text: str) -> bool:
    return text.startswith((".", "/", "~")) or text.endswith((".whl", ".zip", ".tar.gz"))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, list):
        return (item for item in value if isinstance(item, str))
    return ()


def _requirement_line(lines: Lines, requirement: str) -> Callable[[], int | None]:
    return lines.at(r"[\"']" + re.escape(requirement.strip()))


def _key_line(lines: Lines, key: str, after: int = 0) -> Callable[[], int | None]:
    return lines.at(r"^[ \t]*[\"']?" + re.escape(key) + r"[\"']?\s*=", after, re.M | re.I)


def parse_pyproject(data: bytes) -> list[Declaration]:
    """``pyproject.toml``: PEP 621 ``[project]``, dependency groups, build requirements and
    Poetry's tables."""
    text = decode(data)
    doc = tomllib.loads(text)
    lines = Lines(text)
    out: list[Declaration] = []
    project = doc.get("project")
    if isinstance(project, dict):
        _self(out, lines, project.get("name"), project.get("version"))
        for requirement in _strings(project.get("dependencies")):
            _declare(requirement, _requirement_line(lines, requirement), out=out)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group in optional.values():
                for requirement in _strings(group):
                    _declare(requirement, _requirement_line(lines, requirement), MEDIUM, out)
    groups = doc.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            for requirement in _strings(group):
                _declare(requirement, _requirement_line(lines, requirement), MEDIUM, out)
    build = doc.get("build-system")
    if isinstance(build, dict):
        for requirement in _strings(build.get("requires")):
            _declare(requirement, _requirement_line(lines, requirement), MEDIUM, out)
    poetry = doc.get("tool", {}).get("poetry") if isinstance(doc.get("tool"), dict) else None
    if isinstance(poetry, dict):
        if not isinstance(project, dict):
            _self(out, lines, poetry.get("name"), poetry.get("version"))
        _poetry_table(out, lines, poetry.get("dependencies"), HIGH)
        _poetry_table(out, lines, poetry.get("dev-dependencies"), MEDIUM)
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            for group in poetry_groups.values():
                if isinstance(group, dict):
                    _poetry_table(out, lines, group.get("dependencies"), MEDIUM)
    return out


def _self(out: list[Declaration], lines: Lines, name: Any, version: Any) -> None:
    if not isinstance(name, str) or not name:
        return
    version = version if isinstance(version, str) and version else None
    line = lines.at(r"^[ \t]*name\s*=\s*[\"']" + re.escape(name), 0, re.M)
    evidence = f"{name}=={version}" if version else name
    out.append(Declaration(PYPI, name, version, line, evidence, version))


def _version_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("version")
    if isinstance(value, str) and value.strip() not in ("", "*"):
        return value.strip()
    return None


def _poetry_table(out: list[Declaration], lines: Lines, table: Any,
                  confidence: Confidence) -> None:
    """Poetry's and Pipenv's ``name = "^1.0"`` / ``name = {version = ...}`` tables."""
    if not isinstance(table, dict):
        return
    for name, value in table.items():
        if name.lower() == "python" or not isinstance(name, str):
            continue
        version = _version_text(value)
        if isinstance(value, list):  # several constraints for several markers
            version = next((v for v in map(_version_text, value) if v), None)
        pinned = None
        if version:
            exact = _EXACT.match(version.replace(" ", ""))
            if exact or re.fullmatch(r"[0-9][0-9A-Za-z.+!_-]*", version):
                pinned = version = exact.group(1) if exact else version
        evidence = f"{name} = {version!r}" if version else name
        out.append(Declaration(PYPI, name, version, _key_line(lines, name), evidence,
                               pinned, confidence))


def parse_setup_cfg(data: bytes) -> list[Declaration]:
    """``setup.cfg``: ``[metadata]`` name and the requirements of ``[options]``."""
    text = decode(data)
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ManifestError(str(exc).splitlines()[0]) from None
    lines = Lines(text)
    out: list[Declaration] = []
    if parser.has_section("metadata"):
        version = parser.get("metadata", "version", fallback=None)
        _self(out, lines, parser.get("metadata", "name", fallback=None),
              version if version and not version.startswith(("attr:", "file:")) else None)
    fields = [("options", "install_requires", HIGH), ("options", "setup_requires", MEDIUM),
              ("options", "tests_require", MEDIUM)]
    if parser.has_section("options.extras_require"):
        fields.extend(("options.extras_require", key, MEDIUM)
                      for key in parser.options("options.extras_require"))
    for section, key, confidence in fields:
        value = parser.get(section, key, fallback="") if parser.has_section(section) else ""
        for requirement in value.splitlines():
            requirement = requirement.split("#", 1)[0].strip()
            if requirement:
                line = lines.at(r"(?:^|=)[ \t]*" + re.escape(requirement), 0, re.M)
                _declare(requirement, line, confidence, out)
    return out


def parse_pipfile(data: bytes) -> list[Declaration]:
    """``Pipfile``: ``[packages]`` and ``[dev-packages]``."""
    text = decode(data)
    doc = tomllib.loads(text)
    lines = Lines(text)
    out: list[Declaration] = []
    _poetry_table(out, lines, doc.get("packages"), HIGH)
    _poetry_table(out, lines, doc.get("dev-packages"), MEDIUM)
    return out


def parse_pipfile_lock(data: bytes) -> list[Declaration]:
    """``Pipfile.lock``: the pinned ``default`` and ``develop`` packages."""
    text = decode(data)
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ManifestError("not a JSON object")
    lines = Lines(text)
    out: list[Declaration] = []
    for section, confidence in (("default", HIGH), ("develop", MEDIUM)):
        table = doc.get(section)
        if not isinstance(table, dict):
            continue
        for name, entry in table.items():
            version = entry.get("version") if isinstance(entry, dict) else None
            pinned = version[2:] if isinstance(version, str) and version.startswith("==") \
                else None
            line = lines.at(r"\"" + re.escape(name) + r"\"\s*:\s*\{")
            evidence = f"{name}{version}" if isinstance(version, str) else name
            out.append(Declaration(PYPI, name, pinned or None, line, evidence, pinned,
                                   confidence))
    return out


def parse_python_lock(data: bytes) -> list[Declaration]:
    """``poetry.lock``, ``uv.lock``, ``pdm.lock``: ``[[package]]`` name and version."""
    return [Declaration(PYPI, name, version, line, f"{name}=={version}" if version else name,
                        version)
            for name, version, line in lock_packages(data)]


def parse_metadata(data: bytes) -> list[Declaration]:
    """A wheel's ``METADATA`` or an sdist's ``PKG-INFO``: the distribution itself
    (``Name``, ``Version``) and its ``Requires-Dist`` lines."""
    out: list[Declaration] = []
    name = version = None
    name_line = None
    saw_header = False
    for number, raw in enumerate(decode(data).splitlines(), 1):
        if not raw.strip():
            break  # the body (the long description) follows the first blank line
        if raw[:1] in " \t":
            continue
        key, sep, value = raw.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", key):
            raise ManifestError(f"line {number}: not a metadata header")
        saw_header = True
        key, value = key.lower(), value.strip()
        if key == "name":
            name, name_line = value, number
        elif key == "version":
            version = value
        elif key == "requires-dist":
            _declare(value, number, HIGH, out)
    if not saw_header:
        raise ManifestError("no metadata headers")
    if name:
        evidence = f"{name}=={version}" if version else name
        out.insert(0, Declaration(PYPI, name, version, name_line, evidence, version))
    return out
