"""A look-ahead buffer over a body stream, shared by the multipart readers.

Multipart parsing (RFC 2046 section 5.1.1) needs to look past the end of a part
to recognise the delimiter. Instead of pushing bytes back into the source stream,
the readers share one of these buffers. Every method bounds how much it buffers,
so a hostile body can never make the parser accumulate it whole.
"""

from __future__ import annotations

from typing import Final

from ._protocols import ContentReader

__all__ = ["Lookahead"]

#: How much is requested from the source stream per read.
_READ_SIZE: Final = 2**16


class Lookahead:
    """Buffered reader over a :class:`ContentReader`; itself a ContentReader."""

    __slots__ = ("_buf", "_eof", "_source")

    def __init__(self, source: ContentReader) -> None:
        self._source = source
        self._buf = bytearray()
        self._eof = False

    @property
    def buffer(self) -> bytearray:
        """The bytes read from the source and not consumed yet."""
        return self._buf

    @property
    def exhausted(self) -> bool:
        """Whether the source is at EOF and the buffer is empty."""
        return self._eof and not self._buf

    async def fill(self) -> bool:
        """Append one read of the source to the buffer; False once it is at EOF."""
        if self._eof:
            return False
        data = await self._source.read(_READ_SIZE)
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    async def ensure(self, size: int) -> bool:
        """Buffer at least ``size`` bytes if the source has them."""
        while len(self._buf) < size:
            if not await self.fill():
                return False
        return True

    def take(self, size: int) -> bytes:
        """Remove and return the first ``size`` buffered bytes."""
        data = bytes(self._buf[:size])
        del self._buf[:size]
        return data

    async def read_line(self, limit: int) -> tuple[bytes, bool]:
        """Return the next line, or a piece of at most ``limit`` bytes of it.

        Returns:
            ``(data, complete)``: ``complete`` is True when ``data`` ends with a
            line feed; ``(b"", False)`` means the stream is exhausted.
        """
        searched = 0
        while True:
            pos = self._buf.find(b"\n", searched, limit)
            if pos != -1:
                return self.take(pos + 1), True
            if len(self._buf) >= limit:
                return self.take(limit), False
            searched = len(self._buf)
            if not await self.fill():
                return self.take(len(self._buf)), False

    async def read(self, n: int = -1) -> bytes:
        """Return up to ``n`` bytes (-1: everything left), ``b""`` at EOF."""
        if n < 0:
            while await self.fill():
                pass
            return self.take(len(self._buf))
        if not self._buf:
            await self.fill()
        return self.take(min(n, len(self._buf)))

    async def readline(self) -> bytes:
        """Return the next line (pieces of at most 64 KiB for longer lines)."""
        data, _ = await self.read_line(_READ_SIZE)
        return data
