"""The material detector on X.509 certificates: key, signature, names, validity."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs7
from material_factory import (
    brief,
    certificate,
    der,
    detect,
    name,
    pem,
    private_pem,
    rsa_key,
)

CERT = "material.x509-certificate"
SIG = "material.certificate-signature"
HASH = "material.certificate-signature-hash"


def test_self_signed_rsa_sha256() -> None:
    cert = certificate(rsa_key(2048), "Vendor Root")
    findings, notes = detect("certs/root.pem", pem(cert))
    assert notes == []
    assert brief(findings) == [
        (CERT, "certificate", "RSA", 2048, None, 1, None),
        (SIG, "algorithm", "RSA", None, None, 1, None),
        (HASH, "algorithm", "SHA-256", None, None, 1, None),
    ]
    assert findings[0].evidence == (
        "X.509 certificate subject=CN=Vendor Root, self-signed, valid 2024-01-01..2026-01-01, "
        "key RSA 2048, signature sha256WithRSAEncryption")
    assert findings[0].primitive == "pke"
    assert findings[0].confidence == "high"
    assert findings[0].column == 1
    assert findings[2].primitive == "hash"
    assert findings[2].evidence == (
        "certificate signature sha256WithRSAEncryption (subject CN=Vendor Root)")


def test_ca_signed_ec_leaf() -> None:
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate(leaf_key, "api.bank.example", issuer_key=rsa_key(2048),
                       issuer="Vendor CA")
    findings, _ = detect("leaf.crt", b"# leaf\n\n" + pem(cert))
    assert brief(findings) == [
        (CERT, "certificate", "EC", 256, "P-256", 3, None),
        (SIG, "algorithm", "RSA", None, None, 3, None),
        (HASH, "algorithm", "SHA-256", None, None, 3, None),
    ]
    assert findings[0].evidence == (
        "X.509 certificate subject=CN=api.bank.example, issuer=CN=Vendor CA, "
        "valid 2024-01-01..2026-01-01, key EC P-256, signature sha256WithRSAEncryption")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_sha1_signed_certificate(tmp_path: Path) -> None:
    # cryptography no longer signs with SHA-1; the OpenSSL CLI still does
    ca_key, ca_crt = tmp_path / "ca.key", tmp_path / "ca.crt"
    ca_key.write_bytes(private_pem(rsa_key(2048), serialization.PrivateFormat.PKCS8))
    ca_crt.write_bytes(pem(certificate(rsa_key(2048), "Vendor CA")))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder().subject_name(name("legacy.example"))
           .sign(leaf_key, hashes.SHA256()))
    (tmp_path / "leaf.csr").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    made = subprocess.run(
        ["openssl", "x509", "-req", "-in", str(tmp_path / "leaf.csr"), "-CA", str(ca_crt),
         "-CAkey", str(ca_key), "-sha1", "-days", "30", "-set_serial", "7",
         "-out", str(tmp_path / "leaf.crt")], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("this OpenSSL refuses SHA-1 signatures")
    findings, notes = detect("leaf.crt", (tmp_path / "leaf.crt").read_bytes())
    assert notes == []
    assert brief(findings) == [
        (CERT, "certificate", "EC", 256, "P-256", 1, None),
        (SIG, "algorithm", "RSA", None, None, 1, None),
        (HASH, "algorithm", "SHA-1", None, None, 1, None),
    ]
    assert re.fullmatch(
        r"X\.509 certificate subject=CN=legacy\.example, issuer=CN=Vendor CA, "
        r"valid \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d, key EC P-256, "
        r"signature sha1WithRSAEncryption", findings[0].evidence)
    assert findings[2].evidence == (
        "certificate signature sha1WithRSAEncryption (subject CN=legacy.example)")


def test_secp256k1_ed25519_and_rsa1024_certificates_in_one_bundle() -> None:
    k1 = certificate(ec.generate_private_key(ec.SECP256K1()), "k1", digest=hashes.SHA384())
    ed = certificate(ed25519.Ed25519PrivateKey.generate(), "ed")
    small = certificate(rsa_key(1024), "small", digest=hashes.SHA512())
    bundle = pem(k1) + pem(ed) + pem(small)
    findings, notes = detect("bundle.pem", bundle)
    assert notes == []
    ed_line = pem(k1).count(b"\n") + 1
    small_line = ed_line + pem(ed).count(b"\n")
    assert brief(findings) == [
        (CERT, "certificate", "EC", 256, "secp256k1", 1, None),
        (SIG, "algorithm", "ECDSA", None, None, 1, None),
        (HASH, "algorithm", "SHA-384", None, None, 1, None),
        (CERT, "certificate", "Ed25519", 256, None, ed_line, None),
        (SIG, "algorithm", "Ed25519", None, None, ed_line, None),
        (CERT, "certificate", "RSA", 1024, None, small_line, None),
        (SIG, "algorithm", "RSA", None, None, small_line, None),
        (HASH, "algorithm", "SHA-512", None, None, small_line, None),
    ]


def test_certificate_validity_and_signature_are_facts_of_the_finding() -> None:
    cert = certificate(rsa_key(2048), "old", start=datetime(2020, 1, 1, tzinfo=UTC), days=365)
    findings, _ = detect("old.cer", pem(cert))
    assert findings[0].evidence == (
        "X.509 certificate subject=CN=old, self-signed, valid 2020-01-01..2020-12-31, "
        "key RSA 2048, signature sha256WithRSAEncryption")
    facts = findings[0].certificate
    assert facts is not None
    assert (facts.subject, facts.issuer, facts.self_signed) == ("CN=old", "CN=old", True)
    assert (facts.not_before, facts.not_after) == (datetime(2020, 1, 1, tzinfo=UTC),
                                                   datetime(2020, 12, 31, tzinfo=UTC))
    assert (facts.signature_scheme, facts.signature_hash) == ("RSA", "SHA-256")


def test_der_certificate_by_extension_has_an_offset() -> None:
    cert = certificate(ec.generate_private_key(ec.SECP384R1()), "der", digest=hashes.SHA384())
    findings, notes = detect("lib/conf/server.der", der(cert))
    assert notes == []
    assert brief(findings) == [
        (CERT, "certificate", "EC", 384, "P-384", None, 0),
        (SIG, "algorithm", "ECDSA", None, None, None, 0),
        (HASH, "algorithm", "SHA-384", None, None, None, 0),
    ]


def test_pkcs7_bundle_and_jar_signature_block() -> None:
    root_key = rsa_key(2048)
    root = certificate(root_key, "Root")
    leaf = certificate(ec.generate_private_key(ec.SECP256R1()), "Signer",
                       issuer_key=root_key, issuer="Root")
    p7 = pkcs7.serialize_certificates([leaf, root], serialization.Encoding.DER)
    expected = [
        (CERT, "certificate", "EC", 256, "P-256", None, 0),
        (SIG, "algorithm", "RSA", None, None, None, 0),
        (HASH, "algorithm", "SHA-256", None, None, None, 0),
        (CERT, "certificate", "RSA", 2048, None, None, 0),
        (SIG, "algorithm", "RSA", None, None, None, 0),
        (HASH, "algorithm", "SHA-256", None, None, None, 0),
    ]
    for path in ("chain.p7b", "app.jar!/META-INF/CERT.RSA"):
        findings, notes = detect(path, p7)
        assert notes == []
        assert brief(findings) == expected, path
        assert findings[0].evidence.startswith("PKCS#7 X.509 certificate subject=CN=Signer")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_sm2_certificate_made_by_openssl(tmp_path: Path) -> None:
    key, crt = tmp_path / "sm2.key", tmp_path / "sm2.crt"
    made = subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("this OpenSSL cannot make SM2 keys")
    made = subprocess.run(
        ["openssl", "req", "-new", "-x509", "-key", str(key), "-sm3", "-sigopt",
         "distid:1234567812345678", "-subj", "/CN=SM2 Root", "-days", "365", "-out", str(crt)],
        capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("this OpenSSL cannot make SM2 certificates")
    findings, notes = detect("gm/sm2.crt", crt.read_bytes())
    assert notes == []
    assert brief(findings) == [
        (CERT, "certificate", "SM2", 256, "SM2P256V1", 1, None),
        (SIG, "algorithm", "SM2", None, None, 1, None),
        (HASH, "algorithm", "SM3", None, None, 1, None),
    ]
    assert findings[0].evidence.endswith("key SM2 SM2P256V1, signature SM2-with-SM3")
    assert "self-signed" in findings[0].evidence
    keys, notes = detect("gm/sm2.key", key.read_bytes())
    assert notes == []
    assert brief(keys) == [("material.private-key", "secret", "SM2", 256, "SM2P256V1", 1, None)]
    assert keys[0].evidence == "SM2 SM2P256V1 private key (PKCS#8, not encrypted)"
