"""The access detector on binary, huge, minified and ordinary input, and its data files."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from access_factory import brief, detector

from anke.detect.access.detector import MAX_BYTES
from anke.detect.access.emit import MAX_FINDINGS
from anke.detect.access.filekinds import FileKinds
from anke.detect.access.tables import IndicatorsData, load_tables
from anke.findings.model import Finding


def test_handles_text_only() -> None:
    d = detector()
    assert d.handles("a.py", b"import os\n")
    assert d.handles("etc/init.d/rcS", b"#!/bin/sh\n")
    assert not d.handles("lib/libx.so", b"\x7fELF\x02\x01\x01\x00\x00\x00")


def test_binary_member_is_ignored() -> None:
    data = b"\x7fELF\x00\x00" + b'telnetd -l /bin/sh\nexec(base64.b64decode(x))\n'
    result = detector().detect("bin/busybox", data)
    assert result.findings == []
    assert [n.reason for n in result.notes] == ["access: binary member not read"]


def test_file_kinds() -> None:
    kinds = FileKinds(load_tables().files)
    assert kinds.of("fw.bin!/squashfs-root/etc/init.d/S50telnet") == {"startup", "shell"}
    assert kinds.of("x.tar!/bin/run", b"#!/usr/bin/env python3\n") == {"python"}
    assert kinds.of("etc/ssh/sshd_config") == {"sshd-config"}
    assert kinds.of("lib/systemd/system/telnet.service") == {"startup"}
    assert kinds.of("README.md") == {"docs"}


def test_minified_line_is_read_in_bounded_windows() -> None:
    filler = "var a=function(b){return b+1};" * 20_000  # one 600 KB line
    text = filler + 'eval(atob("ZG9jdW1lbnQud3JpdGUoMSk="));' + filler
    start = time.perf_counter()
    found = detector().detect("dist/app.min.js", text.encode()).findings
    assert time.perf_counter() - start < 5
    assert [(f.rule, f.line, f.column) for f in found] == [
        ("access.decode-exec", 1, len(filler) + 1)]
    assert len(found[0].evidence) <= 200


def test_findings_per_member_are_bounded() -> None:
    text = "".join(f'exec(base64.b64decode(P{i}))\n' for i in range(MAX_FINDINGS + 50))
    result = detector().detect("a.py", text.encode())
    assert len(result.findings) == MAX_FINDINGS
    assert [n.reason for n in result.notes] == [
        f"more than {MAX_FINDINGS} access findings; the rest not listed"]


def test_huge_member_is_cut() -> None:
    data = b"x = 1\n" * (MAX_BYTES // 6 + 10) + b"exec(base64.b64decode(P))\n"
    result = detector().detect("big.py", data)
    assert result.findings == []
    assert [n.reason for n in result.notes] == ["access: only the first 16 MiB read"]


def test_garbage_bytes_do_not_raise() -> None:
    data = bytes(range(1, 256)) * 50 + b"\xff\xfe password == '\xc3\x28' exec(\n"
    result = detector().detect("weird.py", data)
    assert isinstance(result.findings, list)


def test_finding_ids_are_stable() -> None:
    text = 'def login(u, password):\n    if password == "letmein42":\n        pass\n'
    one = detector().detect("a.py", text.encode()).findings
    two = detector().detect("a.py", text.encode()).findings
    assert [f.id for f in one] == [f.id for f in two]
    assert one[0].id == Finding.make_id(one[0].rule, "a.py", 2, 8, one[0].evidence, None)


def test_bad_rule_data_is_a_one_line_error(tmp_path: Path) -> None:
    from anke.datafile import load_yaml_model
    from anke.errors import DataFileError
    bad = tmp_path / "indicators.yaml"
    bad.write_text("rules:\n  - id: Access.X\n    description: d\n    kinds: ['*']\n"
                   "    triggers: [a]\n    confidence: high\n    patterns: [{regex: a}]\n"
                   "version_context: v\nendpoint_words: {}\n")
    with pytest.raises(DataFileError, match=r"rules\[0\]\(Access\.X\)\.id"):
        load_yaml_model(bad, IndicatorsData)


def test_bad_pattern_regex_is_a_one_line_error() -> None:
    from anke.detect.access.tables import AccessTables
    from anke.errors import DataFileError
    tables = load_tables()
    rule = tables.indicators.rules[1].model_copy(update={
        "patterns": (tables.indicators.rules[1].patterns[0].model_copy(
            update={"regex": "(unclosed"}),)})
    rules = (tables.indicators.rules[0], rule, *tables.indicators.rules[2:])
    indicators = tables.indicators.model_copy(update={"rules": rules})
    broken = AccessTables(tables.files, indicators, tables.secrets)
    with pytest.raises(DataFileError, match=rf"rules\[1\]\({rule.id}\)\.patterns\[0\]"):
        broken.compile_all()


# a fixed list of standard-library modules: ordinary code with sockets, URLs, passwords
STDLIB = ["socket.py", "socketserver.py", "ssl.py", "smtplib.py", "ftplib.py", "imaplib.py",
          "poplib.py", "urllib/request.py", "urllib/parse.py", "http/client.py",
          "http/server.py", "http/cookiejar.py", "xmlrpc/client.py", "xmlrpc/server.py",
          "ipaddress.py", "getpass.py", "netrc.py", "hmac.py", "hashlib.py", "secrets.py",
          "base64.py", "subprocess.py", "asyncio/base_events.py", "asyncio/streams.py",
          "wsgiref/simple_server.py", "logging/handlers.py", "_aix_support.py", "platform.py",
          "email/utils.py", "uuid.py", "tarfile.py", "zipfile.py", "pydoc.py", "shlex.py"]


def test_standard_library_is_nearly_silent() -> None:
    root = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    files = [root / name for name in STDLIB if (root / name).is_file()]
    if len(files) < len(STDLIB) // 2:
        pytest.skip("the standard library sources are not installed")
    found = [f for path in files
             for f in detector().detect(f"stdlib/{path.relative_to(root)}",
                                        path.read_bytes()).findings]
    # measured: one (wsgiref's demo server on port 8000, in its `if __name__` block)
    assert len(found) <= 2, [(f.path, f.line, f.rule) for f in found]


def test_rule_data_loads() -> None:
    tables = load_tables()
    ids = {rule.id for rule in tables.indicators.rules}
    assert ids == {"access.auth-literal-compare", "access.fixed-port-listener",
                   "access.debug-endpoint", "access.remote-shell-daemon", "access.decode-exec",
                   "access.outbound-host"}
    assert brief("a.txt", "nothing to see here\n") == []
