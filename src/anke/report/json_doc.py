"""The JSON scan document (the Finding contract of DESIGN.md)."""

from __future__ import annotations

from anke.findings.model import ScanDocument


def render_json(document: ScanDocument) -> str:
    """The document as indented JSON, keys in contract order."""
    return document.model_dump_json(indent=2) + "\n"
