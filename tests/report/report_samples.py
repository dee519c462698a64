"""Scan documents and evaluations built by hand for the report tests."""

from __future__ import annotations

import datetime as dt

from anke.evaluation.result import (
    ControlVerdict,
    Evaluation,
    Overall,
    RulebookRef,
    Verdict,
)
from anke.findings.model import (
    CertificateFacts,
    Confidence,
    Context,
    Finding,
    FindingKind,
    ScanDocument,
    ScanStats,
    ToolInfo,
)

NOW = dt.datetime(2015, 4, 13, 9, 30, tzinfo=dt.UTC)
INJECTION = '<script>alert("owned")</script>'


def finding(rule: str, kind: FindingKind, path: str, evidence: str, *,
            line: int | None = None, column: int | None = None, offset: int | None = None,
            confidence: Confidence = Confidence.HIGH, detector: str = "source-api",
            **facts: object) -> Finding:
    """A finding with a real stable id."""
    algorithm = facts.get("algorithm")
    return Finding(
        id=Finding.make_id(rule, path, line, column, evidence,
                           algorithm if isinstance(algorithm, str) else None),
        detector=detector, rule=rule, kind=kind, path=path, line=line, column=column,
        offset=offset, evidence=evidence, confidence=confidence, **facts)  # type: ignore[arg-type]


CERT_FACTS = CertificateFacts(
    subject="CN=Vendor Root", issuer="CN=Vendor Root",
    not_before=dt.datetime(2014, 1, 1, tzinfo=dt.UTC),
    not_after=dt.datetime(2016, 1, 1, tzinfo=dt.UTC),
    signature_scheme="RSA", signature_hash="SHA-256", self_signed=True)

AES_GCM = finding("java.jca.cipher-getinstance", FindingKind.ALGORITHM,
                  "src/com/acme/Crypto.java", 'Cipher.getInstance("AES/GCM/NoPadding")',
                  line=42, column=9, algorithm="AES", primitive="block-cipher", mode="GCM",
                  padding="NoPadding", key_bits=256)
AES_GCM_AGAIN = finding("java.jca.cipher-getinstance", FindingKind.ALGORITHM,
                        "app.war!/WEB-INF/classes/com/acme/Crypto.class",
                        'Cipher.getInstance("AES/GCM/NoPadding")', line=17,
                        detector="bytecode", algorithm="AES", primitive="block-cipher",
                        mode="GCM", padding="NoPadding", key_bits=256)
SM4 = finding("java.jca.cipher-getinstance", FindingKind.ALGORITHM, "src/com/acme/Gm.java",
              'Cipher.getInstance("SM4/CBC/PKCS5Padding")', line=7, column=5, algorithm="SM4",
              primitive="block-cipher", mode="CBC", padding="PKCS5", key_bits=128)
SM3_LIB = finding("symbols.import", FindingKind.ALGORITHM, "lib/libgmssl.so",
                  "SM3 compression constants", offset=4096, detector="constants",
                  algorithm="SM3", primitive="hash")
MD5_TEST = finding("python.hashlib.new", FindingKind.ALGORITHM, "tests/test_legacy.py",
                   'hashlib.md5(b"x")', line=3, column=1, algorithm="MD5", primitive="hash",
                   context=Context.TEST)
UNKNOWN = finding("java.jca.cipher-getinstance", FindingKind.ALGORITHM,
                  "src/com/acme/Odd.java", 'Cipher.getInstance("FROBNICATE")', line=5,
                  column=3, confidence=Confidence.LOW, algorithm="FROBNICATE")
CERT = finding("material.x509-certificate", FindingKind.CERTIFICATE, "certs/root.pem",
               "X.509 certificate subject=CN=Vendor Root, self-signed", line=1,
               detector="material", algorithm="RSA", primitive="pke", key_bits=2048,
               certificate=CERT_FACTS)
CERT_SIG = finding("material.certificate-signature", FindingKind.ALGORITHM, "certs/root.pem",
                   "certificate signature sha256WithRSAEncryption (subject CN=Vendor Root)",
                   line=1, detector="material", algorithm="RSA", primitive="pke",
                   padding="PKCS1v15")
