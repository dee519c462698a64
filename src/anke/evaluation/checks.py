"""Automatic and attested checks: each weighs findings (or evidence) and gives an outcome.

Every automatic check first chooses the findings it is about (its scope), then sets aside
those it must not fail on: below its minimum confidence, in tests, docs or examples, or
triaged away (accepted and unexpired, or a false positive). Those are listed for review.
A check with nothing in scope is not applicable; one with a violation fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from anke.catalog import Catalog
from anke.catalog.model import Algorithm
from anke.evaluation.evidence import Evidence
from anke.evaluation.result import Verdict
from anke.findings.model import Confidence, Finding, FindingKind, confidence_rank
from anke.rulebooks.model import (
    AlgorithmsCheck,
    AttestedCheck,
    CertificatesCheck,
    Check,
    CurvesCheck,
    FindingKindsCheck,
    KeySizesCheck,
    ModesCheck,
    PaddingsCheck,
    Selector,
)

_MAX_NAMED = 5  # findings named in one reason


@dataclass
class Outcome:
    """What one check concluded."""

    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What checks read: the findings, the catalog, the evidence and the date."""

    findings: tuple[Finding, ...]
    catalog: Catalog
    evidence: Evidence
    as_of: dt.date
    control: str

    def algorithm(self, finding: Finding) -> Algorithm | None:
        """The catalog entry of a finding's algorithm."""
        return self.catalog.algorithm(finding.algorithm) if finding.algorithm else None


def matches(selector: Selector | None, algorithm: Algorithm | None) -> bool:
    """Whether a catalog algorithm is one a selector names (a missing selector: any)."""
    if selector is None:
        return algorithm is not None
    if algorithm is None:
        return False
    if selector.primitives and algorithm.primitive not in selector.primitives:
        return False
    if not (selector.names or selector.families or selector.origins):
        return True
    return (algorithm.name in selector.names or algorithm.family in selector.families
            or algorithm.origin in selector.origins)


def describe(selector: Selector) -> str:
    """A selector in words: ``SM2, SM3 or origin CN (block-cipher)``."""
    parts = [*selector.names, *(f"family {f}" for f in selector.families),
             *(f"origin {o}" for o in selector.origins)]
    text = ", ".join(parts) if parts else "any algorithm"
    if selector.primitives:
        text += f" ({', '.join(p.value for p in selector.primitives)})"
    return text


def _where(finding: Finding) -> str:
    place = f":{finding.line}" if finding.line else (
        f"@{finding.offset}" if finding.offset is not None else "")
    return f"{finding.path}{place}"


def _named(findings: list[Finding]) -> str:
    shown = ", ".join(_where(f) for f in findings[:_MAX_NAMED])
    more = len(findings) - _MAX_NAMED
    return shown + (f" and {more} more" if more > 0 else "")


class _Weigher:
    """Splits a check's scope into findings weighed and findings only listed for review."""

    def __init__(self, ctx: Context, min_confidence: Confidence, contexts: Iterable[str],
                 triage: bool = True) -> None:
        self.ctx = ctx
        self.rank = confidence_rank(min_confidence)
        self.contexts = set(contexts)
        self.triage = triage
        self.review: list[str] = []

    def weigh(self, findings: Iterable[Finding]) -> list[Finding]:
        weighed: list[Finding] = []
        for finding in findings:
            if (confidence_rank(finding.confidence) < self.rank
                    or (finding.context is not None and finding.context not in self.contexts)
                    or (self.triage and self.ctx.evidence.exempt(finding.id, self.ctx.as_of))):
                self.review.append(finding.id)
            else:
                weighed.append(finding)
        return weighed


def _outcome(violations: list[tuple[Finding, str]], weighed: list[Finding],
             weigher: _Weigher, nothing: str) -> Outcome:
    """Fail with one reason per kind of violation, else pass, else not applicable."""
    if violations:
        by_reason: dict[str, list[Finding]] = {}
        for finding, reason in violations:
            by_reason.setdefault(reason, []).append(finding)
        reasons = [f"{reason}: {_named(found)}" for reason, found in by_reason.items()]
        return Outcome(Verdict.FAIL, reasons, [f.id for f, _ in violations], weigher.review)
    if not weighed:
        return Outcome(Verdict.NOT_APPLICABLE, [nothing], [], weigher.review)
    return Outcome(Verdict.PASS, [f"{len(weighed)} finding(s) checked, none in breach"],
                   [f.id for f in weighed], weigher.review)


