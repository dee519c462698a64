"""The API's request and response bodies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from anke.service.db.tenancy import OrgKind, Role
from anke.service.manifest import counts as manifest_counts


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SignIn(_In):
    """E-mail and password."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class Me(_Out):
    """The signed-in user."""

    id: int
    email: str
    name: str
    role: Role
    org_id: int
    csrf_token: str | None = None


class TokenIn(_In):
    """A new API token's name, scopes and lifetime."""

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"])
    days: int | None = Field(default=90, ge=1, le=3650)


class TokenOut(_Out):
    """An API token as listed (never the secret)."""

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewToken(TokenOut):
    """A just-made token: the only time its secret is shown."""

    token: str


class OrganisationIn(_In):
    """A new organisation."""

    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    country: str = Field(default="CN", min_length=2, max_length=2)
    domestic: bool = True


class OrganisationOut(_Out):
    """An organisation."""

    id: int
    name: str
    kind: OrgKind
    country: str
    domestic: bool


class UserIn(_In):
    """A new user of an organisation."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=10, max_length=1024)


class UserOut(_Out):
    """A user (never the password hash)."""

    id: int
    org_id: int
    email: str
    name: str
    role: Role
    active: bool


class ProductIn(_In):
    """A new product of the caller's organisation."""

    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(default="", max_length=5000)


class VersionIn(_In):
    """A new version of a product."""

    version: str = Field(min_length=1, max_length=64)
    released_on: date | None = None


class VersionOut(_Out):
    """A product version."""

    id: int
    product_id: int
    version: str
    released_on: date | None


class ProductOut(_Out):
    """A product with its versions."""

    id: int
    vendor_id: int
    name: str
    category: str
    description: str
    versions: list[VersionOut]


class SubmissionOut(_Out):
    """A submission's facts (never its content)."""

    id: int
    version_id: int
    filename: str
    size: int
    sha256: str
    cipher: str
    manifest: list[dict[str, object]] = Field(exclude=True)  # GET .../manifest lists it
    manifest_listed_at: datetime | None  # when the first inspection listed the members
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def members(self) -> int | None:
        """How many members the manifest lists (None until an inspection listed them)."""
        return manifest_counts(self.manifest)[0] if self.manifest_listed_at else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def skipped(self) -> int | None:
        """How many members were not unpacked (the reasons are in the manifest)."""
        return manifest_counts(self.manifest)[1] if self.manifest_listed_at else None


class InspectionOut(_Out):
    """An inspection and where it stands."""

    id: int
    submission_id: int
    status: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    stats: dict[str, object]
    error: str


class FindingTriage(_Out):
    """The decision on a finding, taken on this or another version of the product;
    ``expired`` when its expiry date has passed (it no longer counts then)."""

    status: str
    reason: str
    expires_on: date | None
    decided_by: int
    decided_at: datetime
    expired: bool = False


class FindingOut(_Out):
    """A stored finding: the Finding contract's fields in ``data``, and its triage."""

    id: int
    fingerprint: str
    data: dict[str, object]
    triage: FindingTriage | None = None


class AuditVerification(_Out):
    """The result of verifying the audit log."""

    ok: bool
    entries: int
    head: str
    problem: str | None
