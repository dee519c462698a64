"""The evidence file: attestations for attested controls, and triage of findings.

An attestation is a document (a filing receipt, an IP certificate, a model certificate)
that an inspector accepted or rejected. It satisfies an attested control only when it is
accepted, valid on the evaluation date, and the document on disk still has the SHA-256 the
file records. Triage marks findings as confirmed, false positive, or accepted with a reason
and an expiry; accepted and false-positive findings do not fail a check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from anke.datafile import load_yaml_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Decision(StrEnum):
    """An inspector's decision on an attestation."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDING = "pending"


class Attestation(_Strict):
    """One evidence document."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    type: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="e.g. source-code-filing")
    issuer: str
    document: str = Field(description="path of the document, relative to the evidence file")
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    valid_from: dt.date
    valid_until: dt.date | None = None
    status: Decision = Decision.PENDING
    controls: tuple[str, ...] = Field(default=(), description="the controls it is for; "
                                      "any control accepting its type when empty")
    note: str | None = None


class TriageStatus(StrEnum):
    """What an inspector decided about a finding."""

    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false-positive"
    ACCEPTED = "accepted"  # a real finding whose risk is accepted, with a reason and expiry


class Triage(_Strict):
    """An inspector's decision about one finding (by its stable id)."""

    finding: str = Field(pattern=r"^[0-9a-f]{8,64}$")
    status: TriageStatus
    reason: str = Field(min_length=1)
    expires: dt.date | None = None


class EvidenceFile(_Strict):
    """The layout of an evidence file (``--evidence FILE``)."""

    attestations: tuple[Attestation, ...] = ()
    triage: tuple[Triage, ...] = ()


@dataclass(frozen=True)
class AttestationState:
    """An attestation as checked on a date: usable or not, and why not."""

    attestation: Attestation
    problems: tuple[str, ...]

    @property
    def usable(self) -> bool:
        """Accepted, in its validity period, and the document matches its hash."""
        return not self.problems


def _digest(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


@dataclass
class Evidence:
    """A loaded evidence file, checked against its documents."""

    attestations: list[Attestation] = field(default_factory=list)
    triage: dict[str, Triage] = field(default_factory=dict)
    digests: dict[str, str | None] = field(default_factory=dict)  # document -> actual SHA-256

    @classmethod
    def held(cls, attestations: list[Attestation], triage: list[Triage]) -> Evidence:
        """Evidence whose documents a store keeps and checks itself (the service's vault
        verifies each blob's SHA-256 when it opens it), so each recorded digest stands as
        the document's actual one; no files are read."""
        return cls(list(attestations), {item.finding: item for item in triage},
                   {item.document: item.sha256.lower() for item in attestations})

    def state(self, attestation: Attestation, as_of: dt.date) -> AttestationState:
        """Whether the attestation can stand as evidence on ``as_of``, and why not."""
        problems: list[str] = []
        if attestation.status is not Decision.ACCEPTED:
            problems.append(f"{attestation.status.value}, not accepted")
        if as_of < attestation.valid_from:
            problems.append(f"not valid before {attestation.valid_from}")
        if attestation.valid_until is not None and as_of > attestation.valid_until:
            problems.append(f"expired {attestation.valid_until}")
        actual = self.digests.get(attestation.document)
        if actual is None:
            problems.append(f"document {attestation.document} is missing or unreadable")
        elif actual != attestation.sha256.lower():
            problems.append(f"document {attestation.document} does not match its SHA-256")
        return AttestationState(attestation, tuple(problems))

    def exempt(self, finding_id: str, as_of: dt.date) -> Triage | None:
        """The triage that takes a finding out of the checks on ``as_of``, if any."""
        decision = self.triage.get(finding_id)
        if decision is None or decision.status is TriageStatus.CONFIRMED:
            return None
        if decision.expires is not None and as_of > decision.expires:
            return None
        return decision


def load_evidence(path: Path) -> Evidence:
    """Read and validate an evidence file, hashing each document it names."""
    data = load_yaml_model(path, EvidenceFile)
    evidence = Evidence(list(data.attestations), {item.finding: item for item in data.triage})
    base = path.parent
    for attestation in data.attestations:
        if attestation.document not in evidence.digests:
            evidence.digests[attestation.document] = _digest(base / attestation.document)
    return evidence
