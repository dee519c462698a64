"""Walking inputs: stable order, VCS folders skipped, links never followed, bounds kept."""

from __future__ import annotations

from pathlib import Path

from anke.inputs.walk import FileMember, SkippedMember, WalkLimits, walk


def _walk(root: Path, **limits: int) -> tuple[list[str], dict[str, str]]:
    files: list[str] = []
    skipped: dict[str, str] = {}
    for member in walk(root, WalkLimits(**limits)):
        if isinstance(member, FileMember):
            files.append(member.path)
        else:
            assert isinstance(member, SkippedMember)
            skipped[member.path] = member.reason
    return files, skipped


def test_files_in_stable_order_and_vcs_folders_skipped(tmp_path: Path) -> None:
    for name in ("b/z.py", "a/y.py", "a/x.py", ".git/config", ".svn/entries", "c.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    files, skipped = _walk(tmp_path)
    assert files == ["c.js", "a/x.py", "a/y.py", "b/z.py"]
    assert skipped == {}


def test_links_are_reported_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text("x")
    (tmp_path / "outside").symlink_to("/etc/passwd")
    (tmp_path / "self").symlink_to(tmp_path)
    files, skipped = _walk(tmp_path)
    assert files == ["real.py"]
    assert "not followed" in skipped["outside"] and "not followed" in skipped["self"]


def test_size_and_depth_limits(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"x" * 2000)
    (tmp_path / "small.py").write_text("x")
    deep = tmp_path / "1" / "2" / "3"
    deep.mkdir(parents=True)
    (deep / "deep.py").write_text("x")
    files, skipped = _walk(tmp_path, max_file_bytes=1000, max_depth=2)
    assert files == ["small.py"]
    assert skipped["big.bin"].startswith("size limit")
    assert skipped["1/2/3"].startswith("depth limit")


def test_single_file_root_is_named_by_its_name(tmp_path: Path) -> None:
    target = tmp_path / "lib.py"
    target.write_text("x")
    assert _walk(target) == (["lib.py"], {})
