"""Precision traps for the source-api detector: code that a keyword scanner would flag.

Each trap is a realistic non-cryptographic (or crypto-adjacent) source file that must yield
no finding at medium or high confidence: algorithm names in identifiers (``description``,
``shape``, ``seed``, ``cast``), commit ids in a ``sha`` variable, log and error messages,
code that only rejects an algorithm name, a user's own ``Cipher``/``Signature`` classes,
non-cryptographic hashes (CRC32, murmur, xxhash, FNV, ``hashCode``), seeded PRNGs, UUIDs,
base64/hex, compression and unverified JWT decoding.  Traps that currently fail are marked
``xfail(strict=True)`` with the cause; a few true positives check that real uses are still
found next to them.
"""

from __future__ import annotations

import pytest

from anke.findings.model import Finding
from conftest import Detect, summarise

JAVA_SERVICE = """\
package com.example.shop;

import com.example.shop.security.Cipher;
import com.example.shop.security.Signature;
import com.example.shop.util.KeyGenerator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.Base64;

/** Product catalog service. RSA and AES are handled elsewhere. */
public class Traps {
    private final String description = "desktop shape";
    private final Map<String, String> hashMap = new HashMap<>();
    private static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private final Random seedRandom = new Random(42L);

    public Cipher cipherFor(String name) {
        return Cipher.getInstance(name);
    }

    public Signature sign(String doc) {
        Signature s = Signature.getInstance("SHA256withRSA");
        return s;
    }

    public String token() {
        return KeyGenerator.getInstance("AES").next();
    }

    public void validate(String alg) {
        if (alg.equals("MD5") || alg.equalsIgnoreCase("SHA-1")) {
            throw new IllegalArgumentException("MD5 is not allowed");
        }
    }

    public long checksum(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    @Override
    public int hashCode() {
        return description.hashCode() * 31 + SHA.hashCode();
    }

    public String idea() { return UUID.randomUUID().toString(); }

    public String encode(byte[] raw) { return Base64.getEncoder().encodeToString(raw); }

    public void log(String md5sum) {
        System.out.println("md5sum of upload: " + md5sum);
    }
    public static final String[] WEAK = {"MD5", "SHA1", "DES", "RC4"};
    public void present(String seed) { seedRandom.setSeed(seed.length()); }
}
"""


PYTHON_UTILS = """\
'''Utility helpers. Passwords are hashed with bcrypt elsewhere; never use MD5 here.'''
import base64
import gzip
import hashlib
import json
import logging
import random
import uuid
import zlib

import jwt
import mmh3
import xxhash

from myapp.security import Cipher, Hash, Signature
from myapp.models import KeyGenerator

log = logging.getLogger(__name__)

WEAK_ALGORITHMS = ("md5", "sha1", "des", "rc4")
ALGORITHM_DOCS = {
    "AES": "Advanced Encryption Standard",
    "RSA": "Rivest-Shamir-Adleman",
    "SHA-256": "Secure Hash Algorithm",
}


def check_algorithm(alg: str) -> None:
    if alg.lower() in ("md5", "sha1"):
        raise ValueError("MD5 is not allowed")
    if alg == "DES":
        raise ValueError(f"{alg} is deprecated, use AES-256-GCM")


def describe(shape, desktop, description):
    random.seed(1234)
    seed = random.random()
    idea = "present the cast"
    return f"{shape} {desktop} {description} {seed} {idea}"


def commit_info(repo):
    sha = repo.head.commit.hexsha
    log.info("deployed sha=%s md5sum=%s", sha, "d41d8cd98f00b204e9800998ecf8427e")
    return sha


def non_crypto(data: bytes) -> int:
    a = zlib.crc32(data)
    b = mmh3.hash(data)
    c = xxhash.xxh64(data).hexdigest()
    d = hash(data)
    e = zlib.adler32(data)
    return a ^ b ^ d ^ e ^ int(c, 16)


def encode(data: bytes) -> str:
    gz = gzip.compress(data)
    return base64.b64encode(gz).decode() + data.hex() + str(uuid.uuid4())


def read_claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def own_classes(data):
    c = Cipher("AES")
    h = Hash("sha256")
    s = Signature.new("RSA")
    k = KeyGenerator.generate("AES", 256)
    return c, h, s, k


def messages():
    print("la liste des fichiers")
    log.warning("RSA keys shorter than 2048 bits are rejected")
    algorithms = hashlib.algorithms_available
    return algorithms


class Settings:
    hash_algorithm = "sha256"
    cipher = "aes-256-gcm"
    supported = ["HS256", "RS256"]
"""


