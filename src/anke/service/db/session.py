"""Database engines and sessions for SQLite (the embedded default) and PostgreSQL.

SQLite: foreign keys on, WAL journal, a 30 s busy timeout, and two kinds of transaction:
``Database.reader()`` begins a deferred transaction (readers never wait for each other) and
``Database.writer()`` begins ``IMMEDIATE`` (writers queue instead of failing when two of them
read and then write, as every audited change does).  PostgreSQL needs neither: the audit
head row is locked with ``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from anke.errors import AnkeError


class Database:
    """One engine and its session factories."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except Exception:
            raise AnkeError(f"database URL is not valid: {url!r}") from None
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.engine: Engine = create_engine(url, echo=echo,
                                                connect_args={"check_same_thread": False,
                                                              "timeout": 30})
            _sqlite_events(self.engine)
        else:
            if parsed.drivername in ("postgresql", "postgres"):
                parsed = parsed.set(drivername="postgresql+psycopg")
            self.engine = create_engine(parsed, echo=echo, pool_size=10, max_overflow=20,
                                        pool_pre_ping=True)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading (and audited reads); committed on success."""
        with self._factory() as session, session.begin():
            if self.is_sqlite:
                session.connection(execution_options={"anke_begin": "DEFERRED"})
            yield session

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """A session for changes: committed on success, rolled back on any error."""
        with self._factory() as session, session.begin():
            if self.is_sqlite:
                session.connection(execution_options={"anke_begin": "IMMEDIATE"})
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_events(engine: Engine) -> None:
    """pysqlite's own transaction handling off; anke emits BEGIN itself (SQLAlchemy docs,
    "Serializable isolation / Savepoints / Transactional DDL" for pysqlite)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("anke_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
