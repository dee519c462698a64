"""Test inputs for the material detector, generated with ``cryptography`` on the fly."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from anke.detect.material import MaterialDetector
from anke.findings.model import Finding

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

_RSA_KEYS: dict[int, rsa.RSAPrivateKey] = {}


def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key of ``bits`` (one per size per test session: generation is slow)."""
    if bits not in _RSA_KEYS:
        _RSA_KEYS[bits] = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _RSA_KEYS[bits]


def name(common: str) -> x509.Name:
    """A one-attribute distinguished name."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate(key: PrivateKey, subject: str, *, issuer_key: PrivateKey | None = None,
                issuer: str | None = None, digest: hashes.HashAlgorithm | None = None,
                start: datetime = datetime(2024, 1, 1, tzinfo=UTC),
                days: int = 731) -> x509.Certificate:
    """A certificate for ``key``; self-signed unless an issuer key is given."""
    signer = issuer_key or key
    if isinstance(signer, ed25519.Ed25519PrivateKey):
        digest = None
    elif digest is None:
        digest = hashes.SHA256()
    builder = (x509.CertificateBuilder()
               .subject_name(name(subject)).issuer_name(name(issuer or subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + timedelta(days=days)))
    return builder.sign(signer, digest)


def pem(cert: x509.Certificate) -> bytes:
    """A certificate as PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    """A certificate as DER."""
    return cert.public_bytes(serialization.Encoding.DER)


def private_pem(key: PrivateKey, fmt: serialization.PrivateFormat,
                password: bytes | None = None) -> bytes:
    """A private key as PEM, encrypted when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password
        else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption)


def detect(path: str, data: bytes) -> tuple[list[Finding], list[str]]:
    """Run the detector; findings and note reasons."""
    result = MaterialDetector().detect(path, data)
    return result.findings, [note.reason for note in result.notes]


def brief(findings: list[Finding]) -> list[tuple[object, ...]]:
    """(rule, kind, algorithm, key_bits, curve, line, offset) of each finding, in order."""
    return [(f.rule, f.kind.value, f.algorithm, f.key_bits, f.curve, f.line, f.offset)
            for f in findings]


def java_utf(text: str) -> bytes:
    """A Java ``writeUTF`` string: two-byte length, then the bytes."""
    raw = text.encode("utf-8")
    return struct.pack(">H", len(raw)) + raw