GO_STORE = """\
package store

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"log"
	"math/rand"

	"github.com/cespare/xxhash/v2"
	"github.com/google/uuid"
	"github.com/golang-jwt/jwt/v5"
	"github.com/acme/shop/cipher"
	"github.com/acme/shop/signature"
)

// Description of the desktop shape. RSA and AES are configured in the vault.
type Description struct {
	Shape   string
	Sha     string // git commit
	Seed    int64
	Idea    string
	Present bool
}

var weak = map[string]bool{"md5": true, "sha1": true, "des": true, "rc4": true}

func Validate(alg string) error {
	if weak[alg] || alg == "MD5" {
		return errors.New("MD5 is not allowed")
	}
	return fmt.Errorf("unsupported algorithm %q (want AES-256-GCM)", alg)
}

func Checksums(data []byte) (uint32, uint64, uint64) {
	h := fnv.New64a()
	h.Write(data)
	return crc32.ChecksumIEEE(data), h.Sum64(), xxhash.Sum64(data)
}

func Noise(seed int64) float64 {
	rand.Seed(seed)
	return rand.Float64()
}

func Encode(b []byte) string {
	log.Printf("md5sum=%s sha=%s", "abc", "def")
	return base64.StdEncoding.EncodeToString(b) + hex.EncodeToString(b) + uuid.NewString()
}

func Claims(tok string) jwt.MapClaims {
	claims := jwt.MapClaims{}
	jwt.NewParser().ParseUnverified(tok, claims)
	return claims
}

func Own() {
	c := cipher.NewCipher("AES")
	s := signature.New("SHA256withRSA")
	_, _ = c, s
}
"""


C_STORAGE = """\
/* storage.c - RSA and AES are handled by the vault, not here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "xxhash.h"

struct description { const char *shape; const char *desktop; unsigned seed; int present; };

static const char *weak_algorithms[] = { "md5", "sha1", "des", "rc4", NULL };

int reject_algorithm(const char *alg)
{
    for (int i = 0; weak_algorithms[i]; i++) {
        if (strcmp(alg, weak_algorithms[i]) == 0) {
            fprintf(stderr, "MD5 is not allowed: %s\\n", alg);
            return -1;
        }
    }
    return 0;
}

unsigned long checksum(const unsigned char *buf, size_t len)
{
    unsigned long crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, buf, len);
    return crc ^ XXH64(buf, len, 0);
}

unsigned fnv1a(const char *s)
{
    unsigned h = 2166136261u;
    while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
    return h;
}

unsigned hash(const char *key) { return fnv1a(key) % 1024; }

void noise(unsigned seed)
{
    srand(seed);
    printf("sha=%s md5sum=%s\\n", "9fceb02", "d41d8cd9");
    int cast = (int)rand();
    (void)cast;
}

typedef struct { int x; } Cipher;
Cipher *cipher_new(const char *name);
void present(Cipher *c) { printf("cast %d\\n", c->x); }
"""


