"""Blob storage: where encrypted blobs live, a local directory or any fsspec URL.

A blob is named by a key that anke generates, ``"ab/ab…"`` (a two-hex-digit fan-out
directory, then 32 hex digits): keys are checked against that shape before any path is
built, so no key can reach outside the store. Writes are atomic: a blob is written under a
temporary name and moved to its key only when the writer finished without error, so a
reader never sees a half-written blob and a failed write leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast, runtime_checkable
from urllib.parse import unquote, urlsplit

import fsspec  # type: ignore[import-untyped]

from anke.errors import AnkeError

# 128 random bits per key from the OS generator (Python docs, ``secrets``): by the birthday
# bound a collision needs about 2^64 keys.
KEY_RANDOM_BYTES = 16
# The only keys a store accepts: fan-out "ab" then a 32-hex-digit name starting with "ab".
KEY_PATTERN = re.compile(r"(?P<fan>[0-9a-f]{2})/(?P=fan)[0-9a-f]{30}")
# Owner-only modes (POSIX.1) for the store's directories; files come from mkstemp (0600).
DIR_MODE = 0o700
# Prefix of temporary names; never a valid key, so never read as a blob.
TEMP_PREFIX = ".tmp-"


class BlobNotFoundError(AnkeError):
    """No blob is stored under a key."""


def new_blob_key() -> str:
    """A new random blob key: ``"ab/ab…"``, 128 bits in hex under a 2-digit fan-out."""
    name = secrets.token_hex(KEY_RANDOM_BYTES)
    return f"{name[:2]}/{name}"


def check_blob_key(key: str) -> str:
    """``key`` itself when it has the shape of a generated blob key; ``AnkeError`` if not."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        shown = repr(key)
        raise AnkeError(f"blob key {shown[:80]}: not a blob key")
    return key


@runtime_checkable
class BlobStore(Protocol):
    """Where encrypted blobs are kept, by key."""

    def open_write(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A binary file to write the blob ``key``; stored only when the context exits
        without error. Refuses a key that is already stored."""
        ...

    def open_read(self, key: str) -> AbstractContextManager[BinaryIO]:
        """The stored blob ``key`` as a binary file; ``BlobNotFoundError`` if absent."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob ``key``; nothing happens when it is not there."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under ``key``."""
        ...


class DirectoryStore:
    """Blobs as owner-only files under a local directory, ``root/ab/ab…``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not self.root.exists():
            self.root.mkdir(parents=True, mode=DIR_MODE)
            self.root.chmod(DIR_MODE)
        elif not self.root.is_dir():
            raise AnkeError(f"blob store {self.root}: not a directory")

    def __repr__(self) -> str:
        return f"DirectoryStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / check_blob_key(key)

    @contextmanager
    def open_write(self, key: str) -> Iterator[BinaryIO]:
        """A file to write the blob ``key``, renamed into place only on success."""
        final = self._path(key)
        if final.exists():
            raise AnkeError(f"blob {key}: already stored")
        final.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=final.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(name, final)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        _sync_directory(final.parent)

    @contextmanager
    def open_read(self, key: str) -> Iterator[BinaryIO]:
        """The stored blob ``key``; ``BlobNotFoundError`` when it is absent."""
        path = self._path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"blob {key}: not found") from None
        with handle:
            yield handle

    def delete(self, key: str) -> None:
        """Remove the blob ``key`` if it is there."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether the blob ``key`` is stored."""
        return self._path(key).is_file()


class FsspecStore:
    """Blobs under any fsspec URL (``memory://…``, ``file://…``, ``s3://…``).

    A blob is written to a temporary name beside its key and moved there (``fs.mv``) on
    success; on object stores that move is a server-side copy and delete.
    """

    def __init__(self, url: str, **options: Any) -> None:
        try:
            fs, root = fsspec.core.url_to_fs(url, **options)
        except (ImportError, ValueError) as error:
            scheme = urlsplit(url).scheme or "?"
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise AnkeError(f"blob store ({scheme}://): {first}") from None
        self.fs: Any = fs
        self.root: str = str(root).rstrip("/")
        self.scheme = urlsplit(url).scheme

    def __repr__(self) -> str:
        return f"FsspecStore({self.scheme}://…{self.root[-40:]!r})"

    def _path(self, key: str) -> str:
        return f"{self.root}/{check_blob_key(key)}"

    @contextmanager
    def open_write(self, key: str) -> Iterator[BinaryIO]:
        """A file to write the blob ``key``, moved into place only on success."""
        final = self._path(key)
        if self.fs.exists(final):
            raise AnkeError(f"blob {key}: already stored")
        parent = f"{self.root}/{key[:2]}"
        temporary = f"{parent}/{TEMP_PREFIX}{secrets.token_hex(KEY_RANDOM_BYTES)}"
        self.fs.makedirs(parent, exist_ok=True)
        try:
            with self.fs.open(temporary, "wb") as handle:
                yield cast(BinaryIO, handle)
            self.fs.mv(temporary, final)
        except BaseException:
            with suppress(FileNotFoundError, OSError):
                self.fs.rm_file(temporary)
            raise

    @contextmanager
    def open_read(self, key: str) -> Iterator[BinaryIO]:
        """The stored blob ``key``; ``BlobNotFoundError`` when it is absent."""
        path = self._path(key)
        try:
            handle = self.fs.open(path, "rb")
        except FileNotFoundError:
            raise BlobNotFoundError(f"blob {key}: not found") from None
        with handle:
            yield cast(BinaryIO, handle)

    def delete(self, key: str) -> None:
        """Remove the blob ``key`` if it is there."""
        with suppress(FileNotFoundError):
            self.fs.rm_file(self._path(key))

    def exists(self, key: str) -> bool:
        """Whether the blob ``key`` is stored."""
        return bool(self.fs.isfile(self._path(key)))


def open_store(url_or_path: str) -> BlobStore:
    """The store at ``url_or_path``: a plain path or ``file://`` URL gives a
    ``DirectoryStore``, any other URL an ``FsspecStore``."""
    if "://" not in url_or_path:
        return DirectoryStore(Path(url_or_path).expanduser())
    parts = urlsplit(url_or_path)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise AnkeError(f"blob store {url_or_path}: file URLs must name a local path")
        return DirectoryStore(Path(unquote(parts.path)))
    return FsspecStore(url_or_path)


def _sync_directory(path: Path) -> None:
    """Flush a directory entry to disk so a rename survives a crash (POSIX fsync)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
