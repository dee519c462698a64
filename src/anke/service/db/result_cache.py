"""The result cache in the service's database: a table, and the store that reads and writes it.

The service's workers (and Dask workers given the same URL) share one cache of detector
results, as :mod:`anke.engine.result_cache` describes: bytes under 32-byte keys, bounded in
size by evicting the least recently used rows in batches.  The values are findings about
members (never the members' bytes).  Every database error is a miss or a dropped write.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from sqlalchemy import BigInteger, Integer, LargeBinary, delete, func, select, update
from sqlalchemy import insert as generic_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from anke.service.db.base import Base
from anke.service.db.session import Database

_KEEP = 0.9  # eviction frees down to this share of the bound
_TOUCH_SECONDS = 600  # a hit marks its row used only when the last mark is older than this


class ResultEntry(Base):
    """One detector's result on one member, under its content address."""

    __tablename__ = "result_cache"

    key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(BigInteger, index=True)  # seconds since the epoch


class DatabaseStore:
    """A :class:`~anke.engine.result_cache.ResultStore` over the ``result_cache`` table."""

    def __init__(self, url: str, max_bytes: int) -> None:
        self.database = Database(url)
        self.max_bytes = max_bytes
        self._written = 0

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, bytes]:
        """The stored values; hits not marked for a while are marked used now."""
        wanted = list(keys)
        if not wanted:
            return {}
        try:
            with self.database.reader() as session:
                rows = session.execute(select(ResultEntry.key, ResultEntry.value,
                                              ResultEntry.used)
                                       .where(ResultEntry.key.in_(wanted))).all()
            now = int(time.time())
            stale = [row.key for row in rows if row.used < now - _TOUCH_SECONDS]
            if stale:
                with self.database.writer() as session:
                    session.execute(update(ResultEntry).where(ResultEntry.key.in_(stale))
                                    .values(used=now))
        except Exception:
            return {}
        return {row.key: row.value for row in rows}

    def put_many(self, items: Mapping[bytes, bytes]) -> None:
        """Store ``items`` in one transaction, then evict if the bound is passed."""
        if not items:
            return
        now = int(time.time())
        rows: list[dict[str, object]] = [
            {"key": k, "value": v, "size": len(k) + len(v), "used": now} for k, v in items.items()]
        try:
            with self.database.writer() as session:
                self._upsert(session, rows)
        except Exception:
            return
        self._written += sum(len(k) + len(v) for k, v in items.items())
        if self._written >= min(max(self.max_bytes // 64, 1), 4 << 20):
            self._written = 0
            self.evict()

    def _upsert(self, session: Session, rows: list[dict[str, object]]) -> None:
        name = session.get_bind().dialect.name
        if name in ("sqlite", "postgresql"):
            insert = sqlite.insert if name == "sqlite" else postgresql.insert
            statement = insert(ResultEntry)
            session.execute(statement.on_conflict_do_update(
                index_elements=[ResultEntry.key],
                set_={"value": statement.excluded.value, "size": statement.excluded.size,
                      "used": statement.excluded.used}), rows)
            return
        session.execute(delete(ResultEntry).where(ResultEntry.key.in_([r["key"] for r in rows])))
        session.execute(generic_insert(ResultEntry), rows)

    def size(self) -> int:
        """The bytes of keys and values stored (0 when the table cannot be read)."""
        try:
            with self.database.reader() as session:
                return int(session.scalar(select(func.coalesce(func.sum(ResultEntry.size), 0)))
                           or 0)
        except Exception:
            return 0

    def evict(self) -> None:
        """Remove least recently used rows down to 90% of the bound, when it is passed."""
        try:
            with self.database.writer() as session:
                total = int(session.scalar(select(func.coalesce(func.sum(ResultEntry.size), 0)))
                            or 0)
                if total <= self.max_bytes:
                    return
                excess = total - int(self.max_bytes * _KEEP)
                doomed: list[bytes] = []
                for key, size in session.execute(select(ResultEntry.key, ResultEntry.size)
                                                 .order_by(ResultEntry.used, ResultEntry.key)):
                    doomed.append(key)
                    excess -= size
                    if excess <= 0:
                        break
                for start in range(0, len(doomed), 500):
                    session.execute(delete(ResultEntry)
                                    .where(ResultEntry.key.in_(doomed[start:start + 500])))
        except Exception:
            return
