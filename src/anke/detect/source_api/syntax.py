"""Language-neutral reading of tree-sitter nodes: names, calls, literals, assignments.

Each function takes the :class:`LangSpec` of the file's language, so one implementation
serves every grammar.
"""

from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass, field
from functools import cache

from tree_sitter import Node, Query, QueryCursor

from anke.detect.source_api.languages import LangSpec, ts_language
from anke.rules.model import Language, MatchOn


@dataclass
class Site:
    """A call, constructor or reference: the unit a rule matches."""

    node: Node
    on: MatchOn
    parts: list[str]  # the callee as written: ["hashlib", "sha256"]
    args: list[Node] = field(default_factory=list)
    keywords: dict[str, Node] = field(default_factory=dict)


def text(node: Node) -> str:
    """The source text of a node."""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def unwrap(spec: LangSpec, node: Node) -> Node:
    """Look through parentheses, casts, ``await`` and argument wrappers."""
    while node.type in spec.wrappers:
        inner = [c for c in node.named_children if c.type not in spec.comments]
        if not inner:
            break
        # a cast's value is its last child; an argument's (C#) may carry a name first
        node = inner[-1]
    return node


def dotted(spec: LangSpec, node: Node | None, depth: int = 0) -> list[str] | None:
    """Flatten ``a.b.C`` (or ``a->b``, ``a::b``) into its names; None if not a pure name."""
    if node is None or depth > 12:
        return None
    node = unwrap(spec, node)
    kind = node.type
    if kind in spec.identifiers or kind in ("this", "self", "super", "base"):
        return [text(node)]
    member = spec.members.get(kind)
    if member is not None:
        obj_field, name_field = member
        if not obj_field:  # Java scoped_type_identifier: children are the parts
            out: list[str] = []
            for child in node.named_children:
                sub = dotted(spec, child, depth + 1)
                if sub is None:
                    return None
                out.extend(sub)
            return out
        left = dotted(spec, node.child_by_field_name(obj_field), depth + 1)
        right = node.child_by_field_name(name_field)
        if left is None or right is None:
            return None
        if right.type in spec.members:  # C++: a::b::c nests on the right
            rest = dotted(spec, right, depth + 1)
            return None if rest is None else [*left, *rest]
        return [*left, text(right)]
    if kind == "template_type" or kind == "template_function":  # C++: CBC_Mode<AES>
        name = node.child_by_field_name("name")
        return dotted(spec, name, depth + 1) if name is not None else None
    if kind == "generic_type" or kind == "generic_name":  # Java/C# generics: Foo<Bar>
        first = node.named_children[0] if node.named_children else None
        return dotted(spec, first, depth + 1)
    if kind == "call_expression" and spec.language in (Language.JAVASCRIPT, Language.TYPESCRIPT):
        module = require_module(spec, node)
        if module is not None:
            return [f"<{module}>"]
    return None


def require_module(spec: LangSpec, node: Node) -> str | None:
    """The module of a JavaScript ``require('x')`` call, else None."""
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "identifier" or text(fn) != "require":
        return None
    args = node.child_by_field_name("arguments")
    if args is None:
        return None
    for child in args.named_children:
        value = string_value(spec, child)
        return value
    return None


def _args(spec: LangSpec, args_node: Node | None) -> tuple[list[Node], dict[str, Node]]:
    positional: list[Node] = []
    keywords: dict[str, Node] = {}
    if args_node is None:
        return positional, keywords
    kw = spec.keyword_arg
    for child in args_node.named_children:
        if child.type in spec.comments:
            continue
        if kw is not None and child.type == kw[0]:
            name = child.child_by_field_name(kw[1])
            value = child.child_by_field_name(kw[2])
            if name is not None and value is not None:
                keywords[text(name)] = value
            continue
        positional.append(unwrap(spec, child))
    return positional, keywords


