"""The bounds of unpacking one input, and the budget that spends them.

Every archive a vendor ships is treated as hostile: a zip bomb, an overlapping-entry bomb, a
million empty members or a thousand levels of nesting must cost bounded time and memory.
One :class:`Budget` is spent by an input and everything nested inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits of unpacking, per top-level input (each has a ``anke scan`` flag)."""

    max_total_bytes: int = 4096 * MIB  # --max-unpacked: all members, all levels together
    max_member_bytes: int = 128 * MIB  # --max-member: one unpacked member (held in memory)
    max_ratio: int = 200  # --max-ratio: unpacked / packed bytes of a member, above 1 MiB
    max_members: int = 100_000  # --max-members: members of an input, all levels together
    max_depth: int = 8  # --max-depth: archives inside archives


class LimitExceeded(Exception):
    """A bound was reached; the message is the reason given in ``stats.skipped``."""


class Budget:
    """What is left of the limits while one input is unpacked."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.total_bytes = 0
        self.members = 0

    def count_member(self) -> None:
        """Spend one member; raise when the member limit is reached."""
        self.members += 1
        if self.members > self.limits.max_members:
            raise LimitExceeded(f"member limit: more than {self.limits.max_members} members")

    def ceiling(self, packed: int | None) -> int:
        """How many bytes one member may unpack to, given its packed size (if known)."""
        ceiling = min(self.limits.max_member_bytes,
                      self.limits.max_total_bytes - self.total_bytes)
        if packed is not None:
            ceiling = min(ceiling, max(MIB, packed * self.limits.max_ratio))
        return max(ceiling, 0)

    def spend(self, size: int) -> None:
        """Account an unpacked member's bytes."""
        self.total_bytes += size

    def explain(self, size: int, packed: int | None) -> str:
        """The reason a member of ``size`` or more unpacked bytes was refused."""
        if self.total_bytes + size > self.limits.max_total_bytes:
            return f"unpacked size limit: more than {self.limits.max_total_bytes} bytes in all"
        if packed is not None and size > max(MIB, packed * self.limits.max_ratio):
            return (f"compression ratio limit: more than {self.limits.max_ratio}x "
                    f"({packed} bytes packed)")
        return f"member size limit: more than {self.limits.max_member_bytes} bytes"
