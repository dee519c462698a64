"""Evaluations, signatures, attestations and the approved-products list through the pages:
the evaluate form, the sign button (valid, then invalid after tampering), "list it", the
removal form, evidence upload and decisions, and who sees code."""

from __future__ import annotations

from sqlalchemy import select

from anke.service.db.evaluations import Evaluation
from anke.service.db.products import Attestation, AttestationStatus
from anke.service.signing import verify_signed
from inspected import (
    AS_OF,
    CBRC_EVIDENCE,
    MD5_PY,
    SM3_PY,
    accept_evidence,
    inspected_version,
)
from service_factory import World
from web_helpers import web_sign_in


def _evaluate(world: World, files: dict[str, str], evidence: bool = True) -> tuple[int, int]:
    """Evaluate an inspected version through the form: (version id, evaluation id)."""
    version_id, _ = inspected_version(world, files)
    if evidence:
        accept_evidence(world, version_id, CBRC_EVIDENCE)
    inspector, csrf = web_sign_in(world, "inspector")
    assert "Evaluate against a rulebook" in inspector.get(f"/versions/{version_id}").text
    done = inspector.post(f"/versions/{version_id}/evaluations",
                          data={"rulebook": "cn-cbrc-317", "as_of": AS_OF,
                                "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/evaluations/")
    return version_id, int(done.headers["location"].rsplit("/", 1)[1])


def test_evaluate_sign_verify_and_list(world: World) -> None:
    version_id, evaluation_id = _evaluate(world, {"src/sm.py": SM3_PY})
    inspector, csrf = web_sign_in(world, "inspector")
    page = inspector.get(f"/evaluations/{evaluation_id}").text
    assert "Not signed yet." in page and ">Sign</button>" in page
    assert 'id="c-national-algorithms"' in page and "cn-cbrc-317</a> version 2014-12" in page
    assert "List it" not in page  # not before it is signed
    signed = inspector.post(f"/evaluations/{evaluation_id}/signature",
                            data={"csrf_token": csrf})
    assert signed.status_code == 200 and "Signed." in signed.text
    assert "signature valid" in signed.text and "inspector@example.org" in signed.text
    assert f'href="/api/evaluations/{evaluation_id}/signature"' in signed.text
    assert ">Sign</button>" not in signed.text
    document = inspector.get(f"/api/evaluations/{evaluation_id}/signature").json()
    assert document["valid"] is True and verify_signed(document)
    assert f"Ed25519 key {document['key_id']}" in signed.text
    twice = inspector.post(f"/evaluations/{evaluation_id}/signature", data={"csrf_token": csrf})
    assert f"Not signed: evaluation {evaluation_id} is already signed" in twice.text
    listed = inspector.post(f"/evaluations/{evaluation_id}/listings",
                            data={"listed_on": "2015-01-20", "csrf_token": csrf},
                            follow_redirects=False)
    assert listed.status_code == 303
    assert listed.headers["location"] == ("/listings?rulebook=cn-cbrc-317&version=2014-12"
                                          "&as_of=2015-01-20")
    listing = inspector.get(listed.headers["location"]).text
    assert "Listed from 2015-01-20." in listing and "1 product version on the list" in listing
    assert f'href="/versions/{version_id}"' in listing
    again = inspector.post(f"/evaluations/{evaluation_id}/listings",
                           data={"listed_on": "2015-01-21", "csrf_token": csrf})
    assert "Not listed:" in again.text and "already on the" in again.text
    with world.services.database.writer() as session:
        row = session.get(Evaluation, evaluation_id)
        assert row is not None
        row.result = {**row.result, "overall": "fail"}  # tampered after signing
    tampered = inspector.get(f"/evaluations/{evaluation_id}").text
    assert "signature invalid" in tampered and "signature valid" not in tampered


def test_a_bank_sees_verdicts_never_code(world: World) -> None:
    _, evaluation_id = _evaluate(world, {"src/md.py": MD5_PY, "src/sm.py": SM3_PY})
    inspector, _ = web_sign_in(world, "inspector")
    full = inspector.get(f"/evaluations/{evaluation_id}").text
    assert "hashlib.md5(data)" in full and "src/md.py" in full
    assert 'class="badge b-fail">fail</span>' in full
    bank, _ = web_sign_in(world, "bank")
    seen = bank.get(f"/evaluations/{evaluation_id}")
    assert seen.status_code == 200
    assert "hashlib" not in seen.text and "md5(data)" not in seen.text
    assert 'class="small-finding"' not in seen.text  # no finding lines, only reasons
    assert "Verdicts and summaries only" in seen.text and "1 finding named" in seen.text
    assert 'id="c-national-algorithms"' in seen.text and ">Sign</button>" not in seen.text
    vendor, _ = web_sign_in(world, "vendor")
    own = vendor.get(f"/evaluations/{evaluation_id}").text
    assert "hashlib.md5(data)" in own and ">Sign</button>" not in own
    assert web_sign_in(world, "foreign")[0].get(
        f"/evaluations/{evaluation_id}").status_code == 404


def test_evaluation_refusals_are_flashed(world: World) -> None:
    version_id, _ = inspected_version(world, {"src/sm.py": SM3_PY}, inspect=False)
    inspector, csrf = web_sign_in(world, "inspector")
    action = f"/versions/{version_id}/evaluations"
    none_yet = inspector.post(action, data={"rulebook": "cn-cbrc-317", "as_of": AS_OF,
                                            "csrf_token": csrf})
    assert f"Not saved: version {version_id} has no finished inspection" in none_yet.text
    bad_date = inspector.post(action, data={"rulebook": "cn-cbrc-317", "as_of": "soon",
                                            "csrf_token": csrf})
    assert "Not saved: as of: &#39;soon&#39; is not a date" in bad_date.text
    no_book = inspector.post(action, data={"rulebook": "nope", "csrf_token": csrf})
    assert "Not saved: no rulebook &#39;nope&#39;" in no_book.text


def test_listing_removal_and_the_list_as_of_a_date(world: World) -> None:
    _, evaluation_id = _evaluate(world, {"src/sm.py": SM3_PY})
    inspector, csrf = web_sign_in(world, "inspector")
    inspector.post(f"/evaluations/{evaluation_id}/signature", data={"csrf_token": csrf})
    inspector.post(f"/evaluations/{evaluation_id}/listings",
                   data={"listed_on": "2015-01-20", "csrf_token": csrf})
    base = "/listings?rulebook=cn-cbrc-317&version=2014-12"
    before = inspector.get(base + "&as_of=2015-01-19").text
    assert "0 product versions on the list" in before
    listing_id = int(inspector.get(f"{base}&as_of=2015-02-01").text
                     .split('action="/listings/', 1)[1].split("/", 1)[0])
    action = f"/listings/{listing_id}/removal"
    early = inspector.post(action, data={"removed_on": "2015-01-01", "reason": "x",
                                         "csrf_token": csrf, "back": base})
    assert "Not removed: removed_on 2015-01-01 is before listed_on 2015-01-20" in early.text
    no_reason = inspector.post(action, data={"removed_on": "2015-03-01", "reason": " ",
                                             "csrf_token": csrf, "back": base})
    assert "Not removed: a removal needs a reason" in no_reason.text
    done = inspector.post(action, data={"removed_on": "2015-03-01",
                                        "reason": "<b>certificate</b> revoked",
                                        "csrf_token": csrf, "back": base + "&as_of=2015-04-01"},
                          follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == base + "&as_of=2015-04-01"
    after = inspector.get(done.headers["location"]).text
    assert f"Listing {listing_id} removed from 2015-03-01." in after
    assert "0 product versions on the list" in after
    assert 'b-fail">removed</span> 2015-03-01' in after
    assert "&lt;b&gt;certificate&lt;/b&gt; revoked" in after and "<b>certificate" not in after
    hidden = inspector.get(base + "&as_of=2015-04-01&removed=0").text
    assert "certificate" not in hidden
    still = web_sign_in(world, "bank")[0].get(base + "&as_of=2015-02-15").text
    assert "1 product version on the list" in still and "revoked" not in still
    assert 'action="/listings/' not in still  # no removal form for a bank
    assert inspector.get("/listings?rulebook=cn-cbrc-317&version=1999").status_code == 404


def test_evidence_upload_and_decisions(world: World) -> None:
    version_id, _ = inspected_version(world, {"src/sm.py": SM3_PY}, inspect=False)
    vendor, csrf = web_sign_in(world, "vendor")
    page = vendor.get(f"/versions/{version_id}").text
    assert "Upload an evidence document" in page and "supply-chain-attestation" in page
    action = f"/versions/{version_id}/attestations"
    fields = {"evidence_type": "supply-chain-attestation", "title": "<i>Audit</i> 2014",
              "issued_on": "2014-01-01", "valid_until": "2016-01-01"}
    document = ("audit.pdf", b"%PDF-1.4 supply chain audit")
    assert vendor.post(action, data=fields, files={"file": document}).status_code == 403
    wrong = vendor.post(action, data={**fields, "evidence_type": "horoscope",
                                      "csrf_token": csrf}, files={"file": document})
    assert "Not saved: unknown evidence_type &#39;horoscope&#39;" in wrong.text
    done = vendor.post(action, data={**fields, "csrf_token": csrf}, files={"file": document},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("#attestations")
    shown = vendor.get(f"/versions/{version_id}").text
    assert "&lt;i&gt;Audit&lt;/i&gt; 2014" in shown and "<i>Audit" not in shown
    assert 'b-pending">pending</span>' in shown and "2014-01-01 \u2013 2016-01-01" in shown
    assert "/decision" not in shown  # the vendor cannot decide
    with world.services.database.reader() as session:
        stored = session.execute(select(Attestation)).scalar_one()
    assert stored.size == len(document[1])
    inspector, token = web_sign_in(world, "inspector")
    decide = f"/attestations/{stored.id}/decision"
    assert f'action="{decide}"' in inspector.get(f"/versions/{version_id}").text
    bare = inspector.post(decide, data={"decision": "rejected", "csrf_token": token})
    assert "Not saved: a rejection needs a note saying why" in bare.text
    rejected = inspector.post(decide, data={"decision": "rejected", "note": "unsigned scan",
                                            "csrf_token": token})
    assert "Attestation rejected." in rejected.text and "unsigned scan" in rejected.text
    accepted = inspector.post(decide, data={"decision": "accepted", "csrf_token": token})
    assert "Attestation accepted." in accepted.text
    with world.services.database.reader() as session:
        final = session.get(Attestation, stored.id)
    assert final is not None and final.status is AttestationStatus.ACCEPTED
    bank, _ = web_sign_in(world, "bank")
    summary = bank.get(f"/versions/{version_id}").text
    assert "supply-chain-attestation" in summary and "/decision" not in summary
    assert f"/api/attestations/{stored.id}/content" not in summary
