"""Compiling small Java sources for the bytecode detector tests (javac from a JDK)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JAVAC = shutil.which("javac")
needs_javac = pytest.mark.skipif(JAVAC is None, reason="javac (a JDK) is not installed; "
                                 "the bytecode tests compile their own classes")


def compile_java(root: Path, sources: dict[str, str], *options: str) -> dict[str, bytes]:
    """Compile ``{"com/acme/A.java": text}`` under ``root``; returns class files by path."""
    assert JAVAC is not None
    src = root / "src"
    out = root / "out"
    paths = []
    for name, text in sources.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([JAVAC, "-encoding", "UTF-8", "-d", str(out), *options, *paths],
                   check=True, capture_output=True, timeout=300)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.class"))}
