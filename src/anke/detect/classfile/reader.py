"""A bounded parser of the JVM class file format (JVMS chapter 4).

It reads what the bytecode detector needs: the constant pool (every tag kind; long and
double take two slots), access flags, this and super class, fields, and methods with their
``Code`` attribute and its line number table.  Every count and length is checked against the
bytes that remain; anything that does not fit raises one :class:`ClassFormatError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"\xca\xfe\xba\xbe"
# JVMS 4.1: major_version 45 is JDK 1.0.2; the upper bound leaves room for future releases
# while telling class files apart from Mach-O universal binaries, which share the magic and
# hold a small architecture count where a class file keeps its version.
MIN_MAJOR = 45
MAX_MAJOR = 120

ACC_INTERFACE = 0x0200
ACC_ABSTRACT = 0x0400
ACC_SYNTHETIC = 0x1000
ACC_ANNOTATION = 0x2000
ACC_ENUM = 0x4000
ACC_MODULE = 0x8000

# constant pool tags (JVMS 4.4, table 4.4-B)
UTF8 = 1
INTEGER = 3
FLOAT = 4
LONG = 5
DOUBLE = 6
CLASS = 7
STRING = 8
FIELDREF = 9
METHODREF = 10
INTERFACE_METHODREF = 11
NAME_AND_TYPE = 12
METHOD_HANDLE = 15
METHOD_TYPE = 16
DYNAMIC = 17
INVOKE_DYNAMIC = 18
MODULE = 19
PACKAGE = 20

# bytes of each tag's body after the tag byte (UTF8 is length-prefixed)
_BODY = {INTEGER: 4, FLOAT: 4, LONG: 8, DOUBLE: 8, CLASS: 2, STRING: 2, FIELDREF: 4,
         METHODREF: 4, INTERFACE_METHODREF: 4, NAME_AND_TYPE: 4, METHOD_HANDLE: 3,
         METHOD_TYPE: 2, DYNAMIC: 4, INVOKE_DYNAMIC: 4, MODULE: 2, PACKAGE: 2}
_REFS = frozenset({FIELDREF, METHODREF, INTERFACE_METHODREF})


class ClassFormatError(Exception):
    """The bytes are not a well-formed class file; the message says where."""


@dataclass(frozen=True)
class Limits:
    """Bounds of one parse."""

    max_bytes: int = 16 * 1024 * 1024
    max_members: int = 65535  # fields or methods (a u2 count cannot exceed it anyway)
    max_code: int = 65535  # JVMS 4.7.3: code_length < 65536


@dataclass(frozen=True)
class Code:
    """A method's ``Code`` attribute: the bytecode and what the walk needs beside it."""

    max_stack: int
    max_locals: int
    code: bytes
    start: int  # offset of the first instruction in the class file
    handlers: tuple[int, ...]  # handler_pc of each exception table entry
    lines: tuple[tuple[int, int], ...]  # (start_pc, line_number), sorted by start_pc

    def line_at(self, pc: int) -> int | None:
        """The source line of the instruction at ``pc`` (LineNumberTable), or None."""
        found: int | None = None
        for start, line in self.lines:
            if start > pc:
                break
            found = line
        return found


@dataclass(frozen=True)
class Member:
    """A field or a method."""

    access: int
    name: str
    descriptor: str
    code: Code | None = None


@dataclass
class ClassFile:
    """The parts of a class file the detector reads."""

    major: int
    minor: int
    pool: ConstantPool
    access: int
    this_class: str  # internal form: com/acme/Crypto
    super_class: str | None
    fields: list[Member] = field(default_factory=list)
    methods: list[Member] = field(default_factory=list)

    @property
    def dotted_name(self) -> str:
        """The binary name with dots: ``com.acme.Crypto`` (nested: ``a.B$C``)."""
        return self.this_class.replace("/", ".")


