"""Bank assets and the portfolio through the API: validation, tenancy, metrics, audit."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from anke.service.access.credentials import hash_password
from anke.service.audit.model import AuditEntry
from anke.service.db.tenancy import Organisation, OrgKind, Role, User
from service_factory import PASSWORD, World

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portfolio"))

from portfolio_factory import add_listing

RULEBOOK = {"rulebook": "cn-cbrc-317"}
AS_OF = "2015-03-01"


def _versions(world: World) -> tuple[int, int]:
    """Two versions of the vendor's operating system: (listed, not listed)."""
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "OS", "category": "operating-system"})
    ids = [vendor.post(f"/api/products/{product.json()['id']}/versions",
                       json={"version": name}).json()["id"] for name in ("1", "2")]
    return ids[0], ids[1]


def _list(world: World, version_id: int, listed: dt.date) -> None:
    """Put a version on cn-cbrc-317@2014-12's list (rows written directly)."""
    add_listing(world.services.database, world.orgs["vendor"], world.users["inspector"],
                version_id, listed)


def _asset(version_id: int | None, quantity: int, spend: str, since: str,
           category: str = "operating-system") -> dict[str, Any]:
    return {"name": f"asset {quantity}", "version_id": version_id, "category": category,
            "quantity": quantity, "spend": spend, "in_service_since": since}


def _second_bank(world: World) -> int:
    """Another bank with a user ``bank2`` and one asset; the asset's id."""
    with world.services.database.writer() as session:
        org = Organisation(name="Second Bank", kind=OrgKind.BANK)
        session.add(org)
        session.flush()
        session.add(User(org_id=org.id, email="bank2@example.org", name="bank2",
                         role=Role.BANK, password_hash=hash_password(PASSWORD)))
        world.orgs["bank2"] = org.id
    created = world.sign_in("bank2").post("/api/assets", json=_asset(None, 7, "70.00",
                                                                     "2014-01-01"))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_assets_are_created_one_or_many_and_validated(world: World) -> None:
    listed, _ = _versions(world)
    bank = world.sign_in("bank")
    one = bank.post("/api/assets", json=_asset(listed, 10, "1000.00", "2013-05-01"))
    assert one.status_code == 201, one.text
    assert one.json()["spend"] == "1000.00" and one.json()["bank_id"] == world.orgs["bank"]
    many = bank.post("/api/assets", json=[_asset(listed, 1, "1", "2014-01-01"),
                                          _asset(None, 2, "2", "2014-01-01", "desktop")])
    assert many.status_code == 201 and len(many.json()) == 2
    bad = {"quantity 0": (_asset(listed, 0, "1", "2014-01-01"), 422),
           "negative spend": (_asset(listed, 1, "-1", "2014-01-01"), 422),
           "no such version": (_asset(999_999, 1, "1", "2014-01-01"), 404),
           "unknown category": (_asset(listed, 1, "1", "2014-01-01", "toaster"), 422),
           "not a date": (_asset(listed, 1, "1", "yesterday"), 422),
           "too many": ([_asset(None, 1, "1", "2014-01-01", "desktop")] * 10_001, 422),
           "empty list": ([], 422)}
    for name, (body, status) in bad.items():
        response = bank.post("/api/assets", json=body)
        assert response.status_code == status, (name, response.text)
        assert "detail" in response.json()
    assert "unknown category 'toaster'" in bank.post(
        "/api/assets", json=_asset(listed, 1, "1", "2014-01-01", "toaster")).json()["detail"]
    listing = bank.get("/api/assets", params={"limit": 2, "offset": 1}).json()
    assert [item["quantity"] for item in listing] == [1, 2]


def test_the_products_own_category_is_accepted(world: World) -> None:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "Teller", "category": "teller-app"})
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1"}).json()["id"]
    bank = world.sign_in("bank")
    assert bank.post("/api/assets", json=_asset(version, 1, "1", "2014-01-01",
                                                "teller-app")).status_code == 201
    assert bank.post("/api/assets", json=_asset(None, 1, "1", "2014-01-01",
                                                "teller-app")).status_code == 422


