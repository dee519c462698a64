"""Helpers for the access detector tests: run it and read its findings as tuples."""

from __future__ import annotations

from functools import lru_cache

from anke.detect.access import AccessDetector
from anke.findings.model import Finding


@lru_cache(maxsize=1)
def detector() -> AccessDetector:
    """One detector for all tests (its data and prefilter are built once)."""
    return AccessDetector()


def findings(path: str, text: str) -> list[Finding]:
    """The findings in a member ``path`` holding ``text``."""
    return detector().detect(path, text.encode("utf-8")).findings


def brief(path: str, text: str, prefix: str = "") -> list[tuple[str, int, str]]:
    """(rule, line, confidence) of each finding whose rule starts with ``prefix``."""
    return [(f.rule, f.line or 0, f.confidence.value) for f in findings(path, text)
            if f.rule.startswith(prefix)]
