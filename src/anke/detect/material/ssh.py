"""SSH key material: OpenSSH private keys, ``ssh-rsa AAAA...`` public key lines, PuTTY keys.

The key itself is always read by ``cryptography``; this module only takes apart the
length-prefixed containers (OpenSSH ``openssh-key-v1``, PuTTY ``.ppk``) to reach the public
key blob of a key that is encrypted.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from anke.detect.material.keys import KeyInfo, KeyReader, PrivateKeyReading

_OPENSSH_MAGIC = b"openssh-key-v1\x00"
MAX_TEXT_BYTES = 16 << 20  # SSH and PuTTY keys are looked for in the first 16 MiB only
_PUBLIC_LINE = re.compile(
    rb"(?<![A-Za-z0-9@._-])((?:sk-)?(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521))"
    rb"(?:@openssh\.com)?)[ \t]+(AAAA[A-Za-z0-9+/]{8,}={0,3})")
_PUTTY = re.compile(
    rb"PuTTY-User-Key-File-(\d+): *([A-Za-z0-9@._-]+)\r?\n"
    rb"Encryption: *([A-Za-z0-9@._-]+)\r?\n(?:Comment: *[^\r\n]*\r?\n)?"
    rb"Public-Lines: *(\d{1,3})\r?\n")


class _Short(Exception):
    """A length-prefixed field runs past the end of its buffer."""


def _string(buf: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 4 > len(buf):
        raise _Short
    (size,) = struct.unpack_from(">I", buf, pos)
    if pos + 4 + size > len(buf):
        raise _Short
    return buf[pos + 4:pos + 4 + size], pos + 4 + size


def public_blob_info(reader: KeyReader, blob: bytes) -> KeyInfo:
    """Name an SSH public key blob (``string type, ...``) through ``cryptography``."""
    try:
        key_type, _ = _string(blob, 0)
    except _Short:
        return KeyInfo(None)
    line = key_type + b" " + base64.b64encode(blob)
    try:
        return reader.from_key(serialization.load_ssh_public_key(line))
    except (ValueError, UnsupportedAlgorithm):
        return reader.from_ssh_type(key_type.decode("ascii", "replace"))


def openssh_private(reader: KeyReader, pem: bytes, der: bytes) -> PrivateKeyReading | None:
    """An ``OPENSSH PRIVATE KEY`` block (``der`` is its decoded body); None if not one."""
    if not der.startswith(_OPENSSH_MAGIC):
        return None
    try:
        cipher, pos = _string(der, len(_OPENSSH_MAGIC))
        kdf, pos = _string(der, pos)
        _, pos = _string(der, pos)  # kdf options
        pos += 4  # number of keys
        blob, pos = _string(der, pos)
    except _Short:
        return PrivateKeyReading(KeyInfo(None), "OpenSSH", False, False, "truncated")
    encrypted = cipher != b"none"
    detail = f"cipher {cipher.decode('ascii', 'replace')}, kdf {kdf.decode('ascii', 'replace')}" \
        if encrypted else ""
    if not encrypted:
        try:
            key = serialization.load_ssh_private_key(pem, password=None)
            return PrivateKeyReading(reader.from_key(key), "OpenSSH", False, True)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            pass
    return PrivateKeyReading(public_blob_info(reader, blob), "OpenSSH", encrypted, True, detail)


@dataclass(frozen=True)
class SshPublicKey:
    """One ``<type> AAAA...`` public key in text."""

    key_type: str
    info: KeyInfo
    offset: int


def public_lines(reader: KeyReader, data: bytes, limit: int) -> Iterator[SshPublicKey]:
    """The OpenSSH public keys written out in ``data`` (at most ``limit``)."""
    count = 0
    for match in _PUBLIC_LINE.finditer(data, 0, MAX_TEXT_BYTES):
        try:
            blob = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            continue
        try:
            inner, _ = _string(blob, 0)
        except _Short:
            continue
        if inner != match.group(1):
            continue
        yield SshPublicKey(match.group(1).decode("ascii"), public_blob_info(reader, blob),
                           match.start())
        count += 1
        if count >= limit:
            return


@dataclass(frozen=True)
class PuttyKey:
    """One PuTTY ``.ppk`` private key."""

    reading: PrivateKeyReading
    offset: int


def putty_keys(reader: KeyReader, data: bytes, limit: int) -> Iterator[PuttyKey]:
    """The PuTTY private keys in ``data`` (at most ``limit``)."""
    for count, match in enumerate(_PUTTY.finditer(data, 0, MAX_TEXT_BYTES)):
        if count >= limit:
            return
        lines = data[match.end():].split(b"\n", int(match.group(4)))[:int(match.group(4))]
        try:
            blob = base64.b64decode(b"".join(x.strip() for x in lines), validate=True)
            info = public_blob_info(reader, blob)
        except (binascii.Error, ValueError):
            info = reader.from_ssh_type(match.group(2).decode("ascii"))
        encryption = match.group(3).decode("ascii")
        encrypted = encryption != "none"
        detail = f"PuTTY key file v{match.group(1).decode()}" + (
            f", {encryption}" if encrypted else "")
        yield PuttyKey(PrivateKeyReading(info, "PuTTY", encrypted, True, detail), match.start())
