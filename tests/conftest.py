"""Shared test helpers: run the source-api detector on a snippet."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from anke.catalog import load_catalog
from anke.detect.source_api.detector import SourceDetector
from anke.findings.model import Finding
from anke.rules import load_rules

SUFFIX = {
    "java": ".java", "python": ".py", "go": ".go", "c": ".c", "cpp": ".cpp",
    "javascript": ".js", "typescript": ".ts", "csharp": ".cs",
}

Detect = Callable[[str, str], list[Finding]]


@pytest.fixture(scope="session")
def detector() -> SourceDetector:
    """The detector with the shipped rules and catalog."""
    return SourceDetector(load_rules(), load_catalog())


@pytest.fixture(scope="session")
def detect(detector: SourceDetector) -> Detect:
    """Run the detector on source text in a language; returns its findings."""

    def run(code: str, language: str) -> list[Finding]:
        return detector.detect("snippet" + SUFFIX[language], code.encode("utf-8")).findings

    return run


def summarise(findings: list[Finding]) -> list[tuple[str | None, int | None]]:
    """(algorithm, line) of each finding that is not low confidence, sorted."""
    return sorted(((f.algorithm, f.line) for f in findings if f.confidence != "low"),
                  key=lambda t: (t[1] or 0, t[0] or ""))


def finding_at(findings: list[Finding], algorithm: str, line: int) -> Finding:
    """The one finding (not low confidence) of ``algorithm`` on ``line``."""
    found = [f for f in findings if f.algorithm == algorithm and f.line == line
             and f.confidence != "low"]
    assert len(found) == 1, (algorithm, line, findings)
    return found[0]
