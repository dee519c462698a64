"""The demo seed (``make run``): its shape on both backends, and that it is done once.

The registry is never asked: the fetcher hands out small local archives with the pinned
packages' names, written here, whose findings play the same parts (SM algorithms; an RC4
pseudo-random pool at the path the triage names; MD5 and RC4 in the foreign package).
"""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import tarfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from anke.errors import AnkeError
from anke.service.api.app import create_app
from anke.service.audit.chain import verify
from anke.service.audit.model import AuditEntry
from anke.service.config import Settings
from anke.service.db.evaluations import Evaluation, Listing
from anke.service.db.inspections import FindingRecord, Inspection, Triage
from anke.service.db.portfolio import Asset
from anke.service.db.products import Attestation, Product
from anke.service.db.session import Database
from anke.service.db.tenancy import Organisation, User
from anke.service.demo.client import DemoApi
from anke.service.demo.fetch import Fetcher
from anke.service.demo.scenario import PackageSpec, load_scenario
from anke.service.demo.seed import seed_demo
from anke.service.runtime import Services, open_services

SM_PACKAGE = {
    "package/package.json": '{"name": "sm-demo", "version": "1.0.0"}\n',
    "package/src/sm3/index.js": (
        "// an SM3 digest, written for anke's tests\n"
        "const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, "
        "0x163138aa, 0xe38dee4d, 0xb0fb0e4e]\n"
        "function sm3(bytes) { return IV.map((word, i) => word ^ (bytes[i] || 0)) }\n"
        "module.exports = { sm3 }\n"),
}
RNG = {"package/src/sm2/rng.js": (
    "// a small pseudo-random pool, written for anke's tests\n"
    "class Arcfour {\n  constructor() { this.i = 0; this.j = 0; this.S = [] }\n}\n"
    "module.exports = { Arcfour }\n")}
FOREIGN_PACKAGE = {"package/index.js": (
    "const crypto = require('crypto');\n"
    "const digest = crypto.createHash('md5').update('x').digest('hex');\n"
    "const cipher = crypto.createCipheriv('rc4', Buffer.alloc(16), null);\n"
    "module.exports = { digest, cipher };\n")}
