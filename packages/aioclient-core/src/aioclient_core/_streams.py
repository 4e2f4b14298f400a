"""The response body stream: ``StreamReader`` with back-pressure, and ``EMPTY_PAYLOAD``.

The protocol feeds decoded body bytes (RFC 9112 section 6 framing already removed)
with :meth:`StreamReader.feed_data`; the application reads them with the aiohttp
stream API. Defences (security category 5, principle 7):

* Back-pressure: the protocol is paused when more than ``2 * limit`` bytes (or too
  many unread HTTP chunk boundaries) are buffered and resumed below ``limit``.
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
import collections
import logging
import warnings
from collections.abc import Callable
from typing import Final, TypeVar

from ._chunkbuffer import ChunkBuffer
from ._dataqueue import (
    EXC_CAUSE_NOT_GIVEN,
    AsyncStreamIterator,
    DataQueue,
    EofStream,
    FlowControlDataQueue,
    FlowControlProtocol,
    attach_cause,
    wake,
)
from ._http._errors import LineTooLong, snippet
from ._timeouts import WaitTimer

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

_log = logging.getLogger(__name__)

#: The default ``limit`` (aiohttp's ``read_bufsize`` default, 256 KiB).
DEFAULT_LIMIT: Final = 2**18

_UNREAD_DEPRECATED: Final = (
    "unread_data() is deprecated and will be removed in future releases (#3260)"
)


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


class StreamReader:
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

    __slots__ = (
        "_buffer",
        "_cursor",
        "_eof",
        "_eof_callbacks",
        "_eof_waiter",
        "_exception",
        "_high_water",
        "_high_water_chunks",
        "_http_chunk_splits",
        "_loop",
        "_low_water",
        "_low_water_chunks",
        "_protocol",
        "_timer",
        "_waiter",
        "total_bytes",
        "total_compressed_bytes",
    )

    def __init__(
        self,
        protocol: FlowControlProtocol,
        limit: int,
        *,
        timer: WaitTimer | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._protocol = protocol
        self._low_water = limit
        self._high_water = limit * 2
        # Each unread chunk boundary costs memory too; a peer sending a flood of
        # tiny chunks is throttled on their count as well as on bytes.
        self._high_water_chunks = max(4, limit // 16)
        self._low_water_chunks = self._high_water_chunks // 2
        self._loop = loop
        self._buffer = ChunkBuffer()
        self._cursor = 0  # bytes consumed so far
        self._http_chunk_splits: collections.deque[int] | None = None
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: type[BaseException] | BaseException | None = None
        self._timer = timer
        self._eof_callbacks: list[Callable[[], object]] = []
        self.total_bytes = 0
        self.total_compressed_bytes: int | None = None

    def __repr__(self) -> str:
        info = [type(self).__name__]
        if self._buffer:
            info.append(f"{len(self._buffer)} bytes")
        if self._eof:
            info.append("eof")
        if self._low_water != DEFAULT_LIMIT:
            info.append(f"low={self._low_water} high={self._high_water}")
        if self._waiter is not None:
            info.append(f"w={self._waiter!r}")
        if self._exception is not None:
            info.append(f"e={self._exception!r}")
        return "<{}>".format(" ".join(info))

    # -- state and configuration ---------------------------------------------------

    @property
    def total_raw_bytes(self) -> int:
        """Bytes received on the wire for this body (before decompression)."""
        if self.total_compressed_bytes is None:
            return self.total_bytes
        return self.total_compressed_bytes

    def get_read_buffer_limits(self) -> tuple[int, int]:
        """Return the ``(low, high)`` water marks in bytes."""
        return (self._low_water, self._high_water)

    def set_read_chunk_size(self, n: int) -> None:
        """Raise the water marks to ``(n, 2 * n)`` if *n* exceeds the low mark.

        Args:
            n: The chunk size the consumer reads with.
        """
        if n > self._low_water:
            self._low_water = n
            self._high_water = n * 2

    def exception(self) -> type[BaseException] | BaseException | None:
        """Return the error set with :meth:`set_exception`, if any."""
        return self._exception

    def set_exception(
        self,
        exc: type[BaseException] | BaseException,
        exc_cause: BaseException = EXC_CAUSE_NOT_GIVEN,
    ) -> None:
        """Fail the stream: every read from now on raises *exc*.

        A coroutine waiting for data is woken and raises it; pending
        :meth:`on_eof` callbacks are dropped.

        Args:
            exc: The error (instance or class).
            exc_cause: Recorded as ``exc.__cause__`` when given.
        """
        attach_cause(exc, exc_cause)
        self._exception = exc
        self._eof_callbacks.clear()
        self._wake_readers()

    def on_eof(self, callback: Callable[[], object]) -> None:
        """Call *callback* at EOF (immediately if already there).

        Exceptions from the callback are logged, not raised.

        Args:
            callback: Called without arguments.
        """
        if self._eof:
            self._run_eof_callback(callback)
        else:
            self._eof_callbacks.append(callback)

    @staticmethod
    def _run_eof_callback(callback: Callable[[], object]) -> None:
        """Run one EOF callback, logging (not propagating) its failure."""
        try:
            callback()
        except Exception:
            _log.exception("Exception in eof callback")

    def is_eof(self) -> bool:
        """Return whether :meth:`feed_eof` was called."""
        return self._eof

    def at_eof(self) -> bool:
        """Return whether :meth:`feed_eof` was called and the buffer is empty."""
        return self._eof and not self._buffer

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

    # -- producer side (called by the protocol) ------------------------------------

    def feed_data(self, data: bytes | memoryview, size: int = 0) -> None:
        """Append received body bytes; pause the protocol above the high mark.

        Args:
            data: The bytes (empty data is ignored), or a view of ``bytes``
                (kept as it is and copied only when read, so what it shows
                must never change).
            size: Ignored; kept for aiohttp 3.x signature compatibility.

        Raises:
            RuntimeError: :meth:`feed_eof` was already called.
        """
        if self._eof:
            raise RuntimeError("feed_data after feed_eof")
        if not data:
            return
        buffer = self._buffer
        buffer.append(data)
        self.total_bytes += len(data)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            wake(waiter)
        # (The buffer's size attribute, not len(): this runs for every read.)
        if buffer._size > self._high_water and not self._protocol.reading_paused:
            self._protocol.pause_reading()

    def feed_eof(self) -> None:
        """Mark the end of the body, wake waiters and run :meth:`on_eof` callbacks."""
        self._eof = True
        self._wake_readers()
        # The message is complete; let the connection read again (it may be
        # reused or must observe the peer closing).
        if self._protocol.reading_paused:
            self._protocol.resume_reading()
        callbacks, self._eof_callbacks = self._eof_callbacks, []
        for callback in callbacks:
            self._run_eof_callback(callback)

    def _feed_whole(self, data: bytes) -> None:
        """Fill a stream nobody reads yet with its whole body, and end it.

        The protocol's shortcut for a response whose body arrived with its
        head: the same result as :meth:`feed_data` then :meth:`feed_eof`, without
        their checks for readers, callbacks and paused reading, which a stream
        that was just created cannot have.
        """
        if data:
            self._buffer.append(data)
            self.total_bytes += len(data)
        self._eof = True

    def begin_http_chunk_receiving(self) -> None:
        """Start recording chunk boundaries (chunked transfer coding).

        Raises:
            RuntimeError: Body data was already fed without chunk tracking.
        """
        if self._http_chunk_splits is None:
            if self.total_bytes:
                raise RuntimeError(
                    "Called begin_http_chunk_receiving when some data was already fed"
                )
            self._http_chunk_splits = collections.deque()

    def end_http_chunk_receiving(self) -> None:
        """Record the end of an HTTP chunk at the current position.

        Chunks that added no data (for example compressed bytes that did not
        decode to anything yet) are not recorded.

        Raises:
            RuntimeError: :meth:`begin_http_chunk_receiving` was not called.
        """
        splits = self._http_chunk_splits
        if splits is None:
            raise RuntimeError(
                "Called end_chunk_receiving without calling begin_chunk_receiving first"
            )
        last = splits[-1] if splits else 0
        if self.total_bytes == last:
            return
        splits.append(self.total_bytes)
        if len(splits) > self._high_water_chunks and not self._protocol.reading_paused:
            self._protocol.pause_reading()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            wake(waiter)

    def unread_data(self, data: bytes) -> None:
        """Push *data* back to the front of the buffer (deprecated).

        Args:
            data: Bytes to make readable again.
        """
        warnings.warn(_UNREAD_DEPRECATED, DeprecationWarning, stacklevel=2)
        self._buffer.prepend(data)
        self._cursor -= len(data)

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
            self._raise_if_failed()
            splits = self._http_chunk_splits
            while splits:
                pos = splits.popleft()
                if pos == self._cursor:
                    return (b"", True)
                if pos > self._cursor:
                    return (self._read_nowait(pos - self._cursor), True)
            if self._buffer:
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

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        """Return the configured loop, or the running one."""
        return self._loop if self._loop is not None else asyncio.get_running_loop()

    def _raise_if_failed(self) -> None:
        """Raise the error set with :meth:`set_exception`, if any."""
        if self._exception is not None:
            raise self._exception

    def _wake_readers(self) -> None:
        """Release the data waiter and the EOF waiter."""
        waiter, self._waiter = self._waiter, None
        if waiter is not None:
            wake(waiter)
        eof_waiter, self._eof_waiter = self._eof_waiter, None
        if eof_waiter is not None:
            wake(eof_waiter)

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
