"""The source-api detector on third-party JavaScript/TypeScript libraries: jsonwebtoken, jose,
@noble/hashes, @noble/curves, @noble/ciphers, argon2 and the single-algorithm hash packages, and
code that only talks about algorithms."""

from __future__ import annotations

from conftest import Detect, summarise
from conftest import finding_at as _one

GATEWAY_TS = '''\
// Session tokens and content hashes for the gateway.
import jwt from 'jsonwebtoken';
import * as jose from 'jose';
import { hmac } from '@noble/hashes/hmac';
import { sha256, sha512 } from '@noble/hashes/sha2';
import { blake3 } from '@noble/hashes/blake3';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt';
import { secp256k1 } from '@noble/curves/secp256k1';
import { ed25519, x25519 } from '@noble/curves/ed25519';
import { gcm } from '@noble/ciphers/aes';
import { chacha20poly1305 } from '@noble/ciphers/chacha';
import argon2 from 'argon2';
import md5 from 'md5';
import { keccak256 } from 'js-sha3';

const SIGNING = { algorithm: 'ES384', expiresIn: '1h' } as const;

export function issue(claims: object, key: string): string {
  return jwt.sign(claims, key, SIGNING);
}

export function issueSession(id: string): string {
  return jwt.sign({ sub: id }, process.env.SESSION_SECRET!, { expiresIn: '15m' });
}

export async function keys() {
  const pair = await jose.generateKeyPair('PS256');
  const signer = new jose.SignJWT({ scope: 'api' });
  signer.setProtectedHeader({ alg: 'EdDSA' });
  return pair;
}

export function digests(data: Uint8Array, key: Uint8Array) {
  const mac = hmac(sha256, key, data);
  const d = sha512(data);
  const b = blake3(data);
  const k = nobleScrypt(data, key, { N: 2 ** 15, r: 8, p: 1, dkLen: 32 });
  return [mac, d, b, k];
}

export function curves(priv: Uint8Array, peer: Uint8Array, msg: Uint8Array) {
  const sig = secp256k1.sign(msg, priv);
  const ed = ed25519.sign(msg, priv);
  const shared = x25519.getSharedSecret(priv, peer);
  return [sig, ed, shared];
}

export function seal(key: Uint8Array, nonce: Uint8Array, data: Uint8Array) {
  const a = gcm(key, nonce).encrypt(data);
  const c = chacha20poly1305(key, nonce).encrypt(data);
  return [a, c];
}

export async function passwords(pw: string) {
  const h = await argon2.hash(pw, { type: argon2.argon2id });
  const etag = md5(pw);
  const addr = keccak256(pw);
  return [h, etag, addr];
}
'''

TRAPS_JS = '''\
// Tokens must use RS256 or ES256; HS256 is rejected.  md5 and sha1 are banned.
const { sign } = require('./signing');
const jwtUtils = require('./jwt-utils');
const logger = require('./logger');

const description = 'Ed25519 keys, x25519 agreement, blake3 digests';
const sha = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const shape = { md5: false, sha256: true };

function checkAlg(alg) {
  if (alg === 'HS256' || alg === 'none') {
    throw new Error('HS256 tokens are not accepted; use RS256');
  }
  logger.warn('md5 fallback disabled');
}

function hash(value) {
  return value;
}

class Signer {
  sign(payload, opts) {
    return jwtUtils.encode(payload, opts);
  }
}

module.exports = function handler(req) {
  const s = new Signer();
  const token = s.sign(req.body, { algorithm: 'HS256' });
  const digest = hash(sha);
  const out = sign(token, { alg: 'RS256' });
  return [digest, out, checkAlg(req.alg), description, shape];
};
'''




def test_js_library_findings(detect: Detect) -> None:
    findings = detect(GATEWAY_TS, "typescript")
    assert summarise(findings) == [
        ("ECDSA", 19), ("SHA-384", 19),
        ("HMAC", 23), ("SHA-256", 23),
        ("RSA", 27), ("SHA-256", 27),
        ("Ed25519", 29),
        ("HMAC", 34), ("SHA-256", 34),
        ("SHA-512", 35),
        ("BLAKE3", 36),
        ("scrypt", 37),
        ("ECDSA", 42),
        ("Ed25519", 43),
        ("X25519", 44),
        ("AES", 49),
        ("ChaCha20-Poly1305", 50),
        ("Argon2", 55),
        ("MD5", 56),
        ("Keccak", 57),
    ]


def test_js_library_parameters(detect: Detect) -> None:
    findings = detect(GATEWAY_TS, "typescript")
    assert _one(findings, "ECDSA", 19).curve == "P-384"  # options object held in a constant
    assert _one(findings, "RSA", 27).padding == "PSS"
    assert _one(findings, "ECDSA", 42).curve == "secp256k1"
    assert _one(findings, "AES", 49).mode == "GCM"


def test_js_library_traps(detect: Detect) -> None:
    findings = detect(TRAPS_JS, "javascript")
    assert summarise(findings) == []


def test_javascript_require_forms(detect: Detect) -> None:
    code = (
        "const jwt = require('jsonwebtoken');\n"
        "const { sha256 } = require('js-sha256');\n"
        "const sha1 = require('sha1');\n"
        "const t = jwt.sign(body, key, { algorithm: 'HS384' });\n"
        "const mac = sha256.hmac(key, body);\n"
        "const id = sha1(body);\n"
    )
    assert summarise(detect(code, "javascript")) == [
        ("HMAC", 4), ("SHA-384", 4), ("HMAC", 5), ("SHA-256", 5), ("SHA-1", 6),
    ]


def test_jose_chained_builder(detect: Detect) -> None:
    code = (
        "import { SignJWT } from 'jose';\n"
        "const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(k);\n"
    )
    assert summarise(detect(code, "javascript")) == [("ECDSA", 2), ("SHA-256", 2)]


def test_jsonwebtoken_verify_algorithms_array(detect: Detect) -> None:
    code = (
        "const jwt = require('jsonwebtoken');\n"
        "const claims = jwt.verify(token, publicKey, { algorithms: ['RS256'] });\n"
    )
    assert summarise(detect(code, "javascript")) == [("RSA", 2), ("SHA-256", 2)]
