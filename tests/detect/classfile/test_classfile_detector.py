"""The bytecode detector on classes javac compiles here: JCA calls, Bouncy Castle
constructors, follow-up calls, constants javac inlines, classes without line numbers, traps,
and malformed class files."""

from __future__ import annotations

from pathlib import Path

import pytest
from classfile_javac import compile_java, needs_javac

from anke.detect.base import Detection
from anke.detect.classfile import ClassFileDetector
from anke.findings.model import Finding

pytestmark = needs_javac

CRYPTO = """\
package com.acme;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;

public class Crypto {
    private static final String HASH = "SM3";

    public byte[] encrypt(byte[] m) throws Exception {
        Cipher c = Cipher.getInstance("SM4/CBC/PKCS5Padding");
        return c.doFinal(m);
    }

    public byte[] digest(byte[] d) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(d);
    }

    public byte[] national(byte[] d) throws Exception {
        return MessageDigest.getInstance(HASH).digest(d);
    }

    public KeyPair keys() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(2048);
        return kpg.generateKeyPair();
    }

    public Mac mac() throws Exception {
        return Mac.getInstance("HmacSHA256");
    }

    void check(String algorithm) {
        if ("MD5".equals(algorithm)) {
            throw new IllegalArgumentException("MD5 is not allowed");
        }
    }
}
"""

USER_CIPHER = """\
package com.example.text;

public class Cipher {
    public static Cipher getInstance(String name) { return new Cipher(); }
}
"""

USES_USER_CIPHER = """\
package com.example.text;

public class Rot {
    Object make() { return Cipher.getInstance("AES"); }
}
"""

BC_STUBS = {
    # stand-ins with Bouncy Castle's names: the detector reads names, not library code
    "org/bouncycastle/crypto/BlockCipher.java":
        "package org.bouncycastle.crypto;\npublic interface BlockCipher {}\n",
    "org/bouncycastle/crypto/engines/SM4Engine.java":
        "package org.bouncycastle.crypto.engines;\n"
        "public class SM4Engine implements org.bouncycastle.crypto.BlockCipher {}\n",
    "org/bouncycastle/crypto/modes/GCMBlockCipher.java":
        "package org.bouncycastle.crypto.modes;\n"
        "public class GCMBlockCipher {\n"
        "    public GCMBlockCipher(org.bouncycastle.crypto.BlockCipher c) {}\n}\n",
}

USES_BC = """\
package com.acme;

import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;

public class Gcm {
    Object make() {
        return new GCMBlockCipher(new SM4Engine());
    }
}
"""


@pytest.fixture(scope="module")
def detector() -> ClassFileDetector:
    return ClassFileDetector()


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("javac")
    return compile_java(root, {"com/acme/Crypto.java": CRYPTO,
                               "com/example/text/Cipher.java": USER_CIPHER,
                               "com/example/text/Rot.java": USES_USER_CIPHER,
                               "com/acme/Gcm.java": USES_BC, **BC_STUBS})


def _run(detector: ClassFileDetector, classes: dict[str, bytes], name: str) -> Detection:
    return detector.detect(f"lib/app.jar!/{name}", classes[name])


