"""The source-api detector on Java libraries that wrap cryptography: Apache Commons Codec,
Guava hashing, Spring Security crypto, jjwt, auth0 java-jwt, Nimbus JOSE, Jasypt, Tink and
Shiro, and code that only looks like it uses them."""

from __future__ import annotations

from anke.findings.model import Finding
from conftest import Detect, summarise

TOKENS_JAVA = """\
package com.example.accounts;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.apache.shiro.crypto.hash.Sha256Hash;
import org.jasypt.util.text.BasicTextEncryptor;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.security.crypto.password.PasswordEncoder;

public final class AccountTokens {
    private final PasswordEncoder passwords = new BCryptPasswordEncoder(12);

    public String etag(byte[] body) {
        return DigestUtils.md5Hex(body);
    }

    public String signWebhook(byte[] key, String payload) {
        return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, key).hmacHex(payload);
    }

    public HashCode contentId(String text) {
        return Hashing.sha256().hashString(text, StandardCharsets.UTF_8);
    }

    public long bucket(String userId) {
        return Hashing.murmur3_128().hashUnencodedChars(userId).asLong();
    }

    public String session(byte[] secret, String user) {
        return Jwts.builder().setSubject(user)
                .signWith(Keys.hmacShaKeyFor(secret), SignatureAlgorithm.HS512)
                .compact();
    }

    public String apiToken(String secret) {
        return JWT.create().withIssuer("accounts").sign(Algorithm.HMAC256(secret));
    }

    public JWSHeader header() {
        return new JWSHeader(JWSAlgorithm.ES256);
    }

    public MACSigner signer(byte[] secret) throws Exception {
        return new MACSigner(secret);
    }

    public TextEncryptor vault(String password, String salt) {
        return Encryptors.stronger(password, salt) == null ? null : Encryptors.text(password, salt);
    }

    public String legacy(String password, String text) {
        BasicTextEncryptor encryptor = new BasicTextEncryptor();
        encryptor.setPassword(password);
        return encryptor.encrypt(text);
    }

    public KeysetHandle dataKeys() throws Exception {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    public String shiroHash(String password, String salt) {
        return new Sha256Hash(password, salt, 1024).toBase64();
    }
}
"""


def _of(findings: list[Finding], line: int, algorithm: str) -> Finding:
    return next(f for f in findings if f.line == line and f.algorithm == algorithm)


def test_java_libraries_fixture(detect: Detect) -> None:
    findings = detect(TOKENS_JAVA, "java")
    assert summarise(findings) == [
        ("bcrypt", 27),
        ("MD5", 30),
        ("HMAC", 34),
        ("SHA-256", 34),
        ("SHA-256", 38),
        ("HMAC", 47),
        ("HMAC", 47),
        ("SHA-512", 47),
        ("HMAC", 52),
        ("SHA-256", 52),
        ("ECDSA", 56),
        ("SHA-256", 56),
        ("HMAC", 60),
        ("AES", 64),
        ("AES", 64),
        ("HMAC", 64),
        ("HMAC", 64),
        ("PBKDF2", 64),
        ("PBKDF2", 64),
        ("SHA-1", 64),
        ("SHA-1", 64),
        ("DES", 68),
        ("MD5", 68),
        ("AES", 74),
        ("SHA-256", 78),
    ]
    cbc, gcm = sorted((f for f in findings if f.line == 64 and f.algorithm == "AES"),
                      key=lambda f: f.mode or "")
    assert (gcm.mode, gcm.key_bits) == ("GCM", 256)
    assert (cbc.mode, cbc.key_bits) == ("CBC", 256)
    assert _of(findings, 56, "ECDSA").curve == "P-256"
    tink = _of(findings, 74, "AES")
    assert (tink.mode, tink.key_bits) == ("GCM", 256)
    assert all(f.confidence == "high" for f in findings if f.line != 1)


TRAPS_JAVA = """\
package com.example.cache;

import com.example.util.DigestUtils;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import com.google.common.hash.Hashing;

/**
 * Cache keys. Previously these were md5Hex digests (DigestUtils) and SignatureAlgorithm.HS256
 * tokens; now they are murmur3_128 hashes.
 */
public final class CacheKeys {
    private static final String sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private final String description = "shape of the desktop cache, no sha256 here";

    public long key(String s) {
        return Hashing.murmur3_128().hashUnencodedChars(s).asLong();
    }

    public long checksum(byte[] data) {
        return Hashing.crc32().hashBytes(data).padToLong();
    }

    public int shard(String s, int buckets) {
        return Hashing.consistentHash(Hashing.goodFastHash(32).hashUnencodedChars(s), buckets);
    }

    public long fingerprint(byte[] data) {
        return Hashing.farmHashFingerprint64().hashBytes(data).asLong();
    }

    public BloomFilter<Integer> filter() {
        return BloomFilter.create(Funnels.integerFunnel(), 1000);
    }

    public String ownDigest(String s) {
        return DigestUtils.md5Hex(s) + DigestUtils.sha256Hex(s);
    }

    public void check(String alg) {
        if ("HS256".equals(alg) || "MD5".equals(alg)) {
            throw new IllegalArgumentException("HS256 and MD5 are not accepted: " + alg);
        }
    }
}
"""


def test_java_libraries_traps(detect: Detect) -> None:
    assert summarise(detect(TRAPS_JAVA, "java")) == []
