"""Which file kinds a member is (``python``, ``shell``, ``startup``...), from its path.

The path is the member's report path (``fw.bin!/squashfs!/etc/init.d/S50telnet``); only the
innermost member's path counts. A ``#!`` line names the interpreter of scripts without an
extension (BusyBox init scripts, CGI scripts).
"""

from __future__ import annotations

import fnmatch
import re

from anke.detect.access.tables import FilesData

_SHEBANG = re.compile(rb"#![ \t]*(\S+)(?:[ \t]+(\S+))?")


class FileKinds:
    """Classify member paths by ``files.yaml``."""

    def __init__(self, data: FilesData) -> None:
        self._by_extension: dict[str, set[str]] = {}
        self._names: list[tuple[str, str]] = []
        self._paths: list[tuple[str, str]] = []
        self._interpreters: dict[str, set[str]] = {}
        for entry in data.kinds:
            for ext in entry.extensions:
                self._by_extension.setdefault(ext.lower(), set()).add(entry.kind)
            self._names += [(glob.lower(), entry.kind) for glob in entry.names]
            self._paths += [(glob.lower(), entry.kind) for glob in entry.paths]
            for name in entry.interpreters:
                self._interpreters.setdefault(name, set()).add(entry.kind)

    def of(self, path: str, head: bytes = b"") -> frozenset[str]:
        """The kinds of the member at ``path`` whose bytes start with ``head``."""
        inner = path.rsplit("!/", 1)[-1].replace("\\", "/").lower()
        name = inner.rsplit("/", 1)[-1]
        kinds: set[str] = set()
        if "." in name:
            kinds |= self._by_extension.get(name.rsplit(".", 1)[1], set())
        kinds |= {kind for glob, kind in self._names if fnmatch.fnmatchcase(name, glob)}
        kinds |= {kind for glob, kind in self._paths if fnmatch.fnmatchcase(inner, glob)}
        if head.startswith(b"#!"):
            kinds |= self._interpreter(head)
        return frozenset(kinds)

    def _interpreter(self, head: bytes) -> set[str]:
        found = _SHEBANG.match(head[:200])
        if found is None:
            return set()
        program = found.group(1).rsplit(b"/", 1)[-1].decode("ascii", "replace")
        if program == "env" and found.group(2):
            program = found.group(2).rsplit(b"/", 1)[-1].decode("ascii", "replace")
        program = re.sub(r"[\d.]+$", "", program) or program
        return self._interpreters.get(program, set())
