"""The material detector on keystores: PKCS#12 (open and password-protected), JKS, JCEKS."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from material_factory import brief, certificate, der, detect, java_utf, rsa_key

CERT = "material.x509-certificate"
SIG = "material.certificate-signature"
HASH = "material.certificate-signature-hash"


def _p12(password: bytes | None) -> bytes:
    key = rsa_key(2048)
    cert = certificate(key, "Vendor Server")
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password
        else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(b"server", key, cert, None, encryption)


def test_pkcs12_without_password_is_opened() -> None:
    findings, notes = detect("conf/server.p12", _p12(None))
    assert notes == []
    assert brief(findings) == [
        ("material.private-key", "secret", "RSA", 2048, None, None, 0),
        (CERT, "certificate", "RSA", 2048, None, None, 0),
        (SIG, "algorithm", "RSA", None, None, None, 0),
        (HASH, "algorithm", "SHA-256", None, None, None, 0),
    ]
    assert findings[0].evidence == "RSA 2048 private key (PKCS#12, not encrypted, no password)"
    assert findings[1].evidence.startswith("PKCS#12 X.509 certificate subject=CN=Vendor Server")


def test_pkcs12_with_password_is_reported_unopened() -> None:
    for path in ("conf/server.pfx", "conf/server.keystore"):
        findings, notes = detect(path, _p12(b"changeit"))
        assert notes == []
        assert brief(findings) == [("material.pkcs12-keystore", "key", None, None, None, None, 0)]
        assert findings[0].evidence == "encrypted PKCS#12 keystore (not opened)"


def _jks(magic: bytes, entries: list[bytes]) -> bytes:
    return magic + struct.pack(">II", 2, len(entries)) + b"".join(entries) + os.urandom(20)


def _key_entry(alias: str, chain: list[bytes]) -> bytes:
    protected = os.urandom(1210)  # an EncryptedPrivateKeyInfo, opaque without the password
    out = struct.pack(">I", 1) + java_utf(alias) + struct.pack(">Q", 1_700_000_000_000)
    out += struct.pack(">I", len(protected)) + protected + struct.pack(">I", len(chain))
    for cert in chain:
        out += java_utf("X.509") + struct.pack(">I", len(cert)) + cert
    return out


def _trusted_entry(alias: str, cert: bytes) -> bytes:
    return (struct.pack(">I", 2) + java_utf(alias) + struct.pack(">Q", 1_700_000_000_000)
            + java_utf("X.509") + struct.pack(">I", len(cert)) + cert)


def test_jks_built_by_hand() -> None:
    root_key = rsa_key(2048)
    root = der(certificate(root_key, "Bank Root"))
    leaf = der(certificate(ec.generate_private_key(ec.SECP256R1()), "teller",
                           issuer_key=root_key, issuer="Bank Root"))
    key_entry = _key_entry("teller", [leaf, root])
    data = _jks(b"\xfe\xed\xfe\xed", [key_entry, _trusted_entry("bankroot", root)])
    leaf_at = data.index(leaf)
    root_at = data.index(root)
    trusted_at = data.index(root, root_at + 1)
    findings, notes = detect("app.war!/WEB-INF/classes/teller.jks", data)
    assert notes == []
    assert brief(findings) == [
        ("material.keystore-private-key", "secret", "EC", 256, "P-256", None, 12),
        (CERT, "certificate", "EC", 256, "P-256", None, leaf_at),
        (SIG, "algorithm", "RSA", None, None, None, leaf_at),
        (HASH, "algorithm", "SHA-256", None, None, None, leaf_at),
        (CERT, "certificate", "RSA", 2048, None, None, root_at),
        (SIG, "algorithm", "RSA", None, None, None, root_at),
        (HASH, "algorithm", "SHA-256", None, None, None, root_at),
        (CERT, "certificate", "RSA", 2048, None, None, trusted_at),
    ]  # the root's signature findings are not repeated: same rule, evidence and id
    assert findings[0].evidence == (
        "EC P-256 private key (JKS entry 'teller', encrypted, chain of 2 certificates)")
    assert findings[-1].evidence.startswith("JKS 'bankroot' X.509 certificate subject=CN=Bank Root")


def test_jceks_secret_key_entry_and_truncation() -> None:
    root = der(certificate(rsa_key(2048), "Root"))
    secret = (struct.pack(">I", 3) + java_utf("db-master") + struct.pack(">Q", 0)
              + b"\xac\xed\x00\x05" + os.urandom(64))  # a serialized SealedObject
    data = _jks(b"\xce\xce\xce\xce", [_trusted_entry("root", root), secret,
                                      _trusted_entry("more", root)])
    findings, notes = detect("conf/secrets.jceks", data)
    assert [(f.rule, f.kind.value) for f in findings] == [
        (CERT, "certificate"), (SIG, "algorithm"), (HASH, "algorithm"),
        ("material.keystore-secret-key", "secret")]
    assert findings[3].evidence == "JCEKS secret key entry 'db-master' (sealed Java object)"
    assert notes == ["JCEKS entries after a secret-key entry not read (a sealed Java object "
                     "has no length prefix)"]
    cut = _jks(b"\xfe\xed\xfe\xed", [_trusted_entry("root", root)])[:200]
    findings, notes = detect("truncated.jks", cut)
    assert findings == []
    assert notes == ["JKS keystore truncated or malformed at offset 41"]


@pytest.mark.skipif(shutil.which("keytool") is None, reason="keytool not installed")
def test_jks_made_by_keytool(tmp_path: Path) -> None:
    store = tmp_path / "server.jks"
    made = subprocess.run(
        ["keytool", "-genkeypair", "-keystore", str(store), "-storetype", "JKS",
         "-storepass", "changeit", "-keypass", "changeit", "-alias", "server",
         "-keyalg", "EC", "-groupname", "secp384r1", "-dname", "CN=server", "-validity", "10"],
        capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("keytool cannot make a JKS keystore here")
    findings, notes = detect("server.jks", store.read_bytes())
    assert notes == []
    assert brief(findings)[:2] == [
        ("material.keystore-private-key", "secret", "EC", 384, "P-384", None, 12),
        (CERT, "certificate", "EC", 384, "P-384", None, brief(findings)[1][6]),
    ]
    assert [f.algorithm for f in findings[2:]] == ["ECDSA", "SHA-384"]
