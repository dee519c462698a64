"""Findings: the one contract every detector reports through (see DESIGN.md)."""

from anke.findings.model import (
    Confidence,
    Finding,
    FindingKind,
    ScanDocument,
    ScanStats,
    Skipped,
    ToolInfo,
)

__all__ = [
    "Confidence",
    "Finding",
    "FindingKind",
    "ScanDocument",
    "ScanStats",
    "Skipped",
    "ToolInfo",
]
