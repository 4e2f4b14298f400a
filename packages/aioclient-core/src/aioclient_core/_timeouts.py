"""Client timeout settings and the timers that enforce them.

``ClientTimeout`` holds the four limits of aiohttp's client (``total``, ``connect``,
``sock_read``, ``sock_connect``) plus ``ceil_threshold``. The timers:

* :func:`ceil_timeout` -- an ``asyncio.Timeout`` for one block in one task (used for
  ``connect`` and ``sock_connect``; the caller turns ``TimeoutError`` into
  ``ConnectionTimeoutError``).
* :class:`RequestDeadline` -- the ``total`` limit: one absolute deadline shared by
  every block of a request, in any task (sending, reading the head, reading the
  body until the response is released). Trickling bytes cannot move it (security
  category 11). On expiry it raises a plain ``TimeoutError`` as aiohttp does.
* :class:`ReadTimer` -- the ``sock_read`` limit: a re-armable idle timer that the
  protocol pushes back on every data arrival and stops while reading is paused or
  the connection is back in the pool; on expiry it calls a callback (the protocol
  sets ``SocketTimeoutError`` on the response stream).

Rounding: long timeouts are rounded up to the next whole second of ``loop.time()``
so that many timers land on the same instant and the loop wakes less often; short
ones are exact (see :func:`timeout_deadline`).

Cancellation safety: a timer only ever converts the cancellation *it* requested
into ``TimeoutError``. It counts requests with ``Task.cancelling()`` /
``Task.uncancel()`` exactly like ``asyncio.timeout()``, so an outer
``task.cancel()`` arriving in the same window still propagates as
``CancelledError``.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Protocol

__all__ = [
    "DEFAULT_TIMEOUT",
    "ClientTimeout",
    "ReadTimer",
    "RequestDeadline",
    "WaitTimer",
    "ceil_timeout",
    "timeout_deadline",
]


@dataclass(frozen=True, slots=True)
class ClientTimeout:
    """Timeout settings of a session or a request; ``None`` or ``0`` disables one.

    Immutable; derive variants with ``dataclasses.replace(timeout, total=10)``.
    Fields may be given positionally in declaration order (``total``, ``connect``,
    ``sock_read``, ``sock_connect``, ``ceil_threshold``) as in aiohttp.

    Attributes:
        total: Seconds for the whole operation: connecting, sending, redirects and
            reading the body until the response is released. Expiry raises
            ``TimeoutError``.
        connect: Seconds to obtain a connection: waiting for a free pool slot plus
            establishing a new connection. Expiry raises ``ConnectionTimeoutError``.
        sock_read: Longest silence allowed between two reads from the peer.
            Expiry raises ``SocketTimeoutError``.
        sock_connect: Seconds for each connection attempt (TCP connect and TLS
            handshake). Expiry raises ``ConnectionTimeoutError``.
        ceil_threshold: Timeouts above this many seconds are rounded up to a
            whole second of loop time (see :func:`timeout_deadline`).
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5


#: The session default: 5 minutes in total, 30 seconds per connection attempt.
DEFAULT_TIMEOUT: Final = ClientTimeout(total=5 * 60, sock_connect=30)


def timeout_deadline(
    now: float,
    delay: float,
    ceil_threshold: float,
    *,
    round_at_threshold: bool = False,
) -> float:
    """Compute the loop time at which a timeout of *delay* seconds expires.

    A delay longer than *ceil_threshold* (or equal to it, with
    *round_at_threshold*) is rounded up to ``ceil(now + delay)``; shorter delays
    give ``now + delay`` exactly. aiohttp rounds the ``total`` timer at the
    threshold and every other timer only above it; callers pick accordingly.

    Args:
        now: The current ``loop.time()``.
        delay: The timeout in seconds (positive).
        ceil_threshold: The rounding threshold in seconds.
        round_at_threshold: Round when ``delay == ceil_threshold`` as well.

    Returns:
        The deadline in loop time.
    """
    when = now + delay
    if delay > ceil_threshold or (round_at_threshold and delay == ceil_threshold):
        return math.ceil(when)
    return when


def _enabled(delay: float | None) -> bool:
    """Return whether *delay* is an active timeout (``None`` and ``<= 0`` are not)."""
    return delay is not None and delay > 0


def ceil_timeout(delay: float | None, ceil_threshold: float = 5) -> asyncio.Timeout:
    """Return an ``asyncio.Timeout`` for *delay* seconds, rounded as documented.

    Use as ``async with ceil_timeout(t.connect, t.ceil_threshold): ...``. It
    belongs to the current task and raises ``TimeoutError`` on expiry; an outer
    cancellation still surfaces as ``CancelledError``. Must be called with a
    running event loop.

    Args:
        delay: Seconds, or ``None``/``0``/negative for no limit.
        ceil_threshold: Delays above this are rounded up to a whole loop second.

    Returns:
        The timeout context manager.
    """
    if delay is None or delay <= 0:
        return asyncio.timeout(None)
    loop = asyncio.get_running_loop()
    return asyncio.timeout_at(timeout_deadline(loop.time(), delay, ceil_threshold))


