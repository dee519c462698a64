"""Streaming authenticated encryption of blobs, chunk by chunk, in the STREAM construction.

STREAM is from V. T. Hoang, R. Reyhanitabar, P. Rogaway and D. Vizár, "Online
Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015: a blob is
cut into chunks, each sealed by an AEAD under a nonce made of a per-blob prefix and the
chunk's counter, with a flag marking the last chunk. Here the AEAD is AES-256-GCM (the
default) or SM4-GCM (SM4 per GB/T 32907-2016 in the GCM mode of NIST SP 800-38D, as in
RFC 8998), both from ``cryptography``.

Layout of an encrypted blob::

    header  = b"ANKEBLOB" || version (1 byte) || cipher id (1 byte)
              || chunk size (4 bytes, big-endian) || nonce prefix (8 random bytes)
    chunk i = GCM(key, nonce = prefix || i (4 bytes, big-endian),
                  associated data = header || i (4 bytes, big-endian) || final (1 byte),
                  plaintext of ``chunk size`` bytes, fewer for the final chunk)
              || 16-byte tag

Every chunk but the last holds exactly ``chunk size`` plaintext bytes; the last holds
0 to ``chunk size`` bytes (an empty blob is one empty final chunk). Because the header,
the index and the final flag are authenticated with each chunk, an edited header, chunks
reordered, dropped or swapped in from another blob, a truncated blob and extra chunks
after the last are all detected. The GCM key is derived per blob from the data key with
HKDF-SHA256 (RFC 5869), salted with the nonce prefix and labelled with the cipher, which
also gives SM4 its 128-bit key.

Decryption writes a chunk to the sink only once its tag has been checked, but an error may
come after some chunks were written: on ``BlobIntegrityError`` the sink holds a prefix of
the plaintext that must be thrown away. ``decrypt_to_tempfile`` does that itself.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import (
    AEADDecryptionContext,
    AEADEncryptionContext,
    Cipher,
    algorithms,
    modes,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anke.errors import AnkeError

# The file signature and format version of this layout (anke's own; see the module doc).
MAGIC = b"ANKEBLOB"
VERSION = 1
# Cipher identifiers in the header (anke's own numbering, fixed once written).
AES_256_GCM = "aes-256-gcm"
SM4_GCM = "sm4-gcm"
CIPHER_IDS = {AES_256_GCM: 1, SM4_GCM: 2}
CIPHERS = tuple(CIPHER_IDS)
DEFAULT_CIPHER = AES_256_GCM
# Key lengths: AES-256 takes 256 bits (FIPS 197), SM4 takes 128 bits (GB/T 32907-2016).
KEY_BYTES = {AES_256_GCM: 32, SM4_GCM: 16}
# Plaintext per chunk: 1 MiB by default. The bounds keep a forged header from making a
# reader buffer much, and stay far below GCM's 2^39 - 256 bits per invocation
# (NIST SP 800-38D section 5.2.1.1).
CHUNK = 1024 * 1024
MIN_CHUNK = 1
MAX_CHUNK = 16 * 1024 * 1024
# The nonce is 96 bits (NIST SP 800-38D section 8.2.1, deterministic construction): an
# 8-byte random prefix per blob and a 4-byte counter, so at most 2^32 chunks per blob.
PREFIX_BYTES = 8
NONCE_BYTES = PREFIX_BYTES + 4
MAX_CHUNKS = 2**32
# GCM's full 128-bit tag (NIST SP 800-38D section 5.2.1.2).
TAG_BYTES = 16
# Data keys are 256-bit (see ``wrap``).
DATA_KEY_BYTES = 32
# HKDF info label (RFC 5869 section 3.2: binds the derived key to its use).
KDF_LABEL = b"anke-blob-key|v1|"

_HEADER = struct.Struct(">8sBBI8s")
HEADER_BYTES = _HEADER.size
_CHUNK_AD = struct.Struct(">IB")


class BlobIntegrityError(AnkeError):
    """An encrypted blob is not what was written: altered, truncated, reordered, spliced,
    or decrypted with the wrong key. Nothing read from it may be trusted."""


class TooLarge(AnkeError):
    """A blob being encrypted is larger than the limit it was given."""


@dataclass(frozen=True)
class EncryptedInfo:
    """What ``encrypt_stream`` wrote: plaintext size and SHA-256, ciphertext size, cipher."""

    size: int
    sha256: str
    ciphertext_size: int
    cipher: str


@dataclass(frozen=True)
class DecryptedInfo:
    """What ``decrypt_stream`` recovered: plaintext size and SHA-256, and the cipher used."""

    size: int
    sha256: str
    cipher: str


def available_ciphers() -> tuple[str, ...]:
    """The ciphers this machine's ``cryptography`` and OpenSSL can run."""
    found = []
    for name in CIPHERS:
        try:
            _encryptor(name, bytes(KEY_BYTES[name]), bytes(NONCE_BYTES))
        except AnkeError:
            continue
        found.append(name)
    return tuple(found)


