"""The master key: the one secret that wraps every organisation's data keys.

It comes from ``ANKE_MASTER_KEY`` (the key itself, base64 or hex) or from
``ANKE_MASTER_KEY_FILE`` (a file holding the same, readable by its owner only). For a
rotation, the keys being retired are named in ``ANKE_MASTER_KEY_OLD_FILES`` so that data
keys they wrapped can still be unwrapped, then re-wrapped under the current key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from anke.errors import AnkeError

# 256-bit keys: AES-256 (FIPS 197, key length Nk = 8 words) wraps the data keys.
KEY_BYTES = 32
# The identifier is a prefix of SHA-256 (FIPS 180-4) of the key: 64 bits, enough to tell
# a handful of master keys apart; it says nothing useful about the key itself.
ID_HEX_CHARS = 16
# A key file holds one line of base64 or hex; anything much larger is not a key file.
MAX_KEY_FILE_BYTES = 4096
# Permission bits for group and others (POSIX.1 <sys/stat.h>): a key file must have none.
GROUP_OTHER_BITS = stat.S_IRWXG | stat.S_IRWXO
# The owner-only mode new key files are created with (POSIX.1 S_IRUSR | S_IWUSR).
KEY_FILE_MODE = 0o600

ENV_KEY = "ANKE_MASTER_KEY"
ENV_KEY_FILE = "ANKE_MASTER_KEY_FILE"
ENV_OLD_FILES = "ANKE_MASTER_KEY_OLD_FILES"

_HEX_KEY = re.compile(f"[0-9a-fA-F]{{{2 * KEY_BYTES}}}")


def key_id(key: bytes) -> str:
    """The public identifier of a master key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:ID_HEX_CHARS]


@dataclass(frozen=True)
class MasterKey:
    """A 32-byte master key and its identifier (not secret; stored beside wrapped keys).

    The key bytes never appear in ``repr``; build one with ``MasterKey.from_bytes``.
    """

    id: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise AnkeError(f"master key: must be {KEY_BYTES} bytes, not {len(self.key)}")
        if self.id != key_id(self.key):
            raise AnkeError(f"master key: identifier {self.id!r} does not match the key")

    @classmethod
    def from_bytes(cls, key: bytes) -> MasterKey:
        """The master key holding ``key`` (32 bytes), with its identifier worked out."""
        return cls(id=key_id(key), key=bytes(key))


class MasterKeys(NamedTuple):
    """The current master key and the keyring (id -> key) of it and every old key."""

    current: MasterKey
    keyring: dict[str, MasterKey]


def parse_master_key(text: str, source: str) -> MasterKey:
    """The master key written in ``text`` as hex or base64; ``source`` names it in errors.

    Messages never repeat the text, which may be (most of) a key.
    """
    value = text.strip()
    if _HEX_KEY.fullmatch(value):
        return MasterKey.from_bytes(bytes.fromhex(value))
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise AnkeError(f"{source}: not a {KEY_BYTES}-byte key in base64 or hex")
    return MasterKey.from_bytes(raw)


def read_master_key_file(path: str | os.PathLike[str]) -> MasterKey:
    """The master key in the file at ``path``, refused if group or others may access it."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY)
    except FileNotFoundError:
        raise AnkeError(f"master key file {name}: not found") from None
    except OSError as error:
        raise AnkeError(f"master key file {name}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AnkeError(f"master key file {name}: not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if mode & GROUP_OTHER_BITS:
            raise AnkeError(f"master key file {name}: mode {mode:04o} lets group or others "
                            f"access it; chmod 600 it")
        data = os.read(fd, MAX_KEY_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise AnkeError(f"master key file {name}: too large to be a key file")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise AnkeError(f"master key file {name}: not a {KEY_BYTES}-byte key in base64 "
                        f"or hex") from None
    return parse_master_key(text, f"master key file {name}")


def load_master_key(env: Mapping[str, str]) -> MasterKey:
    """The current master key, from ``ANKE_MASTER_KEY`` or ``ANKE_MASTER_KEY_FILE``.

    Exactly one of the two must be set (an empty value counts as unset).
    """
    value = env.get(ENV_KEY, "")
    path = env.get(ENV_KEY_FILE, "")
    if value and path:
        raise AnkeError(f"set only one of {ENV_KEY_FILE} and {ENV_KEY}")
    if path:
        return read_master_key_file(path)
    if value:
        return parse_master_key(value, ENV_KEY)
    raise AnkeError(f"no master key: set {ENV_KEY_FILE} or {ENV_KEY}")


def load_master_keys(env: Mapping[str, str]) -> MasterKeys:
    """The current master key and a keyring holding it and the old keys being retired.

    Old keys come from the files named in ``ANKE_MASTER_KEY_OLD_FILES``, separated by
    ``os.pathsep``; each is checked like the current key file.
    """
    current = load_master_key(env)
    keyring = {current.id: current}
    for name in env.get(ENV_OLD_FILES, "").split(os.pathsep):
        if name.strip():
            old = read_master_key_file(name.strip())
            keyring[old.id] = old
    return MasterKeys(current=current, keyring=keyring)


def generate_master_key_file(path: str | os.PathLike[str]) -> MasterKey:
    """Write a new random master key (base64, one line) to a new owner-only file.

    The file must not exist: an existing key is never overwritten.
    """
    name = os.fspath(path)
    key = MasterKey.from_bytes(secrets.token_bytes(KEY_BYTES))
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:
        raise AnkeError(f"master key file {name}: already exists; "
                        f"refusing to overwrite a master key") from None
    except OSError as error:
        raise AnkeError(f"master key file {name}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), KEY_FILE_MODE)
            handle.write(base64.b64encode(key.key) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return key
