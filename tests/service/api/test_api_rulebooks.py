"""The rulebook API: versions, lifecycle events, standing, categories, controls, targets."""

from __future__ import annotations

from service_factory import World


def test_every_role_lists_the_shipped_rulebooks(world: World) -> None:
    for who in ("vendor", "bank", "inspector", "admin"):
        response = world.sign_in(who).get("/api/rulebooks")
        assert response.status_code == 200
    books = {book["id"]: book for book in response.json()}
    assert set(books) == {"cn-cbrc-317", "cn-gbt-39786-2021", "us-cnsa-2.0",
                          "us-nist-sp800-131a-r2"}
    cbrc = books["cn-cbrc-317"]
    first = cbrc["versions"][0]
    assert first["version"] == "2014-12" and first["standing"] == "suspended"
    assert first["since"] == "2015-04-13"
    assert [e["type"] for e in first["events"]][:2] == ["issued", "effective"]
    assert "not in force" in cbrc["in_force"]
    assert world.client.get("/api/rulebooks").status_code == 401


def test_one_rulebook_with_categories_controls_and_targets(world: World) -> None:
    bank = world.sign_in("bank")
    body = bank.get("/api/rulebooks/cn-cbrc-317").json()
    assert {"id": "software", "title": "Software (general)"} in body["categories"]
    version = body["versions"][0]
    controls = {c["id"]: c for c in version["controls"]}
    assert controls["source-code-filing"]["categories"] == ["operating-system", "database",
                                                            "middleware"]
    assert controls["source-code-filing"]["applies_until"] == "2015-02-11"
    assert controls["national-algorithms"]["checks"] == ["algorithms", "curves"]
    assert any(t["year"] == 2019 for t in version["targets"])
    hypothetical = [v for v in body["versions"] if v["hypothetical"]]
    assert hypothetical and hypothetical[0]["based_on"] == "2014-12"
    assert bank.get("/api/rulebooks/nope").status_code == 404
