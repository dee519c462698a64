"""The shipped us-cnsa-2.0 rulebook: the suite, and the per-category migration timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from shipped_factory import finding, judge, product, reasons, resolution, verdicts

from anke.evaluation.result import Overall
from anke.findings.model import Finding
from anke.rulebooks.lifecycle import Standing

RULEBOOK = "us-cnsa-2.0"
D = dt.date
IN_FORCE = D(2024, 6, 1)


def quantum_resistant() -> list[Finding]:
    """A product using only CNSA 2.0 algorithms."""
    return product(("AES", 256), "SHA-384", "ML-KEM", "ML-DSA", "LMS")


def classical() -> list[Finding]:
    """A product using CNSA 1.0 algorithms (allowed during the transition)."""
    return [*product(("AES", 256), "SHA-384", ("RSA", 3072)),
            finding("ECDSA", curve="P-384", line=4)]


@pytest.mark.parametrize(("as_of", "standing"), [
    (D(2022, 9, 6), Standing.NOT_IN_FORCE),
    (D(2022, 9, 7), Standing.IN_FORCE),
    (D(2022, 9, 8), Standing.IN_FORCE),
])
def test_lifecycle_on_boundary_dates(as_of: dt.date, standing: Standing) -> None:
    assert resolution(RULEBOOK, as_of).standing is standing


def test_faq_update_is_named_from_december_2024() -> None:
    assert resolution(RULEBOOK, D(2024, 11, 30)).message.endswith("since 2022-09-07.")
    assert resolution(RULEBOOK, D(2024, 12, 1)).message.endswith("clarified 2024-12-01.")


@pytest.mark.parametrize(("findings", "control", "reason"), [
    (product(("AES", 128)), "symmetric.aes-256", "AES key under 256 bits: src/crypto.c:1"),
    (product("ChaCha20"), "symmetric.aes-256", "ChaCha20 is not among AES: src/crypto.c:1"),
    (product("SHA-256"), "hash.sha-384-512",
     "SHA-256 is not among SHA-384, SHA-512: src/crypto.c:1"),
    (product(("RSA", 2048)), "public-key.cnsa-algorithms", "RSA key under 3072 bits: "
     "src/crypto.c:1"),
    ([finding("ECDSA", curve="P-256")], "public-key.cnsa-algorithms",
     "curve P-256 is not allowed: src/crypto.c:1"),
    ([finding("EC", key_bits=256, curve="P-256")], "public-key.cnsa-algorithms",
     "curve P-256 is not allowed: src/crypto.c:1"),
    (product("Ed25519"), "public-key.cnsa-algorithms",
     "Ed25519 is not among ML-KEM, ML-DSA, LMS, XMSS, RSA, DH, ECDH, ECDSA: src/crypto.c:1"),
])
def test_outside_the_suite_fails(findings: list[Finding], control: str, reason: str) -> None:
    evaluation = judge(RULEBOOK, IN_FORCE, findings, category="networking")
    assert verdicts(evaluation)[control] == "fail"
    assert reasons(evaluation, control) == [reason]
    assert evaluation.overall is Overall.FAIL


def test_networking_exclusive_from_2031() -> None:
    before = judge(RULEBOOK, D(2030, 12, 31), classical(), category="networking")
    found = verdicts(before)
    assert found["quantum-resistant.networking.transition"] == "fail"  # advisory
    assert found["quantum-resistant.networking.exclusive"] == "not-applicable"
    assert found["quantum-resistant.web-cloud.transition"] == "not-applicable"
    assert before.overall is Overall.PASS
    after = judge(RULEBOOK, D(2031, 1, 1), classical(), category="networking")
    assert verdicts(after)["quantum-resistant.networking.exclusive"] == "fail"
    assert reasons(after, "quantum-resistant.networking.exclusive") == [
        "RSA is not among ML-KEM, ML-DSA, LMS, XMSS: "
        "src/crypto.c:3",
        "ECDSA is not among ML-KEM, ML-DSA, LMS, XMSS: "
        "src/crypto.c:4"]
    assert after.overall is Overall.FAIL


@pytest.mark.parametrize(("category", "last_transition_day"), [
    ("software-firmware-signing", D(2030, 12, 31)),
    ("web-cloud", D(2033, 12, 31)),
    ("networking", D(2030, 12, 31)),
    ("operating-systems", D(2033, 12, 31)),
    ("niche", D(2033, 12, 31)),
    ("custom-legacy", D(2033, 12, 31)),
])
def test_each_category_turns_exclusive_the_day_after(category: str,
                                                     last_transition_day: dt.date) -> None:
    last = judge(RULEBOOK, last_transition_day, classical(), category=category)
    first = judge(RULEBOOK, last_transition_day + dt.timedelta(days=1), classical(),
                  category=category)
    assert last.overall is Overall.PASS
    assert first.overall is Overall.FAIL
    assert verdicts(first)[f"quantum-resistant.{category}.exclusive"] == "fail"


def test_without_a_category_the_earliest_exclusive_date_binds() -> None:
    assert judge(RULEBOOK, D(2031, 1, 1), classical()).overall is Overall.FAIL


def test_quantum_resistant_product_passes_after_every_deadline() -> None:
    evaluation = judge(RULEBOOK, D(2034, 1, 1), quantum_resistant())
    assert evaluation.overall is Overall.PASS
    assert set(verdicts(evaluation).values()) == {"pass", "not-applicable"}


def test_elliptic_curve_key_fails_the_exclusive_phase() -> None:
    evaluation = judge(RULEBOOK, D(2034, 1, 1),
                       [*quantum_resistant(), finding("EC", key_bits=384, curve="P-384",
                                                      line=9)],
                       category="operating-systems")
    assert verdicts(evaluation)["public-key.cnsa-algorithms"] == "pass"
    assert verdicts(evaluation)["quantum-resistant.operating-systems.exclusive"] == "fail"
    assert reasons(evaluation, "quantum-resistant.operating-systems.exclusive") == [
        "forbidden algorithm EC: src/crypto.c:9"]
