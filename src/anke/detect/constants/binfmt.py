"""Where an offset lies in an executable: its section and the nearest preceding symbol.

ELF, PE and Mach-O (thin or fat) are parsed with LIEF from the member's bytes, only when
the member has findings to place. Symbols come from the ELF symbol tables (static and
dynamic), PE exports and COFF symbols, and the Mach-O symbol table; a stripped binary
still gives its sections. Anything LIEF cannot parse gives no places, never an error.
"""

from __future__ import annotations

import bisect
import contextlib
import struct
import warnings
from dataclasses import dataclass, field

MAX_PARSE_BYTES = 512 * 1024 * 1024
MAX_SYMBOLS = 2_000_000
SIZED_SLACK = 256  # a symbol with a size names offsets up to this far past its end
UNSIZED_REACH = 64 * 1024  # an assembler label without a size names this far past it

_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_FAT = b"\xca\xfe\xba\xbe"


@dataclass(frozen=True)
class Place:
    """The section holding an offset, and the symbol at or before it in that section."""

    section: str | None
    symbol: str | None = None


@dataclass
class _Section:
    name: str
    start: int  # file offset
    end: int
    address: int  # address of the section's first byte
    symbols: list[tuple[int, str, int]] = field(default_factory=list)  # address, name, size


@dataclass
class BinaryMap:
    """Sections (file ranges) and their symbols, for looking offsets up."""

    sections: list[_Section] = field(default_factory=list)

    def locate(self, offset: int) -> Place | None:
        """The place of a file offset, or None outside every section."""
        for section in self.sections:
            if section.start <= offset < section.end:
                address = section.address + (offset - section.start)
                symbols = section.symbols
                at = bisect.bisect_right(symbols, (address, "\U0010ffff", 0)) - 1
                if at < 0:
                    return Place(section.name)
                start, name, size = symbols[at]
                reach = start + size + SIZED_SLACK if size else start + UNSIZED_REACH
                return Place(section.name, name if address < reach else None)
        return None


_NOISE = ("__func__", "__PRETTY_FUNCTION__", ".L", "$", "ltmp", "l_")


def _useful(name: str) -> bool:
    """Whether a symbol name tells a reader anything (not ``__func__.12``, ``$d``, ``.LC0``)."""
    return bool(name) and not name.startswith(_NOISE)


def _text(name: str | bytes) -> str:
    """LIEF gives names as str, or as bytes when they are not valid UTF-8."""
    return name if isinstance(name, str) else name.decode("utf-8", "replace")


def is_executable(head: bytes) -> bool:
    """Whether ``head`` starts like an ELF, PE or Mach-O file."""
    return head[:4] == b"\x7fELF" or head[:2] == b"MZ" or head[:4] in _MACHO or head[:4] == _FAT


def _add_symbols(sections: list[_Section], entries: list[tuple[int, str, int]]) -> None:
    ordered = sorted(sections, key=lambda s: s.address)
    starts = [s.address for s in ordered]
    for address, name, size in entries[:MAX_SYMBOLS]:
        if not _useful(name):
            continue
        at = bisect.bisect_right(starts, address) - 1
        if at >= 0:
            section = ordered[at]
            if address < section.address + (section.end - section.start):
                section.symbols.append((address, name, size))
    for section in sections:
        section.symbols.sort()


def _elf_symbols(data: bytes, binary: object, by_index: dict[int, _Section]) -> None:
    """Read ``.symtab`` and ``.dynsym`` straight from the bytes (LIEF's per-symbol objects
    cost ten times more than the rest of the parse)."""
    import lief

    assert isinstance(binary, lief.ELF.Binary)
    wide = data[4:5] == b"\x02"  # EI_CLASS: ELFCLASS64
    order = "<" if data[5:6] == b"\x01" else ">"  # EI_DATA: ELFDATA2LSB
    entry = struct.Struct(order + ("IBBHQQ" if wide else "IIIBBH"))
    sections = list(binary.sections)
    wanted = (lief.ELF.Section.TYPE.SYMTAB, lief.ELF.Section.TYPE.DYNSYM)
    count = 0
    for table in sections:
        if table.type not in wanted or not 0 <= table.link < len(sections):
            continue
        strings = sections[table.link]
        names = data[strings.offset:strings.offset + strings.size]
        raw = data[table.offset:table.offset + table.size]
        raw = raw[:len(raw) - len(raw) % entry.size]
        for fields in entry.iter_unpack(raw):
            count += 1
            if count > MAX_SYMBOLS:
                return
            if wide:
                name_at, info, _, shndx, value, size = fields
            else:
                name_at, value, size, info, _, shndx = fields
            target = by_index.get(shndx)
            if (target is None or info & 0xF in (3, 4) or not name_at
                    or not target.address <= value < target.address + target.end - target.start):
                continue
            stop = names.find(b"\0", name_at)
            name = names[name_at:stop if stop >= 0 else len(names)].decode("utf-8", "replace")
            if _useful(name):
                target.symbols.append((value, name, size))


