"""Findings and scan documents built by hand for evaluation tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from anke.catalog import load_catalog
from anke.findings.model import (
    CertificateFacts,
    Finding,
    FindingKind,
    ScanDocument,
    ScanStats,
    ToolInfo,
)


def finding(algorithm: str | None, *, path: str = "src/app.c", line: int = 1,
            kind: FindingKind = FindingKind.ALGORITHM, **fields: Any) -> Finding:
    """One finding of ``algorithm`` (catalog primitive filled in)."""
    entry = load_catalog().algorithm(algorithm) if algorithm else None
    rule = fields.pop("rule", "test.rule")
    evidence = fields.pop("evidence", f"{algorithm} at {path}:{line}")
    fields.setdefault("confidence", "high")
    return Finding(id=Finding.make_id(rule, path, line, None, evidence, algorithm),
                   detector="test", rule=rule, kind=kind, algorithm=algorithm,
                   primitive=entry.primitive.value if entry else None, path=path, line=line,
                   evidence=evidence, **fields)


def certificate(not_after: dt.date, signature_hash: str = "SHA-256", bits: int = 2048,
                path: str = "conf/server.pem") -> Finding:
    """A certificate finding with an RSA key."""
    facts = CertificateFacts(
        subject="CN=server", issuer="CN=ca", not_before=dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime.combine(not_after, dt.time(), dt.UTC), signature_scheme="RSA",
        signature_hash=signature_hash)
    return finding("RSA", path=path, kind=FindingKind.CERTIFICATE, key_bits=bits,
                   certificate=facts, rule="material.x509-certificate")


def document(*findings: Finding) -> ScanDocument:
    """A scan document holding ``findings``."""
    return ScanDocument(tool=ToolInfo(version="test"), root="product", stats=ScanStats(),
                        findings=list(findings))
