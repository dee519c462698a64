"""The shipped cn-gbt-39786-2021 rulebook: in force from 2021-10-01, graded by level."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from shipped_factory import evidence_file, finding, judge, product, reasons, resolution, verdicts

from anke.evaluation.result import Overall
from anke.findings.model import Finding
from anke.rulebooks.lifecycle import Standing

RULEBOOK = "cn-gbt-39786-2021"
D = dt.date
IN_FORCE = D(2022, 1, 1)


def sm_product() -> list[Finding]:
    """SM4, SM3 and SM2 on its own curve."""
    return [*product(("SM4", 128), "SM3"), finding("SM2", key_bits=256, curve="SM2P256V1",
                                                   line=3)]


@pytest.mark.parametrize(("as_of", "standing"), [
    (D(2021, 3, 8), Standing.NOT_IN_FORCE),
    (D(2021, 3, 9), Standing.NOT_IN_FORCE),  # issued, not yet in force
    (D(2021, 9, 30), Standing.NOT_IN_FORCE),
    (D(2021, 10, 1), Standing.IN_FORCE),
    (D(2021, 10, 2), Standing.IN_FORCE),
])
def test_lifecycle_on_boundary_dates(as_of: dt.date, standing: Standing) -> None:
    assert resolution(RULEBOOK, as_of).standing is standing


def test_level_3_foreign_algorithms_fail() -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, product(("AES", 256), ("RSA", 2048), "SHA-256"),
                       level=3)
    assert verdicts(evaluation) == {
        "general.algorithms": "fail",
        "general.certified-products": "needs-evidence",
        "confidentiality.sm-cipher": "fail",
        "authentication.sm": "fail",
        "integrity.sm3": "fail",
    }
    assert evaluation.overall is Overall.FAIL
    assert reasons(evaluation, "confidentiality.sm-cipher")[0] == (
        "no use of SM4, ZUC among any algorithm (block-cipher, stream-cipher, ae) was found")


def test_level_3_sm_product_needs_only_the_product_certificate(tmp_path: Path) -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, sm_product(), level=3)
    assert verdicts(evaluation) == {
        "general.algorithms": "pass",
        "general.certified-products": "needs-evidence",
        "confidentiality.sm-cipher": "pass",
        "authentication.sm": "pass",
        "integrity.sm3": "pass",
    }
    assert evaluation.overall is Overall.NEEDS_EVIDENCE
    evidence = evidence_file(tmp_path, [
        {"id": "CC-1", "type": "commercial-cryptography-product-certificate",
         "valid_from": "2021-01-01"}])
    assert judge(RULEBOOK, IN_FORCE, sm_product(), level=3,
                 evidence=evidence).overall is Overall.PASS


def test_integrity_is_advisory_at_level_3() -> None:
    findings = [*product(("SM4", 128)), finding("SM2", curve="SM2P256V1", line=2)]
    evaluation = judge(RULEBOOK, IN_FORCE, findings, level=3)
    assert verdicts(evaluation)["integrity.sm3"] == "fail"
    severity = {item.id: item.severity for item in evaluation.controls}
    assert severity["integrity.sm3"] == "advisory"
    assert evaluation.overall is Overall.NEEDS_EVIDENCE  # the advisory failure does not fail


def test_levels_1_and_2_judge_only_the_general_requirements() -> None:
    for level in (1, 2):
        evaluation = judge(RULEBOOK, IN_FORCE, product(("SM4", 128)), level=level)
        assert verdicts(evaluation) == {
            "general.algorithms": "pass",
            "general.certified-products": "needs-evidence",
            "confidentiality.sm-cipher": "not-applicable",
            "authentication.sm": "not-applicable",
            "integrity.sm3": "not-applicable",
        }
    assert reasons(judge(RULEBOOK, IN_FORCE, [], level=2), "authentication.sm") == [
        "applies at protection levels 3, 4, not 2"]


def test_sm2_off_its_curve_fails() -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, [finding("SM2", curve="P-256")], level=4)
    assert verdicts(evaluation)["general.algorithms"] == "fail"
    assert reasons(evaluation, "general.algorithms") == [
        "curve P-256 is not allowed: src/crypto.c:1"]


def test_not_in_force_before_2021_10_01() -> None:
    evaluation = judge(RULEBOOK, D(2021, 9, 30), product("AES"), level=3)
    assert evaluation.overall is Overall.NOT_IN_FORCE
    assert "first version comes into force on 2021-10-01" in evaluation.message
