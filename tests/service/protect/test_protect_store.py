"""Blob stores: a directory or an fsspec URL, strict keys, atomic writes."""

from __future__ import annotations

import io
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import fsspec  # type: ignore[import-untyped]
import pytest
from blob_factory import DATA_KEY

from anke.errors import AnkeError
from anke.service.protect.blobs import TooLarge, decrypt_stream, encrypt_stream
from anke.service.protect.store import (
    BlobNotFoundError,
    BlobStore,
    DirectoryStore,
    FsspecStore,
    new_blob_key,
    open_store,
)

VALID = "ab/ab" + "0" * 30
BAD_KEYS = [
    "",
    "../etc/passwd",
    "/etc/passwd",
    "ab/../../etc/passwd",
    "ab/ab" + "0" * 29,
    "ab/ab" + "0" * 31,
    "ab/cd" + "0" * 30,
    "AB/AB" + "0" * 30,
    "ab\\ab" + "0" * 30,
    "ab/ab" + "0" * 30 + "/x",
    "ab/ab" + "0" * 30 + "\n",
    "./ab/ab" + "0" * 30,
    "ab//ab" + "0" * 30,
    "ab/.tmp-" + "0" * 27,
]


@pytest.fixture()
def memory_url() -> Iterator[str]:
    """A fresh memory:// root, removed afterwards."""
    name = f"anke-test-{secrets.token_hex(8)}"
    yield f"memory://{name}/blobs"
    fs = fsspec.filesystem("memory")
    if fs.exists(f"/{name}"):
        fs.rm(f"/{name}", recursive=True)


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_new_blob_keys() -> None:
    keys = {new_blob_key() for _ in range(1000)}
    assert len(keys) == 1000
    for key in keys:
        assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", key)
        assert key[:2] == key[3:5]


def test_directory_round_trip_and_modes(tmp_path: Path) -> None:
    root = tmp_path / "data" / "blobs"
    store = DirectoryStore(root)
    assert isinstance(store, BlobStore)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    key = new_blob_key()
    assert not store.exists(key)
    with store.open_write(key) as handle:
        handle.write(b"encrypted bytes")
    assert store.exists(key)
    path = root / key
    assert path.read_bytes() == b"encrypted bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with store.open_read(key) as handle:
        assert handle.read() == b"encrypted bytes"
    assert files_under(root) == [key]
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    assert files_under(root) == []


def test_directory_existing_root_and_file_root(tmp_path: Path) -> None:
    DirectoryStore(tmp_path)
    assert tmp_path.is_dir()
    plain = tmp_path / "file"
    plain.write_text("x")
    with pytest.raises(AnkeError) as caught:
        DirectoryStore(plain)
    assert str(caught.value) == f"blob store {plain}: not a directory"


