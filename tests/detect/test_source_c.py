"""The source-api detector on C and C++: OpenSSL/Tongsuo, GmSSL 3, libsodium and Mbed TLS,
and code that only talks about algorithms."""

from __future__ import annotations

import pytest

from conftest import Detect, summarise
from conftest import finding_at as _one

OPENSSL_C = """\
/* Envelope encryption helpers built on OpenSSL 3 and Tongsuo. */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/ssl.h>

static const int RSA_BITS = 3072;

int sm4_seal(const unsigned char *key, const unsigned char *iv,
             const unsigned char *in, int inl, unsigned char *out)
{
    int outl = 0, tmpl = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (EVP_EncryptInit_ex(ctx, EVP_sm4_cbc(), NULL, key, iv) != 1)
        return -1;
    EVP_EncryptUpdate(ctx, out, &outl, in, inl);
    EVP_EncryptFinal_ex(ctx, out + outl, &tmpl);
    EVP_CIPHER_CTX_free(ctx);
    return outl + tmpl;
}

int gcm_seal(const unsigned char *key, const unsigned char *iv)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    const EVP_CIPHER *cipher = EVP_aes_256_gcm();
    EVP_EncryptInit_ex(ctx, cipher, NULL, key, iv);
    EVP_CIPHER_CTX_free(ctx);
    return 0;
}

void digests(const unsigned char *msg, size_t n, unsigned char *md)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(mctx, EVP_sm3(), NULL);
    EVP_DigestUpdate(mctx, msg, n);
    EVP_DigestFinal_ex(mctx, md, NULL);
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    EVP_MD_free(sha);
    HMAC(EVP_sha256(), "k", 1, msg, n, md, NULL);
}

EVP_PKEY *keys(void)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    EVP_PKEY_keygen_init(kctx);
    EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, RSA_BITS);
    EVP_PKEY_keygen(kctx, &pkey);
    EC_KEY *ec = EC_KEY_new_by_curve_name(NID_sm2);
    EVP_PKEY_CTX *sctx = EVP_PKEY_CTX_new_id(EVP_PKEY_SM2, NULL);
    return pkey;
}

int derive(const char *pw, const unsigned char *salt, unsigned char *out)
{
    return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, 16, 210000,
                             EVP_sha512(), 32, out);
}

void tls_setup(SSL_CTX *tctx)
{
    SSL_CTX_set_cipher_list(tctx, "ECDHE-ECDSA-AES256-GCM-SHA384:!MD5");
}
"""

SODIUM_MBEDTLS_GMSSL_CPP = """\
// Token vault: libsodium for secrets, Mbed TLS for the device channel, GmSSL for SM suites.
#include <sodium.h>
#include <string>
#include <vector>
#include "mbedtls/aes.h"
#include "mbedtls/md.h"
#include "mbedtls/ecp.h"
#include <gmssl/sm4.h>

namespace vault {

class Box {
public:
    std::vector<unsigned char> seal(const std::string &msg, const unsigned char *key) {
        std::vector<unsigned char> out(msg.size() + crypto_secretbox_MACBYTES);
        unsigned char nonce[crypto_secretbox_NONCEBYTES];
        randombytes_buf(nonce, sizeof nonce);
        crypto_secretbox_easy(out.data(), reinterpret_cast<const unsigned char *>(msg.data()),
                              msg.size(), nonce, key);
        return out;
    }

    std::string password(const std::string &pw) {
        char hashed[crypto_pwhash_STRBYTES];
        crypto_pwhash_str(hashed, pw.c_str(), pw.size(), crypto_pwhash_OPSLIMIT_MODERATE,
                          crypto_pwhash_MEMLIMIT_MODERATE);
        crypto_generichash(nullptr, 0, nullptr, 0, nullptr, 0);
        return hashed;
    }
};

int device(const uint8_t *key, uint8_t iv[16], const uint8_t *in, uint8_t *out) {
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    mbedtls_aes_setkey_enc(&aes, key, 128);
    mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, 32, iv, in, out);
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_ecp_group grp;
    mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP384R1);
    return 0;
}

int sm(const uint8_t *raw, const uint8_t *iv, const uint8_t *in, size_t n, uint8_t *o, size_t *l) {
    SM4_KEY k;
    sm4_set_encrypt_key(&k, raw);
    return sm4_cbc_padding_encrypt(&k, iv, in, n, o, l);
}

}  // namespace vault
"""

