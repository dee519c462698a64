"""The shipped us-nist-sp800-131a-r2 rulebook: transitions with dates, and the IR 8547 draft."""

from __future__ import annotations

import datetime as dt

import pytest
from shipped_factory import certificate, finding, judge, product, reasons, resolution, verdicts

from anke.evaluation.result import Overall
from anke.findings.model import Finding
from anke.rulebooks.lifecycle import Standing

RULEBOOK = "us-nist-sp800-131a-r2"
D = dt.date
IN_FORCE = D(2022, 6, 1)


@pytest.mark.parametrize(("as_of", "standing", "version"), [
    (D(2018, 7, 19), Standing.NOT_IN_FORCE, None),
    (D(2019, 3, 20), Standing.NOT_IN_FORCE, None),
    (D(2019, 3, 21), Standing.IN_FORCE, "r2"),
    (D(2019, 3, 22), Standing.IN_FORCE, "r2"),
    (D(2024, 11, 12), Standing.IN_FORCE, "r2"),  # a draft never takes over by date
    (D(2025, 1, 11), Standing.IN_FORCE, "r2"),
    (D(2040, 1, 1), Standing.IN_FORCE, "r2"),
])
def test_lifecycle_on_boundary_dates(as_of: dt.date, standing: Standing,
                                     version: str | None) -> None:
    found = resolution(RULEBOOK, as_of)
    assert found.standing is standing
    assert (found.version.version.version if found.version else None) == version


def test_modern_product_passes() -> None:
    findings = [*product(("AES", 256), "SHA-256", "SHA3-256", ("RSA", 3072), ("HMAC", 256)),
                finding("ECDSA", curve="P-256", line=9),
                certificate("RSA", 2048, "RSA", "SHA-256")]
    evaluation = judge(RULEBOOK, IN_FORCE, findings)
    assert evaluation.overall is Overall.PASS
    assert set(verdicts(evaluation).values()) <= {"pass", "not-applicable"}


@pytest.mark.parametrize(("as_of", "deprecated", "disallowed", "overall"), [
    (D(2023, 12, 31), "fail", "not-applicable", Overall.PASS),
    (D(2024, 1, 1), "not-applicable", "fail", Overall.FAIL),
])
def test_three_key_tdea_deprecated_then_disallowed(as_of: dt.date, deprecated: str,
                                                   disallowed: str, overall: Overall) -> None:
    evaluation = judge(RULEBOOK, as_of, product(("3DES", 168)))
    found = verdicts(evaluation)
    assert (found["encryption.tdea-deprecated"], found["encryption.tdea-disallowed"]) == (
        deprecated, disallowed)
    assert found["encryption.two-key-tdea"] == "pass"
    assert evaluation.overall is overall


def test_two_key_tdea_disallowed() -> None:
    evaluation = judge(RULEBOOK, D(2020, 1, 1), product(("3DES", 112)))
    assert verdicts(evaluation)["encryption.two-key-tdea"] == "fail"
    assert reasons(evaluation, "encryption.two-key-tdea") == [
        "3DES key under 168 bits: src/crypto.c:1"]
    assert evaluation.overall is Overall.FAIL


@pytest.mark.parametrize(("findings", "control", "reason"), [
    (product("Blowfish"), "encryption.approved-block-ciphers",
     "Blowfish is not among AES, 3DES: src/crypto.c:1"),
    (product("Skipjack"), "encryption.approved-block-ciphers",
     "Skipjack is not among AES, 3DES: src/crypto.c:1"),
    (product("MD5"), "hash.approved",
     "MD5 is not among family SHA-1, family SHA-2, family SHA-3: src/crypto.c:1"),
    (product("Keccak"), "hash.approved", "forbidden algorithm Keccak: src/crypto.c:1"),
    (product(("RSA", 1024)), "public-key.rsa-dsa-dh-2048", "RSA key under 2048 bits: "
     "src/crypto.c:1"),
    (product(("DH", 1536)), "public-key.rsa-dsa-dh-2048", "DH key under 2048 bits: "
     "src/crypto.c:1"),
    ([finding("ECDSA", curve="P-192")], "public-key.ecc-224",
     "curve P-192 is under 224 bits: src/crypto.c:1"),
    (product(("HMAC", 80)), "mac.hmac-key-112", "HMAC key under 112 bits: src/crypto.c:1"),
    ([certificate("RSA", 2048, "RSA", "SHA-1")], "signatures.sha1-certificates",
     "certificate signed with RSA/SHA-1: etc/product.pem:1"),
])
def test_disallowed_uses_fail(findings: list[Finding], control: str, reason: str) -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, findings)
    assert verdicts(evaluation)[control] == "fail"
    assert reasons(evaluation, control) == [reason]
    assert evaluation.overall is Overall.FAIL


def test_sha1_in_code_is_only_reported() -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, product("SHA-1"))
    found = verdicts(evaluation)
    assert (found["hash.sha1-review"], found["hash.approved"]) == ("fail", "pass")
    assert evaluation.overall is Overall.PASS


def test_ir_8547_draft_by_name() -> None:
    rsa_2048 = product(("RSA", 2048))
    evaluation = judge(RULEBOOK, D(2031, 6, 1), rsa_2048, version="ir8547-ipd")
    assert evaluation.chosen_by == "name"
    assert evaluation.standing == "not-in-force"
    assert evaluation.overall is Overall.NOT_IN_FORCE
    assert "latest event is consultation-closed on 2025-01-10" in evaluation.message
    found = verdicts(evaluation)
    assert found["quantum-vulnerable.112-bit-deprecated"] == "fail"
    assert found["quantum-vulnerable.disallowed"] == "not-applicable"
    assert found["public-key.rsa-dsa-dh-2048"] == "pass"  # the Rev. 2 controls carry on
    before = judge(RULEBOOK, D(2030, 12, 31), rsa_2048, version="ir8547-ipd")
    assert verdicts(before)["quantum-vulnerable.112-bit-deprecated"] == "not-applicable"
    after = judge(RULEBOOK, D(2036, 1, 1), [*product(("RSA", 4096), "ML-KEM", "ML-DSA"),
                                           finding("ECDSA", curve="P-384", line=4)],
                  version="ir8547-ipd")
    assert verdicts(after)["quantum-vulnerable.disallowed"] == "fail"
    assert reasons(after, "quantum-vulnerable.disallowed") == [
        "forbidden algorithm RSA: src/crypto.c:1",
        "forbidden algorithm ECDSA: src/crypto.c:4"]


def test_ir_8547_curve_under_256_bits_deprecated_after_2030() -> None:
    evaluation = judge(RULEBOOK, D(2032, 1, 1), [finding("ECDSA", curve="P-224"),
                                                 finding("Ed25519", curve="edwards25519",
                                                         line=2)],
                       version="ir8547-ipd")
    assert verdicts(evaluation)["quantum-vulnerable.112-bit-deprecated"] == "fail"
    assert reasons(evaluation, "quantum-vulnerable.112-bit-deprecated") == [
        "curve P-224 is under 255 bits: src/crypto.c:1"]
