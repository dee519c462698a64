"""Fixtures of the service tests: a fresh, migrated database on each backend.

``database`` runs a test once on SQLite (a file in tmp_path) and once on PostgreSQL (a new
database on a throw-away cluster, created from a migrated template, so each test starts
empty).  Without PostgreSQL installed, the PostgreSQL half is skipped with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from anke.service.db.migrate import upgrade
from anke.service.db.session import Database
from pg_cluster import Cluster, find_binaries, start_cluster

_TEMPLATE = "anke_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster per test process, with a migrated template database."""
    if find_binaries() is None:
        pytest.skip("PostgreSQL is not installed (make test installs it with apt-get)")
    cluster = start_cluster()
    try:
        admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {_TEMPLATE}"))
        admin.dispose()
        template = Database(cluster.url(_TEMPLATE))
        upgrade(template)
        template.dispose()
        yield cluster
    finally:
        cluster.stop()


def _pg_database(cluster: Cluster) -> Database:
    name = f"anke_test_{next(_counter)}"
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}"))
    admin.dispose()
    return Database(cluster.url(name))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'anke.db'}")
        upgrade(db)
    else:
        db = _pg_database(request.getfixturevalue("pg_cluster"))
    try:
        yield db
    finally:
        db.dispose()