def _algorithms(check: AlgorithmsCheck, ctx: Context) -> Outcome:
    weigher = _Weigher(ctx, check.min_confidence, check.contexts)
    scoped = [f for f in ctx.findings if f.kind is not FindingKind.LIBRARY
              and matches(check.scope, ctx.algorithm(f))]
    weighed = weigher.weigh(scoped)
    violations: list[tuple[Finding, str]] = []
    for finding in weighed:
        algorithm = ctx.algorithm(finding)
        if check.forbidden is not None and matches(check.forbidden, algorithm):
            violations.append((finding, f"forbidden algorithm {finding.algorithm}"))
        elif check.allowed is not None and not matches(check.allowed, algorithm):
            violations.append((finding, f"{finding.algorithm} is not among "
                                        f"{describe(check.allowed)}"))
    scope = describe(check.scope) if check.scope else "any algorithm"
    outcome = _outcome(violations, weighed, weigher, f"no finding of {scope}")
    binds = not check.required_only_if_used or bool(weighed)
    if check.required is not None and binds and not any(
            matches(check.required, ctx.algorithm(f)) for f in weighed):
        among = f" among {describe(check.scope)}" if check.scope else ""
        missing = f"no use of {describe(check.required)}{among} was found"
        failed = outcome.verdict is Verdict.FAIL
        return Outcome(Verdict.FAIL, [missing, *(outcome.reasons if failed else [])],
                       outcome.findings if failed else [], weigher.review)
    return outcome


def _key_sizes(check: KeySizesCheck, ctx: Context) -> Outcome:
    weigher = _Weigher(ctx, check.min_confidence, check.contexts)
    scoped = [f for f in ctx.findings if matches(check.scope, ctx.algorithm(f))]
    sized = [f for f in scoped if f.key_bits is not None]
    weighed = weigher.weigh(sized)
    violations: list[tuple[Finding, str]] = []
    for finding in weighed:
        bits = finding.key_bits or 0
        if bits < check.min_bits:
            violations.append((finding, f"{finding.algorithm} key under {check.min_bits} bits"))
        elif check.max_bits is not None and bits > check.max_bits:
            violations.append((finding, f"{finding.algorithm} key over {check.max_bits} bits"))
    outcome = _outcome(violations, weighed, weigher,
                       f"no {describe(check.scope)} key of known size")
    unknown = len(scoped) - len(sized)
    if unknown:
        outcome.reasons.append(f"{unknown} finding(s) of {describe(check.scope)} with no "
                               "key size known")
    return outcome


def _curves(check: CurvesCheck, ctx: Context) -> Outcome:
    weigher = _Weigher(ctx, check.min_confidence, check.contexts)
    allowed = {curve.name for name in check.allowed if (curve := ctx.catalog.curve(name))}
    scoped = [f for f in ctx.findings if f.curve is not None
              and (check.scope is None or matches(check.scope, ctx.algorithm(f)))]
    weighed = weigher.weigh(scoped)
    violations: list[tuple[Finding, str]] = []
    for finding in weighed:
        curve = ctx.catalog.curve(finding.curve or "")
        if check.allowed and finding.curve not in allowed:
            violations.append((finding, f"curve {finding.curve} is not allowed"))
        elif check.min_bits is not None and (curve is None or curve.bits < check.min_bits):
            violations.append((finding, f"curve {finding.curve} is under {check.min_bits} bits"))
    return _outcome(violations, weighed, weigher, "no named curve in use")


