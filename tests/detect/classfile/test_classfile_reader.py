"""The class file reader and the bytecode walk on classes javac compiles here."""

from __future__ import annotations

from pathlib import Path

import pytest
from classfile_javac import compile_java, needs_javac

from anke.detect.classfile.bytecode import FieldRead, Invoke, Static, events, parse_descriptor
from anke.detect.classfile.reader import (
    ClassFormatError,
    decode_modified_utf8,
    is_class_file,
    parse_class,
)

SHAPES = """\
package p;

public class Shapes {
    static final long BIG = 1234567890123L;
    static final double HALF = 0.5;
    static long counter;

    static void sink(String value) {}
    static void take(String a, long b, String c, double d, int e) {}

    void constants() {
        take("after-long", BIG, "nul\\u0000and\\uD83D\\uDE00", HALF, 300);
    }

    void switches(int k, String s) {
        switch (k) {
            case 1: sink("one"); break;
            case 2: sink("two"); break;
            case 3: sink("three"); break;
            default: sink("other");
        }
        switch (k) {
            case 10: sink("ten"); break;
            case 1000: sink("thousand"); break;
            default: break;
        }
        take("end", counter, "x", 1.0, -1);
    }
}
"""


def _wide_source() -> str:
    """A method with more than 256 locals: javac must use ``wide`` loads and stores."""
    lines = ["package p;", "public class Wide {",
             "    static void take(String a, int b) {}", "    void many() {"]
    lines += [f"        int v{i} = {i};" for i in range(300)]
    lines += ['        String late = "late-local";', "        take(late, v299);",
              "    }", "}"]
    return "\n".join(lines) + "\n"


pytestmark = needs_javac


@pytest.fixture(scope="module")
def classes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("shapes")
    return compile_java(root, {"p/Shapes.java": SHAPES, "p/Wide.java": _wide_source()})


def _calls(data: bytes, method: str) -> list[Invoke | FieldRead]:
    cls = parse_class(data)
    code = next(m.code for m in cls.methods if m.name == method)
    assert code is not None
    return events(code, cls.pool)


def test_header_and_members(classes: dict[str, bytes]) -> None:
    cls = parse_class(classes["p/Shapes.class"])
    assert cls.this_class == "p/Shapes"
    assert cls.dotted_name == "p.Shapes"
    assert cls.super_class == "java/lang/Object"
    assert cls.major >= 52
    assert [f.name for f in cls.fields] == ["BIG", "HALF", "counter"]
    assert [m.name for m in cls.methods] == ["<init>", "sink", "take", "constants", "switches"]
    take = next(m for m in cls.methods if m.name == "take")
    assert take.descriptor == "(Ljava/lang/String;JLjava/lang/String;DI)V"
    constants = next(m for m in cls.methods if m.name == "constants")
    assert constants.code is not None and constants.code.line_at(0) == 12


def test_constants_after_long_and_double_slots(classes: dict[str, bytes]) -> None:
    (call,) = _calls(classes["p/Shapes.class"], "constants")
    assert isinstance(call, Invoke)
    assert (call.kind, call.owner, call.name) == ("invokestatic", "p/Shapes", "take")
    # modified UTF-8: NUL is C0 80 and the emoji two three-byte surrogates
    assert call.args == ("after-long", 1234567890123, "nul\x00and\U0001F600", 0.5, 300)
    assert call.receiver is None


def test_switch_padding_and_merges(classes: dict[str, bytes]) -> None:
    found = _calls(classes["p/Shapes.class"], "switches")
    strings = [c.args[0] for c in found if isinstance(c, Invoke) and c.name == "sink"]
    assert strings == ["one", "two", "three", "other", "ten", "thousand"]
    read = next(c for c in found if isinstance(c, FieldRead))
    assert (read.owner, read.name, read.descriptor) == ("p/Shapes", "counter", "J")
    last = found[-1]
    assert isinstance(last, Invoke)
    assert last.args == ("end", Static("p/Shapes", "counter"), "x", 1.0, -1)


def test_wide_locals(classes: dict[str, bytes]) -> None:
    (call,) = _calls(classes["p/Wide.class"], "many")
    assert isinstance(call, Invoke)
    assert call.args == ("late-local", 299)


def test_descriptors() -> None:
    assert parse_descriptor("()V") == ((), 0)
    assert parse_descriptor("(J[JLjava/lang/String;[[D)D") == ((2, 1, 1, 1), 2)
    for bad in ("V", "(", "(Q)V", "(Ljava/lang/String)V", "()VV"):
        with pytest.raises(ClassFormatError):
            parse_descriptor(bad)


def test_modified_utf8() -> None:
    assert decode_modified_utf8(b"plain") == "plain"
    assert decode_modified_utf8(b"a\xc0\x80b") == "a\x00b"
    assert decode_modified_utf8(b"\xed\xa0\xbd\xed\xb8\x80") == "\U0001F600"
    assert decode_modified_utf8("中".encode()) == "中"
    with pytest.raises(ClassFormatError):
        decode_modified_utf8(b"\xff\xfe")


def test_malformed_inputs_raise_one_error(classes: dict[str, bytes], tmp_path: Path) -> None:
    data = classes["p/Shapes.class"]
    assert is_class_file(data[:8])
    with pytest.raises(ClassFormatError, match="no CAFEBABE"):
        parse_class(b"\x00" * 16)
    with pytest.raises(ClassFormatError, match="unsupported major version 2"):
        parse_class(b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\x00" * 8)
    for cut in range(0, len(data) - 1, 97):
        with pytest.raises(ClassFormatError):
            parse_class(data[:cut])
    bad_tag = bytearray(data)
    bad_tag[10] = 99  # the first constant's tag
    with pytest.raises(ClassFormatError, match="unknown constant pool tag 99"):
        parse_class(bytes(bad_tag))
