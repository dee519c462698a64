"""Protection of submitted blobs: the master key, wrapped data keys, encrypted blob streams.

A pure library, with no database and no web code:

- ``master``: the master key (from a file or the environment), its identifier and the
  keyring of old master keys kept for rotation;
- ``wrap``: per-organisation data keys, wrapped by the master key with AES-256-GCM and
  bound to their owner by associated data;
- ``blobs``: streaming authenticated encryption of blobs (AES-256-GCM or SM4-GCM) in the
  STREAM construction, chunk by chunk, never holding a whole blob in memory;
- ``store``: where encrypted blobs live, a directory or any fsspec URL, written atomically.
"""

from __future__ import annotations

from anke.service.protect.blobs import (
    CHUNK,
    CIPHERS,
    DEFAULT_CIPHER,
    BlobIntegrityError,
    DecryptedInfo,
    EncryptedInfo,
    TooLarge,
    available_ciphers,
    decrypt_stream,
    decrypt_to_tempfile,
    decrypted_tempfile,
    encrypt_stream,
)
from anke.service.protect.master import (
    MasterKey,
    MasterKeys,
    generate_master_key_file,
    load_master_key,
    load_master_keys,
)
from anke.service.protect.store import (
    BlobNotFoundError,
    BlobStore,
    DirectoryStore,
    FsspecStore,
    new_blob_key,
    open_store,
)
from anke.service.protect.wrap import (
    KeyUnwrapError,
    data_key_context,
    new_data_key,
    rewrap,
    unwrap,
    wrap,
)

__all__ = [
    "CHUNK",
    "CIPHERS",
    "DEFAULT_CIPHER",
    "BlobIntegrityError",
    "BlobNotFoundError",
    "BlobStore",
    "DecryptedInfo",
    "DirectoryStore",
    "EncryptedInfo",
    "FsspecStore",
    "KeyUnwrapError",
    "MasterKey",
    "MasterKeys",
    "TooLarge",
    "available_ciphers",
    "data_key_context",
    "decrypt_stream",
    "decrypt_to_tempfile",
    "decrypted_tempfile",
    "encrypt_stream",
    "generate_master_key_file",
    "load_master_key",
    "load_master_keys",
    "new_blob_key",
    "new_data_key",
    "open_store",
    "rewrap",
    "unwrap",
    "wrap",
]
