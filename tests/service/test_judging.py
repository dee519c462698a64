"""Judging a version from stored findings, triage and attestations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from anke.engine.session import ScanOptions, scan_paths
from anke.evaluation.result import Overall, Verdict
from anke.rulebooks.loader import shipped_rulebooks
from anke.service.db.base import utcnow
from anke.service.db.inspections import (
    FindingRecord,
    Inspection,
    InspectionStatus,
    Triage,
    TriageStatus,
)
from anke.service.db.keys import DataKey
from anke.service.db.products import (
    Attestation,
    AttestationStatus,
    Product,
    ProductVersion,
    Submission,
)
from anke.service.db.session import Database
from anke.service.db.tenancy import Organisation, OrgKind, Role, User
from anke.service.jobs.inspection import fingerprint
from anke.service.judging import NoFinishedInspection, judge_version

SM3 = ("from gmssl import sm3, func\n\n"
       "def digest(data: bytes) -> str:\n    return sm3.sm3_hash(func.bytes_to_list(data))\n")
MD5 = ("import hashlib\n\n"
       "def legacy(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n")
# what cn-cbrc-317 2014-12 asks a piece of software to attest
EVIDENCE = ("oscca-product-model-certificate", "supply-chain-attestation", "china-rd-centre",
            "china-service-centre")
AS_OF = dt.date(2015, 1, 15)


def _inspected(database: Database, tmp_path: Path, files: dict[str, str]) -> tuple[int, int]:
    """A vendor's version with one finished inspection of ``files``: (version, user) ids."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    document = scan_paths([tmp_path / name for name in files], ScanOptions(jobs=1))
    with database.writer() as session:
        org = Organisation(name="Vendor", kind=OrgKind.VENDOR)
        session.add(org)
        session.flush()
        user = User(org_id=org.id, email="i@example.org", name="i", role=Role.INSPECTOR,
                    password_hash="x")
        key = DataKey(org_id=org.id, generation=1, wrapped=b"w", master_key_id="m")
        product = Product(vendor_id=org.id, name="Core", category="software")
        session.add_all([user, key, product])
        session.flush()
        version = ProductVersion(product_id=product.id, version="1.0")
        session.add(version)
        session.flush()
        submission = Submission(version_id=version.id, uploaded_by=user.id, filename="c.tgz",
                                size=1, sha256="0" * 64, blob_key="k", data_key_id=key.id,
                                cipher="aes-256-gcm", manifest=[])
        session.add(submission)
        session.flush()
        inspection = Inspection(submission_id=submission.id, requested_by=user.id,
                                status=InspectionStatus.DONE, finished_at=utcnow(),
                                stats={**document.stats.model_dump(mode="json"),
                                       "findings": len(document.findings)})
        session.add(inspection)
        session.flush()
        for finding in document.findings:
            session.add(FindingRecord(
                inspection_id=inspection.id, finding_id=finding.id,
                fingerprint=fingerprint(finding), kind=finding.kind.value,
                detector=finding.detector, rule=finding.rule, algorithm=finding.algorithm,
                confidence=finding.confidence.value, path=finding.path, line=finding.line,
                data=finding.model_dump(mode="json", exclude_none=True)))
        return version.id, user.id


def _attest(database: Database, version_id: int, user_id: int, kind: str,
            status: AttestationStatus, until: dt.date | None = None) -> None:
    with database.writer() as session:
        key = session.query(DataKey).one()
        session.add(Attestation(version_id=version_id, evidence_type=kind, title=kind,
                                filename=f"{kind}.pdf", size=1, sha256="a" * 64,
                                blob_key=f"att-{kind}", data_key_id=key.id, cipher="x",
                                issued_on=dt.date(2014, 1, 1), valid_until=until,
                                uploaded_by=user_id, status=status))


def test_md5_fails_and_sm3_with_accepted_evidence_passes(database: Database,
                                                         tmp_path: Path) -> None:
    book = shipped_rulebooks()["cn-cbrc-317"]
    version_id, _ = _inspected(database, tmp_path, {"sm.py": SM3, "md.py": MD5})
    with database.reader() as session:
        judged = judge_version(session, version_id, book, None, AS_OF)
    verdicts = {c.id: c.verdict for c in judged.evaluation.controls}
    assert judged.evaluation.overall is Overall.FAIL
    assert verdicts["national-algorithms"] is Verdict.FAIL
    assert verdicts["source-code-filing"] is Verdict.NOT_APPLICABLE  # not for "software"
    assert judged.evaluation.category == "software"
    assert judged.evaluation.rulebook.version == "2014-12"
    assert judged.evaluation.root == "c.tgz"
    assert [f.algorithm for f in judged.evaluation.findings if f.algorithm == "MD5"] == ["MD5"]


def test_triage_and_attestations_come_from_the_database(database: Database,
                                                        tmp_path: Path) -> None:
    book = shipped_rulebooks()["cn-cbrc-317"]
    version_id, user_id = _inspected(database, tmp_path, {"sm.py": SM3, "md.py": MD5})
    with database.writer() as session:
        md5 = session.query(FindingRecord).filter(FindingRecord.algorithm == "MD5").one()
        product_id = session.get(ProductVersion, version_id).product_id  # type: ignore[union-attr]
        session.add(Triage(product_id=product_id, fingerprint=md5.fingerprint,
                           status=TriageStatus.ACCEPTED, reason="checksums only",
                           expires_on=dt.date(2015, 6, 30), decided_by=user_id,
                           first_inspection_id=md5.inspection_id))
    for kind in EVIDENCE[:-1]:
        _attest(database, version_id, user_id, kind, AttestationStatus.ACCEPTED)
    _attest(database, version_id, user_id, EVIDENCE[-1], AttestationStatus.PENDING)
    with database.reader() as session:
        judged = judge_version(session, version_id, book, "2014-12", AS_OF)
    verdicts = {c.id: c.verdict for c in judged.evaluation.controls}
    assert verdicts["national-algorithms"] is Verdict.PASS  # MD5 accepted until June
    assert verdicts["supply-chain"] is Verdict.PASS
    assert verdicts["rd-service-centre"] is Verdict.NEEDS_EVIDENCE  # one is only pending
    assert judged.evaluation.overall is Overall.NEEDS_EVIDENCE
    with database.writer() as session:
        row = session.query(Attestation).filter(
            Attestation.evidence_type == EVIDENCE[-1]).one()
        row.status = AttestationStatus.ACCEPTED
    with database.reader() as session:
        passed = judge_version(session, version_id, book, "2014-12", AS_OF).evaluation
        expired = judge_version(session, version_id, book, "2014-12",
                                dt.date(2015, 7, 1)).evaluation
    assert passed.overall is Overall.PASS
    assert {c.id: c.verdict for c in expired.controls}["national-algorithms"] is Verdict.FAIL


def test_no_finished_inspection_is_refused(database: Database, tmp_path: Path) -> None:
    book = shipped_rulebooks()["cn-cbrc-317"]
    version_id, _ = _inspected(database, tmp_path, {"sm.py": SM3})
    with database.writer() as session:
        inspection = session.query(Inspection).one()
        inspection.status = InspectionStatus.RUNNING
        inspection_id = inspection.id
    with database.reader() as session, pytest.raises(NoFinishedInspection):
        judge_version(session, version_id, book, None, AS_OF)
    with database.reader() as session, pytest.raises(NoFinishedInspection, match="running"):
        judge_version(session, version_id, book, None, AS_OF, inspection_id)
