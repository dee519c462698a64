"""The material detector on bad input, large input and the cheap first stage (``handles``)."""

from __future__ import annotations

import os
import time

from cryptography.hazmat.primitives import serialization
from material_factory import brief, certificate, der, detect, pem, private_pem, rsa_key

from anke.detect.material import MaterialDetector


def test_handles_by_name_and_by_head() -> None:
    detector = MaterialDetector()
    for path in ("a/b.pem", "x.CRT", "k.key", "id_rsa", "home/.ssh/authorized_keys",
                 "store.jks", "cacerts", "s.p12", "b.P7B", "lib/a.jar!/META-INF/SIGNER.RSA",
                 "etc/ssh/ssh_host_ed25519_key", "deploy.ppk"):
        assert detector.handles(path, b""), path
    for path in ("README.md", "src/Main.java", "lib/libssl.so", "a/RSA.java", "docs/key.txt"):
        assert not detector.handles(path, b"plain text"), path
    assert detector.handles("src/Keys.java", b'String k = "-----BEGIN PRIVATE KEY-----\\n"')
    assert detector.handles("deploy.txt", b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA x")
    assert detector.handles("blob", b"\xfe\xed\xfe\xed\x00\x00\x00\x02")
    code = b"var x = 1;\n" * 100_000  # a marker far past any head still counts
    assert not detector.handles("src/big.js", code)
    for marker in detector.tables.head_markers:
        assert detector.handles("src/big.js", code + marker + b"\n"), marker


def test_garbage_between_begin_and_end() -> None:
    data = (b"-----BEGIN CERTIFICATE-----\nthis is not base64 at all!!\n"
            b"-----END CERTIFICATE-----\n"
            b"-----BEGIN RSA PRIVATE KEY-----\nTUlJRXBBSUJBQUtDQVFFQTJhYmNkZWZn\n"
            b"-----END RSA PRIVATE KEY-----\n"
            b"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
            b"-----END CERTIFICATE-----\n")
    findings, notes = detect("bad.pem", data)
    assert findings == []
    assert notes == ["RSA PRIVATE KEY at line 4 is not a key",
                     "certificate at line 7 not readable"]


def test_placeholders_and_marker_mentions_are_silent() -> None:
    code = (b'if (line.equals("-----BEGIN CERTIFICATE-----")) { inCert = true; }\n'
            b'else if (line.equals("-----END CERTIFICATE-----")) { inCert = false; }\n'
            b"-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"
            b"-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n")
    findings, notes = detect("src/PemReader.java", code)
    assert findings == []
    assert notes == []
    dummy = b"This is a dummy root certificate file. Add certificates to it.\n"
    assert detect("etc/root.crt", dummy) == ([], [])


def test_unterminated_block_and_truncated_der() -> None:
    cert = certificate(rsa_key(2048), "cut")
    text = pem(cert)
    findings, notes = detect("cut.pem", text[: len(text) // 2])
    assert findings == []
    assert notes == ["PEM CERTIFICATE block at line 1 has no END line"]
    findings, notes = detect("cut.der", der(cert)[:-100])
    assert findings == []
    assert notes == ["DER data truncated or malformed"]
    findings, notes = detect("junk.p12", os.urandom(3000))
    assert findings == []
    assert notes == ["not a PKCS#12 or Java keystore"]


def test_fifty_megabytes_of_junk_in_bounded_time() -> None:
    junk = os.urandom(50 << 20)
    start = time.perf_counter()
    findings, notes = detect("big.pem", junk)
    findings2, _ = detect("big.txt", junk[:(25 << 20)] + b"-----BEGIN CERTIFICATE-----\n"
                          + junk[:4096] + b"\n-----END CERTIFICATE-----\n")
    assert time.perf_counter() - start < 10
    assert findings == [] and findings2 == []
    assert notes == ["binary key material over 16 MiB not read"]


def test_ten_thousand_pem_blocks_are_capped() -> None:
    key = private_pem(rsa_key(1024), serialization.PrivateFormat.PKCS8)
    start = time.perf_counter()
    findings, notes = detect("many.pem", key * 10_000)
    assert time.perf_counter() - start < 20
    assert len(findings) == 1000
    assert brief(findings)[1] == ("material.private-key", "secret", "RSA", 1024, None,
                                  key.count(b"\n") + 1, None)
    assert notes == ["9000 PEM blocks over the limit of 1000 not read"]
