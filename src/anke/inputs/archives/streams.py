"""Bounded reading of compressed streams (gzip, bzip2, xz, zstd), in chunks.

A compressed stream is decompressed a chunk at a time and never beyond a ceiling, so a
bomb costs at most the ceiling in memory and time.  Concatenated streams (multi-member gzip,
multi-stream xz and bzip2) are followed to the end.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from typing import BinaryIO, Protocol

import zstandard

from anke.inputs.archives.limits import LimitExceeded
from anke.inputs.archives.sniff import Format

_CHUNK = 256 * 1024


class _Decompressor(Protocol):
    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...

    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    @property
    def needs_input(self) -> bool: ...


class _Gzip:
    """zlib's gzip decoder with the interface of lzma's and bz2's decoders."""

    def __init__(self) -> None:
        self._inner = zlib.decompressobj(wbits=31)
        self._tail = b""

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        out = self._inner.decompress(self._tail + data, max(max_length, 0))
        self._tail = self._inner.unconsumed_tail
        return out

    @property
    def eof(self) -> bool:
        return self._inner.eof

    @property
    def unused_data(self) -> bytes:
        return self._inner.unused_data

    @property
    def needs_input(self) -> bool:
        return not self._tail


def _new(kind: Format) -> _Decompressor:
    if kind is Format.GZIP:
        return _Gzip()
    if kind is Format.BZIP2:
        return bz2.BZ2Decompressor()
    if kind is Format.XZ:
        return lzma.LZMADecompressor(format=lzma.FORMAT_AUTO)
    raise ValueError(f"not a chunked stream: {kind}")


_ERRORS = (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error, zstandard.ZstdError)


class DecompressingReader(io.RawIOBase):
    """A read-only stream of the decompressed bytes of ``source``, at most ``ceiling``.

    Reading past the ceiling raises :class:`LimitExceeded` with ``reason``; corrupt or
    truncated data raises ``OSError`` (what tarfile and the callers expect of a stream).
    """

    def __init__(self, source: BinaryIO, kind: Format, ceiling: int, reason: str) -> None:
        self._source = source
        self._kind = kind
        self._ceiling = ceiling
        self._reason = reason
        self._buffer = b""
        self._input = b""
        self._done = False
        self.produced = 0
        self._zstd = (zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
                      if kind is Format.ZSTD else None)
        self._decoder = None if self._zstd is not None else _new(kind)

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer and not self._done:
            try:
                out = self._next()
            except LimitExceeded:
                raise
            except _ERRORS as exc:
                raise OSError(f"corrupt {self._kind} stream: {exc}") from None
            self.produced += len(out)
            if self.produced > self._ceiling:
                raise LimitExceeded(self._reason)
            self._buffer = out
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def _next(self) -> bytes:
        if self._zstd is not None:
            out = self._zstd.read(_CHUNK)
            self._done = not out
            return bytes(out)
        decoder = self._decoder
        assert decoder is not None
        if decoder.eof:
            rest = decoder.unused_data + self._input
            self._input = b""
            if not rest:
                rest = self._source.read(_CHUNK)
            if not rest.strip(b"\x00"):  # nothing, or padding after the last stream
                self._done = True
                return b""
            decoder = self._decoder = _new(self._kind)  # a concatenated stream follows
            self._input = rest
        if self._input:
            data, self._input = self._input, b""
        elif decoder.needs_input:
            data = self._source.read(_CHUNK)
            if not data:
                raise EOFError("truncated")
        else:
            data = b""
        return decoder.decompress(data, _CHUNK)


def decompress_all(source: BinaryIO, kind: Format, ceiling: int, reason: str) -> bytes:
    """The whole decompressed content, or :class:`LimitExceeded` past ``ceiling``."""
    reader = DecompressingReader(source, kind, ceiling, reason)
    return io.BufferedReader(reader, _CHUNK).read()