def test_portfolio_metrics_replacements_and_whatif(world: World) -> None:
    listed, unlisted = _versions(world)
    _list(world, listed, dt.date(2014, 1, 1))
    bank = world.sign_in("bank")
    created = bank.post("/api/assets", json=[
        _asset(listed, 10, "1000.00", "2013-05-01"),
        _asset(unlisted, 30, "500.00", "2014-03-01"),
        _asset(None, 5, "250.00", "2015-02-01", "desktop")])
    assert created.status_code == 201
    ids = [item["id"] for item in created.json()]
    metrics = bank.get("/api/portfolio", params={**RULEBOOK, "as_of": AS_OF})
    assert metrics.status_code == 200, metrics.text
    body = metrics.json()
    assert (body["version"], body["total"]["quantity"], body["total"]["quantity_passing"]) == (
        "2014-12", 45, 10)
    assert body["total"]["count_share"] == pytest.approx(10 / 45)
    assert body["total"]["spend_share"] == pytest.approx(1000 / 1750)
    assert body["total"]["spend_unknown"] == "250.00"
    assert [c["category"] for c in body["categories"]] == ["desktop", "operating-system"]
    assert [point["year"] for point in body["years"]] == list(range(2013, 2020))
    assert body["next_target"]["categories"] == ["desktop"]
    assert body["targets"][-1]["share"] == 0.75 and body["targets"][-1]["missing"] == 24
    picked = bank.get("/api/portfolio/replacements", params={**RULEBOOK, "as_of": AS_OF})
    assert picked.status_code == 200, picked.text
    assert [asset["id"] for asset in picked.json()["assets"]] == [ids[2]]
    assert picked.json()["spend"] == "250.00" and "recorded spend" in picked.json()["assumption"]
    later = bank.get("/api/portfolio/replacements",
                     params={**RULEBOOK, "version": "2014-12", "as_of": "2016-06-01"}).json()
    assert (later["target"]["year"], later["missing"]) == (2019, 24)
    assert [asset["id"] for asset in later["assets"]] == [ids[1]]
    what = bank.get("/api/portfolio/whatif", params={**RULEBOOK, "as_of": AS_OF,
                                                     "draft": "2015-draft-hypothetical"})
    assert what.status_code == 200, what.text
    changes = {c["version_id"]: (c["before"], c["after"]) for c in what.json()["changes"]}
    assert changes == {listed: ("pass", "unknown"), unlisted: ("fail", "unknown")}
    assert what.json()["after"]["total"]["quantity_unknown"] == 45
    assert [asset["id"] for asset in what.json()["assets"]] == [ids[0]]
    inspector = world.sign_in("inspector")
    theirs = inspector.get("/api/portfolio", params={**RULEBOOK, "as_of": AS_OF,
                                                     "bank_id": world.orgs["bank"]})
    assert theirs.json()["total"] == body["total"]
    assert inspector.get("/api/portfolio", params={**RULEBOOK}).status_code == 400


def test_bad_portfolio_queries_are_4xx(world: World) -> None:
    bank = world.sign_in("bank")
    cases = {("nope", None, AS_OF): 404, ("cn-cbrc-317", "1999", AS_OF): 404,
             ("cn-cbrc-317", None, "2016-01-01"): 422, ("cn-cbrc-317", None, "x"): 422}
    for (rulebook, version, as_of), status in cases.items():
        params = {"rulebook": rulebook, "as_of": as_of}
        if version:
            params["version"] = version
        assert bank.get("/api/portfolio", params=params).status_code == status
    assert bank.get("/api/portfolio/whatif", params={**RULEBOOK, "as_of": AS_OF,
                                                     "draft": "no"}).status_code == 404
    assert bank.get("/api/portfolio").status_code == 422  # rulebook is required


def test_a_bank_never_sees_another_banks_assets(world: World) -> None:
    theirs = _second_bank(world)
    bank = world.sign_in("bank")
    assert bank.get(f"/api/assets/{theirs}").status_code == 404
    assert bank.patch(f"/api/assets/{theirs}", json={"quantity": 1}).status_code == 404
    assert bank.delete(f"/api/assets/{theirs}").status_code == 404
    assert bank.get("/api/assets", params={"bank_id": world.orgs["bank2"]}).status_code == 404
    assert bank.get("/api/portfolio", params={**RULEBOOK,
                                              "bank_id": world.orgs["bank2"]}).status_code == 404
    assert bank.get("/api/assets").json() == []
    inspector = world.sign_in("inspector")
    assert inspector.get(f"/api/assets/{theirs}").status_code == 200
    assert [a["id"] for a in inspector.get("/api/assets").json()] == [theirs]
    assert inspector.get("/api/assets", params={"bank_id": world.orgs["vendor"]}
                         ).status_code == 404  # not a bank


def test_vendors_and_admins_are_forbidden(world: World) -> None:
    for who in ("vendor", "foreign", "admin"):
        client = world.sign_in(who)
        assert client.get("/api/portfolio", params=RULEBOOK).status_code == 403
        assert client.get("/api/assets").status_code == 403
        assert client.post("/api/assets", json=_asset(None, 1, "1", "2014-01-01",
                                                      "desktop")).status_code == 403
    assert world.sign_in("inspector").post("/api/assets", json=_asset(
        None, 1, "1", "2014-01-01", "desktop")).status_code == 403


def test_changes_are_audited(world: World) -> None:
    bank = world.sign_in("bank")
    asset = bank.post("/api/assets", json=_asset(None, 3, "30", "2014-01-01", "desktop")).json()
    changed = bank.patch(f"/api/assets/{asset['id']}", json={"quantity": 4, "spend": "40.5"})
    assert changed.status_code == 200
    assert (changed.json()["quantity"], changed.json()["spend"]) == (4, "40.50")
    assert bank.patch(f"/api/assets/{asset['id']}", json={"quantity": None}
                      ).status_code == 422
    assert bank.patch(f"/api/assets/{asset['id']}", json={"category": "toaster"}
                      ).status_code == 422
    assert bank.delete(f"/api/assets/{asset['id']}").status_code == 204
    assert bank.get(f"/api/assets/{asset['id']}").status_code == 404
    with world.services.database.reader() as session:
        actions = list(session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("asset.%")).order_by(AuditEntry.seq)).scalars())
    assert actions == ["asset.create", "asset.change", "asset.delete"]
