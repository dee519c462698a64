"""The manifest of a submission: its members, their sizes and SHA-256, and what was skipped.

A manifest is listed with the engine's own safe unpacking (``anke.inputs.archives``): members
are read in memory within the same limits as ``anke scan``, nothing is extracted and nothing
is executed.  Members are named as in findings (``app.tgz!/lib/x.zip!/a.js``).  A member the
unpacking refuses (path traversal, a bomb, a corrupt archive) is listed with its reason; an
archive that cannot be read at all still gets a manifest saying so.  A manifest holds at
most ``max_entries`` entries; a longer one ends with a ``truncated`` entry.

The upload's plaintext is copied, as it streams into the encrypted blob, into a private
temporary file (:class:`Tee`), which is listed afterwards without any database session open
and removed with its directory.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Literal, cast

from pydantic import BaseModel, ConfigDict

from anke.inputs.archives import SNIFF_BYTES, ArchiveLimits, Budget, Refused, expand, sniff

MAX_ENTRIES = 10_000


class ManifestEntry(BaseModel):
    """One line of a manifest: a member (size, SHA-256), a skipped member (reason), or the
    note that the manifest was truncated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["member", "skipped", "truncated"]
    path: str
    size: int | None = None
    sha256: str | None = None
    reason: str | None = None


class Tee:
    """A binary reader that copies what is read from ``source`` into ``sink``."""

    def __init__(self, source: BinaryIO, sink: BinaryIO) -> None:
        self._source = source
        self._sink = sink

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the source (all when negative), copied to the sink."""
        piece = self._source.read(size)
        if piece:
            self._sink.write(piece)
        return piece


class UploadCopy:
    """The private plaintext copy of one upload, taken while it streams into its blob."""

    def __init__(self, path: Path, sink: BinaryIO) -> None:
        self.path = path
        self._sink = sink

    def reading(self, source: BinaryIO) -> BinaryIO:
        """``source``, copied here as it is read."""
        return cast(BinaryIO, Tee(source, self._sink))

    def manifest(self, name: str) -> list[dict[str, object]]:
        """The copy's manifest, as stored (call after the upload was read to its end)."""
        self._sink.flush()
        return stored(build_manifest(self.path, name))


@contextmanager
def upload_copy() -> Iterator[UploadCopy]:
    """A private temporary copy of an upload (in a 0700 directory), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="anke-upload-") as directory:
        path = Path(directory) / "upload"
        with path.open("wb") as sink:
            yield UploadCopy(path, sink)


def _member(path: str, data: bytes) -> ManifestEntry:
    return ManifestEntry(kind="member", path=path, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest())


def _entries(file: Path, name: str, limits: ArchiveLimits
             ) -> Generator[ManifestEntry, None, None]:
    """Every entry of the file ``file``, shown as ``name``."""
    size = file.stat().st_size
    with file.open("rb") as handle:
        kind = sniff(handle.read(SNIFF_BYTES))
        handle.seek(0)
        if kind is None:  # a single file, not an archive
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            yield ManifestEntry(kind="member", path=name, size=size, sha256=digest)
            return
        for item in expand(name, handle, kind, size, Budget(limits)):
            if isinstance(item, Refused):
                yield ManifestEntry(kind="skipped", path=item.path, reason=item.reason)
            else:
                yield _member(item.path, item.data)


def build_manifest(file: Path, name: str, limits: ArchiveLimits | None = None,
                   max_entries: int = MAX_ENTRIES) -> list[ManifestEntry]:
    """The manifest of the submitted file ``file`` (named ``name`` in member paths)."""
    entries: list[ManifestEntry] = []
    walk = _entries(file, name, limits or ArchiveLimits())
    try:
        for entry in walk:
            if len(entries) >= max_entries:
                entries.append(ManifestEntry(
                    kind="truncated", path=name,
                    reason=f"manifest limit: only the first {max_entries} entries are listed"))
                break
            entries.append(entry)
    except Exception as exc:  # a reader's unforeseen failure must not lose the upload
        entries.append(ManifestEntry(kind="skipped", path=name,
                                     reason=f"cannot be listed ({type(exc).__name__}: {exc})"))
    finally:
        walk.close()
    return entries


def stored(entries: list[ManifestEntry]) -> list[dict[str, object]]:
    """Entries as kept in the submission's ``manifest`` column."""
    return [entry.model_dump(exclude_none=True) for entry in entries]


def loaded(manifest: list[dict[str, object]]) -> list[ManifestEntry]:
    """Entries read back from the ``manifest`` column."""
    return [ManifestEntry.model_validate(item) for item in manifest]


def counts(manifest: list[dict[str, object]]) -> tuple[int, int, bool]:
    """How many members and skipped members a stored manifest lists, and whether it was
    truncated."""
    members = sum(1 for item in manifest if item.get("kind") == "member")
    skipped = sum(1 for item in manifest if item.get("kind") == "skipped")
    truncated = any(item.get("kind") == "truncated" for item in manifest)
    return members, skipped, truncated


class ManifestPage(BaseModel):
    """A page of a submission's manifest, with its totals."""

    submission_id: int
    entries_total: int
    members: int
    skipped: int
    truncated: bool
    entries: list[ManifestEntry]


def manifest_page(submission_id: int, manifest: list[dict[str, object]], limit: int,
                  offset: int) -> ManifestPage:
    """Entries ``offset`` to ``offset + limit`` of a stored manifest."""
    members, skipped, truncated = counts(manifest)
    return ManifestPage(submission_id=submission_id, entries_total=len(manifest),
                        members=members, skipped=skipped, truncated=truncated,
                        entries=loaded(manifest[offset:offset + limit]))