def encrypt_stream(source: BinaryIO, sink: BinaryIO, data_key: bytes,
                   cipher: str = DEFAULT_CIPHER, *, max_bytes: int | None,
                   chunk_size: int = CHUNK) -> EncryptedInfo:
    """Encrypt everything read from ``source`` into ``sink`` under ``data_key``.

    Reads at most ``chunk_size`` bytes at a time and holds at most two chunks. Raises
    ``TooLarge`` as soon as more than ``max_bytes`` bytes were read (``None``: no limit);
    the sink then holds a partial blob the caller must discard.
    """
    if cipher not in CIPHER_IDS:
        raise AnkeError(f"blob cipher {cipher!r} is not one of {', '.join(CIPHERS)}")
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise AnkeError(f"blob chunk size {chunk_size} is not within {MIN_CHUNK}..{MAX_CHUNK}")
    header = _HEADER.pack(MAGIC, VERSION, CIPHER_IDS[cipher], chunk_size,
                          os.urandom(PREFIX_BYTES))
    key = _blob_key(data_key, cipher, header)
    _encryptor(cipher, key, bytes(NONCE_BYTES))  # refuse an unavailable cipher up front
    reader = _LimitedReader(source, max_bytes)
    digest = hashlib.sha256()
    sink.write(header)
    written = len(header)
    current = reader.read_chunk(chunk_size)
    for index in range(MAX_CHUNKS):
        following = reader.read_chunk(chunk_size) if len(current) == chunk_size else b""
        final = not following
        digest.update(current)
        sealed = _seal(cipher, key, header, index, final, current)
        sink.write(sealed)
        written += len(sealed)
        if final:
            return EncryptedInfo(size=reader.total, sha256=digest.hexdigest(),
                                 ciphertext_size=written, cipher=cipher)
        current = following
    raise TooLarge(f"blob has more than {MAX_CHUNKS} chunks of {chunk_size} bytes")


def decrypt_stream(source: BinaryIO, sink: BinaryIO, data_key: bytes, *,
                   expected_sha256: str | None = None) -> DecryptedInfo:
    """Decrypt the blob read from ``source`` into ``sink``, checking every chunk.

    Raises ``BlobIntegrityError`` on any tampering, a wrong key, or (when given) a
    plaintext whose SHA-256 is not ``expected_sha256``. The sink may then hold a prefix of
    the plaintext: the caller must discard it.
    """
    header = _read_full(source, HEADER_BYTES)
    cipher, chunk_size = _parse_header(header)
    key = _blob_key(data_key, cipher, header)
    digest = hashlib.sha256()
    size = 0
    sealed_size = chunk_size + TAG_BYTES
    current = _read_full(source, sealed_size)
    for index in range(MAX_CHUNKS):
        if len(current) < TAG_BYTES:
            raise BlobIntegrityError(f"encrypted blob: truncated at chunk {index}")
        following = _read_full(source, sealed_size) if len(current) == sealed_size else b""
        final = not following
        plain = _open(cipher, key, header, index, final, current)
        digest.update(plain)
        sink.write(plain)
        size += len(plain)
        if final:
            sha256 = digest.hexdigest()
            if expected_sha256 is not None and sha256 != expected_sha256.lower():
                raise BlobIntegrityError(f"encrypted blob: plaintext SHA-256 {sha256} is not "
                                         f"the recorded {expected_sha256}")
            return DecryptedInfo(size=size, sha256=sha256, cipher=cipher)
        current = following
    raise BlobIntegrityError(f"encrypted blob: more than {MAX_CHUNKS} chunks")


