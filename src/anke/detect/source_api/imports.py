"""What a file imports, and how a written name resolves through it.

``from cryptography.hazmat.primitives.ciphers import algorithms as A`` makes ``A.AES``
resolve to ``cryptography.hazmat.primitives.ciphers.algorithms.AES``; ``import javax.crypto.*``
makes ``Cipher`` resolve to ``javax.crypto.Cipher``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from anke.detect.source_api.languages import LangSpec
from anke.detect.source_api.syntax import (
    dotted,
    find_nodes,
    require_module,
    string_value,
    text,
)
from anke.rules.model import Language


@dataclass
class ImportTable:
    """Local names bound by imports, and the packages imported whole."""

    aliases: dict[str, str] = field(default_factory=dict)
    wildcards: list[str] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)

    def bind(self, local: str, qualified: str) -> None:
        """Record that ``local`` names ``qualified``."""
        self.aliases[local] = qualified
        self.modules.add(qualified)

    def resolve(self, parts: list[str]) -> list[tuple[str, bool]]:
        """Qualified candidates for a written name, each with whether an import explains it.

        Wildcard imports (``import javax.crypto.*``, C# ``using``) give one candidate per
        package, then the name as written, which no import explains.
        """
        head, rest = parts[0], parts[1:]
        if head.startswith("<") and head.endswith(">"):  # inline require('x')
            return [(".".join([_module_name(head[1:-1]), *rest]), True)]
        if head in self.aliases:
            return [(".".join([self.aliases[head], *rest]), True)]
        joined = ".".join(parts)
        return [(f"{w}.{joined}", True) for w in self.wildcards] + [(joined, False)]


_PY_IMPORT = re.compile(rb"(?m)^[ \t]*(?:from|import)[ \t]")
_PY_IMPORT_TYPES = frozenset({"import_statement", "import_from_statement"})


def _python_import_nodes(root: Node, source: bytes) -> list[Node]:
    """Import statements anywhere (module level, functions, ``try`` blocks), found by text."""
    nodes: list[Node] = []
    for found in _PY_IMPORT.finditer(source):
        offset = found.end() - 2
        node = root.named_descendant_for_byte_range(offset, offset + 1)
        for _ in range(3):
            if node is None or node.type in _PY_IMPORT_TYPES:
                break
            node = node.parent
        if node is not None and node.type in _PY_IMPORT_TYPES:
            nodes.append(node)
    return nodes


def _python(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in _python_import_nodes(root, source):
        if node.type == "import_statement":
            for child in node.children_by_field_name("name"):
                if child.type == "aliased_import":
                    name = child.child_by_field_name("name")
                    alias = child.child_by_field_name("alias")
                    if name is not None and alias is not None:
                        table.bind(text(alias), text(name))
                else:
                    module = text(child)
                    table.bind(module.split(".")[0], module.split(".")[0])
                    table.modules.add(module)
            continue
        module_node = node.child_by_field_name("module_name")
        module = text(module_node) if module_node is not None else ""
        table.modules.add(module)
        if any(c.type == "wildcard_import" for c in node.children):
            table.wildcards.append(module)
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                name = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    table.bind(text(alias), f"{module}.{text(name)}")
            else:
                table.bind(text(child).split(".")[-1], f"{module}.{text(child)}")


def _java(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in root.named_children:
        if node.type != "import_declaration":
            continue
        names = [c for c in node.named_children if c.type in ("scoped_identifier", "identifier")]
        if not names:
            continue
        qualified = text(names[0])
        if any(c.type == "asterisk" for c in node.named_children):
            table.wildcards.append(qualified)
            table.modules.add(qualified)
        else:
            table.bind(qualified.rsplit(".", 1)[-1], qualified)


def _csharp(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in _descendants(spec, root, {"using_directive"}):
        alias = node.child_by_field_name("name")
        target = [c for c in node.named_children if c != alias and c.type in (
            "qualified_name", "identifier")]
        if not target:
            continue
        qualified = text(target[-1])
        if alias is not None:
            table.bind(text(alias), qualified)
        else:
            table.wildcards.append(qualified)
            table.modules.add(qualified)


def _go(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in _descendants(spec, root, {"import_spec"}):
        path_node = node.child_by_field_name("path")
        if path_node is None:
            continue
        path = string_value(spec, path_node) or ""
        name_node = node.child_by_field_name("name")
        table.modules.add(path)
        if name_node is not None:
            name = text(name_node)
            if name == ".":
                table.wildcards.append(path)
            elif name != "_":
                table.bind(name, path)
            continue
        elements = path.split("/")
        last = elements[-1]
        if len(elements) > 1 and last.startswith("v") and last[1:].isdigit():
            last = elements[-2]
        if "." in last:  # gopkg.in/yaml.v3 -> yaml
            last = last.split(".")[0]
        # by convention go-jose declares package jose, and jwt-go package jwt
        last = last.removeprefix("go-").removesuffix("-go")
        table.bind(last.replace("-", "_"), path)


def _module_name(raw: str) -> str:
    return raw[5:] if raw.startswith("node:") else raw


def _javascript(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in _js_import_nodes(root, source):
        if node.type == "import_statement":
            source_node = node.child_by_field_name("source")
            module = _module_name(string_value(spec, source_node) or "") if source_node else ""
            if not module:
                continue
            table.modules.add(module)
            for clause in node.named_children:
                if clause.type != "import_clause":
                    continue
                for item in clause.named_children:
                    if item.type == "identifier":
                        table.bind(text(item), module)
                    elif item.type == "namespace_import":
                        ids = [c for c in item.named_children if c.type == "identifier"]
                        if ids:
                            table.bind(text(ids[0]), module)
                    elif item.type == "named_imports":
                        for spec_node in item.named_children:
                            name = spec_node.child_by_field_name("name")
                            alias = spec_node.child_by_field_name("alias")
                            if name is not None:
                                local = alias if alias is not None else name
                                table.bind(text(local), f"{module}.{text(name)}")
            continue
        value = node.child_by_field_name("value")
        target = node.child_by_field_name("name")
        if value is None or target is None:
            continue
        qualified = _required(spec, value)
        if qualified is None:
            continue
        if target.type == "identifier":
            table.bind(text(target), qualified)
        elif target.type == "object_pattern":
            for prop in target.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    table.bind(text(prop), f"{qualified}.{text(prop)}")
                elif prop.type == "pair_pattern":
                    key = prop.child_by_field_name("key")
                    bound = prop.child_by_field_name("value")
                    if key is not None and bound is not None and bound.type == "identifier":
                        table.bind(text(bound), f"{qualified}.{text(key)}")


def _required(spec: LangSpec, value: Node) -> str | None:
    """``require('m')`` -> ``m``; ``require('m').a.b`` -> ``m.a.b``."""
    if value.type == "call_expression":
        module = require_module(spec, value)
        return _module_name(module) if module else None
    if value.type == "member_expression":
        parts = dotted(spec, value)
        if parts and parts[0].startswith("<"):
            return ".".join([_module_name(parts[0][1:-1]), *parts[1:]])
    return None


def _c(spec: LangSpec, root: Node, source: bytes, table: ImportTable) -> None:
    for node in _descendants(spec, root, {"preproc_include"}):
        path = node.child_by_field_name("path")
        if path is not None:
            table.modules.add(text(path).strip("<>\""))


def _descendants(spec: LangSpec, root: Node, types: set[str]) -> list[Node]:
    """Nodes of ``types``: at the top level and one block down, else searched in the tree."""
    found: list[Node] = []
    for node in root.named_children:
        if node.type in types:
            found.append(node)
        elif node.type in _BLOCKS:
            found.extend(c for c in node.named_children if c.type in types)
    if found or len(root.named_children) < 64:
        return found if found else find_nodes(spec, root, frozenset(types))
    return find_nodes(spec, root, frozenset(types))


_BLOCKS = frozenset({"import_spec_list", "import_declaration", "if_statement",
                     "try_statement", "block", "namespace_declaration",
                     "file_scoped_namespace_declaration", "declaration_list"})
_REQUIRE = re.compile(rb"(?<![A-Za-z0-9_$.])require\s*\(")


def _js_import_nodes(root: Node, source: bytes) -> list[Node]:
    """ES imports at the top level, and declarators whose value is a ``require`` call."""
    nodes = [n for n in root.named_children if n.type == "import_statement"]
    for found in _REQUIRE.finditer(source):
        node = root.named_descendant_for_byte_range(found.start(), found.start() + 1)
        for _ in range(6):
            if node is None or node.type == "variable_declarator":
                break
            node = node.parent
        if node is not None and node.type == "variable_declarator":
            nodes.append(node)
    return nodes


_COLLECTORS: dict[Language, Callable[[LangSpec, Node, bytes, ImportTable], None]] = {
    Language.PYTHON: _python,
    Language.JAVA: _java,
    Language.CSHARP: _csharp,
    Language.GO: _go,
    Language.JAVASCRIPT: _javascript,
    Language.TYPESCRIPT: _javascript,
    Language.C: _c,
    Language.CPP: _c,
}


def collect_imports(spec: LangSpec, root: Node, source: bytes) -> ImportTable:
    """The import table of one parsed file (``source`` is the text ``root`` was parsed from)."""
    table = ImportTable()
    _COLLECTORS[spec.language](spec, root, source, table)
    return table