def _forbidden_names(check: PaddingsCheck | ModesCheck, ctx: Context, field: str,
                     lookup: Callable[[str], object | None], what: str) -> Outcome:
    """Fail on findings whose ``field`` (mode or padding) is one the check forbids."""
    weigher = _Weigher(ctx, check.min_confidence, check.contexts)
    forbidden = {getattr(item, "name", "") for name in check.forbidden
                 if (item := lookup(name)) is not None}
    scoped = [f for f in ctx.findings if getattr(f, field) is not None
              and (check.scope is None or matches(check.scope, ctx.algorithm(f)))]
    weighed = weigher.weigh(scoped)
    violations = [(f, f"forbidden {what} {getattr(f, field)}") for f in weighed
                  if getattr(f, field) in forbidden]
    return _outcome(violations, weighed, weigher, f"no {what} in use")


def _paddings(check: PaddingsCheck, ctx: Context) -> Outcome:
    return _forbidden_names(check, ctx, "padding", ctx.catalog.padding, "padding")


def _modes(check: ModesCheck, ctx: Context) -> Outcome:
    return _forbidden_names(check, ctx, "mode", ctx.catalog.mode, "mode")


def _kinds(check: FindingKindsCheck, ctx: Context) -> Outcome:
    weigher = _Weigher(ctx, check.min_confidence, check.contexts, triage=check.unless_triaged)
    scoped = [f for f in ctx.findings if f.kind in check.forbidden]
    weighed = weigher.weigh(scoped)
    violations = [(f, f"{f.kind.value} finding ({f.rule})") for f in weighed]
    if violations:
        return _outcome(violations, weighed, weigher, "")
    kinds = " or ".join(kind.value for kind in check.forbidden)
    return Outcome(Verdict.PASS, [f"no untriaged {kinds} finding"], [], weigher.review)


def _certificates(check: CertificatesCheck, ctx: Context) -> Outcome:
    weigher = _Weigher(ctx, check.min_confidence, check.contexts)
    scoped = [f for f in ctx.findings
              if f.kind is FindingKind.CERTIFICATE and f.certificate is not None]
    weighed = weigher.weigh(scoped)
    violations: list[tuple[Finding, str]] = []
    for finding in weighed:
        facts = finding.certificate
        assert facts is not None
        if check.expired and facts.not_after.date() < ctx.as_of:
            violations.append((finding, f"certificate expired before {ctx.as_of}"))
        signature = [ctx.catalog.algorithm(name) for name in
                     (facts.signature_hash, facts.signature_scheme) if name]
        if check.forbidden_signatures is not None and any(
                matches(check.forbidden_signatures, item) for item in signature):
            names = "/".join(x for x in (facts.signature_scheme, facts.signature_hash) if x)
            violations.append((finding, f"certificate signed with {names}"))
        if (check.min_rsa_bits is not None and finding.algorithm == "RSA"
                and (finding.key_bits or 0) < check.min_rsa_bits):
            violations.append((finding, f"certificate RSA key under {check.min_rsa_bits} bits"))
    return _outcome(violations, weighed, weigher, "no certificate found")


def _attested(check: AttestedCheck, ctx: Context) -> Outcome:
    accepted = {item.type: item for item in check.evidence
                if item.accepted_from is None or item.accepted_from <= ctx.as_of}
    wanted = " or ".join(accepted) or "(none accepted yet on this date)"
    problems: list[str] = []
    for attestation in ctx.evidence.attestations:
        if attestation.type not in accepted:
            continue
        if attestation.controls and ctx.control not in attestation.controls:
            continue
        state = ctx.evidence.state(attestation, ctx.as_of)
        if state.usable:
            return Outcome(Verdict.PASS, [f"{attestation.type} {attestation.id} by "
                                          f"{attestation.issuer}, accepted"],
                           evidence=[attestation.id])
        problems.append(f"{attestation.id}: {'; '.join(state.problems)}")
    reasons = [f"needs accepted evidence: {wanted}", *problems]
    return Outcome(Verdict.NEEDS_EVIDENCE, reasons)


_CHECKS: dict[type, Callable[..., Outcome]] = {
    AlgorithmsCheck: _algorithms,
    KeySizesCheck: _key_sizes,
    CurvesCheck: _curves,
    ModesCheck: _modes,
    PaddingsCheck: _paddings,
    FindingKindsCheck: _kinds,
    CertificatesCheck: _certificates,
    AttestedCheck: _attested,
}


def run_check(check: Check, ctx: Context) -> Outcome:
    """The outcome of one check."""
    return _CHECKS[type(check)](check, ctx)
