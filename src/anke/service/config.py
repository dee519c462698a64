"""The service's settings, read from the environment once at start.

| variable | default | what |
| --- | --- | --- |
| ``ANKE_DATA_DIR`` | ``$XDG_DATA_HOME/anke`` or ``~/.local/share/anke`` | database, blobs, keys |
| ``ANKE_DATABASE_URL`` | ``sqlite:///DATA_DIR/anke.db`` | any SQLAlchemy URL (PostgreSQL) |
| ``ANKE_BLOB_URL`` | ``DATA_DIR/blobs`` | a directory or any fsspec URL |
| ``ANKE_BLOB_CIPHER`` | ``aes-256-gcm`` | or ``sm4-gcm`` |
| ``ANKE_MAX_UPLOAD_MB`` | ``1024`` | largest accepted submission |
| ``ANKE_SESSION_HOURS`` | ``12`` | lifetime of a web session |
| ``ANKE_RESULT_CACHE`` | ``on`` | ``off``: inspections neither read nor write the result cache |
| ``ANKE_MASTER_KEY_FILE`` / ``ANKE_MASTER_KEY`` | ``DATA_DIR/master.key`` | see ``protect`` |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from anke.errors import AnkeError

CIPHERS = ("aes-256-gcm", "sm4-gcm")


@dataclass(frozen=True)
class Settings:
    """Where the service keeps its state and how it protects it."""

    data_dir: Path
    database_url: str
    blob_url: str
    blob_cipher: str = "aes-256-gcm"
    max_upload_bytes: int = 1024 * 1024 * 1024
    session_hours: int = 12
    result_cache: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (default: the process environment)."""
        env = os.environ if env is None else env
        if env.get("ANKE_DATA_DIR"):
            data_dir = Path(env["ANKE_DATA_DIR"]).expanduser()
        else:
            base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"),
                                                           ".local", "share")
            data_dir = Path(base) / "anke"
        database_url = env.get("ANKE_DATABASE_URL") or f"sqlite:///{data_dir / 'anke.db'}"
        blob_url = env.get("ANKE_BLOB_URL") or str(data_dir / "blobs")
        cipher = env.get("ANKE_BLOB_CIPHER", "aes-256-gcm").lower()
        if cipher not in CIPHERS:
            raise AnkeError(f"ANKE_BLOB_CIPHER: {cipher!r} is not one of {', '.join(CIPHERS)}")
        return cls(data_dir=data_dir, database_url=database_url, blob_url=blob_url,
                   blob_cipher=cipher,
                   max_upload_bytes=_positive(env, "ANKE_MAX_UPLOAD_MB", 1024) * 1024 * 1024,
                   session_hours=_positive(env, "ANKE_SESSION_HOURS", 12),
                   result_cache=_switch(env, "ANKE_RESULT_CACHE", True))

    def key_env(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment the master key is read from, with the data-dir default file."""
        merged = dict(os.environ if env is None else env)
        if not merged.get("ANKE_MASTER_KEY") and not merged.get("ANKE_MASTER_KEY_FILE"):
            merged["ANKE_MASTER_KEY_FILE"] = str(self.data_dir / "master.key")
        return merged


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "1", "true", "yes"):
        return True
    if raw in ("off", "0", "false", "no"):
        return False
    raise AnkeError(f"{name}: {raw!r} is not on or off")


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise AnkeError(f"{name}: {raw!r} is not a whole number") from None
    if value <= 0:
        raise AnkeError(f"{name}: must be positive, not {value}")
    return value
