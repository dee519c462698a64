"""The rulebook format: identity, versions with lifecycle events, controls, checks, targets.

A rulebook is data (``rulebooks/data/*.yaml``), validated by these models when loaded; the
published JSON Schema (``rulebooks/schema/rulebook.schema.json``) is generated from them.
Checks speak only in catalog names (algorithms, families, curves, modes, origins) and finding
kinds, so a rulebook judges the findings of any detector.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from anke.catalog.model import Primitive
from anke.findings.model import Confidence, Context, FindingKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """A public document a rulebook's facts come from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None


class Citation(_Strict):
    """Where a fact or a control comes from: a source and, optionally, where in it."""

    source: str = Field(description="id of one of the rulebook's sources")
    locator: str | None = Field(default=None, description="section, page or paragraph")


class EventType(StrEnum):
    """Lifecycle events of a rulebook version."""

    DRAFT = "draft"
    CONSULTATION_OPENED = "consultation-opened"
    CONSULTATION_CLOSED = "consultation-closed"
    ISSUED = "issued"
    EFFECTIVE = "effective"
    CLARIFIED = "clarified"
    SUSPENDED = "suspended"
    REVISED = "revised"
    REISSUED = "reissued"
    WITHDRAWN = "withdrawn"


class Event(_Strict):
    """One dated lifecycle event of a version."""

    type: EventType
    date: dt.date
    note: str | None = None
    citation: Citation | None = None
    unverified: bool = Field(default=False, description="the date or fact is not confirmed")


class Selector(_Strict):
    """Which algorithms a check is about: by catalog name, family or national origin.

    An algorithm matches when its name, family or origin is listed (any of them); when
    ``primitives`` is given it must also be one of those. A selector with only primitives
    matches every algorithm of those primitives.
    """

    names: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    origins: tuple[str, ...] = Field(default=(), description="ISO 3166 alpha-2 codes, or INT")
    primitives: tuple[Primitive, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not (self.names or self.families or self.origins or self.primitives):
            raise ValueError("a selector names at least one name, family, origin or primitive")
        return self


class _Check(_Strict):
    """What every automatic check shares: which findings it weighs."""

    min_confidence: Confidence = Field(
        default=Confidence.MEDIUM,
        description="findings below this confidence are listed for review, never failed on")
    contexts: tuple[Context, ...] = Field(
        default=(), description="finding contexts also weighed besides product code "
        "(test, docs, example); by default those findings are listed but not weighed")


class AlgorithmsCheck(_Check):
    """Algorithms allowed, forbidden or required among those in ``scope``."""

    type: Literal["algorithms"]
    scope: Selector | None = Field(default=None, description="the algorithms weighed; all "
                                   "when absent")
    allowed: Selector | None = None
    forbidden: Selector | None = None
    required: Selector | None = Field(default=None, description="at least one finding must "
                                      "match (e.g. an SM algorithm for confidentiality)")
    required_only_if_used: bool = Field(
        default=False, description="``required`` binds only when something in scope is used "
        "(a product with no public-key cryptography need not support a new one)")

    @model_validator(mode="after")
    def _something(self) -> AlgorithmsCheck:
        if self.allowed is None and self.forbidden is None and self.required is None:
            raise ValueError("an algorithms check needs allowed, forbidden or required")
        return self


class KeySizesCheck(_Check):
    """A minimum (and optionally maximum) key size for the algorithms in ``scope``."""

    type: Literal["key-sizes"]
    scope: Selector
    min_bits: int = Field(gt=0)
    max_bits: int | None = Field(default=None, gt=0)


class CurvesCheck(_Check):
    """Only these named curves (catalog curve names), or curves of at least ``min_bits``."""

    type: Literal["curves"]
    scope: Selector | None = None
    allowed: tuple[str, ...] = ()
    min_bits: int | None = Field(default=None, gt=0, description="the curve's size in bits, "
                                 "as the catalog gives it")

    @model_validator(mode="after")
    def _something(self) -> CurvesCheck:
        if not self.allowed and self.min_bits is None:
            raise ValueError("a curves check needs allowed or min_bits")
        return self


class PaddingsCheck(_Check):
    """Forbidden paddings (catalog padding names, e.g. PKCS1v15 for RSA key transport)."""

    type: Literal["paddings"]
    scope: Selector | None = None
    forbidden: tuple[str, ...] = Field(min_length=1)


class ModesCheck(_Check):
    """Forbidden modes of operation (catalog mode names, e.g. ECB)."""

    type: Literal["modes"]
    scope: Selector | None = None
    forbidden: tuple[str, ...] = Field(min_length=1)


class FindingKindsCheck(_Check):
    """Finding kinds that must not occur (``secret``, ``access``) unless triaged."""

    type: Literal["finding-kinds"]
    forbidden: tuple[FindingKind, ...] = Field(min_length=1)
    unless_triaged: bool = Field(
        default=True, description="a finding triaged as accepted (unexpired) or false "
        "positive does not fail the check")


class CertificatesCheck(_Check):
    """Certificates must be unexpired and not signed or keyed with weak algorithms."""

    type: Literal["certificates"]
    expired: bool = Field(default=True, description="an expired certificate fails")
    forbidden_signatures: Selector | None = Field(
        default=None, description="hash or signature algorithms a certificate must not be "
        "signed with (e.g. SHA-1, MD5)")
    min_rsa_bits: int | None = Field(default=None, gt=0)


class AttestedEvidence(_Strict):
    """One type of evidence document that satisfies an attested check."""

    type: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str | None = None
    accepted_from: dt.date | None = Field(default=None, description="accepted for the check "
                                          "only from this date (e.g. after a clarification)")
    citation: Citation | None = None


class AttestedCheck(_Strict):
    """A check an inventory cannot make: accepted, unexpired evidence of a listed type."""

    type: Literal["attested"]
    evidence: tuple[AttestedEvidence, ...] = Field(min_length=1)


AutomaticCheck = Annotated[
    AlgorithmsCheck | KeySizesCheck | CurvesCheck | ModesCheck | PaddingsCheck
    | FindingKindsCheck | CertificatesCheck,
    Field(discriminator="type"),
]
Check = Annotated[
    AlgorithmsCheck | KeySizesCheck | CurvesCheck | ModesCheck | PaddingsCheck
    | FindingKindsCheck | CertificatesCheck | AttestedCheck,
    Field(discriminator="type"),
]


class Severity(StrEnum):
    """Whether a failing control fails the whole evaluation."""

    MANDATORY = "mandatory"
    ADVISORY = "advisory"  # deprecated-but-allowed, recommended: reported, never failing


class Period(_Strict):
    """The dates a control applies between (both inclusive), and why it does not outside."""

    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="until")
    note: str | None = Field(default=None, description="why the control does not apply "
                             "outside the period (e.g. 'filing rules pending')")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Control(_Strict):
    """One requirement of a rulebook version."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    text: str = Field(description="the requirement, in the rulebook's words or a summary")
    citation: Citation
    categories: tuple[str, ...] = Field(default=(), description="asset categories it applies "
                                        "to; all when empty")
    levels: tuple[int, ...] = Field(default=(), description="protection levels it applies "
                                    "to (GB/T 39786 grades 1-4); all when empty")
    applies: Period | None = None
    severity: Severity = Severity.MANDATORY
    checks: tuple[Check, ...] = Field(min_length=1, description="all must pass")
    note: str | None = Field(default=None, description="caveats, e.g. UNVERIFIED facts")


class Exclusion(_Strict):
    """A reported criterion the rulebook deliberately does not model, and why."""

    criterion: str
    reason: str
    citation: Citation | None = None


class Basis(StrEnum):
    """What a target's share counts."""

    COUNT = "count"
    SPEND = "spend"


