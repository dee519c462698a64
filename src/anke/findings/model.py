"""The Finding contract and the scan result document (``anke scan --format json``)."""

from __future__ import annotations

import datetime
import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class FindingKind(StrEnum):
    """What a finding is about."""

    ALGORITHM = "algorithm"
    CERTIFICATE = "certificate"
    KEY = "key"
    LIBRARY = "library"
    PROTOCOL = "protocol"
    SECRET = "secret"
    ACCESS = "access"


class Context(StrEnum):
    """Where a finding sits when that is not shipped product code."""

    TEST = "test"  # a test, test fixture or test data
    DOCS = "docs"  # documentation
    EXAMPLE = "example"  # examples, samples, demos


class Confidence(StrEnum):
    """How sure the detector is; ``low`` marks crypto-looking names it could not resolve."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_CONFIDENCE_RANK = {Confidence.HIGH: 3, Confidence.MEDIUM: 2, Confidence.LOW: 1}


def confidence_rank(value: Confidence) -> int:
    """Order confidences: high > medium > low."""
    return _CONFIDENCE_RANK[value]


class CertificateFacts(BaseModel):
    """What a certificate finding knows besides its key (CycloneDX certificate properties)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    signature_scheme: str | None = None  # catalog name of the signature algorithm (RSA, ECDSA)
    signature_hash: str | None = None  # catalog name of its hash (SHA-256)
    self_signed: bool = False


class Finding(BaseModel):
    """One thing a detector found at one place."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    detector: str
    rule: str
    kind: FindingKind
    algorithm: str | None = None
    primitive: str | None = None
    mode: str | None = None
    padding: str | None = None
    key_bits: int | None = None
    curve: str | None = None
    path: str
    line: int | None = None
    column: int | None = None
    offset: int | None = None
    evidence: str
    confidence: Confidence
    library: str | None = None  # kind library: the catalog's library name
    version: str | None = None  # kind library: the declared version or range
    purl: str | None = None  # kind library: the package URL, which names its origin
    context: Context | None = None  # set when the finding sits in tests, docs or examples
    certificate: CertificateFacts | None = None  # kind certificate: names, validity, signature

    @staticmethod
    def make_id(rule: str, path: str, line: int | None, column: int | None, evidence: str,
                algorithm: str | None) -> str:
        """A stable id: the hash of rule, location and evidence (and the algorithm named)."""
        text = "\x1f".join((rule, path, str(line), str(column), evidence, algorithm or ""))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Findings are listed by path, position, rule and algorithm."""
        return (self.path, self.line or 0, self.column or self.offset or 0, self.rule,
                self.algorithm or "")


class Skipped(BaseModel):
    """A member that was not inspected, or inspected only in part, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    reason: str


class ScanStats(BaseModel):
    """Totals of one scan."""

    model_config = ConfigDict(extra="forbid")

    files: int = 0  # files read from disk
    bytes: int = 0  # their bytes, as stored
    members: int = 0  # members unpacked from archives and inspected
    parsed: int = 0  # source files that went through the parsing stage
    seconds: float = 0.0
    skipped: list[Skipped] = Field(default_factory=list)


class ToolInfo(BaseModel):
    """Which anke, and which rules and catalog, produced a document."""

    model_config = ConfigDict(extra="forbid")

    name: str = "anke"
    version: str
    rules_digest: str | None = None


class ScanDocument(BaseModel):
    """The result of ``anke scan``: it loads back from its own JSON."""

    model_config = ConfigDict(extra="forbid")

    tool: ToolInfo
    root: str
    stats: ScanStats
    findings: list[Finding]
