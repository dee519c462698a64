"""The source-api detector on third-party Python libraries: PyJWT, python-jose, passlib, PyNaCl,
rsa, ecdsa, pyOpenSSL and M2Crypto, and code that only talks about algorithms."""

from __future__ import annotations

from conftest import Detect, summarise
from conftest import finding_at as _one

TOKENS_PY = '''\
"""Token and key services."""
import hashlib
import random

import jwt
import nacl.secret
import nacl.utils
import rsa
from ecdsa import NIST384p, SigningKey, VerifyingKey
from jose import jwe
from jose import jwt as jose_jwt
from nacl.public import Box, PrivateKey
from nacl.signing import SigningKey as EdSigningKey
from OpenSSL import SSL, crypto
from passlib.hash import argon2, bcrypt, sha256_crypt
from M2Crypto import EVP, RSA

JWT_ALG = "RS256"


def issue(claims, private_pem):
    return jwt.encode(claims, private_pem, algorithm=JWT_ALG)


def issue_legacy(claims):
    return jose_jwt.encode(claims, "secret", algorithm="HS512")


def seal(message):
    key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
    box = nacl.secret.SecretBox(key)
    return box.encrypt(message)


def agree(peer):
    sk = PrivateKey.generate()
    return Box(sk, peer)


def signer():
    return EdSigningKey.generate()


def hash_password(pw):
    return argon2.using(rounds=4).hash(pw)


def legacy_check(pw, stored):
    return bcrypt.verify(pw, stored) or sha256_crypt.verify(pw, stored)


def make_keys():
    pub, priv = rsa.newkeys(3072)
    sig = rsa.sign(b"payload", priv, "SHA-512")
    return rsa.encrypt(b"k", pub), sig


def ec_key():
    sk = SigningKey.generate(curve=NIST384p, hashfunc=hashlib.sha384)
    return sk, VerifyingKey.from_pem(PEM)


def openssl_key():
    pkey = crypto.PKey()
    pkey.generate_key(crypto.TYPE_RSA, 2048)
    ctx = SSL.Context(SSL.TLSv1_2_METHOD)
    ctx.set_cipher_list(b"ECDHE-RSA-CHACHA20-POLY1305")
    return pkey, ctx


def m2():
    c = EVP.Cipher(alg="des_ede3_cbc", key=k, iv=iv, op=0)
    key = RSA.gen_key(1024, 65537)
    md = EVP.MessageDigest("md5")
    return c, key, md


def enc(data, key):
    return jwe.encrypt(data, key, algorithm="dir", encryption="A256GCM")


def pick():
    random.seed(42)
    return random.choice(["a", "b"])
'''

TRAPS_PY = '''\
"""Helpers.  Tokens are signed with RS256; passwords use bcrypt or argon2 (never md5_crypt)."""
import logging
import random
import secrets

from .models import SigningKey, Box
from .vendor import jwt_helpers

log = logging.getLogger(__name__)
sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"  # commit id
description = "Ed25519 and X25519 keys, SHA-512 hashes"
shape = (3, 4)
ALLOWED = {"HS256": "hmac", "RS256": "rsa"}


def check(alg):
    if alg == "none" or alg == "HS256":
        raise ValueError("HS256 is not accepted here, use RS256")
    log.warning("falling back from sha256_crypt to bcrypt")


class Box:
    def encrypt(self, data):
        return data


def hash(value):
    return value


def build():
    k = SigningKey.generate()
    b = Box(k, None)
    random.seed(7)
    token = secrets.token_hex(16)
    pick = random.choice(["md5", "sha1"])
    return hash(token), jwt_helpers.encode(b, pick)
'''