JS_SESSION = """\
// Session utilities. Passwords use bcrypt on the server; RSA keys live in KMS.
const zlib = require('zlib');
const { v4: uuidv4 } = require('uuid');
const jwt = require('jsonwebtoken');
const crc32 = require('crc-32');
const murmur = require('murmurhash');
const { Cipher, Hash } = require('./lib/text-cipher');
const Signature = require('./models/signature');

const WEAK = ['md5', 'sha1', 'des', 'rc4'];
const ALGORITHMS = { aes: 'Advanced Encryption Standard', rsa: 'Rivest-Shamir-Adleman' };

function checkAlgorithm(alg) {
  if (WEAK.includes(alg.toLowerCase())) {
    throw new Error('MD5 is not allowed');
  }
}

function render(el, description, shape, desktop) {
  el.setAttribute('aria-label', description);
  el.dataset.shape = shape;
  const seed = Math.random();
  const idea = `${desktop}:${seed}`;
  return idea;
}

function hashCode(str) {
  let h = 0;
  for (let i = 0; i < str.length; i++) h = (h * 31 + str.charCodeAt(i)) | 0;
  return h;
}

function checksums(buf) {
  return [crc32.buf(buf), murmur.v3(buf.toString()), hashCode(buf.toString())];
}

function encode(buf) {
  const gz = zlib.gzipSync(buf);
  return gz.toString('base64') + buf.toString('hex') + btoa('x') + uuidv4();
}

function claims(token) {
  return jwt.decode(token);
}

function own() {
  const c = new Cipher('AES');
  const h = Hash.create('sha256');
  const s = Signature.sign('RSA-SHA256', 'doc');
  console.log('deploy sha=%s md5sum=%s', 'abc', 'def');
  return [c, h, s];
}

module.exports = { checkAlgorithm, render, hashCode, checksums, encode, claims, own };
"""


TS_COMPONENT = """\
// Component helpers. We never use DES or MD5 here.
import { Component, Input } from '@angular/core';
import { v4 as uuid } from 'uuid';
import { jwtDecode } from 'jwt-decode';
import { Cipher } from './puzzle/cipher';
import { Hash } from './routing/hash';
import * as pako from 'pako';

export enum HashAlgorithm { MD5 = 'md5', SHA1 = 'sha1', SHA256 = 'sha256' }

export const ALGORITHM_LABELS: Record<string, string> = {
  'AES-256-GCM': 'AES (recommended)',
  'DES': 'DES (insecure)',
};

export interface Description { shape: string; desktop: boolean; seed: number; idea?: string; }

export function reject(alg: string): void {
  if (alg === 'md5' || alg === HashAlgorithm.SHA1) {
    throw new Error(`MD5 is not allowed (got ${alg})`);
  }
}

@Component({ selector: 'app-card', template: '<div [attr.aria-label]="description"></div>' })
export class CardComponent {
  @Input() description = '';
  @Input() present = false;
  shape = 'round';

  hashCode(s: string): number {
    let h = 0;
    for (const ch of s) h = (h << 5) - h + ch.charCodeAt(0);
    return h;
  }

  token(t: string): unknown { return jwtDecode(t); }

  puzzle(): string {
    const c = new Cipher('caesar', 3);
    const h = Hash.parse(window.location.hash);
    const z = pako.deflate('data');
    return c.encrypt('hello') + h + z.length + uuid() + Math.random();
  }
}
"""


TS_MARKUP = """\
export function render(el: HTMLElement, description: string): void {
  el.setAttribute('aria-label', description);
  el.setAttribute('aria-describedby', 'desc');
  const ariaLabel = description;
  const castMembers = ['a', 'b'];
  const seedData = { seed: 42 };
  el.title = `${ariaLabel} ${castMembers.length} ${seedData.seed}`;
}
export function presentDialog(): void {}
export function castVote(id: string): string { return id; }
export const seedDatabase = async (): Promise<void> => {};
export function ariaLabelFor(x: string): string { return x; }
"""


CSHARP_ARTIFACT = """\
using System;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Acme.Repo
{
    public enum HashType { MD5, SHA1, SHA256 }

    public class Artifact
    {
        public string Sha256 { get; set; }
        public string Md5 { get; set; }
        public string Description { get; set; }
        public override int GetHashCode() => HashCode.Combine(Sha256, Md5);
        public bool Same(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);
        public uint Crc(byte[] d) => BitConverter.ToUInt32(Crc32.Hash(d));
        public ulong Xx(byte[] d) => XxHash64.HashToUInt64(d);
        public string B64(byte[] d) => Convert.ToBase64String(d) + Guid.NewGuid();
        public int Noise(int seed) => new Random(seed).Next();
        public void Check(string alg)
        {
            if (alg == "MD5" || alg == HashAlgorithmName.SHA1.Name)
                throw new NotSupportedException("MD5 is not allowed");
        }
    }
}
"""


