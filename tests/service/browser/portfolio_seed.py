"""A bank's portfolio for the browser flow, made through the live service's API: a vendor's
product version that passes cn-cbrc-317 (inspected by the live worker, evidence accepted,
evaluated and signed by the inspector, who lists it in the browser), another that is never
inspected, and the bank's assets over both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from browser_helpers import LiveService
from inspected import CBRC_EVIDENCE, SM3_PY, accept_evidence
from service_factory import PASSWORD, tarball

RULEBOOK = "cn-cbrc-317"
AS_OF = "2015-01-15"
LISTED_ON = "2015-01-20"
DONE_SECONDS = 20.0


@dataclass(frozen=True)
class Seeded:
    """What the bank's portfolio holds: the passing version, its signed evaluation, the
    version that is never listed, and how many asset lines."""

    passing: int
    evaluation: int
    unlisted: int
    assets: int


@contextmanager
def api(live: LiveService, who: str) -> Iterator[httpx.Client]:
    """An API client of the live service signed in as ``who`` (cookie and CSRF header)."""
    with httpx.Client(base_url=live.url, timeout=30.0) as client:
        opened = client.post("/api/session", json={"email": f"{who}@example.org",
                                                   "password": PASSWORD})
        assert opened.status_code == 200, opened.text
        client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        yield client


def _created(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def _version(vendor: httpx.Client, name: str, category: str, release: str) -> int:
    product = _created(vendor.post("/api/products", json={"name": name,
                                                          "category": category}))
    return int(_created(vendor.post(f"/api/products/{product['id']}/versions",
                                    json={"version": release}))["id"])


def _inspect(vendor: httpx.Client, version_id: int, files: dict[str, str]) -> int:
    """Upload ``files`` and wait until the live worker has inspected them."""
    submission = _created(vendor.post(f"/api/versions/{version_id}/submissions",
                                      params={"filename": "core.tgz"},
                                      content=tarball(files)))
    inspection = _created(vendor.post(f"/api/submissions/{submission['id']}/inspections"))
    deadline = time.monotonic() + DONE_SECONDS
    while True:
        status = _created(vendor.get(f"/api/inspections/{inspection['id']}"))["status"]
        if status == "done":
            return int(inspection["id"])
        assert status in ("queued", "running") and time.monotonic() < deadline, status
        time.sleep(0.1)


def _signed_pass(inspector: httpx.Client, version_id: int) -> int:
    """Evaluate (it must pass) and sign: the evaluation's id."""
    made = _created(inspector.post(f"/api/versions/{version_id}/evaluations",
                                   json={"rulebook": RULEBOOK, "as_of": AS_OF}))
    assert made["overall"] == "pass", made
    _created(inspector.post(f"/api/evaluations/{made['id']}/signature"))
    return int(made["id"])


def seed_portfolio(live: LiveService) -> Seeded:
    """The passing and the unlisted versions, and the bank's assets over them."""
    with api(live, "vendor") as vendor:
        listed = _version(vendor, "Core Ledger", "software", "2.1")
        _inspect(vendor, listed, {"ledger/sm.py": SM3_PY})
        unlisted = _version(vendor, "Desk OS", "desktop", "7")
    accept_evidence(live.world, listed, CBRC_EVIDENCE)
    with api(live, "inspector") as inspector:
        evaluation = _signed_pass(inspector, listed)
    rows = [
        {"name": "core ledger branches", "version_id": listed, "category": "software",
         "quantity": 40, "spend": "400000.00", "in_service_since": "2015-02-01"},
        {"name": "core ledger head office", "version_id": listed, "category": "software",
         "quantity": 10, "spend": "90000.00", "in_service_since": "2016-05-01"},
        {"name": "teller desktops", "version_id": unlisted, "category": "desktop",
         "quantity": 120, "spend": "240000.00", "in_service_since": "2015-03-01"},
        {"name": "old mail server", "version_id": None, "category": "software",
         "quantity": 3, "spend": "15000.00", "in_service_since": "2013-06-01"},
    ]
    with api(live, "bank") as bank:
        made = _created(bank.post("/api/assets", json=rows))
    return Seeded(listed, evaluation, unlisted, len(made))
