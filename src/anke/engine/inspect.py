"""Inspect one batch of members: the unit of work a pool worker runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from anke.catalog import load_catalog
from anke.detect.source_api.detector import SourceDetector, SourceLimits
from anke.findings.model import Finding, Skipped
from anke.rules import load_rules


@dataclass
class BatchResult:
    """What a batch gave: findings, skipped members and counters."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    parsed: int = 0


_DETECTOR: SourceDetector | None = None


def prepare(limits: SourceLimits) -> SourceDetector:
    """Load rules and catalog and compile the prefilter (once per process)."""
    global _DETECTOR
    if _DETECTOR is None or _DETECTOR.limits != limits:
        detector = SourceDetector(load_rules(), load_catalog(), limits)
        detector.patterns.prefilter.scan(b"")  # compile now, before any fork
        _DETECTOR = detector
    return _DETECTOR


def inspect_batch(members: list[tuple[str, str, int]], limits: SourceLimits) -> BatchResult:
    """Run the detectors over ``(real path, report path, size)`` members."""
    detector = prepare(limits)
    result = BatchResult()
    for real, display, size in members:
        result.files += 1
        result.bytes += size
        if not detector.handles(display, b""):
            if "." in display.rsplit("/", 1)[-1]:
                continue
            head = _head(real)
            if head is None or not detector.handles(display, head):
                continue
        try:
            with open(real, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            result.skipped.append(Skipped(path=display, reason=f"cannot read: {exc.strerror}"))
            continue
        try:
            findings, notes, parsed = detector.detect(display, data)
        except RecursionError:
            result.skipped.append(Skipped(path=display, reason="nesting too deep to analyse"))
            continue
        except Exception as exc:  # one bad member must not lose the scan
            result.skipped.append(Skipped(
                path=display, reason=f"detector error ({type(exc).__name__}: {exc})"))
            continue
        result.findings.extend(findings)
        result.skipped.extend(notes)
        result.parsed += int(parsed)
    return result


def _head(real: str) -> bytes | None:
    try:
        with open(real, "rb") as handle:
            return handle.read(256)
    except OSError:
        return None
