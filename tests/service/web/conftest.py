"""The web tests' world (the API tests' service factory), on both database backends."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from anke.service.db.session import Database
from service_factory import World, make_world


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[World]:
    """A service with one user per role and a foreign vendor."""
    saved = os.environ.get("ANKE_MASTER_KEY")
    try:
        yield make_world(database, tmp_path)
    finally:
        if saved is None:
            os.environ.pop("ANKE_MASTER_KEY", None)
        else:
            os.environ["ANKE_MASTER_KEY"] = saved
