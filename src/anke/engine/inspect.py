"""Inspect one batch of members: the unit of work a pool worker runs.

A file that is an archive (by its magic bytes) is unpacked into members in memory, and each
member, like every plain file, goes to every detector that handles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anke.catalog import load_catalog
from anke.detect.access import AccessDetector
from anke.detect.base import Detector
from anke.detect.classfile import ClassFileDetector
from anke.detect.constants import ConstantsDetector
from anke.detect.manifests import ManifestsDetector
from anke.detect.material import MaterialDetector
from anke.detect.source_api.detector import SourceDetector, SourceLimits
from anke.detect.symbols import SymbolsDetector
from anke.findings.context import context_of
from anke.findings.model import Finding, Skipped
from anke.inputs.archives import (
    SNIFF_BYTES,
    ArchiveLimits,
    Budget,
    Refused,
    expand,
    sniff,
)
from anke.rules import load_rules


@dataclass(frozen=True)
class InspectOptions:
    """What a worker needs to know besides the members (picklable)."""

    source: SourceLimits = field(default_factory=SourceLimits)
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)


@dataclass
class BatchResult:
    """What a batch gave: findings, skipped members and counters."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    members: int = 0
    parsed: int = 0


_DETECTORS: tuple[SourceLimits, list[Detector]] | None = None


def prepare(options: InspectOptions) -> list[Detector]:
    """The detectors, built once per process (before the pool forks, so workers share them)."""
    global _DETECTORS
    if _DETECTORS is None or _DETECTORS[0] != options.source:
        catalog = load_catalog()
        source = SourceDetector(load_rules(), catalog, options.source)
        source.patterns.prefilter.scan(b"")  # compile now, before any fork
        constants = ConstantsDetector(catalog=catalog)  # its matcher compiles here
        material = MaterialDetector(catalog=catalog)
        bytecode = ClassFileDetector(rules=source.rules, catalog=catalog)
        access = AccessDetector()
        access.prefilter.scan(b"")  # compile now, before any fork
        _DETECTORS = (options.source, [source, bytecode, SymbolsDetector(catalog), constants,
                                       material, ManifestsDetector(catalog=catalog), access])
    return _DETECTORS[1]


def _run(detectors: list[Detector], path: str, data: bytes, result: BatchResult) -> None:
    """Every detector that handles the member, each failure contained to itself."""
    for detector in detectors:
        if not detector.handles(path, data):
            continue
        try:
            found = detector.detect(path, data)
        except RecursionError:
            result.skipped.append(Skipped(path=path, reason=f"{detector.name}: nesting too "
                                                            "deep to analyse"))
            continue
        except Exception as exc:  # one bad member must not lose the scan
            result.skipped.append(Skipped(
                path=path, reason=f"{detector.name} error ({type(exc).__name__}: {exc})"))
            continue
        where = context_of(path) if found.findings else None
        if where is None:
            result.findings.extend(found.findings)
        else:
            result.findings.extend(finding.model_copy(update={"context": where})
                                   for finding in found.findings)
        result.skipped.extend(found.notes)
        result.parsed += int(found.parsed)


def inspect_batch(members: list[tuple[str, str, int]], options: InspectOptions) -> BatchResult:
    """Run the detectors over ``(real path, report path, size)`` files and what they hold."""
    detectors = prepare(options)
    result = BatchResult()
    for real, display, size in members:
        result.files += 1
        result.bytes += size
        try:
            with open(real, "rb") as handle:
                kind = sniff(handle.peek(SNIFF_BYTES)[:SNIFF_BYTES])
                if kind is None:
                    data = handle.read()
                else:
                    for item in expand(display, handle, kind, size, Budget(options.archives)):
                        if isinstance(item, Refused):
                            result.skipped.append(Skipped(path=item.path, reason=item.reason))
                        else:
                            result.members += 1
                            _run(detectors, item.path, item.data, result)
                    continue
        except OSError as exc:
            result.skipped.append(Skipped(path=display, reason=f"cannot read: {exc.strerror}"))
            continue
        _run(detectors, display, data, result)
    return result