# ---- small traps ------------------------------------------------------------------------------

JAVA_RECORDS = """\
package com.acme.repo;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;

public class Records {
    public enum HashType { MD5, SHA1, SHA256 }

    public boolean same(byte[] a, byte[] b) { return MessageDigest.isEqual(a, b); }

    public KeyStore store() throws Exception { return KeyStore.getInstance("PKCS12"); }

    public HashType weakest() { return HashType.MD5; }

    long bucket(String key) {
        return Hashing.murmur3_128().hashString(key, StandardCharsets.UTF_8).asLong()
            ^ Hashing.crc32c().hashInt(1).asInt();
    }
}
"""

PYTHON_RECORDS = """\
import hmac
import os
import secrets
from dataclasses import dataclass
from enum import Enum


class HashType(Enum):
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"


@dataclass
class Artifact:
    name: str
    sha256: str
    md5: str


def same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def token() -> str:
    return secrets.token_hex(16) + os.urandom(4).hex()


def pick(kind: HashType) -> str:
    if kind is HashType.MD5:
        raise ValueError("weak")
    return kind.value
"""

GO_RECORDS = """\
package repo

import (
	"crypto/subtle"
)

type Artifact struct {
	SHA256 string `json:"sha256"`
	MD5    string `json:"md5"`
}

func Same(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
"""

C_RECORDS = """\
#include <string.h>
#include <openssl/evp.h>
enum hash_type { HASH_MD5, HASH_SHA1, HASH_SHA256 };
struct artifact { char sha256[65]; char md5[33]; };
const char *hash_name(enum hash_type t) {
    switch (t) {
    case HASH_MD5: return "md5";
    case HASH_SHA1: return "sha1";
    default: return "sha256";
    }
}
int b64(unsigned char *out, const unsigned char *in, int n) { return EVP_EncodeBlock(out, in, n); }
int unb64(unsigned char *o, const unsigned char *in, int n) { return EVP_DecodeBlock(o, in, n); }
"""

CPP_PLAIN = """\
// plain.cpp - containers and random numbers, no cryptography.
#include <random>
#include <string>
#include <unordered_map>
#include <functional>

namespace app { class Cipher { public: explicit Cipher(const std::string &n) {} }; }

int roll() {
    std::mt19937 gen(12345);
    std::seed_seq seq{1, 2, 3};
    app::Cipher caesar("rot13");
    std::unordered_map<std::string, int> hashMap;
    std::size_t h = std::hash<std::string>{}("desktop");
    auto cast = static_cast<int>(h);
    return cast + static_cast<int>(gen());
}
"""

COMMENTED_OUT = [
    ("python", "# c = AES.new(key, AES.MODE_ECB)\n# h = hashlib.md5(data)\nx = 1\n"),
    ("java", "class A {\n  // Cipher c = Cipher.getInstance(\"DES/ECB/PKCS5Padding\");\n}\n"),
    ("go", "package a\n\n// c, _ := des.NewCipher(key)\nvar x = 1\n"),
    ("c", "/* EVP_des_ede3_cbc(); MD5(buf, n, out); */\nint x;\n"),
    ("csharp", "class A {\n  // using var des = DES.Create();\n}\n"),
    ("javascript", "// const c = crypto.createCipheriv('des-ede3-cbc', key, iv);\nlet x = 1;\n"),
]

# ---- traps that currently fail ---------------------------------------------------------------

CPP_SEED_MACRO = """\
#include <cstdlib>
#include <random>
#define SEED 12345
int roll() {
    std::srand(SEED);
    std::mt19937 gen(SEED);
    return static_cast<int>(gen());
}
"""

CPP_HASH_ENUM = """\
#include <string>
enum class HashKind { MD5, SHA1, SHA256 };
enum Level { EASY, IDEA, PRESENT };
bool weak(HashKind kind) { return kind == HashKind::MD5; }
Level start() { Level lvl = IDEA; return lvl; }
"""

