"""Appending to the audit log and verifying it.

Each entry's hash is ``SHA-256(prev_hash || canonical JSON of seq, at, actor_id, actor,
org_id, action, target, detail)``; the first entry's ``prev_hash`` is 64 zeros.  Appends
lock the single :class:`AuditHead` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers itself), so two writers can never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from anke.service.audit.model import AuditEntry, AuditHead
from anke.service.db.base import utcnow

GENESIS = "0" * 64
_HEAD_ID = 1
_BATCH = 2000


@dataclass(frozen=True)
class Actor:
    """Who did it: a user (id and e-mail) and their organisation, or the system."""

    user_id: int | None
    name: str
    org_id: int | None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """anke itself (the worker, the seeding of the demo, a command)."""
        return cls(None, name, None)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor_id: int | None, actor: str,
               org_id: int | None, action: str, target: str, detail: dict[str, object]) -> str:
    """The hash of an entry with these fields following ``prev_hash``."""
    body = json.dumps([seq, at.isoformat(), actor_id, actor, org_id, action, target, detail],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, action: str, target: str,
           detail: dict[str, object] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with it)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == _HEAD_ID)
                           .with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=_HEAD_ID, seq=0, hash=GENESIS)
        session.add(head)
    # JSON round trip: what is hashed is exactly what the database will give back
    clean: dict[str, object] = json.loads(json.dumps(detail or {}, default=str))
    at = utcnow()
    seq = head.seq + 1
    digest = entry_hash(head.hash, seq, at, actor.user_id, actor.name, actor.org_id, action,
                        target, clean)
    entry = AuditEntry(seq=seq, at=at, actor_id=actor.user_id, actor=actor.name,
                       org_id=actor.org_id, action=action, target=target, detail=clean,
                       prev_hash=head.hash, hash=digest)
    session.add(entry)
    head.seq = seq
    head.hash = digest
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    """What verifying the log found: entries checked, the head hash, and the first break."""

    entries: int
    head: str
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return self.problem is None


def _entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = session.execute(select(AuditEntry).where(AuditEntry.seq > last)
                                .order_by(AuditEntry.seq).limit(_BATCH)).scalars().all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
        session.expunge_all()


def verify(session: Session) -> Verification:
    """Walk the whole log: any edited, removed, inserted or reordered entry is a break."""
    expected_prev = GENESIS
    count = 0
    for entry in _entries(session):
        count += 1
        if entry.seq != count:
            return Verification(count - 1, expected_prev,
                                f"entry {count} is missing (found {entry.seq} in its place)")
        if entry.prev_hash != expected_prev:
            return Verification(count - 1, expected_prev,
                                f"entry {entry.seq} does not follow entry {entry.seq - 1}")
        digest = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor_id, entry.actor,
                            entry.org_id, entry.action, entry.target, entry.detail)
        if digest != entry.hash:
            return Verification(count - 1, expected_prev,
                                f"entry {entry.seq} was altered (its hash does not match)")
        expected_prev = entry.hash
    head = session.get(AuditHead, _HEAD_ID)
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    if head_seq != count or head_hash != expected_prev:
        return Verification(count, expected_prev,
                            f"the log ends at entry {count} but its head names entry "
                            f"{head_seq}: entries were removed from the end or the head edited")
    return Verification(count, expected_prev, None)
