"""The response body stream: ``StreamReader``, the side the application reads.

The protocol feeds decoded body bytes (RFC 9112 section 6 framing already removed)
through the methods ``StreamReader`` inherits from ``StreamFeed`` (``_stream_feed``);
the application reads them here with the aiohttp stream API. Defences (security
category 5, principle 7):

* Back-pressure: the feeding side pauses the protocol above the high-water marks;
  reads here resume it once the buffer is back below ``limit`` bytes and below
  half the chunk-boundary mark.
* Line reads are bounded by default (``max_size`` defaults to the high-water mark)
  and raise ``LineTooLong`` instead of buffering without end; the error is sticky
  (nothing is consumed), and the outcome does not depend on how the bytes were
  split into network reads.
* The buffer (``ChunkBuffer``) is a deque of the received chunks plus an offset
  into the first one: no chunk is copied on arrival, reads slice at most the
  chunks they return, and separator searches remember how far they got so a long
  line arriving in many pieces is scanned once, not once per piece.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from ._dataqueue import (
    AsyncStreamIterator,
    DataQueue,
    EofStream,
    FlowControlDataQueue,
    FlowControlProtocol,
)
from ._http._errors import LineTooLong, snippet
from ._stream_feed import DEFAULT_LIMIT, StreamFeed

__all__ = [
    "DEFAULT_LIMIT",
    "AsyncStreamIterator",
    "ChunkTupleAsyncStreamIterator",
    "DataQueue",
    "EofStream",
    "FlowControlDataQueue",
    "FlowControlProtocol",
    "StreamReader",
]

#: What is taken from the buffer: bytes, or a stored view (``take_stored``).
_Taken = TypeVar("_Taken", bound=bytes | memoryview)


class ChunkTupleAsyncStreamIterator:
    """Async iterator over :meth:`StreamReader.readchunk` results.

    Args:
        stream: The stream to read.
    """

    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    def __aiter__(self) -> ChunkTupleAsyncStreamIterator:
        return self

    async def __anext__(self) -> tuple[bytes, bool]:
        item = await self._stream.readchunk()
        if item == (b"", False):
            raise StopAsyncIteration
        return item


class StreamReader(StreamFeed):
    """Buffered reader of a response body, fed by the connection's protocol.

    Buffering is bounded by back-pressure: above the high-water mark
    (``2 * limit`` bytes) the reader calls ``protocol.pause_reading()``, and once
    reads bring it below the low-water mark (``limit``) it calls
    ``protocol.resume_reading()``. Only one coroutine may wait for data at a time.

    Args:
        protocol: The connection's protocol (see ``FlowControlProtocol``).
        limit: The low-water mark in bytes (aiohttp's ``read_bufsize``).
        timer: Bounds every wait for data (the request's ``total`` deadline);
            after it expired, reads raise ``TimeoutError`` even for buffered data.
        loop: Event loop for internal futures; the running loop when omitted.

    Attributes:
        total_bytes: Number of body bytes fed so far.
        total_compressed_bytes: Number of bytes received before decompression,
            maintained by the decoder; ``None`` when the body is not compressed.
    """

    __slots__ = ()

    async def wait_eof(self) -> None:
        """Wait until :meth:`feed_eof` is called (data stays buffered).

        Raises:
            RuntimeError: Another coroutine is already waiting for EOF.
        """
        if self._eof:
            return
        if self._eof_waiter is not None:
            raise RuntimeError("wait_eof() called while another coroutine is waiting")
        self._eof_waiter = waiter = self._get_loop().create_future()
        try:
            await waiter
        finally:
            self._eof_waiter = None
        # Woken by set_exception rather than feed_eof: report the failure.
        if self._exception is not None and not self.is_eof():
            raise self._exception

    # -- reading -------------------------------------------------------------------

    async def read(self, n: int = -1) -> bytes:
        """Read up to *n* bytes, or everything until EOF when *n* is negative.

        Args:
            n: Maximum number of bytes; ``-1`` reads to EOF, ``0`` returns ``b""``.

        Returns:
            The bytes read; ``b""`` only at EOF (or for ``n == 0``).
        """
        self._raise_if_failed()
        if not n:
            return b""
        if n < 0:
            if self._eof:
                return self._read_nowait(-1)  # all of it is here already
            # The chunks as they were received, joined once at the end (not
            # joined at each wake-up, as readany() does, and then again).
            blocks: list[bytes | memoryview] = []
            buffer = self._buffer
            while True:
                self._raise_if_failed()
                while not buffer._size and not self._eof:
                    await self._wait("read")
                if not buffer._size:
                    return b"".join(blocks)
                if self._timer is not None:
                    self._timer.assert_timeout()
                blocks.append(self._consumed(buffer.take_stored()))
        if n > self._low_water:
            # As in aiohttp: a consumer reading n bytes at a time may have up
            # to 2n buffered, and readline()'s default bound grows with it.
            self.set_read_chunk_size(n)
        # (The buffer's size attribute, not len() or bool(): once per read.)
        buffer = self._buffer
        while not buffer._size and not self._eof:
            await self._wait("read")
        return self._read_nowait(n)

    async def readany(self) -> bytes:
        """Return whatever is buffered, waiting for data if there is none.

        Returns:
            The buffered bytes; ``b""`` at EOF.
        """
        self._raise_if_failed()
        while not self._buffer and not self._eof:
            await self._wait("readany")
        return self._read_nowait(-1)

    async def readexactly(self, n: int) -> bytes:
        """Read exactly *n* bytes.

        Args:
            n: The number of bytes.

        Returns:
            The bytes.

        Raises:
            asyncio.IncompleteReadError: EOF came first; ``partial`` holds what was
                read and ``expected`` is *n*.
        """
        self._raise_if_failed()
        blocks: list[bytes] = []
        remaining = n
        while remaining > 0:
            block = await self.read(remaining)
            if not block:
                partial = b"".join(blocks)
                raise asyncio.IncompleteReadError(partial, len(partial) + remaining)
            blocks.append(block)
            remaining -= len(block)
        return b"".join(blocks)

    async def readline(self, *, max_line_length: int | None = None) -> bytes:
        r"""Read one line, ending with ``\n`` (or at EOF).

        Args:
            max_line_length: Longest accepted line including the terminator;
                defaults to the high-water mark.

        Returns:
            The line including ``\n``; the unterminated rest at EOF; ``b""`` once
            at EOF with nothing buffered.

        Raises:
            LineTooLong: The line is longer than the limit.
        """
        return await self.readuntil(max_size=max_line_length)

    async def readuntil(
        self, separator: bytes = b"\n", *, max_size: int | None = None
    ) -> bytes:
        """Read up to and including *separator* (or everything left at EOF).

        Args:
            separator: The delimiter; must not be empty.
            max_size: Longest accepted result including the separator; defaults to
                the high-water mark. Nothing is consumed when it is exceeded.

        Returns:
            The data including the separator, or the unterminated rest at EOF.

        Raises:
            ValueError: *separator* is empty.
            LineTooLong: The result would be longer than the limit.
        """
        if not separator:
            raise ValueError("Separator should be at least one-byte string")
        self._raise_if_failed()
        limit = max_size or self._high_water
        while True:
            end = self._buffer.find(separator)
            if end != -1:
                if end > limit:
                    raise self._too_long(limit)
                return self._read_nowait(end)
            # Without the separator the result is at least one byte longer than
            # what is buffered, unless the body has ended.
            if len(self._buffer) > limit:
                raise self._too_long(limit)
            if self._eof:
                return self._read_nowait(-1)
            await self._wait("readuntil")

    async def readchunk(self) -> tuple[bytes, bool]:
        """Read the next piece of data, aligned to HTTP chunk ends when known.

        Returns:
            ``(data, end_of_http_chunk)``: with chunked transfer coding the flag is
            ``True`` when *data* ends exactly at a chunk boundary; otherwise
            ``False``. ``(b"", False)`` means EOF.
        """
        while True:
            if self._exception is not None:  # (_raise_if_failed, inlined)
                raise self._exception
            splits = self._http_chunk_splits
            while splits:
                pos = splits.popleft()
                cursor = self._cursor
                if pos == cursor:
                    return (b"", True)
                if pos > cursor:
                    return (self._read_nowait(pos - cursor), True)
            if self._buffer._size:
                return (self._read_nowait_chunk(-1), False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    def read_nowait(self, n: int = -1) -> bytes:
        """Return up to *n* buffered bytes (all with ``-1``) without waiting.

        Args:
            n: Maximum number of bytes, or ``-1``.

        Returns:
            The bytes; ``b""`` when nothing is buffered.

        Raises:
            RuntimeError: A coroutine is waiting for data on this stream.
        """
        self._raise_if_failed()
        if self._waiter is not None and not self._waiter.done():
            raise RuntimeError(
                "Called while some coroutine is waiting for incoming data."
            )
        return self._read_nowait(n)

    def _take_all_if_ended(self) -> bytes | None:
        """Consume everything if the body ended cleanly; else ``None`` (then read).

        ``ClientResponse.read()`` uses it for a body that is already complete:
        the same result as ``read_nowait(-1)`` after checking :meth:`is_eof`
        and :meth:`exception`, in one call.
        """
        if not self._eof or self._exception is not None or self._waiter is not None:
            return None
        return self._read_nowait(-1)

    # -- iteration -----------------------------------------------------------------

    def __aiter__(self) -> AsyncStreamIterator[bytes]:
        return AsyncStreamIterator(self.readline)

    def iter_chunked(self, n: int) -> AsyncStreamIterator[bytes]:
        """Iterate over chunks of at most *n* bytes (the last may be shorter).

        Args:
            n: Chunk size; the water marks are raised to fit it.

        Returns:
            An async iterator of ``bytes``.
        """
        self.set_read_chunk_size(n)
        return AsyncStreamIterator(lambda: self.read(n))

    def iter_any(self) -> AsyncStreamIterator[bytes]:
        """Iterate over data as it arrives (one item per :meth:`readany`).

        Returns:
            An async iterator of ``bytes``.
        """
        return AsyncStreamIterator(self.readany)

    def iter_chunks(self) -> ChunkTupleAsyncStreamIterator:
        """Iterate over :meth:`readchunk` results until EOF.

        Returns:
            An async iterator of ``(bytes, bool)`` tuples.
        """
        return ChunkTupleAsyncStreamIterator(self)

    # -- internals -----------------------------------------------------------------

    def _raise_if_failed(self) -> None:
        """Raise the error set with :meth:`set_exception`, if any."""
        if self._exception is not None:
            raise self._exception

    async def _wait(self, func_name: str) -> None:
        """Block until data, a chunk end, EOF or an error arrives."""
        if not self._protocol.connected:
            raise RuntimeError("Connection closed.")
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is "
                "already waiting for incoming data"
            )
        # The buffer cannot satisfy this read: if reading is paused (possible
        # only when the caller allows lines beyond the high-water mark) it must
        # resume, or nothing would ever arrive.
        if self._protocol.reading_paused:
            self._protocol.resume_reading()
        self._waiter = waiter = self._get_loop().create_future()
        try:
            if self._timer is None:
                await waiter
            else:
                with self._timer:
                    await waiter
        finally:
            if self._waiter is waiter:
                self._waiter = None
        self._raise_if_failed()

    def _read_nowait_chunk(self, n: int) -> bytes:
        """Consume up to *n* bytes (``-1``: no limit) from the first chunk."""
        return self._consumed(self._buffer.take_first(n))

    def _consumed(self, data: _Taken) -> _Taken:
        """Account for *data* just taken from the buffer; resume below the marks."""
        self._cursor += len(data)
        splits = self._http_chunk_splits
        while splits and splits[0] < self._cursor:
            splits.popleft()
        if (
            self._protocol.reading_paused
            and self._buffer._size < self._low_water
            and (splits is None or len(splits) < self._low_water_chunks)
        ):
            self._protocol.resume_reading()
        return data

    def _read_nowait(self, n: int) -> bytes:
        """Consume up to *n* buffered bytes (``-1``: all of them)."""
        if self._timer is not None:
            self._timer.assert_timeout()
        return self._consumed(self._buffer.take(n))

    def _too_long(self, limit: int) -> LineTooLong:
        """Build the error for a line over *limit* bytes (quoting a bounded prefix)."""
        # At least limit + 1 bytes are buffered here, so the quoted prefix does
        # not depend on how the data was split.
        shown = min(limit, 100)
        return LineTooLong(snippet(self._buffer.peek(shown + 1), shown), limit)
