"""A walk over one method's bytecode that reports its calls with their constant arguments.

The walk follows the instructions in order and keeps a small abstract operand stack and
local variable table (JVMS 2.6) in words: constants pushed by ``ldc``/``iconst``/``bipush``/
``sipush`` are known values, everything else is :data:`UNKNOWN`.  At each ``invoke*`` the
visitor sees the owner class, the method, its descriptor, the receiver and the value of each
argument, and what it returns becomes the call's result on the stack (so a later call on
that object, ``kpg.initialize(2048)``, sees it as its receiver).  ``getstatic`` goes to the
visitor too.  At branch targets the states that reach them are merged: values that agree
are kept, the others become unknown.  Instruction lengths follow JVMS 6.5, including the
alignment padding of ``tableswitch``/``lookupswitch`` and the ``wide`` prefix.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from anke.detect.classfile.opcodes import Flow, Opcode, opcode_table
from anke.detect.classfile.reader import ClassFormatError, Code, ConstantPool


class _Unknown:
    """A value the walk cannot know."""

    def __repr__(self) -> str:
        return "?"


class _Top:
    """The upper word of a long or double (JVMS 2.6.1)."""

    def __repr__(self) -> str:
        return "top"


UNKNOWN = _Unknown()
TOP = _Top()

_MAX_STACK_WORDS = 4096
_MAX_TRACKED_LOCALS = 1024
_MAX_TARGETS = 8192


@dataclass(frozen=True)
class Static:
    """The value of a static field nothing more is known about (``SM2Engine.Mode.C1C3C2``)."""

    owner: str  # internal name
    name: str


@dataclass
class NewObject:
    """An object ``new`` allocated; ``value`` is what its constructor call stood for."""

    owner: str
    value: object = None


@dataclass(frozen=True)
class Invoke:
    """One ``invoke*`` instruction with the values it consumed."""

    pc: int
    kind: str  # invokevirtual | invokespecial | invokestatic | invokeinterface
    owner: str  # internal name of the class in the method reference
    name: str
    descriptor: str
    receiver: object  # None for invokestatic
    args: tuple[object, ...]  # one per parameter
    constructs: bool = False  # an <init> of an object ``new`` made here (not super()/this())


@dataclass(frozen=True)
class FieldRead:
    """One ``getstatic`` instruction."""

    pc: int
    owner: str
    name: str
    descriptor: str


class Visitor(Protocol):
    """What the walk reports to; the values returned are pushed as results."""

    def invoke(self, call: Invoke) -> object:
        """A call; returns the value of its result (None: unknown)."""
        ...

    def static_field(self, read: FieldRead) -> object:
        """A static field read; returns its value (None: unknown)."""
        ...


def settled(value: object) -> object:
    """A stack value as a visitor should see it (a constructed object as its constructor)."""
    if isinstance(value, NewObject) and value.value is not None:
        return value.value
    return value


@lru_cache(maxsize=4096)
def parse_descriptor(descriptor: str) -> tuple[tuple[int, ...], int]:
    """Word sizes of a method descriptor's parameters, and of its result (JVMS 4.3.3)."""
    if not descriptor.startswith("("):
        raise ClassFormatError(f"bad method descriptor {descriptor!r}")
    sizes: list[int] = []
    i = 1
    n = len(descriptor)
    while i < n and descriptor[i] != ")":
        size, i = _field_type(descriptor, i)
        sizes.append(size)
    if i >= n:
        raise ClassFormatError(f"bad method descriptor {descriptor!r}")
    i += 1
    if descriptor[i:] == "V":
        return tuple(sizes), 0
    size, end = _field_type(descriptor, i)
    if end != n:
        raise ClassFormatError(f"bad method descriptor {descriptor!r}")
    return tuple(sizes), size


def field_size(descriptor: str) -> int:
    """Words of a field descriptor's value."""
    size, end = _field_type(descriptor, 0)
    if end != len(descriptor):
        raise ClassFormatError(f"bad field descriptor {descriptor!r}")
    return size


def _field_type(descriptor: str, i: int) -> tuple[int, int]:
    start = i
    while i < len(descriptor) and descriptor[i] == "[":
        i += 1
    if i >= len(descriptor):
        raise ClassFormatError(f"bad descriptor {descriptor!r}")
    char = descriptor[i]
    if char == "L":
        end = descriptor.find(";", i)
        if end < 0:
            raise ClassFormatError(f"bad descriptor {descriptor!r}")
        return 1, end + 1
    if char in "BCFISZ":
        return 1, i + 1
    if char in "JD":
        return (1 if i > start else 2), i + 1
    raise ClassFormatError(f"bad descriptor {descriptor!r}")