TRAPS_C = """\
/*
 * Legacy notes: we used EVP_aes_128_ecb() and MD5 here before 2019; both were removed.
 * See RSA_generate_key_ex(rsa, 1024, ...) in the old tree.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/md5.h>

static const char *sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
static const char *description = "desktop shape description";

struct settings {
    int sha256_enabled;
    const char *cipher_name;
};

int reject(const char *alg)
{
    if (strcmp(alg, "MD5") == 0 || strcmp(alg, "DES") == 0) {
        fprintf(stderr, "MD5 and DES are not allowed, use AES-256-GCM\n");
        return -1;
    }
    return 0;
}

int stream(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl)
{
    /* the context was set up by the caller */
    return EVP_EncryptUpdate(ctx, out, outl, in, inl);
}

void show(const struct settings *s)
{
    printf("commit %s, sha256 %d (%s)\n", sha, s->sha256_enabled, description);
    puts("shape of the desktop");
}
"""

TRAPS_CPP = """\
// Wrapper types of our own: nothing here calls a cryptographic library.
#include <string>
#include "codec/cipher.hpp"

namespace app {

class Hasher {
public:
    std::string hash(const std::string &s) const { return s; }  // not a digest, a key
};

struct Cipher {
    explicit Cipher(const char *name) : name_(name) {}
    void update(const std::string &chunk) { buffer_ += chunk; }
    std::string name_;
    std::string buffer_;
};

int run(const std::string &alg) {
    if (alg == "MD5" || alg == "SHA1") {
        throw std::runtime_error("MD5/SHA1 rejected by policy");
    }
    Cipher c("AES");  // a codec label, not AES
    c.update("shape");
    auto *plain = new Cipher("RC4");
    Hasher h;
    std::string sha = "3f786850e387550fdab836ed7e6dc881de23001b";
    delete plain;
    return static_cast<int>(h.hash(sha).size());
}

}  // namespace app
"""




def test_openssl_c_findings(detect: Detect) -> None:
    findings = detect(OPENSSL_C, "c")
    assert summarise(findings) == [
        ("SM4", 11),  # the definition of sm4_seal
        ("SM4", 16),
        ("AES", 27),
        ("SM3", 36),
        ("SHA-256", 39),
        ("HMAC", 41), ("SHA-256", 41),
        ("RSA", 47),
        ("RSA", 49),
        ("EC", 51),
        ("SM2", 52),
        ("HMAC", 58), ("PBKDF2", 58), ("SHA-512", 58),
        ("AES", 64), ("ECDH", 64), ("ECDSA", 64), ("SHA-384", 64),
    ]


def test_openssl_c_parameters(detect: Detect) -> None:
    findings = detect(OPENSSL_C, "c")
    assert _one(findings, "SM4", 11).rule == "c.definition"
    assert _one(findings, "SM4", 11).confidence == "medium"
    assert _one(findings, "SM4", 16).mode == "CBC"
    gcm = _one(findings, "AES", 27)
    assert (gcm.mode, gcm.key_bits) == ("GCM", 256)
    assert _one(findings, "RSA", 49).key_bits == 3072
    assert _one(findings, "EC", 51).curve == "SM2P256V1"


def test_openssl_outer_calls_do_not_repeat_the_inner_getter(detect: Detect) -> None:
    findings = detect(OPENSSL_C, "c")
    on_line_16 = [f for f in findings if f.line == 16 and f.confidence != "low"]
    assert [(f.algorithm, f.rule) for f in on_line_16] == [("SM4", "c.openssl.evp-getter")]
    assert not [f for f in findings if f.evidence.startswith(("EVP_EncryptUpdate",
                                                                 "EVP_CIPHER_CTX_new"))]


def test_cpp_libraries(detect: Detect) -> None:
    findings = detect(SODIUM_MBEDTLS_GMSSL_CPP, "cpp")
    assert summarise(findings) == [
        ("Poly1305", 18), ("XSalsa20", 18),
        ("Argon2", 25),
        ("BLAKE2b", 27),
        ("AES", 35),
        ("AES", 36),
        ("SHA-256", 37),
        ("EC", 39),
        ("SM4", 45),
        ("SM4", 46),
    ]
    assert _one(findings, "AES", 35).key_bits == 128
    assert _one(findings, "AES", 36).mode == "CBC"
    assert _one(findings, "EC", 39).curve == "P-384"
    assert _one(findings, "SM4", 46).mode == "CBC"


@pytest.mark.parametrize(("source", "language"), [(TRAPS_C, "c"), (TRAPS_C, "cpp"),
                                                  (TRAPS_CPP, "cpp")])
def test_traps_yield_nothing(detect: Detect, source: str, language: str) -> None:
    assert summarise(detect(source, language)) == []


def test_numeric_define_gives_key_size(detect: Detect) -> None:
    source = ("#include <openssl/rsa.h>\n#define KEY_BITS 2048\n"
              "void g(RSA *r, BIGNUM *e) { RSA_generate_key_ex(r, KEY_BITS, e, NULL); }\n")
    findings = detect(source, "c")
    assert summarise(findings) == [("RSA", 3)]
    assert _one(findings, "RSA", 3).key_bits == 2048
