"""Walk directories and files into members, safely and within bounds.

Symbolic links are never followed (a vendor tree is hostile until proven otherwise); VCS
metadata folders are skipped; every member that is not inspected is reported with a reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".fossil", ".pijul", ".jj"})


@dataclass(frozen=True)
class WalkLimits:
    """Bounds of a walk."""

    max_depth: int = 64
    max_file_bytes: int = 512 * 1024 * 1024
    max_files: int = 5_000_000


@dataclass(frozen=True)
class FileMember:
    """A regular file to inspect: where it is, how it is named in reports, its size."""

    real: str
    path: str
    size: int


@dataclass(frozen=True)
class SkippedMember:
    """A member the walk did not hand on, and why."""

    path: str
    reason: str


def walk(root: Path, limits: WalkLimits) -> Iterator[FileMember | SkippedMember]:
    """Members under ``root`` (a directory or a single file), in a stable order."""
    try:
        info = os.lstat(root)
    except OSError as exc:
        yield SkippedMember(str(root), f"cannot read: {exc.strerror}")
        return
    if stat.S_ISREG(info.st_mode):
        if info.st_size > limits.max_file_bytes:
            yield SkippedMember(root.name, f"size limit: {info.st_size} bytes")
        else:
            yield FileMember(str(root), root.name, info.st_size)
        return
    if not stat.S_ISDIR(info.st_mode):
        yield SkippedMember(root.name, "not a regular file or directory")
        return
    count = 0
    stack: list[tuple[str, int, str]] = [(str(root), 0, "")]  # (folder, depth, report prefix)
    while stack:
        directory, depth, prefix = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield SkippedMember(prefix.rstrip("/") or ".",
                                f"cannot read directory: {exc.strerror}")
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_symlink():
                    yield SkippedMember(rel, _symlink_reason(entry.path))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in VCS_DIRS:
                        continue
                    if depth + 1 > limits.max_depth:
                        yield SkippedMember(rel, f"depth limit: deeper than {limits.max_depth}")
                        continue
                    subdirs.append((entry.path, rel + "/"))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    yield SkippedMember(rel, "special file (device, socket or pipe)")
                    continue
                size = entry.stat(follow_symlinks=False).st_size
            except OSError as exc:
                yield SkippedMember(rel, f"cannot read: {exc.strerror}")
                continue
            if size > limits.max_file_bytes:
                yield SkippedMember(rel, f"size limit: {size} bytes > {limits.max_file_bytes}")
                continue
            count += 1
            if count > limits.max_files:
                yield SkippedMember(rel, f"file count limit: more than {limits.max_files}")
                return
            yield FileMember(entry.path, rel, size)
        stack.extend((d, depth + 1, p) for d, p in reversed(subdirs))


def _symlink_reason(path: str) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        return "symbolic link (not followed)"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return f"symbolic link loop ({target}), not followed"
        return f"dangling symbolic link ({target}), not followed"
    return f"symbolic link to {target} (not followed)"
