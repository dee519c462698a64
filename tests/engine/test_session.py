"""The scan session: a member that breaks a detector is listed, and the rest is scanned;
the listing of every member met."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest

from anke.detect.source_api.detector import SourceDetector
from anke.engine import ScanOptions, scan_paths
from anke.engine.executors.units import BIG_ARCHIVE
from anke.engine.session import scan_listing


def test_a_failing_member_is_skipped_with_its_reason(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.py").write_text("import hashlib\nhashlib.sha256()\n")
    (tmp_path / "bad.py").write_text("import hashlib\nhashlib.md5()\n")
    original = SourceDetector.detect

    def flaky(self: SourceDetector, path: str, data: bytes):  # type: ignore[no-untyped-def]
        if path == "bad.py":
            raise ValueError("boom")
        return original(self, path, data)

    monkeypatch.setattr(SourceDetector, "detect", flaky)
    document = scan_paths([tmp_path], ScanOptions(jobs=1))
    assert [(f.path, f.algorithm) for f in document.findings] == [("good.py", "SHA-256")]
    assert [(s.path, s.reason) for s in document.stats.skipped] == [
        ("bad.py", "source-api error (ValueError: boom)")]
    assert document.stats.files == 2


def test_multiple_roots_are_prefixed_by_their_names(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_text("import hashlib\nhashlib.sha1()\n")
    document = scan_paths([tmp_path / "one", tmp_path / "two"], ScanOptions(jobs=1))
    assert sorted(f.path for f in document.findings) == ["one/a.py", "two/a.py"]


def test_findings_in_tests_and_docs_are_marked(tmp_path: Path) -> None:
    for folder in ("src", "tests", "docs/examples"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.py").write_text("import hashlib\nhashlib.sha1()\n")
    document = scan_paths([tmp_path], ScanOptions(jobs=1))
    marks = {f.path: f.context for f in document.findings}
    assert marks == {"src/a.py": None, "tests/a.py": "test", "docs/examples/a.py": "example"}


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_listing_names_every_member_once_with_its_digest(tmp_path: Path,
                                                             jobs: int) -> None:
    filler = os.urandom(BIG_ARCHIVE)  # makes the outer archive one the driver expands
    inner = _tar({"x.py": b"import hashlib\nhashlib.md5()\n"})
    (tmp_path / "big.tar").write_bytes(_tar({"filler.bin": filler, "lib/inner.tar": inner,
                                             "../evil.sh": b"rm -rf /\n"}))
    (tmp_path / "small.tar").write_bytes(_tar({"a.txt": b"a\n"}))
    (tmp_path / "plain.py").write_bytes(b"x = 1\n")
    document, listed = scan_listing([tmp_path], ScanOptions(jobs=jobs, listing=True))
    assert [(item.path, item.size, item.sha256, item.reason) for item in listed] == [
        ("big.tar!/../evil.sh", None, None, "path traversal in archive member name"),
        ("big.tar!/filler.bin", len(filler), hashlib.sha256(filler).hexdigest(), None),
        ("big.tar!/lib/inner.tar!/x.py", 29,
         hashlib.sha256(b"import hashlib\nhashlib.md5()\n").hexdigest(), None),
        ("plain.py", 6, hashlib.sha256(b"x = 1\n").hexdigest(), None),
        ("small.tar!/a.txt", 2, hashlib.sha256(b"a\n").hexdigest(), None)]
    assert [f.path for f in document.findings] == ["big.tar!/lib/inner.tar!/x.py"]
    assert scan_listing([tmp_path], ScanOptions(jobs=jobs))[1] == []  # only when asked
