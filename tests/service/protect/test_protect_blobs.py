"""Streaming blob encryption: round trips, the format, limits and bounded memory."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import tracemalloc
from pathlib import Path

import pytest
from blob_factory import DATA_KEY, Counter, Recorder, parts, pattern, seal, unseal
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from anke.errors import AnkeError
from anke.service.protect.blobs import (
    CHUNK,
    CIPHERS,
    BlobIntegrityError,
    TooLarge,
    available_ciphers,
    decrypt_stream,
    decrypt_to_tempfile,
    decrypted_tempfile,
    encrypt_stream,
)

SMALL = 64


def test_both_ciphers_run_here() -> None:
    assert CIPHERS == ("aes-256-gcm", "sm4-gcm")
    assert available_ciphers() == ("aes-256-gcm", "sm4-gcm")


def test_sm4_gcm_known_answer_rfc_8998() -> None:
    """The SM4-GCM vector of RFC 8998 appendix A.1 through this machine's OpenSSL."""
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plain = bytes.fromhex("".join(byte * 8 for byte in ("AA", "BB", "CC", "DD", "EE", "FF",
                                                         "EE", "AA")))
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    cipher_text = encryptor.update(plain) + encryptor.finalize()
    assert cipher_text.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


@pytest.mark.parametrize("cipher", CIPHERS)
@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 5 * SMALL, 5 * SMALL + 7])
def test_round_trip_small_chunks(cipher: str, size: int) -> None:
    plain = os.urandom(size)
    sink = io.BytesIO()
    info = encrypt_stream(io.BytesIO(plain), sink, DATA_KEY, cipher, max_bytes=None,
                          chunk_size=SMALL)
    chunks = max(1, -(-size // SMALL))
    assert info.size == size
    assert info.sha256 == hashlib.sha256(plain).hexdigest()
    assert info.cipher == cipher
    assert info.ciphertext_size == len(sink.getvalue()) == 22 + size + 16 * chunks
    assert len(parts(sink.getvalue(), SMALL)[1]) == chunks
    out = io.BytesIO()
    back = decrypt_stream(io.BytesIO(sink.getvalue()), out, DATA_KEY)
    assert out.getvalue() == plain
    assert (back.size, back.sha256, back.cipher) == (size, info.sha256, cipher)


@pytest.mark.parametrize("cipher", CIPHERS)
def test_round_trip_default_chunk(cipher: str) -> None:
    for size in (0, CHUNK, 3 * CHUNK + 5):
        plain = pattern(0, size)
        blob = seal(plain, cipher, CHUNK)
        assert blob[8:14] == bytes([1, CIPHERS.index(cipher) + 1]) + CHUNK.to_bytes(4, "big")
        assert len(blob) == 22 + size + 16 * max(1, -(-size // CHUNK))
        assert unseal(blob) == plain


@pytest.mark.parametrize("cipher", CIPHERS)
def test_round_trip_20_mb(cipher: str) -> None:
    size = 20 * 1000 * 1000
    chunk = 64 * 1024
    encrypted = io.BytesIO()
    info = encrypt_stream(Recorder(size).binary(), encrypted, DATA_KEY, cipher,
                          max_bytes=size, chunk_size=chunk)
    assert info.size == size
    assert info.sha256 == hashlib.sha256(pattern(0, size)).hexdigest()
    assert info.ciphertext_size == 22 + size + 16 * (-(-size // chunk))
    encrypted.seek(0)
    sink = Counter()
    back = decrypt_stream(encrypted, sink.binary(), DATA_KEY, expected_sha256=info.sha256)
    assert (back.size, back.sha256, sink.total) == (size, info.sha256, size)


def test_header_layout_and_fresh_nonce_prefix() -> None:
    first = seal(b"same", "aes-256-gcm", SMALL)
    second = seal(b"same", "aes-256-gcm", SMALL)
    assert first[:8] == b"ANKEBLOB"
    assert struct.unpack(">BBI", first[8:14]) == (1, 1, SMALL)
    assert first[:14] == second[:14]
    assert first[14:22] != second[14:22]
    assert first[22:] != second[22:]
    assert struct.unpack(">BBI", seal(b"", "sm4-gcm", 300)[8:14]) == (1, 2, 300)


@pytest.mark.parametrize("cipher", CIPHERS)
def test_format_is_as_documented(cipher: str) -> None:
    """Chunk i decrypts with the documented key, nonce and associated data."""
    plain = os.urandom(2 * SMALL + 3)
    blob = seal(plain, cipher, SMALL)
    header, chunks = parts(blob, SMALL)
    prefix = header[14:22]
    key = HKDF(algorithm=hashes.SHA256(), length=32 if cipher == "aes-256-gcm" else 16,
               salt=prefix, info=b"anke-blob-key|v1|" + cipher.encode()).derive(DATA_KEY)
    recovered = b""
    for index, sealed in enumerate(chunks):
        nonce = prefix + index.to_bytes(4, "big")
        ad = header + index.to_bytes(4, "big") + bytes([index == len(chunks) - 1])
        algorithm = algorithms.AES(key) if cipher == "aes-256-gcm" else algorithms.SM4(key)
        decryptor = Cipher(algorithm, modes.GCM(nonce, sealed[-16:])).decryptor()
        decryptor.authenticate_additional_data(ad)
        recovered += decryptor.update(sealed[:-16]) + decryptor.finalize()
    assert recovered == plain
    if cipher == "aes-256-gcm":
        nonce = prefix + (0).to_bytes(4, "big")
        assert AESGCM(key).decrypt(nonce, chunks[0], header + bytes(5)) == plain[:SMALL]


def test_reads_never_exceed_the_chunk_size() -> None:
    source = Recorder(10 * SMALL + 1)
    blob = io.BytesIO()
    encrypt_stream(source.binary(), blob, DATA_KEY, max_bytes=None, chunk_size=SMALL)
    assert source.asked
    assert max(source.asked) == SMALL
    assert min(source.asked) >= 0


class _Reads(io.BytesIO):
    """A BytesIO remembering the size of every read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_decryption_reads_one_sealed_chunk_at_a_time() -> None:
    source = _Reads(seal(os.urandom(7 * SMALL), "sm4-gcm", SMALL))
    encrypt_out = io.BytesIO()
    decrypt_stream(source, encrypt_out, DATA_KEY)
    assert source.asked[0] == 22
    assert max(source.asked) == SMALL + 16
    assert min(source.asked) > 0


def test_64_mb_with_bounded_memory() -> None:
    size = 64 * 1024 * 1024
    source = Recorder(size)
    sink = Counter()
    tracemalloc.start()
    try:
        info = encrypt_stream(source.binary(), sink.binary(), DATA_KEY, max_bytes=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.size == size
    assert sink.total == 22 + size + 16 * 64
    assert max(source.asked) == CHUNK
    assert peak < 16 * 1024 * 1024


def test_too_large_stops_reading_early() -> None:
    source = Recorder(10 * 1024 * 1024)
    with pytest.raises(TooLarge) as caught:
        encrypt_stream(source.binary(), io.BytesIO(), DATA_KEY, max_bytes=100)
    assert str(caught.value) == "blob is larger than the limit of 100 bytes"
    assert source.position == 101


@pytest.mark.parametrize("size", [0, SMALL - 1, SMALL, 3 * SMALL])
def test_limit_is_inclusive(size: int) -> None:
    plain = os.urandom(size)
    blob = io.BytesIO()
    info = encrypt_stream(io.BytesIO(plain), blob, DATA_KEY, max_bytes=size, chunk_size=SMALL)
    assert info.size == size
    assert unseal(blob.getvalue()) == plain
    with pytest.raises(TooLarge):
        encrypt_stream(io.BytesIO(plain + b"x"), io.BytesIO(), DATA_KEY, max_bytes=size,
                       chunk_size=SMALL)


def test_unknown_cipher_and_bad_parameters() -> None:
    with pytest.raises(AnkeError) as caught:
        encrypt_stream(io.BytesIO(b""), io.BytesIO(), DATA_KEY, "aes-128-cbc", max_bytes=None)
    assert str(caught.value) == "blob cipher 'aes-128-cbc' is not one of aes-256-gcm, sm4-gcm"
    with pytest.raises(AnkeError) as caught:
        encrypt_stream(io.BytesIO(b""), io.BytesIO(), DATA_KEY, max_bytes=None, chunk_size=0)
    assert str(caught.value) == "blob chunk size 0 is not within 1..16777216"
    with pytest.raises(AnkeError) as caught:
        encrypt_stream(io.BytesIO(b""), io.BytesIO(), bytes(16), max_bytes=None)
    assert str(caught.value) == "data key: must be 32 bytes, not 16"


def test_expected_sha256_is_checked() -> None:
    plain = b"vendor source"
    blob = seal(plain, "aes-256-gcm", SMALL)
    right = hashlib.sha256(plain).hexdigest()
    assert decrypt_stream(io.BytesIO(blob), io.BytesIO(), DATA_KEY,
                          expected_sha256=right.upper()).sha256 == right
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(BlobIntegrityError) as caught:
        decrypt_stream(io.BytesIO(blob), io.BytesIO(), DATA_KEY, expected_sha256=wrong)
    assert str(caught.value) == (f"encrypted blob: plaintext SHA-256 {right} is not the "
                                 f"recorded {wrong}")


def test_decrypt_to_tempfile(tmp_path: Path) -> None:
    plain = os.urandom(3 * SMALL + 1)
    path = decrypt_to_tempfile(io.BytesIO(seal(plain, "sm4-gcm", SMALL)), DATA_KEY, tmp_path)
    assert path.parent == tmp_path
    assert path.read_bytes() == plain
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_decrypt_to_tempfile_removes_its_file_on_failure(tmp_path: Path) -> None:
    blob = bytearray(seal(os.urandom(3 * SMALL + 1), "aes-256-gcm", SMALL))
    blob[-1] ^= 1
    with pytest.raises(BlobIntegrityError):
        decrypt_to_tempfile(io.BytesIO(bytes(blob)), DATA_KEY, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(BlobIntegrityError):
        decrypt_to_tempfile(io.BytesIO(bytes(blob)), DATA_KEY, tmp_path,
                            expected_sha256="00" * 32)
    assert list(tmp_path.iterdir()) == []


def test_decrypted_tempfile_context_cleans_up(tmp_path: Path) -> None:
    with decrypted_tempfile(io.BytesIO(seal(b"abc", "aes-256-gcm", SMALL)), DATA_KEY,
                            tmp_path) as path:
        assert path.read_bytes() == b"abc"
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
