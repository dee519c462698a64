"""Every route, every role, and a foreign tenant: who gets what.

The table below is written out by hand from the policy's intent (issue 5: "a bank sees
verdicts and evidence summaries, never a vendor's source; a vendor sees only its own
products").  A route missing from the table fails the test, so a new route cannot ship
without its row.  ``ok`` is any 2xx; a refused thing of another tenant is 404.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from anke.service.jobs.worker import Worker
from inspected import passing_evaluation
from service_factory import APP_JS, World, tarball

OK, NF, FB, UN = "ok", 404, 403, 401
PEOPLE = ("anonymous", "admin", "inspector", "vendor", "foreign", "bank")

# route -> status for anonymous, admin, inspector, vendor (the owner), foreign vendor, bank
EXPECTED: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "/healthz"): (OK, OK, OK, OK, OK, OK),
    ("DELETE", "/api/session"): (UN, OK, OK, OK, OK, OK),
    ("GET", "/api/me"): (UN, OK, OK, OK, OK, OK),
    ("GET", "/api/tokens"): (UN, OK, OK, OK, OK, OK),
    ("POST", "/api/tokens"): (UN, OK, OK, OK, OK, OK),
    ("DELETE", "/api/tokens/{token_id}"): (UN, NF, NF, OK, NF, NF),
    ("GET", "/api/organisations"): (UN, OK, FB, FB, FB, FB),
    ("POST", "/api/organisations"): (UN, OK, FB, FB, FB, FB),
    ("GET", "/api/organisations/{org_id}/users"): (UN, OK, FB, FB, FB, FB),
    ("POST", "/api/organisations/{org_id}/users"): (UN, OK, FB, FB, FB, FB),
    ("GET", "/api/audit/verify"): (UN, OK, FB, FB, FB, FB),
    ("GET", "/api/products"): (UN, OK, OK, OK, OK, OK),
    ("POST", "/api/products"): (UN, FB, FB, OK, OK, FB),
    ("GET", "/api/products/{product_id}"): (UN, OK, OK, OK, NF, OK),
    ("POST", "/api/products/{product_id}/versions"): (UN, NF, NF, OK, NF, NF),
    ("POST", "/api/versions/{version_id}/submissions"): (UN, NF, NF, OK, NF, NF),
    ("GET", "/api/submissions/{submission_id}"): (UN, NF, OK, OK, NF, NF),
    ("GET", "/api/submissions/{submission_id}/content"): (UN, NF, OK, OK, NF, NF),
    ("POST", "/api/submissions/{submission_id}/inspections"): (UN, NF, OK, OK, NF, NF),
    ("GET", "/api/inspections/{inspection_id}"): (UN, OK, OK, OK, NF, OK),
    ("GET", "/api/inspections/{inspection_id}/findings"): (UN, NF, OK, OK, NF, NF),
    ("GET", "/api/submissions/{submission_id}/manifest"): (UN, NF, OK, OK, NF, NF),
    ("PUT", "/api/inspections/{inspection_id}/findings/{finding_id}/triage"):
        (UN, NF, OK, FB, NF, NF),
    ("DELETE", "/api/inspections/{inspection_id}/findings/{finding_id}/triage"):
        (UN, NF, OK, FB, NF, NF),
    ("GET", "/api/products/{product_id}/triage"): (UN, NF, OK, OK, NF, NF),
    ("POST", "/api/versions/{version_id}/attestations"): (UN, NF, NF, OK, NF, NF),
    ("GET", "/api/versions/{version_id}/attestations"): (UN, NF, OK, OK, NF, OK),
    ("GET", "/api/attestations/{attestation_id}"): (UN, NF, OK, OK, NF, OK),
    ("GET", "/api/attestations/{attestation_id}/content"): (UN, NF, OK, OK, NF, NF),
    ("POST", "/api/attestations/{attestation_id}/decision"): (UN, NF, OK, FB, NF, NF),
    ("POST", "/api/versions/{version_id}/evaluations"): (UN, NF, OK, FB, NF, NF),
    ("GET", "/api/versions/{version_id}/evaluations"): (UN, OK, OK, OK, NF, OK),
    ("GET", "/api/evaluations/{evaluation_id}"): (UN, OK, OK, OK, NF, OK),
    ("GET", "/api/evaluations/{evaluation_id}/signature"): (UN, OK, OK, OK, NF, OK),
    ("POST", "/api/evaluations/{evaluation_id}/signature"): (UN, NF, OK, FB, NF, NF),
    ("POST", "/api/listings"): (UN, NF, OK, FB, NF, NF),
    ("POST", "/api/listings/{listing_id}/removal"): (UN, NF, OK, FB, NF, NF),
    ("GET", "/api/rulebooks/{rulebook_id}/versions/{version}/listings"):
        (UN, OK, OK, OK, OK, OK),
    ("GET", "/api/rulebooks"): (UN, OK, OK, OK, OK, OK),
    ("GET", "/api/rulebooks/{rulebook_id}"): (UN, OK, OK, OK, OK, OK),
    # a bank's assets and portfolio (the bank column is the owner; ?bank_id= names it)
    ("GET", "/api/assets"): (UN, NF, OK, NF, NF, OK),
    ("POST", "/api/assets"): (UN, FB, FB, FB, FB, OK),
    ("GET", "/api/assets/{asset_id}"): (UN, NF, OK, NF, NF, OK),
    ("PATCH", "/api/assets/{asset_id}"): (UN, NF, NF, NF, NF, OK),
    ("DELETE", "/api/assets/{asset_id}"): (UN, NF, NF, NF, NF, OK),
    ("GET", "/api/portfolio"): (UN, NF, OK, NF, NF, OK),
    ("GET", "/api/portfolio/replacements"): (UN, NF, OK, NF, NF, OK),
    ("GET", "/api/portfolio/whatif"): (UN, NF, OK, NF, NF, OK),
}
PUBLIC = {("POST", "/api/session")}  # signing in: tested in test_api_flow
# the names (not ids) some paths take
NAMES = {"rulebook_id": "cn-cbrc-317", "version": "2014-12"}


def _things(world: World) -> dict[str, int]:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "Core", "category": "software"})
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0"})
    submission = vendor.post(f"/api/versions/{version.json()['id']}/submissions",
                             params={"filename": "core.tgz"},
                             content=tarball({"a.js": APP_JS}))
    inspection = vendor.post(f"/api/submissions/{submission.json()['id']}/inspections")
    things = {"product_id": product.json()["id"], "version_id": version.json()["id"],
              "submission_id": submission.json()["id"],
              "inspection_id": inspection.json()["id"], "org_id": world.orgs["vendor"]}
    things.update(_triage_things(world, vendor, things))
    things.update(_evaluation_things(world, things))
    things.update(_asset_things(world))
    return things


_ASSET = {"name": "Teller PCs", "category": "desktop", "quantity": 3, "spend": "30.00",
          "in_service_since": "2014-06-01"}


def _asset_things(world: World) -> dict[str, int]:
    """The bank's asset, and spares: each DELETE of the row moves ``asset_id`` on to the
    next spare (see ``_body``), so the bank's successful DELETE leaves one for GET/PATCH."""
    made = world.sign_in("bank").post("/api/assets", json=[_ASSET] * 7)
    assert made.status_code == 201, made.text
    ids = [item["id"] for item in made.json()]
    return {"asset_id": ids[0], "bank_id": world.orgs["bank"],
            **{f"spare_asset_{n}": ident for n, ident in enumerate(ids[1:], 1)}}


