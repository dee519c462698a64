"""The cache of anke's own compiled data."""

from __future__ import annotations

from pathlib import Path

import pytest

from anke import cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("ANKE_CACHE_DIR", str(home))
    return home


def test_built_once_then_read_back(cache_home: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"rules": 800}

    assert cache.built_once("rules-k1.pickle", build) == {"rules": 800}
    assert cache.built_once("rules-k1.pickle", build) == {"rules": 800}
    assert len(calls) == 1
    assert (cache_home / "rules-k1.pickle").is_file()


def test_damaged_entry_is_rebuilt(cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / "rules-k2.pickle").write_bytes(b"not a pickle")
    assert cache.built_once("rules-k2.pickle", lambda: [1, 2]) == [1, 2]
    assert cache.built_once("rules-k2.pickle", lambda: [3]) == [1, 2]


def test_key_follows_file_bytes(tmp_path: Path) -> None:
    data = tmp_path / "a.yaml"
    data.write_text("x: 1\n")
    first = cache.files_key("rules", [data])
    assert cache.files_key("rules", [data]) == first
    data.write_text("x: 2\n")
    assert cache.files_key("rules", [data]) != first
    assert cache.files_key("catalog", [data]).startswith("catalog-")


def test_old_entries_of_a_kind_are_pruned(cache_home: Path) -> None:
    for index in range(12):
        cache.write_entry(f"rules-{index:02d}.pickle", b"x")
    cache.write_entry("catalog-00.pickle", b"y")
    rules = sorted(p.name for p in cache_home.glob("rules-*"))
    assert len(rules) == 8 and "rules-11.pickle" in rules
    assert (cache_home / "catalog-00.pickle").is_file()


def test_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ANKE_CACHE_DIR", str(blocker / "sub"))
    assert cache.built_once("rules-k3.pickle", lambda: 7) == 7
