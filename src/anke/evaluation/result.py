"""The result of evaluating findings against a rulebook version as of a date.

``anke check --format json`` writes an :class:`Evaluation`; it loads back from its own JSON,
and the SARIF and HTML reports are made from it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from anke.findings.model import Finding, ScanStats, ToolInfo


class Verdict(StrEnum):
    """A control's verdict."""

    PASS = "pass"
    FAIL = "fail"
    NEEDS_EVIDENCE = "needs-evidence"
    NOT_APPLICABLE = "not-applicable"


class Overall(StrEnum):
    """The verdict of a whole evaluation; the last three say the rulebook does not bind."""

    PASS = "pass"
    FAIL = "fail"
    NEEDS_EVIDENCE = "needs-evidence"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    NOT_IN_FORCE = "not-in-force"


# Exit codes of ``anke check`` (documented in the README); 2 is a usage or input error.
EXIT_CODES = {
    Overall.PASS: 0,
    Overall.FAIL: 1,
    Overall.NEEDS_EVIDENCE: 3,
    Overall.SUSPENDED: 4,
    Overall.WITHDRAWN: 4,
    Overall.NOT_IN_FORCE: 4,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ControlVerdict(_Model):
    """One control's verdict and what it rests on."""

    id: str
    title: str
    verdict: Verdict
    severity: str
    citation: str
    reasons: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list, description="ids of the findings that "
                                "failed it (or, for a pass, that it weighed)")
    review: list[str] = Field(default_factory=list, description="ids of findings listed for "
                              "review but not weighed (low confidence, tests, docs, triaged)")
    evidence: list[str] = Field(default_factory=list, description="ids of the attestations "
                                "it rests on")
    note: str | None = None


class Exclusion(_Model):
    """A criterion the rulebook does not model."""

    criterion: str
    reason: str


class RulebookRef(_Model):
    """Which rulebook and version judged."""

    id: str
    title: str
    version: str | None
    version_title: str | None
    hypothetical: bool = False


class Evaluation(_Model):
    """Findings judged against one rulebook version on one date."""

    tool: ToolInfo
    root: str
    rulebook: RulebookRef
    as_of: dt.date
    chosen_by: str
    standing: str
    message: str
    category: str | None = None
    level: int | None = None
    overall: Overall
    if_in_force: Overall | None = Field(default=None, description="when the version does "
                                        "not bind on the date: the verdict it would give")
    controls: list[ControlVerdict]
    excluded: list[Exclusion] = Field(default_factory=list)
    stats: ScanStats | None = None
    findings: list[Finding] = Field(default_factory=list, description="the findings the "
                                    "verdicts name")

    def counts(self) -> dict[str, int]:
        """How many controls got each verdict."""
        out = {verdict.value: 0 for verdict in Verdict}
        for control in self.controls:
            out[control.verdict.value] += 1
        return out

    @property
    def exit_code(self) -> int:
        """The exit code a CI gate reads."""
        return EXIT_CODES[self.overall]
