"""Every node type a language table names exists in that language's grammar."""

from __future__ import annotations

import pytest

from anke.detect.source_api.languages import (
    CPP,
    CSHARP,
    GO,
    JAVA,
    JAVASCRIPT,
    PYTHON,
    TSX,
    TYPESCRIPT,
    C,
    LangSpec,
    spec_for,
    ts_language,
)

SPECS = [PYTHON, JAVA, GO, C, CPP, JAVASCRIPT, TYPESCRIPT, TSX, CSHARP]


def _named_types(spec: LangSpec) -> set[str]:
    types = set(spec.calls) | set(spec.news) | set(spec.members) | set(spec.definitions)
    types |= set(spec.assignments) | set(spec.objects) | spec.identifiers | spec.strings
    types |= spec.integers | spec.comments | spec.string_parts
    return types


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.grammar.__name__)
def test_node_types_exist(spec: LangSpec) -> None:
    language = ts_language(spec)
    known = {t for t in _named_types(spec) if language.id_for_node_kind(t, True) is not None}
    # C and C++, and JavaScript and TypeScript, share one table: a name may exist in one only
    sibling = {"c": CPP, "cpp": C, "javascript": TYPESCRIPT, "typescript": JAVASCRIPT}.get(
        spec.language.value)
    missing = _named_types(spec) - known
    if sibling is not None:
        other = ts_language(sibling)
        missing = {t for t in missing if other.id_for_node_kind(t, True) is None}
    assert not missing, missing


@pytest.mark.parametrize(
    ("path", "head", "expected"),
    [
        ("a/B.java", b"", JAVA),
        ("x.py", b"", PYTHON),
        ("x.tsx", b"", TSX),
        ("run", b"#!/usr/bin/env python3\n", PYTHON),
        ("README", b"hello", None),
        ("lib.so", b"", None),
    ],
)
def test_language_from_name(path: str, head: bytes, expected: LangSpec | None) -> None:
    assert spec_for(path, head) is expected