@dataclass
class _State:
    stack: list[object] = field(default_factory=list)
    locals: dict[int, object] = field(default_factory=dict)

    def copy(self) -> _State:
        return _State(list(self.stack), dict(self.locals))


def _same(a: object, b: object) -> bool:
    return a is b or (type(a) is type(b) and isinstance(a, str | int | float | Static)
                      and a == b)


def _merge(into: _State, other: _State) -> _State:
    depth = min(len(into.stack), len(other.stack))
    stack = [a if _same(a, b) else UNKNOWN
             for a, b in zip(into.stack[len(into.stack) - depth:],
                             other.stack[len(other.stack) - depth:], strict=True)]
    local = {k: v for k, v in into.locals.items()
             if k in other.locals and _same(v, other.locals[k])}
    return _State(stack, local)


_INVOKES = {0xb6: "invokevirtual", 0xb7: "invokespecial", 0xb8: "invokestatic",
            0xb9: "invokeinterface"}
_LOADS = {0x15: 1, 0x16: 2, 0x17: 1, 0x18: 2, 0x19: 1}  # iload..aload: words
_STORES = {0x36: 1, 0x37: 2, 0x38: 1, 0x39: 2, 0x3a: 1}


class _Walk:
    """One walk over one method's code."""

    def __init__(self, code: Code, pool: ConstantPool, visitor: Visitor) -> None:
        self.code = code.code
        self.pool = pool
        self.visitor = visitor
        self.table = opcode_table()
        self.handlers = set(code.handlers)
        self.state = _State()
        self.saved: dict[int, _State] = {}

    # ---- stack --------------------------------------------------------------------------

    def pop(self, words: int) -> list[object]:
        stack = self.state.stack
        if words <= 0:
            return []
        taken = stack[-words:] if words <= len(stack) else stack[:]
        del stack[-words:]
        missing = words - len(taken)
        return [UNKNOWN] * missing + taken

    def push(self, *values: object) -> None:
        stack = self.state.stack
        stack.extend(values)
        if len(stack) > _MAX_STACK_WORDS:
            del stack[: len(stack) - _MAX_STACK_WORDS]

    def push_value(self, value: object, words: int) -> None:
        if words == 2:
            self.push(value, TOP)
        elif words == 1:
            self.push(value)

    def store(self, index: int, value: object, words: int) -> None:
        local = self.state.locals
        if local.pop(index, None) is TOP:
            local.pop(index - 1, None)  # the long/double whose upper word this was is broken
        if local.get(index + 1) is TOP or words == 2:
            local.pop(index + 1, None)
        if len(local) < _MAX_TRACKED_LOCALS and value is not UNKNOWN:
            local[index] = value
            if words == 2:
                local[index + 1] = TOP

    def load(self, index: int, words: int) -> None:
        self.push_value(self.state.locals.get(index, UNKNOWN), words)

    # ---- control flow -------------------------------------------------------------------

    def jump(self, target: int) -> None:
        if not 0 <= target < len(self.code):
            raise ClassFormatError(f"jump to {target} outside the code")
        known = self.saved.get(target)
        if known is not None:
            self.saved[target] = _merge(known, self.state)
        elif len(self.saved) < _MAX_TARGETS:
            self.saved[target] = self.state.copy()

    def arrive(self, pc: int, reachable: bool) -> None:
        known = self.saved.pop(pc, None)
        if pc in self.handlers:
            self.state = _State([UNKNOWN])
        elif known is not None:
            self.state = _merge(self.state, known) if reachable else known
        elif not reachable:
            self.state = _State()

    # ---- the walk -----------------------------------------------------------------------

    def run(self) -> None:
        code = self.code
        end = len(code)
        pc = 0
        reachable = True
        while pc < end:
            self.arrive(pc, reachable)
            opcode = self.table[code[pc]]
            if opcode is None:
                raise ClassFormatError(f"unknown opcode 0x{code[pc]:02x} at {pc}")
            length = self.length(pc, opcode)
            if pc + length > end:
                raise ClassFormatError(f"{opcode.name} at {pc} runs past the code")
            self.execute(pc, opcode)
            reachable = opcode.flow not in (Flow.GOTO, Flow.SWITCH, Flow.END)
            pc += length

    def length(self, pc: int, opcode: Opcode) -> int:
        if opcode.length:
            return opcode.length
        code = self.code
        if opcode.name == "wide":
            if pc + 1 >= len(code):
                raise ClassFormatError(f"wide at {pc} runs past the code")
            return 6 if code[pc + 1] == 0x84 else 4
        base = pc + 1 + (-(pc + 1) % 4)  # JVMS 6.5: 0-3 bytes pad to a multiple of four
        if base + 12 > len(code):
            raise ClassFormatError(f"{opcode.name} at {pc} runs past the code")
        if opcode.name == "tableswitch":
            low, high = _two_ints(code, base + 4)
            if high < low:
                raise ClassFormatError(f"tableswitch at {pc}: high {high} < low {low}")
            return base + 12 + 4 * (high - low + 1) - pc
        pairs = _int(code, base + 4)
        if pairs < 0:
            raise ClassFormatError(f"lookupswitch at {pc}: {pairs} pairs")
        return base + 8 + 8 * pairs - pc

    def execute(self, pc: int, opcode: Opcode) -> None:
        byte = opcode.code
        code = self.code
        if 0x02 <= byte <= 0x08:  # iconst_m1 .. iconst_5
            self.push(byte - 3)
        elif byte in (0x09, 0x0a):  # lconst_0, lconst_1
            self.push_value(byte - 0x09, 2)
        elif 0x0b <= byte <= 0x0d:  # fconst_0 .. fconst_2
            self.push(float(byte - 0x0b))
        elif byte in (0x0e, 0x0f):  # dconst_0, dconst_1
            self.push_value(float(byte - 0x0e), 2)
        elif byte == 0x10:  # bipush
            self.push(struct.unpack(">b", code[pc + 1:pc + 2])[0])
        elif byte == 0x11:  # sipush
            self.push(struct.unpack(">h", code[pc + 1:pc + 3])[0])
        elif byte in (0x12, 0x13, 0x14):  # ldc, ldc_w, ldc2_w
            index = code[pc + 1] if byte == 0x12 else int.from_bytes(code[pc + 1:pc + 3], "big")
            value = self.pool.loadable(index)
            self.push_value(UNKNOWN if value is None else value, 2 if byte == 0x14 else 1)
        elif byte in _LOADS:
            self.load(code[pc + 1], _LOADS[byte])
        elif 0x1a <= byte <= 0x2d:  # xload_n
            kind, slot = divmod(byte - 0x1a, 4)
            self.load(slot, 2 if kind in (1, 3) else 1)
        elif byte in _STORES:
            words = _STORES[byte]
            self.store(code[pc + 1], self.pop(words)[0], words)
        elif 0x3b <= byte <= 0x4e:  # xstore_n
            kind, slot = divmod(byte - 0x3b, 4)
            words = 2 if kind in (1, 3) else 1
            self.store(slot, self.pop(words)[0], words)
        elif byte == 0x84:  # iinc
            self.store(code[pc + 1], UNKNOWN, 1)
        elif 0x59 <= byte <= 0x5f:
            self.shuffle(byte)
        elif byte in _INVOKES or byte == 0xba:
            self.invoke(pc, byte)
        elif 0xb2 <= byte <= 0xb5:
            self.field(pc, byte)
        elif byte == 0xbb:  # new
            owner = self.pool.class_name(int.from_bytes(code[pc + 1:pc + 3], "big"))
            self.push(NewObject(owner))
        elif byte == 0xc0:  # checkcast leaves the reference as it is
            pass
        elif byte == 0xc4:
            self.wide(pc)
        elif byte == 0xc5:  # multianewarray
            self.pool.class_name(int.from_bytes(code[pc + 1:pc + 3], "big"))
            self.pop(code[pc + 3])
            self.push(UNKNOWN)
        else:
            assert opcode.pop is not None and opcode.push is not None
            self.pop(opcode.pop)
            self.push(*([UNKNOWN] * opcode.push))
        self.branch(pc, opcode)

    def branch(self, pc: int, opcode: Opcode) -> None:
        code = self.code
        if opcode.flow in (Flow.BRANCH, Flow.GOTO):
            if opcode.length == 5:
                offset = struct.unpack(">i", code[pc + 1:pc + 5])[0]
            else:
                offset = struct.unpack(">h", code[pc + 1:pc + 3])[0]
            self.jump(pc + offset)
        elif opcode.flow is Flow.SWITCH:
            base = pc + 1 + (-(pc + 1) % 4)
            if opcode.name == "tableswitch":
                low, high = struct.unpack(">ii", code[base + 4:base + 12])
                offsets = [struct.unpack(">i", code[base:base + 4])[0]]
                table = code[base + 12:base + 12 + 4 * (high - low + 1)]
                offsets.extend(struct.unpack(f">{high - low + 1}i", table))
            else:
                pairs = struct.unpack(">i", code[base + 4:base + 8])[0]
                offsets = [struct.unpack(">i", code[base:base + 4])[0]]
                raw = struct.unpack(f">{2 * pairs}i", code[base + 8:base + 8 + 8 * pairs])
                offsets.extend(raw[1::2])
            for offset in set(offsets):
                self.jump(pc + offset)

    def shuffle(self, byte: int) -> None:
        """dup, dup_x1, dup_x2, dup2, dup2_x1, dup2_x2, swap: on words (JVMS 6.5)."""
        if byte == 0x59:
            (a,) = self.pop(1)
            self.push(a, a)
        elif byte == 0x5a:
            b, a = self.pop(2)
            self.push(a, b, a)
        elif byte == 0x5b:
            c, b, a = self.pop(3)
            self.push(a, c, b, a)
        elif byte == 0x5c:
            b, a = self.pop(2)
            self.push(b, a, b, a)
        elif byte == 0x5d:
            c, b, a = self.pop(3)
            self.push(b, a, c, b, a)
        elif byte == 0x5e:
            d, c, b, a = self.pop(4)
            self.push(b, a, d, c, b, a)
        else:
            b, a = self.pop(2)
            self.push(a, b)

    def wide(self, pc: int) -> None:
        code = self.code
        inner = code[pc + 1]
        index = int.from_bytes(code[pc + 2:pc + 4], "big")
        if inner in _LOADS:
            self.load(index, _LOADS[inner])
        elif inner in _STORES:
            words = _STORES[inner]
            self.store(index, self.pop(words)[0], words)
        elif inner == 0x84:
            self.store(index, UNKNOWN, 1)
        elif inner != 0xa9:  # wide ret ends the subroutine
            raise ClassFormatError(f"wide at {pc} modifies opcode 0x{inner:02x}")

    def field(self, pc: int, byte: int) -> None:
        index = int.from_bytes(self.code[pc + 1:pc + 3], "big")
        owner, name, descriptor = self.pool.member_ref(index)
        words = field_size(descriptor)
        if byte == 0xb2:  # getstatic
            value = self.visitor.static_field(FieldRead(pc, owner, name, descriptor))
            self.push_value(Static(owner, name) if value is None else value, words)
        elif byte == 0xb3:  # putstatic
            self.pop(words)
        elif byte == 0xb4:  # getfield
            self.pop(1)
            self.push_value(UNKNOWN, words)
        else:  # putfield
            self.pop(words + 1)

    def invoke(self, pc: int, byte: int) -> None:
        index = int.from_bytes(self.code[pc + 1:pc + 3], "big")
        if byte == 0xba:  # invokedynamic: a bootstrap decides; its result is unknown
            _name, descriptor = self.pool.dynamic(index)
            sizes, result = parse_descriptor(descriptor)
            self.pop(sum(sizes))
            self.push_value(UNKNOWN, result)
            return
        owner, name, descriptor = self.pool.member_ref(index)
        sizes, result = parse_descriptor(descriptor)
        words = self.pop(sum(sizes))
        args: list[object] = []
        position = 0
        for size in sizes:
            args.append(settled(words[position]))
            position += size
        receiver: object = None
        constructed: NewObject | None = None
        if byte != 0xb8:
            (receiver,) = self.pop(1)
            if name == "<init>" and isinstance(receiver, NewObject):
                constructed = receiver
            receiver = settled(receiver)
        call = Invoke(pc, _INVOKES[byte], owner, name, descriptor, receiver, tuple(args),
                      constructed is not None)
        value = self.visitor.invoke(call)
        if constructed is not None and value is not None and constructed.value is None:
            constructed.value = value
        if result:
            self.push_value(UNKNOWN if value is None else value, result)


def _int(code: bytes, at: int) -> int:
    return int.from_bytes(code[at:at + 4], "big", signed=True)


def _two_ints(code: bytes, at: int) -> tuple[int, int]:
    return _int(code, at), _int(code, at + 4)


def walk(code: Code, pool: ConstantPool, visitor: Visitor) -> None:
    """Walk one method's code, reporting calls and static field reads to ``visitor``.

    Raises :class:`ClassFormatError` for code that is not well formed.
    """
    _Walk(code, pool, visitor).run()


class _Collector:
    def __init__(self) -> None:
        self.events: list[Invoke | FieldRead] = []

    def invoke(self, call: Invoke) -> object:
        self.events.append(call)
        return None

    def static_field(self, read: FieldRead) -> object:
        self.events.append(read)
        return None


def events(code: Code, pool: ConstantPool) -> list[Invoke | FieldRead]:
    """Every call and static field read of one method, in order (no values returned)."""
    collector = _Collector()
    walk(code, pool, collector)
    return collector.events
