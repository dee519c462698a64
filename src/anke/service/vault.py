"""Blobs of an organisation in and out of the store, under the organisation's data key.

Each organisation has one active data key (made on first use), kept only wrapped by the
master key and bound to the organisation and generation as associated data.  Rotating the
master key re-wraps those rows; no blob is re-encrypted.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anke.service.db.base import utcnow
from anke.service.db.keys import DataKey
from anke.service.db.session import Database
from anke.service.protect import (
    BlobStore,
    EncryptedInfo,
    MasterKeys,
    data_key_context,
    decrypt_to_tempfile,
    encrypt_stream,
    new_blob_key,
    new_data_key,
    rewrap,
    unwrap,
    wrap,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


@dataclass(frozen=True)
class StoredBlob:
    """Where a blob went and what it was."""

    key: str
    data_key_id: int
    info: EncryptedInfo


def active_data_key(session: Session, keys: MasterKeys, org_id: int) -> tuple[int, bytes]:
    """The organisation's active data key ``(row id, key)``, made on first use."""
    row = session.execute(select(DataKey).where(DataKey.org_id == org_id, DataKey.active)
                          .order_by(DataKey.generation.desc())).scalars().first()
    if row is None:
        generation = 1
        key = new_data_key()
        row = DataKey(org_id=org_id, generation=generation, master_key_id=keys.current.id,
                      wrapped=wrap(keys.current, key, data_key_context(org_id, generation)))
        session.add(row)
        session.flush()
        return row.id, key
    return row.id, _unwrapped(keys, row)


def _unwrapped(keys: MasterKeys, row: DataKey) -> bytes:
    return unwrap(keys.keyring, row.master_key_id, row.wrapped,
                  data_key_context(row.org_id, row.generation))


def organisation_key(database: Database, keys: MasterKeys, org_id: int) -> tuple[int, bytes]:
    """The organisation's active data key, read in a reader; a writer only to make it."""
    with database.reader() as session:
        row = session.execute(select(DataKey).where(DataKey.org_id == org_id, DataKey.active)
                              .order_by(DataKey.generation.desc())).scalars().first()
    if row is not None:
        return row.id, _unwrapped(keys, row)
    try:
        with database.writer() as session:
            return active_data_key(session, keys, org_id)
    except IntegrityError:  # another upload made it first
        with database.reader() as session:
            return active_data_key(session, keys, org_id)


def put_blob(database: Database, keys: MasterKeys, store: BlobStore, org_id: int,
             source: BinaryIO, cipher: str, max_bytes: int | None) -> StoredBlob:
    """Encrypt ``source`` into a new blob of ``org_id``; nothing is left behind on error.

    No transaction is held while the bytes stream in: a slow upload blocks no writer.
    """
    key_id, data_key = organisation_key(database, keys, org_id)
    blob_key = new_blob_key()
    with store.open_write(blob_key) as sink:
        info = encrypt_stream(source, sink, data_key, cipher, max_bytes=max_bytes)
    return StoredBlob(blob_key, key_id, info)


def data_key(session: Session, keys: MasterKeys, data_key_id: int) -> bytes:
    """The unwrapped data key of row ``data_key_id``."""
    row = session.get(DataKey, data_key_id)
    if row is None:
        raise LookupError(f"data key {data_key_id} is missing")
    return _unwrapped(keys, row)


@contextmanager
def opened_blob(store: BlobStore, blob_key: str, key: bytes, sha256: str,
                name: str = "") -> Iterator[Path]:
    """The blob decrypted and checked into a private temporary file, removed afterwards.

    ``name`` (made safe) names the file, so that findings read ``name!/member``.  No
    database session is needed (or held) while the file is in use.
    """
    with tempfile.TemporaryDirectory(prefix="anke-blob-") as directory:
        with store.open_read(blob_key) as source:
            path = decrypt_to_tempfile(source, key, directory, expected_sha256=sha256)
        safe = safe_name(name)
        if safe:
            path = path.rename(path.with_name(safe))
        yield path


def safe_name(name: str) -> str:
    """A file name with no directory part and only ordinary characters (may be empty)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._")[:120]
    return cleaned


def rotate_master_key(session: Session, keys: MasterKeys) -> int:
    """Re-wrap every data key not wrapped by the current master key; returns how many."""
    count = 0
    rows = session.execute(select(DataKey).where(DataKey.master_key_id != keys.current.id)
                           ).scalars().all()
    for row in rows:
        row.wrapped = rewrap(keys.keyring, row.master_key_id, row.wrapped,
                             data_key_context(row.org_id, row.generation), keys.current)
        row.master_key_id = keys.current.id
        row.rewrapped_at = utcnow()
        count += 1
    session.flush()
    return count
