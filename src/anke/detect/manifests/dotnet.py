"""NuGet manifests: MSBuild projects (``*.csproj``, ``*.vbproj``, ``*.fsproj``,
``Directory.Packages.props``), ``packages.config``, ``*.nuspec`` and the ``*.deps.json``
that a built .NET application ships."""

from __future__ import annotations

import json
import re

from anke.detect.manifests.declaration import Declaration, Lines, ManifestError, decode
from anke.detect.manifests.xmltree import Node, parse_xml
from anke.findings.model import Confidence

NUGET = "nuget"
_PROPERTY = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")
_PLAIN = re.compile(r"^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?$")


def nuget_pinned(version: str | None) -> str | None:
    """The one version a NuGet version string names (``1.9.0``; ``[1.9.0]`` too)."""
    if not version:
        return None
    text = version.strip()
    if text.startswith("[") and text.endswith("]") and "," not in text:
        text = text[1:-1].strip()
    return text if _PLAIN.match(text) else None


def _resolve(text: str | None, properties: dict[str, str]) -> str | None:
    if text is None:
        return None
    for _ in range(10):
        if "$(" not in text:
            break
        text = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), text)
    return text


def _declare(name: str, version: str | None, line: int,
             confidence: Confidence = Confidence.HIGH) -> Declaration:
    evidence = f"{name} {version}" if version else name
    return Declaration(NUGET, name, version, line, evidence, nuget_pinned(version), confidence)


def parse_msbuild(data: bytes) -> list[Declaration]:
    """An MSBuild project: ``PackageReference`` and central ``PackageVersion`` items."""
    project = parse_xml(data)
    if project.tag != "Project":
        raise ManifestError(f"root element is <{project.tag}>, not <Project>")
    properties: dict[str, str] = {}
    for group in project.children_named("PropertyGroup"):
        for item in group.children:
            properties.setdefault(item.tag, item.text.strip())
    out: list[Declaration] = []
    for group in project.children_named("ItemGroup"):
        for item in group.children:
            if item.tag not in ("PackageReference", "PackageVersion", "GlobalPackageReference"):
                continue
            name = item.attrs.get("Include") or item.attrs.get("Update")
            if not name:
                continue
            version = (item.attrs.get("Version") or item.attrs.get("VersionOverride")
                       or item.value("Version") or item.value("VersionOverride"))
            private = (item.attrs.get("PrivateAssets") or item.value("PrivateAssets") or "")
            confidence = Confidence.MEDIUM if private.strip().lower() == "all" \
                else Confidence.HIGH
            out.append(_declare(name, _resolve(version, properties), item.line, confidence))
    return out


def parse_packages_config(data: bytes) -> list[Declaration]:
    """``packages.config``: ``<package id= version= />``."""
    root = parse_xml(data)
    if root.tag != "packages":
        raise ManifestError(f"root element is <{root.tag}>, not <packages>")
    out: list[Declaration] = []
    for item in root.children_named("package"):
        name = item.attrs.get("id")
        if name:
            dev = item.attrs.get("developmentDependency", "").lower() == "true"
            out.append(_declare(name, item.attrs.get("version"), item.line,
                                Confidence.MEDIUM if dev else Confidence.HIGH))
    return out


def parse_nuspec(data: bytes) -> list[Declaration]:
    """A ``.nuspec``: the package itself and its dependencies (in groups or not)."""
    root = parse_xml(data)
    metadata = root.child("metadata")
    if root.tag != "package" or metadata is None:
        raise ManifestError("not a <package> with <metadata>")
    out: list[Declaration] = []
    ident = metadata.child("id")
    if ident is not None and ident.text.strip():
        out.append(_declare(ident.text.strip(), metadata.value("version"), ident.line))
    for deps in metadata.children_named("dependencies"):
        items: list[Node] = list(deps.children_named("dependency"))
        for group in deps.children_named("group"):
            items.extend(group.children_named("dependency"))
        for item in items:
            name = item.attrs.get("id")
            if name:
                out.append(_declare(name, item.attrs.get("version"), item.line))
    return out


def parse_deps_json(data: bytes) -> list[Declaration]:
    """``<app>.deps.json``: the ``libraries`` a built .NET application loads."""
    text = decode(data)
    doc = json.loads(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("libraries"), dict):
        raise ManifestError("no \"libraries\" object")
    lines = Lines(text)
    start = lines.offset(r"\"libraries\"\s*:")
    out: list[Declaration] = []
    for key, entry in doc["libraries"].items():
        if not isinstance(entry, dict) or entry.get("type") == "project" or "/" not in key:
            continue
        name, version = key.rsplit("/", 1)
        line = lines.at(re.escape(json.dumps(key)) + r"\s*:", start)
        out.append(Declaration(NUGET, name, version, line, key, nuget_pinned(version)))
    return out
