"""Single-reader queues of parsed items, and the flow-control interface of streams.

``DataQueue`` hands items (parsed messages, WebSocket frames, ...) from a protocol
to exactly one consuming coroutine; ``EofStream`` marks its end. This module also
defines :class:`FlowControlProtocol`, the interface through which a queue or a
``StreamReader`` applies back-pressure to the connection (security category 5 and
principle 7: pause the transport when the consumer falls behind), and the async
iterator shared by the stream classes.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

__all__ = [
    "EXC_CAUSE_NOT_GIVEN",
    "AsyncStreamIterator",
    "DataQueue",
    "EofStream",
    "FlowControlDataQueue",
    "FlowControlProtocol",
    "attach_cause",
    "wake",
]

_T = TypeVar("_T")

#: Marker default of ``exc_cause``: "leave ``__cause__`` alone".
EXC_CAUSE_NOT_GIVEN = BaseException()


class EofStream(Exception):
    """Raised by :meth:`DataQueue.read` once the queue is drained and at EOF."""


class FlowControlProtocol(Protocol):
    """What a stream needs from the connection's protocol object.

    The protocol owns the transport; streams only ask it to stop or restart
    reading. Both calls must be idempotent and cheap. A protocol that pauses
    should also stop its ``sock_read`` timer (see ``ReadTimer``) until resumed.

    Attributes:
        connected: ``False`` once the connection is lost; a stream then refuses
            to wait for more data (``RuntimeError("Connection closed.")``).
        reading_paused: Whether reading from the transport is currently paused.
    """

    @property
    def connected(self) -> bool:
        """Whether the underlying connection is still open."""
        ...

    @property
    def reading_paused(self) -> bool:
        """Whether reading from the transport is paused."""
        ...

    def pause_reading(self) -> None:
        """Stop reading from the transport (the consumer is behind)."""

    def resume_reading(self) -> None:
        """Start reading from the transport again."""


def wake(waiter: asyncio.Future[None] | None) -> None:
    """Release a reader blocked on *waiter* (no-op for ``None`` or done futures).

    Args:
        waiter: The future the reader awaits.
    """
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def attach_cause(
    exc: type[BaseException] | BaseException, exc_cause: BaseException
) -> None:
    """Set ``exc.__cause__`` unless *exc_cause* is the "not given" marker.

    Args:
        exc: The exception (instances only; classes are left alone).
        exc_cause: The cause to record.
    """
    if exc_cause is not EXC_CAUSE_NOT_GIVEN and isinstance(exc, BaseException):
        exc.__cause__ = exc_cause


class AsyncStreamIterator(Generic[_T]):
    """Async iterator over successive results of a read coroutine.

    Iteration ends at ``EofStream`` or when the read returns ``b""``.

    Args:
        read_func: The coroutine function producing the next item.
    """

    __slots__ = ("read_func",)

    def __init__(self, read_func: Callable[[], Awaitable[_T]]) -> None:
        self.read_func = read_func

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        try:
            item = await self.read_func()
        except EofStream:
            raise StopAsyncIteration from None
        if item == b"":
            raise StopAsyncIteration
        return item


class DataQueue(Generic[_T]):
    """A queue of items for exactly one reading coroutine.

    Buffered items are delivered before an error set with :meth:`set_exception`;
    after the last item :meth:`read` raises that error, or ``EofStream``.

    Args:
        loop: Event loop for the internal futures; defaults to the running loop
            when a read has to wait.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._exception: type[BaseException] | BaseException | None = None
        self._size = 0
        # Present only while items are buffered: an empty deque costs 760
        # bytes, and the message queue of every idle pooled connection is empty.
        self._buffer: collections.deque[tuple[_T, int]] | None = None

    def __len__(self) -> int:
        return len(self._buffer) if self._buffer is not None else 0

    def is_eof(self) -> bool:
        """Return whether :meth:`feed_eof` (or :meth:`set_exception`) was called."""
        return self._eof

    def at_eof(self) -> bool:
        """Return whether the queue is at EOF and fully drained."""
        return self._eof and not self._buffer

    def exception(self) -> type[BaseException] | BaseException | None:
        """Return the error set with :meth:`set_exception`, if any."""
        return self._exception

    def set_exception(
        self,
        exc: type[BaseException] | BaseException,
        exc_cause: BaseException = EXC_CAUSE_NOT_GIVEN,
    ) -> None:
        """End the queue with an error, raised once buffered items are read.

        Args:
            exc: The error (instance or class).
            exc_cause: Recorded as ``exc.__cause__`` when given.
        """
        attach_cause(exc, exc_cause)
        self._eof = True
        self._exception = exc
        waiter, self._waiter = self._waiter, None
        wake(waiter)

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Append an item.

        Args:
            data: The item.
            size: Its weight for flow control (used by
                :class:`FlowControlDataQueue`).
        """
        self._size += size
        if self._buffer is None:
            self._buffer = collections.deque()
        self._buffer.append((data, size))
        waiter, self._waiter = self._waiter, None
        wake(waiter)

    def feed_eof(self) -> None:
        """Mark the end of the queue."""
        self._eof = True
        waiter, self._waiter = self._waiter, None
        wake(waiter)

    async def read(self) -> _T:
        """Return the next item, waiting for one if necessary.

        Returns:
            The oldest buffered item.

        Raises:
            EofStream: The queue is drained and at EOF.
            RuntimeError: Another coroutine is already waiting on this queue.
        """
        if not self._buffer and not self._eof:
            if self._waiter is not None:
                raise RuntimeError(
                    "read() called while another coroutine is "
                    "already waiting for incoming data"
                )
            loop = self._loop if self._loop is not None else asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            try:
                await waiter
            finally:
                if self._waiter is waiter:
                    self._waiter = None
        buffer = self._buffer
        if buffer:
            data, size = buffer.popleft()
            if not buffer:
                self._buffer = None  # see __init__
            self._size -= size
            return data
        if self._exception is not None:
            raise self._exception
        raise EofStream

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return AsyncStreamIterator(self.read)


class FlowControlDataQueue(DataQueue[_T]):
    """A :class:`DataQueue` that pauses the protocol when too much is buffered.

    Deprecated, as in aiohttp (slated for removal in 4.0), which says so in its
    documentation only: creating one gives no warning. Reading pauses above
    ``2 * limit`` buffered weight (the ``size`` given to :meth:`feed_data`) and
    resumes below it.

    Args:
        protocol: The connection's protocol.
        limit: Half of the buffered weight that triggers a pause.
        loop: Event loop for the internal futures.
    """

    def __init__(
        self,
        protocol: FlowControlProtocol,
        limit: int,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(loop=loop)
        self._protocol = protocol
        self._limit = limit * 2

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Append an item and pause the protocol above the limit.

        Args:
            data: The item.
            size: Its weight for flow control.
        """
        super().feed_data(data, size)
        if self._size > self._limit and not self._protocol.reading_paused:
            self._protocol.pause_reading()

    async def read(self) -> _T:
        """Return the next item and resume the protocol below the limit.

        Returns:
            The oldest buffered item.
        """
        try:
            return await super().read()
        finally:
            if self._size < self._limit and self._protocol.reading_paused:
                self._protocol.resume_reading()
