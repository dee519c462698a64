"""The CycloneDX 1.6 CBOM, checked against the official 1.6 schema shipped with cyclonedx."""

from __future__ import annotations

import io
import json
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from report_samples import AES_GCM, AES_GCM_AGAIN, CERT, NOW, SM3_LIB, document

from anke.catalog import load_catalog
from anke.report.cbom import ROOT_REF, cbom_json, render_cbom, write_cbom


def _valid(text: str) -> None:
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    assert errors is None, [str(e)[:300] for e in errors]


def _components(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in data["components"]}


def test_cbom_is_valid_cyclonedx_1_6() -> None:
    text = render_cbom(document(), timestamp=NOW)
    _valid(text)
    data = json.loads(text)
    assert (data["bomFormat"], data["specVersion"]) == ("CycloneDX", "1.6")
    assert data["metadata"]["component"] == {"bom-ref": ROOT_REF, "name": "vendor-app-2.3",
                                             "type": "application"}
    assert data["metadata"]["tools"]["components"][0]["version"] == "0.1.0"


def test_empty_scan_is_valid() -> None:
    _valid(render_cbom(document([]), timestamp=NOW))


def test_algorithm_asset_properties_and_occurrences() -> None:
    aes = _components(cbom_json(document(), timestamp=NOW))["AES-256-GCM"]
    assert aes["type"] == "cryptographic-asset"
    assert aes["bom-ref"].startswith("crypto/algorithm/AES-256-GCM@")
    assert aes["cryptoProperties"] == {
        "assetType": "algorithm",
        "algorithmProperties": {"primitive": "block-cipher", "parameterSetIdentifier": "256",
                                "mode": "gcm", "padding": "raw",
                                "classicalSecurityLevel": 128, "nistQuantumSecurityLevel": 0},
    }  # no OID: the catalog's AES OIDs each name one key size and mode
    assert aes["evidence"]["occurrences"] == [
        {"location": AES_GCM_AGAIN.path, "line": 17,
         "additionalContext": AES_GCM_AGAIN.evidence},
        {"location": AES_GCM.path, "line": 42, "additionalContext": AES_GCM.evidence},
    ]
    assert {"name": "anke:origin", "value": "BE"} in aes["properties"]


def test_binary_occurrence_has_an_offset() -> None:
    sm3 = _components(cbom_json(document(), timestamp=NOW))["SM3"]
    assert sm3["evidence"]["occurrences"] == [
        {"location": SM3_LIB.path, "offset": 4096, "additionalContext": SM3_LIB.evidence}]
    assert sm3["cryptoProperties"]["oid"] == "1.2.156.10197.1.401"


def test_certificate_key_and_signature() -> None:
    data = cbom_json(document(), timestamp=NOW)
    parts = _components(data)
    cert = parts["certificate CN=Vendor Root"]
    properties = cert["cryptoProperties"]["certificateProperties"]
    assert cert["cryptoProperties"]["assetType"] == "certificate"
    assert properties["subjectName"] == properties["issuerName"] == "CN=Vendor Root"
    assert properties["notValidBefore"].startswith("2014-01-01T00:00:00")
    assert properties["notValidAfter"].startswith("2016-01-01T00:00:00")
    assert properties["certificateFormat"] == "X.509"
    assert properties["signatureAlgorithmRef"] == parts["RSA-PKCS1v15"]["bom-ref"]
    public = parts["RSA-2048 public key of certificate CN=Vendor Root"]
    assert properties["subjectPublicKeyRef"] == public["bom-ref"]
    assert public["cryptoProperties"]["relatedCryptoMaterialProperties"] == {
        "type": "public-key", "algorithmRef": parts["RSA-2048"]["bom-ref"], "size": 2048}
    assert cert["evidence"]["occurrences"][0]["location"] == CERT.path
    assert parts["RSA-PKCS1v15"]["cryptoProperties"]["algorithmProperties"]["padding"] \
        == "pkcs1v15"


def test_keys_are_related_material_with_their_size() -> None:
    parts = _components(cbom_json(document(), timestamp=NOW))
    private = parts["RSA-2048 private key"]["cryptoProperties"]
    assert private["assetType"] == "related-crypto-material"
    assert private["relatedCryptoMaterialProperties"] == {
        "type": "private-key", "algorithmRef": parts["RSA-2048"]["bom-ref"], "size": 2048}
    public = parts["ECDSA P-256 public key"]["cryptoProperties"]
    assert public["relatedCryptoMaterialProperties"] == {
        "type": "public-key", "algorithmRef": parts["ECDSA P-256"]["bom-ref"]}
    assert parts["ECDSA P-256"]["cryptoProperties"]["algorithmProperties"]["curve"] == "P-256"


def test_libraries_and_dependencies() -> None:
    data = cbom_json(document(), timestamp=NOW)
    parts = _components(data)
    gmssl, bc = parts["GmSSL"], parts["Bouncy Castle"]
    assert (gmssl["type"], gmssl["version"], gmssl["purl"]) == (
        "library", "3.1.1", "pkg:generic/gmssl@3.1.1")
    assert bc["purl"] == "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78"
    assert {"name": "anke:characteristic-algorithms", "value": "SM2,SM3,SM4,SM9,ZUC"} \
        in gmssl["properties"]
    graph = {d["ref"]: d for d in data["dependencies"]}
    assert graph[gmssl["bom-ref"]] == {"ref": gmssl["bom-ref"],
                                       "provides": [parts["SM3"]["bom-ref"]]}
    assert graph[bc["bom-ref"]] == {"ref": bc["bom-ref"]}
    assert sorted(graph[ROOT_REF]["dependsOn"]) == sorted(c["bom-ref"]
                                                          for c in data["components"])
    cert = parts["certificate CN=Vendor Root"]["bom-ref"]
    assert sorted(graph[cert]["dependsOn"]) == sorted(
        [parts["RSA-PKCS1v15"]["bom-ref"],
         parts["RSA-2048 public key of certificate CN=Vendor Root"]["bom-ref"]])


def test_unknown_algorithm_is_kept_honestly() -> None:
    odd = _components(cbom_json(document(), timestamp=NOW))["FROBNICATE"]
    assert odd["cryptoProperties"] == {"assetType": "algorithm",
                                       "algorithmProperties": {"primitive": "unknown"}}
    assert {"name": "anke:confidence", "value": "low"} in odd["properties"]


def test_output_is_reproducible() -> None:
    out = io.StringIO()
    write_cbom(document(), out, timestamp=NOW)
    assert out.getvalue() == render_cbom(document(), timestamp=NOW)
    assert json.loads(out.getvalue())["serialNumber"].startswith("urn:uuid:")


def test_an_oid_is_given_only_when_it_names_the_algorithm_alone() -> None:
    catalog = load_catalog()
    components = _components(cbom_json(document(), timestamp=NOW))
    checked = 0
    for component in components.values():
        props = component.get("cryptoProperties", {})
        if props.get("assetType") != "algorithm":
            continue
        entry = catalog.algorithm(component["name"].split("-")[0].split(" ")[0])
        if entry is None:
            continue
        checked += 1
        expected = entry.oids[0] if len(entry.oids) == 1 else None
        assert props.get("oid") == expected, component["name"]
    assert checked >= 3