def _summary(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((f.rule, f.algorithm, f.mode, f.padding, f.key_bits, f.line, f.offset,
                   f.evidence) for f in findings)


def test_jca_calls_with_their_constants(detector: ClassFileDetector,
                                        compiled: dict[str, bytes]) -> None:
    detection = _run(detector, compiled, "com/acme/Crypto.class")
    assert detection.notes == []
    assert detection.parsed  # its methods were walked
    assert _summary(detection.findings) == [
        ("java.jca.cipher", "SM4", "CBC", "PKCS5", None, 13, None,
         'com.acme.Crypto.encrypt(): Cipher.getInstance("SM4/CBC/PKCS5Padding")'),
        ("java.jca.key-pair-generator", "RSA", None, None, 2048, 26, None,
         'com.acme.Crypto.keys(): KeyPairGenerator.getInstance("RSA")'),
        ("java.jca.mac", "HMAC", None, None, None, 32, None,
         'com.acme.Crypto.mac(): Mac.getInstance("HmacSHA256")'),
        ("java.jca.mac", "SHA-256", None, None, None, 32, None,
         'com.acme.Crypto.mac(): Mac.getInstance("HmacSHA256")'),
        ("java.jca.message-digest", "SHA-256", None, None, None, 18, None,
         'com.acme.Crypto.digest(): MessageDigest.getInstance("SHA-256")'),
        # a static final String is inlined by javac: the constant is at the call
        ("java.jca.message-digest", "SM3", None, None, None, 22, None,
         'com.acme.Crypto.national(): MessageDigest.getInstance("SM3")'),
    ]
    finding = next(f for f in detection.findings if f.algorithm == "SM4")
    assert finding.detector == "bytecode"
    assert finding.path == "lib/app.jar!/com/acme/Crypto.class"
    assert finding.confidence == "high"
    assert finding.primitive == "block-cipher"
    assert finding.id == Finding.make_id("java.jca.cipher", finding.path, 13, None,
                                         finding.evidence, "SM4")


def test_md5_in_a_message_is_no_finding(detector: ClassFileDetector,
                                        compiled: dict[str, bytes]) -> None:
    findings = _run(detector, compiled, "com/acme/Crypto.class").findings
    assert [f for f in findings if f.algorithm == "MD5"] == []


def test_a_user_class_named_cipher_is_not_the_jca(detector: ClassFileDetector,
                                                  compiled: dict[str, bytes]) -> None:
    assert _run(detector, compiled, "com/example/text/Rot.class").findings == []
    assert _run(detector, compiled, "com/example/text/Cipher.class").findings == []


def test_constructor_argument_is_read_through_the_wrapper(
        detector: ClassFileDetector, compiled: dict[str, bytes]) -> None:
    detection = _run(detector, compiled, "com/acme/Gcm.class")
    assert [(f.algorithm, f.mode, f.line, f.evidence) for f in detection.findings] == [
        ("SM4", "GCM", 8, "com.acme.Gcm.make(): new GCMBlockCipher(new SM4Engine())"),
    ]


def test_without_line_numbers_the_offset_locates(detector: ClassFileDetector,
                                                 tmp_path: Path) -> None:
    classes = compile_java(tmp_path, {"com/acme/Crypto.java": CRYPTO}, "-g:none")
    findings = detector.detect("app.jar!/com/acme/Crypto.class",
                               classes["com/acme/Crypto.class"]).findings
    digest = [f for f in findings if f.algorithm == "SHA-256" and f.rule.endswith("digest")]
    assert len(digest) == 1
    assert digest[0].line is None
    assert digest[0].offset == 2  # ldc #n (2 bytes), then the invokestatic
    assert sorted({f.algorithm or "" for f in findings}) == ["HMAC", "RSA", "SHA-256", "SM3",
                                                             "SM4"]
    assert all(f.line is None and f.offset is not None for f in findings)


def test_handles_class_members_and_magic(detector: ClassFileDetector) -> None:
    assert detector.handles("a.jar!/A.class", b"")
    assert detector.handles("blob", b"\xca\xfe\xba\xbe\x00\x00\x00\x3d")
    assert not detector.handles("fat-binary", b"\xca\xfe\xba\xbe\x00\x00\x00\x02")
    assert not detector.handles("a.java", b"class A {}")


def test_truncated_class_is_a_note(detector: ClassFileDetector,
                                   compiled: dict[str, bytes]) -> None:
    data = compiled["com/acme/Crypto.class"]
    for cut in (3, 10, len(data) // 2, len(data) - 1):
        detection = detector.detect("x.jar!/com/acme/Crypto.class", data[:cut])
        assert detection.findings == []
        assert len(detection.notes) == 1
        assert detection.notes[0].path == "x.jar!/com/acme/Crypto.class"
        assert detection.notes[0].reason.startswith("malformed class file: ")


def test_not_a_class_behind_the_extension_is_a_note(detector: ClassFileDetector) -> None:
    detection = detector.detect("A.class", b"PK\x03\x04 not a class")
    assert detection.findings == []
    assert [n.reason for n in detection.notes] == ["malformed class file: no CAFEBABE magic"]


def test_corrupt_bytes_never_raise(detector: ClassFileDetector,
                                   compiled: dict[str, bytes]) -> None:
    data = bytearray(compiled["com/acme/Crypto.class"])
    for position in range(8, len(data), 7):  # flip bytes all over the file
        mutated = bytearray(data)
        mutated[position] ^= 0xFF
        detection = detector.detect("m.class", bytes(mutated))
        assert isinstance(detection, Detection)


EC = """\
package com.acme;

import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;

public class Ec {
    void make() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
    }

    Object either(boolean legacy) throws Exception {
        return MessageDigest.getInstance(legacy ? "MD5" : "SHA-256");
    }
}
"""


def test_follow_up_with_a_constructed_argument_and_a_merge(detector: ClassFileDetector,
                                                           tmp_path: Path) -> None:
    classes = compile_java(tmp_path, {"com/acme/Ec.java": EC})
    findings = detector.detect("Ec.class", classes["com/acme/Ec.class"]).findings
    assert sorted((f.rule, f.algorithm, f.curve, f.line, f.confidence.value)
                  for f in findings) == [
        ("java.jca.key-pair-generator", "EC", "P-384", 9, "high"),
        # either constant may reach the call: the walk says neither rather than guess
        ("java.jca.message-digest", None, None, 14, "low"),
    ]
