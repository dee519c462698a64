"""The store of detector results, addressed by content: one key, one compact value.

A key names a member's bytes, a detector and the data that detector judged them with (see
:mod:`anke.engine.result_keys`); a value is what the detector said (see
:mod:`anke.engine.result_codec`).  The store only keeps bytes under keys.

The embedded default is one SQLite file, ``results.sqlite`` in anke's cache directory
(``$ANKE_CACHE_DIR``, else ``~/.cache/anke``), in WAL mode with a busy timeout, so that many
processes read and write it at once.  It is bounded: when its entries pass the bound, the
least recently used are evicted in one batch down to 90% of it.  A cache only saves time:
a store that is missing, locked too long or corrupt gives misses and drops writes, never an
error.  The service plugs its own store (a table of its database) through
:class:`ResultStore` and :class:`CacheSpec`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Literal, Protocol

from anke.cache import cache_dir

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB of keys and values
FILE_NAME = "results.sqlite"
_BUSY_MS = 30_000  # writers queue for up to this long before a write is dropped
_KEEP = 0.9  # eviction frees down to this share of the bound
_FLUSH_ITEMS = 500  # buffered values written in one transaction
_FLUSH_SECONDS = 5.0
_TOUCH_SECONDS = 600  # a hit marks its entry used only when the last mark is older than this


class ResultStore(Protocol):
    """Where results live: bytes under 32-byte keys."""

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """The values stored under ``keys`` (absent ones left out); never raises."""
        ...

    def put_many(self, items: Mapping[bytes, bytes]) -> None:
        """Store values (replacing any under the same key); never raises."""
        ...


@dataclass(frozen=True)
class CacheSpec:
    """Which store to use, picklable so that pool and cluster workers open their own.

    ``kind`` ``sqlite``: ``location`` is a directory (holding ``results.sqlite``);
    ``database``: ``location`` is the service's SQLAlchemy database URL.
    """

    kind: Literal["sqlite", "database"] = "sqlite"
    location: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES


def default_spec(max_bytes: int = DEFAULT_MAX_BYTES) -> CacheSpec | None:
    """The embedded store in anke's cache directory, or None when there is no such place."""
    directory = cache_dir()
    return None if directory is None else CacheSpec("sqlite", str(directory), max_bytes)


_OPEN: dict[tuple[int, CacheSpec], ResultStore | None] = {}


def open_store(spec: CacheSpec) -> ResultStore | None:
    """The store ``spec`` names, opened once per process (connections never cross a fork),
    with its writes buffered (see :class:`Buffered`)."""
    key = (os.getpid(), spec)
    if key not in _OPEN:
        store: ResultStore | None
        if spec.kind == "database":
            try:
                from anke.service.db.result_cache import DatabaseStore
                store = DatabaseStore(spec.location, spec.max_bytes)
            except Exception:  # no service extras, a bad URL: run without a cache
                store = None
        else:
            store = SqliteStore(Path(spec.location) / FILE_NAME, spec.max_bytes)
        _OPEN[key] = None if store is None else Buffered(store)
    return _OPEN[key]


class Buffered:
    """A store whose writes are gathered and written in few transactions.

    One transaction per member would make a pool's workers queue for the write lock; here
    the values go out when ``_FLUSH_ITEMS`` are pending, or ``_FLUSH_SECONDS`` after the
    first, and when the process exits (a multiprocessing finaliser, which also runs at the
    normal exit of a pool's worker).  Pending values are already visible to this process.
    """

    def __init__(self, store: ResultStore) -> None:
        self.store = store
        self.pending: dict[bytes, bytes] = {}
        self._since = 0.0
        Finalize(None, self.flush, exitpriority=10)

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """The values under ``keys``, pending ones included."""
        wanted = list(keys)
        found = {k: self.pending[k] for k in wanted if k in self.pending}
        missing = [k for k in wanted if k not in found]
        if missing:
            found.update(self.store.get_many(missing))
        return found

    def put_many(self, items: Mapping[bytes, bytes]) -> None:
        """Gather ``items``; write them all out when enough are pending, or long enough."""
        if not self.pending:
            self._since = time.monotonic()
        self.pending.update(items)
        if len(self.pending) >= _FLUSH_ITEMS or time.monotonic() - self._since >= \
                _FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write out every pending value."""
        if self.pending:
            pending, self.pending = self.pending, {}
            self.store.put_many(pending)


class SqliteStore:
    """The embedded store: one SQLite file, safe under concurrent writers, bounded."""

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._written = 0  # bytes written since the size was last checked

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None,
                                 check_same_thread=False)
            db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS result (key BLOB PRIMARY KEY, "
                       "value BLOB NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL)"
                       " WITHOUT ROWID")
            db.execute("CREATE INDEX IF NOT EXISTS result_used ON result (used)")
        except (sqlite3.Error, OSError):
            self._broken = True  # corrupt, unwritable, not a database: misses from now on
            return None
        self._db = db
        return db

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """The stored values; a hit is marked used now (for least-recently-used eviction)."""
        wanted = list(keys)
        db = self._connect()
        if db is None or not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        try:
            rows = db.execute(f"SELECT key, value, used FROM result WHERE key IN ({marks})",
                              wanted).fetchall()
            now = int(time.time())
            stale = [key for key, _, used in rows if used < now - _TOUCH_SECONDS]
            if stale:
                db.execute(f"UPDATE result SET used=? WHERE key IN ({','.join('?' * len(stale))})",
                           [now, *stale])
        except sqlite3.OperationalError:  # locked for too long, or the disk is full
            return {}
        except sqlite3.Error:
            self._broken = True
            return {}
        return {key: value for key, value, _ in rows}

    def put_many(self, items: Mapping[bytes, bytes]) -> None:
        """Store ``items`` in one transaction, then evict if the bound is passed."""
        db = self._connect()
        if db is None or not items:
            return
        now = int(time.time())
        rows = [(k, v, len(k) + len(v), now) for k, v in items.items()]
        try:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO result (key, value, size, used) "
                               "VALUES (?, ?, ?, ?)", rows)
        except sqlite3.OperationalError:
            return
        except sqlite3.Error:
            self._broken = True
            return
        self._written += sum(r[2] for r in rows)
        if self._written >= min(max(self.max_bytes // 64, 1), 4 << 20):
            self._written = 0
            self.evict()

    def size(self) -> int:
        """The bytes of keys and values stored (0 when the store cannot be read)."""
        db = self._connect()
        if db is None:
            return 0
        try:
            return int(db.execute("SELECT COALESCE(SUM(size), 0) FROM result").fetchone()[0])
        except sqlite3.Error:
            return 0

    def evict(self) -> None:
        """Remove least recently used entries down to 90% of the bound, when it is passed."""
        db = self._connect()
        if db is None:
            return
        try:
            with _transaction(db):
                total = int(db.execute("SELECT COALESCE(SUM(size), 0) FROM result")
                            .fetchone()[0])
                if total <= self.max_bytes:
                    return
                excess = total - int(self.max_bytes * _KEEP)
                doomed: list[bytes] = []
                for key, size in db.execute("SELECT key, size FROM result ORDER BY used, key"):
                    doomed.append(key)
                    excess -= size
                    if excess <= 0:
                        break
                for start in range(0, len(doomed), 500):
                    chunk = doomed[start:start + 500]
                    db.execute(f"DELETE FROM result WHERE key IN ({','.join('?' * len(chunk))})",
                               chunk)
        except sqlite3.Error:
            return

    def close(self) -> None:
        """Close the connection (it reopens on the next use)."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` (writers queue on the busy timeout), commit, or roll back."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
