"""Members of 7z archives, through py7zr.

py7zr decompresses by pushing each member into a writer object; here the writer refuses to
grow past the member ceiling, and a producer thread hands finished members over a queue of
one, so at most one member (and the one being decompressed) is held in memory at a time.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import BinaryIO

import py7zr
from py7zr.io import Py7zIO, WriterFactory

from anke.inputs.archives.entry import CorruptArchive, Entry, clean_name, unsafe_name
from anke.inputs.archives.limits import Budget, LimitExceeded

_DONE = object()


class _Refused(Exception):
    pass


class _Member(Py7zIO):
    """A bounded in-memory writer that hands its bytes on when py7zr closes it."""

    def __init__(self, name: str, ceiling: int, out: queue.Queue[object],
                 stop: threading.Event) -> None:
        self.name = name
        self.ceiling = ceiling
        self.out = out
        self.stop = stop
        self.parts: list[bytes] = []
        self.length = 0

    def write(self, s: bytes | bytearray) -> int:
        if self.stop.is_set():
            raise _Refused("stopped")
        self.length += len(s)
        if self.length > self.ceiling:
            raise _Refused(self.name)
        self.parts.append(bytes(s))
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.length

    def close(self) -> None:
        self.out.put((self.name, b"".join(self.parts)))
        self.parts = []


class _Factory(WriterFactory):
    def __init__(self, ceilings: dict[str, int], out: queue.Queue[object],
                 stop: threading.Event) -> None:
        self.ceilings = ceilings
        self.out = out
        self.stop = stop

    def create(self, filename: str) -> Py7zIO:
        return _Member(filename, self.ceilings.get(filename, 0), self.out, self.stop)


def read_7z(source: BinaryIO, budget: Budget, packed: int) -> Iterator[Entry]:
    """Each file member of a 7z archive, bounded by ``budget``."""
    try:
        archive = py7zr.SevenZipFile(source, mode="r")
        infos = [i for i in archive.list() if not i.is_directory]
        encrypted = archive.needs_password()
    except py7zr.PasswordRequired:
        raise CorruptArchive("encrypted 7z archive (headers encrypted)") from None
    except Exception as exc:
        raise CorruptArchive(f"corrupt 7z archive: {exc}") from None
    wanted: dict[str, int] = {}
    for info in infos:
        budget.count_member()
        name = clean_name(info.filename)
        reason = unsafe_name(info.filename)
        if reason is None and encrypted:
            reason = "encrypted member"
        if reason is None and info.is_symlink:
            reason = "symbolic link in archive (not followed)"
        ceiling = budget.ceiling(max(packed, 1))
        if reason is None and info.uncompressed > ceiling:
            reason = budget.explain(info.uncompressed, packed)
        if reason is not None:
            yield Entry(name, reason=reason)
            continue
        wanted[info.filename] = ceiling
    if not wanted:
        archive.close()
        return
    out: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()
    failure: list[str] = []

    def produce() -> None:
        try:
            archive.extract(targets=list(wanted), factory=_Factory(wanted, out, stop))
        except _Refused as exc:
            if not stop.is_set():
                failure.append(f"member size limit exceeded while unpacking {exc}")
        except Exception as exc:
            failure.append(f"corrupt 7z archive: {exc}")
        finally:
            archive.close()
            out.put(_DONE)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                break
            assert isinstance(item, tuple)
            name, data = item
            budget.spend(len(data))
            if budget.total_bytes > budget.limits.max_total_bytes:
                raise LimitExceeded(budget.explain(len(data), None))
            yield Entry(clean_name(name), data)
    finally:
        stop.set()
        while worker.is_alive():  # drain so the producer can finish
            with contextlib.suppress(queue.Empty):
                out.get(timeout=0.1)
        worker.join()
    if failure:
        raise CorruptArchive(failure[0])
