"""``anke scan`` over what vendors ship: archives are opened, members named ``a!/b``, and a
hostile archive is reported, bounded, and leaves no file behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from anke.cli.main import main

JAVA = b"""import javax.crypto.Cipher;
class Box { Cipher c() throws Exception { return Cipher.getInstance("SM4/CBC/PKCS5Padding"); } }
"""
PYTHON = b"import hashlib\nh = hashlib.sha1(b'x')\n"


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["scan", "--format", "json", "-j", "1", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_members_of_nested_archives_are_inspected(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    inner = tmp_path / "core.jar"
    _zip(inner, {"src/Box.java": JAVA})
    _zip(tmp_path / "release.zip", {"lib/core.jar": inner.read_bytes(), "tools/t.py": PYTHON,
                                    "../evil.py": PYTHON})
    inner.unlink()
    doc = _scan(capsys, str(tmp_path))
    found = sorted((f["path"], f["line"], f["algorithm"]) for f in doc["findings"])
    assert found == [("release.zip!/lib/core.jar!/src/Box.java", 2, "SM4"),
                     ("release.zip!/tools/t.py", 2, "SHA-1")]
    assert doc["stats"]["files"] == 1 and doc["stats"]["members"] == 2
    assert doc["stats"]["skipped"] == [
        {"path": "release.zip!/../evil.py", "reason": "path traversal in archive member name"}]


def test_archive_limits_have_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = tmp_path / "n.zip"
    _zip(nested, {"a.py": PYTHON})
    data = nested.read_bytes()
    for level in range(3):
        _zip(nested, {f"l{level}.zip": data})
        data = nested.read_bytes()
    doc = _scan(capsys, "--max-nesting", "2", str(nested))
    assert doc["findings"] == []
    assert doc["stats"]["skipped"] == [{"path": "n.zip!/l2.zip!/l1.zip", "reason":
                                        "nesting depth limit: an archive 3 levels deep (limit 2)"}]
    doc = _scan(capsys, str(nested))
    assert [f["path"] for f in doc["findings"]] == ["n.zip!/l2.zip!/l1.zip!/l0.zip!/a.py"]


def test_a_bomb_is_bounded_in_memory_and_writes_nothing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for index in range(4):
            archive.writestr(f"zeros{index}.bin", b"\x00" * (120 * 1024 * 1024))
        archive.writestr("ok.py", PYTHON)
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private)}
    probe = ("import resource, subprocess, sys; "
             "r = subprocess.run(sys.argv[1:], capture_output=True); "
             "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
             "sys.stdout.write(r.stdout.decode())")
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "anke.cli.main", "scan",
         "--format", "json", "--max-ratio", "5000", "-j", "1", str(bomb)],
        capture_output=True, text=True, env=env, check=True, cwd=tmp_path)
    status, rest = done.stdout.split("\n", 1)
    code, peak_kib = (int(v) for v in status.split())
    assert code == 0
    assert peak_kib < 500 * 1024
    doc = json.loads(rest)
    assert [f["path"] for f in doc["findings"]] == ["bomb.zip!/ok.py"]
    assert os.listdir(private) == []
    assert sorted(os.listdir(tmp_path)) == ["bomb.zip", "tmp"]