def site_of(spec: LangSpec, node: Node) -> Site | None:
    """Read a call or constructor node as a :class:`Site`; None for other nodes."""
    call = spec.calls.get(node.type)
    if call is not None:
        callee_field, args_field = call
        if callee_field is None:  # Java: object.name(args)
            name = node.child_by_field_name("name")
            if name is None:
                return None
            obj = node.child_by_field_name("object")
            parts: list[str] | None = [text(name)]
            if obj is not None:
                left = dotted(spec, obj)
                parts = ["()", text(name)] if left is None else [*left, text(name)]
        else:
            callee = node.child_by_field_name(callee_field)
            parts = dotted(spec, callee)
            if parts is None and callee is not None and callee.type in spec.members:
                name = callee.child_by_field_name(spec.members[callee.type][1])
                parts = ["()", text(name)] if name is not None else None  # f().g(...)
        if parts is None:
            return None
        positional, keywords = _args(spec, node.child_by_field_name(args_field))
        return Site(node, MatchOn.CALL, parts, positional, keywords)
    new = spec.news.get(node.type)
    if new is not None:
        type_field, args_field = new
        parts = dotted(spec, node.child_by_field_name(type_field))
        if parts is None:
            return None
        positional, keywords = _args(spec, node.child_by_field_name(args_field))
        return Site(node, MatchOn.NEW, parts, positional, keywords)
    if node.type in spec.members or node.type in spec.identifiers:
        parts = dotted(spec, node)
        if parts is None:
            return None
        return Site(node, MatchOn.REFERENCE, parts)
    return None


def _constructor_declaration(spec: LangSpec, declaration: Node, type_node: Node) -> Site | None:
    """A C++ declaration that constructs its variable with arguments, read as ``new``."""
    parts = dotted(spec, type_node)
    if parts is None:
        return None
    for declarator in declaration.children_by_field_name("declarator"):
        value = declarator.child_by_field_name("value") if declarator.type == (
            "init_declarator") else None
        if value is not None and value.type in ("argument_list", "initializer_list"):
            positional, keywords = _args(spec, value)
            return Site(declaration, MatchOn.NEW, parts, positional, keywords)
        vexing = _vexing_arguments(declaration, declarator)
        if vexing is not None:
            return Site(declaration, MatchOn.NEW, parts, vexing, {})
    return None


def _vexing_arguments(declaration: Node, declarator: Node) -> list[Node] | None:
    """``T h(Q::Sha256);`` in a function body: C++ parses it as a function declaration, but
    a local declaration whose parameters are bare names constructs ``h`` from them."""
    if declarator.type != "function_declarator" or declaration.parent is None or (
            declaration.parent.type != "compound_statement"):
        return None
    parameters = declarator.child_by_field_name("parameters")
    if parameters is None:
        return None
    arguments: list[Node] = []
    for parameter in parameters.named_children:
        kind = parameter.child_by_field_name("type")
        if parameter.type != "parameter_declaration" or kind is None or (
                parameter.child_by_field_name("declarator") is not None):
            return None
        arguments.append(kind)
    return arguments or None


def _is_callee_of(spec: LangSpec, child: Node, parent: Node) -> bool:
    call = spec.calls.get(parent.type)
    if call is not None:
        callee_field = call[0]
        if callee_field is None:
            return parent.child_by_field_name("name") == child or (
                parent.child_by_field_name("object") == child
            )
        return parent.child_by_field_name(callee_field) == child
    new = spec.news.get(parent.type)
    return new is not None and parent.child_by_field_name(new[0]) == child


def site_at(spec: LangSpec, node: Node) -> Site | None:
    """The innermost call, constructor or reference that a name node is part of.

    ``hashlib`` in ``hashlib.sha256(x)`` gives the call; ``MODE_GCM`` in ``AES.MODE_GCM``
    gives the reference.  A name that is the object of a Java call (``Cipher`` in
    ``Cipher.getInstance``) gives the call.
    """
    if node.type not in spec.identifiers:
        return None
    parent = node.parent
    if parent is not None and parent.type in _IMPORT_PARENTS and in_import(node):
        return None
    current = node
    named = node  # the outermost pure name seen: a.b.C, not the wrapper around it
    for _ in range(12):
        parent = current.parent
        if parent is None:
            break
        if _is_callee_of(spec, current, parent):
            return site_of(spec, parent)
        if parent.type in spec.members or parent.type in (
            "generic_type", "scoped_type_identifier", "generic_name"
        ):
            current = named = parent
            continue
        if parent.type == "declaration" and parent.child_by_field_name("type") == current:
            constructed = _constructor_declaration(spec, parent, named)
            if constructed is not None:  # C++: Botan::RSA_PrivateKey key(rng, 4096);
                return constructed
        if parent.type in spec.wrappers:
            current = parent
            continue
        break
    return site_of(spec, named)


