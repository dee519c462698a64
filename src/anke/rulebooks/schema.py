"""The published JSON Schemas of rulebook and evidence files, generated from the models.

The files under ``rulebooks/schema/`` are what editors and other tools validate against; a
test keeps them equal to what the models generate (``anke rulebook schema --write``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from anke.evaluation.evidence import EvidenceFile
from anke.rulebooks.model import Rulebook

SCHEMA_DIR = Path(__file__).with_name("schema")
_BASE = "urn:anke:schema:"
SCHEMAS: dict[str, type[Rulebook] | type[EvidenceFile]] = {
    "rulebook": Rulebook,
    "evidence": EvidenceFile,
}


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind: ``rulebook`` or ``evidence``."""
    schema = SCHEMAS[name].model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{_BASE}{name}", **schema}


def render(name: str) -> str:
    """The schema as the text of its published file."""
    return json.dumps(generate(name), indent=2, sort_keys=True) + "\n"


def path_of(name: str) -> Path:
    """Where the published schema of ``name`` lives."""
    return SCHEMA_DIR / f"{name}.schema.json"


def write_all() -> list[Path]:
    """Regenerate every published schema file."""
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for name in SCHEMAS:
        path_of(name).write_text(render(name), encoding="utf-8")
        written.append(path_of(name))
    return written
