"""The manifest of a submission: its members, their sizes and SHA-256, and what was skipped.

A manifest is listed by the submission's first inspection, from the very reading that the
detectors get (``anke.engine.session.scan_listing``): members are read in memory within
the same limits as ``anke scan``, nothing is extracted and nothing is executed, and the
bytes are unpacked once, not once at upload and again for the inspection.  Members are
named as in findings (``app.tgz!/lib/x.zip!/a.js``).  A member the unpacking refuses (path
traversal, a bomb, a corrupt archive) is listed with its reason.  A manifest holds at most
``max_entries`` entries; a longer one ends with a ``truncated`` entry.  Until the first
inspection has run, the manifest is ``pending`` and the submission shows its size and
SHA-256 only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from anke.engine.inspect import Listed

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


def manifest_of(listed: list[Listed], name: str, max_entries: int = MAX_ENTRIES
                ) -> list[ManifestEntry]:
    """The manifest of the submission named ``name``, from its scan's listing."""
    entries = [ManifestEntry(kind="member", path=item.path, size=item.size,
                             sha256=item.sha256)
               if item.reason is None else
               ManifestEntry(kind="skipped", path=item.path, reason=item.reason)
               for item in listed[:max_entries]]
    if len(listed) > max_entries:
        entries.append(ManifestEntry(
            kind="truncated", path=name,
            reason=f"manifest limit: only the first {max_entries} entries are listed"))
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
    """A page of a submission's manifest, with its totals (all empty while ``pending``)."""

    submission_id: int
    status: Literal["pending", "listed"]
    entries_total: int
    members: int
    skipped: int
    truncated: bool
    entries: list[ManifestEntry]


def manifest_page(submission_id: int, manifest: list[dict[str, object]], listed: bool,
                  limit: int, offset: int) -> ManifestPage:
    """Entries ``offset`` to ``offset + limit`` of a stored manifest."""
    members, skipped, truncated = counts(manifest)
    return ManifestPage(submission_id=submission_id,
                        status="listed" if listed else "pending", entries_total=len(manifest),
                        members=members, skipped=skipped, truncated=truncated,
                        entries=loaded(manifest[offset:offset + limit]))