def _triage_things(world: World, vendor: TestClient, things: dict[str, int]
                   ) -> dict[str, int]:
    """An inspected finding with a decision on it (DELETE runs before PUT), and an
    attestation of the version."""
    assert Worker(world.services).run_once() is True
    finding = vendor.get(f"/api/inspections/{things['inspection_id']}/findings").json()[0]
    decided = world.sign_in("inspector").put(
        f"/api/inspections/{things['inspection_id']}/findings/{finding['id']}/triage",
        json={"status": "confirmed"})
    assert decided.status_code == 200, decided.text
    attestation = vendor.post(f"/api/versions/{things['version_id']}/attestations",
                              **_attestation_upload())
    assert attestation.status_code == 201, attestation.text
    return {"finding_id": finding["id"], "attestation_id": attestation.json()["id"]}


def _evaluation_things(world: World, things: dict[str, int]) -> dict[str, int]:
    """An unsigned evaluation of the inspected version (signed during the matrix), a
    signed pass to list, and a listing to remove."""
    inspector = world.sign_in("inspector")
    made = inspector.post(f"/api/versions/{things['version_id']}/evaluations",
                          json={"rulebook": "cn-cbrc-317", "as_of": "2015-01-15"})
    assert made.status_code == 201, made.text
    listing = inspector.post("/api/listings", json={"evaluation_id": passing_evaluation(world),
                                                    "listed_on": "2015-02-01"})
    assert listing.status_code == 201, listing.text
    return {"evaluation_id": made.json()["id"], "listing_id": listing.json()["id"],
            "passing_evaluation_id": passing_evaluation(world)}


