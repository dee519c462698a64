"""What an archive reader yields: a member's bytes, or the reason it was not unpacked."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One member of one archive level, named as the archive names it."""

    name: str
    data: bytes | None = None
    reason: str | None = None  # set when the member was not unpacked


class CorruptArchive(Exception):
    """The archive cannot be read (any further); the message is the reason."""


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_name(name: str) -> str | None:
    """Why a member name is refused (absolute, or climbing out with ``..``), else None."""
    if not name or "\x00" in name:
        return "invalid member name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "absolute path in archive (path traversal)"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "path traversal in archive member name"
    return None


def clean_name(name: str) -> str:
    """A member name as written in reports: forward slashes, no leading ``./``."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def link_escapes(name: str, target: str) -> bool:
    """True when a link at ``name`` pointing to ``target`` leaves the archive's root."""
    if target.startswith(("/", "\\")) or _DRIVE.match(target):
        return True
    depth = len([p for p in re.split(r"[\\/]", clean_name(name)) if p not in ("", ".")]) - 1
    for part in re.split(r"[\\/]", target):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False
