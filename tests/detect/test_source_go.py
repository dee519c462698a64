"""The source-api detector on Go: crypto/*, golang.org/x/crypto, tjfoc/gmsm and emmansun/gmsm,
and code that only talks about algorithms."""

from __future__ import annotations

from conftest import Detect, summarise
from conftest import finding_at as _one

VAULT_GO = """\
// Package vault seals records for the archive service.
package vault

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"

	"github.com/emmansun/gmsm/sm3"
	gmsm4 "github.com/emmansun/gmsm/sm4"
	"github.com/tjfoc/gmsm/sm2"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/pbkdf2"
)

const rsaBits = 4096

func Seal(key, nonce, plain []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, plain, nil), nil
}

func SealSM4(key, iv, plain []byte) []byte {
	b, _ := gmsm4.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, plain)
	return out
}

func Wrap(b cipher.Block, iv []byte) cipher.Stream {
	return cipher.NewCTR(b, iv)
}

func Checksums(data []byte) ([]byte, [16]byte) {
	h := sha512.New384()
	h.Write(data)
	return h.Sum(nil), md5.Sum(data)
}

func Sign(key, msg []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(msg)
	return mac.Sum(nil)
}

func Keys() error {
	priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte("payload"))
	_, err = rsa.SignPSS(rand.Reader, priv, crypto.SHA256, digest[:], nil)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	_, _ = ec, edPriv
	return err
}

func Derive(pw, salt []byte) ([]byte, []byte) {
	a := argon2.IDKey(pw, salt, 1, 64*1024, 4, 32)
	p := pbkdf2.Key(pw, salt, 600000, 32, sha256.New)
	return a, p
}

func Modern(key []byte) (cipher.AEAD, error) {
	return chacha20poly1305.New(key)
}

func National(msg []byte) ([32]byte, error) {
	_, err := sm2.GenerateKey(rand.Reader)
	return sm3.Sum(msg), err
}

func Harden(cfg *tls.Config) {
	cfg.CipherSuites = append(cfg.CipherSuites, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
}
"""

TRAPS_GO = """\
// Package policy decides which algorithms a tenant may configure.
// MD5, SHA-1, DES and RC4 are rejected; AES-256-GCM is the default.
package policy

import (
	"errors"
	"fmt"
	"strings"

	"example.com/app/cipher"
	"example.com/app/hash"
)

var ErrWeak = errors.New("MD5 and DES are not allowed")

type Shape struct {
	Description string
	Desktop     bool
}

const sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"

func Check(alg string) error {
	if strings.EqualFold(alg, "MD5") || alg == "DES" {
		return fmt.Errorf("algorithm %s rejected, use AES-256-GCM", alg)
	}
	return nil
}

func Label(s Shape) string {
	c := cipher.NewGCM("label")
	h := hash.New(sha)
	return fmt.Sprintf("%s %v %s %s", s.Description, s.Desktop, c, h)
}

func hashOf(x string) string { return x }
"""




def test_go_findings(detect: Detect) -> None:
    findings = detect(VAULT_GO, "go")
    assert summarise(findings) == [
        ("AES", 30),
        ("SM4", 41),  # the definition of SealSM4
        ("SM4", 42),
        ("SHA-384", 53),
        ("MD5", 55),
        ("HMAC", 59), ("SHA-256", 59),
        ("RSA", 65),
        ("SHA-256", 69),
        ("RSA", 70), ("SHA-256", 70),
        ("ECDSA", 71),
        ("Ed25519", 72),
        ("Argon2", 78),
        ("HMAC", 79), ("PBKDF2", 79), ("SHA-256", 79),
        ("ChaCha20-Poly1305", 84),
        ("SM2", 88),
        ("SM3", 89),
        ("AES", 93), ("ECDH", 93), ("RSA", 93), ("SHA-256", 93),
    ]


def test_go_parameters(detect: Detect) -> None:
    findings = detect(VAULT_GO, "go")
    assert _one(findings, "AES", 30).mode == "GCM"  # cipher.NewGCM(block) completes NewCipher
    sm4 = _one(findings, "SM4", 42)
    assert (sm4.mode, sm4.key_bits) == ("CBC", 128)
    assert _one(findings, "SM4", 41).rule == "go.definition"
    assert _one(findings, "RSA", 65).key_bits == 4096
    assert _one(findings, "RSA", 70).padding == "PSS"
    assert _one(findings, "ECDSA", 71).curve == "P-256"
    assert _one(findings, "SM2", 88).curve == "SM2P256V1"


def test_mode_of_an_unknown_block_is_not_reported(detect: Detect) -> None:
    findings = detect(VAULT_GO, "go")
    assert not [f for f in findings if f.line in (34, 49, 50) and f.confidence != "low"]


def test_import_alias_and_fork_paths(detect: Detect) -> None:
    source = """\
package p

import (
\tstdcipher "crypto/cipher"
\tsm4 "github.com/example-fork/gmsm/sm4"
\th "crypto/sha1"
)

func f(k []byte) {
\tb, _ := sm4.NewCipher(k)
\tg, _ := stdcipher.NewGCM(b)
\t_ = g
\t_ = h.Sum(k)
}
"""
    findings = detect(source, "go")
    assert summarise(findings) == [("SM4", 10), ("SHA-1", 13)]
    assert _one(findings, "SM4", 10).mode == "GCM"


def test_traps_yield_nothing(detect: Detect) -> None:
    assert summarise(detect(TRAPS_GO, "go")) == []


def test_suite_constants_in_a_composite_literal(detect: Detect) -> None:
    source = """\
package p

import "crypto/tls"

var cfg = &tls.Config{
\tCipherSuites: []uint16{
\t\ttls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
\t},
}
"""
    assert summarise(detect(source, "go")) == [
        ("AES", 7), ("ECDH", 7), ("ECDSA", 7), ("SHA-384", 7)]
