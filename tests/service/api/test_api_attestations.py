"""Attestations: a vendor uploads evidence (streamed, encrypted), banks and inspectors see
its summary, inspectors download (audited) and decide; on both database backends."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from anke.service.attestations import attestations_for, evidence_types
from anke.service.audit.chain import verify
from anke.service.audit.model import AuditEntry
from anke.service.db.products import AttestationStatus
from service_factory import World

DOCUMENT = b"%PDF-1.4\nSource code filing receipt no. 2024-0001\n%%EOF\n"
FACTS = {"evidence_type": "source-code-filing-receipt", "title": "Filing receipt 2024",
         "issued_on": "2024-01-15", "valid_until": "2099-01-14", "filename": "receipt.pdf"}


def _version(world: World) -> int:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "Core", "category": "software"})
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0"})
    return int(version.json()["id"])


def _uploaded(world: World, version: int) -> dict[str, object]:
    response = world.sign_in("vendor").post(f"/api/versions/{version}/attestations",
                                            params=FACTS, content=DOCUMENT)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def _actions(world: World) -> list[str]:
    with world.services.database.reader() as session:
        return [entry.action for entry in session.execute(
            select(AuditEntry).where(AuditEntry.action.like("attestation.%"))
            .order_by(AuditEntry.seq)).scalars()]


def test_upload_summary_download_and_decide(world: World, tmp_path: Path) -> None:
    version = _version(world)
    made = _uploaded(world, version)
    assert made == {"id": made["id"], "version_id": version,
                    "evidence_type": "source-code-filing-receipt",
                    "title": "Filing receipt 2024", "filename": "receipt.pdf",
                    "size": len(DOCUMENT), "sha256": hashlib.sha256(DOCUMENT).hexdigest(),
                    "issued_on": "2024-01-15", "valid_until": "2099-01-14",
                    "valid_today": True, "status": "pending", "decided_at": None,
                    "decision_note": "", "created_at": made["created_at"]}
    blobs = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1 and b"filing receipt" not in blobs[0].read_bytes()

    bank = world.sign_in("bank")
    listed = bank.get(f"/api/versions/{version}/attestations").json()
    assert listed["total"] == 1 and listed["items"][0] == made
    assert bank.get(f"/api/attestations/{made['id']}").json() == made
    assert bank.get(f"/api/attestations/{made['id']}/content").status_code == 404

    inspector = world.sign_in("inspector")
    content = inspector.get(f"/api/attestations/{made['id']}/content")
    assert content.status_code == 200 and content.content == DOCUMENT
    assert 'filename="receipt.pdf"' in content.headers["content-disposition"]

    decision = f"/api/attestations/{made['id']}/decision"
    refused = inspector.post(decision, json={"decision": "rejected"})
    assert (refused.status_code, refused.json()["detail"]) == (
        422, "a rejection needs a note saying why")
    assert inspector.post(decision, json={"decision": "pending"}).status_code == 422
    assert world.sign_in("vendor").post(decision, json={"decision": "accepted"}
                                        ).status_code == 403
    accepted = inspector.post(decision, json={"decision": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    rejected = inspector.post(decision, json={"decision": "rejected",
                                              "note": "receipt number unreadable"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "receipt number unreadable"

    assert _actions(world) == ["attestation.create", "attestation.read", "attestation.decide",
                               "attestation.decide"]
    with world.services.database.reader() as session:
        found = attestations_for(session, version)
        assert verify(session).ok
    assert [(item.id, item.status) for item in found] == [(made["id"],
                                                           AttestationStatus.REJECTED)]


def test_a_foreign_vendor_sees_nothing(world: World) -> None:
    version = _version(world)
    made = _uploaded(world, version)
    foreign = world.sign_in("foreign")
    assert foreign.get(f"/api/versions/{version}/attestations").status_code == 404
    assert foreign.get(f"/api/attestations/{made['id']}").status_code == 404
    assert foreign.get(f"/api/attestations/{made['id']}/content").status_code == 404
    assert foreign.post(f"/api/versions/{version}/attestations", params=FACTS,
                        content=DOCUMENT).status_code == 404
    assert world.sign_in("vendor").get(f"/api/attestations/{made['id']}/content"
                                       ).content == DOCUMENT
    assert world.sign_in("inspector").get("/api/attestations/999999").status_code == 404


def test_upload_input_is_checked(world: World) -> None:
    version = _version(world)
    vendor = world.sign_in("vendor")
    url = f"/api/versions/{version}/attestations"
    unknown = vendor.post(url, params={**FACTS, "evidence_type": "a-nice-letter"},
                          content=DOCUMENT)
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == ("unknown evidence_type 'a-nice-letter'; allowed: "
                                        + ", ".join(evidence_types()))
    assert "source-code-filing-receipt" in evidence_types()
    backwards = vendor.post(url, params={**FACTS, "valid_until": "2023-01-01"},
                            content=DOCUMENT)
    assert (backwards.status_code, backwards.json()["detail"]) == (
        422, "valid_until is before issued_on")
    assert vendor.post(url, params={**FACTS, "issued_on": "soon"},
                       content=DOCUMENT).status_code == 422
    assert vendor.post(url, params={**FACTS, "filename": "..."},
                       content=DOCUMENT).status_code == 422
    big = b"x" * (world.services.settings.max_upload_bytes + 1)
    assert vendor.post(url, params=FACTS, content=big).status_code == 413
    assert vendor.get(url).json()["total"] == 0


def test_a_streamed_upload_over_the_limit_is_refused_and_leaves_nothing(
        world: World, tmp_path: Path) -> None:
    version = _version(world)
    limit = world.services.settings.max_upload_bytes
    pieces = iter([b"x" * (1 << 20)] * (limit // (1 << 20) + 2))  # chunked: no length given
    response = world.sign_in("vendor").post(f"/api/versions/{version}/attestations",
                                            params=FACTS, content=pieces)
    assert response.status_code == 413
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
    assert _actions(world) == []