def decrypt_to_tempfile(source: BinaryIO, data_key: bytes, directory: str | os.PathLike[str],
                        *, expected_sha256: str | None = None) -> Path:
    """Decrypt the blob in ``source`` to a new owner-only file in ``directory``.

    Returns the file's path only when the whole blob checked out; on any error the file is
    removed before the error propagates. The caller deletes the file when done.
    """
    fd, name = tempfile.mkstemp(prefix="anke-blob-", suffix=".plain", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as sink:
            decrypt_stream(source, sink, data_key, expected_sha256=expected_sha256)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def decrypted_tempfile(source: BinaryIO, data_key: bytes, directory: str | os.PathLike[str],
                       *, expected_sha256: str | None = None) -> Iterator[Path]:
    """``decrypt_to_tempfile`` as a context: the plaintext file is removed on leaving."""
    path = decrypt_to_tempfile(source, data_key, directory, expected_sha256=expected_sha256)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


class _LimitedReader:
    """Reads a source chunk by chunk, counting bytes and stopping past a limit."""

    def __init__(self, source: BinaryIO, max_bytes: int | None) -> None:
        self.source = source
        self.max_bytes = max_bytes
        self.total = 0

    def read_chunk(self, size: int) -> bytes:
        """Up to ``size`` bytes, fewer only at the end; ``TooLarge`` past the limit.

        Near the limit it asks for no more than one byte beyond it, so a short answer
        still means the end of the source.
        """
        if self.max_bytes is not None:
            size = min(size, self.max_bytes - self.total + 1)
        data = _read_full(self.source, size)
        self.total += len(data)
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise TooLarge(f"blob is larger than the limit of {self.max_bytes} bytes")
        return data


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Exactly ``size`` bytes from ``source``, or fewer only at its end."""
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _parse_header(header: bytes) -> tuple[str, int]:
    """The cipher and chunk size named by a blob header, refusing anything unknown."""
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise BlobIntegrityError("encrypted blob: not an anke blob (bad or missing header)")
    _, version, cipher_id, chunk_size, _ = _HEADER.unpack(header)
    if version != VERSION:
        raise BlobIntegrityError(f"encrypted blob: unknown format version {version}")
    names = [name for name, number in CIPHER_IDS.items() if number == cipher_id]
    if not names:
        raise BlobIntegrityError(f"encrypted blob: unknown cipher id {cipher_id}")
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise BlobIntegrityError(f"encrypted blob: chunk size {chunk_size} out of range")
    return names[0], chunk_size


def _blob_key(data_key: bytes, cipher: str, header: bytes) -> bytes:
    """The GCM key of one blob: HKDF-SHA256 of the data key, salted by the nonce prefix."""
    if len(data_key) != DATA_KEY_BYTES:
        raise AnkeError(f"data key: must be {DATA_KEY_BYTES} bytes, not {len(data_key)}")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES[cipher],
                salt=header[-PREFIX_BYTES:], info=KDF_LABEL + cipher.encode("ascii"))
    return hkdf.derive(data_key)


def _algorithm(cipher: str, key: bytes) -> algorithms.AES | algorithms.SM4:
    """The block cipher named ``cipher`` keyed with ``key``."""
    return algorithms.AES(key) if cipher == AES_256_GCM else algorithms.SM4(key)


def _unsupported(cipher: str) -> AnkeError:
    """The one-line error for a cipher this machine's OpenSSL does not offer."""
    return AnkeError(f"blob cipher {cipher}: not offered by this machine's OpenSSL; "
                     f"use {DEFAULT_CIPHER}")


def _encryptor(cipher: str, key: bytes, nonce: bytes) -> AEADEncryptionContext:
    """A GCM encryption context; a one-line error when OpenSSL lacks the cipher."""
    try:
        return Cipher(_algorithm(cipher, key), modes.GCM(nonce)).encryptor()
    except UnsupportedAlgorithm:
        raise _unsupported(cipher) from None


def _decryptor(cipher: str, key: bytes, nonce: bytes, tag: bytes) -> AEADDecryptionContext:
    """A GCM decryption context checking ``tag``; a one-line error when OpenSSL lacks it."""
    try:
        return Cipher(_algorithm(cipher, key), modes.GCM(nonce, tag)).decryptor()
    except UnsupportedAlgorithm:
        raise _unsupported(cipher) from None


def _nonce_and_ad(header: bytes, index: int, final: bool) -> tuple[bytes, bytes]:
    """The nonce and associated data of chunk ``index`` of the blob with ``header``."""
    counter = index.to_bytes(4, "big")
    return header[-PREFIX_BYTES:] + counter, header + _CHUNK_AD.pack(index, int(final))


def _seal(cipher: str, key: bytes, header: bytes, index: int, final: bool,
          plain: bytes) -> bytes:
    """Chunk ``index`` encrypted, followed by its tag."""
    nonce, ad = _nonce_and_ad(header, index, final)
    encryptor = _encryptor(cipher, key, nonce)
    encryptor.authenticate_additional_data(ad)
    sealed = encryptor.update(plain) + encryptor.finalize()
    return sealed + encryptor.tag


def _open(cipher: str, key: bytes, header: bytes, index: int, final: bool,
          sealed: bytes) -> bytes:
    """The plaintext of chunk ``index``, only once its tag checks out."""
    nonce, ad = _nonce_and_ad(header, index, final)
    decryptor = _decryptor(cipher, key, nonce, sealed[-TAG_BYTES:])
    decryptor.authenticate_additional_data(ad)
    plain = decryptor.update(sealed[:-TAG_BYTES])
    try:
        return plain + decryptor.finalize()
    except InvalidTag:
        what = "last chunk" if final else "chunk"
        raise BlobIntegrityError(f"encrypted blob: {what} {index} fails authentication "
                                 f"(altered, reordered, truncated, or wrong key)") from None