class ConstantPool:
    """The constant pool: raw entries and typed accessors that check tags and indexes."""

    def __init__(self, entries: list[tuple[int, object] | None]) -> None:
        self.entries = entries  # index 0 and the slot after a long/double hold None

    def _entry(self, index: int, *tags: int) -> object:
        if not 0 < index < len(self.entries):
            raise ClassFormatError(f"constant pool index {index} out of range")
        entry = self.entries[index]
        if entry is None or entry[0] not in tags:
            raise ClassFormatError(f"constant pool entry {index} is not of tag {tags}")
        return entry[1]

    def tag(self, index: int) -> int | None:
        """The tag of an entry, or None for an unusable index."""
        if 0 < index < len(self.entries):
            entry = self.entries[index]
            return entry[0] if entry is not None else None
        return None

    def utf8(self, index: int) -> str:
        """A CONSTANT_Utf8 entry, decoded (on first use: most entries are never read)."""
        value = self._entry(index, UTF8)
        if isinstance(value, bytes):
            value = decode_modified_utf8(value)
            self.entries[index] = (UTF8, value)
        assert isinstance(value, str)
        return value

    def class_name(self, index: int) -> str:
        """The internal name a CONSTANT_Class entry names (``java/lang/String``)."""
        value = self._entry(index, CLASS)
        assert isinstance(value, int)
        return self.utf8(value)

    def name_and_type(self, index: int) -> tuple[str, str]:
        """The (name, descriptor) of a CONSTANT_NameAndType entry."""
        value = self._entry(index, NAME_AND_TYPE)
        assert isinstance(value, tuple)
        return self.utf8(value[0]), self.utf8(value[1])

    def member_ref(self, index: int) -> tuple[str, str, str]:
        """(owner internal name, name, descriptor) of a field or method reference."""
        value = self._entry(index, *_REFS)
        assert isinstance(value, tuple)
        owner = self.class_name(value[0])
        name, descriptor = self.name_and_type(value[1])
        return owner, name, descriptor

    def dynamic(self, index: int) -> tuple[str, str]:
        """(name, descriptor) of a CONSTANT_InvokeDynamic or CONSTANT_Dynamic entry."""
        value = self._entry(index, INVOKE_DYNAMIC, DYNAMIC)
        assert isinstance(value, tuple)
        return self.name_and_type(value[1])

    def loadable(self, index: int) -> str | int | float | None:
        """What ``ldc`` pushes from an entry: a string, a number, or None for the rest."""
        tag = self.tag(index)
        if tag is None:
            raise ClassFormatError(f"ldc of unusable constant pool index {index}")
        value = self._entry(index, tag)
        if tag == STRING:
            assert isinstance(value, int)
            return self.utf8(value)
        if tag in (INTEGER, LONG):
            assert isinstance(value, int)
            return value
        if tag in (FLOAT, DOUBLE):
            assert isinstance(value, float)
            return value
        return None


class _Cursor:
    """Big-endian reads over a byte string that never run past its end."""

    def __init__(self, data: bytes, position: int = 0, end: int | None = None) -> None:
        self.data = data
        self.position = position
        self.end = len(data) if end is None else end

    def take(self, count: int, what: str) -> bytes:
        if count < 0 or self.position + count > self.end:
            raise ClassFormatError(f"truncated at byte {self.position}: {what} needs {count} "
                                   f"bytes, {self.end - self.position} remain")
        chunk = self.data[self.position:self.position + count]
        self.position += count
        return chunk

    def u1(self, what: str) -> int:
        return self.take(1, what)[0]

    def u2(self, what: str) -> int:
        value: int = struct.unpack(">H", self.take(2, what))[0]
        return value

    def u4(self, what: str) -> int:
        value: int = struct.unpack(">I", self.take(4, what))[0]
        return value


def decode_modified_utf8(raw: bytes) -> str:
    """Decode JVMS 4.4.7 "modified UTF-8" (NUL as C0 80, supplementary characters as two
    three-byte surrogates); malformed bytes raise :class:`ClassFormatError`."""
    try:
        if raw.isascii():
            return raw.decode("ascii")
        return raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass").encode(
            "utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    except UnicodeError as exc:
        raise ClassFormatError(f"malformed modified UTF-8: {exc}") from None


def is_class_file(head: bytes) -> bool:
    """True when ``head`` starts like a class file (magic and a plausible major version)."""
    if len(head) < 8 or head[:4] != MAGIC:
        return False
    major = int.from_bytes(head[6:8], "big")
    return MIN_MAJOR <= major <= MAX_MAJOR


