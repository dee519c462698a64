"""The pages at work: forms with CSRF, the streamed upload, the inspection page's groups,
triage round trips, escaping of hostile evidence, and the rulebook timeline."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select

from anke.service.db.inspections import FindingRecord, Triage
from anke.service.db.products import Submission
from service_factory import APP_JS, World, tarball
from web_helpers import inspected, web_sign_in


def test_a_form_post_without_the_csrf_token_is_refused(world: World) -> None:
    client, csrf = web_sign_in(world, "vendor")
    refused = client.post("/products", data={"name": "Teller", "category": "software"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.get("/api/products").json() == []
    made = client.post("/products", data={"name": "Teller", "category": "software",
                                          "csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/products/")
    page = client.get(made.headers["location"])
    assert "Product Teller registered." in page.text and "Add a version" in page.text
    twice = client.post("/products", data={"name": "Teller", "category": "software",
                                           "csrf_token": csrf})
    assert twice.status_code == 200 and "Not saved: a product of that name exists" in twice.text


def test_upload_through_the_form(world: World) -> None:
    client, csrf = web_sign_in(world, "vendor")
    product = client.post("/products", data={"name": "Teller", "category": "software",
                                             "csrf_token": csrf}, follow_redirects=False)
    version = client.post(product.headers["location"] + "/versions",
                          data={"version": "2.1", "csrf_token": csrf}, follow_redirects=False)
    assert version.status_code == 303
    archive = tarball({"lib/app.js": APP_JS})
    action = version.headers["location"] + "/submissions"
    without = client.post(action, files={"file": ("teller.tgz", archive)})
    assert without.status_code == 403
    done = client.post(action, data={"csrf_token": csrf},
                       files={"file": ("../teller 2.1.tgz", archive)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert hashlib.sha256(archive).hexdigest() in page.text
    assert "teller_2.1.tgz" in page.text and "Start an inspection" in page.text
    with world.services.database.reader() as session:
        stored = session.execute(select(Submission)).scalars().all()
    assert [(s.filename, s.size) for s in stored] == [("teller_2.1.tgz", len(archive))]
    too_big = client.post(action, data={"csrf_token": csrf},
                          files={"file": ("big.bin", b"\0" * (8 * 1024 * 1024 + 1))})
    assert too_big.status_code == 413
    no_file = client.post(action, data={"csrf_token": csrf})
    assert no_file.status_code in (400, 422)
    started = client.post(done.headers["location"] + "/inspections",
                          data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303
    queued = client.get(started.headers["location"])
    assert '<meta http-equiv="refresh" content="3">' in queued.text
    assert "Inspection queued." in queued.text


def test_the_inspection_page_groups_findings_by_algorithm(world: World) -> None:
    ids = inspected(world)
    client, _ = web_sign_in(world, "inspector")
    page = client.get(f"/inspections/{ids.inspection}")
    assert page.status_code == 200 and "http-equiv" not in page.text
    with world.services.database.reader() as session:
        records = session.execute(select(FindingRecord).where(
            FindingRecord.inspection_id == ids.inspection)).scalars().all()
    by_algorithm: dict[str, int] = {}
    for record in records:
        if record.algorithm:
            by_algorithm[record.algorithm] = by_algorithm.get(record.algorithm, 0) + 1
    assert {"AES", "MD5"} <= set(by_algorithm)
    for algorithm, count in by_algorithm.items():
        heading = re.search(rf"<h2>{algorithm} <span class=\"muted\">algorithm · (\d+) finding",
                            page.text)
        assert heading is not None and int(heading.group(1)) == count
    assert '<span class="hit">md5</span>' in page.text  # the algorithm's name highlighted
    assert "lib/app.js</code><span class=\"loc\">:6</span>" in page.text
    assert page.text.count('class="finding"') == len(records)


def test_triage_round_trip_and_carried_to_the_next_version(world: World) -> None:
    first = inspected(world)
    client, csrf = web_sign_in(world, "inspector")
    with world.services.database.reader() as session:
        md5 = session.execute(select(FindingRecord).where(
            FindingRecord.inspection_id == first.inspection,
            FindingRecord.algorithm == "MD5")).scalars().first()
    assert md5 is not None
    action = f"/inspections/{first.inspection}/findings/{md5.id}/triage"
    incomplete = client.post(action, data={"status": "accepted", "reason": "legacy",
                                           "csrf_token": csrf})
    assert "Not saved: an accepted finding needs an expiry date" in incomplete.text
    expiry = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    saved = client.post(action, data={"status": "accepted", "reason": "legacy checksum only",
                                      "expires_on": expiry, "csrf_token": csrf},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/inspections/{first.inspection}#f{md5.id}"
    page = client.get(saved.headers["location"])
    assert "Finding marked accepted." in page.text and "legacy checksum only" in page.text
    with world.services.database.reader() as session:
        triage = session.execute(select(Triage)).scalar_one()
    assert (triage.status.value, triage.expires_on) == ("accepted", dt.date.fromisoformat(expiry))
    second = inspected(world, version="1.1")
    later = client.get(f"/inspections/{second.inspection}").text
    assert "legacy checksum only" in later and "carried over from an earlier inspection" in later
    cleared = client.post(action, data={"action": "clear", "csrf_token": csrf})
    assert cleared.status_code == 200 and "Triage cleared." in cleared.text
    with world.services.database.reader() as session:
        assert session.execute(select(Triage)).first() is None


def test_hostile_evidence_is_escaped_and_banks_see_no_code(world: World) -> None:
    ids = inspected(world)
    hostile = 'crypto.createHash("md5") /* "<script>alert(1)</script>" <b onload=x> */'
    with world.services.database.writer() as session:
        record = session.execute(select(FindingRecord).where(
            FindingRecord.inspection_id == ids.inspection,
            FindingRecord.algorithm == "MD5")).scalars().first()
        assert record is not None
        record.data = {**record.data, "evidence": hostile}
        record.path = "teller-1.0.tgz!/lib/<img src=x onerror=alert(2)>.js"
    vendor, _ = web_sign_in(world, "vendor")
    page = vendor.get(f"/inspections/{ids.inspection}").text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<b onload" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;.js" in page
    bank, _ = web_sign_in(world, "bank")
    seen = bank.get(f"/inspections/{ids.inspection}")
    assert seen.status_code == 200 and "done" in seen.text
    assert "alert(1)" not in seen.text and "createHash" not in seen.text
    assert "shown to the vendor and to inspectors only" in seen.text
    assert bank.get(f"/submissions/{ids.submission}").status_code == 404


def test_dashboards_and_the_rulebook_timeline(world: World) -> None:
    ids = inspected(world)
    inspector, _ = web_sign_in(world, "inspector")
    queue = inspector.get("/").text
    assert "Awaiting triage" in queue and f'href="/inspections/{ids.inspection}"' in queue
    vendor, _ = web_sign_in(world, "vendor")
    board = vendor.get("/").text
    assert "teller-1.0.tgz" in board and "Domestic Vendor" in board
    admin, _ = web_sign_in(world, "admin")
    assert "intact" in admin.get("/").text
    bank, _ = web_sign_in(world, "bank")
    assert "passing by count" in bank.get("/").text or "rulebook" in bank.get("/").text
    listing = bank.get("/rulebooks").text
    assert "cn-cbrc-317" in listing
    page = bank.get("/rulebooks/cn-cbrc-317").text
    assert "<svg" in page and 'class="mark mark-suspended' in page
    assert "2015-04-13" in page and "Targets" in page
    assert bank.get("/rulebooks/nope").status_code == 404
