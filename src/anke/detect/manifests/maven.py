"""Maven manifests: ``pom.xml`` / ``*.pom`` (with ``${property}`` resolution) and the
``pom.properties`` that a jar carries under ``META-INF/maven/<group>/<artifact>/``."""

from __future__ import annotations

import re

from anke.detect.manifests.declaration import Declaration, ManifestError, decode
from anke.detect.manifests.xmltree import Node, parse_xml
from anke.findings.model import Confidence

MAVEN = "maven"
MAX_ROUNDS = 10  # properties that name properties are resolved this deep
_PROPERTY = re.compile(r"\$\{([^}]+)\}")


def maven_pinned(version: str | None) -> str | None:
    """The one version a Maven version string names (not a range, nothing unresolved)."""
    if not version or "${" in version or any(c in version for c in "[](),"):
        return None
    return version


def resolve(text: str | None, properties: dict[str, str]) -> str | None:
    """``text`` with ``${name}`` replaced from ``properties`` (unknown ones kept)."""
    if text is None:
        return None
    for _ in range(MAX_ROUNDS):
        if "${" not in text:
            break
        text = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), text)
    return text


def coordinates(group: str, artifact: str, version: str | None) -> str:
    """``group:artifact:version`` (the version left out when unknown)."""
    return f"{group}:{artifact}:{version}" if version else f"{group}:{artifact}"


def _properties(project: Node) -> dict[str, str]:
    props: dict[str, str] = {}
    parent = project.child("parent")
    for key in ("groupId", "artifactId", "version"):
        value = project.value(key)
        parent_value = parent.value(key) if parent is not None else None
        if parent_value:
            props[f"project.parent.{key}"] = props[f"parent.{key}"] = parent_value
        value = value or (parent_value if key != "artifactId" else None)
        if value:
            props[f"project.{key}"] = props[f"pom.{key}"] = props[key] = value
    for holder in (project, *project.walk("profiles", "profile")):
        for node in holder.walk("properties"):
            for item in node.children:
                props.setdefault(item.tag, item.text.strip())
    return props


def _dependency_lists(project: Node) -> list[tuple[Node, bool, bool]]:
    """(a <dependency>, managed only, build-time only) for every dependency list."""
    found: list[tuple[Node, bool, bool]] = []
    for holder in (project, *project.walk("profiles", "profile")):
        found.extend((d, False, False) for d in holder.walk("dependencies", "dependency"))
        found.extend((d, True, False) for d in
                     holder.walk("dependencyManagement", "dependencies", "dependency"))
        for plugins in (holder.walk("build", "plugins", "plugin"),
                        holder.walk("build", "pluginManagement", "plugins", "plugin")):
            for plugin in plugins:
                found.extend((d, False, True) for d in plugin.walk("dependencies", "dependency"))
    return found


def parse_pom(data: bytes) -> list[Declaration]:
    """A POM: the project itself and every dependency, managed or declared."""
    project = parse_xml(data)
    if project.tag != "project":
        raise ManifestError(f"root element is <{project.tag}>, not <project>")
    props = _properties(project)
    out: list[Declaration] = []
    group, artifact = props.get("project.groupId"), project.value("artifactId")
    if group and artifact:
        version = resolve(props.get("project.version"), props)
        node = project.child("artifactId")
        out.append(Declaration(MAVEN, f"{group}:{artifact}", version,
                               node.line if node else project.line,
                               coordinates(group, artifact, version), maven_pinned(version)))
    entries = _dependency_lists(project)
    managed: dict[str, str] = {}
    for node, is_managed, _ in entries:
        version = node.value("version")
        if is_managed and version:
            group, artifact = node.value("groupId"), node.value("artifactId")
            managed.setdefault(f"{resolve(group, props)}:{resolve(artifact, props)}", version)
    for node, is_managed, build_only in sorted(entries, key=lambda e: e[1]):
        group = resolve(node.value("groupId"), props)
        artifact = resolve(node.value("artifactId"), props)
        if not group or not artifact:
            continue
        name = f"{group}:{artifact}"
        version = resolve(node.value("version") or managed.get(name), props)
        scope = (node.value("scope") or "").strip()
        confidence = Confidence.MEDIUM if is_managed or build_only or scope == "test" \
            or (node.value("optional") or "").strip() == "true" else Confidence.HIGH
        where = node.child("artifactId")
        out.append(Declaration(MAVEN, name, version, where.line if where else node.line,
                               coordinates(group, artifact, version), maven_pinned(version),
                               confidence))
    return out


def parse_pom_properties(data: bytes) -> list[Declaration]:
    """``META-INF/maven/<g>/<a>/pom.properties``: the artifact the jar is."""
    values: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(decode(data).splitlines(), 1):
        text = raw.strip()
        if not text or text[0] in "#!":
            continue
        match = re.match(r"^([^=:\s]+)\s*[=:]\s*(.*)$", text)
        if match is None:
            raise ManifestError(f"line {number}: not a property")
        values[match.group(1)] = (match.group(2).strip(), number)
    if "groupId" not in values or "artifactId" not in values:
        raise ManifestError("no groupId and artifactId")
    group, artifact = values["groupId"][0], values["artifactId"]
    version = values.get("version", ("", 0))[0] or None
    return [Declaration(MAVEN, f"{group}:{artifact[0]}", version, artifact[1],
                        coordinates(group, artifact[0], version), maven_pinned(version))]
