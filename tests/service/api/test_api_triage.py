"""Triage of findings, kept per product by fingerprint so it carries to the next version;
expiry of accepted findings; who may triage; every change audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from anke.service.audit.model import AuditEntry
from anke.service.db.inspections import Triage
from anke.service.jobs.worker import Worker
from anke.service.triage import exempts, today, triage_for
from service_factory import APP_JS, World, tarball

TOMORROW = (today() + timedelta(days=2)).isoformat()


def _inspected(world: World, product: int, version: str) -> int:
    vendor = world.sign_in("vendor")
    made = vendor.post(f"/api/products/{product}/versions", json={"version": version})
    submission = vendor.post(f"/api/versions/{made.json()['id']}/submissions",
                             params={"filename": f"teller-{version}.tgz"},
                             content=tarball({"package/lib/app.js": APP_JS}))
    inspection = vendor.post(f"/api/submissions/{submission.json()['id']}/inspections")
    assert Worker(world.services).run_once() is True
    return int(inspection.json()["id"])


def _product(world: World, name: str = "Teller") -> int:
    made = world.sign_in("vendor").post("/api/products",
                                        json={"name": name, "category": "software"})
    return int(made.json()["id"])


def _md5(findings: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in findings if f["data"].get("algorithm") == "MD5")


def test_triage_carries_to_the_next_version_by_fingerprint(world: World) -> None:
    product = _product(world)
    first = _inspected(world, product, "1.0")
    inspector = world.sign_in("inspector")
    finding = _md5(inspector.get(f"/api/inspections/{first}/findings").json())
    assert finding["triage"] is None
    url = f"/api/inspections/{first}/findings/{finding['id']}/triage"
    decided = inspector.put(url, json={"status": "accepted", "reason": "legacy checksum",
                                       "expires_on": TOMORROW})
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "accepted" and decided.json()["expired"] is False

    second = _inspected(world, product, "2.0")
    later = world.sign_in("vendor").get(f"/api/inspections/{second}/findings").json()
    carried = _md5(later)
    assert carried["id"] != finding["id"] and carried["fingerprint"] == finding["fingerprint"]
    assert carried["triage"] == {"status": "accepted", "reason": "legacy checksum",
                                 "expires_on": TOMORROW, "decided_by": world.users["inspector"],
                                 "decided_at": carried["triage"]["decided_at"],
                                 "expired": False}
    others = [f for f in later if f["id"] != carried["id"]]
    assert others and all(f["triage"] is None for f in others)

    listed = inspector.get(f"/api/products/{product}/triage").json()
    assert listed["total"] == 1 and listed["items"][0]["fingerprint"] == finding["fingerprint"]
    assert listed["items"][0]["first_inspection_id"] == first
    assert world.sign_in("vendor").get(f"/api/products/{product}/triage").status_code == 200
    assert world.sign_in("foreign").get(f"/api/products/{product}/triage").status_code == 404
    assert world.sign_in("bank").get(f"/api/products/{product}/triage").status_code == 404

    # re-decided on version 2: one row for the product, replaced
    url2 = f"/api/inspections/{second}/findings/{carried['id']}/triage"
    assert inspector.put(url2, json={"status": "confirmed"}).json()["status"] == "confirmed"
    assert _md5(inspector.get(f"/api/inspections/{first}/findings").json()
                )["triage"]["status"] == "confirmed"
    assert inspector.delete(url2).status_code == 204
    assert _md5(inspector.get(f"/api/inspections/{first}/findings").json())["triage"] is None
    assert inspector.delete(url2).status_code == 404
    with world.services.database.reader() as session:
        actions = [entry.action for entry in session.execute(
            select(AuditEntry).where(AuditEntry.action.like("triage.%"))
            .order_by(AuditEntry.seq)).scalars()]
    assert actions == ["triage.set", "triage.set", "triage.clear"]


def test_an_expired_acceptance_no_longer_counts(world: World) -> None:
    product = _product(world)
    inspection = _inspected(world, product, "1.0")
    inspector = world.sign_in("inspector")
    finding = _md5(inspector.get(f"/api/inspections/{inspection}/findings").json())
    inspector.put(f"/api/inspections/{inspection}/findings/{finding['id']}/triage",
                  json={"status": "accepted", "reason": "until the fix",
                        "expires_on": TOMORROW})
    with world.services.database.writer() as session:
        session.execute(update(Triage).values(expires_on=today() - timedelta(days=1)))
    shown = _md5(inspector.get(f"/api/inspections/{inspection}/findings").json())["triage"]
    assert shown["status"] == "accepted" and shown["expired"] is True
    with world.services.database.reader() as session:
        found = triage_for(session, product, [finding["fingerprint"], "0" * 64])
    assert list(found) == [finding["fingerprint"]]
    assert exempts(found[finding["fingerprint"]]) is False
    assert exempts(found[finding["fingerprint"]], today() - timedelta(days=1)) is True


def test_triage_input_is_checked_and_only_inspectors_decide(world: World) -> None:
    product = _product(world)
    inspection = _inspected(world, product, "1.0")
    inspector = world.sign_in("inspector")
    finding = _md5(inspector.get(f"/api/inspections/{inspection}/findings").json())
    url = f"/api/inspections/{inspection}/findings/{finding['id']}/triage"
    past = (today() - timedelta(days=1)).isoformat()
    bad = [({"status": "accepted", "expires_on": TOMORROW}, "an accepted finding needs a reason"),
           ({"status": "accepted", "reason": "r"},
            "an accepted finding needs an expiry date (expires_on)"),
           ({"status": "accepted", "reason": "r", "expires_on": past},
            f"expires_on must be after today ({today().isoformat()})"),
           ({"status": "false-positive", "reason": "  "}, "a false positive needs a reason"),
           ({"status": "confirmed", "expires_on": TOMORROW},
            "a confirmed finding does not expire: leave expires_on out")]
    for body, detail in bad:
        response = inspector.put(url, json=body)
        assert (response.status_code, response.json()["detail"]) == (422, detail)
    assert inspector.put(url, json={"status": "maybe"}).status_code == 422
    fp = inspector.put(url, json={"status": "false-positive", "reason": "test vector"})
    assert fp.status_code == 200 and fp.json()["expires_on"] is None
    assert world.sign_in("vendor").put(url, json={"status": "confirmed"}).status_code == 403
    assert world.sign_in("foreign").put(url, json={"status": "confirmed"}).status_code == 404
    assert world.sign_in("bank").delete(url).status_code == 404
    other = _inspected(world, _product(world, "Other"), "1.0")
    wrong = f"/api/inspections/{other}/findings/{finding['id']}/triage"
    assert inspector.put(wrong, json={"status": "confirmed"}).status_code == 404
    assert inspector.put(f"/api/inspections/999999/findings/{finding['id']}/triage",
                         json={"status": "confirmed"}).status_code == 404

