"""The producer's half of the response body stream (``StreamFeed``).

``StreamReader`` (in ``_streams``) is the whole stream; this base class holds its
state and the side the connection's protocol calls: ``feed_data``, ``feed_eof``,
the HTTP chunk boundaries, failure and EOF callbacks. Back-pressure starts here:
the protocol is paused when more than ``2 * limit`` bytes, or too many unread
chunk boundaries, are buffered (security category 5); the reading side resumes
it.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import warnings
from collections.abc import Callable
from typing import Final

from ._chunkbuffer import ChunkBuffer
from ._dataqueue import EXC_CAUSE_NOT_GIVEN, FlowControlProtocol, attach_cause, wake
from ._timeouts import WaitTimer

__all__ = ["DEFAULT_LIMIT", "UNREAD_DEPRECATED", "StreamFeed"]

_log = logging.getLogger(__name__)

#: The default ``limit`` (aiohttp's ``read_bufsize`` default, 256 KiB).
DEFAULT_LIMIT: Final = 2**18

UNREAD_DEPRECATED: Final = (
    "unread_data() is deprecated and will be removed in future releases (#3260)"
)


class StreamFeed:
    """State of a body stream and the methods its producer (the protocol) calls.

    Not used on its own: :class:`~aioclient_core.StreamReader` adds the reading
    side. See it for the constructor's arguments.
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

    # -- producer side (called by the protocol) ------------------------------------

    def feed_data(self, data: bytes | memoryview, size: int = 0) -> bool:
        """Append received body bytes; pause the protocol above the high mark.

        Args:
            data: The bytes (empty data is ignored), or a view of ``bytes``
                (kept as it is and copied only when read, so what it shows
                must never change).
            size: Ignored; kept for aiohttp 3.x signature compatibility.

        Returns:
            ``False``, as aiohttp 3.14's ``feed_data`` returns.

        Raises:
            RuntimeError: :meth:`feed_eof` was already called.
        """
        if self._eof:
            raise RuntimeError("feed_data after feed_eof")
        if not data:
            return False
        buffer = self._buffer
        size = len(data)
        # (ChunkBuffer.append, inlined: this runs for every piece received.)
        buffer._chunks.append(data)
        buffer._size += size
        self.total_bytes += size
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            wake(waiter)
        # (The buffer's size attribute, not len(): this runs for every read.)
        if buffer._size > self._high_water and not self._protocol.reading_paused:
            self._protocol.pause_reading()
        return False

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

    def _feed_whole(self, data: bytes, *, one_chunk: bool = False) -> None:
        """Fill a stream nobody reads yet with its whole body, and end it.

        The protocol's shortcut for a response whose body arrived with its
        head: the same result as :meth:`feed_data` then :meth:`feed_eof`, without
        their checks for readers, callbacks and paused reading, which a stream
        that was just created cannot have. ``one_chunk``: the body is one HTTP
        chunk, recorded as :meth:`end_http_chunk_receiving` would.
        """
        if data:
            self._buffer.append(data)
            self.total_bytes += len(data)
            if one_chunk:
                self._http_chunk_splits = collections.deque((self.total_bytes,))
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
        warnings.warn(UNREAD_DEPRECATED, DeprecationWarning, stacklevel=2)
        self._buffer.prepend(data)
        self._cursor -= len(data)

    # -- internals -----------------------------------------------------------------

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        """Return the configured loop, or the running one."""
        return self._loop if self._loop is not None else asyncio.get_running_loop()

    def _wake_readers(self) -> None:
        """Release the data waiter and the EOF waiter."""
        waiter, self._waiter = self._waiter, None
        if waiter is not None:
            wake(waiter)
        eof_waiter, self._eof_waiter = self._eof_waiter, None
        if eof_waiter is not None:
            wake(eof_waiter)
