"""Algorithm implementations shipped as bytecode: classes named after what they implement."""

from __future__ import annotations

import pytest
from classfile_javac import compile_java, needs_javac

from anke.detect.classfile import ClassFileDetector

pytestmark = needs_javac


def _cls(package: str, declaration: str) -> tuple[str, str]:
    name = declaration.split("{")[0].split()[-1] if " extends " not in declaration else (
        declaration.split(" extends ")[0].split()[-1])
    if " implements " in declaration:
        name = declaration.split(" implements ")[0].split()[-1]
    path = package.replace(".", "/") + "/" + name + ".java"
    return path, f"package {package};\npublic {declaration}\n"


SOURCES = dict([
    _cls("org.example.crypto.engines", "class SM4Engine { int[] rk = new int[32]; }"),
    _cls("org.example.crypto.engines", "class AESFastEngine { }"),
    _cls("org.example.crypto.engines", "class SEEDEngine { }"),
    _cls("org.example.crypto.digests", "class SM3Digest { }"),
    _cls("org.example.crypto.digests", "class SHAKEDigest { }"),
    _cls("org.example.crypto.generators", "class Argon2BytesGenerator { }"),
    _cls("org.example.crypto.macs", "class CMac { }"),
    # traps: about an algorithm, not of it
    _cls("org.example.crypto.engines", "class EngineException extends RuntimeException { }"),
    _cls("org.example.crypto.engines", "class DESEngineTest { }"),
    _cls("org.example.crypto.engines", "interface RC4Cipher { }"),
    _cls("org.example.crypto.params", "class SM2KeyParameters { }"),
    _cls("org.example.crypto.engines", "class SM4Parameters { }"),
    _cls("org.example.crypto.engines", "class GCMKeySpec { }"),
    _cls("org.example.crypto.prng", "class ThreadedSeedGenerator { }"),
    _cls("org.example.crypto.engines", "class MD5MismatchError extends Error { }"),
    _cls("org.example.crypto.engines", "enum SHA256Variant { A, B }"),
    _cls("com.example.shop", "class SM4Engine { }"),  # not a cryptography package
])


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str | None, str, str]]:
    classes = compile_java(tmp_path_factory.mktemp("defs"), SOURCES)
    detector = ClassFileDetector()
    out: list[tuple[str | None, str, str]] = []
    for path, data in classes.items():
        detection = detector.detect(f"lib/crypto.jar!/{path}", data)
        assert detection.notes == []
        for finding in detection.findings:
            assert finding.detector == "bytecode"
            assert finding.line is None and finding.offset is None
            out.append((finding.algorithm, finding.rule, finding.confidence.value))
            assert finding.evidence == "class " + path[:-len(".class")].replace("/", ".")
    return sorted(out, key=lambda t: t[0] or "")


def test_definitions_one_per_class(found: list[tuple[str | None, str, str]]) -> None:
    assert found == [
        ("AES", "bytecode.definition", "medium"),
        ("Argon2", "bytecode.definition", "medium"),
        ("CMAC", "bytecode.definition", "medium"),
        ("SEED", "bytecode.definition", "medium"),
        # SHAKEDigest names no size; the rule written for that class gives its default
        ("SHAKE128", "bytecode.definition", "medium"),
        ("SM3", "bytecode.definition", "medium"),
        ("SM4", "bytecode.definition", "medium"),
    ]
