"""Evaluating an inspected version, signing it, verifying the signature, and who sees what."""

from __future__ import annotations

import json

from sqlalchemy import select

from anke.service.audit.model import AuditEntry
from anke.service.db.evaluations import Evaluation
from anke.service.signing import result_digest, verify_signed
from inspected import AS_OF, MD5_PY, SM3_PY, inspected_version, passing_evaluation
from service_factory import World


def _failing(world: World) -> tuple[int, int, int]:
    """A cn-cbrc-317 evaluation of MD5 and SM3 code: (evaluation, version, inspection)."""
    version_id, inspection_id = inspected_version(world, {"src/md.py": MD5_PY,
                                                          "src/sm.py": SM3_PY})
    made = world.sign_in("inspector").post(f"/api/versions/{version_id}/evaluations",
                                           json={"rulebook": "cn-cbrc-317", "as_of": AS_OF})
    assert made.status_code == 201, made.text
    return int(made.json()["id"]), version_id, inspection_id


def test_an_inspected_version_is_judged_and_stored(world: World) -> None:
    evaluation_id, version_id, inspection_id = _failing(world)
    body = world.sign_in("vendor").get(f"/api/evaluations/{evaluation_id}").json()
    assert body["overall"] == "fail" and body["inspection_id"] == inspection_id
    assert (body["rulebook"], body["rulebook_version"]) == ("cn-cbrc-317", "2014-12")
    assert body["redacted"] is False and body["signed"] is False
    verdicts = {c["id"]: c["verdict"] for c in body["result"]["controls"]}
    assert verdicts["national-algorithms"] == "fail"
    assert verdicts["source-code-filing"] == "not-applicable"  # not for "software"
    assert body["counts"]["fail"] == 1
    md5 = [f for f in body["result"]["findings"] if f["algorithm"] == "MD5"]
    assert md5 and md5[0]["evidence"] == "hashlib.md5(data)"
    assert body["digest"] == result_digest(body["result"])
    listed = world.sign_in("bank").get(f"/api/versions/{version_id}/evaluations").json()
    assert [(e["id"], e["overall"], e["redacted"]) for e in listed] == [
        (evaluation_id, "fail", True)]


def test_a_bank_and_an_admin_see_verdicts_but_no_code(world: World) -> None:
    evaluation_id, _, _ = _failing(world)
    for who in ("bank", "admin"):
        response = world.sign_in(who).get(f"/api/evaluations/{evaluation_id}")
        body = response.json()
        assert body["redacted"] is True and body["result"]["findings"] == []
        assert body["result"]["redacted"] == {"findings": 1}  # the MD5 one it names
        assert body["overall"] == "fail" and len(body["result"]["controls"]) == 7
        assert "hashlib" not in response.text and "sm3_hash" not in response.text
    assert world.sign_in("foreign").get(f"/api/evaluations/{evaluation_id}"
                                        ).status_code == 404


def test_no_finished_inspection_and_bad_rulebooks_are_refused(world: World) -> None:
    version_id, _ = inspected_version(world, {"src/sm.py": SM3_PY}, inspect=False)
    inspector = world.sign_in("inspector")
    url = f"/api/versions/{version_id}/evaluations"
    refused = inspector.post(url, json={"rulebook": "cn-cbrc-317", "as_of": AS_OF})
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"version {version_id} has no finished inspection"
    assert inspector.post(url, json={"rulebook": "nope", "as_of": AS_OF}).status_code == 422
    assert inspector.post(url, json={"rulebook": "cn-cbrc-317", "version": "1999",
                                     "as_of": AS_OF}).status_code == 422
    assert inspector.post(url, json={"rulebook": "cn-cbrc-317"}).status_code == 422
    assert inspector.post("/api/versions/999999/evaluations",
                          json={"rulebook": "cn-cbrc-317", "as_of": AS_OF}).status_code == 404
    assert world.sign_in("vendor").post(url, json={"rulebook": "cn-cbrc-317",
                                                   "as_of": AS_OF}).status_code == 403


def test_sign_once_verify_and_detect_tampering(world: World) -> None:
    evaluation_id = passing_evaluation(world, sign=False)
    inspector = world.sign_in("inspector")
    url = f"/api/evaluations/{evaluation_id}/signature"
    unsigned = inspector.get(url).json()
    assert unsigned == {"evaluation_id": evaluation_id, "signed": False, "statement": None,
                        "signature": None, "public_key": None, "key_id": None, "valid": None}
    assert world.sign_in("vendor").post(url).status_code == 403
    signed = inspector.post(url)
    assert signed.status_code == 201 and signed.json()["valid"] is True
    again = inspector.post(url)
    assert again.status_code == 409 and "already signed" in again.json()["detail"]
    document = world.sign_in("bank").get(url).json()
    assert document["valid"] is True
    statement = json.loads(document["statement"])
    assert statement["evaluation"] == evaluation_id and statement["overall"] == "pass"
    assert statement["signer"] == {"user_id": world.users["inspector"],
                                   "email": "inspector@example.org"}
    assert statement["product"]["vendor"] == "Domestic Vendor"
    full = world.sign_in("vendor").get(f"/api/evaluations/{evaluation_id}").json()
    assert full["signed"] is True and full["signing_key_id"] == document["key_id"]
    assert verify_signed(document) and verify_signed(document, full["result"])
    downloaded = json.loads(json.dumps(document))
    downloaded["statement"] = downloaded["statement"].replace('"pass"', '"fail"')
    assert not verify_signed(downloaded)
    with world.services.database.writer() as session:  # someone edits the stored result
        row = session.get(Evaluation, evaluation_id)
        assert row is not None
        row.result = {**row.result, "overall": "fail"}
    tampered = inspector.get(url).json()
    assert tampered["valid"] is False and tampered["signature"] == document["signature"]
    edited = inspector.get(f"/api/evaluations/{evaluation_id}").json()["result"]
    assert not verify_signed(tampered, edited)
    with world.services.database.reader() as session:
        actions = list(session.execute(select(AuditEntry.action).where(
            AuditEntry.target == f"evaluation:{evaluation_id}")).scalars())
    assert actions == ["evaluation.create", "evaluation.sign"]
