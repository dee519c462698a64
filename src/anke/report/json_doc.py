"""The JSON scan document (the Finding contract of DESIGN.md)."""

from __future__ import annotations

import json

from anke.findings.model import ScanDocument


def render_json(document: ScanDocument) -> str:
    """The document as indented JSON, keys in contract order."""
    return json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