CONTENT = {"sm-crypto-0.3.13": SM_PACKAGE, "sm-crypto-0.5.8": {**SM_PACKAGE, **RNG},
           "crypto-js-4.2.0": FOREIGN_PACKAGE}


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class LocalFetcher:
    """Archives from a folder, counting the calls."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        for package in load_scenario().packages:
            (folder / package.filename).write_bytes(_tarball(CONTENT[package.key]))

    def __call__(self, package: PackageSpec) -> Path:
        self.calls.append(package.key)
        return self.folder / package.filename


@pytest.fixture
def services(database: Database, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Services:
    """A service over ``database`` with an empty data directory."""
    monkeypatch.setenv("ANKE_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    settings = Settings(data_dir=tmp_path / "data", database_url=database.url,
                        blob_url=str(tmp_path / "blobs"))
    built = open_services(settings, migrate=False)
    built.database.dispose()
    built.database = database
    return built


def _shape(services: Services) -> dict[str, object]:
    with services.database.reader() as session:
        def count(model: type) -> int:
            return int(session.execute(select(func.count()).select_from(model)).scalar_one())

        kinds = Counter(o.kind.value for o in session.execute(select(Organisation)).scalars())
        roles = Counter(u.role.value for u in session.execute(select(User)).scalars())
        inspections = list(session.execute(select(Inspection)).scalars())
        findings = Counter(session.execute(select(FindingRecord.inspection_id)).scalars())
        triage = Counter((t.status.value, t.product_id)
                         for t in session.execute(select(Triage)).scalars())
        products = {p.name: p.id for p in session.execute(select(Product)).scalars()}
        evaluations = sorted((e.overall, e.signature is not None, e.as_of)
                             for e in session.execute(select(Evaluation)).scalars())
        listings = sorted((row.listed_on, row.removed_on)
                          for row in session.execute(select(Listing)).scalars())
        attestations = Counter(a.status.value
                               for a in session.execute(select(Attestation)).scalars())
        assets = list(session.execute(select(Asset)).scalars())
        audit = verify(session)
        return {"kinds": dict(kinds), "roles": dict(roles),
                "inspections": sorted(i.status.value for i in inspections),
                "findings": sorted(findings[i.id] for i in inspections),
                "triage": {(status, name) for (status, pid) in triage
                           for name, known in products.items() if known == pid},
                "evaluations": evaluations, "listings": listings,
                "attestations": dict(attestations),
                "assets": (len(assets), {a.bank_id for a in assets},
                           sorted({a.in_service_since.year for a in assets}),
                           sum(1 for a in assets if a.version_id is not None)),
                "products": count(Product), "audit": (audit.ok, audit.entries)}


def test_the_demo_is_seeded_through_the_api_then_reused(services: Services, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fetch = LocalFetcher(tmp_path / "downloads")
    lines: list[str] = []
    # the first run lacks the assets route: that step waits, with a notice
    serves = DemoApi.serves
    monkeypatch.setattr(DemoApi, "serves", lambda self, method, path:
                        path != "/api/assets" and serves(self, method, path))
    first = seed_demo(services, fetch, say=lines.append)
    assert first.first is True and first.skipped == ("assets",)
    assert any(line.startswith("step assets skipped: POST /api/assets not served")
               for line in lines)
    assert sorted(fetch.calls) == ["crypto-js-4.2.0", "sm-crypto-0.3.13", "sm-crypto-0.5.8"]
    monkeypatch.undo()

    second = seed_demo(services, fetch, say=lines.append)
    assert second.first is False and second.skipped == ()
    assert second.record.passwords == first.record.passwords
    shape = _shape(services)
    bank_id = second.record.id("org:bank")
    assert shape["kinds"] == {"regulator": 1, "vendor": 2, "bank": 1}
    assert shape["roles"] == {"admin": 1, "inspector": 1, "vendor": 2, "bank": 1}
    assert shape["products"] == 4
    assert shape["inspections"] == ["done", "done", "done"]
    assert shape["findings"] == [2, 2, 3]
    assert shape["triage"] == {("accepted", "SM Crypto JS"), ("confirmed", "CryptoJS")}
    assert shape["attestations"] == {"accepted": 8, "rejected": 1}
    assert shape["evaluations"] == [("fail", False, date(2015, 3, 1)),
                                    ("pass", True, date(2014, 12, 29)),
                                    ("pass", True, date(2015, 3, 1))]
    assert shape["listings"] == [(date(2014, 12, 30), date(2017, 3, 31)),
                                 (date(2015, 3, 2), None)]
    assert shape["assets"] == (50, {bank_id}, [2012, 2013, 2014, 2015, 2016], 16)
    with services.database.reader() as session:
        audit = verify(session)
    assert audit.ok is True and shape["audit"] == (True, audit.entries)

    # a third run changes nothing, downloads nothing, and audits nothing
    calls = len(fetch.calls)
    third = seed_demo(services, fetch, say=lines.append)
    assert third.first is False and third.skipped == ()
    assert _shape(services) == shape
    assert len(fetch.calls) == calls
    record = services.settings.data_dir / "demo.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    saved = json.loads(record.read_text())
    assert saved["passwords"] == first.record.passwords
    assert set(saved["done"]) == {"people", "products", "inspections", "attestations",
                                  "triage", "evaluations", "listings", "assets"}
    with services.database.reader() as session:
        assert session.execute(select(func.count()).select_from(AuditEntry)
                               ).scalar_one() == audit.entries


def test_every_account_signs_in_with_its_printed_password(services: Services,
                                                          tmp_path: Path) -> None:
    result = seed_demo(services, LocalFetcher(tmp_path / "downloads"), say=lambda _: None)
    client = TestClient(create_app(services))
    for account in load_scenario().accounts:
        response = client.post("/api/session", json={
            "email": account.email, "password": result.record.passwords[account.key]})
        assert response.status_code == 200, account.email
        assert response.json()["role"] == account.role.value


def test_the_demo_is_never_seeded_over_a_service_in_use(services: Services,
                                                        tmp_path: Path) -> None:
    from anke.service.access.credentials import hash_password
    from anke.service.db.tenancy import OrgKind, Role
    with services.database.writer() as session:
        org = Organisation(name="Real Regulator", kind=OrgKind.REGULATOR)
        session.add(org)
        session.flush()
        session.add(User(org_id=org.id, email="someone@real.example", name="someone",
                         role=Role.ADMIN, password_hash=hash_password("a real password")))
    fetch = LocalFetcher(tmp_path / "downloads")
    with pytest.raises(AnkeError, match="already has users but no demo record"):
        seed_demo(services, fetch, say=lambda _: None)
    assert fetch.calls == []


def test_the_registry_fetcher_checks_the_pinned_hash(tmp_path: Path) -> None:
    from anke.service.demo.fetch import FetchError, registry_fetcher, sha256_of
    package = load_scenario().packages[0]
    cached = tmp_path / "packages" / package.filename
    cached.parent.mkdir()
    cached.write_bytes(b"not the package")
    fetch: Fetcher = registry_fetcher(tmp_path)
    pinned = package.model_copy(update={"sha256": sha256_of(cached)})
    assert fetch(pinned) == cached  # a cached file with the pinned hash: no download
    local = package.model_copy(update={"url": f"file://{tmp_path / 'elsewhere.tgz'}"})
    (tmp_path / "elsewhere.tgz").write_bytes(b"also not the package")
    with pytest.raises(FetchError, match="is not the pinned"):
        fetch(local)  # the damaged cache file is dropped, the download refused
    assert not cached.exists()
    assert [p.name for p in cached.parent.iterdir()] == []