CPP_SNAKE_GAME = """\
// A snake game: the boss is a serpent.
class Serpent {
public:
    explicit Serpent(int len) : length(len) {}
    int length;
};
int spawn() {
    Serpent *minion = new Serpent(3);
    return minion->length;
}
"""

JAVA_LOCAL_DIGEST = """\
package org.acme.text;

public class Local {
    static class MessageDigest {
        static MessageDigest getInstance(String s) { return new MessageDigest(); }
    }
    public void run() {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
    }
}
"""

JAVA_ACCESSORS = """\
package com.acme.repo;

public class Artifact {
    private String sha256;
    private String md5;
    public String getSha256() { return sha256; }
    public void setMd5(String md5) { this.md5 = md5; }
}
"""

PYTHON_ACCESSORS = """\
class Artifact:
    def __init__(self, digest: str) -> None:
        self._digest = digest

    @property
    def sha1(self) -> str:
        return self._digest[:40]
"""

GO_ACCESSORS = """\
package repo

type Artifact struct{ Digest string }

func (a Artifact) Sha1() string { return a.Digest[:40] }
"""

TS_ACCESSORS = """\
export class Artifact {
  constructor(private readonly _sha256: string, private readonly _md5: string) {}
  get sha256(): string { return this._sha256; }
  md5(): string { return this._md5; }
}
"""

C_ACCESSORS = """\
struct artifact { char sha256[65]; };
const char *
artifact_sha256(const struct artifact *a)
{
    return a->sha256;
}
"""

PYTHON_TESTS = """\
import pytest

from myapp.upload import verify_checksum


def test_md5_is_rejected() -> None:
    with pytest.raises(ValueError):
        verify_checksum("md5", "abc")
"""

JAVA_TESTS = """\
package com.acme.upload;

import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Test;

class UploadTest {
    @Test
    void rejectsMd5() {
        assertThrows(IllegalArgumentException.class, () -> Upload.verify("MD5", "x"));
    }
}
"""

GO_TESTS = """\
package upload

import "testing"

func TestRejectsMD5(t *testing.T) {
	if err := Verify("md5", "x"); err == nil {
		t.Fatal("md5 must be rejected")
	}
}
"""

CSHARP_TESTS = """\
using Xunit;

namespace Acme.Upload.Tests
{
    public class UploadTests
    {
        [Fact]
        public void AcceptsSha256() => Upload.Verify("SHA256", "x");
    }
}
"""

JS_TESTS = """\
const { verify } = require('../src/upload');

function rejectsMd5() { return verify('md5', 'x'); }
module.exports = { rejectsMd5 };
"""

C_TESTS = """\
#include <assert.h>
#include "upload.h"
static void test_rejects_md5(void) { assert(verify("md5", "x") != 0); }
int main(void) { test_rejects_md5(); return 0; }
"""

PYTHON_EXCEPTION = """\
from myapp.upload import ChecksumError


class Md5MismatchError(ChecksumError):
    \"\"\"Raised when a client-supplied checksum does not match.\"\"\"
"""

JAVA_EXCEPTION = """\
package com.acme.upload;

class Md5MismatchException extends RuntimeException {}
"""

CSHARP_EXCEPTION = """\
namespace Acme.Upload
{
    public class Md5MismatchException : System.Exception { }
}
"""

JS_EXCEPTION = """\
class Md5MismatchError extends Error {}
module.exports = { Md5MismatchError };
"""

PYTHON_FRENCH = """\
def liste_des_produits(des_prix):
    return [p for p in des_prix]
"""

JAVA_FRENCH = """\
class Catalogue {
    String listeDesPrix() { return ""; }
}
"""

JS_FRENCH = """\
export function listeDesProduits(p) { return p; }
"""

PYTHON_NETWORK = """\
def dh_lease_time(opts):
    return opts.get(51)


def dsa_score(student):
    return student.grade
"""

JS_SHA1_PARAMETER = """\
const db = require('./db');
function save(file, sha1) {
  const key = sha1(file.name);
  return db.put(key, file);
}
"""

_BARE_CPP = ("cpp.cryptopp.bare-* rules (syntax: reference, no namespace) match any identifier "
             "spelled like a Crypto++ class, in files that never include Crypto++")