class Target(_Strict):
    """A share of a bank's IT that must pass, by a year."""

    year: int = Field(ge=1990, le=2100)
    share: float | None = Field(default=None, ge=0, le=1, description="None when unknown")
    basis: Basis = Basis.COUNT
    categories: tuple[str, ...] = Field(default=(), description="all categories when empty")
    scope: Literal["new-purchases", "installed-base"] = "installed-base"
    unverified: bool = False
    note: str | None = None
    citation: Citation | None = None


class Version(_Strict):
    """One version of a rulebook: its events, controls, exclusions and targets.

    A version may be written as changes to an earlier one (``based_on``): it inherits that
    version's controls, drops those in ``drop``, and adds or replaces those it lists.
    """

    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str
    hypothetical: bool = Field(default=False, description="not a real text: a what-if")
    based_on: str | None = None
    drop: tuple[str, ...] = ()
    events: tuple[Event, ...] = Field(min_length=1)
    controls: tuple[Control, ...] = ()
    excluded: tuple[Exclusion, ...] | None = Field(default=None,
                                                   description="inherited when absent")
    targets: tuple[Target, ...] | None = Field(default=None, description="inherited when absent")
    note: str | None = None


class Category(_Strict):
    """An asset category a rulebook distinguishes (operating system, database, ...)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str


class Rulebook(_Strict):
    """A rulebook: identity, sources, categories and versions."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    issuer: str
    jurisdiction: str = Field(description="ISO 3166 alpha-2 code, or INT")
    summary: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    categories: tuple[Category, ...] = ()
    levels: tuple[int, ...] = Field(default=(), description="protection levels, when graded")
    versions: tuple[Version, ...] = Field(min_length=1)
