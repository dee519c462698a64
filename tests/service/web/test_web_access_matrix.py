"""Every web page and form, every role, and a foreign tenant: who gets what.

Pages decide access through the API's policy, so this table mirrors the API matrix: a
thing of another tenant is 404, a refused action 403, an anonymous request is sent to the
sign-in page, a page is 200 and an accepted form post redirects (303, Post/Redirect/Get).
A page route missing from the table fails the test.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from anke.service.web import PageRoute
from inspected import AS_OF, passing_evaluation
from service_factory import World, tarball
from web_helpers import inspected

OK, SEE, NF, FB, LOGIN = 200, 303, 404, 403, "login"
PEOPLE = ("anonymous", "admin", "inspector", "vendor", "foreign", "bank")
PUBLIC = {("GET", "/login"), ("POST", "/login")}  # tested in test_web_session

# route -> status for anonymous, admin, inspector, vendor (the owner), foreign vendor, bank
EXPECTED: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "/"): (LOGIN, OK, OK, OK, OK, OK),
    ("POST", "/logout"): (LOGIN, SEE, SEE, SEE, SEE, SEE),
    ("GET", "/products"): (LOGIN, OK, OK, OK, OK, OK),
    ("POST", "/products"): (LOGIN, FB, FB, SEE, SEE, FB),
    ("GET", "/products/{product_id}"): (LOGIN, OK, OK, OK, NF, OK),
    ("POST", "/products/{product_id}/versions"): (LOGIN, NF, NF, SEE, NF, NF),
    ("GET", "/versions/{version_id}"): (LOGIN, OK, OK, OK, NF, OK),
    ("POST", "/versions/{version_id}/submissions"): (LOGIN, NF, NF, SEE, NF, NF),
    ("GET", "/submissions/{submission_id}"): (LOGIN, NF, OK, OK, NF, NF),
    ("POST", "/submissions/{submission_id}/inspections"): (LOGIN, NF, SEE, SEE, NF, NF),
    ("GET", "/inspections/{inspection_id}"): (LOGIN, OK, OK, OK, NF, OK),
    ("POST", "/inspections/{inspection_id}/findings/{finding_id}/triage"):
        (LOGIN, NF, SEE, FB, NF, NF),
    ("GET", "/rulebooks"): (LOGIN, OK, OK, OK, OK, OK),
    ("GET", "/rulebooks/{rulebook_id}"): (LOGIN, OK, OK, OK, OK, OK),
    ("POST", "/versions/{version_id}/evaluations"): (LOGIN, NF, SEE, FB, NF, NF),
    ("GET", "/evaluations/{evaluation_id}"): (LOGIN, OK, OK, OK, NF, OK),
    ("POST", "/evaluations/{evaluation_id}/signature"): (LOGIN, NF, SEE, FB, NF, NF),
    ("POST", "/evaluations/{evaluation_id}/listings"): (LOGIN, NF, SEE, FB, NF, NF),
    ("POST", "/versions/{version_id}/attestations"): (LOGIN, NF, NF, SEE, NF, NF),
    ("POST", "/attestations/{attestation_id}/decision"): (LOGIN, NF, SEE, FB, NF, NF),
    ("GET", "/listings"): (LOGIN, OK, OK, OK, OK, OK),
    ("POST", "/listings/{listing_id}/removal"): (LOGIN, NF, SEE, FB, NF, NF),
    ("GET", "/portfolio"): (LOGIN, FB, OK, FB, FB, OK),
    ("POST", "/portfolio/assets"): (LOGIN, FB, FB, FB, FB, SEE),
    ("GET", "/portfolio/whatif"): (LOGIN, FB, OK, FB, FB, OK),
}


def _walk(routes: list[Any]) -> list[Any]:
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router
        found.extend(_walk(inner.routes) if inner is not None else [route])
    return found


def page_routes(world: World) -> set[tuple[str, str]]:
    """(method, path) of every route of the app that is a web page (a PageRoute)."""
    app: Any = world.client.app
    return {(method, route.path) for route in _walk(app.routes)
            if isinstance(route, PageRoute) for method in route.methods}


def _body(method: str, path: str, n: int) -> dict[str, Any]:
    if method != "POST":
        return {}
    if path == "/products":
        return {"data": {"name": f"Product {n}", "category": "software"}}
    if path.endswith("/versions"):
        return {"data": {"version": f"9.{n}"}}
    if path.endswith("/submissions"):
        return {"files": {"file": ("x.tgz", tarball({"b.js": "var x = 1;\n"}))}}
    if path.endswith("/triage"):
        return {"data": {"status": "confirmed"}}
    return _body_more(path)


def _body_more(path: str) -> dict[str, Any]:
    """The form bodies of the evaluation, evidence, listing and portfolio forms."""
    if path.endswith("/evaluations"):
        return {"data": {"rulebook": "cn-cbrc-317", "as_of": AS_OF}}
    if path.endswith("/listings"):
        return {"data": {"listed_on": "2015-02-01"}}
    if path.endswith("/attestations"):
        return {"data": {"evidence_type": "supply-chain-attestation", "title": "Audit"},
                "files": {"file": ("audit.pdf", b"%PDF-1.4 audit")}}
    if path.endswith("/decision"):
        return {"data": {"decision": "accepted"}}
    if path.endswith("/removal"):
        return {"data": {"removed_on": "2015-03-01", "reason": "withdrawn by vendor"}}
    if path == "/portfolio/assets":
        return {"data": {"name": "Desk PC", "category": "desktop", "quantity": "2",
                         "spend": "10.50", "in_service_since": "2015-01-01"}}
    return {}


def _got(response: Any) -> Any:
    if response.status_code == 303 and response.headers["location"].startswith("/login?next="):
        return LOGIN
    return response.status_code


def _more_things(world: World, version_id: int) -> dict[str, int]:
    """A signed passing evaluation, its listing and a pending attestation of the vendor."""
    evaluation_id = passing_evaluation(world)
    listing = world.sign_in("inspector").post("/api/listings", json={
        "evaluation_id": evaluation_id, "listed_on": "2015-01-20"})
    assert listing.status_code == 201, listing.text
    attestation = world.sign_in("vendor").post(
        f"/api/versions/{version_id}/attestations", content=b"%PDF-1.4",
        params={"evidence_type": "supply-chain-attestation", "title": "Audit",
                "filename": "audit.pdf"})
    assert attestation.status_code == 201, attestation.text
    return {"evaluation_id": evaluation_id, "listing_id": listing.json()["id"],
            "attestation_id": attestation.json()["id"]}


def test_every_page_every_role(world: World) -> None:
    assert page_routes(world) - PUBLIC == set(EXPECTED), "every page needs its row"
    ids = inspected(world)
    findings = world.sign_in("vendor").get(f"/api/inspections/{ids.inspection}/findings")
    things = {"product_id": ids.product, "version_id": ids.version,
              "submission_id": ids.submission, "inspection_id": ids.inspection,
              "finding_id": findings.json()[0]["id"], "rulebook_id": "cn-cbrc-317",
              **_more_things(world, ids.version)}
    clients: dict[str, TestClient] = {who: world.sign_in(who) for who in PEOPLE[1:]}
    clients["anonymous"] = TestClient(world.client.app)
    wrong: list[str] = []
    n = 0
    ordered = sorted(EXPECTED.items(), key=lambda item: item[0] == ("POST", "/logout"))
    for (method, path), statuses in ordered:  # signing out last
        for who, expected in zip(PEOPLE, statuses, strict=True):
            n += 1
            response = clients[who].request(method, path.format(**things),
                                            follow_redirects=False, **_body(method, path, n))
            got = _got(response)
            if got != expected:
                wrong.append(f"{method} {path} as {who}: {got}, expected {expected}")
    assert wrong == []


def test_a_foreign_page_is_an_html_404(world: World) -> None:
    ids = inspected(world)
    response = world.sign_in("foreign").get(f"/versions/{ids.version}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "404" in response.text and "Not found" in response.text
    forbidden = world.sign_in("bank").post("/products", data={"name": "x",
                                                              "category": "software"})
    assert forbidden.status_code == 403 and "Not allowed" in forbidden.text