_ACCESSOR = "<language>.definition reports getters/properties named after a stored digest"
_TESTNAME = "<language>.definition reports test functions named after the algorithm they test"
_EXCEPTION = "<language>.definition reports exception classes named after an algorithm"
_FRENCH = "'des' (French article) in identifiers reads as DES; it is not a common word"
_SNAKE = "short names DH/DSA at the start of snake_case names are read as algorithms"

TRAPS = [
    pytest.param("java", JAVA_SERVICE, id="java-service"),
    pytest.param("java", JAVA_RECORDS, id="java-records"),
    pytest.param("python", PYTHON_UTILS, id="python-utils"),
    pytest.param("python", PYTHON_RECORDS, id="python-records"),
    pytest.param("go", GO_STORE, id="go-store"),
    pytest.param("go", GO_RECORDS, id="go-records"),
    pytest.param("c", C_STORAGE, id="c-storage"),
    pytest.param("c", C_RECORDS, id="c-records"),
    pytest.param("cpp", CPP_PLAIN, id="cpp-plain"),
    pytest.param("javascript", JS_SESSION, id="js-session"),
    pytest.param("typescript", TS_COMPONENT, id="ts-component"),
    pytest.param("typescript", TS_MARKUP, id="ts-markup"),
    pytest.param("csharp", CSHARP_ARTIFACT, id="csharp-artifact"),
    *(pytest.param(lang, code, id=f"commented-{lang}") for lang, code in COMMENTED_OUT),
    # currently failing
    pytest.param("cpp", CPP_SEED_MACRO, id="cpp-seed-macro"),
    pytest.param("cpp", CPP_HASH_ENUM, id="cpp-hash-enum"),
    pytest.param("cpp", CPP_SNAKE_GAME, id="cpp-serpent-class",
                 marks=pytest.mark.xfail(strict=True, reason=_BARE_CPP + " (Serpent)")),
    pytest.param("java", JAVA_LOCAL_DIGEST, id="java-local-class",
                 marks=pytest.mark.xfail(strict=True, reason="suffix match ignores a class "
                                         "of the same name declared in the file")),
    pytest.param("java", JAVA_ACCESSORS, id="java-accessors"),
    pytest.param("python", PYTHON_ACCESSORS, id="python-accessors"),
    pytest.param("go", GO_ACCESSORS, id="go-accessors",
                 marks=pytest.mark.xfail(strict=True, reason=_ACCESSOR)),
    pytest.param("typescript", TS_ACCESSORS, id="ts-accessors",
                 marks=pytest.mark.xfail(strict=True, reason=_ACCESSOR)),
    pytest.param("c", C_ACCESSORS, id="c-accessors"),
    pytest.param("python", PYTHON_TESTS, id="python-test-names"),
    pytest.param("java", JAVA_TESTS, id="java-test-names"),
    pytest.param("go", GO_TESTS, id="go-test-names"),
    pytest.param("csharp", CSHARP_TESTS, id="csharp-test-names"),
    pytest.param("javascript", JS_TESTS, id="js-test-names"),
    pytest.param("c", C_TESTS, id="c-test-names"),
    pytest.param("python", PYTHON_EXCEPTION, id="python-exception"),
    pytest.param("java", JAVA_EXCEPTION, id="java-exception"),
    pytest.param("csharp", CSHARP_EXCEPTION, id="csharp-exception"),
    pytest.param("javascript", JS_EXCEPTION, id="js-exception"),
    pytest.param("python", PYTHON_FRENCH, id="python-french-des"),
    pytest.param("java", JAVA_FRENCH, id="java-french-des"),
    pytest.param("javascript", JS_FRENCH, id="js-french-des"),
    pytest.param("python", PYTHON_NETWORK, id="python-dh-dsa-words"),
    pytest.param("javascript", JS_SHA1_PARAMETER, id="js-sha1-parameter"),
]


def _confident(findings: list[Finding]) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.rule, f.algorithm, f.line, f.evidence) for f in findings
            if f.confidence != "low"]


