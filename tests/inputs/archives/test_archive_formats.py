"""Every supported container unpacks into its members, named ``outer!/inner``."""

from __future__ import annotations

import bz2
import io
import lzma

import py7zr
import zstandard
from archive_builders import deb_bytes, rpm_bytes, tar_bytes, zip_bytes

from anke.inputs.archives import ArchiveLimits, Budget, Refused, Unpacked, expand, sniff

SOURCE = b"import hashlib\nhashlib.sha256(b'x')\n"


def unpack(name: str, data: bytes, limits: ArchiveLimits | None = None
           ) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    kind = sniff(data[:512])
    assert kind is not None, name
    found: dict[str, bytes] = {}
    refused: list[tuple[str, str]] = []
    for item in expand(name, io.BytesIO(data), kind, len(data), Budget(limits or ArchiveLimits())):
        if isinstance(item, Unpacked):
            found[item.path] = item.data
        else:
            assert isinstance(item, Refused)
            refused.append((item.path, item.reason))
    return found, refused


def test_zip_and_its_kin() -> None:
    for name in ("app.zip", "lib.jar", "pkg.whl", "app.apk", "lib.nupkg", "app.war"):
        found, refused = unpack(name, zip_bytes({"a/x.py": SOURCE, "b.txt": b"hello"}))
        assert found == {f"{name}!/a/x.py": SOURCE, f"{name}!/b.txt": b"hello"}
        assert refused == []


def test_tar_in_every_compression() -> None:
    plain = tar_bytes({"pkg/x.py": SOURCE})
    zstd = zstandard.ZstdCompressor().compress(plain)
    for name, data in (("a.tar", plain), ("a.tar.gz", tar_bytes({"pkg/x.py": SOURCE}, "w:gz")),
                       ("a.tar.bz2", tar_bytes({"pkg/x.py": SOURCE}, "w:bz2")),
                       ("a.tar.xz", tar_bytes({"pkg/x.py": SOURCE}, "w:xz")),
                       ("a.tar.zst", zstd)):
        assert unpack(name, data) == ({f"{name}!/pkg/x.py": SOURCE}, []), name


def test_single_compressed_files() -> None:
    for name, data in (("x.py.bz2", bz2.compress(SOURCE)), ("x.py.xz", lzma.compress(SOURCE)),
                       ("x.py.zst", zstandard.ZstdCompressor().compress(SOURCE))):
        assert unpack(name, data) == ({f"{name}!/x.py": SOURCE}, [])


def test_debian_package_members_are_nested_tarballs() -> None:
    found, refused = unpack("demo.deb", deb_bytes({"usr/lib/x.py": SOURCE}))
    assert found == {
        "demo.deb!/debian-binary": b"2.0\n",
        "demo.deb!/control.tar.gz!/control": b"Package: demo\nVersion: 1.0\n",
        "demo.deb!/data.tar.xz!/usr/lib/x.py": SOURCE,
    }
    assert refused == []


def test_rpm_payload() -> None:
    found, refused = unpack("demo.rpm", rpm_bytes({"usr/lib/x.py": SOURCE, "etc/y": b"y"}))
    assert found == {"demo.rpm!/usr/lib/x.py": SOURCE, "demo.rpm!/etc/y": b"y"}
    assert refused == []


def test_seven_zip() -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.writestr(SOURCE, "src/x.py")
        archive.writestr(b"notes", "notes.txt")
    found, refused = unpack("a.7z", buffer.getvalue())
    assert found == {"a.7z!/src/x.py": SOURCE, "a.7z!/notes.txt": b"notes"}
    assert refused == []


def test_nested_archives_are_named_with_bangs() -> None:
    inner = zip_bytes({"com/acme/Crypto.class": b"\xca\xfe\xba\xbe"})
    middle = zip_bytes({"WEB-INF/lib/core.jar": inner})
    outer = tar_bytes({"dist/app.war": middle}, "w:gz")
    found, refused = unpack("release.tgz", outer)
    assert list(found) == ["release.tgz!/dist/app.war!/WEB-INF/lib/core.jar!/com/acme/Crypto.class"]
    assert refused == []