def test_python_library_findings(detect: Detect) -> None:
    findings = detect(TOKENS_PY, "python")
    assert summarise(findings) == [
        ("RSA", 22), ("SHA-256", 22),
        ("HMAC", 26), ("SHA-512", 26),
        ("Poly1305", 31), ("XSalsa20", 31),
        ("X25519", 36),
        ("Poly1305", 37), ("X25519", 37), ("XSalsa20", 37),
        ("Ed25519", 41),
        ("Argon2", 45),
        ("SHA-256", 49), ("bcrypt", 49),
        ("RSA", 53),
        ("RSA", 54), ("SHA-512", 54),
        ("RSA", 55),
        ("ECDSA", 59), ("SHA-384", 59),
        ("ECDSA", 60),
        ("RSA", 64),
        (None, 66),
        ("ChaCha20-Poly1305", 67), ("ECDH", 67), ("RSA", 67),
        ("3DES", 72),
        ("RSA", 73),
        ("MD5", 74),
        ("AES", 79),
    ]


def test_python_library_parameters(detect: Detect) -> None:
    findings = detect(TOKENS_PY, "python")
    assert _one(findings, "RSA", 22).padding == "PKCS1v15"  # RS256 through a constant
    assert _one(findings, "XSalsa20", 31).key_bits == 256
    assert _one(findings, "RSA", 53).key_bits == 3072
    assert _one(findings, "RSA", 54).padding == "PKCS1v15"
    assert _one(findings, "ECDSA", 59).curve == "P-384"
    assert _one(findings, "RSA", 64).key_bits == 2048  # pkey.generate_key(TYPE_RSA, 2048)
    assert _one(findings, None, 66).kind == "protocol"  # type: ignore[arg-type]
    des = _one(findings, "3DES", 72)
    assert des.mode == "CBC"
    assert _one(findings, "RSA", 73).key_bits == 1024
    aes = _one(findings, "AES", 79)
    assert (aes.mode, aes.key_bits) == ("GCM", 256)


def test_python_library_traps(detect: Detect) -> None:
    findings = detect(TRAPS_PY, "python")
    assert summarise(findings) == []


def test_pyjwt_default_algorithm_is_hs256(detect: Detect) -> None:
    code = "import jwt\ntoken = jwt.encode({'sub': 1}, key)\n"
    assert summarise(detect(code, "python")) == [("HMAC", 2), ("SHA-256", 2)]


def test_ecdsa_curves(detect: Detect) -> None:
    code = (
        "import ecdsa\n"
        "a = ecdsa.SigningKey.generate(curve=ecdsa.SECP256k1)\n"
        "b = ecdsa.SigningKey.generate(curve=ecdsa.Ed25519)\n"
        "c = ecdsa.VerifyingKey.from_string(raw, curve=ecdsa.NIST521p)\n"
    )
    findings = detect(code, "python")
    assert summarise(findings) == [("ECDSA", 2), ("Ed25519", 3), ("ECDSA", 4)]
    assert _one(findings, "ECDSA", 2).curve == "secp256k1"
    assert _one(findings, "ECDSA", 4).curve == "P-521"


def test_nacl_hash_pwhash_bindings(detect: Detect) -> None:
    code = (
        "import nacl.hash\n"
        "import nacl.pwhash\n"
        "from nacl import bindings\n"
        "d = nacl.hash.sha256(msg)\n"
        "k = nacl.pwhash.argon2id.kdf(32, pw, salt)\n"
        "s = nacl.pwhash.str(pw)\n"
        "c = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(m, None, n, key)\n"
    )
    assert summarise(detect(code, "python")) == [
        ("SHA-256", 4), ("Argon2", 5), ("Argon2", 6), ("XChaCha20-Poly1305", 7),
    ]


def test_list_literal_arguments(detect: Detect) -> None:
    code = (
        "import jwt\n"
        "from passlib.context import CryptContext\n"
        "claims = jwt.decode(token, key, algorithms=['RS256'])\n"
        "ctx = CryptContext(schemes=['bcrypt'])\n"
    )
    assert summarise(detect(code, "python")) == [
        ("RSA", 3), ("SHA-256", 3), ("bcrypt", 4),
    ]
