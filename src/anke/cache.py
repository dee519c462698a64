"""anke's own cache directory: compiled forms of its data, never anything it inspects.

Loading the rule files and the catalog (YAML, validation, indexing) costs about a fifth of a
second, more than scanning a small tree, so the built objects are pickled here, keyed by the
SHA-256 of the anke version and of the names and bytes of every data file and of the modules
that build them.  A file that changes
changes the key; an entry that cannot be read or written only costs the time to rebuild.
Only anke writes these files, in a directory created private (mode 0700).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from anke import __version__

T = TypeVar("T")


def cache_dir() -> Path | None:
    """``$ANKE_CACHE_DIR``, else ``$XDG_CACHE_HOME/anke``, else ``~/.cache/anke``."""
    configured = os.environ.get("ANKE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "anke" if base else None


def read_entry(name: str) -> bytes | None:
    """The bytes of a cache entry, or None when there is none."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return (directory / name).read_bytes()
    except OSError:
        return None


def write_entry(name: str, data: bytes) -> None:
    """Store a cache entry atomically; failures are ignored (a cache only saves time)."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, directory / name)
        except OSError:
            os.unlink(temp)
            raise
        _prune(directory, name)
    except OSError:
        pass


def _prune(directory: Path, kept: str, keep: int = 8) -> None:
    """Remove all but the ``keep`` newest entries of the kind of ``kept`` (``rules-...``)."""
    kind = kept.split("-", 1)[0] + "-"
    entries = sorted((p for p in directory.iterdir() if p.name.startswith(kind)
                      and not p.name.endswith(".tmp")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[keep:]:
        if stale.name != kept:
            stale.unlink(missing_ok=True)


def files_key(kind: str, paths: Iterable[Path]) -> str:
    """A key naming ``kind``, the anke version and the names and bytes of ``paths``."""
    digest = hashlib.sha256(f"{kind}\x00{__version__}\x00".encode())
    for path in paths:
        digest.update(path.name.encode() + b"\x00")
        digest.update(path.read_bytes())
        digest.update(b"\x00")
    return f"{kind}-{digest.hexdigest()[:24]}.pickle"


def built_once(key: str, build: Callable[[], T]) -> T:
    """The object cached under ``key``, else ``build()`` (cached for next time).

    ``build`` runs whenever the entry is missing or unreadable, so its errors (an invalid
    data file) surface exactly as without the cache.
    """
    raw = read_entry(key)
    if raw is not None:
        try:
            return pickle.loads(raw)  # type: ignore[no-any-return]
        except Exception:
            pass
    built = build()
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        write_entry(key, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    return built
