"""Every check kind: what fails it, what passes it, what is only listed for review."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from anke.evaluation.evaluate import evaluate
from anke.evaluation.evidence import Evidence, load_evidence
from anke.evaluation.result import Evaluation, Overall, Verdict
from anke.findings.model import Finding, FindingKind, ScanDocument
from anke.rulebooks.lifecycle import resolve
from anke.rulebooks.loader import LoadedRulebook, load_rulebook_file
from findings_factory import certificate, document, finding
from sample_rulebook import SAMPLE, write_sample

IN_FORCE = dt.date(2020, 3, 1)  # v1 in force, before the clarification


@pytest.fixture
def book(tmp_path: Path) -> LoadedRulebook:
    return load_rulebook_file(write_sample(tmp_path))


def judge(book: LoadedRulebook, doc: ScanDocument, *, as_of: dt.date = IN_FORCE,
          evidence: Evidence | None = None, **kwargs: object) -> Evaluation:
    return evaluate(resolve(book, as_of), doc, evidence, **kwargs)  # type: ignore[arg-type]


def verdicts(result: Evaluation) -> dict[str, str]:
    return {control.id: control.verdict.value for control in result.controls}


def control(result: Evaluation, key: str) -> tuple[str, list[str], list[str]]:
    found = next(c for c in result.controls if c.id == key)
    return found.verdict.value, found.reasons, found.findings


def test_forbidden_algorithm_fails_and_names_where(book: LoadedRulebook) -> None:
    md5 = finding("MD5", path="src/hash.py", line=7)
    verdict, reasons, ids = control(judge(book, document(md5, finding("SHA-256"))), "no-md5")
    assert (verdict, reasons, ids) == ("fail", ["forbidden algorithm MD5: src/hash.py:7"],
                                       [md5.id])


def test_allowed_and_required(book: LoadedRulebook) -> None:
    aes = finding("AES", line=3)
    assert control(judge(book, document(aes)), "national")[:2] == (
        "fail", ["no use of SM4 among any algorithm (block-cipher) was found",
                 "AES is not among origin CN: src/app.c:3"])
    sm4 = finding("SM4")
    assert control(judge(book, document(sm4, finding("SHA-256"))), "national")[0] == "pass"
    assert control(judge(book, document(finding("SHA-256"))), "national")[:2] == (
        "fail", ["no use of SM4 among any algorithm (block-cipher) was found"])


def test_low_confidence_and_test_findings_are_reviewed_not_failed(
        book: LoadedRulebook) -> None:
    unsure = finding("MD5", confidence="low")
    in_tests = finding("MD5", path="tests/test_hash.py").model_copy(update={"context": "test"})
    verdict, _, ids = control(judge(book, document(unsure, in_tests)), "no-md5")
    assert (verdict, ids) == ("not-applicable", [])
    reviewed = next(c for c in judge(book, document(unsure, in_tests)).controls
                    if c.id == "no-md5").review
    assert reviewed == [unsure.id, in_tests.id]


def test_key_sizes_by_level(book: LoadedRulebook) -> None:
    small = finding("RSA", key_bits=1024, line=9)
    doc = document(small, finding("RSA", key_bits=4096), finding("RSA", line=20))
    verdict, reasons, ids = control(judge(book, doc, level=2), "rsa-size")
    assert (verdict, ids) == ("fail", [small.id])
    assert reasons == ["RSA key under 2048 bits: src/app.c:9",
                       "1 finding(s) of RSA with no key size known"]
    assert control(judge(book, doc, level=1), "rsa-size")[:2] == (
        "not-applicable", ["applies at protection levels 2, 3, not 1"])


def test_curves_and_modes(book: LoadedRulebook) -> None:
    doc = document(finding("ECDSA", curve="secp256k1"), finding("ECDSA", curve="P-256"),
                   finding("AES", mode="ECB"))
    result = judge(book, doc)
    assert control(result, "curves")[:2] == ("fail", ["curve secp256k1 is not allowed: "
                                                      "src/app.c:1"])
    assert control(result, "no-ecb")[0] == "fail"
    assert result.overall is Overall.FAIL


def test_an_advisory_failure_does_not_fail_the_evaluation(book: LoadedRulebook,
                                                          tmp_path: Path) -> None:
    doc = document(finding("SM4", mode="ECB"))
    result = judge(book, doc, evidence=_evidence(tmp_path, "ip-certificate"), category="app")
    assert verdicts(result)["no-ecb"] == "fail"
    assert result.overall is Overall.PASS
    assert result.exit_code == 0


def test_secrets_fail_unless_triaged(book: LoadedRulebook, tmp_path: Path) -> None:
    secret = finding(None, kind=FindingKind.SECRET, rule="access.keyword", line=4)
    assert control(judge(book, document(secret)), "no-secrets")[:2] == (
        "fail", ["secret finding (access.keyword): src/app.c:4"])
    accepted = _evidence(tmp_path, triage=[(secret, "accepted", "2020-12-31")])
    assert control(judge(book, document(secret), evidence=accepted), "no-secrets")[0] == "pass"
    late = judge(book, document(secret), evidence=accepted, as_of=dt.date(2020, 12, 31))
    assert control(late, "no-secrets")[0] == "pass"  # the expiry day itself still holds
    expired = _evidence(tmp_path, triage=[(secret, "accepted", "2020-02-01")])
    assert control(judge(book, document(secret), evidence=expired), "no-secrets")[0] == "fail"
    confirmed = _evidence(tmp_path, triage=[(secret, "confirmed", None)])
    assert control(judge(book, document(secret), evidence=confirmed), "no-secrets")[0] == "fail"


def test_certificates(book: LoadedRulebook) -> None:
    old = certificate(dt.date(2019, 12, 31))
    sha1 = certificate(dt.date(2030, 1, 1), signature_hash="SHA-1", path="conf/b.pem")
    good = certificate(dt.date(2030, 1, 1), path="conf/c.pem")
    verdict, reasons, ids = control(judge(book, document(old, sha1, good)), "certs")
    assert verdict == "fail"
    assert reasons == ["certificate expired before 2020-03-01: conf/server.pem:1",
                       "certificate signed with RSA/SHA-1: conf/b.pem:1"]
    assert ids == [old.id, sha1.id]
    assert control(judge(book, document(good)), "certs")[0] == "pass"


def _evidence(folder: Path, *types: str, status: str = "accepted",
              valid_until: str | None = None, tamper: bool = False,
              triage: list[tuple[Finding, str, str | None]] | None = None) -> Evidence:
    lines = ["attestations:"] if types else ["attestations: []"]
    for number, kind in enumerate(types):
        document_path = folder / f"doc{number}.pdf"
        document_path.write_bytes(f"evidence {kind}".encode())
        digest = hashlib.sha256(document_path.read_bytes()).hexdigest()
        if tamper:
            document_path.write_bytes(b"changed afterwards")
        lines += [f"  - id: att-{number}", f"    type: {kind}", "    issuer: Registry",
                  f"    document: doc{number}.pdf", f"    sha256: {digest}",
                  "    valid_from: 2020-01-01", f"    status: {status}"]
        if valid_until:
            lines.append(f"    valid_until: {valid_until}")
    lines.append("triage:" if triage else "triage: []")
    for item, decision, expires in triage or []:
        lines += [f"  - finding: {item.id}", f"    status: {decision}", "    reason: reviewed"]
        if expires:
            lines.append(f"    expires: {expires}")
    path = folder / "evidence.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_evidence(path)


def test_attested_controls_need_accepted_unexpired_matching_evidence(
        book: LoadedRulebook, tmp_path: Path) -> None:
    doc = document(finding("SM4"))
    assert control(judge(book, doc), "ip")[:2] == (
        "needs-evidence", ["needs accepted evidence: ip-certificate"])
    good = judge(book, doc, evidence=_evidence(tmp_path, "ip-certificate"))
    assert control(good, "ip")[:2] == ("pass", ["ip-certificate att-0 by Registry, accepted"])
    assert next(c for c in good.controls if c.id == "ip").evidence == ["att-0"]
    pending = judge(book, doc, evidence=_evidence(tmp_path, "ip-certificate", status="pending"))
    assert control(pending, "ip")[1][1] == "att-0: pending, not accepted"
    expired = judge(book, doc, evidence=_evidence(tmp_path, "ip-certificate",
                                                  valid_until="2020-02-28"))
    assert control(expired, "ip")[1][1] == "att-0: expired 2020-02-28"
    tampered = judge(book, doc, evidence=_evidence(tmp_path, "ip-certificate", tamper=True))
    assert control(tampered, "ip")[1][1] == "att-0: document doc0.pdf does not match its SHA-256"


def test_evidence_accepted_only_from_a_date(book: LoadedRulebook, tmp_path: Path) -> None:
    evidence = _evidence(tmp_path, "source-document")
    doc = document(finding("SM4"))
    assert control(judge(book, doc, evidence=evidence), "ip")[0] == "needs-evidence"
    later = judge(book, doc, evidence=evidence, as_of=dt.date(2020, 6, 1))
    assert control(later, "ip")[0] == "pass"


def test_category_and_period_make_controls_not_applicable(book: LoadedRulebook) -> None:
    doc = document(finding("SM4"))
    assert control(judge(book, doc, category="app"), "filing")[:2] == (
        "not-applicable", ["applies to os, not app"])
    assert control(judge(book, doc, category="os"), "filing")[0] == "needs-evidence"
    after = judge(book, doc, category="os", as_of=dt.date(2020, 6, 1))
    assert control(after, "filing")[:2] == (
        "not-applicable", ["applied until 2020-05-31 (filing rules pending)"])


def test_a_suspended_rulebook_says_so(book: LoadedRulebook) -> None:
    result = judge(book, document(finding("MD5")), as_of=dt.date(2021, 6, 1))
    assert result.overall is Overall.SUSPENDED
    assert result.if_in_force is Overall.FAIL
    assert result.exit_code == 4
    assert "suspended on 2021-01-01" in result.message


def test_overall_needs_evidence_and_exit_codes(book: LoadedRulebook) -> None:
    result = judge(book, document(finding("SM4")), category="app")
    assert result.overall is Overall.NEEDS_EVIDENCE
    assert result.exit_code == 3
    assert {c.verdict for c in result.controls} >= {Verdict.NEEDS_EVIDENCE, Verdict.PASS}
    assert [e.criterion for e in result.excluded] == ["surveillance ports"]


def test_the_evaluation_round_trips_through_json(book: LoadedRulebook) -> None:
    result = judge(book, document(finding("MD5"), certificate(dt.date(2019, 1, 2))))
    assert Evaluation.model_validate_json(result.model_dump_json()) == result
    assert {f.algorithm for f in result.findings} == {"MD5", "RSA"}


def _variant(book_text: str, old: str, new: str, tmp_path: Path) -> LoadedRulebook:
    assert old in book_text
    return load_rulebook_file(write_sample(tmp_path, book_text.replace(old, new, 1)))


def test_curves_by_size_and_paddings(tmp_path: Path) -> None:
    book = _variant(SAMPLE, "          - {type: curves, allowed: [P-256, SM2P256V1]}",
                    "          - {type: curves, min_bits: 256}\n"
                    "          - {type: paddings, forbidden: [PKCS1v15]}", tmp_path)
    doc = document(finding("ECDSA", curve="P-224", line=2), finding("ECDSA", curve="P-384"),
                   finding("RSA", padding="PKCS1v15", line=5), finding("RSA", padding="OAEP"))
    assert control(judge(book, doc), "curves")[1] == [
        "curve P-224 is under 256 bits: src/app.c:2", "forbidden padding PKCS1v15: src/app.c:5"]


def test_required_only_if_used(tmp_path: Path) -> None:
    book = _variant(SAMPLE, "            required: {names: [SM4]}",
                    "            required: {names: [SM4]}\n            required_only_if_used: true",
                    tmp_path)
    assert control(judge(book, document(finding("SHA-256"))), "national")[0] == "not-applicable"
    assert control(judge(book, document(finding("AES"))), "national")[0] == "fail"
