"""Jobs survive a dead worker and store their results once; keys rotate without touching
blobs."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import func, select

from anke.service.db.inspections import FindingRecord, Job, JobState
from anke.service.jobs.queue import Lease, lease_next
from anke.service.jobs.worker import Worker
from anke.service.protect import MasterKey, load_master_keys
from anke.service.vault import data_key, opened_blob, rotate_master_key
from service_factory import APP_JS, World, tarball


def _queued_inspection(world: World) -> tuple[int, int]:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "P", "category": "software"}).json()
    version = vendor.post(f"/api/products/{product['id']}/versions",
                          json={"version": "2.0"}).json()
    submission = vendor.post(f"/api/versions/{version['id']}/submissions",
                             params={"filename": "p-2.0.tgz"},
                             content=tarball({"lib/app.js": APP_JS})).json()
    inspection = vendor.post(f"/api/submissions/{submission['id']}/inspections").json()
    return int(submission["id"]), int(inspection["id"])


def test_a_dead_workers_job_is_taken_up_and_stored_once(world: World) -> None:
    _, inspection = _queued_inspection(world)
    with world.services.database.writer() as session:  # a worker leases, then dies
        dead = lease_next(session, "dead-worker", lease=0.5)
    assert dead is not None and dead.attempt == 1
    with world.services.database.writer() as session:
        assert lease_next(session, "other", lease=60) is None  # still leased
    time.sleep(0.7)
    late: list[Lease] = []
    worker = Worker(world.services, name="live-worker")
    worker.before_store = late.append
    assert worker.run_once() is True
    assert late[0].attempt == 2 and late[0].job_id == dead.job_id
    # the dead worker wakes up and tries to store the same results: refused
    from anke.service.jobs.inspection import rows_of, store_results
    from anke.service.jobs.queue import heartbeat
    with world.services.database.writer() as session:
        assert heartbeat(session, dead, 60) is False
    with world.services.database.writer() as session:
        from anke.findings.model import ScanDocument, ScanStats, ToolInfo
        empty = ScanDocument(tool=ToolInfo(version="x", rules_digest="y"), root="r",
                             stats=ScanStats(), findings=[])
        assert store_results(session, dead, inspection, rows_of(empty)) is False
    with world.services.database.reader() as session:
        job = session.get(Job, dead.job_id)
        assert job is not None and job.state is JobState.DONE and job.attempts == 2
        stored = session.execute(select(func.count()).select_from(FindingRecord).where(
            FindingRecord.inspection_id == inspection)).scalar_one()
    findings = world.sign_in("vendor").get(f"/api/inspections/{inspection}/findings").json()
    assert stored == len(findings) >= 2


def test_a_job_abandoned_too_often_fails(world: World) -> None:
    _queued_inspection(world)
    for _ in range(3):
        with world.services.database.writer() as session:
            assert lease_next(session, "flaky", lease=0.01) is not None
        time.sleep(0.05)
    with world.services.database.writer() as session:
        assert lease_next(session, "next", lease=60) is None
        job = session.execute(select(Job)).scalar_one()
        assert job.state is JobState.FAILED and "abandoned 3 times" in job.error


def test_master_key_rotation_rewraps_and_blobs_still_open(world: World,
                                                          tmp_path: Path) -> None:
    submission_id, _ = _queued_inspection(world)
    old = world.services.keys.current
    old_file = tmp_path / "old.key"
    old_file.write_text(old.key.hex())
    old_file.chmod(0o600)
    new = MasterKey.from_bytes(os.urandom(32))
    keys = load_master_keys({"ANKE_MASTER_KEY": new.key.hex(),
                             "ANKE_MASTER_KEY_OLD_FILES": str(old_file)})
    blobs = sorted((tmp_path / "blobs").rglob("*"))
    before = {p: p.read_bytes() for p in blobs if p.is_file()}
    with world.services.database.writer() as session:
        assert rotate_master_key(session, keys) == 1
    with world.services.database.writer() as session:
        assert rotate_master_key(session, keys) == 0
    assert {p: p.read_bytes() for p in blobs if p.is_file()} == before
    from anke.service.db.products import Submission
    with world.services.database.reader() as session:
        row = session.get(Submission, submission_id)
        assert row is not None
        only_new = load_master_keys({"ANKE_MASTER_KEY": new.key.hex()})
        key = data_key(session, only_new, row.data_key_id)
        with opened_blob(world.services.store, row.blob_key, key, row.sha256,
                         row.filename) as path:
            assert path.name == "p-2.0.tgz" and path.stat().st_size == row.size
