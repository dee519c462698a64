"""The shipped cn-cbrc-317 rulebook: lifecycle, verdicts, evidence and the what-if version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from shipped_factory import evidence_file, finding, judge, product, reasons, resolution, verdicts

from anke.evaluation.result import Overall
from anke.findings.model import FindingKind
from anke.rulebooks.lifecycle import Standing
from anke.rulebooks.loader import shipped_rulebooks

RULEBOOK = "cn-cbrc-317"
D = dt.date


@pytest.mark.parametrize(("as_of", "standing", "version"), [
    (D(2014, 9, 3), Standing.NOT_IN_FORCE, None),  # Opinion No. 39 binds nothing checkable
    (D(2014, 12, 1), Standing.NOT_IN_FORCE, None),
    (D(2014, 12, 25), Standing.NOT_IN_FORCE, None),
    (D(2014, 12, 26), Standing.IN_FORCE, "2014-12"),
    (D(2014, 12, 27), Standing.IN_FORCE, "2014-12"),
    (D(2015, 2, 11), Standing.IN_FORCE, "2014-12"),
    (D(2015, 2, 12), Standing.IN_FORCE, "2014-12"),
    (D(2015, 2, 13), Standing.IN_FORCE, "2014-12"),
    (D(2015, 4, 12), Standing.IN_FORCE, "2014-12"),
    (D(2015, 4, 13), Standing.SUSPENDED, "2014-12"),
    (D(2015, 4, 14), Standing.SUSPENDED, "2014-12"),
    (D(2016, 1, 1), Standing.SUSPENDED, "2014-12"),  # the what-if is never picked by date
])
def test_lifecycle_on_boundary_dates(as_of: dt.date, standing: Standing,
                                     version: str | None) -> None:
    found = resolution(RULEBOOK, as_of)
    assert found.standing is standing
    assert (found.version.version.version if found.version else None) == version
    assert found.chosen_by == "date"


def test_clarification_is_named_only_from_its_date() -> None:
    assert "clarified" not in resolution(RULEBOOK, D(2015, 2, 11)).message
    assert resolution(RULEBOOK, D(2015, 3, 1)).message == (
        "cn-cbrc-317 version 2014-12 (Guide No. 317 (Yinjianbanfa [2014] No. 317)) is in "
        "force on 2015-03-01: in force since 2014-12-26; clarified 2015-02-12.")


def test_not_in_force_before_the_guide() -> None:
    evaluation = judge(RULEBOOK, D(2014, 12, 1), product(("AES", 256)))
    assert evaluation.overall is Overall.NOT_IN_FORCE
    assert evaluation.controls == []
    assert "first version comes into force on 2014-12-26" in evaluation.message


def test_aes_and_rsa_product_fails_national_algorithms_on_2015_03_01() -> None:
    evaluation = judge(RULEBOOK, D(2015, 3, 1), product(("AES", 256), ("RSA", 2048)))
    assert evaluation.standing == "in-force"
    assert evaluation.rulebook.version == "2014-12"
    assert verdicts(evaluation) == {
        "national-algorithms": "fail",
        "national-algorithms.model-certificate": "needs-evidence",
        "source-code-filing": "not-applicable",
        "ip-rights": "needs-evidence",
        "supply-chain": "needs-evidence",
        "rd-service-centre": "needs-evidence",
        "no-hidden-access": "pass",
    }
    assert evaluation.overall is Overall.FAIL
    assert reasons(evaluation, "national-algorithms") == [
        "AES is not among origin CN: src/crypto.c:1",
        "RSA is not among origin CN: src/crypto.c:2",
    ]
    assert reasons(evaluation, "source-code-filing") == [
        "applied until 2015-02-11 (filing rules pending, per the 2015-02-12 clarification)"]


def test_sm_product_passes_national_algorithms() -> None:
    findings = [*product(("SM4", 128), "SM3", "HMAC", "ZUC"),
                finding("SM2", key_bits=256, curve="SM2P256V1", line=9)]
    evaluation = judge(RULEBOOK, D(2015, 3, 1), findings)
    assert verdicts(evaluation)["national-algorithms"] == "pass"
    assert evaluation.overall is Overall.NEEDS_EVIDENCE  # attested controls need evidence


def test_elliptic_curve_key_off_the_sm2_curve_fails() -> None:
    evaluation = judge(RULEBOOK, D(2015, 3, 1), [finding("EC", key_bits=256, curve="P-256")])
    assert verdicts(evaluation)["national-algorithms"] == "fail"
    assert reasons(evaluation, "national-algorithms") == [
        "curve P-256 is not allowed: src/crypto.c:1"]


def test_source_code_filing_binds_operating_systems_until_the_clarification() -> None:
    before = judge(RULEBOOK, D(2015, 2, 11), product("SM4"), category="operating-system")
    after = judge(RULEBOOK, D(2015, 2, 12), product("SM4"), category="operating-system")
    desktop = judge(RULEBOOK, D(2015, 2, 11), product("SM4"), category="desktop")
    assert verdicts(before)["source-code-filing"] == "needs-evidence"
    assert verdicts(after)["source-code-filing"] == "not-applicable"
    assert verdicts(desktop)["source-code-filing"] == "not-applicable"
    assert reasons(desktop, "source-code-filing") == [
        "applies to operating-system, database, middleware, not desktop"]


def test_suspended_on_2015_05_01_names_the_suspension() -> None:
    evaluation = judge(RULEBOOK, D(2015, 5, 1), product(("AES", 256), ("RSA", 2048)))
    assert evaluation.overall is Overall.SUSPENDED
    assert "suspended on 2015-04-13" in evaluation.message
    assert "delayed, not withdrawn" in evaluation.message
    assert verdicts(evaluation)["national-algorithms"] == "fail"  # kept for information


def test_hypothetical_version_drops_filing_and_is_chosen_only_by_name() -> None:
    loaded = shipped_rulebooks()[RULEBOOK]
    real = {control.id for control in loaded.resolve("2014-12").controls}
    what_if = loaded.resolve("2015-draft-hypothetical")
    assert what_if.version.hypothetical
    assert real - {control.id for control in what_if.controls} == {"source-code-filing"}
    assert {control.id for control in what_if.controls} - real == set()
    evaluation = judge(RULEBOOK, D(2015, 10, 1), product("SM4"),
                       version="2015-draft-hypothetical", category="operating-system")
    assert evaluation.chosen_by == "name"
    assert evaluation.rulebook.hypothetical
    assert "source-code-filing" not in verdicts(evaluation)
    assert "[hypothetical]" in evaluation.message
    assert evaluation.standing == "not-in-force"  # a draft never binds
    assert [item.criterion.startswith('"Surveillance ports"')
            for item in evaluation.excluded] == [True, False]


def test_surveillance_ports_are_excluded_with_a_reason() -> None:
    evaluation = judge(RULEBOOK, D(2015, 3, 1), [])
    criteria = {item.criterion: item.reason for item in evaluation.excluded}
    surveillance = next(reason for criterion, reason in criteria.items()
                        if "Surveillance ports" in criterion)
    assert "never models a control that requires hidden or surveillance access" in surveillance


def test_targets_record_quotas_and_leave_unverified_years_empty() -> None:
    targets = shipped_rulebooks()[RULEBOOK].resolve("2014-12").targets
    quotas = {(t.year, t.categories, t.share, t.scope) for t in targets if t.year == 2015}
    assert quotas == {
        (2015, ("desktop",), 1.0, "new-purchases"),
        (2015, ("software",), 0.10, "new-purchases"),
        (2015, ("anti-virus",), 0.50, "new-purchases"),
        (2015, ("machine-room-air-conditioning",), 0.80, "new-purchases"),
        (2015, ("mainframe",), None, "new-purchases"),
    }
    ramp = [(t.year, t.share, t.unverified) for t in targets if 2016 <= t.year <= 2018]
    assert ramp == [(2016, None, True), (2017, None, True), (2018, None, True)]
    final = [t for t in targets if t.year == 2019]
    assert [(t.share, t.scope, t.unverified) for t in final] == [(0.75, "installed-base", False)]


def test_ip_certificate_counts_only_from_the_clarification(tmp_path: Path) -> None:
    evidence = evidence_file(tmp_path, [
        {"id": "IP-1", "type": "ip-certificate", "valid_from": "2014-12-01"}])
    before = judge(RULEBOOK, D(2015, 2, 11), [], evidence=evidence,
                   category="network-equipment")
    after = judge(RULEBOOK, D(2015, 2, 12), [], evidence=evidence,
                  category="network-equipment")
    assert verdicts(before)["ip-rights"] == "needs-evidence"
    assert reasons(before, "ip-rights") == ["needs accepted evidence: chinese-ip-ownership"]
    assert verdicts(after)["ip-rights"] == "pass"
    assert reasons(after, "ip-rights") == ["ip-certificate IP-1 by Inspector, accepted"]
    assert verdicts(judge(RULEBOOK, D(2015, 3, 1), [], evidence=evidence,
                          category="database"))["ip-rights"] == "not-applicable"


def test_evidence_must_be_accepted_and_untampered(tmp_path: Path) -> None:
    evidence = evidence_file(tmp_path, [
        {"id": "SC-1", "type": "supply-chain-attestation", "valid_from": "2015-01-01",
         "tamper": "yes"},
        {"id": "SC-2", "type": "supply-chain-attestation", "valid_from": "2015-01-01",
         "status": "rejected"}])
    evaluation = judge(RULEBOOK, D(2015, 3, 1), [], evidence=evidence)
    assert verdicts(evaluation)["supply-chain"] == "needs-evidence"
    assert reasons(evaluation, "supply-chain") == [
        "needs accepted evidence: supply-chain-attestation",
        "SC-1: document SC-1.pdf does not match its SHA-256",
        "SC-2: rejected, not accepted"]


def test_rd_and_service_centre_both_needed(tmp_path: Path) -> None:
    one = evidence_file(tmp_path, [
        {"id": "RD-1", "type": "china-rd-centre", "valid_from": "2015-01-01"}])
    assert verdicts(judge(RULEBOOK, D(2015, 3, 1), [], evidence=one))[
        "rd-service-centre"] == "needs-evidence"
    both = evidence_file(tmp_path, [
        {"id": "RD-1", "type": "china-rd-centre", "valid_from": "2015-01-01"},
        {"id": "SV-1", "type": "china-service-centre", "valid_from": "2015-01-01"}])
    assert verdicts(judge(RULEBOOK, D(2015, 3, 1), [], evidence=both))[
        "rd-service-centre"] == "pass"


def test_full_evidence_and_sm_product_passes(tmp_path: Path) -> None:
    evidence = evidence_file(tmp_path, [
        {"id": f"E-{number}", "type": kind, "valid_from": "2015-01-01"}
        for number, kind in enumerate(["oscca-product-model-certificate", "chinese-ip-ownership",
                                       "supply-chain-attestation", "china-rd-centre",
                                       "china-service-centre"])])
    evaluation = judge(RULEBOOK, D(2015, 3, 1), product("SM4", "SM3"), evidence=evidence,
                       category="security-equipment")
    assert evaluation.overall is Overall.PASS
    assert set(verdicts(evaluation).values()) == {"pass", "not-applicable"}


def test_hidden_access_fails_unless_triaged(tmp_path: Path) -> None:
    backdoor = finding(None, kind=FindingKind.ACCESS, rule="access.hidden-listener")
    failing = judge(RULEBOOK, D(2015, 3, 1), [backdoor])
    assert verdicts(failing)["no-hidden-access"] == "fail"
    assert reasons(failing, "no-hidden-access") == [
        "access finding (access.hidden-listener): src/crypto.c:1"]
    triaged = evidence_file(tmp_path, [], triage=[
        {"finding": backdoor.id, "status": "false-positive", "reason": "debug port compiled out"}])
    assert verdicts(judge(RULEBOOK, D(2015, 3, 1), [backdoor], evidence=triaged))[
        "no-hidden-access"] == "pass"