class WaitTimer(Protocol):
    """What a stream needs from a timer that bounds its waits for data.

    ``with timer: await ...`` raises ``TimeoutError`` when the timer expires
    during the wait (or had expired before it), and ``assert_timeout()`` raises it
    when the timer has already expired. :class:`RequestDeadline` implements it.
    """

    def assert_timeout(self) -> None:
        """Raise ``TimeoutError`` if the timer has expired."""

    def __enter__(self) -> object: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _Entry:
    """One task inside one ``with`` block of a :class:`RequestDeadline`."""

    __slots__ = ("cancelled", "cancelling", "task")

    def __init__(self, task: asyncio.Task[object], cancelling: int) -> None:
        self.task = task
        # Cancellation requests pending when the block was entered; anything
        # above this on exit came from someone else (see asyncio.timeout).
        self.cancelling = cancelling
        self.cancelled = False


class _SharedExpiry:
    """One loop timer for every deadline of a loop that falls on the same instant.

    Rounded deadlines land on whole seconds, so the requests started within
    one second share a single timer instead of each arming and cancelling its
    own (``call_at`` plus ``cancel`` is a measurable part of a small request).
    A deadline joins at :meth:`RequestDeadline.start` and leaves at
    :meth:`RequestDeadline.cancel`; the timer stays armed (for later requests
    of the same second) and expires whoever is still registered when it fires.
    """

    __slots__ = ("deadlines", "fired")

    def __init__(self) -> None:
        self.deadlines: set[RequestDeadline] = set()
        self.fired = False

    def fire(self) -> None:
        """Loop callback: expire every deadline still registered."""
        self.fired = True
        deadlines, self.deadlines = self.deadlines, set()
        for deadline in deadlines:
            deadline._expire()


#: The most recently armed shared timer: (its loop, its instant, the timer).
#: Requests started in the same second on the same loop reuse it.
_last_shared: tuple[weakref.ref[asyncio.AbstractEventLoop], float, _SharedExpiry] | None
_last_shared = None


def _shared_expiry(loop: asyncio.AbstractEventLoop, when: float) -> _SharedExpiry:
    """The shared timer of ``loop`` firing at ``when`` (armed if need be)."""
    global _last_shared
    last = _last_shared
    if last is not None and last[1] == when and last[0]() is loop and not last[2].fired:
        return last[2]
    shared = _SharedExpiry()
    loop.call_at(when, shared.fire)
    _last_shared = (weakref.ref(loop), when, shared)
    return shared


