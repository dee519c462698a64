"""Everything a running service holds: settings, database, policy, master keys, blob store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from anke.errors import AnkeError
from anke.service.access.policy import Policy, load_policy
from anke.service.config import Settings
from anke.service.db.migrate import upgrade
from anke.service.db.session import Database
from anke.service.protect import (
    BlobStore,
    MasterKeys,
    generate_master_key_file,
    load_master_keys,
    open_store,
)


@dataclass
class Services:
    """The service's shared state, built once at start."""

    settings: Settings
    database: Database
    policy: Policy
    keys: MasterKeys
    store: BlobStore


def open_services(settings: Settings, *, migrate: bool = True,
                  create_key: bool = True) -> Services:
    """Connect, migrate, load the master keys (creating the default key file on first use)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = settings.key_env()
    default = Path(env.get("ANKE_MASTER_KEY_FILE", ""))
    if (create_key and not os.environ.get("ANKE_MASTER_KEY")
            and default == settings.data_dir / "master.key" and not default.exists()):
        generate_master_key_file(default)
    database = Database(settings.database_url)
    try:
        if migrate:
            upgrade(database)
        keys = load_master_keys(env)
    except AnkeError:
        database.dispose()
        raise
    return Services(settings=settings, database=database, policy=load_policy(), keys=keys,
                    store=open_store(settings.blob_url))
