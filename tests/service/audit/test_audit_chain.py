"""The audit log: appends chain, and any edited, removed or reordered entry is detected."""

from __future__ import annotations

import itertools
import threading

from sqlalchemy import delete, select, update

from anke.service.audit.chain import GENESIS, Actor, record, verify
from anke.service.audit.model import AuditEntry, AuditHead
from anke.service.db.session import Database

ALICE = Actor(7, "alice@vendor.example", 3)


def _fill(database: Database, count: int) -> None:
    for number in range(count):
        with database.writer() as session:
            record(session, ALICE, "submission.read", f"submission:{number}", {"n": number})


def test_an_untouched_log_verifies(database: Database) -> None:
    with database.reader() as session:
        empty = verify(session)
    assert (empty.ok, empty.entries, empty.head) == (True, 0, GENESIS)
    _fill(database, 5)
    with database.reader() as session:
        result = verify(session)
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert result.ok and result.entries == 5
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert result.head == entries[-1].hash
    assert entries[2].detail == {"n": 2} and entries[2].actor == "alice@vendor.example"


def _problem(database: Database) -> str | None:
    with database.reader() as session:
        return verify(session).problem


def test_an_edited_entry_is_detected(database: Database) -> None:
    _fill(database, 5)
    with database.writer() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                        .values(detail={"n": 99}))
    assert _problem(database) == "entry 3 was altered (its hash does not match)"


def test_an_edited_actor_is_detected(database: Database) -> None:
    _fill(database, 3)
    with database.writer() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 1)
                        .values(actor="mallory@vendor.example"))
    assert _problem(database) == "entry 1 was altered (its hash does not match)"


def test_a_removed_entry_is_detected(database: Database) -> None:
    _fill(database, 5)
    with database.writer() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    assert _problem(database) == "entry 2 is missing (found 3 in its place)"


def test_reordered_entries_are_detected(database: Database) -> None:
    _fill(database, 5)
    with database.writer() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(seq=100))
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(seq=2))
        session.execute(update(AuditEntry).where(AuditEntry.seq == 100).values(seq=3))
    assert _problem(database) == "entry 2 does not follow entry 1"


def test_a_recomputed_chain_after_an_edit_still_breaks_at_the_head(database: Database) -> None:
    _fill(database, 4)
    with database.writer() as session:  # drop the last entry, keep the chain consistent
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    problem = _problem(database)
    assert problem is not None and problem.startswith("the log ends at entry 3 but its head "
                                                      "names entry 4")


def test_an_edited_head_is_detected(database: Database) -> None:
    _fill(database, 2)
    with database.writer() as session:
        session.execute(update(AuditHead).values(hash="f" * 64))
    assert _problem(database) is not None


def test_concurrent_writers_never_fork_the_chain(database: Database) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for number in range(15):
                with database.writer() as session:
                    record(session, Actor(worker, f"w{worker}", None), "test", f"{number}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.reader() as session:
        result = verify(session)
    assert result.ok and result.entries == 60


def test_a_rolled_back_change_leaves_no_entry(database: Database) -> None:
    _fill(database, 1)
    try:
        with database.writer() as session:
            record(session, ALICE, "product.create", "product:1")
            raise ValueError("the change failed")
    except ValueError:
        pass
    with database.reader() as session:
        assert verify(session).entries == 1