def _attestation_upload() -> dict[str, Any]:
    return {"params": {"evidence_type": "source-code-filing-receipt", "title": "Receipt",
                       "filename": "receipt.pdf"}, "content": b"%PDF-1.4 receipt"}


def _body(method: str, path: str, n: int, things: dict[str, int]) -> dict[str, Any]:
    if path == "/api/tokens" and method == "POST":
        return {"json": {"name": f"t{n}", "scopes": ["read"]}}
    if path == "/api/organisations" and method == "POST":
        return {"json": {"name": f"Org {n}", "kind": "bank"}}
    if path.endswith("/users") and method == "POST":
        return {"json": {"email": f"u{n}@example.org", "name": "U", "role": "bank",
                         "password": "long enough password"}}
    if path == "/api/products" and method == "POST":
        return {"json": {"name": f"Product {n}", "category": "software"}}
    if path.endswith("/versions"):
        return {"json": {"version": f"9.{n}"}}
    if path.endswith("/submissions"):
        return {"params": {"filename": "x.tgz"}, "content": tarball({"b.js": "var x = 1;\n"})}
    if path.endswith("/attestations") and method == "POST":
        return _attestation_upload()
    if path.endswith("/triage") and method == "PUT":
        return {"json": {"status": "confirmed"}}
    if path.endswith("/decision"):
        return {"json": {"decision": "accepted"}}
    if path.endswith("/evaluations") and method == "POST":
        return {"json": {"rulebook": "us-nist-sp800-131a-r2", "as_of": "2024-06-01"}}
    if path == "/api/listings":
        return {"json": {"evaluation_id": things["passing_evaluation_id"],
                         "listed_on": "2015-02-01"}}
    if path.endswith("/removal"):
        return {"json": {"removed_on": "2015-03-01", "reason": "matrix"}}
    return _asset_body(method, path, things)


def _asset_body(method: str, path: str, things: dict[str, int]) -> dict[str, Any]:
    if path == "/api/assets/{asset_id}" and method == "DELETE":
        spares = sorted(key for key in things if key.startswith("spare_asset_"))
        if spares:  # this request's URL is made already: the next one deletes a spare
            things["asset_id"] = things.pop(spares[0])
        return {}
    if path == "/api/assets/{asset_id}" and method == "PATCH":
        return {"json": {"quantity": 4}}
    if path == "/api/assets" and method == "POST":
        return {"json": _ASSET}
    if path in ("/api/assets", "/api/portfolio", "/api/portfolio/replacements",
                "/api/portfolio/whatif"):
        return {"params": {"bank_id": things["bank_id"], "rulebook": "cn-cbrc-317",
                           "as_of": "2015-03-01", "draft": "2015-draft-hypothetical"}}
    return {}


def test_every_route_every_role(world: World) -> None:
    document = world.client.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, item in document["paths"].items()
              for method in item}
    assert routes - PUBLIC == set(EXPECTED), "every route needs its row in EXPECTED"
    things = _things(world)
    vendor_token = world.sign_in("vendor").post(
        "/api/tokens", json={"name": "matrix", "scopes": ["read"]}).json()["id"]
    things["token_id"] = vendor_token
    clients = {who: world.sign_in(who) for who in PEOPLE if who != "anonymous"}
    clients["anonymous"] = world.client
    wrong: list[str] = []
    n = 0
    for (method, path), statuses in sorted(EXPECTED.items()):
        if (method, path) == ("DELETE", "/api/session"):
            continue  # signs the client out: checked last
        for who, expected in zip(PEOPLE, statuses, strict=True):
            n += 1
            url = path.format(**things, **NAMES)
            response = clients[who].request(method, url, **_body(method, path, n, things))
            got = OK if 200 <= response.status_code < 300 else response.status_code
            if got != expected:
                wrong.append(f"{method} {path} as {who}: {got}, expected {expected}")
    for who, expected in zip(PEOPLE, EXPECTED[("DELETE", "/api/session")], strict=True):
        response = clients[who].delete("/api/session")
        got = OK if 200 <= response.status_code < 300 else response.status_code
        if got != expected:
            wrong.append(f"DELETE /api/session as {who}: {got}, expected {expected}")
    assert wrong == []


def test_a_read_token_cannot_change_anything(world: World) -> None:
    token = world.sign_in("vendor").post("/api/tokens", json={"name": "ro",
                                                              "scopes": ["read"]}).json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    things = _things(world)
    refused = world.client.post(f"/api/products/{things['product_id']}/versions",
                                headers=bearer, json={"version": "3"})
    assert refused.status_code == 403
    assert world.client.get(f"/api/products/{things['product_id']}",
                            headers=bearer).status_code == 200
