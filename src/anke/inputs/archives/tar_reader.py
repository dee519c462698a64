"""Members of tar archives, read as a stream (plain, or inside any compressed stream)."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from typing import BinaryIO

from anke.inputs.archives.entry import (
    CorruptArchive,
    Entry,
    clean_name,
    link_escapes,
    unsafe_name,
)
from anke.inputs.archives.limits import Budget, LimitExceeded


def read_tar(stream: BinaryIO, budget: Budget) -> Iterator[Entry]:
    """Each regular file of a tar stream; links inside the archive are not followed."""
    try:
        archive = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 - read as a stream
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CorruptArchive(f"corrupt tar archive: {exc}") from None
    members = iter(archive)
    while True:
        try:
            member = next(members)
        except StopIteration:
            return
        except LimitExceeded:
            raise
        except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
            raise CorruptArchive(f"corrupt tar archive: {exc}") from None
        if member.isdir():
            continue
        budget.count_member()
        name = clean_name(member.name)
        reason = unsafe_name(member.name)
        if reason is None and (member.issym() or member.islnk()):
            if not link_escapes(member.name, member.linkname):
                continue  # an alias of a member that is inspected on its own
            kind = "symbolic link" if member.issym() else "hard link"
            reason = f"{kind} pointing outside the archive (-> {member.linkname[:200]})"
        elif reason is None and (member.ischr() or member.isblk()):
            reason = "device file"
        elif reason is None and member.isfifo():
            reason = "named pipe"
        elif reason is None and not member.isfile():
            reason = "not a regular file"
        ceiling = budget.ceiling(None)
        if reason is None and member.size > ceiling:
            reason = budget.explain(member.size, None)
        if reason is not None:
            yield Entry(name, reason=reason)
            continue
        try:
            handle = archive.extractfile(member)
            data = handle.read(member.size) if handle is not None else b""
        except LimitExceeded:
            raise
        except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
            yield Entry(name, reason=f"corrupt member: {exc}")
            raise CorruptArchive(f"corrupt tar archive: {exc}") from None
        if len(data) < member.size:
            yield Entry(name, reason="truncated member")
            raise CorruptArchive("corrupt tar archive: truncated")
        budget.spend(len(data))
        yield Entry(name, data)
