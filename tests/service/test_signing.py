"""Ed25519 signing keys (wrapped by the master key), statements, and offline verification."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest

from anke.service.db.evaluations import SigningKey
from anke.service.db.session import Database
from anke.service.db.tenancy import Organisation, OrgKind, Role, User
from anke.service.protect import MasterKey, MasterKeys, load_master_keys
from anke.service.protect.wrap import KeyUnwrapError, unwrap
from anke.service.signing import (
    active_key,
    canonical,
    key_context,
    result_digest,
    retire_keys,
    rewrap_signing_keys,
    sign,
    signature_document,
    statement,
    verify,
    verify_signed,
)


def _keys() -> MasterKeys:
    return load_master_keys({"ANKE_MASTER_KEY": os.urandom(32).hex()})


def _user(database: Database) -> int:
    with database.writer() as session:
        org = Organisation(name="Regulator", kind=OrgKind.REGULATOR)
        session.add(org)
        session.flush()
        user = User(org_id=org.id, email="i@example.org", name="i", role=Role.INSPECTOR,
                    password_hash="x")
        session.add(user)
        session.flush()
        return user.id


def _statement(result: dict[str, object], key_id: int = 1) -> str:
    return statement(evaluation_id=7, vendor="Vendor 甲", product="Core", version="1.0",
                     submission_sha256="b" * 64, inspection_id=3, rulebook="cn-cbrc-317",
                     rulebook_version="2014-12", as_of="2015-01-15", overall="pass",
                     result_sha256=result_digest(result), signer_id=2,
                     signer_email="i@example.org", key_id=key_id,
                     signed_at=dt.datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC))


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()
    text = _statement({"overall": "pass"})
    body = json.loads(text)
    assert text == canonical(body).decode()
    assert body["signed_at"] == "2025-01-02T03:04:05+00:00"
    assert body["product"] == {"vendor": "Vendor 甲", "name": "Core", "version": "1.0"}
    assert set(body) == {"type", "evaluation", "product", "submission_sha256", "inspection",
                         "rulebook", "as_of", "overall", "result_sha256", "signer", "key_id",
                         "signed_at"}


def test_a_key_is_made_once_wrapped_and_bound_to_its_user(database: Database) -> None:
    keys = _keys()
    user_id = _user(database)
    with database.writer() as session:
        row, private = active_key(session, keys, user_id)
        again, same = active_key(session, keys, user_id)
    assert again.id == row.id and same.private_bytes_raw() == private.private_bytes_raw()
    assert len(row.public_key) == 32 and private.private_bytes_raw() not in row.wrapped_private
    with pytest.raises(KeyUnwrapError):  # copied to another user's row: does not unwrap
        unwrap(keys.keyring, row.master_key_id, row.wrapped_private,
               key_context(user_id + 1, row.id))
    text = _statement({"x": 1}, row.id)
    signature = sign(private, text)
    assert verify(text.encode(), signature, row.public_key)
    assert not verify(text.replace("pass", "fail").encode(), signature, row.public_key)
    assert not verify(text.encode(), signature[:-1], row.public_key)
    with database.writer() as session:
        assert retire_keys(session, user_id) == 1
        fresh, _ = active_key(session, keys, user_id)
    assert fresh.id != row.id
    assert verify(text.encode(), signature, row.public_key)  # a retired key still verifies


def test_signing_keys_follow_a_master_key_rotation(database: Database) -> None:
    old = _keys()
    user_id = _user(database)
    with database.writer() as session:
        _, private = active_key(session, old, user_id)
    new = MasterKey.from_bytes(os.urandom(32))
    both = MasterKeys(new, {new.id: new, **old.keyring})
    with database.writer() as session:
        assert rewrap_signing_keys(session, both) == 1
        assert rewrap_signing_keys(session, both) == 0
    only_new = MasterKeys(new, {new.id: new})
    with database.writer() as session:
        row, again = active_key(session, only_new, user_id)
        assert session.query(SigningKey).count() == 1
    assert row.master_key_id == new.id
    assert again.private_bytes_raw() == private.private_bytes_raw()


def test_verify_signed_checks_signature_key_and_result(database: Database) -> None:
    keys = _keys()
    user_id = _user(database)
    with database.writer() as session:
        row, private = active_key(session, keys, user_id)
    result: dict[str, object] = {"overall": "pass", "controls": [{"id": "a"}]}
    text = _statement(result, row.id)
    document = json.loads(json.dumps(signature_document(text, sign(private, text),
                                                        row.public_key, row.id)))
    assert verify_signed(document) and verify_signed(document, result)
    assert not verify_signed(document, {**result, "overall": "fail"})
    tampered = {**document, "statement": text.replace('"pass"', '"fail"')}
    assert not verify_signed(tampered)
    assert not verify_signed({**document, "key_id": row.id + 1})
    other = base64.b64encode(bytes(32)).decode()
    assert not verify_signed({**document, "public_key": other})
    assert not verify_signed({**document, "signature": "not base64!"})
    assert not verify_signed({"statement": text})
