"""Approved-products lists: only signed passes are listed; removals keep their dates."""

from __future__ import annotations

from inspected import AS_OF, MD5_PY, inspected_version, passing_evaluation
from service_factory import World

LIST = "/api/rulebooks/cn-cbrc-317/versions/2014-12/listings"


def test_only_a_signed_pass_is_listed(world: World) -> None:
    inspector = world.sign_in("inspector")
    unsigned = passing_evaluation(world, sign=False)
    refused = inspector.post("/api/listings", json={"evaluation_id": unsigned,
                                                    "listed_on": "2015-02-01"})
    assert refused.status_code == 409 and refused.json()["detail"] == (
        f"evaluation {unsigned} is not signed")
    version_id, _ = inspected_version(world, {"md.py": MD5_PY})
    failing = inspector.post(f"/api/versions/{version_id}/evaluations",
                             json={"rulebook": "cn-cbrc-317", "as_of": AS_OF}).json()["id"]
    assert inspector.post(f"/api/evaluations/{failing}/signature").status_code == 201
    refused = inspector.post("/api/listings", json={"evaluation_id": failing,
                                                    "listed_on": "2015-02-01"})
    assert refused.status_code == 409 and "does not pass (overall fail)" in refused.text
    signed = passing_evaluation(world)
    assert world.sign_in("vendor").post("/api/listings", json={
        "evaluation_id": signed, "listed_on": "2015-02-01"}).status_code == 403
    listed = inspector.post("/api/listings", json={"evaluation_id": signed,
                                                   "listed_on": "2015-02-01"})
    assert listed.status_code == 201, listed.text
    body = listed.json()
    assert (body["rulebook"], body["rulebook_version"], body["evaluation_id"],
            body["removed_on"]) == ("cn-cbrc-317", "2014-12", signed, None)
    twice = inspector.post("/api/listings", json={"evaluation_id": signed,
                                                  "listed_on": "2015-03-01"})
    assert twice.status_code == 409 and "already on the cn-cbrc-317@2014-12 list" in twice.text
    assert inspector.post("/api/listings", json={"evaluation_id": 999999,
                                                 "listed_on": "2015-02-01"}).status_code == 404


def test_removals_and_the_list_as_of_a_date(world: World) -> None:
    inspector = world.sign_in("inspector")
    evaluation_id = passing_evaluation(world)
    listing = inspector.post("/api/listings", json={"evaluation_id": evaluation_id,
                                                    "listed_on": "2015-02-01"}).json()
    url = f"/api/listings/{listing['id']}/removal"
    assert inspector.post(url, json={"removed_on": "2015-05-01", "reason": "  "}
                          ).status_code == 422
    assert inspector.post(url, json={"removed_on": "2015-05-01"}).status_code == 422
    early = inspector.post(url, json={"removed_on": "2015-01-31", "reason": "suspended"})
    assert early.status_code == 422 and "before listed_on" in early.text
    removed = inspector.post(url, json={"removed_on": "2015-05-01",
                                        "reason": "rulebook suspended"})
    assert removed.status_code == 200
    assert (removed.json()["removed_on"], removed.json()["removal_reason"]) == (
        "2015-05-01", "rulebook suspended")
    assert inspector.post(url, json={"removed_on": "2015-06-01", "reason": "x"}
                          ).status_code == 409
    bank = world.sign_in("bank")

    def entries(as_of: str, include_removed: bool = False) -> list[tuple[str, str | None]]:
        page = bank.get(LIST, params={"as_of": as_of, "include_removed": include_removed})
        assert page.status_code == 200, page.text
        return [(e["status"], e["removed_on"]) for e in page.json()["entries"]]

    assert entries("2015-01-31") == []
    assert entries("2015-02-01") == [("listed", None)]
    assert entries("2015-04-30", include_removed=True) == [("listed", None)]
    assert entries("2015-05-01") == []
    assert entries("2015-05-01", include_removed=True) == [("removed", "2015-05-01")]
    page = bank.get(LIST, params={"as_of": "2015-03-01"}).json()
    entry = page["entries"][0]
    assert (entry["vendor"], entry["category"], entry["version"], entry["evaluation_id"]) == (
        "Domestic Vendor", "software", "1.0", evaluation_id)
    assert bank.get("/api/rulebooks/nope/versions/1/listings").status_code == 404
    assert bank.get("/api/rulebooks/cn-cbrc-317/versions/1999/listings").status_code == 404
    assert world.client.get(LIST).status_code == 401