@pytest.mark.parametrize(("language", "code"), TRAPS)
def test_trap_yields_nothing_confident(detect: Detect, language: str, code: str) -> None:
    assert _confident(detect(code, language)) == []


# ---- true positives next to the traps --------------------------------------------------------

TRUE_POSITIVES = [
    pytest.param("java", """\
import javax.crypto.Cipher;
import java.security.MessageDigest;

public class TruePos {
    void go() throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        MessageDigest md = MessageDigest.getInstance("MD5");
    }
}
""", [("AES", 6), ("MD5", 7)], id="java"),
    pytest.param("python", """\
import hashlib
import hmac
from Crypto.Cipher import AES

def go(key, data):
    h = hashlib.md5(data).hexdigest()
    m = hmac.new(key, data, hashlib.sha256)
    c = AES.new(key, AES.MODE_ECB)
    return h, m, c
""", [("MD5", 6), ("HMAC", 7), ("SHA-256", 7), ("AES", 8)], id="python"),
    pytest.param("go", """\
package main

import (
	"crypto/aes"
	"crypto/md5"
	"crypto/sha256"
)

func main() {
	b, _ := aes.NewCipher(make([]byte, 32))
	_ = md5.Sum(nil)
	_ = sha256.New()
	_ = b
}
""", [("AES", 10), ("MD5", 11), ("SHA-256", 12)], id="go"),
    pytest.param("c", """\
#include <openssl/evp.h>
#include <openssl/md5.h>
void f(void) {
    const EVP_CIPHER *c = EVP_aes_256_cbc();
    unsigned char out[16];
    MD5((const unsigned char *)"x", 1, out);
}
""", [("AES", 4), ("MD5", 6)], id="c"),
    pytest.param("cpp", """\
#include <openssl/sha.h>
void f(const unsigned char *d, size_t n, unsigned char *out) { SHA256(d, n, out); }
""", [("SHA-256", 2)], id="cpp"),
    pytest.param("javascript", """\
const crypto = require('crypto');
const h = crypto.createHash('md5').update('x').digest('hex');
const c = crypto.createCipheriv('aes-256-cbc', key, iv);
""", [("MD5", 2), ("AES", 3)], id="javascript"),
    pytest.param("typescript", """\
import { createHash } from 'crypto';
export const digest = (s: string) => createHash('sha1').update(s).digest('hex');
export async function k() {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
}
""", [("SHA-1", 2), ("AES", 4)], id="typescript"),
    pytest.param("csharp", """\
using System.Security.Cryptography;

public class Hasher
{
    public byte[] Digest(byte[] d) => SHA256.HashData(d);
    public HMACSHA1 Mac(byte[] k) => new HMACSHA1(k);
}
""", [("SHA-256", 5), ("HMAC", 6), ("SHA-1", 6)], id="csharp"),
    pytest.param("cpp", """\
#include <QCryptographicHash>
QByteArray digest(const QByteArray &d) {
    return QCryptographicHash::hash(d, QCryptographicHash::Md5);
}
""", [("MD5", 3)], id="cpp-qt"),
]


@pytest.mark.parametrize(("language", "code", "expected"), TRUE_POSITIVES)
def test_true_positive_still_found(detect: Detect, language: str, code: str,
                                   expected: list[tuple[str, int]]) -> None:
    assert summarise(detect(code, language)) == expected


MIXED_PY = """\
import hashlib
import random
import zlib

from Crypto.Cipher import AES

WEAK = ("md5", "sha1")


def fingerprint(data: bytes, sha: str) -> str:
    if sha in WEAK:
        raise ValueError("MD5 is not allowed")
    random.seed(zlib.crc32(data))
    return hashlib.sha256(data).hexdigest()


def seal(key: bytes, data: bytes) -> bytes:
    cipher = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt(data)
"""


def test_mixed_file_reports_only_the_real_uses(detect: Detect) -> None:
    findings = detect(MIXED_PY, "python")
    assert summarise(findings) == [("SHA-256", 14), ("AES", 18)]
    aes = next(f for f in findings if f.algorithm == "AES")
    assert aes.mode == "GCM"
