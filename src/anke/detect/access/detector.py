"""The ``access`` detector: hard-coded credentials and hidden remote-access indicators.

Stage one is one hyperscan pass over the member's bytes with the trigger patterns of every
indicator rule (``data/indicators.yaml``) and every detect-secrets plugin
(``data/secrets.yaml``); a member with no trigger costs nothing more. Stage two looks only at
the lines (at most 4 KiB of each) where a trigger matched: the rule's regexes and context
checks, or the detect-secrets plugin with its filters.

Findings are kind ``access`` (``access.auth-literal-compare``, ``access.fixed-port-listener``,
``access.debug-endpoint``, ``access.remote-shell-daemon``, ``access.decode-exec``,
``access.outbound-host``) or ``secret`` (``secret.*``, one rule per credential format).
Members whose first 8 KiB hold a NUL byte are binary and are not read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anke.detect.access.emit import Sink
from anke.detect.access.filekinds import FileKinds
from anke.detect.access.indicators import IndicatorMatcher
from anke.detect.access.tables import ANY_KIND, AccessTables, load_tables
from anke.detect.access.text import Text, Window, is_comment
from anke.detect.base import Detection
from anke.detect.prefilter import Prefilter
from anke.findings.model import FindingKind

if TYPE_CHECKING:
    from anke.detect.access.secrets import SecretScanner

MAX_BYTES = 16 << 20  # bytes of one member read
BINARY_SNIFF = 8192  # a NUL byte in this many first bytes makes a member binary
MAX_HITS = 200_000  # stage-one hits looked at in one member
MAX_WINDOWS = 20_000  # line windows given to stage two in one member

_RULE = 0
_SECRET = 1


class AccessDetector:
    """Hard-coded credentials (via detect-secrets) and hidden-access indicators in text."""

    name = "access"

    def __init__(self, tables: AccessTables | None = None) -> None:
        self.tables = tables or load_tables()
        self.kinds = FileKinds(self.tables.files)
        self.indicators = IndicatorMatcher(self.tables)
        self._secrets: SecretScanner | None = None  # detect-secrets loads on first use
        patterns: list[bytes] = []
        caseless: list[bool] = []
        self._owners: list[tuple[int, int]] = []  # prefilter pattern -> (rule or secret, index)
        for index, rule in enumerate(self.tables.indicators.rules):
            for trigger in rule.triggers:
                patterns.append(trigger.encode("utf-8"))
                caseless.append(rule.caseless)
                self._owners.append((_RULE, index))
        for index, plugin in enumerate(self.tables.secrets.plugins):
            for trigger in plugin.triggers:
                patterns.append(trigger.encode("utf-8"))
                caseless.append(plugin.caseless)
                self._owners.append((_SECRET, index))
        self.prefilter = Prefilter(patterns, caseless=caseless)

    @property
    def secrets(self) -> SecretScanner:
        """The detect-secrets bridge, built when a member first needs it."""
        if self._secrets is None:
            from anke.detect.access.secrets import SecretScanner

            self._secrets = SecretScanner(self.tables)
        return self._secrets

    def handles(self, path: str, head: bytes) -> bool:
        """Every text member: no NUL byte in its first 8 KiB."""
        return b"\x00" not in head[:BINARY_SNIFF]

    def detect(self, path: str, data: bytes) -> Detection:
        """The credentials and access indicators in one text member."""
        sink = Sink(path)
        if b"\x00" in data[:BINARY_SNIFF]:
            sink.note("access: binary member not read")
            return Detection([], sink.notes)
        try:
            parsed = self._detect(sink, path, data)
        except Exception as exc:  # a strange member must never stop a scan
            sink.note(f"access detector stopped: {type(exc).__name__}: {exc}")
            parsed = True
        return Detection(sink.sorted(), sink.notes, parsed=parsed)

    def _detect(self, sink: Sink, path: str, data: bytes) -> bool:
        if len(data) > MAX_BYTES:
            sink.note(f"access: only the first {MAX_BYTES >> 20} MiB read")
            data = data[:MAX_BYTES]
        hits, cut = self.prefilter.scan(data, MAX_HITS)
        if not hits:
            return False
        if cut:
            sink.note(f"access: more than {MAX_HITS} candidate places; the rest not read")
        kinds = self.kinds.of(path, data[:256])
        applies = self._applicable(kinds)
        text = Text(data)
        seen: set[tuple[int, int, int]] = set()
        windows: dict[int, Window] = {}
        for hit in sorted(hits, key=lambda h: h.end):
            owner = self._owners[hit.pattern]
            if owner not in applies:
                continue
            offset = max(hit.end - 1, 0)
            window = self._window(text, windows, offset)
            key = (owner[0], owner[1], window.start)
            if key in seen:
                continue
            if len(seen) >= MAX_WINDOWS:
                sink.note(f"access: more than {MAX_WINDOWS} candidate lines; the rest not read")
                break
            seen.add(key)
            if "python" in kinds and self._documentation(owner) and \
                    text.in_triple_quotes(offset):
                continue  # a docstring: examples, not code
            self._stage_two(sink, path, kinds, text, window, owner)
            if sink.full:
                break
        return True

    def _documentation(self, owner: tuple[int, int]) -> bool:
        """Whether an owner's findings are noise inside documentation text (not token formats)."""
        return owner[0] == _RULE or self.tables.secrets.plugins[owner[1]].keyword

    def _applicable(self, kinds: frozenset[str]) -> set[tuple[int, int]]:
        """The rules and plugins that run on a member of these kinds."""
        owners = {(_RULE, i) for i in self.indicators.by_rule
                  if self.indicators.applies(i, kinds)}
        owners |= {(_SECRET, i) for i, plugin in enumerate(self.tables.secrets.plugins)
                   if ANY_KIND in plugin.kinds or set(plugin.kinds) & kinds}
        return owners

    @staticmethod
    def _window(text: Text, cache: dict[int, Window], offset: int) -> Window:
        line_start = text.data.rfind(b"\n", 0, offset) + 1
        window = cache.get(line_start)
        if window is not None and (not window.cut or
                                   window.start <= offset < window.start + len(window.text)):
            return window
        window = text.window(offset)
        cache[line_start] = window
        return window

    def _stage_two(self, sink: Sink, path: str, kinds: frozenset[str], text: Text,
                   window: Window, owner: tuple[int, int]) -> None:
        what, index = owner
        if what == _RULE:
            for hit in self.indicators.scan(index, kinds, text, window):
                sink.add(hit.rule, FindingKind.ACCESS, window.line,
                         window.column + hit.column, hit.evidence, hit.confidence, hit.key)
            return
        if self.tables.secrets.plugins[index].keyword and window.start == window.line_start \
                and is_comment(window.text, hash_comments="c" not in kinds):
            return  # a credential in a comment is an example far more often than a leak
        previous = _previous_line(text, window)
        for secret in self.secrets.scan(index, path, window.text, previous):
            sink.add(secret.rule, FindingKind.SECRET, window.line,
                     window.column + secret.column, secret.evidence, secret.confidence,
                     secret.key)


def _previous_line(text: Text, window: Window) -> str:
    if window.line_start == 0:
        return ""
    start = text.data.rfind(b"\n", 0, window.line_start - 1) + 1
    return text.data[start:min(window.line_start - 1, start + 4096)].decode("utf-8", "replace")
