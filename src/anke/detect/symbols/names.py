"""Names a native binary carries: exported and imported functions, and read-only strings.

lief parses ELF, PE and Mach-O; a binary lief cannot parse still gives its strings.  Two
lists of strings are kept: identifier-like strings (``AES-128-CBC``, and the last word of
a longer string), which are the evidence, and every whole string without spaces
(``SEED(128)``), which shows whether a string sits in a table of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lief takes ~0.5 s to import: only scans that meet a binary pay for it
    import lief

_STRING = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_\-/.]{2,47}(?=\x00)")
_ENTRY = re.compile(rb"(?<=\x00)[\x21-\x7e]{2,64}(?=\x00)")
_MAX_SYMBOLS = 200_000
_READ_ONLY = (".rodata", ".rdata", "__cstring", "__const", ".data.rel.ro")


@dataclass
class BinaryNames:
    """The names found in one binary, each with a file offset where known."""

    format: str
    exported: list[tuple[str, int | None]] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)
    strings: list[tuple[str, int]] = field(default_factory=list)
    entries: list[tuple[str, int]] = field(default_factory=list)  # whole strings, in order
    notes: list[str] = field(default_factory=list)


def _offset(binary: lief.Binary, address: int) -> int | None:
    convert = (getattr(binary, "virtual_address_to_offset", None)
               or getattr(binary, "va_to_offset", None))
    if convert is None:
        return None
    try:
        value = convert(address)
    except Exception:
        return None
    return value if isinstance(value, int) and value >= 0 else None


def _read_only_ranges(binary: lief.Binary, size: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for section in binary.sections:
        if section.name in _READ_ONLY and section.size:
            start = section.offset
            ranges.append((start, min(size, start + section.size)))
    return ranges


def read_names(data: bytes, kind: str) -> BinaryNames:
    """Exported and imported function names and short identifier-like strings."""
    names = BinaryNames(kind)
    import lief

    lief.logging.disable()
    binary: lief.Binary | None = None
    try:
        parsed = lief.parse(data)
        binary = parsed if isinstance(parsed, lief.Binary) else None
    except Exception as exc:
        names.notes.append(f"not parsed as {kind}: {exc}")
    if binary is None and not names.notes:
        names.notes.append(f"not parsed as {kind}; strings only")
    ranges = [(0, len(data))]
    if binary is not None:
        for count, function in enumerate(binary.exported_functions):
            if count >= _MAX_SYMBOLS:
                names.notes.append(f"more than {_MAX_SYMBOLS} exported functions")
                break
            if isinstance(function.name, str) and function.name:
                names.exported.append((function.name, _offset(binary, function.address)))
        for count, function in enumerate(binary.imported_functions):
            if count >= _MAX_SYMBOLS:
                break
            if isinstance(function.name, str) and function.name:
                names.imported.append(function.name)
        ranges = _read_only_ranges(binary, len(data)) or ranges
    for start, end in sorted(ranges):
        for found in _STRING.finditer(data, start, end):
            names.strings.append((found.group().decode("ascii"), found.start()))
        for found in _ENTRY.finditer(data, start, end):
            names.entries.append((found.group().decode("ascii"), found.start()))
    return names
