"""A request body read as a blocking file, so the blob encryption can stream it.

The route hands the body's async iterator to a worker thread; each ``read`` there pulls
the next piece from the event loop.  Nothing is spooled to disk in clear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio.from_thread


class BodyReader:
    """A minimal binary file over an async byte iterator (used from a worker thread)."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._ended = False

    async def _next(self) -> bytes | None:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all when negative); b"" at the end."""
        while not self._ended and (size < 0 or len(self._buffer) < size):
            piece = anyio.from_thread.run(self._next)
            if piece is None:
                self._ended = True
            else:
                self._buffer.extend(piece)
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out
