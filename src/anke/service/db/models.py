"""Every table of the service, imported in one place so the metadata knows them all."""

from __future__ import annotations

from anke.service.audit.model import AuditEntry, AuditHead
from anke.service.db.base import Base
from anke.service.db.evaluations import Evaluation, Listing, SigningKey
from anke.service.db.inspections import (
    FindingRecord,
    Inspection,
    InspectionStatus,
    Job,
    JobState,
    Triage,
    TriageStatus,
)
from anke.service.db.keys import DataKey
from anke.service.db.portfolio import Asset
from anke.service.db.products import (
    Attestation,
    AttestationStatus,
    Product,
    ProductVersion,
    Submission,
)
from anke.service.db.result_cache import ResultEntry
from anke.service.db.tenancy import ApiToken, Organisation, OrgKind, Role, User, WebSession

__all__ = [
    "ApiToken", "Asset", "Attestation", "AttestationStatus", "AuditEntry", "AuditHead", "Base",
    "DataKey", "Evaluation", "FindingRecord", "Inspection", "InspectionStatus", "Job",
    "JobState", "Listing", "OrgKind", "Organisation", "Product", "ProductVersion",
    "ResultEntry", "Role",
    "SigningKey", "Submission", "Triage", "TriageStatus", "User", "WebSession",
]
