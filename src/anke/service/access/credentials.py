"""Passwords (argon2id), API tokens and session ids: secrets stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults follow RFC 9106's second recommended option (argon2id, t=3, 64 MiB)
_HASHER = PasswordHasher()
TOKEN_PREFIX = "anke_"
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted, parameters in the string)."""
    return _HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (False for any malformed hash)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored)


def new_secret(prefix: str = "") -> str:
    """A fresh random secret: 256 bits, URL-safe, with ``prefix``."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """How a token or session id is stored: SHA-256, hex (the secret has 256 random bits)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
