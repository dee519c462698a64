"""Inspectors' Ed25519 keys, the signed statement of an evaluation, and its verification.

Each inspector has one active Ed25519 key (RFC 8032), made on their first signature: the
public key is stored in clear, the 32-byte private key only wrapped by the master key
(``protect.wrap``), bound to the context ``anke-signing-key|user=U|key=K`` so a wrapped key
copied to another user's or key's row does not unwrap.  A key can be retired; the next
signature then makes a new one, and signatures made with the retired key still verify.

The signed statement is the canonical JSON (keys sorted, no spaces, UTF-8) of what an
evaluation says and who says it: the evaluation, the product (vendor, name, version), the
submission's SHA-256, the inspection, the rulebook and its version, the date judged as of,
the overall verdict, the SHA-256 of the canonical evaluation result, the signer, the key and
the time of signing.  Anyone holding the signature document (``signature_document``) can
check it with :func:`verify_signed`, and with the evaluation result, that it is the result
that was signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from anke.service.db.base import utcnow
from anke.service.db.evaluations import SigningKey
from anke.service.protect import MasterKeys
from anke.service.protect.wrap import unwrap, wrap

STATEMENT_TYPE = "anke.evaluation-signature/1"
# RFC 8032 section 5.1.5: Ed25519 public and private keys are 32 bytes, signatures 64.
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


def canonical(value: object) -> bytes:
    """Canonical JSON: keys sorted, no spaces, UTF-8 (what is hashed and signed)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def result_digest(result: object) -> str:
    """The SHA-256 (hex) of an evaluation result's canonical JSON."""
    return hashlib.sha256(canonical(result)).hexdigest()


def key_context(user_id: int, key_id: int) -> bytes:
    """The context a signing key of ``user_id`` with id ``key_id`` is wrapped for."""
    return f"anke-signing-key|user={user_id}|key={key_id}".encode("ascii")


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def active_key(session: Session, keys: MasterKeys, user_id: int
               ) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The user's active signing key and its private half, made on first use."""
    row = session.execute(select(SigningKey).where(
        SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.id.desc()).limit(1)).scalar_one_or_none()
    if row is not None:
        raw = unwrap(keys.keyring, row.master_key_id, row.wrapped_private,
                     key_context(user_id, row.id))
        return row, Ed25519PrivateKey.from_private_bytes(raw)
    private = Ed25519PrivateKey.generate()
    row = SigningKey(user_id=user_id, public_key=_raw_public(private), wrapped_private=b"",
                     master_key_id=keys.current.id)
    session.add(row)
    session.flush()  # the id is part of the wrapping context
    raw = private.private_bytes_raw()
    row.wrapped_private = wrap(keys.current, raw, key_context(user_id, row.id))
    session.flush()
    return row, private


def retire_keys(session: Session, user_id: int) -> int:
    """Retire the user's active signing keys; how many.  Their signatures still verify."""
    rows = list(session.execute(select(SigningKey).where(
        SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))).scalars())
    for row in rows:
        row.retired_at = utcnow()
    session.flush()
    return len(rows)


def rewrap_signing_keys(session: Session, keys: MasterKeys) -> int:
    """Re-wrap every signing key wrapped by an older master key under the current one."""
    rows = list(session.execute(select(SigningKey).where(
        SigningKey.master_key_id != keys.current.id)).scalars())
    for row in rows:
        context = key_context(row.user_id, row.id)
        raw = unwrap(keys.keyring, row.master_key_id, row.wrapped_private, context)
        row.wrapped_private = wrap(keys.current, raw, context)
        row.master_key_id = keys.current.id
    session.flush()
    return len(rows)


def statement(*, evaluation_id: int, vendor: str, product: str, version: str,
              submission_sha256: str, inspection_id: int, rulebook: str,
              rulebook_version: str, as_of: str, overall: str, result_sha256: str,
              signer_id: int, signer_email: str, key_id: int, signed_at: datetime) -> str:
    """The signed statement's text (canonical JSON); ``signed_at`` is kept to the second."""
    body = {
        "type": STATEMENT_TYPE,
        "evaluation": evaluation_id,
        "product": {"vendor": vendor, "name": product, "version": version},
        "submission_sha256": submission_sha256,
        "inspection": inspection_id,
        "rulebook": {"id": rulebook, "version": rulebook_version},
        "as_of": as_of,
        "overall": overall,
        "result_sha256": result_sha256,
        "signer": {"user_id": signer_id, "email": signer_email},
        "key_id": key_id,
        "signed_at": signed_at.replace(microsecond=0).isoformat(),
    }
    return canonical(body).decode("utf-8")


def sign(private: Ed25519PrivateKey, text: str) -> bytes:
    """The Ed25519 signature of a statement's UTF-8 bytes."""
    return private.sign(text.encode("utf-8"))


def verify(statement_bytes: bytes, signature: bytes, public_key: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``statement_bytes`` by the raw
    32-byte ``public_key``."""
    if len(public_key) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, statement_bytes)
    except (InvalidSignature, ValueError):
        return False
    return True


def statement_matches(text: str, result: object) -> bool:
    """Whether a statement names the SHA-256 of ``result`` (the signed result is this one)."""
    try:
        body = json.loads(text)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("result_sha256") == result_digest(result)


def signature_document(text: str, signature: bytes, public_key: bytes, key_id: int
                       ) -> dict[str, object]:
    """What ``GET /api/evaluations/{id}/signature`` gives (before ``valid``): everything an
    outsider needs to verify, with bytes in standard base64."""
    return {"statement": text, "signature": base64.b64encode(signature).decode("ascii"),
            "public_key": base64.b64encode(public_key).decode("ascii"), "key_id": key_id}


def verify_signed(document: Mapping[str, object], result: object | None = None) -> bool:
    """Verify a downloaded signature document offline.

    True when the signature over ``statement`` is valid for ``public_key``, the statement
    names the document's ``key_id``, and, when the evaluation ``result`` is given, the
    statement's ``result_sha256`` is that result's digest.
    """
    text, signature, public = (document.get("statement"), document.get("signature"),
                               document.get("public_key"))
    if not (isinstance(text, str) and isinstance(signature, str) and isinstance(public, str)):
        return False
    try:
        raw_signature = base64.b64decode(signature, validate=True)
        raw_public = base64.b64decode(public, validate=True)
        body = json.loads(text)
    except (binascii.Error, ValueError):
        return False
    if not isinstance(body, dict) or body.get("type") != STATEMENT_TYPE:
        return False
    if "key_id" in document and body.get("key_id") != document["key_id"]:
        return False
    if not verify(text.encode("utf-8"), raw_signature, raw_public):
        return False
    return result is None or statement_matches(text, result)
