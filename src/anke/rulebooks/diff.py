"""What changed between two versions of a rulebook: controls, exclusions, targets."""

from __future__ import annotations

from typing import Any

from anke.rulebooks.loader import ResolvedVersion
from anke.rulebooks.model import Control


def _fields(control: Control) -> dict[str, Any]:
    return control.model_dump(mode="json", by_alias=True)


def _changed(old: Control, new: Control) -> list[str]:
    before, after = _fields(old), _fields(new)
    return [name for name in after if before.get(name) != after.get(name)]


def diff_versions(old: ResolvedVersion, new: ResolvedVersion) -> list[str]:
    """Human-readable lines: ``- removed``, ``+ added``, ``~ changed (fields)``."""
    lines = [f"{old.label} -> {new.label}"]
    if new.version.hypothetical or old.version.hypothetical:
        lines.append("note: a hypothetical version is not a real text")
    before = {control.id: control for control in old.controls}
    after = {control.id: control for control in new.controls}
    for key, control in before.items():
        if key not in after:
            lines.append(f"- control {key}: {control.title}")
    for key, control in after.items():
        if key not in before:
            lines.append(f"+ control {key}: {control.title}")
        else:
            changed = _changed(before[key], control)
            if changed:
                lines.append(f"~ control {key}: {', '.join(changed)} changed")
    old_excluded = {item.criterion for item in old.excluded}
    new_excluded = {item.criterion for item in new.excluded}
    lines += [f"- excluded: {item}" for item in sorted(old_excluded - new_excluded)]
    lines += [f"+ excluded: {item}" for item in sorted(new_excluded - old_excluded)]
    old_targets = {t.model_dump_json() for t in old.targets}
    new_targets = {t.model_dump_json() for t in new.targets}
    if old_targets != new_targets:
        lines.append(f"~ targets: {len(old_targets - new_targets)} removed, "
                     f"{len(new_targets - old_targets)} added")
    if len(lines) == 1 + (1 if lines[1:2] and lines[1].startswith("note:") else 0):
        lines.append("no differences in controls, exclusions or targets")
    return lines