_IMPORT_TYPES = frozenset({
    "import_statement", "import_from_statement", "import_declaration", "import_spec",
    "using_directive", "preproc_include", "future_import_statement",
})


_IMPORT_PARENTS = _IMPORT_TYPES | frozenset({
    "dotted_name", "aliased_import", "import_specifier", "import_clause", "namespace_import",
    "named_imports", "scoped_identifier", "qualified_name", "relative_import",
})


def in_import(node: Node) -> bool:
    """True for a name that is part of an import statement (it names, it does not use)."""
    current: Node | None = node.parent
    for _ in range(5):
        if current is None:
            return False
        if current.type in _IMPORT_TYPES:
            return True
        current = current.parent
    return False


def string_value(spec: LangSpec, node: Node) -> str | None:
    """The value of a string literal (escapes decoded where simple); None otherwise."""
    node = unwrap(spec, node)
    if node.type not in spec.strings:
        if node.type == "preproc_arg":  # C: #define ALG "aes-256-cbc"
            raw = text(node).strip()
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                try:
                    value = ast.literal_eval(raw)
                except (ValueError, SyntaxError):
                    return raw[1:-1]
                return value if isinstance(value, str) else raw[1:-1]
        return None
    parts = [c for c in node.children if c.type in spec.string_parts]
    if any(c.type in ("interpolation", "template_substitution") for c in node.children):
        return None
    if not parts:
        raw = text(node)
        stripped = raw.strip("\"'`@$")
        if spec.language is Language.PYTHON:
            return "" if stripped == "" else None
        return stripped
    out: list[str] = []
    for part in parts:
        chunk = text(part)
        if part.type == "escape_sequence":
            with contextlib.suppress(ValueError, SyntaxError):
                chunk = ast.literal_eval(f'"{chunk}"')
        out.append(chunk)
    return "".join(out)


def int_value(spec: LangSpec, node: Node) -> int | None:
    """The value of an integer literal; None otherwise."""
    node = unwrap(spec, node)
    if node.type == "preproc_arg":  # C: #define KEY_BITS 2048
        raw = text(node).strip().rstrip("uUlL")
        return int(raw) if raw.isdigit() else None
    if node.type not in spec.integers:
        return None
    raw = text(node).replace("_", "").rstrip("uUlLnN")
    try:
        return int(raw, 0)
    except ValueError:
        try:
            return int(float(raw)) if raw.replace(".", "", 1).isdigit() else None
        except ValueError:
            return None


def assigned_name(spec: LangSpec, node: Node) -> str | None:
    """The variable a call's result is assigned to (``k`` in ``k = f()``), if any."""
    current = node
    for _ in range(4):
        parent = current.parent
        if parent is None:
            return None
        if parent.type in spec.wrappers or parent.type == "expression_list":
            current = parent
            continue
        pair = spec.assignments.get(parent.type)
        if pair is None:
            return None
        name_field, value_field = pair
        if value_field is not None and parent.child_by_field_name(value_field) != current:
            return None
        target = (parent.child_by_field_name(name_field) if name_field
                  else parent.named_children[0] if parent.named_children else None)
        if target is None or target == current:
            return None
        names = dotted(spec, _first_target(spec, target))
        return ".".join(names) if names else None
    return None


def _first_target(spec: LangSpec, node: Node) -> Node:
    """``a`` of ``a, err :=``, ``*p`` of a C pointer declarator."""
    while node.type in ("expression_list", "pointer_declarator", "pattern_list",
                        "array_declarator") and node.named_children:
        inner = node.child_by_field_name("declarator")
        node = inner if inner is not None else node.named_children[0]
    return node


