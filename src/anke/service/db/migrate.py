"""Alembic migrations, run from code (no ``alembic.ini``): ``upgrade`` brings a database to
the newest schema; ``anke db upgrade`` and ``anke serve`` call it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from anke.service.db.session import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    """An Alembic configuration over the shipped migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every migration up to ``revision``."""
    command.upgrade(alembic_config(database), revision)


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None when it has none)."""
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(database: Database) -> str | None:
    """The newest revision shipped."""
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()
