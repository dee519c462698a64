"""``anke scan`` end to end: outputs, exit codes and hostile input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from anke.cli.main import main

JAVA = """import javax.crypto.Cipher;

class Box {
    // MD5 is mentioned here only in a comment
    Cipher make() throws Exception {
        return Cipher.getInstance("SM4/CBC/PKCS5Padding");
    }
}
"""


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "vendor"
    (root / "src").mkdir(parents=True)
    (root / "src" / "Box.java").write_text(JAVA)
    (root / "src" / "util.py").write_text("import hashlib\nh = hashlib.sha1(b'x')\n")
    (root / ".git").mkdir()
    (root / ".git" / "hook.py").write_text("import hashlib\nhashlib.md5()\n")
    return root


def _scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["scan", "--format", "json", "-j", "1", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_json_follows_the_finding_contract(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    doc = _scan_json(capsys, str(_tree(tmp_path)))
    assert doc["tool"]["name"] == "anke"
    assert set(doc["stats"]) >= {"files", "bytes", "skipped"}
    found = {(f["path"], f["line"], f["algorithm"]) for f in doc["findings"]}
    assert found == {("src/Box.java", 6, "SM4"), ("src/util.py", 2, "SHA-1")}
    sm4 = next(f for f in doc["findings"] if f["algorithm"] == "SM4")
    assert (sm4["mode"], sm4["padding"], sm4["confidence"]) == ("CBC", "PKCS5", "high")
    assert sm4["evidence"] == 'Cipher.getInstance("SM4/CBC/PKCS5Padding")'
    assert set(sm4) == {"id", "detector", "rule", "kind", "algorithm", "primitive", "mode",
                        "padding", "key_bits", "curve", "path", "line", "column", "offset",
                        "evidence", "confidence", "library", "version", "purl", "context",
                        "certificate"}


def test_ids_are_stable_across_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _tree(tmp_path)
    first = [f["id"] for f in _scan_json(capsys, str(root))["findings"]]
    second = [f["id"] for f in _scan_json(capsys, str(root))["findings"]]
    assert first == second and len(set(first)) == len(first)


def test_table_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.txt"
    assert main(["scan", str(_tree(tmp_path)), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert "SM4" in text and "SHA-1" in text and "MD5" not in text


def test_missing_path_is_a_one_line_usage_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_bad_flag_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--format", "xml", "."])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_hostile_tree_finishes_and_lists_what_it_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "binary.py").write_bytes(b"\x00\x01ELF" + os.urandom(4096))
    (root / "latin1.py").write_bytes(b"# caf\xe9\nimport hashlib\nhashlib.md5()\n")
    (root / "loop").symlink_to(root / "loop")
    (root / "link").symlink_to(root)
    unreadable = root / "secret.py"
    unreadable.write_text("import hashlib\n")
    unreadable.chmod(0)
    deep = root
    for _ in range(70):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("import hashlib\nhashlib.sha256()\n")
    big = root / "bundle.min.js"
    filler = b"var a=1;" * (3 * 1024 * 1024 // 8)
    big.write_bytes(filler + b"require('crypto').createHash('sha512');" + filler)
    doc = _scan_json(capsys, str(root))
    reasons = {s["path"]: s["reason"] for s in doc["stats"]["skipped"]}
    assert "binary content" in reasons["binary.py"]
    assert "loop" in reasons["loop"]
    assert "not followed" in reasons["link"]
    assert any("depth limit" in r for r in reasons.values())
    assert "degraded" in reasons["bundle.min.js"]
    if os.geteuid() != 0:
        assert "cannot read" in reasons["secret.py"]
    algorithms = {(f["path"], f["algorithm"]) for f in doc["findings"]}
    assert ("latin1.py", "MD5") in algorithms
    assert ("bundle.min.js", "SHA-512") in algorithms
    big_line = next(f for f in doc["findings"] if f["path"] == "bundle.min.js")
    assert big_line["line"] == 1


def test_module_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "anke", "scan", str(tmp_path / "none")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_parallel_scan_equals_serial_scan(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for index in range(40):
        (root / f"m{index}.py").write_text(
            "import hashlib\n" + "x = 1\n" * 5000 + f"hashlib.sha{256 if index % 2 else 1}()\n")
    serial = _scan_json(capsys, str(root))["findings"]
    assert main(["scan", "--format", "json", "-j", "2", str(root)]) == 0
    parallel = json.loads(capsys.readouterr().out)["findings"]
    assert serial == parallel and len(serial) == 40