class RequestDeadline:
    """The ``total`` timeout: one absolute deadline for every stage of a request.

    Lifecycle, as the session is expected to use it::

        deadline = RequestDeadline(timeout.total, ceil_threshold=timeout.ceil_threshold)
        deadline.start()            # arm once, when the request starts
        with deadline:              # any number of blocks, in any task
            ...                     # connect, send, read the head
        StreamReader(protocol, limit, timer=deadline)   # body reads wait under it
        deadline.cancel()           # when the response is released or closed

    When the deadline passes, every task currently inside a block is cancelled
    and that cancellation leaves the block as ``TimeoutError``; later blocks and
    :meth:`assert_timeout` raise ``TimeoutError`` immediately. A block entered
    again by the same task (nesting) is fine: only the innermost block converts.

    Args:
        timeout: Seconds; ``None`` or ``<= 0`` means no deadline (the object then
            never expires and its blocks cost almost nothing).
        ceil_threshold: Timeouts at or above this are rounded up to a whole loop
            second (aiohttp rounds ``total`` at the threshold).
        loop: Event loop; defaults to the running loop at :meth:`start`.
    """

    __slots__ = (
        "_ceil_threshold",
        "_closed",
        "_entries",
        "_expired",
        "_handle",
        "_loop",
        "_shared",
        "_timeout",
        "_when",
    )

    def __init__(
        self,
        timeout: float | None,
        *,
        ceil_threshold: float = 5,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._timeout = timeout
        self._ceil_threshold = ceil_threshold
        self._loop = loop
        self._handle: asyncio.TimerHandle | None = None
        self._shared: _SharedExpiry | None = None
        self._when: float | None = None
        self._expired = False
        self._closed = False
        self._entries: list[_Entry] = []

    @property
    def when(self) -> float | None:
        """The deadline in loop time, once started (``None`` otherwise)."""
        return self._when

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self._expired

    def start(self) -> None:
        """Arm the deadline; only the first call counts.

        Does nothing when there is no timeout or after :meth:`cancel`.
        """
        timeout = self._timeout
        if self._closed or self._when is not None or not _enabled(timeout):
            return
        assert timeout is not None  # for mypy; _enabled checked it
        loop = self._loop if self._loop is not None else asyncio.get_running_loop()
        self._loop = loop
        when = self._when = timeout_deadline(
            loop.time(), timeout, self._ceil_threshold, round_at_threshold=True
        )
        if when == int(when):
            # A whole second (rounded, the usual case): share the timer.
            self._shared = _shared_expiry(loop, when)
            self._shared.deadlines.add(self)
        else:
            self._handle = loop.call_at(when, self._expire)

    def cancel(self) -> None:
        """Disarm for good (the response was released); an expiry is kept."""
        self._closed = True
        if self._shared is not None:
            self._shared.deadlines.discard(self)
            self._shared = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def assert_timeout(self) -> None:
        """Raise ``TimeoutError`` if the deadline has passed.

        Raises:
            TimeoutError: The deadline has passed.
        """
        if self._expired:
            raise TimeoutError from None

    def _expire(self) -> None:
        """Timer callback: mark expired and cancel every task inside a block."""
        self._handle = None
        self._shared = None
        self._expired = True
        seen: set[asyncio.Task[object]] = set()
        # Innermost entries are last; cancel each task once and remember which
        # block will receive (and convert) that cancellation.
        for entry in reversed(self._entries):
            if entry.task not in seen:
                seen.add(entry.task)
                entry.cancelled = True
                entry.task.cancel()

    def __enter__(self) -> RequestDeadline:
        # With the loop given, asyncio need not look up the running one (a
        # getpid() system call in CPython's C implementation).
        task = asyncio.current_task(self._loop)
        if task is None:
            task = asyncio.current_task()  # a loop object that is not the running one
        if task is None:
            raise RuntimeError("Timeout context manager should be used inside a task")
        if self._expired:
            raise TimeoutError from None
        self._entries.append(_Entry(task, task.cancelling()))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        entries = self._entries
        if len(entries) == 1:
            # The usual single block: a ``with`` block is exited by the task
            # that entered it, so the only entry is this task's.
            entry = entries.pop()
        else:
            task = asyncio.current_task(self._loop) or asyncio.current_task()
            for index in range(len(entries) - 1, -1, -1):
                if entries[index].task is task:
                    entry = entries.pop(index)
                    break
            else:
                return
        if not entry.cancelled:
            return
        # Withdraw our own cancellation request whatever happened, so that it
        # cannot hit the task later; convert it only if nobody else asked too.
        if (
            entry.task.uncancel() <= entry.cancelling
            and exc_type is not None
            and issubclass(exc_type, asyncio.CancelledError)
        ):
            raise TimeoutError from exc


class ReadTimer:
    """The ``sock_read`` timeout: fires when no data arrived for *timeout* seconds.

    Owned by the connection's protocol, which calls :meth:`rearm` when it starts
    waiting for a response and on every data arrival, :meth:`cancel` while reading
    is paused by back-pressure (the silence is then ours, not the peer's) and when
    the connection returns to the pool. On expiry *on_timeout* is called once and
    the timer is disarmed; the protocol typically sets
    ``SocketTimeoutError("Timeout on reading data from socket")`` on the stream.

    Re-arming is O(1) and allocates nothing in the common case: the new deadline is
    recorded and the pending loop callback, when it runs early, reschedules itself.

    Args:
        timeout: Seconds of allowed silence; ``None`` or ``<= 0`` disables the
            timer (:meth:`rearm` then does nothing).
        on_timeout: Called without arguments when the timer expires.
        ceil_threshold: Timeouts above this are rounded up to a whole loop second.
        loop: Event loop; defaults to the running loop at the first :meth:`rearm`.
    """

    __slots__ = (
        "_ceil_threshold",
        "_deadline",
        "_handle",
        "_loop",
        "_on_timeout",
        "_timeout",
    )

    def __init__(
        self,
        timeout: float | None,
        on_timeout: Callable[[], object],
        *,
        ceil_threshold: float = 5,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._timeout = timeout
        self._on_timeout = on_timeout
        self._ceil_threshold = ceil_threshold
        self._loop = loop
        self._handle: asyncio.TimerHandle | None = None
        self._deadline: float | None = None

    @property
    def timeout(self) -> float | None:
        """The configured silence limit in seconds."""
        return self._timeout

    @property
    def deadline(self) -> float | None:
        """Loop time at which the timer fires, or ``None`` when disarmed."""
        return self._deadline

    @property
    def armed(self) -> bool:
        """Whether the timer is running."""
        return self._deadline is not None

    def rearm(self) -> None:
        """Start the timer, or push its deadline to *timeout* seconds from now."""
        if not _enabled(self._timeout):
            return
        assert self._timeout is not None  # for mypy; _enabled checked it
        loop = self._loop if self._loop is not None else asyncio.get_running_loop()
        self._loop = loop
        self._deadline = timeout_deadline(
            loop.time(), self._timeout, self._ceil_threshold
        )
        if self._handle is None or self._handle.when() > self._deadline:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_at(self._deadline, self._fire)

    def cancel(self) -> None:
        """Stop the timer; :meth:`rearm` starts it again."""
        self._deadline = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        """Loop callback: reschedule if the deadline moved, else report expiry."""
        handle, self._handle = self._handle, None
        deadline = self._deadline
        if deadline is None or handle is None:
            return
        if deadline > handle.when():
            assert self._loop is not None  # set by rearm() before any handle
            self._handle = self._loop.call_at(deadline, self._fire)
            return
        self._deadline = None
        self._on_timeout()
