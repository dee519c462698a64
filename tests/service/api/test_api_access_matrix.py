"""Every route, every role, and a foreign tenant: who gets what.

The table below is written out by hand from the policy's intent (issue 5: "a bank sees
verdicts and evidence summaries, never a vendor's source; a vendor sees only its own
products").  A route missing from the table fails the test, so a new route cannot ship
without its row.  ``ok`` is any 2xx; a refused thing of another tenant is 404.
"""

from __future__ import annotations

from typing import Any

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
}
PUBLIC = {("POST", "/api/session")}  # signing in: tested in test_api_flow


def _things(world: World) -> dict[str, int]:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "Core", "category": "software"})
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0"})
    submission = vendor.post(f"/api/versions/{version.json()['id']}/submissions",
                             params={"filename": "core.tgz"},
                             content=tarball({"a.js": APP_JS}))
    inspection = vendor.post(f"/api/submissions/{submission.json()['id']}/inspections")
    return {"product_id": product.json()["id"], "version_id": version.json()["id"],
            "submission_id": submission.json()["id"],
            "inspection_id": inspection.json()["id"], "org_id": world.orgs["vendor"]}


def _body(method: str, path: str, n: int) -> dict[str, Any]:
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
            url = path.format(**things)
            response = clients[who].request(method, url, **_body(method, path, n))
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
