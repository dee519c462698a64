"""Loading YAML data files into pydantic models, with errors that name file and field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from anke.errors import DataFileError

M = TypeVar("M", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _where(loc: tuple[int | str, ...], doc: object) -> str:
    """Render a pydantic error location as a readable path, naming list items by id."""
    parts: list[str] = []
    node: object = doc
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            item = node[key]
            label = None
            if isinstance(item, dict):
                label = item.get("id") or item.get("name") or item.get("version")
            parts.append(f"[{key}]" + (f"({label})" if label else ""))
            node = item
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Read ``path`` as YAML and validate it as ``model``; raise :class:`DataFileError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(str(path), "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DataFileError(str(path), "", "not UTF-8 text") from None
    try:
        doc = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DataFileError(str(path), where, f"invalid YAML: {problem}") from None
    if doc is None:
        doc = {}
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]), doc)
        raise DataFileError(str(path), where, first["msg"]) from None
