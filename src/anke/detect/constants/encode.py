"""The byte forms a table really appears in, and the literal anchors that find them.

A table of bytes is found as those bytes (and, when its data says so, widened to 16- or
32-bit words); a table of 16-, 32- or 64-bit words as little- and big-endian words (64-bit
values also as (high, low) pairs of little-endian 32-bit words, as 32-bit code keeps them); a table
of wide integers (curve parameters) as big-endian byte strings and as little-endian ones,
which on a little-endian machine are also arrays of 32- or 64-bit limbs.

Anchors: each form is cut into :data:`ANCHOR_BYTES`-byte pieces at multiples of
:data:`ANCHOR_BYTES` (the last one flush with the end), so any run of the table at least
``2 * ANCHOR_BYTES - 1`` bytes long contains a whole anchor: together with
:data:`MIN_PARTIAL_BYTES` this lets a literal matcher find every reportable partial run, and
a whole table of any length. A form shorter than one anchor is its own anchor. Anchors with
fewer than :data:`MIN_DISTINCT_BYTES` distinct byte values (``ff ff ... 00 00 ... 01``: the
primes of the NIST and SM2 curves, 2^255 - 19) would match ordinary data, so they are
dropped; a table left without anchors is never matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from anke.detect.constants.model import Table

ANCHOR_BYTES = 32
MIN_PARTIAL_BYTES = 64
MIN_DISTINCT_BYTES = 4
MAX_SAME_FRACTION = 0.75


@dataclass(frozen=True)
class Form:
    """A table as one contiguous byte string."""

    table: Table
    name: str  # "bytes", "32-bit LE", "big-endian", ...
    element: int  # bytes per element: partial runs are cut to whole elements
    data: bytes


@dataclass(frozen=True)
class Anchor:
    """A piece of a form: ``form.data[position:position + len(literal)] == literal``."""

    form: Form
    position: int
    literal: bytes


def _words(values: tuple[int, ...], size: int, order: str) -> bytes:
    return b"".join(v.to_bytes(size, order) for v in values)  # type: ignore[arg-type]


def forms(table: Table) -> list[Form]:
    """Every byte form of ``table``."""
    size = table.width // 8
    out: list[Form] = []
    if size == 1:
        out.append(Form(table, "bytes", 1, bytes(table.values)))
    elif size in (2, 4, 8):
        for order, label in (("little", "LE"), ("big", "BE")):
            out.append(Form(table, f"{table.width}-bit {label}", size,
                            _words(table.values, size, order)))
        if size == 8:  # 64-bit values kept as (high, low) pairs of 32-bit words
            halves = tuple(part for v in table.values for part in (v >> 32, v & 0xFFFFFFFF))
            out.append(Form(table, "32-bit LE halves", 8, _words(halves, 4, "little")))
    else:
        out.append(Form(table, "big-endian", size, _words(table.values, size, "big")))
        out.append(Form(table, "little-endian", size, _words(table.values, size, "little")))
    for width in table.stored_widths:
        wide = width // 8
        for order, label in (("little", "LE"), ("big", "BE")):
            out.append(Form(table, f"{width}-bit {label}", wide,
                            _words(table.values, wide, order)))
    return out


def anchors(form: Form) -> list[Anchor]:
    """The usable anchors of one form (possibly none)."""
    data = form.data
    if len(data) <= ANCHOR_BYTES:
        positions = [0]
        length = len(data)
    else:
        length = ANCHOR_BYTES
        positions = list(range(0, len(data) - ANCHOR_BYTES + 1, ANCHOR_BYTES))
        if positions[-1] != len(data) - ANCHOR_BYTES:
            positions.append(len(data) - ANCHOR_BYTES)
    out: list[Anchor] = []
    for position in positions:
        literal = data[position:position + length]
        most = max(literal.count(value) for value in set(literal))
        if len(set(literal)) >= MIN_DISTINCT_BYTES and most <= MAX_SAME_FRACTION * len(literal):
            out.append(Anchor(form, position, literal))
    return out


def matchable(table: Table) -> bool:
    """Whether any form of ``table`` has an anchor."""
    return any(anchors(form) for form in forms(table))
