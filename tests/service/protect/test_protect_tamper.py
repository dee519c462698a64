"""Every kind of tampering with an encrypted blob is detected, and nothing unchecked leaks."""

from __future__ import annotations

import io
import os

import pytest
from blob_factory import DATA_KEY, OTHER_KEY, parts, seal, unseal

from anke.errors import AnkeError
from anke.service.protect.blobs import CIPHERS, HEADER_BYTES, BlobIntegrityError, decrypt_stream

SMALL = 64
PLAIN = bytes(range(256)) + bytes(range(74))  # 5 full chunks and a final one of 10 bytes


def blob_of(cipher: str) -> bytes:
    return seal(PLAIN, cipher, SMALL)


def rejected(blob: bytes, key: bytes = DATA_KEY) -> str:
    """The one-line message decrypting ``blob`` fails with."""
    with pytest.raises(BlobIntegrityError) as caught:
        unseal(blob, key)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_fixture_is_six_chunks() -> None:
    header, chunks = parts(blob_of("aes-256-gcm"), SMALL)
    assert len(header) == HEADER_BYTES == 22
    assert [len(chunk) for chunk in chunks] == [80] * 5 + [26]


@pytest.mark.parametrize("cipher", CIPHERS)
@pytest.mark.parametrize("position", range(HEADER_BYTES))
def test_header_edits(cipher: str, position: int) -> None:
    blob = bytearray(blob_of(cipher))
    blob[position] ^= 0x01
    message = rejected(bytes(blob))
    if position < 8:
        assert message == "encrypted blob: not an anke blob (bad or missing header)"
    elif position == 8:
        assert message == "encrypted blob: unknown format version 0"
    elif position == 9:
        assert message == f"encrypted blob: unknown cipher id {CIPHERS.index(cipher) + 1 ^ 1}"
    else:
        assert message.startswith("encrypted blob: ")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_header_claiming_the_other_cipher(cipher: str) -> None:
    blob = bytearray(blob_of(cipher))
    blob[9] = 2 if cipher == "aes-256-gcm" else 1
    assert rejected(bytes(blob)) == ("encrypted blob: chunk 0 fails authentication "
                                     "(altered, reordered, truncated, or wrong key)")


@pytest.mark.parametrize("cipher", CIPHERS)
@pytest.mark.parametrize(("chunk", "offset"), [(0, 0), (2, 31), (4, 63), (5, 9)])
def test_flipped_ciphertext_byte(cipher: str, chunk: int, offset: int) -> None:
    blob = bytearray(blob_of(cipher))
    blob[HEADER_BYTES + chunk * 80 + offset] ^= 0x40
    what = "last chunk" if chunk == 5 else "chunk"
    assert rejected(bytes(blob)) == (f"encrypted blob: {what} {chunk} fails authentication "
                                     f"(altered, reordered, truncated, or wrong key)")


@pytest.mark.parametrize("cipher", CIPHERS)
@pytest.mark.parametrize("chunk", [0, 3, 5])
def test_flipped_tag_byte(cipher: str, chunk: int) -> None:
    header, chunks = parts(blob_of(cipher), SMALL)
    sealed = bytearray(chunks[chunk])
    sealed[-1] ^= 0x01
    chunks[chunk] = bytes(sealed)
    assert f" {chunk} fails authentication" in rejected(header + b"".join(chunks))


def test_nothing_unchecked_reaches_the_sink() -> None:
    blob = bytearray(blob_of("sm4-gcm"))
    blob[HEADER_BYTES + 2 * 80 + 5] ^= 0x01
    sink = io.BytesIO()
    with pytest.raises(BlobIntegrityError):
        decrypt_stream(io.BytesIO(bytes(blob)), sink, DATA_KEY)
    assert sink.getvalue() == PLAIN[:2 * SMALL]


@pytest.mark.parametrize("cipher", CIPHERS)
def test_truncations(cipher: str) -> None:
    blob = blob_of(cipher)
    header, chunks = parts(blob, SMALL)
    without_last = header + b"".join(chunks[:-1])
    assert rejected(without_last) == ("encrypted blob: last chunk 4 fails authentication "
                                      "(altered, reordered, truncated, or wrong key)")
    assert "fails authentication" in rejected(blob[:-1])
    assert "fails authentication" in rejected(blob[:-10])
    assert rejected(blob[:-26 - 1]).startswith("encrypted blob: last chunk 4 fails")
    assert rejected(header) == "encrypted blob: truncated at chunk 0"
    assert rejected(header + chunks[0][:15]) == "encrypted blob: truncated at chunk 0"
    assert rejected(blob[:HEADER_BYTES - 1]) == ("encrypted blob: not an anke blob "
                                                 "(bad or missing header)")
    assert rejected(b"") == "encrypted blob: not an anke blob (bad or missing header)"


@pytest.mark.parametrize("cipher", CIPHERS)
def test_empty_blob_truncated_or_extended(cipher: str) -> None:
    blob = seal(b"", cipher, SMALL)
    assert len(blob) == HEADER_BYTES + 16
    assert unseal(blob) == b""
    assert rejected(blob[:HEADER_BYTES]) == "encrypted blob: truncated at chunk 0"
    assert "fails authentication" in rejected(blob + blob[HEADER_BYTES:])


@pytest.mark.parametrize("cipher", CIPHERS)
def test_dropped_middle_chunk(cipher: str) -> None:
    header, chunks = parts(blob_of(cipher), SMALL)
    assert rejected(header + b"".join(chunks[:2] + chunks[3:])) == (
        "encrypted blob: chunk 2 fails authentication "
        "(altered, reordered, truncated, or wrong key)")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_swapped_chunks(cipher: str) -> None:
    header, chunks = parts(blob_of(cipher), SMALL)
    chunks[1], chunks[3] = chunks[3], chunks[1]
    assert rejected(header + b"".join(chunks)).startswith("encrypted blob: chunk 1 fails")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_extra_chunk_after_the_last(cipher: str) -> None:
    blob = blob_of(cipher)
    _header, chunks = parts(blob, SMALL)
    assert rejected(blob + chunks[0]).startswith("encrypted blob: chunk 5 fails")
    assert "fails authentication" in rejected(blob + b"\0")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_chunk_spliced_from_another_blob_with_the_same_key(cipher: str) -> None:
    header, chunks = parts(blob_of(cipher), SMALL)
    other_header, other_chunks = parts(seal(os.urandom(len(PLAIN)), cipher, SMALL), SMALL)
    spliced = [*chunks[:2], other_chunks[2], *chunks[3:]]
    assert rejected(header + b"".join(spliced)).startswith("encrypted blob: chunk 2 fails")
    assert rejected(other_header + b"".join(chunks)).startswith("encrypted blob: chunk 0 fails")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_wrong_key(cipher: str) -> None:
    assert rejected(blob_of(cipher), OTHER_KEY).startswith("encrypted blob: chunk 0 fails")
    assert rejected(seal(b"", cipher, SMALL), OTHER_KEY).startswith(
        "encrypted blob: last chunk 0 fails")


def test_forged_chunk_size_is_refused_before_reading() -> None:
    blob = bytearray(blob_of("aes-256-gcm"))
    blob[10:14] = (16 * 1024 * 1024 + 1).to_bytes(4, "big")
    assert rejected(bytes(blob)) == "encrypted blob: chunk size 16777217 out of range"
    blob[10:14] = bytes(4)
    assert rejected(bytes(blob)) == "encrypted blob: chunk size 0 out of range"


def test_integrity_error_is_an_anke_error() -> None:
    assert issubclass(BlobIntegrityError, AnkeError)
