"""The algorithm-name reader: strings and identifiers as real code writes them."""

from __future__ import annotations

import pytest

from anke.catalog import load_catalog
from anke.detect.source_api.names import NameReader, reader_for


@pytest.fixture(scope="module")
def reader() -> NameReader:
    return reader_for(load_catalog())


@pytest.mark.parametrize(
    ("name", "algorithms", "mode", "padding", "key_bits", "curve"),
    [
        ("SHA-256", ("SHA-256",), None, None, None, None),
        ("des-ede3-cbc", ("3DES",), "CBC", None, None, None),
        ("chacha20-poly1305", ("ChaCha20-Poly1305",), None, None, None, None),
        ("sha512_256", ("SHA-512/256",), None, None, None, None),
        ("AES/CBC/PKCS5Padding", ("AES",), "CBC", "PKCS5", None, None),
        ("SM4/GCM/NoPadding", ("SM4",), "GCM", "NoPadding", None, None),
        ("aes-256-gcm", ("AES",), "GCM", None, 256, None),
        ("ECDHE-RSA-AES128-GCM-SHA256", ("ECDH", "RSA", "AES", "SHA-256"), "GCM", None, 128,
         None),
        ("SHA256withRSA", ("SHA-256", "RSA"), None, None, None, None),
        ("HmacSHA256", ("HMAC", "SHA-256"), None, None, None, None),
        ("PBKDF2WithHmacSHA256", ("PBKDF2", "HMAC", "SHA-256"), None, None, None, None),
        ("SM3WithSM2", ("SM3", "SM2"), None, None, None, None),
        ("DESede", ("3DES",), None, None, None, None),
        ("KEY_ALGORITHM_AES", ("AES",), None, None, None, None),
        ("sm4_cbc", ("SM4",), "CBC", None, None, None),
        ("secp256r1", (), None, None, None, "P-256"),
        ("1.2.156.10197.1.401", ("SM3",), None, None, None, None),
        ("rsa2048", ("RSA",), None, None, 2048, None),
    ],
)
def test_reads_algorithm_strings(reader: NameReader, name: str, algorithms: tuple[str, ...],
                                 mode: str | None, padding: str | None, key_bits: int | None,
                                 curve: str | None) -> None:
    reading = reader.read(name)
    assert (reading.algorithms, reading.mode, reading.padding, reading.key_bits,
            reading.curve) == (algorithms, mode, padding, key_bits, curve)


@pytest.mark.parametrize("word", ["description", "desktop", "shape", "sha", "caesar",
                                  "universal", "hashCode", "cascade", "MODE_GCM"])
def test_ordinary_words_name_no_algorithm(reader: NameReader, word: str) -> None:
    assert reader.read(word).algorithms == ()
