"""A job committed in this process wakes a waiting worker at once; a rolled-back one does not."""

from __future__ import annotations

import pytest

from anke.service.db.session import Database
from anke.service.jobs.queue import INSPECTION, enqueue, wait_for_work


def test_a_committed_job_wakes_a_waiting_worker(database: Database) -> None:
    wait_for_work(0)  # forget earlier tests' jobs
    with database.writer() as session:
        enqueue(session, INSPECTION)
        assert wait_for_work(0) is False  # not before the commit
    assert wait_for_work(0) is True
    assert wait_for_work(0) is False  # once per commit


def test_a_rolled_back_job_wakes_nobody(database: Database) -> None:
    wait_for_work(0)
    with pytest.raises(RuntimeError), database.writer() as session:
        enqueue(session, INSPECTION)
        raise RuntimeError("changed my mind")
    assert wait_for_work(0) is False