PUBLIC_KEY = finding("material.public-key", FindingKind.KEY, "keys/ec.pub",
                     "ECDSA P-256 public key", line=1, detector="material",
                     algorithm="ECDSA", primitive="signature", curve="P-256")
PRIVATE_KEY = finding("material.private-key", FindingKind.SECRET, "keys/server.key",
                      "RSA 2048 private key (PKCS#8, not encrypted)", line=1,
                      detector="material", algorithm="RSA", primitive="pke", key_bits=2048)
LIBRARY = finding("manifests.dependency", FindingKind.LIBRARY, "lib/libgmssl.so",
                  "GmSSL 3.1.1", offset=0, detector="manifests", library="GmSSL",
                  version="3.1.1", purl="pkg:generic/gmssl@3.1.1")
BC = finding("manifests.dependency", FindingKind.LIBRARY, "pom.xml",
             "org.bouncycastle:bcprov-jdk18on:1.78", line=12, detector="manifests",
             library="Bouncy Castle", version="1.78",
             purl="pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78")
TOKEN = finding("access.hardcoded-password", FindingKind.SECRET, "conf/app.properties",
                INJECTION, line=4, column=10, detector="access")

FINDINGS = [AES_GCM, AES_GCM_AGAIN, SM4, SM3_LIB, MD5_TEST, UNKNOWN, CERT, CERT_SIG,
            PUBLIC_KEY, PRIVATE_KEY, LIBRARY, BC, TOKEN]


def document(findings: list[Finding] | None = None) -> ScanDocument:
    """A scan document of the sample findings."""
    items = FINDINGS if findings is None else findings
    return ScanDocument(tool=ToolInfo(version="0.1.0", rules_digest="r1-c1"),
                        root="vendor-app-2.3", stats=ScanStats(files=9, bytes=1000),
                        findings=sorted(items, key=Finding.sort_key))


def evaluation(overall: Overall = Overall.FAIL) -> Evaluation:
    """An evaluation with one failing mandatory, one failing advisory, one needs-evidence,
    one passing and one not-applicable control."""
    controls = [
        ControlVerdict(id="crypto.national-algorithms", title="Use state-approved cryptography",
                       verdict=Verdict.FAIL, severity="mandatory",
                       citation="Guide No. 317, art. 5",
                       reasons=["AES is not a national algorithm"],
                       findings=[AES_GCM.id, AES_GCM_AGAIN.id], review=[UNKNOWN.id]),
        ControlVerdict(id="crypto.no-md5", title="No MD5", verdict=Verdict.FAIL,
                       severity="advisory", citation="Guide No. 317, annex",
                       reasons=["MD5 in tests"], findings=[MD5_TEST.id]),
        ControlVerdict(id="supply.source-filing", title="Source code filed",
                       verdict=Verdict.NEEDS_EVIDENCE, severity="mandatory",
                       citation="Guide No. 317, art. 9",
                       reasons=["no accepted source-filing-receipt"]),
        ControlVerdict(id="crypto.sm-used", title="An SM algorithm is used", verdict=Verdict.PASS,
                       severity="mandatory", citation="Guide No. 317, art. 5",
                       reasons=["SM4 used"], findings=[SM4.id]),
        ControlVerdict(id="ip.certificate", title="IP certificate", verdict=Verdict.NOT_APPLICABLE,
                       severity="mandatory", citation="Clarification of February 2015",
                       reasons=["applies to pre-installed software"]),
    ]
    named = {i for c in controls for i in (*c.findings, *c.review)}
    return Evaluation(
        tool=ToolInfo(version="0.1.0"), root="vendor-app-2.3",
        rulebook=RulebookRef(id="cn-cbrc-317", title="CBRC Guide No. 317", version="2014-12",
                             version_title="Guide of December 2014"),
        as_of=dt.date(2015, 3, 1), chosen_by="as-of date", standing="in-force",
        message="version 2014-12 in force since 2014-12-26", overall=overall,
        controls=controls, findings=[f for f in FINDINGS if f.id in named])
