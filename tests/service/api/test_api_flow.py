"""A vendor submits, the worker inspects, findings and the audit log are there; on both
database backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

from anke.service.audit.chain import verify
from anke.service.jobs.worker import Worker
from service_factory import APP_JS, World, tarball


def _product_version(world: World, vendor: str = "vendor") -> int:
    client = world.sign_in(vendor)
    product = client.post("/api/products", json={"name": f"Teller {vendor}",
                                                 "category": "software"})
    assert product.status_code == 201, product.text
    version = client.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0.0"})
    assert version.status_code == 201, version.text
    return int(version.json()["id"])


def test_submit_inspect_and_read_findings(world: World, tmp_path: Path) -> None:
    version = _product_version(world)
    vendor = world.sign_in("vendor")
    archive = tarball({"package/lib/app.js": APP_JS})
    uploaded = vendor.post(f"/api/versions/{version}/submissions",
                           params={"filename": "teller-1.0.0.tgz"}, content=archive)
    assert uploaded.status_code == 201, uploaded.text
    submission = uploaded.json()
    assert submission["sha256"] == hashlib.sha256(archive).hexdigest()
    assert submission["size"] == len(archive) and submission["cipher"] == "aes-256-gcm"
    blobs = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1 and b"createCipheriv" not in blobs[0].read_bytes()

    started = vendor.post(f"/api/submissions/{submission['id']}/inspections")
    assert started.status_code == 201 and started.json()["status"] == "queued"
    inspection = started.json()["id"]
    worker = Worker(world.services)
    assert worker.run_once() is True
    assert worker.run_once() is False

    done = vendor.get(f"/api/inspections/{inspection}").json()
    assert done["status"] == "done" and done["stats"]["findings"] >= 2
    findings = vendor.get(f"/api/inspections/{inspection}/findings").json()
    seen = {(f["data"]["algorithm"], f["data"]["line"]) for f in findings
            if f["data"].get("algorithm")}
    assert {("AES", 3), ("MD5", 6)} <= seen
    assert all(f["data"]["path"].startswith("teller-1.0.0.tgz!/") for f in findings)

    downloaded = world.sign_in("inspector").get(f"/api/submissions/{submission['id']}/content")
    assert downloaded.status_code == 200 and downloaded.content == archive
    with world.services.database.reader() as session:
        result = verify(session)
    assert result.ok
    with world.services.database.reader() as session:
        from sqlalchemy import select

        from anke.service.audit.model import AuditEntry
        actions = [e.action for e in session.execute(
            select(AuditEntry).order_by(AuditEntry.seq)).scalars()]
    assert actions.count("source.read") == 2  # the inspection's and the inspector's download
    assert "submission.create" in actions and "inspection.finish" in actions


def test_upload_limits_and_names(world: World) -> None:
    version = _product_version(world)
    vendor = world.sign_in("vendor")
    too_big = vendor.post(f"/api/versions/{version}/submissions", params={"filename": "a.bin"},
                          content=b"\0" * (8 * 1024 * 1024 + 1))
    assert too_big.status_code == 413
    unnamed = vendor.post(f"/api/versions/{version}/submissions", params={"filename": "../"},
                          content=b"x")
    assert unnamed.status_code == 422


def test_tokens_are_scoped_and_revocable(world: World) -> None:
    vendor = world.sign_in("vendor")
    made = vendor.post("/api/tokens", json={"name": "ci", "scopes": ["read"]})
    assert made.status_code == 201
    token = made.json()["token"]
    assert token.startswith("anke_")
    bearer = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/products", headers=bearer).status_code == 200
    refused = world.client.post("/api/products", headers=bearer,
                                json={"name": "x", "category": "software"})
    assert refused.status_code == 403
    listed = vendor.get("/api/tokens").json()
    assert [t["name"] for t in listed] == ["ci"] and "token" not in listed[0]
    assert vendor.delete(f"/api/tokens/{made.json()['id']}").status_code == 204
    assert world.client.get("/api/products", headers=bearer).status_code == 401


def test_sessions_need_csrf_for_changes(world: World) -> None:
    vendor = world.sign_in("vendor")
    del vendor.headers["X-CSRF-Token"]
    assert vendor.get("/api/products").status_code == 200
    refused = vendor.post("/api/products", json={"name": "x", "category": "software"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    wrong = world.client.post("/api/session", json={"email": "vendor@example.org",
                                                    "password": "not it at all"})
    assert wrong.status_code == 401
    cookie = world.sign_in("vendor").cookies
    assert any(c.name == "anke_session" for c in cookie.jar)
