"""Helpers of the web tests: signing in through the form, reading hidden fields, and a
product with an inspected submission."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from anke.service.jobs.worker import Worker
from service_factory import APP_JS, PASSWORD, World, tarball

_HIDDEN = re.compile(r'name="(?P<name>[a-z_]+)" value="(?P<value>[^"]*)"')


def hidden(html: str, name: str) -> str:
    """The value of the first hidden field ``name`` in a page."""
    for match in _HIDDEN.finditer(html):
        if match.group("name") == name:
            return match.group("value")
    raise AssertionError(f"no field {name!r} in the page")


def web_sign_in(world: World, who: str) -> tuple[TestClient, str]:
    """A client signed in through the sign-in form, and its CSRF token."""
    client = TestClient(world.client.app)
    page = client.get("/login")
    token = hidden(page.text, "login_token")
    done = client.post("/login", data={"email": f"{who}@example.org", "password": PASSWORD,
                                       "login_token": token, "next": "/"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    return client, hidden(client.get("/").text, "csrf_token")


@dataclass(frozen=True)
class Inspected:
    """Ids of a vendor's product, version, submission and finished inspection."""

    product: int
    version: int
    submission: int
    inspection: int


def inspected(world: World, files: dict[str, str] | None = None,
              version: str = "1.0") -> Inspected:
    """A product of the vendor with one version, a submission and a finished inspection."""
    vendor = world.sign_in("vendor")
    listed = vendor.get("/api/products").json()
    if listed:
        product = listed[0]
    else:
        product = vendor.post("/api/products", json={"name": "Teller",
                                                     "category": "software"}).json()
    made = vendor.post(f"/api/products/{product['id']}/versions",
                       json={"version": version}).json()
    submission = vendor.post(f"/api/versions/{made['id']}/submissions",
                             params={"filename": f"teller-{version}.tgz"},
                             content=tarball(files or {"lib/app.js": APP_JS})).json()
    inspection = vendor.post(f"/api/submissions/{submission['id']}/inspections").json()
    assert Worker(world.services).run_once() is True
    return Inspected(product["id"], made["id"], submission["id"], inspection["id"])
