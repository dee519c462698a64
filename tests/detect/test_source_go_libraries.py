"""The source-api detector on third-party Go libraries: golang-jwt, go-jose, x/crypto/ssh key
algorithm names and BLAKE3, and code that only talks about algorithms."""

from __future__ import annotations

from conftest import Detect, summarise
from conftest import finding_at as _one

AUTH_GO = """\
// Package auth issues and checks tokens for the API gateway.
package auth

import (
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/zeebo/blake3"
	"golang.org/x/crypto/ssh"
	zblake "lukechampine.com/blake3"
)

var hostKeyAlgorithms = []string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256}

func Issue(secret []byte, sub string) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"sub": sub})
	return t.SignedString(secret)
}

func IssueRSA(key interface{}, claims jwt.Claims) (string, error) {
	return jwt.New(jwt.SigningMethodRS256).SignedString(key)
}

func KeyFunc(t *jwt.Token) (interface{}, error) {
	if _, ok := t.Method.(*jwt.SigningMethodECDSA); !ok {
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	return publicKey, nil
}

func Signer(k interface{}) (jose.Signer, error) {
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.ES384, Key: k}, nil)
}

func Encrypter(pub interface{}) (jose.Encrypter, error) {
	return jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP, Key: pub}, nil)
}

func Fingerprint(b []byte) [32]byte {
	return blake3.Sum256(b)
}

func Tree(b []byte) []byte {
	h := zblake.New(64, nil)
	h.Write(b)
	return h.Sum(nil)
}

var errAlg = errors.New("HS256 tokens are rejected")
"""

TRAPS_GO = """\
// Package policy lists the algorithms we refuse: HS256, RS256 with short keys, MD5.
package policy

import (
	"errors"
	"strings"

	"example.com/internal/jwt"
	"example.com/internal/sign"
)

const description = "tokens use ES256; blake3 fingerprints"

var sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"

func Check(alg string) error {
	if strings.EqualFold(alg, "HS256") || alg == "none" {
		return errors.New("HS256 is not allowed, use ES256")
	}
	return nil
}

func Shape(desktop bool) string {
	s := sign.New("RS256")
	_ = jwt.Parse(sha, s)
	return description
}
"""




def test_go_library_findings(detect: Detect) -> None:
    findings = detect(AUTH_GO, "go")
    assert summarise(findings) == [
        ("ECDSA", 15), ("Ed25519", 15),
        ("HMAC", 18), ("SHA-512", 18),
        ("RSA", 22),  # func IssueRSA: a definition
        ("RSA", 23), ("SHA-256", 23),
        ("ECDSA", 27),  # *jwt.SigningMethodECDSA in the key function
        ("ECDSA", 34), ("SHA-384", 34),
        ("AES", 38), ("RSA", 38),
        ("BLAKE3", 42),
        ("BLAKE3", 46),
    ]


def test_go_library_parameters(detect: Detect) -> None:
    findings = detect(AUTH_GO, "go")
    assert _one(findings, "ECDSA", 15).curve == "P-256"
    assert _one(findings, "RSA", 22).rule == "go.definition"
    assert _one(findings, "RSA", 23).padding == "PKCS1v15"
    assert _one(findings, "ECDSA", 34).curve == "P-384"
    aes = _one(findings, "AES", 38)
    assert (aes.mode, aes.key_bits) == ("GCM", 256)


def test_go_library_traps(detect: Detect) -> None:
    findings = detect(TRAPS_GO, "go")
    assert summarise(findings) == []


def test_unaliased_package_names(detect: Detect) -> None:
    code = (
        "package p\n"
        "import (\n"
        "\t\"github.com/dgrijalva/jwt-go\"\n"
        "\t\"gopkg.in/square/go-jose.v2\"\n"
        ")\n"
        "var m = jwt.SigningMethodPS384\n"
        "var k = jose.ECDH_ES_A128KW\n"
    )
    findings = detect(code, "go")
    assert summarise(findings) == [("RSA", 6), ("SHA-384", 6), ("AES", 7), ("ECDH", 7)]
    assert _one(findings, "RSA", 6).padding == "PSS"


def test_go_jose_import_binds_package_name(detect: Detect) -> None:
    code = (
        "package p\n"
        "import \"github.com/go-jose/go-jose/v4\"\n"
        "var a = jose.RS256\n"
    )
    findings = detect(code, "go")
    assert {f.rule for f in findings} == {"go.jose.algorithm"}