def test_directory_missing_blob(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    with pytest.raises(BlobNotFoundError) as caught, store.open_read(VALID):
        pass
    assert str(caught.value) == f"blob {VALID}: not found"


@pytest.mark.parametrize("key", BAD_KEYS)
def test_directory_refuses_bad_keys(tmp_path: Path, key: str) -> None:
    store = DirectoryStore(tmp_path / "blobs")
    for action in (store.open_write, store.open_read):
        with pytest.raises(AnkeError) as caught, action(key):
            pass
        assert str(caught.value) == f"blob key {key!r}: not a blob key"
    with pytest.raises(AnkeError):
        store.delete(key)
    with pytest.raises(AnkeError):
        store.exists(key)
    assert files_under(tmp_path) == []


def test_directory_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    key = new_blob_key()
    with pytest.raises(RuntimeError), store.open_write(key) as handle:
        handle.write(b"half of a blob")
        assert not store.exists(key)
        assert len(files_under(tmp_path)) == 1
        raise RuntimeError("upload broke")
    assert not store.exists(key)
    assert files_under(tmp_path) == []


def test_directory_refuses_to_overwrite(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    key = new_blob_key()
    with store.open_write(key) as handle:
        handle.write(b"first")
    with pytest.raises(AnkeError) as caught, store.open_write(key) as handle:
        handle.write(b"second")
    assert str(caught.value) == f"blob {key}: already stored"
    with store.open_read(key) as handle:
        assert handle.read() == b"first"


def test_encrypting_into_a_store_too_large_stores_nothing(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    key = new_blob_key()
    with pytest.raises(TooLarge), store.open_write(key) as sink:
        encrypt_stream(io.BytesIO(os.urandom(5000)), sink, DATA_KEY, max_bytes=4999,
                       chunk_size=1024)
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("kind", ["directory", "memory"])
def test_encrypted_blob_through_a_store(tmp_path: Path, memory_url: str, kind: str) -> None:
    store = open_store(str(tmp_path) if kind == "directory" else memory_url)
    plain = os.urandom(100_000)
    key = new_blob_key()
    with store.open_write(key) as sink:
        info = encrypt_stream(io.BytesIO(plain), sink, DATA_KEY, "sm4-gcm", max_bytes=None,
                              chunk_size=4096)
    out = io.BytesIO()
    with store.open_read(key) as source:
        back = decrypt_stream(source, out, DATA_KEY, expected_sha256=info.sha256)
    assert out.getvalue() == plain
    assert back.size == 100_000


def test_fsspec_memory_round_trip(memory_url: str) -> None:
    store = FsspecStore(memory_url)
    assert isinstance(store, BlobStore)
    key = new_blob_key()
    assert not store.exists(key)
    with store.open_write(key) as handle:
        handle.write(b"ciphertext")
    assert store.exists(key)
    with store.open_read(key) as handle:
        assert handle.read() == b"ciphertext"
    fs = fsspec.filesystem("memory")
    assert fs.find(store.root) == [f"{store.root}/{key}"]
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(BlobNotFoundError) as caught, store.open_read(key):
        pass
    assert str(caught.value) == f"blob {key}: not found"


def test_fsspec_failed_write_leaves_nothing(memory_url: str) -> None:
    store = FsspecStore(memory_url)
    key = new_blob_key()
    with pytest.raises(RuntimeError), store.open_write(key) as handle:
        handle.write(b"half")
        assert not store.exists(key)
        raise RuntimeError("upload broke")
    assert not store.exists(key)
    assert fsspec.filesystem("memory").find(store.root) == []


def test_fsspec_refuses_to_overwrite(memory_url: str) -> None:
    store = FsspecStore(memory_url)
    key = new_blob_key()
    with store.open_write(key) as handle:
        handle.write(b"first")
    with pytest.raises(AnkeError) as caught, store.open_write(key):
        pass
    assert str(caught.value) == f"blob {key}: already stored"


@pytest.mark.parametrize("key", BAD_KEYS)
def test_fsspec_refuses_bad_keys(memory_url: str, key: str) -> None:
    store = FsspecStore(memory_url)
    for action in (store.open_write, store.open_read):
        with pytest.raises(AnkeError) as caught, action(key):
            pass
        assert str(caught.value) == f"blob key {key!r}: not a blob key"
    with pytest.raises(AnkeError):
        store.delete(key)
    with pytest.raises(AnkeError):
        store.exists(key)


def test_fsspec_on_a_local_url(tmp_path: Path) -> None:
    store = FsspecStore(f"file://{tmp_path}/blobs")
    key = new_blob_key()
    with store.open_write(key) as handle:
        handle.write(b"local")
    assert (tmp_path / "blobs" / key).read_bytes() == b"local"
    assert files_under(tmp_path) == [f"blobs/{key}"]


def test_open_store_picks_the_implementation(tmp_path: Path, memory_url: str) -> None:
    by_path = open_store(str(tmp_path / "a"))
    assert isinstance(by_path, DirectoryStore)
    assert by_path.root == tmp_path / "a"
    by_url = open_store(f"file://{tmp_path}/b%20c")
    assert isinstance(by_url, DirectoryStore)
    assert by_url.root == tmp_path / "b c"
    assert isinstance(open_store(memory_url), FsspecStore)
    with pytest.raises(AnkeError) as caught:
        open_store("file://elsewhere/x")
    assert str(caught.value) == "blob store file://elsewhere/x: file URLs must name a local path"


def test_open_store_unknown_scheme_is_one_line() -> None:
    with pytest.raises(AnkeError) as caught:
        open_store("nosuchscheme://bucket/blobs")
    message = str(caught.value)
    assert message.startswith("blob store (nosuchscheme://): ")
    assert "\n" not in message