@cache
def _type_query(spec: LangSpec, types: frozenset[str]) -> Query:
    language = ts_language(spec)
    known = [t for t in sorted(types) if language.id_for_node_kind(t, True) is not None]
    alternatives = " ".join(f"({t})" for t in known) or "(ERROR)"
    return Query(language, f"[{alternatives}] @node")


def find_nodes(spec: LangSpec, root: Node, types: frozenset[str]) -> list[Node]:
    """Every node of the given types under ``root``, in source order (searched in C)."""
    captures = QueryCursor(_type_query(spec, types)).captures(root)
    nodes = captures.get("node", [])
    nodes.sort(key=lambda n: n.start_byte)
    return nodes


def assignment_of(spec: LangSpec, node: Node) -> tuple[str, Node] | None:
    """Read an assignment-like node as (dotted name, value node); None when it is not one."""
    pair = spec.assignments.get(node.type)
    if pair is None:
        return None
    name_field, value_field = pair
    target = (node.child_by_field_name(name_field) if name_field
              else node.named_children[0] if node.named_children else None)
    if value_field is not None:
        value = node.child_by_field_name(value_field)
    else:
        rest = [c for c in node.named_children if c != target]
        value = rest[-1] if rest else None
    if target is None or value is None:
        return None
    names = dotted(spec, _first_target(spec, target))
    if not names:
        return None
    if value.type == "expression_list" and value.named_children:
        value = value.named_children[0]
    return ".".join(names), unwrap(spec, value)


NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$")


@cache
def _assigned(name: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(name) + rb"\s*(?::=|=(?!=)|:)")


@cache
def _defined(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"#[ \t]*define[ \t]+" + re.escape(name) + rb"\b")


def assignments_to(spec: LangSpec, root: Node, source: bytes,
                   name: str) -> list[tuple[str, Node, Node]]:
    """The assignments to ``name`` in the file, found by text and confirmed in the tree."""
    raw = name.encode()
    out: list[tuple[str, Node, Node]] = []
    if raw not in source:
        return out
    offsets = [found.start() for found in _assigned(raw).finditer(source)
               if found.start() == 0 or source[found.start() - 1] not in NAME_BYTES]
    if b"#" in source:  # C and C++: #define NAME "value"
        offsets += [found.end() - 1 for found in _defined(raw).finditer(source)]
    seen: set[int] = set()
    for offset in offsets:
        node: Node | None = root.named_descendant_for_byte_range(offset, offset + 1)
        for _ in range(6):
            if node is None or node.type in spec.assignments:
                break
            node = node.parent
        if node is None or node.type not in spec.assignments or node.start_byte in seen:
            continue
        seen.add(node.start_byte)
        read = assignment_of(spec, node)
        if read is not None and read[0].rsplit(".", 1)[-1] == name:
            out.append((read[0], read[1], node))
    return out


def object_properties(spec: LangSpec, node: Node) -> dict[str, Node] | None:
    """The properties of an object literal (JS object, Python dict, Go keyed literal)."""
    node = unwrap(spec, node)
    if node.type == "composite_literal":
        body = node.child_by_field_name("body")
        if body is None:
            return None
        node = body
    shape = spec.objects.get(node.type)
    if shape is None:
        return None
    pair_type, key_field, value_field = shape
    props: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == pair_type:
            key = child.child_by_field_name(key_field)
            value = child.child_by_field_name(value_field)
            if key is None or value is None:
                continue
            key = unwrap(spec, key)
            name = string_value(spec, key)
            props[name if name is not None else text(key)] = unwrap(spec, value)
        elif child.type == "shorthand_property_identifier":
            props[text(child)] = child
    return props


def is_definition_name(spec: LangSpec, node: Node) -> Node | None:
    """The definition node when ``node`` is the name it defines (function, class ...)."""
    parent = node.parent
    if parent is None:
        return None
    field_name = spec.definitions.get(parent.type)
    if field_name is not None and parent.child_by_field_name(field_name) == node:
        return parent
    return None