def parse_class(data: bytes, limits: Limits | None = None) -> ClassFile:
    """Parse a class file; raise :class:`ClassFormatError` when it is malformed."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ClassFormatError(f"larger than {limits.max_bytes} bytes")
    cursor = _Cursor(data)
    if cursor.take(4, "magic") != MAGIC:
        raise ClassFormatError("no CAFEBABE magic")
    minor = cursor.u2("minor_version")
    major = cursor.u2("major_version")
    if not MIN_MAJOR <= major <= MAX_MAJOR:
        raise ClassFormatError(f"unsupported major version {major}")
    pool = _constant_pool(cursor)
    access = cursor.u2("access_flags")
    this_index = cursor.u2("this_class")
    super_index = cursor.u2("super_class")
    this_class = pool.class_name(this_index)
    super_class = pool.class_name(super_index) if super_index else None
    interfaces = cursor.u2("interfaces_count")
    cursor.take(2 * interfaces, "interfaces")
    result = ClassFile(major, minor, pool, access, this_class, super_class)
    result.fields = _members(cursor, pool, limits, methods=False)
    result.methods = _members(cursor, pool, limits, methods=True)
    _skip_attributes(cursor, "class attributes")
    return result


def _constant_pool(cursor: _Cursor) -> ConstantPool:
    count = cursor.u2("constant_pool_count")
    entries: list[tuple[int, object] | None] = [None] * max(count, 1)
    data = cursor.data
    position = cursor.position
    end = cursor.end
    index = 1
    while index < count:  # a tight loop: pools hold thousands of entries
        if position >= end:
            raise ClassFormatError(f"truncated constant pool at entry {index}")
        tag = data[position]
        if tag == UTF8:
            if position + 3 > end:
                raise ClassFormatError(f"truncated constant pool at entry {index}")
            length = (data[position + 1] << 8) | data[position + 2]
            position += 3
            if position + length > end:
                raise ClassFormatError(f"truncated utf8 constant {index}")
            entries[index] = (tag, data[position:position + length])  # decoded on use
            position += length
            index += 1
            continue
        size = _BODY.get(tag)
        if size is None:
            raise ClassFormatError(f"unknown constant pool tag {tag} at entry {index}")
        if position + 1 + size > end:
            raise ClassFormatError(f"truncated constant pool at entry {index}")
        entries[index] = (tag, _constant_value(tag, data[position + 1:position + 1 + size]))
        position += 1 + size
        index += 2 if tag in (LONG, DOUBLE) else 1  # JVMS 4.4.5: they take two entries
    if index != count and count > 0:
        raise ClassFormatError("a long or double constant runs past the constant pool")
    cursor.position = position
    return ConstantPool(entries)


def _constant_value(tag: int, body: bytes) -> object:
    if tag == INTEGER:
        return struct.unpack(">i", body)[0]
    if tag == LONG:
        return struct.unpack(">q", body)[0]
    if tag == FLOAT:
        return struct.unpack(">f", body)[0]
    if tag == DOUBLE:
        return struct.unpack(">d", body)[0]
    if len(body) == 2:  # Class, String, MethodType, Module, Package: one index
        return struct.unpack(">H", body)[0]
    if tag == METHOD_HANDLE:
        return body[0], struct.unpack(">H", body[1:])[0]
    return struct.unpack(">HH", body)


def _members(cursor: _Cursor, pool: ConstantPool, limits: Limits, *,
             methods: bool) -> list[Member]:
    what = "methods" if methods else "fields"
    count = cursor.u2(f"{what}_count")
    if count > limits.max_members:
        raise ClassFormatError(f"{count} {what}")
    out: list[Member] = []
    for _ in range(count):
        access = cursor.u2("access_flags")
        name = pool.utf8(cursor.u2("name_index"))
        descriptor = pool.utf8(cursor.u2("descriptor_index"))
        code: Code | None = None
        for _attribute in range(cursor.u2("attributes_count")):
            attribute_name = pool.utf8(cursor.u2("attribute_name_index"))
            length = cursor.u4("attribute_length")
            start = cursor.position
            cursor.take(length, f"attribute {attribute_name}")
            if methods and attribute_name == "Code":
                if code is not None:
                    raise ClassFormatError(f"method {name}: two Code attributes")
                code = _code(_Cursor(cursor.data, start, start + length), pool, limits)
        out.append(Member(access, name, descriptor, code))
    return out


def _code(cursor: _Cursor, pool: ConstantPool, limits: Limits) -> Code:
    max_stack = cursor.u2("max_stack")
    max_locals = cursor.u2("max_locals")
    length = cursor.u4("code_length")
    if not 0 < length <= limits.max_code:
        raise ClassFormatError(f"code_length {length}")
    start = cursor.position
    code = cursor.take(length, "code")
    handlers: list[int] = []
    for _ in range(cursor.u2("exception_table_length")):
        entry = cursor.take(8, "exception table entry")
        handler = int.from_bytes(entry[4:6], "big")
        if handler >= length:
            raise ClassFormatError(f"exception handler at {handler} is outside the code")
        handlers.append(handler)
    lines: list[tuple[int, int]] = []
    for _ in range(cursor.u2("Code attributes_count")):
        attribute_name = pool.utf8(cursor.u2("attribute_name_index"))
        size = cursor.u4("attribute_length")
        body = cursor.take(size, f"attribute {attribute_name}")
        if attribute_name == "LineNumberTable":
            lines.extend(_line_numbers(body))
    if cursor.position != cursor.end:
        raise ClassFormatError("Code attribute length does not match its contents")
    lines.sort()
    return Code(max_stack, max_locals, code, start, tuple(handlers), tuple(lines))


def _line_numbers(body: bytes) -> list[tuple[int, int]]:
    cursor = _Cursor(body)
    count = cursor.u2("line_number_table_length")
    raw = cursor.take(4 * count, "line_number_table")
    if cursor.position != cursor.end:
        raise ClassFormatError("LineNumberTable length does not match its contents")
    return [(int.from_bytes(raw[i:i + 2], "big"), int.from_bytes(raw[i + 2:i + 4], "big"))
            for i in range(0, len(raw), 4)]


def _skip_attributes(cursor: _Cursor, what: str) -> None:
    for _ in range(cursor.u2(f"{what} count")):
        cursor.u2("attribute_name_index")
        cursor.take(cursor.u4("attribute_length"), what)
