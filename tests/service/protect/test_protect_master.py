"""The master key: from the environment or a file, its identifier, the rotation keyring."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest

from anke.errors import AnkeError
from anke.service.protect.master import (
    MasterKey,
    generate_master_key_file,
    load_master_key,
    load_master_keys,
)

KEY = bytes(range(32))
KEY_ID = hashlib.sha256(KEY).hexdigest()[:16]


def write_key(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_from_env_base64_and_hex() -> None:
    b64 = base64.b64encode(KEY).decode()
    for text in (b64, KEY.hex(), KEY.hex().upper(), f"  {b64}\n"):
        key = load_master_key({"ANKE_MASTER_KEY": text})
        assert key == MasterKey(id=KEY_ID, key=KEY)
        assert key.id == KEY_ID
        assert len(key.id) == 16


def test_repr_never_shows_key() -> None:
    key = MasterKey.from_bytes(KEY)
    assert repr(key) == f"MasterKey(id='{KEY_ID}')"
    assert KEY.hex() not in repr(key)


@pytest.mark.parametrize("text", [
    base64.b64encode(bytes(31)).decode(),
    base64.b64encode(bytes(33)).decode(),
    "00" * 31,
    "zz" * 32,
    "not a key at all",
])
def test_bad_env_value_is_one_line_without_the_value(text: str) -> None:
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY": text})
    assert str(caught.value) == "ANKE_MASTER_KEY: not a 32-byte key in base64 or hex"


def test_no_key_at_all() -> None:
    for env in ({}, {"ANKE_MASTER_KEY": "", "ANKE_MASTER_KEY_FILE": ""}):
        with pytest.raises(AnkeError) as caught:
            load_master_key(env)
        assert str(caught.value) == "no master key: set ANKE_MASTER_KEY_FILE or ANKE_MASTER_KEY"


def test_both_sources_is_ambiguous(tmp_path: Path) -> None:
    path = write_key(tmp_path / "master.key", KEY.hex())
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY": KEY.hex(), "ANKE_MASTER_KEY_FILE": str(path)})
    assert str(caught.value) == "set only one of ANKE_MASTER_KEY_FILE and ANKE_MASTER_KEY"


def test_from_owner_only_file(tmp_path: Path) -> None:
    for mode in (0o600, 0o400):
        path = write_key(tmp_path / f"key-{mode:o}", base64.b64encode(KEY).decode() + "\n",
                         mode)
        assert load_master_key({"ANKE_MASTER_KEY_FILE": str(path)}) == MasterKey.from_bytes(KEY)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o610, 0o602])
def test_file_open_to_group_or_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = write_key(tmp_path / "master.key", KEY.hex(), mode)
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY_FILE": str(path)})
    assert str(caught.value) == (f"master key file {path}: mode {mode:04o} lets group or "
                                 f"others access it; chmod 600 it")


def test_missing_and_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.key"
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY_FILE": str(missing)})
    assert str(caught.value) == f"master key file {missing}: not found"
    short = write_key(tmp_path / "short.key", "00" * 16)
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY_FILE": str(short)})
    assert str(caught.value) == (f"master key file {short}: not a 32-byte key in base64 "
                                 f"or hex")
    binary = tmp_path / "binary.key"
    binary.write_bytes(b"\xff" * 32)
    binary.chmod(0o600)
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY_FILE": str(binary)})
    assert str(caught.value) == (f"master key file {binary}: not a 32-byte key in base64 "
                                 f"or hex")
    with pytest.raises(AnkeError) as caught:
        load_master_key({"ANKE_MASTER_KEY_FILE": str(tmp_path)})
    assert str(caught.value) == f"master key file {tmp_path}: not a regular file"


def test_generate_writes_owner_only_file_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    key = generate_master_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key.key) == 32
    assert load_master_key({"ANKE_MASTER_KEY_FILE": str(path)}) == key
    before = path.read_bytes()
    with pytest.raises(AnkeError) as caught:
        generate_master_key_file(path)
    assert str(caught.value) == (f"master key file {path}: already exists; refusing to "
                                 f"overwrite a master key")
    assert path.read_bytes() == before
    assert generate_master_key_file(tmp_path / "other.key") != key


def test_generate_in_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "master.key"
    with pytest.raises(AnkeError) as caught:
        generate_master_key_file(path)
    assert str(caught.value) == f"master key file {path}: No such file or directory"


def test_keyring_with_old_keys(tmp_path: Path) -> None:
    old1 = generate_master_key_file(tmp_path / "old1.key")
    old2 = generate_master_key_file(tmp_path / "old2.key")
    env = {"ANKE_MASTER_KEY": KEY.hex(),
           "ANKE_MASTER_KEY_OLD_FILES": os.pathsep.join(
               [str(tmp_path / "old1.key"), "", str(tmp_path / "old2.key")])}
    keys = load_master_keys(env)
    assert keys.current == MasterKey.from_bytes(KEY)
    assert keys.keyring == {KEY_ID: keys.current, old1.id: old1, old2.id: old2}
    assert load_master_keys({"ANKE_MASTER_KEY": KEY.hex()}).keyring == {KEY_ID: keys.current}


def test_old_key_files_are_checked_too(tmp_path: Path) -> None:
    loose = write_key(tmp_path / "old.key", KEY.hex(), 0o644)
    with pytest.raises(AnkeError) as caught:
        load_master_keys({"ANKE_MASTER_KEY": "11" * 32, "ANKE_MASTER_KEY_OLD_FILES": str(loose)})
    assert str(caught.value).startswith(f"master key file {loose}: mode 0644")


def test_master_key_checks_itself() -> None:
    with pytest.raises(AnkeError) as caught:
        MasterKey.from_bytes(bytes(16))
    assert str(caught.value) == "master key: must be 32 bytes, not 16"
    with pytest.raises(AnkeError) as caught:
        MasterKey(id="0" * 16, key=KEY)
    assert str(caught.value) == "master key: identifier '0000000000000000' does not match the key"
