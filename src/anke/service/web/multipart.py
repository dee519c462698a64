"""A ``multipart/form-data`` body read as it arrives: small fields first, then one file.

The upload form puts its text fields (the CSRF token) before the file, as browsers send
fields in document order.  :class:`FormStream` collects those fields, stops at the file's
headers, and then hands out the file's bytes piece by piece, so the caller can check the
fields before a single byte of the file is stored, and nothing holds the whole file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

_FIELD_LIMIT = 4096
_FIELDS_MAX = 16


class FormError(ValueError):
    """The body is not a form this reader accepts (one line, for a 400)."""


@dataclass(frozen=True)
class _Event:
    kind: str  # field, file, data, file-end
    name: str = ""
    text: str = ""  # a field's value, or a file's name
    data: bytes = b""


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    value: bytearray = field(default_factory=bytearray)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` content type; :class:`FormError` if none."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise FormError("the upload must be sent as multipart/form-data")
    return boundary


class FormStream:
    """Fields then one file of a multipart body, from an async iterator of its chunks."""

    def __init__(self, chunks: AsyncIterator[bytes], boundary: bytes) -> None:
        self._chunks = chunks
        self._events: deque[_Event] = deque()
        self._part = _Part()
        self._ended = False
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        })

    # parser callbacks ------------------------------------------------------------------
    def _begin(self) -> None:
        self._part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._part.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._part.header_value += data[start:end]

    def _header_end(self) -> None:
        part = self._part
        part.headers[part.header_field.decode("latin-1").lower()] = (
            part.header_value.decode("utf-8", "replace"))
        part.header_field, part.header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        part = self._part
        _, options = parse_options_header(part.headers.get("content-disposition", ""))
        part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw = options.get(b"filename")
        part.filename = raw.decode("utf-8", "replace") if raw is not None else None
        if part.filename is not None:
            self._events.append(_Event("file", part.name, part.filename))

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part.filename is not None:
            self._events.append(_Event("data", data=bytes(data[start:end])))
            return
        part.value += data[start:end]
        if len(part.value) > _FIELD_LIMIT:
            raise FormError(f"form field {part.name!r} is longer than {_FIELD_LIMIT} bytes")

    def _end(self) -> None:
        part = self._part
        if part.filename is not None:
            self._events.append(_Event("file-end"))
        else:
            self._events.append(_Event("field", part.name, part.value.decode("utf-8", "replace")))

    # reading -----------------------------------------------------------------------------
    async def _next(self) -> _Event | None:
        while not self._events:
            if self._ended:
                return None
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                self._ended = True
                self._parser.finalize()
                continue
            try:
                self._parser.write(chunk)
            except FormError:
                raise
            except Exception as exc:  # the parser's own errors: a malformed body
                raise FormError(f"the form is malformed: {exc}") from None
        return self._events.popleft()

    async def fields_until_file(self) -> tuple[dict[str, str], str | None, str | None]:
        """The text fields before the first file, that file's field name and file name
        (None and None when the form has no file)."""
        fields: dict[str, str] = {}
        while (event := await self._next()) is not None:
            if event.kind == "field":
                if len(fields) >= _FIELDS_MAX:
                    raise FormError("the form has too many fields")
                fields[event.name] = event.text
            elif event.kind == "file":
                return fields, event.name, event.text
        return fields, None, None

    async def file_chunks(self) -> AsyncIterator[bytes]:
        """The current file's bytes, as they arrive (call after :meth:`fields_until_file`)."""
        while (event := await self._next()) is not None:
            if event.kind == "data" and event.data:
                yield event.data
            elif event.kind == "file-end":
                return
        raise FormError("the form ended inside the file")
