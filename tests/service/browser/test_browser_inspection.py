"""The vendor-to-inspector flow in a browser: the vendor registers a product and a version,
uploads a submission through the form and starts its inspection, and watches the
inspection page refresh itself until the worker is done, then uploads an evidence
document; the inspector opens the inspection from the queue, sees its findings grouped by
algorithm, dismisses one as a false positive, accepts the evidence, evaluates the version
against cn-cbrc-317, signs the evaluation and sees the signature checked valid.

One test function: the steps depend on each other, so pytest-xdist must not split them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import FilePayload, Page, expect

from anke.service.jobs.queue import Lease
from browser_helpers import Camera, LiveService, Watched, sign_in, sign_out
from submission_sample import ALGORITHMS, FILES, teller_tgz

HOLD_SECONDS = 20.0
FALSE_POSITIVE = "MD5 only names cache entries; it protects nothing."
CERTIFICATE = "SM4 module certificate"
EVIDENCE = "oscca-product-model-certificate"
AS_OF = "2015-01-15"


@pytest.fixture
def held_worker(live: LiveService) -> Iterator[threading.Event]:
    """Holds the worker after its scan, before it stores results, until the event is set:
    the test sees the inspection running and then the page refreshing itself to done."""
    release = threading.Event()

    def hold(_lease: Lease) -> None:
        release.wait(HOLD_SECONDS)

    live.worker.before_store = hold
    try:
        yield release
    finally:
        release.set()
        live.worker.before_store = None


def _vendor_submits(page: Page, camera: Camera) -> str:
    """Product, version, upload, inspection queued: the inspection page's path."""
    page.get_by_role("link", name="Products", exact=True).click()
    page.wait_for_url("**/products")
    camera.shoot(page, "products")
    page.get_by_label("Name").fill("Teller")
    page.get_by_label("Category").fill("software")
    page.get_by_label("Description").fill("Counter software for branches.")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/products/\d+$"))
    expect(page.locator("p.flash")).to_have_text("Product Teller registered.")
    camera.shoot(page, "product")

    page.get_by_label("Version").fill("1.0")
    page.get_by_label("Released on").fill("2015-01-10")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/versions/\d+$"))
    expect(page.locator("h1")).to_have_text("Teller 1.0")
    camera.shoot(page, "version")

    archive: FilePayload = {"name": "teller-1.0.tgz", "mimeType": "application/gzip",
                            "buffer": teller_tgz()}
    form = page.locator("form[action$='/submissions']")
    form.get_by_label("Archive, binary or firmware").set_input_files(archive)
    form.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/submissions/\d+$"))
    expect(page.locator("h1")).to_have_text("teller-1.0.tgz")
    expect(page.get_by_role("heading", name="Manifest pending")).to_be_visible()
    assert page.locator("code.path").count() == 0  # listed by the first inspection
    camera.shoot(page, "submission")

    page.get_by_role("button", name="Start an inspection").click()
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    expect(page.locator("p.flash")).to_have_text("Inspection queued.")
    return page.url.removeprefix(page.url.split("/inspections/")[0])


