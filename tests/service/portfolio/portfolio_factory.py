"""A hand-built portfolio for the portfolio tests, on either database backend.

Under cn-cbrc-317@2014-12 (in force 2014-12-26 .. 2015-04-13):

| asset | version  | category         | qty | spend   | in service  |
| ----- | -------- | ---------------- | --- | ------- | ----------- |
| 1     | os-1     | operating-system | 10  | 1000.00 | 2013-05-01  |
| 2     | os-2     | operating-system | 30  |  500.00 | 2014-03-01  |
| 3     | av-1     | anti-virus       |  5  |  250.00 | 2015-01-10  |
| 4     | (none)   | desktop          |  5  |  250.00 | 2015-02-01  |
| 5     | os-1     | software         | 50  | 2000.00 | 2016-07-01  |

os-1 is listed from 2014-01-01; av-1 from 2015-02-01 until its removal on 2015-06-01;
os-2 is never listed.  Another bank holds 1000 of os-2 (never seen by the first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from anke.engine.session import ScanOptions, scan_paths
from anke.service.db.base import utcnow
from anke.service.db.evaluations import Evaluation, Listing
from anke.service.db.inspections import FindingRecord, Inspection, InspectionStatus
from anke.service.db.keys import DataKey
from anke.service.db.portfolio import Asset
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

RULEBOOK, VERSION, DRAFT = "cn-cbrc-317", "2014-12", "2015-draft-hypothetical"
AS_OF = dt.date(2015, 3, 1)
SM3 = ("from gmssl import sm3, func\n\n"
       "def digest(data: bytes) -> str:\n    return sm3.sm3_hash(func.bytes_to_list(data))\n")
MD5 = ("import hashlib\n\n"
       "def legacy(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n")
EVIDENCE = ("oscca-product-model-certificate", "supply-chain-attestation", "china-rd-centre",
            "china-service-centre")


@dataclass
class Built:
    """The ids of what was built."""

    bank: int
    other_bank: int
    vendor: int
    inspector: int
    versions: dict[str, int]
    assets: list[int]


def add_listing(database: Database, vendor: int, inspector: int, version_id: int,
                listed: dt.date, removed: dt.date | None = None, *,
                rulebook_version: str = VERSION, removal_reason: str = "") -> None:
    """Put a version on the rulebook version's list, with the rows a listing rests on (a
    submission, an inspection and a passing evaluation) written directly."""
    with database.writer() as session:
        key = session.query(DataKey).filter(DataKey.org_id == vendor).first()
        if key is None:
            key = DataKey(org_id=vendor, generation=99, wrapped=b"w", master_key_id="m")
            session.add(key)
            session.flush()
        submission = Submission(version_id=version_id, uploaded_by=inspector,
                                filename="x.tgz", size=1, sha256="0" * 64,
                                blob_key=f"listing-{version_id}-{listed}", data_key_id=key.id,
                                cipher="aes-256-gcm", manifest=[])
        session.add(submission)
        session.flush()
        inspection = Inspection(submission_id=submission.id, requested_by=inspector,
                                status=InspectionStatus.FAILED)
        session.add(inspection)
        session.flush()
        evaluation = Evaluation(version_id=version_id, inspection_id=inspection.id,
                                rulebook=RULEBOOK, rulebook_version=rulebook_version,
                                as_of=listed, overall="pass", result={}, digest="0" * 64,
                                created_by=inspector)
        session.add(evaluation)
        session.flush()
        session.add(Listing(rulebook=RULEBOOK, rulebook_version=rulebook_version,
                            version_id=version_id, evaluation_id=evaluation.id,
                            listed_on=listed, removed_on=removed,
                            removal_reason=removal_reason, published_by=inspector))


def add_portfolio(session: Session, vendor: int, bank: int,
                  name: Callable[[int], str] = lambda n: f"asset {n}",
                  ) -> tuple[dict[str, int], list[Asset]]:
    """The vendor's products and versions and the bank's five assets of the module
    docstring (not yet listed); the version ids by name and the assets."""
    system = Product(vendor_id=vendor, name="OS", category="operating-system")
    antivirus = Product(vendor_id=vendor, name="AV", category="anti-virus")
    session.add_all([system, antivirus])
    session.flush()
    versions = {"os-1": ProductVersion(product_id=system.id, version="1"),
                "os-2": ProductVersion(product_id=system.id, version="2"),
                "av-1": ProductVersion(product_id=antivirus.id, version="1")}
    session.add_all(versions.values())
    session.flush()
    ids = {key: version.id for key, version in versions.items()}
    rows = [(ids["os-1"], "operating-system", 10, "1000.00", dt.date(2013, 5, 1)),
            (ids["os-2"], "operating-system", 30, "500.00", dt.date(2014, 3, 1)),
            (ids["av-1"], "anti-virus", 5, "250.00", dt.date(2015, 1, 10)),
            (None, "desktop", 5, "250.00", dt.date(2015, 2, 1)),
            (ids["os-1"], "software", 50, "2000.00", dt.date(2016, 7, 1))]
    assets = [Asset(bank_id=bank, name=name(n), version_id=version_id, category=category,
                    quantity=quantity, spend=Decimal(spend), in_service_since=since)
              for n, (version_id, category, quantity, spend, since) in enumerate(rows, 1)]
    session.add_all(assets)
    session.flush()
    return ids, assets


def build(database: Database) -> Built:
    """The portfolio of the module docstring."""
    with database.writer() as session:
        bank = Organisation(name="Bank", kind=OrgKind.BANK)
        other = Organisation(name="Other Bank", kind=OrgKind.BANK)
        vendor = Organisation(name="Vendor", kind=OrgKind.VENDOR)
        regulator = Organisation(name="Regulator", kind=OrgKind.REGULATOR)
        session.add_all([bank, other, vendor, regulator])
        session.flush()
        inspector = User(org_id=regulator.id, email="i@example.org", name="i",
                         role=Role.INSPECTOR, password_hash="x")
        key = DataKey(org_id=vendor.id, generation=1, wrapped=b"w", master_key_id="m")
        session.add_all([inspector, key])
        session.flush()
        ids, assets = add_portfolio(session, vendor.id, bank.id)
        session.add(Asset(bank_id=other.id, name="theirs", version_id=ids["os-2"],
                          category="operating-system", quantity=1000,
                          spend=Decimal("9.99"), in_service_since=dt.date(2014, 1, 1)))
        built = Built(bank.id, other.id, vendor.id, inspector.id, ids,
                      [asset.id for asset in assets])
    add_listing(database, built.vendor, built.inspector, ids["os-1"], dt.date(2014, 1, 1))
    add_listing(database, built.vendor, built.inspector, ids["av-1"], dt.date(2015, 2, 1),
                dt.date(2015, 6, 1))
    return built


def inspect(database: Database, built: Built, version_id: int, tmp_path: Path,
            files: dict[str, str], evidence: tuple[str, ...] = EVIDENCE) -> None:
    """A finished inspection of ``files`` for a version, and accepted ``evidence``."""
    folder = tmp_path / f"src-{version_id}"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    document = scan_paths([folder / name for name in files], ScanOptions(jobs=1))
    with database.writer() as session:
        key = session.query(DataKey).filter(DataKey.org_id == built.vendor).one()
        submission = Submission(version_id=version_id, uploaded_by=built.inspector,
                                filename="c.tgz", size=1, sha256="0" * 64,
                                blob_key=f"inspected-{version_id}", data_key_id=key.id,
                                cipher="aes-256-gcm", manifest=[])
        session.add(submission)
        session.flush()
        inspection = Inspection(submission_id=submission.id, requested_by=built.inspector,
                                status=InspectionStatus.DONE, finished_at=utcnow(),
                                stats=document.stats.model_dump(mode="json"))
        session.add(inspection)
        session.flush()
        for finding in document.findings:
            session.add(FindingRecord(
                inspection_id=inspection.id, finding_id=finding.id,
                fingerprint=fingerprint(finding), kind=finding.kind.value,
                detector=finding.detector, rule=finding.rule, algorithm=finding.algorithm,
                confidence=finding.confidence.value, path=finding.path, line=finding.line,
                data=finding.model_dump(mode="json", exclude_none=True)))
        for kind in evidence:
            session.add(Attestation(version_id=version_id, evidence_type=kind, title=kind,
                                    filename=f"{kind}.pdf", size=1, sha256="a" * 64,
                                    blob_key=f"att-{version_id}-{kind}", data_key_id=key.id,
                                    cipher="x", issued_on=dt.date(2014, 1, 1),
                                    uploaded_by=built.inspector,
                                    status=AttestationStatus.ACCEPTED))
