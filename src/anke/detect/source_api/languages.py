"""The languages the source-api detector parses: file extensions, grammars, node types.

Everything language-specific that is a matter of naming (which node is a call, which field
holds the callee) lives in one :class:`LangSpec` per language, so the analysis code is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import tree_sitter_c
import tree_sitter_c_sharp
import tree_sitter_cpp
import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript
from tree_sitter import Language as TsLanguage
from tree_sitter import Parser

from anke.rules.model import Language


@dataclass(frozen=True, eq=False)
class LangSpec:
    """Node type names of one tree-sitter grammar, as the analysis needs them."""

    language: Language
    grammar: Callable[[], object]
    # call node type -> (callee field, arguments field); None callee: Java-style object+name
    calls: dict[str, tuple[str | None, str]]
    # constructor node type -> (type field, arguments field)
    news: dict[str, tuple[str, str]]
    # member access node type -> (object field, name field)
    members: dict[str, tuple[str, str]]
    identifiers: frozenset[str]
    strings: frozenset[str]
    string_parts: frozenset[str]
    integers: frozenset[str]
    concats: frozenset[str]  # binary + or adjacent string literals
    comments: frozenset[str]
    # definition node type -> field holding its name
    definitions: dict[str, str]
    # assignment-like node type -> (name field or None for first named child, value field or None)
    assignments: dict[str, tuple[str | None, str | None]]
    objects: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # type->(pair,key,val)
    keyword_arg: tuple[str, str, str] | None = None  # (node type, name field, value field)
    wrappers: frozenset[str] = frozenset()  # nodes to look through (argument, parenthesized ...)


_COMMON_IDS = frozenset({"identifier"})

PYTHON = LangSpec(
    language=Language.PYTHON,
    grammar=tree_sitter_python.language,
    calls={"call": ("function", "arguments")},
    news={},
    members={"attribute": ("object", "attribute")},
    identifiers=_COMMON_IDS,
    strings=frozenset({"string"}),
    string_parts=frozenset({"string_content", "escape_sequence"}),
    integers=frozenset({"integer"}),
    concats=frozenset({"concatenated_string", "binary_operator"}),
    comments=frozenset({"comment"}),
    definitions={"function_definition": "name", "class_definition": "name"},
    assignments={"assignment": ("left", "right")},
    objects={"dictionary": ("pair", "key", "value")},
    keyword_arg=("keyword_argument", "name", "value"),
    wrappers=frozenset({"parenthesized_expression"}),
)

JAVA = LangSpec(
    language=Language.JAVA,
    grammar=tree_sitter_java.language,
    calls={"method_invocation": (None, "arguments")},
    news={"object_creation_expression": ("type", "arguments")},
    members={"field_access": ("object", "field"), "scoped_identifier": ("scope", "name"),
             "scoped_type_identifier": ("", "")},
    identifiers=frozenset({"identifier", "type_identifier"}),
    strings=frozenset({"string_literal"}),
    string_parts=frozenset({"string_fragment", "escape_sequence"}),
    integers=frozenset({"decimal_integer_literal", "hex_integer_literal"}),
    concats=frozenset({"binary_expression"}),
    comments=frozenset({"line_comment", "block_comment"}),
    definitions={"class_declaration": "name", "method_declaration": "name",
                 "interface_declaration": "name", "enum_declaration": "name",
                 "constructor_declaration": "name"},
    assignments={"variable_declarator": ("name", "value"),
                 "assignment_expression": ("left", "right")},
    wrappers=frozenset({"parenthesized_expression", "cast_expression"}),
)

GO = LangSpec(
    language=Language.GO,
    grammar=tree_sitter_go.language,
    calls={"call_expression": ("function", "arguments")},
    news={},
    members={"selector_expression": ("operand", "field"), "qualified_type": ("package", "name")},
    identifiers=frozenset({"identifier", "field_identifier", "package_identifier",
                           "type_identifier"}),
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    string_parts=frozenset({"interpreted_string_literal_content", "raw_string_literal_content",
                            "escape_sequence"}),
    integers=frozenset({"int_literal"}),
    concats=frozenset({"binary_expression"}),
    comments=frozenset({"comment"}),
    definitions={"function_declaration": "name", "method_declaration": "name",
                 "type_spec": "name"},
    assignments={"short_var_declaration": ("left", "right"), "var_spec": ("name", "value"),
                 "const_spec": ("name", "value"), "assignment_statement": ("left", "right")},
    objects={"literal_value": ("keyed_element", "key", "value")},
    wrappers=frozenset({"parenthesized_expression", "expression_list", "literal_element"}),
)

_C_COMMON: dict[str, object] = {
    "calls": {"call_expression": ("function", "arguments")},
    "identifiers": frozenset({"identifier", "field_identifier", "type_identifier",
                              "namespace_identifier"}),
    "strings": frozenset({"string_literal", "raw_string_literal"}),
    "string_parts": frozenset({"string_content", "escape_sequence", "raw_string_content"}),
    "integers": frozenset({"number_literal"}),
    "concats": frozenset({"concatenated_string", "binary_expression"}),
    "comments": frozenset({"comment"}),
    "assignments": {"init_declarator": ("declarator", "value"),
                    "preproc_def": ("name", "value"),
                    "assignment_expression": ("left", "right")},
    "wrappers": frozenset({"parenthesized_expression", "cast_expression", "pointer_expression"}),
}

C = LangSpec(
    language=Language.C,
    grammar=tree_sitter_c.language,
    news={},
    members={"field_expression": ("argument", "field")},
    definitions={"function_declarator": "declarator", "struct_specifier": "name",
                 "preproc_function_def": "name", "type_definition": "declarator"},
    **_C_COMMON,  # type: ignore[arg-type]
)

CPP = LangSpec(
    language=Language.CPP,
    grammar=tree_sitter_cpp.language,
    news={"new_expression": ("type", "arguments")},
    members={"field_expression": ("argument", "field"), "qualified_identifier": ("scope", "name")},
    definitions={"function_declarator": "declarator", "struct_specifier": "name",
                 "class_specifier": "name", "preproc_function_def": "name",
                 "type_definition": "declarator"},
    **_C_COMMON,  # type: ignore[arg-type]
)

_JS_COMMON: dict[str, object] = {
    "calls": {"call_expression": ("function", "arguments")},
    "news": {"new_expression": ("constructor", "arguments")},
    "members": {"member_expression": ("object", "property")},
    "identifiers": frozenset({"identifier", "property_identifier",
                              "shorthand_property_identifier", "type_identifier"}),
    "strings": frozenset({"string", "template_string"}),
    "string_parts": frozenset({"string_fragment", "escape_sequence"}),
    "integers": frozenset({"number"}),
    "concats": frozenset({"binary_expression"}),
    "comments": frozenset({"comment", "html_comment"}),
    "definitions": {"function_declaration": "name", "class_declaration": "name",
                    "method_definition": "name", "generator_function_declaration": "name",
                    "class": "name", "function_expression": "name",
                    "internal_module": "name", "module": "name",
                    "abstract_class_declaration": "name"},
    "assignments": {"variable_declarator": ("name", "value"),
                    "assignment_expression": ("left", "right"),
                    "public_field_definition": ("name", "value")},
    "objects": {"object": ("pair", "key", "value")},
    "wrappers": frozenset({"parenthesized_expression", "await_expression",
                           "as_expression", "non_null_expression"}),
}

JAVASCRIPT = LangSpec(language=Language.JAVASCRIPT, grammar=tree_sitter_javascript.language,
                      **_JS_COMMON)  # type: ignore[arg-type]
TYPESCRIPT = LangSpec(language=Language.TYPESCRIPT,
                      grammar=tree_sitter_typescript.language_typescript,
                      **_JS_COMMON)  # type: ignore[arg-type]
TSX = LangSpec(language=Language.TYPESCRIPT, grammar=tree_sitter_typescript.language_tsx,
               **_JS_COMMON)  # type: ignore[arg-type]

CSHARP = LangSpec(
    language=Language.CSHARP,
    grammar=tree_sitter_c_sharp.language,
    calls={"invocation_expression": ("function", "arguments")},
    news={"object_creation_expression": ("type", "arguments")},
    members={"member_access_expression": ("expression", "name"),
             "qualified_name": ("qualifier", "name")},
    identifiers=frozenset({"identifier"}),
    strings=frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"}),
    string_parts=frozenset({"string_literal_content", "escape_sequence"}),
    integers=frozenset({"integer_literal"}),
    concats=frozenset({"binary_expression"}),
    comments=frozenset({"comment"}),
    definitions={"class_declaration": "name", "method_declaration": "name",
                 "struct_declaration": "name", "interface_declaration": "name"},
    assignments={"variable_declarator": ("name", None),
                 "assignment_expression": ("left", "right")},
    wrappers=frozenset({"argument", "parenthesized_expression", "cast_expression",
                        "equals_value_clause"}),
)

_BY_SUFFIX: dict[str, LangSpec] = {
    ".py": PYTHON, ".pyw": PYTHON, ".pyi": PYTHON,
    ".java": JAVA,
    ".go": GO,
    ".c": C, ".h": C,
    ".cc": CPP, ".cpp": CPP, ".cxx": CPP, ".c++": CPP, ".hpp": CPP, ".hh": CPP, ".hxx": CPP,
    ".h++": CPP, ".ipp": CPP, ".inl": CPP,
    ".js": JAVASCRIPT, ".mjs": JAVASCRIPT, ".cjs": JAVASCRIPT, ".jsx": JAVASCRIPT,
    ".ts": TYPESCRIPT, ".mts": TYPESCRIPT, ".cts": TYPESCRIPT,
    ".tsx": TSX,
    ".cs": CSHARP,
}

_SHEBANGS: dict[bytes, LangSpec] = {b"python": PYTHON, b"node": JAVASCRIPT}


def spec_for(path: str, head: bytes = b"") -> LangSpec | None:
    """The language of a member, from its name, or from a ``#!`` line when it has no suffix."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""  # as PurePosixPath.suffix
    if suffix:
        return _BY_SUFFIX.get(suffix)
    if head.startswith(b"#!"):
        line = head.split(b"\n", 1)[0]
        for word, spec in _SHEBANGS.items():
            if word in line:
                return spec
    return None


@cache
def parser_for(spec: LangSpec) -> Parser:
    """A tree-sitter parser for ``spec`` (one per process and language)."""
    return Parser(TsLanguage(spec.grammar()))


@cache
def ts_language(spec: LangSpec) -> TsLanguage:
    """The tree-sitter language object of ``spec``."""
    return TsLanguage(spec.grammar())