def _watch_until_done(page: Page, camera: Camera, release: threading.Event,
                      watched: Watched, path: str) -> None:
    """The page shows the inspection under way, then reloads itself until it is done."""
    status = page.locator("h1 .badge")
    expect(status).to_have_text(re.compile("queued|running"))
    expect(page.get_by_text("This page reloads every")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    camera.shoot(page, "inspection-running")
    loads_before = watched.requests.count(watched.base + path)

    release.set()
    expect(status).to_have_text("done", timeout=15_000)  # no reload by the test
    assert watched.requests.count(watched.base + path) > loads_before
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    camera.shoot(page, "inspection-done")
    page.get_by_role("link", name="teller-1.0.tgz").click()  # the inspection listed them
    members = page.locator("code.path").all_inner_texts()
    assert sorted(members) == sorted(f"teller-1.0.tgz!/{name}" for name in FILES)
    camera.shoot(page, "submission-listed")
    page.go_back()


def _groups(page: Page) -> list[str]:
    """The titles of the finding groups, in page order."""
    return [text.split()[0] for text in page.locator("section.group h2").all_inner_texts()]


def _inspector_triages(page: Page, camera: Camera, path: str) -> None:
    """From the queue to the inspection; one MD5 finding marked a false positive."""
    queue = page.locator("section", has=page.get_by_role("heading", name="Awaiting triage"))
    inspection_id = path.rsplit("/", 1)[1]
    queue.get_by_role("link", name=inspection_id, exact=True).click()
    page.wait_for_url(f"**{path}")
    assert sorted(_groups(page)) == sorted(ALGORITHMS)
    camera.shoot(page, "inspector-inspection")

    md5 = page.locator("section.group", has=page.locator("h2", has_text="MD5"))
    card = md5.locator("article.finding").first
    expect(card.locator(".triage .badge").first).to_have_text("untriaged")
    assert "hashlib.md5" in card.locator("pre.code").inner_text()
    card.get_by_label("decision").select_option("false-positive")
    card.get_by_placeholder("reason").fill(FALSE_POSITIVE)
    card.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{path}*")
    expect(page.locator("p.flash")).to_have_text("Finding marked false-positive.")
    card = page.locator("section.group", has=page.locator("h2", has_text="MD5")).locator(
        "article.finding").first
    expect(card.locator(".triage .badge").first).to_have_text("false-positive")
    expect(card.locator(".reason")).to_have_text(FALSE_POSITIVE)
    expect(page.locator("section.group", has=page.locator("h2", has_text="MD5"))
           .locator("h2")).to_contain_text("0 untriaged")
    camera.shoot(page, "inspector-triaged")


def _vendor_attests(page: Page, camera: Camera) -> None:
    """From the inspection to its version; an evidence document uploaded."""
    page.locator("p.crumbs").get_by_role("link", name="1.0", exact=True).click()
    page.wait_for_url(re.compile(r"/versions/\d+$"))
    form = page.locator("form[action$='/attestations']")
    form.get_by_label("Evidence type").select_option(EVIDENCE)
    form.get_by_label("Title").fill(CERTIFICATE)
    form.get_by_label("Issued on").fill("2014-06-01")
    form.get_by_label("Valid until").fill("2017-06-01")
    document: FilePayload = {"name": "certificate.pdf", "mimeType": "application/pdf",
                             "buffer": b"%PDF-1.4 certificate of the SM4 module\n%%EOF\n"}
    form.locator("input[type=file]").set_input_files(document)
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("p.flash")).to_have_text(
        f"Uploaded {CERTIFICATE} ({len(document['buffer'])} bytes), pending a decision.")
    row = page.locator("#attestations tbody tr", has_text=CERTIFICATE)
    expect(row.locator(".badge")).to_have_text("pending")
    camera.shoot(page, "vendor-attested")


def _inspector_evaluates_and_signs(page: Page, camera: Camera) -> None:
    """On the version page: the evidence accepted, the version evaluated; then signed."""
    page.locator("p.crumbs").get_by_role("link", name="1.0", exact=True).click()
    page.wait_for_url(re.compile(r"/versions/\d+$"))
    row = page.locator("#attestations tbody tr", has_text=CERTIFICATE)
    row.get_by_label("decision").select_option("accepted")
    row.get_by_label("note").fill("Certificate number checked with OSCCA.")
    row.get_by_role("button", name="Decide").click()
    expect(page.locator("p.flash")).to_have_text("Attestation accepted.")
    expect(page.locator("#attestations tbody tr", has_text=CERTIFICATE)
           .locator(".badge")).to_have_text("accepted")
    camera.shoot(page, "inspector-accepted")

    form = page.locator("form[action$='/evaluations']")
    form.get_by_label("Rulebook").select_option("cn-cbrc-317")
    form.get_by_label("As of").fill(AS_OF)
    form.get_by_role("button", name="Evaluate").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+$"))
    # AES in ECB mode is not a state-approved algorithm: the version fails
    expect(page.locator("p.flash")).to_have_text("Evaluated: fail.")
    expect(page.locator("h1 .badge")).to_have_text("fail")
    expect(page.locator("#signature")).to_contain_text("Not signed yet.")
    algorithms = page.locator("[id='c-national-algorithms']")
    expect(algorithms.locator(".badge").first).to_have_text("fail")
    expect(algorithms).to_contain_text("AES is not among origin CN")
    certificate = page.locator("[id='c-national-algorithms.model-certificate']")
    expect(certificate.locator(".badge").first).to_have_text("pass")  # the accepted evidence
    camera.shoot(page, "evaluation")

    page.locator("#signature").get_by_role("button", name="Sign").click()
    expect(page.locator("p.flash")).to_have_text("Signed.")
    signature = page.locator("#signature")
    expect(signature.locator(".badge")).to_have_text("signature valid")
    expect(signature).to_contain_text("inspector@example.org")
    assert signature.get_by_role("button", name="Sign").count() == 0  # signed once
    camera.shoot(page, "evaluation-signed")


def test_vendor_submits_and_inspector_signs(watched: Watched, camera: Camera,
                                            held_worker: threading.Event) -> None:
    page = watched.page
    sign_in(page, "vendor")
    path = _vendor_submits(page, camera)
    _watch_until_done(page, camera, held_worker, watched, path)
    assert sorted(_groups(page)) == sorted(ALGORITHMS)  # the vendor sees its findings
    _vendor_attests(page, camera)
    sign_out(page)

    sign_in(page, "inspector")
    camera.shoot(page, "inspector-queue")
    _inspector_triages(page, camera, path)
    _inspector_evaluates_and_signs(page, camera)
    sign_out(page)
