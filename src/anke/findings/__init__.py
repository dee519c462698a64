"""Findings: the one contract every detector reports through (see DESIGN.md)."""

from anke.findings.model import (
    Confidence,
    Context,
    Finding,
    FindingKind,
    ScanDocument,
    ScanStats,
    Skipped,
    ToolInfo,
)

__all__ = [
    "Confidence",
    "Context",
    "Finding",
    "FindingKind",
    "ScanDocument",
    "ScanStats",
    "Skipped",
    "ToolInfo",
]
