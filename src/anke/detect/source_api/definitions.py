"""Implementations: functions, classes and members named after an algorithm.

A library that implements SM3 defines ``sm3_hash`` or ``class SM3Digest``; crypto-js assigns
``C.algo.SHA256 = Hasher.extend({...})``.  Such names are reported with medium confidence.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from anke.detect.source_api.languages import LangSpec
from anke.detect.source_api.syntax import is_definition_name, text

_DEFINING_VALUES = frozenset({
    "function_expression", "function", "arrow_function", "class", "class_expression",
    "object", "lambda", "generator_function", "func_literal",
})
_CONTEXT = re.compile(
    rb"(?i)encrypt|decrypt|cipher|keystream|key_?schedule|sbox|s_box|round_?key|digest|"
    rb"block_?size|subkey|nonce|mac_?key"
)


def definition_at(spec: LangSpec, node: Node) -> Node | None:
    """The definition whose name is ``node``, or None when ``node`` is not such a name."""
    defined = is_definition_name(spec, node)
    if defined is not None:
        if defined.type == "function_declarator":  # C: report the whole definition
            outer = defined.parent
            while outer is not None and outer.type in ("pointer_declarator",
                                                       "reference_declarator"):
                outer = outer.parent  # const char *name(...) nests the declarator
            return outer or defined
        return defined
    current = node
    parent = node.parent
    while parent is not None and parent.type in spec.members:
        # any name of the target counts: forge.des.startEncrypting = function () {...}
        current, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "pair" and parent.child_by_field_name("key") == current:
        value = parent.child_by_field_name("value")  # {sm2: require('./sm2')} exports a module
        return parent if value is not None and _defines(value, exported=True) else None
    pair = spec.assignments.get(parent.type)
    if pair is None or pair[0] is None or parent.child_by_field_name(pair[0]) != current:
        return None
    value = parent.child_by_field_name(pair[1]) if pair[1] else None
    if value is None:
        return None
    while value.type in ("assignment_expression", "assignment") and (
            value.child_by_field_name("right") is not None):
        value = value.child_by_field_name("right")  # a = b.c = Cipher.extend({...})
        assert value is not None
    exported = _is_exports(current)  # exports.sm3 = require('./sm3'), exports.SM2 = Et
    return parent if _defines(value, exported=exported) else None


def _is_exports(target: Node) -> bool:
    """True for ``exports.x`` and ``module.exports.x`` (JavaScript module exports)."""
    raw = target.text or b""
    return raw.startswith((b"exports.", b"module.exports."))


def _defines(value: Node, *, exported: bool = False) -> bool:
    if value.type in _DEFINING_VALUES:
        return True
    if exported and value.type == "identifier":  # exports.SM2 = Et (a bundle's exports)
        return True
    if value.type == "binary_expression":  # forge.md5 = forge.md5 || {}
        right = value.child_by_field_name("right")
        return right is not None and right.type in _DEFINING_VALUES
    if value.type in ("call_expression", "call"):  # Base.extend({...}), createHelper(fn)
        function = value.child_by_field_name("function")
        if function is not None and function.text == b"require":
            return exported  # an exported module, not a local import of one
        args = value.child_by_field_name("arguments")
        if args is not None:
            return any(a.type in _DEFINING_VALUES or a.type == "identifier"
                       for a in args.named_children)
    return False


_RETURN = frozenset({"return_statement"})
_BODY_TYPES = frozenset({"block", "compound_statement", "statement_block", "statement_list"})
_FIELD_READS = frozenset({"attribute", "member_expression", "field_expression",
                          "selector_expression", "field_access", "member_access_expression",
                          "identifier", "subscript_expression", "index_expression",
                          "subscript"})


def is_accessor(definition: Node) -> bool:
    """True for a function whose whole body returns a stored value (``return a.sha1``)."""
    body = definition.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "block" and len(body.named_children) == 1 and (
            body.named_children[0].type == "statement_list"):  # Go wraps statements
        body = body.named_children[0]
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type not in _RETURN:
        return False
    returned = [c for c in statements[0].named_children if c.type != "comment"]
    if returned and returned[0].type == "expression_list" and returned[0].named_children:
        returned = [returned[0].named_children[0]]
    return len(returned) == 1 and returned[0].type in _FIELD_READS


def has_crypto_context(definition: Node, limit: int = 4096) -> bool:
    """True when a definition's body talks like cryptography (for ambiguous names)."""
    start = definition.start_byte
    end = min(definition.end_byte, start + limit)
    raw = definition.text
    if raw is None:
        return False
    return _CONTEXT.search(raw[: end - start]) is not None


def headline(definition: Node, limit: int = 160) -> str:
    """The first line of a definition, as evidence."""
    first = text(definition).split("\n", 1)[0]
    first = " ".join(first.split())
    return first if len(first) <= limit else first[: limit - 1] + "…"
