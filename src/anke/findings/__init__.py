"""Findings: the one contract every detector reports through (see DESIGN.md)."""

from anke.findings.model import (
    CertificateFacts,
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
    "CertificateFacts",
    "Confidence",
    "Context",
    "Finding",
    "FindingKind",
    "ScanDocument",
    "ScanStats",
    "Skipped",
    "ToolInfo",
]
