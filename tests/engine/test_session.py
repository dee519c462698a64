"""The scan session: a member that breaks a detector is listed, and the rest is scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from anke.detect.source_api.detector import SourceDetector
from anke.engine import ScanOptions, scan_paths


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
