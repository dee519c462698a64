"""The symbols detector on binaries the test compiles itself with gcc."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from anke.catalog import load_catalog
from anke.detect.symbols import SymbolsDetector

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")

LIBRARY = r"""
#include <string.h>
static const char *names[] = {"AES-256-GCM", "sm3", "description", "seed", "SEED-CBC",
                              "sha256WithRSAEncryption", "Serpent failed", "des"};
int sm4_encrypt(unsigned char *out, const unsigned char *in) { memcpy(out, in, 16); return 0; }
int nettle_arctwo_set_key(void *ctx) { return ctx != 0; }
void rand_seed(const void *buf, int n) { (void)buf; (void)n; }
int crypto_scalarmult_curve25519(unsigned char *q) { return q[0]; }
const char *describe(int i) { return names[i & 7]; }
int EVP_sm4_cbc(void) { return 4; }
"""
PROGRAM = r"""
int EVP_sm4_cbc(void);
int main(void) { return EVP_sm4_cbc(); }
"""


def _build(tmp_path: Path) -> tuple[bytes, bytes]:
    (tmp_path / "lib.c").write_text(LIBRARY)
    (tmp_path / "main.c").write_text(PROGRAM)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", "libdemo.so", "lib.c"],
                   cwd=tmp_path, check=True)
    subprocess.run(["gcc", "-o", "demo", "main.c", "-L.", "-ldemo"], cwd=tmp_path, check=True)
    return (tmp_path / "libdemo.so").read_bytes(), (tmp_path / "demo").read_bytes()


def _summary(data: bytes, path: str) -> set[tuple[str, str | None]]:
    detector = SymbolsDetector(load_catalog())
    assert detector.handles(path, data[:4096])
    return {(f.rule, f.algorithm) for f in detector.detect(path, data).findings}


def test_exports_and_strings_of_a_shared_library(tmp_path: Path) -> None:
    library, _program = _build(tmp_path)
    assert _summary(library, "libdemo.so") == {
        ("symbols.export", "SM4"),
        ("symbols.export", "RC2"),
        ("symbols.export", "X25519"),
        ("symbols.string", "AES"),
        ("symbols.string", "SM3"),
        ("symbols.string", "SEED"),
        ("symbols.string", "SHA-256"),
        ("symbols.string", "RSA"),
    }


def test_imports_of_a_program(tmp_path: Path) -> None:
    _library, program = _build(tmp_path)
    assert ("symbols.import", "SM4") in _summary(program, "demo")


def test_offsets_point_at_the_evidence(tmp_path: Path) -> None:
    library, _program = _build(tmp_path)
    findings = SymbolsDetector(load_catalog()).detect("libdemo.so", library).findings
    string = next(f for f in findings if f.rule == "symbols.string" and f.algorithm == "AES")
    assert string.offset is not None
    assert library[string.offset:string.offset + 11] == b"AES-256-GCM"


def test_not_a_binary_and_a_corrupt_one() -> None:
    detector = SymbolsDetector(load_catalog())
    assert not detector.handles("a.txt", b"hello")
    broken = detector.detect("x.so", b"\x7fELF" + b"\x00" * 60 + b"\x00AES-128-CBC\x00")
    assert [(f.algorithm, f.rule) for f in broken.findings] == [("AES", "symbols.string")]
    assert all(n.reason.startswith("degraded: not parsed as ELF") for n in broken.notes)
