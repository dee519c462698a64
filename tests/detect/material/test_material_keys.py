"""The material detector on private and public keys: PEM, DER, OpenSSH, PuTTY, OpenPGP, code."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from material_factory import brief, detect, private_pem, rsa_key

KEY = "material.private-key"
PUB = "material.public-key"
SSH_PUB = "material.ssh-public-key"
PKCS8 = serialization.PrivateFormat.PKCS8
TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL


def test_pkcs1_rsa_private_key_is_a_secret() -> None:
    findings, notes = detect("conf/server.key", private_pem(rsa_key(2048), TRADITIONAL))
    assert notes == []
    assert brief(findings) == [(KEY, "secret", "RSA", 2048, None, 1, None)]
    assert findings[0].evidence == "RSA 2048 private key (PKCS#1, not encrypted)"
    assert findings[0].confidence == "high"


def test_pkcs8_and_sec1_ec_keys() -> None:
    p256 = private_pem(ec.generate_private_key(ec.SECP256R1()), PKCS8)
    k1 = private_pem(ec.generate_private_key(ec.SECP256K1()), TRADITIONAL)
    findings, _ = detect("keys.pem", p256 + b"\n" + k1)
    k1_line = p256.count(b"\n") + 2
    assert brief(findings) == [
        (KEY, "secret", "EC", 256, "P-256", 1, None),
        (KEY, "secret", "EC", 256, "secp256k1", k1_line, None),
    ]
    assert findings[0].evidence == "EC P-256 private key (PKCS#8, not encrypted)"
    assert findings[1].evidence == "EC secp256k1 private key (SEC1, not encrypted)"


def test_encrypted_pkcs8_and_legacy_encrypted_pem() -> None:
    enc8 = private_pem(rsa_key(1024), PKCS8, b"s3cret")
    legacy = private_pem(rsa_key(1024), TRADITIONAL, b"s3cret")
    assert b"Proc-Type: 4,ENCRYPTED" in legacy
    findings, notes = detect("secrets/keys.txt", enc8 + legacy)
    assert notes == []
    line = enc8.count(b"\n") + 1
    assert brief(findings) == [
        (KEY, "secret", None, None, None, 1, None),
        (KEY, "secret", "RSA", None, None, line, None),
    ]
    assert findings[0].evidence == "unknown algorithm private key (PKCS#8, encrypted)"
    assert findings[1].evidence.startswith("RSA private key (PKCS#1, encrypted, DEK-Info AES-")
    assert {f.confidence for f in findings} == {"high"}


def test_openssh_private_key_and_public_key_line() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    private = private_pem(key, serialization.PrivateFormat.OpenSSH)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH)
    findings, _ = detect("home/.ssh/id_ed25519", private)
    assert brief(findings) == [(KEY, "secret", "Ed25519", 256, None, 1, None)]
    assert findings[0].evidence == "Ed25519 private key (OpenSSH, not encrypted)"
    rsa_public = rsa_key(2048).public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                         serialization.PublicFormat.OpenSSH)
    authorized = (b"# deploy keys\n" + public + b" ops@example\n"
                  b'from="10.0.0.0/8",no-pty ' + rsa_public + b" backup\n")
    findings, notes = detect("home/.ssh/authorized_keys", authorized)
    assert notes == []
    assert brief(findings) == [
        (SSH_PUB, "key", "Ed25519", 256, None, 2, None),
        (SSH_PUB, "key", "RSA", 2048, None, 3, None),
    ]
    assert findings[0].evidence == "OpenSSH public key ssh-ed25519 (Ed25519)"
    assert findings[1].column == len(b'from="10.0.0.0/8",no-pty ') + 1


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen not installed")
def test_encrypted_openssh_private_key(tmp_path: Path) -> None:
    path = tmp_path / "id_ecdsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", "384", "-N", "pass phrase",
                    "-f", str(path)], check=True, capture_output=True)
    findings, notes = detect("id_ecdsa", path.read_bytes())
    assert notes == []
    assert brief(findings) == [(KEY, "secret", "EC", 384, "P-384", 1, None)]
    assert findings[0].evidence == (
        "EC P-384 private key (OpenSSH, encrypted, cipher aes256-ctr, kdf bcrypt)")


def test_public_keys_pem_pkcs1_and_der() -> None:
    key = rsa_key(2048).public_key()
    spki = key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1 = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    findings, _ = detect("keys/pub.pem", spki + pkcs1)
    assert brief(findings) == [
        (PUB, "key", "RSA", 2048, None, 1, None),
        (PUB, "key", "RSA", 2048, None, spki.count(b"\n") + 1, None),
    ]
    assert findings[0].evidence == "RSA 2048 public key"
    ec_der = ec.generate_private_key(ec.SECP521R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    findings, notes = detect("keys/ec.der", ec_der)
    assert notes == []
    assert brief(findings) == [(PUB, "key", "EC", 521, "P-521", None, 0)]


def test_der_private_keys() -> None:
    plain = rsa_key(1024).private_bytes(serialization.Encoding.DER, PKCS8,
                                        serialization.NoEncryption())
    findings, _ = detect("keys/app.pk8", plain)
    assert brief(findings) == [(KEY, "secret", "RSA", 1024, None, None, 0)]
    encrypted = rsa_key(1024).private_bytes(serialization.Encoding.DER, PKCS8,
                                            serialization.BestAvailableEncryption(b"pw"))
    findings, _ = detect("keys/app.der", encrypted)
    assert brief(findings) == [(KEY, "secret", None, None, None, None, 0)]
    assert findings[0].evidence == "unknown algorithm private key (PKCS#8 DER, encrypted)"


JAVA = '''\
package com.acme;

public final class Keys {
    // TODO move to a vault
    private static final String SIGNING_KEY =
        "-----BEGIN PRIVATE KEY-----\\n" +
{body}
        "-----END PRIVATE KEY-----";
}
'''


def test_private_key_hard_coded_in_java_and_python() -> None:
    key = private_pem(ec.generate_private_key(ec.SECP384R1()), PKCS8)
    lines = key.decode().splitlines()[1:-1]
    body = "\n".join(f'        "{line}\\n" +' for line in lines)
    findings, notes = detect("src/com/acme/Keys.java", JAVA.replace("{body}", body).encode())
    assert notes == []
    assert brief(findings) == [(KEY, "secret", "EC", 384, "P-384", 6, None)]
    assert findings[0].column == 10
    rsa_pem = private_pem(rsa_key(2048), TRADITIONAL).decode()
    python = f'import jwt\n\nKEY = """{rsa_pem}"""\n\ntoken = jwt.encode({{}}, KEY, "RS256")\n'
    findings, notes = detect("app/auth.py", python.encode())
    assert notes == []
    assert brief(findings) == [(KEY, "secret", "RSA", 2048, None, 3, None)]
    one_line = ('const k = "' + rsa_pem.replace("\n", "\\n") + '";\n').encode()
    findings, _ = detect("app/key.js", one_line)
    assert brief(findings) == [(KEY, "secret", "RSA", 2048, None, 1, None)]


def test_putty_key_file() -> None:
    public = rsa_key(2048).public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                     serialization.PublicFormat.OpenSSH)
    blob = base64.b64encode(base64.b64decode(public.split()[1])).decode()
    lines = [blob[i:i + 64] for i in range(0, len(blob), 64)]
    ppk = ("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\nComment: deploy\n"
           f"Public-Lines: {len(lines)}\n" + "\n".join(lines) + "\nPrivate-Lines: 1\n"
           + base64.b64encode(os.urandom(48)).decode() + "\nPrivate-MAC: 00\n")
    findings, notes = detect("deploy.ppk", ppk.encode())
    assert notes == []
    assert brief(findings) == [(KEY, "secret", "RSA", 2048, None, 1, None)]
    assert findings[0].evidence == (
        "RSA 2048 private key (PuTTY, encrypted, PuTTY key file v2, aes256-cbc)")


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg not installed")
def test_openpgp_key_blocks(tmp_path: Path) -> None:
    env = {**os.environ, "GNUPGHOME": str(tmp_path)}
    tmp_path.chmod(0o700)
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    made = subprocess.run([*gpg, "--quick-gen-key", "Test <t@example.org>", "rsa3072"],
                          env=env, capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("gpg cannot generate keys here")
    public = subprocess.run([*gpg, "--armor", "--export", "t@example.org"], env=env,
                            capture_output=True, check=True).stdout
    secret = subprocess.run([*gpg, "--armor", "--export-secret-keys", "t@example.org"],
                            env=env, capture_output=True, check=True).stdout
    findings, notes = detect("keys/release.asc", public + secret)
    assert notes == []
    line = public.count(b"\n") + 1
    assert brief(findings) == [
        ("material.pgp-public-key", "key", "RSA", 3072, None, 1, None),
        ("material.pgp-private-key", "secret", "RSA", 3072, None, line, None),
    ]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_dh_parameters(tmp_path: Path) -> None:
    out = tmp_path / "dhparam.pem"
    subprocess.run(["openssl", "dhparam", "-dsaparam", "-out", str(out), "1024"],
                   check=True, capture_output=True)
    findings, notes = detect("etc/dhparam.pem", out.read_bytes())
    assert notes == []
    assert brief(findings) == [("material.dh-parameters", "algorithm", "DH", 1024, None, 1,
                                None)]
