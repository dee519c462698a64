"""Debian control files: a source package's debian/control, and the control file inside a
.deb built here with dpkg-deb and unpacked by anke's archive reader."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from manifests_helpers import detector, notes, rows, scan

from anke.inputs.archives import ArchiveLimits, Budget, Unpacked, expand, sniff

BINARY_CONTROL = """\
Package: libssl3
Source: openssl
Version: 3.0.15-1~deb12u1
Architecture: amd64
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Depends: libc6 (>= 2.34)
Section: libs
Priority: optional
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL and TLS
 cryptographic protocols for secure communication over the Internet.
"""

APP_CONTROL = """\
Package: teller
Version: 2.3-1
Architecture: amd64
Depends: libc6 (>= 2.34), libssl3 (>= 3.0.0) | libssl1.1,
 libgcrypt20 (= 1.10.1-3), python3
Description: a bank teller
"""


def test_binary_control_names_the_library_itself() -> None:
    path = "libssl3_3.0.15-1~deb12u1_amd64.deb!/control.tar.xz!/./control"
    assert rows(path, BINARY_CONTROL) == [
        ("OpenSSL", "3.0.15-1~deb12u1", "pkg:deb/debian/libssl3@3.0.15-1~deb12u1", 1)]
    found = scan(path, BINARY_CONTROL).findings[0]
    assert found.evidence == "Package: libssl3 (3.0.15-1~deb12u1)"
    assert found.rule == "manifests.debian-control"


def test_binary_control_depends() -> None:
    assert rows("teller_2.3-1_amd64.deb!/control.tar.gz!/control", APP_CONTROL) == [
        ("OpenSSL", ">= 3.0.0", "pkg:deb/debian/libssl3", 4),
        ("libgcrypt", "= 1.10.1-3", "pkg:deb/debian/libgcrypt20@1.10.1-3", 5),
    ]
    found = scan("teller.deb!/control.tar.gz!/control", APP_CONTROL).findings
    assert found[0].evidence == "Depends: libssl3 (>= 3.0.0)"


SOURCE_CONTROL = """\
Source: teller
Section: net
Build-Depends: debhelper-compat (= 13),
               libssl-dev,
               libsodium-dev (>= 1.0.18) <!nocheck>
Standards-Version: 4.6.2

# the library package
Package: libteller1
Architecture: any
Depends: ${shlibs:Depends}, ${misc:Depends}, libnss3
Description: teller library
"""


def test_source_control() -> None:
    assert rows("teller-2.3/debian/control", SOURCE_CONTROL) == [
        ("OpenSSL", None, "pkg:deb/debian/libssl-dev", 4),
        ("libsodium", ">= 1.0.18", "pkg:deb/debian/libsodium-dev", 5),
        ("NSS", None, "pkg:deb/debian/libnss3", 11),
    ]


def test_control_only_where_debian_puts_it() -> None:
    assert not detector().handles("src/ui/control", b"Package: x\n")
    assert detector().handles("x.deb!/control.tar.zst!/./control", b"")
    assert detector().handles("pkg/DEBIAN/control", b"")


def test_control_corrupt() -> None:
    assert notes("debian/control", "Package libssl3\n") == [
        "manifests: debian-control: line 1: not a control field"]
    assert notes("debian/control", "Description: x\n") == [
        "manifests: debian-control: no Package or Source field"]


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")
def test_deb_built_and_unpacked(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(BINARY_CONTROL)
    (root / "usr" / "share" / "doc" / "libssl3").mkdir(parents=True)
    (root / "usr" / "share" / "doc" / "libssl3" / "README").write_text("x\n")
    deb = tmp_path / "libssl3_3.0.15-1~deb12u1_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
                   check=True, capture_output=True)
    data = deb.read_bytes()
    kind = sniff(data[:512])
    assert kind is not None
    members = [m for m in expand(deb.name, io.BytesIO(data), kind, len(data),
                                 Budget(ArchiveLimits())) if isinstance(m, Unpacked)]
    findings = []
    for member in members:
        if detector().handles(member.path, member.data[:4096]):
            result = detector().detect(member.path, member.data)
            assert result.notes == []
            findings.extend(result.findings)
    assert [(f.path, f.library, f.version, f.purl) for f in findings] == [
        (f"{deb.name}!/control.tar.xz!/control", "OpenSSL", "3.0.15-1~deb12u1",
         "pkg:deb/debian/libssl3@3.0.15-1~deb12u1")]
