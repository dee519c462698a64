"""Helpers for the shipped-rulebook tests: findings, scan documents, evidence, evaluation."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from anke.evaluation.evaluate import evaluate
from anke.evaluation.evidence import Evidence, load_evidence
from anke.evaluation.result import Evaluation
from anke.findings.model import (
    CertificateFacts,
    Confidence,
    Finding,
    FindingKind,
    ScanDocument,
    ScanStats,
    ToolInfo,
)
from anke.rulebooks.lifecycle import Resolution, resolve
from anke.rulebooks.loader import shipped_rulebooks


def finding(algorithm: str | None, *, kind: FindingKind = FindingKind.ALGORITHM,
            key_bits: int | None = None, curve: str | None = None, line: int = 1,
            path: str = "src/crypto.c", rule: str = "test.rule",
            certificate: CertificateFacts | None = None) -> Finding:
    """One high-confidence finding in product code, with a stable id."""
    evidence = f"{algorithm or kind.value} {key_bits or ''} {curve or ''}".strip()
    return Finding(
        id=Finding.make_id(rule, path, line, None, evidence, algorithm),
        detector="test", rule=rule, kind=kind, algorithm=algorithm, key_bits=key_bits,
        curve=curve, path=path, line=line, evidence=evidence, confidence=Confidence.HIGH,
        certificate=certificate)


def product(*specs: tuple[str, int | None] | str) -> list[Finding]:
    """Findings for a product: each spec is an algorithm name or (name, key bits)."""
    found: list[Finding] = []
    for line, spec in enumerate(specs, start=1):
        name, bits = (spec, None) if isinstance(spec, str) else spec
        found.append(finding(name, key_bits=bits, line=line))
    return found


def certificate(key: str, bits: int | None, signature: str, digest: str,
                curve: str | None = None) -> Finding:
    """A certificate finding: its key, and what it is signed with."""
    facts = CertificateFacts(
        subject="CN=product", issuer="CN=vendor CA",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
        signature_scheme=signature, signature_hash=digest)
    return finding(key, kind=FindingKind.CERTIFICATE, key_bits=bits, curve=curve,
                   path="etc/product.pem", rule="material.x509-certificate",
                   certificate=facts)


def document(findings: list[Finding]) -> ScanDocument:
    """A scan document holding ``findings``."""
    return ScanDocument(tool=ToolInfo(version="test"), root="product", stats=ScanStats(),
                        findings=findings)


def resolution(rulebook: str, as_of: dt.date, version: str | None = None) -> Resolution:
    """The shipped rulebook's version on a date (or the named one)."""
    return resolve(shipped_rulebooks()[rulebook], as_of, version)


def judge(rulebook: str, as_of: dt.date, findings: list[Finding], *,
          version: str | None = None, evidence: Evidence | None = None,
          category: str | None = None, level: int | None = None) -> Evaluation:
    """Evaluate findings against a shipped rulebook."""
    return evaluate(resolution(rulebook, as_of, version), document(findings), evidence,
                    category=category, level=level)


def verdicts(evaluation: Evaluation) -> dict[str, str]:
    """Each control's verdict, by control id."""
    return {control.id: control.verdict.value for control in evaluation.controls}


def reasons(evaluation: Evaluation, control: str) -> list[str]:
    """One control's reasons."""
    return next(item.reasons for item in evaluation.controls if item.id == control)


def evidence_file(tmp_path: Path, attestations: list[dict[str, str]],
                  triage: list[dict[str, str]] | None = None) -> Evidence:
    """Write documents and an evidence file in ``tmp_path``, then load it.

    Each attestation gives ``id``, ``type`` and ``valid_from``, and optionally ``status``
    (default accepted) and ``tamper`` (write a document that does not match its hash).
    """
    lines = ["attestations:" if attestations else "attestations: []"]
    for item in attestations:
        document_name = f"{item['id']}.pdf"
        content = f"evidence document {item['id']}".encode()
        digest = hashlib.sha256(content).hexdigest()
        (tmp_path / document_name).write_bytes(content + (b" changed" if item.get("tamper")
                                                          else b""))
        lines += [f"  - id: {item['id']}", f"    type: {item['type']}",
                  "    issuer: Inspector", f"    document: {document_name}",
                  f"    sha256: {digest}", f"    valid_from: {item['valid_from']}",
                  f"    status: {item.get('status', 'accepted')}"]
    lines.append("triage:" if triage else "triage: []")
    for decision in triage or []:
        lines += [f"  - finding: {decision['finding']}", f"    status: {decision['status']}",
                  f"    reason: {decision['reason']}"]
    path = tmp_path / "evidence.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_evidence(path)
