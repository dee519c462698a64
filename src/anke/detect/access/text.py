"""Lines of a text member: where a byte offset sits, and the text of a line or window.

Lines longer than :data:`MAX_LINE` bytes (minified code) are read as a window of that
size around the position of interest, so no single line costs more than that.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE = 4096
_COMMENT_STARTS = ("#", "//", "/*", "* ", "*\t", "*/", "<!--", ";", "REM ", "rem ", ">>>",
                   "... ", "%", "dnl ")


@dataclass(frozen=True)
class Window:
    """A slice of one line: ``text`` starts ``column - 1`` characters into line ``line``."""

    line: int
    start: int  # byte offset of the slice in the member
    line_start: int  # byte offset of the line
    text: str
    column: int  # 1-based column (in characters) of ``text[0]``
    cut: bool  # the line was longer than the slice


class Text:
    """One member's bytes, seen as lines."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._line = 1  # line number at self._pos, for increasing look-ups
        self._pos = 0
        self._quotes = [0, 0]  # triple quotes (double, single) before self._qpos
        self._qpos = 0

    def line_of(self, offset: int) -> int:
        """The 1-based line of ``offset``; fastest when called with increasing offsets."""
        if offset < self._pos:
            self._line, self._pos = 1, 0
        self._line += self.data.count(b"\n", self._pos, offset)
        self._pos = offset
        return self._line

    def in_triple_quotes(self, offset: int) -> bool:
        """Whether ``offset`` sits inside a Python triple-quoted string (a docstring).

        Counts the triple quotes before it; fastest when called with increasing offsets.
        """
        if offset < self._qpos:
            self._quotes, self._qpos = [0, 0], 0
        self._quotes[0] += self.data.count(b'"""', self._qpos, offset)
        self._quotes[1] += self.data.count(b"'''", self._qpos, offset)
        self._qpos = offset
        return bool(self._quotes[0] % 2 or self._quotes[1] % 2)

    def window(self, offset: int) -> Window:
        """The line holding ``offset``, or :data:`MAX_LINE` bytes of it around ``offset``."""
        data = self.data
        line_start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        if end < 0:
            end = len(data)
        start, stop = line_start, end
        if stop - start > MAX_LINE:
            start = max(line_start, offset - MAX_LINE // 2)
            stop = min(end, start + MAX_LINE)
            start = max(line_start, stop - MAX_LINE)
        prefix = data[line_start:start].decode("utf-8", "replace") if start > line_start else ""
        text = data[start:stop].decode("utf-8", "replace").rstrip("\r")
        return Window(self.line_of(offset), start, line_start, text, len(prefix) + 1,
                      stop - start < end - line_start)

    def lines_around(self, window: Window, before: int, after: int) -> str:
        """The ``before`` lines above the window's line, the line, and ``after`` lines below.

        Each line is cut to :data:`MAX_LINE` bytes.
        """
        data = self.data
        start = window.line_start
        for _ in range(before):
            if start == 0:
                break
            start = data.rfind(b"\n", 0, start - 1) + 1
        end = data.find(b"\n", window.line_start)
        for _ in range(after):
            if end < 0:
                break
            end = data.find(b"\n", end + 1)
        chunk = data[start:end if end >= 0 else len(data)]
        return "\n".join(line[:MAX_LINE].decode("utf-8", "replace")
                         for line in chunk.split(b"\n"))


def is_comment(line: str, *, hash_comments: bool = True) -> bool:
    """Whether a line is a whole-line comment (or a doctest prompt) in a common syntax.

    ``hash_comments`` is false for languages where ``#`` starts a directive (C, C#).
    """
    stripped = line.lstrip()
    if stripped.startswith("#"):
        return hash_comments and not stripped.startswith("#!")
    return stripped.startswith(_COMMENT_STARTS)
