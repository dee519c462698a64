"""What every detector is: a pure function of one member's path and bytes.

The engine hands each member (a file on disk, or a member unpacked from an archive) to every
detector whose ``handles`` accepts it, and gathers the :class:`Detection` each returns.
Detectors never read other files, never execute anything and never write anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from anke.findings.model import Finding, Skipped


@dataclass
class Detection:
    """What one detector found in one member."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)  # skipped or degraded parts, and why
    parsed: bool = False  # whether the member went through the expensive second stage


class Detector(Protocol):
    """A content detector (``source-api``, ``constants``, ``material``, ...)."""

    @property
    def name(self) -> str:
        """The detector's name, as written in findings (``constants``)."""
        ...

    def handles(self, path: str, head: bytes) -> bool:
        """Whether the member is worth inspecting: a cheap look at its path and bytes.

        ``head`` is the member's bytes; look only as far as needed (a magic number, a
        marker found with one ``in``), since every detector is asked about every member.
        """
        ...

    def detect(self, path: str, data: bytes) -> Detection:
        """Findings in one member; ``path`` is its report path (``a.zip!/b/C.class``)."""
        ...
