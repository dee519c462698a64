"""Shared helpers for the manifests detector tests."""

from __future__ import annotations

from functools import lru_cache

from anke.detect.base import Detection
from anke.detect.manifests import ManifestsDetector
from anke.findings.model import Finding

Row = tuple[str | None, str | None, str | None, int | None]


@lru_cache(maxsize=1)
def detector() -> ManifestsDetector:
    """The detector with the shipped catalog."""
    return ManifestsDetector()


def scan(path: str, text: str | bytes) -> Detection:
    """Run the detector on one member, checking that ``handles`` accepts it first."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    assert detector().handles(path, data[:4096]), path
    return detector().detect(path, data)


def rows(path: str, text: str | bytes) -> list[Row]:
    """(library, version, purl, line) of each finding, in the order found; no notes."""
    found = scan(path, text)
    assert found.notes == [], found.notes
    return [row(f) for f in found.findings]


def row(finding: Finding) -> Row:
    """One finding as (library, version, purl, line)."""
    return (finding.library, finding.version, finding.purl, finding.line)


def notes(path: str, text: str | bytes) -> list[str]:
    """The notes the detector leaves on one member (it must find nothing)."""
    found = scan(path, text)
    assert found.findings == []
    return [note.reason for note in found.notes]
