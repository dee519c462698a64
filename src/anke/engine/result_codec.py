"""One detector's result on one member, stored without its path and bound to a path again.

A finding's ``path`` and ``id`` depend on where the member sits, so they are left out of the
stored value: on a hit the path is put back and the id recomputed with
:meth:`Finding.make_id`, which gives exactly what a fresh scan of the member at that path
gives.  A result that does not follow that shape (a finding or note about another path, an
id made another way, the path written into the evidence) is not stored at all, so the cache
can never change what a scan reports.

The value is compact JSON: ``{"f": [finding fields...], "n": [note reasons...], "p": 0|1}``.
A bundle (everything the detectors said about a member, under the key of its whole path) is
compact JSON too: ``{"f": [findings, whole], "n": [note reasons...], "p": parse count}``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from anke.detect.base import Detection
from anke.findings.model import Context, Finding, Skipped

_EMPTY = {b'{"f":[],"n":[],"p":0}': False, b'{"f":[],"n":[],"p":1}': True}  # as encoded
_FINDINGS = TypeAdapter(list[Finding])  # validates a member's findings in one call
_POSITION = ("column", "offset")  # which field stands in the id's column, in this order


def _recipe(finding: Finding, path: str) -> str | None:
    """Which position field the finding's id was made with, or None when neither."""
    for name in _POSITION:
        made = Finding.make_id(finding.rule, path, finding.line, getattr(finding, name),
                               finding.evidence, finding.algorithm)
        if made == finding.id:
            return name
    return None


def encode(detection: Detection, path: str) -> bytes | None:
    """The stored form of ``detection`` on the member at ``path``, or None if not storable."""
    findings: list[dict[str, Any]] = []
    for finding in detection.findings:
        recipe = _recipe(finding, path)
        if (recipe is None or finding.path != path or finding.context is not None
                or path in finding.evidence):
            return None
        fields = finding.model_dump(mode="json", exclude_none=True,
                                    exclude={"id", "path", "context"})
        if recipe != _POSITION[0]:
            fields["@"] = recipe
        findings.append(fields)
    notes: list[str] = []
    for note in detection.notes:
        if note.path != path or path in note.reason:
            return None
        notes.append(note.reason)
    value = {"f": findings, "n": notes, "p": int(detection.parsed)}
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def empty(value: bytes) -> bool:
    """Whether a stored value holds no finding and no note (most do)."""
    return value in _EMPTY


def decode(value: bytes, path: str, context: Context | None = None) -> Detection | None:
    """The detection stored in ``value``, bound to ``path`` (its findings marked with the
    member's ``context``); None when it cannot be read."""
    empty = _EMPTY.get(value)  # most results: nothing found (parsed or not)
    if empty is not None:
        return Detection([], [], empty)
    try:
        stored = json.loads(value)
        fields_list = stored["f"]
        for fields in fields_list:
            recipe = fields.pop("@", _POSITION[0])
            fields["id"] = Finding.make_id(fields["rule"], path, fields.get("line"),
                                           fields.get(recipe), fields["evidence"],
                                           fields.get("algorithm"))
            fields["path"] = path
            if context is not None:
                fields["context"] = context
        findings = _FINDINGS.validate_python(fields_list) if fields_list else []
        notes = [Skipped(path=path, reason=reason) for reason in stored["n"]]
        return Detection(findings, notes, bool(stored["p"]))
    except Exception:  # an entry from another anke, or damaged: a miss
        return None



class _Bundle(BaseModel):
    """All of a member's results, bound to its path (a bundle's key names the path)."""

    model_config = ConfigDict(extra="forbid")

    f: list[Finding] = Field(default_factory=list)  # findings, with ids, paths and contexts
    n: list[str] = Field(default_factory=list)  # the reasons of the member's notes
    p: int = 0  # how many detectors parsed it


_BUNDLE = TypeAdapter(_Bundle)


def pack(findings: list[Finding], notes: list[Skipped], parsed: int) -> bytes:
    """One bundle of everything the detectors said about a member (all at its path)."""
    bundle = _Bundle(f=findings, n=[note.reason for note in notes], p=parsed)
    return _BUNDLE.dump_json(bundle, exclude_none=True)


def unpack(bundle: bytes, path: str) -> tuple[list[Finding], list[Skipped], int] | None:
    """The findings, notes and parse count in a bundle of the member at ``path``, or None
    when it cannot be read."""
    try:
        value = _BUNDLE.validate_json(bundle)
    except ValueError:  # an entry from another anke, or damaged: a miss
        return None
    return value.f, [Skipped(path=path, reason=reason) for reason in value.n], value.p