def _elf(data: bytes, binary: object) -> BinaryMap:
    import lief

    assert isinstance(binary, lief.ELF.Binary)
    relocatable = binary.header.file_type == lief.ELF.Header.FILE_TYPE.REL
    sections: list[_Section] = []
    by_index: dict[int, _Section] = {}
    for index, section in enumerate(binary.sections):
        if section.type == lief.ELF.Section.TYPE.NOBITS or not section.size:
            continue
        address = 0 if relocatable else section.virtual_address
        start = section.offset
        entry = _Section(_text(section.name), start, start + section.size, address)
        sections.append(entry)
        by_index[index] = entry
    _elf_symbols(data, binary, by_index)
    for entry in sections:
        entry.symbols = sorted(set(entry.symbols))
    return BinaryMap(sections)


def _pe(binary: object) -> BinaryMap:
    import lief

    assert isinstance(binary, lief.PE.Binary)
    sections = [_Section(_text(s.name), s.offset, s.offset + s.size, s.virtual_address)
                for s in binary.sections if s.size]
    entries = [(e.address, _text(e.name), 0) for e in binary.exported_functions if e.name]
    for symbol in binary.symbols:
        section = symbol.section
        if symbol.name and section is not None and not symbol.is_file_record:
            entries.append((section.virtual_address + symbol.value, _text(symbol.name), 0))
    _add_symbols(sections, entries)
    return BinaryMap(sections)


def _macho(binary: object, base: int) -> BinaryMap:
    import lief

    assert isinstance(binary, lief.MachO.Binary)
    sections = [_Section(f"{_text(s.segment_name)},{_text(s.name)}", base + s.offset,
                         base + s.offset + s.size, s.virtual_address)
                for s in binary.sections if s.size and s.offset]
    entries = [(s.value, _text(s.name), 0) for s in binary.symbols if s.name and s.value]
    _add_symbols(sections, entries)
    return BinaryMap(sections)


def binary_map(data: bytes) -> BinaryMap | None:
    """Parse ``data`` as an executable; None when it is not one LIEF can read."""
    if not is_executable(data[:4]) or len(data) > MAX_PARSE_BYTES:
        return None
    try:
        import lief
    except ImportError:  # pragma: no cover
        return None
    with contextlib.suppress(Exception), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lief.logging.disable()
        if data[:4] in _MACHO or data[:4] == _FAT:
            macho = lief.MachO.ParserConfig()
            macho.parse_dyld_bindings = False
            macho.parse_dyld_rebases = False
            fat = lief.MachO.parse(data, macho)
            if fat is None:
                return None
            merged = BinaryMap()
            for binary in fat:
                base = binary.fat_offset if data[:4] == _FAT else 0
                merged.sections.extend(_macho(binary, base).sections)
            return merged
        if data[:4] == b"\x7fELF":
            elf = lief.ELF.ParserConfig()  # relocations and versions cost 10x the rest
            elf.parse_relocations = False
            elf.parse_symbol_versions = False
            elf.parse_notes = False
            elf.parse_overlay = False
            elf.parse_symtab_symbols = False
            elf.parse_dyn_symbols = False
            parsed_elf = lief.ELF.parse(data, elf)
            return _elf(data, parsed_elf) if parsed_elf is not None else None
        pe = lief.PE.ParserConfig()
        pe.parse_exceptions = False
        pe.parse_imports = False
        pe.parse_reloc = False
        pe.parse_rsrc = False
        pe.parse_signature = False
        parsed_pe = lief.PE.parse(data, pe)
        return _pe(parsed_pe) if parsed_pe is not None else None
    return None
