"""Data keys wrapped by the master key: binding to their context, rotation."""

from __future__ import annotations

import pytest

from anke.errors import AnkeError
from anke.service.protect.master import MasterKey
from anke.service.protect.wrap import (
    KeyUnwrapError,
    data_key_context,
    new_data_key,
    rewrap,
    unwrap,
    wrap,
)

MASTER = MasterKey.from_bytes(bytes(range(32)))
NEW_MASTER = MasterKey.from_bytes(bytes(range(32, 64)))
CONTEXT = data_key_context(3, 1)


def test_context_shape() -> None:
    assert CONTEXT == b"anke-data-key|org=3|gen=1"
    assert data_key_context(12, 7) == b"anke-data-key|org=12|gen=7"


def test_new_data_keys_are_random_32_bytes() -> None:
    keys = {new_data_key() for _ in range(100)}
    assert len(keys) == 100
    assert {len(key) for key in keys} == {32}


def test_round_trip() -> None:
    data_key = new_data_key()
    wrapped = wrap(MASTER, data_key, CONTEXT)
    assert len(wrapped) == 12 + 32 + 16
    assert data_key not in wrapped
    assert unwrap({MASTER.id: MASTER}, MASTER.id, wrapped, CONTEXT) == data_key
    assert wrap(MASTER, data_key, CONTEXT)[:12] != wrapped[:12]


def test_wrong_context_fails() -> None:
    data_key = new_data_key()
    wrapped = wrap(MASTER, data_key, CONTEXT)
    for other in (data_key_context(4, 1), data_key_context(3, 2), b""):
        with pytest.raises(KeyUnwrapError) as caught:
            unwrap({MASTER.id: MASTER}, MASTER.id, wrapped, other)
        message = str(caught.value)
        assert message == (f"cannot unwrap data key {other.decode()!r}: not wrapped by master "
                           f"key {MASTER.id} for this context, or altered")
        assert data_key.hex() not in message
        assert MASTER.key.hex() not in message


def test_unknown_master_id_fails() -> None:
    wrapped = wrap(MASTER, new_data_key(), CONTEXT)
    with pytest.raises(KeyUnwrapError) as caught:
        unwrap({NEW_MASTER.id: NEW_MASTER}, MASTER.id, wrapped, CONTEXT)
    assert str(caught.value) == (f"cannot unwrap data key 'anke-data-key|org=3|gen=1': "
                                 f"master key '{MASTER.id}' is not loaded")


def test_wrong_master_under_the_id_fails() -> None:
    wrapped = wrap(MASTER, new_data_key(), CONTEXT)
    with pytest.raises(KeyUnwrapError):
        unwrap({MASTER.id: NEW_MASTER}, MASTER.id, wrapped, CONTEXT)


@pytest.mark.parametrize("position", [0, 11, 12, 43, 44, 59])
def test_altered_wrapped_key_fails(position: int) -> None:
    wrapped = bytearray(wrap(MASTER, new_data_key(), CONTEXT))
    wrapped[position] ^= 0x80
    with pytest.raises(KeyUnwrapError):
        unwrap({MASTER.id: MASTER}, MASTER.id, bytes(wrapped), CONTEXT)


def test_wrong_length_fails() -> None:
    wrapped = wrap(MASTER, new_data_key(), CONTEXT)
    for bad in (wrapped[:-1], wrapped + b"\0", b""):
        with pytest.raises(KeyUnwrapError) as caught:
            unwrap({MASTER.id: MASTER}, MASTER.id, bad, CONTEXT)
        assert str(caught.value) == (f"cannot unwrap data key 'anke-data-key|org=3|gen=1': "
                                     f"{len(bad)} bytes, expected 60")


def test_only_32_byte_data_keys_are_wrapped() -> None:
    with pytest.raises(AnkeError) as caught:
        wrap(MASTER, bytes(16), CONTEXT)
    assert str(caught.value) == "data key: must be 32 bytes, not 16"


def test_rewrap_for_rotation() -> None:
    data_key = new_data_key()
    old = wrap(MASTER, data_key, CONTEXT)
    keyring = {MASTER.id: MASTER, NEW_MASTER.id: NEW_MASTER}
    new = rewrap(keyring, MASTER.id, old, CONTEXT, NEW_MASTER)
    assert new != old
    assert unwrap({NEW_MASTER.id: NEW_MASTER}, NEW_MASTER.id, new, CONTEXT) == data_key
    with pytest.raises(KeyUnwrapError):
        unwrap(keyring, MASTER.id, new, CONTEXT)
    with pytest.raises(KeyUnwrapError):
        rewrap({NEW_MASTER.id: NEW_MASTER}, MASTER.id, old, CONTEXT, NEW_MASTER)
    with pytest.raises(KeyUnwrapError):
        rewrap(keyring, MASTER.id, old, data_key_context(4, 1), NEW_MASTER)


def test_unwrap_error_is_an_anke_error() -> None:
    assert issubclass(KeyUnwrapError, AnkeError)
