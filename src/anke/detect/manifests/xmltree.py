"""Hostile-safe XML for manifests: a small element tree with line numbers.

Parsing goes through defusedxml (entity expansion, external entities and DTD tricks are
refused); elements keep their local name (namespaces dropped), attributes, text and the
line of their start tag. The tree is bounded in elements and depth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml.ElementTree import DefusedXMLParser  # type: ignore[import-untyped]

from anke.detect.manifests.declaration import ManifestError

MAX_ELEMENTS = 500_000
MAX_DEPTH = 256


@dataclass
class Node:
    """One XML element."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> Node | None:
        """The first child element named ``tag``."""
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def children_named(self, tag: str) -> Iterator[Node]:
        """Every child element named ``tag``."""
        return (node for node in self.children if node.tag == tag)

    def walk(self, *tags: str) -> Iterator[Node]:
        """The elements reached by following child names ``tags`` (all branches)."""
        level: list[Node] = [self]
        for tag in tags:
            level = [child for node in level for child in node.children if child.tag == tag]
        return iter(level)

    def value(self, tag: str) -> str | None:
        """The stripped text of the first child named ``tag``, or None."""
        node = self.child(tag)
        return node.text.strip() if node is not None else None

    def descendants(self) -> Iterator[Node]:
        """Every element below this one, depth first."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Builder:
    """The parser's target: builds :class:`Node` s with the line of each start tag."""

    def __init__(self) -> None:
        self.expat: Any = None
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.count = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise ManifestError(f"more than {MAX_ELEMENTS} XML elements")
        if len(self.stack) >= MAX_DEPTH:
            raise ManifestError(f"XML nested deeper than {MAX_DEPTH}")
        line = int(self.expat.CurrentLineNumber) if self.expat is not None else 0
        node = Node(_local(tag), {_local(k): v for k, v in attrs.items()}, line)
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack and len(self.stack[-1].text) < 4096:
            self.stack[-1].text += text

    def close(self) -> Node | None:
        return self.root


def parse_xml(data: bytes) -> Node:
    """The root element of an XML document; raises on malformed or hostile XML."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    builder.expat = getattr(parser, "parser", None)
    parser.feed(data)
    root = parser.close()
    if not isinstance(root, Node):
        raise ManifestError("no XML root element")
    return root
