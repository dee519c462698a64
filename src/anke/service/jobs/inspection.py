"""Running one inspection job: decrypt the submission privately, scan it, store the results.

The submission is decrypted into a private temporary directory that is always removed, and
scanned by the same engine as ``anke scan`` (nothing in it is executed).  The findings and
the inspection's end are written in one transaction, and only while the job's lease is still
held, so a job taken over after its worker stalled stores its results once.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import cast

from pydantic import TypeAdapter
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from anke.engine.result_cache import CacheSpec
from anke.engine.session import ScanOptions, scan_listing
from anke.findings.model import Finding, ScanDocument
from anke.service.audit.chain import Actor, record
from anke.service.db.base import utcnow
from anke.service.db.inspections import FindingRecord, Inspection, InspectionStatus
from anke.service.jobs.queue import Lease, finish, still_held
from anke.service.manifest import manifest_of, stored
from anke.service.runtime import Services
from anke.service.vault import data_key, opened_blob

WORKER = Actor.system("worker")
_INSERT_BATCH = 5000  # findings per multi-row INSERT
_FINDINGS = TypeAdapter(list[Finding])  # dumps a whole list in one call


def fingerprint(finding: Finding) -> str:
    """What identifies a finding across versions: rule, algorithm, evidence and the path
    inside the submission (the archive's own name, which carries the version, left out)."""
    inner = finding.path.split("!/", 1)[1] if "!/" in finding.path else finding.path
    body = json.dumps([finding.rule, finding.algorithm, inner, finding.evidence])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _start(session: Session, inspection_id: int) -> Inspection:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise LookupError(f"inspection {inspection_id} does not exist")
    inspection.status = InspectionStatus.RUNNING
    inspection.started_at = utcnow()
    return inspection


@dataclass(frozen=True)
class ScanRows:
    """A scan's results as the rows to store: one per distinct finding, the stats, and the
    submission's manifest as the scan listed it."""

    rows: list[dict[str, object]]
    stats: dict[str, object]
    manifest: list[dict[str, object]] | None = None


def rows_of(document: ScanDocument,
            manifest: list[dict[str, object]] | None = None) -> ScanRows:
    """The rows of ``document``'s findings (duplicates by id dropped), ready to insert."""
    seen: set[str] = set()
    rows: list[dict[str, object]] = []
    dumped = _FINDINGS.dump_python(document.findings, mode="json", exclude_none=True)
    for finding, data in zip(document.findings, dumped, strict=True):
        if finding.id in seen:
            continue
        seen.add(finding.id)
        rows.append({
            "finding_id": finding.id, "fingerprint": fingerprint(finding),
            "kind": finding.kind.value, "detector": finding.detector, "rule": finding.rule,
            "algorithm": finding.algorithm, "confidence": finding.confidence.value,
            "path": finding.path, "line": finding.line, "data": data})
    return ScanRows(rows, document.stats.model_dump(mode="json"), manifest)


def scan_submission(services: Services, inspection_id: int, jobs: int) -> ScanRows:
    """Decrypt the inspection's submission to a private file and scan it."""
    with services.database.writer() as session:
        inspection = _start(session, inspection_id)
        submission = inspection.submission
        key = data_key(session, services.keys, submission.data_key_id)
        blob = (submission.blob_key, submission.sha256, submission.filename)
        record(session, WORKER, "source.read", f"submission:{submission.id}",
               {"inspection": inspection_id, "purpose": "inspection"})
    with (opened_blob(services.store, blob[0], key, blob[1], name=blob[2]) as path,
          ProcessPoolExecutor(1, mp_context=_scanner_context()) as scanner):
        cache = (CacheSpec("database", services.database.url)  # shared by every worker
                 if services.settings.result_cache else None)
        return scanner.submit(_scan, path, jobs, cache).result()


def _scan(path: Path, jobs: int, cache: CacheSpec | None = None) -> ScanRows:
    # plain rows travel back to the worker faster than pickled models; with
    # ANKE_DASK_SCHEDULER set, the units run on that Dask cluster instead of a local pool
    cluster = os.environ.get("ANKE_DASK_SCHEDULER") or None
    document, listed = scan_listing([path], ScanOptions(jobs=jobs, cluster=cluster, cache=cache,
                                                        listing=True))
    return rows_of(document, stored(manifest_of(listed, path.name)))


def _scanner_context() -> BaseContext:
    """Scans run in a child forked from a clean single-threaded server process, not in the
    worker's thread: the web server's threads then share no interpreter lock with the scan,
    and the scan's own process pool forks from a process without threads."""
    if os.name != "posix":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["anke.service.jobs.inspection"])
    return context


def start_scanner() -> None:
    """Start the scans' fork server now (a worker calls this when it starts), so that the
    first inspection does not wait the second it takes to start and import the engine."""
    if os.name == "posix":
        _scanner_context()
        forkserver.ensure_running()


def store_results(session: Session, held: Lease, inspection_id: int,
                  results: ScanRows) -> bool:
    """Store the findings and close the inspection, if the lease is still held."""
    if not still_held(session, held):
        return False
    inspection = session.get(Inspection, inspection_id)
    assert inspection is not None
    table = cast(Table, FindingRecord.__table__)  # Core, not the ORM's bulk path: faster
    for start in range(0, len(results.rows), _INSERT_BATCH):
        session.execute(insert(table), [
            {**row, "inspection_id": inspection_id}
            for row in results.rows[start:start + _INSERT_BATCH]])
    inspection.status = InspectionStatus.DONE
    inspection.finished_at = utcnow()
    inspection.stats = {**results.stats, "findings": len(results.rows)}
    submission = inspection.submission
    if submission.manifest_listed_at is None and results.manifest is not None:
        submission.manifest = results.manifest
        submission.manifest_listed_at = inspection.finished_at
    finish(session, held)
    record(session, WORKER, "inspection.finish", f"inspection:{inspection_id}",
           {"findings": len(results.rows), "job": held.job_id, "attempt": held.attempt})
    return True


def fail(session: Session, held: Lease, inspection_id: int, error: str) -> None:
    """Record a failed attempt: the job fails for good only after its last attempt."""
    if not still_held(session, held):
        return
    inspection = session.get(Inspection, inspection_id)
    assert inspection is not None
    inspection.status = InspectionStatus.FAILED
    inspection.finished_at = utcnow()
    inspection.error = error[:2000]
    finish(session, held, error=error[:2000])
    record(session, WORKER, "inspection.fail", f"inspection:{inspection_id}",
           {"error": error[:500]})
