"""Data keys: random keys that encrypt blobs, stored only wrapped by the master key.

A wrapped key is ``nonce || AES-256-GCM(master, nonce, data key, context)``. The context
(for instance ``b"anke-data-key|org=3|gen=1"``) is the associated data: a wrapped key
copied to another organisation's row, or to another generation, does not unwrap.
Rotating the master key re-wraps the data keys; the blobs they encrypt are not touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anke.errors import AnkeError
from anke.service.protect.master import MasterKey

# Data keys are 256-bit: AES-256 (FIPS 197) uses them whole; SM4 (GB/T 32907-2016) takes a
# 128-bit key derived from them (see ``blobs``).
DATA_KEY_BYTES = 32
# 96-bit random nonces, the length NIST SP 800-38D section 8.2.2 recommends for GCM; with
# one nonce per wrap and few wraps per master key, the random-nonce bound is never near.
NONCE_BYTES = 12
# GCM's full 128-bit authentication tag (NIST SP 800-38D section 5.2.1.2).
TAG_BYTES = 16
WRAPPED_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES


class KeyUnwrapError(AnkeError):
    """A wrapped data key does not unwrap: unknown or wrong master key, wrong context, or
    altered bytes. The message names the master key id and the context, never key bytes."""


def new_data_key() -> bytes:
    """A new random 32-byte data key."""
    return secrets.token_bytes(DATA_KEY_BYTES)


def data_key_context(org_id: int, generation: int) -> bytes:
    """The context a data key of organisation ``org_id`` and ``generation`` is bound to."""
    return f"anke-data-key|org={org_id}|gen={generation}".encode("ascii")


def wrap(master: MasterKey, data_key: bytes, context: bytes) -> bytes:
    """``data_key`` encrypted and authenticated under ``master``, bound to ``context``."""
    if len(data_key) != DATA_KEY_BYTES:
        raise AnkeError(f"data key: must be {DATA_KEY_BYTES} bytes, not {len(data_key)}")
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(master.key).encrypt(nonce, data_key, context)


def unwrap(keyring: Mapping[str, MasterKey], master_key_id: str, wrapped: bytes,
           context: bytes) -> bytes:
    """The data key in ``wrapped``, made by master key ``master_key_id`` for ``context``.

    Raises ``KeyUnwrapError`` when the master key is not in ``keyring`` or when the bytes,
    the key or the context do not match what was wrapped.
    """
    what = f"cannot unwrap data key {context.decode('ascii', 'replace')!r}"
    master = keyring.get(master_key_id)
    if master is None:
        raise KeyUnwrapError(f"{what}: master key {master_key_id!r} is not loaded")
    if len(wrapped) != WRAPPED_BYTES:
        raise KeyUnwrapError(f"{what}: {len(wrapped)} bytes, expected {WRAPPED_BYTES}")
    try:
        return AESGCM(master.key).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:],
                                          context)
    except InvalidTag:
        raise KeyUnwrapError(f"{what}: not wrapped by master key {master_key_id} for this "
                             f"context, or altered") from None


def rewrap(keyring: Mapping[str, MasterKey], old_id: str, wrapped: bytes, context: bytes,
           new_master: MasterKey) -> bytes:
    """``wrapped`` (made by master key ``old_id``) wrapped again under ``new_master``.

    The data key itself does not change, so the blobs it encrypts stay as they are.
    """
    return wrap(new_master, unwrap(keyring, old_id, wrapped, context), context)
