"""The schema: migrations reach the models' metadata on both backends, and the sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from anke.service.db.migrate import current_revision, head_revision
from anke.service.db.models import Base, Organisation, OrgKind
from anke.service.db.session import Database


def test_migrations_match_the_models(database: Database) -> None:
    assert current_revision(database) == head_revision(database) == "0003"
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_times_come_back_aware_in_utc(database: Database) -> None:
    east = datetime(2015, 4, 13, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    with database.writer() as session:
        session.add(Organisation(name="Bank A", kind=OrgKind.BANK, created_at=east))
    with database.reader() as session:
        org = session.execute(select(Organisation)).scalar_one()
    assert org.created_at == datetime(2015, 4, 13, 1, 30, tzinfo=UTC)
    assert org.created_at.tzinfo is UTC
    assert org.kind is OrgKind.BANK


def test_a_failed_writer_changes_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.writer() as session:
        session.add(Organisation(name="Vendor V", kind=OrgKind.VENDOR))
        session.flush()
        raise RuntimeError("stop")
    with database.reader() as session:
        assert session.execute(select(Organisation)).first() is None


def test_naive_times_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.writer() as session:
        session.add(Organisation(name="X", kind=OrgKind.BANK, created_at=datetime(2015, 1, 1)))
        session.flush()
