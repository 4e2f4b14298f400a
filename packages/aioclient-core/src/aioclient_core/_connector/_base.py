"""``BaseConnector``: the connection pool and its limits.

The pool keeps idle connections per ``ConnectionKey`` (every property that makes
two connections interchangeable: host, port, TLS settings and pin, server name,
proxy and its credentials) and hands them out most-recently-used first. Two
limits bound the connections in use: ``limit`` in total and ``limit_per_host``
per key. Requests over a limit wait in one FIFO queue; a freed slot goes to the
oldest waiter it can serve.

Accounting is exact under cancellation: a slot is reserved before a connection
is looked up or made, and every path out of ``connect`` (success, error,
cancellation at any await) either hands the slot to a ``Connection`` or frees
it. A connection that saw an error, was not read to a message boundary, or
outlived ``keepalive_timeout`` is closed, never pooled (security category 10).
"""

from __future__ import annotations

import asyncio
import collections
import math
import sys
import warnings
import weakref
from collections.abc import Awaitable, Sequence
from types import TracebackType
from typing import Any, Self

from .._exceptions import ClientConnectionError
from .._reqinfo import ConnectionKey
from .._sentinel import SENTINEL, Sentinel
from .._timeouts import ClientTimeout
from .._unclosed import CloseWaiter, creation_stack, report_unclosed
from ._connection import Connection
from ._types import ConnectorTrace, ConnectRequest, PooledProtocol

__all__ = ["BaseConnector"]

DEFAULT_KEEPALIVE_TIMEOUT = 15.0
# How long a closed TLS transport may linger before enable_cleanup_closed aborts it.
_CLEANUP_CLOSED_PERIOD = 2.0
# Python fixed the leak enable_cleanup_closed works around in these releases.
_CLEANUP_CLOSED_UNNEEDED = sys.version_info >= (3, 13, 1) or (
    (3, 12, 8) <= sys.version_info < (3, 13)
)


class BaseConnector:
    """A pool of connections with total and per-host limits.

    Subclasses implement :meth:`_create_connection`; see ``TCPConnector`` and
    ``UnixConnector``.

    Args:
        keepalive_timeout: Seconds an idle connection stays pooled (default 15;
            ``None`` keeps it until the server closes it). Must not be given with
            ``force_close=True``.
        force_close: Close every connection after its request instead of pooling.
        limit: Most connections in use at once; 0 means no limit.
        limit_per_host: Most connections in use per ``ConnectionKey``; 0 means
            no limit.
        enable_cleanup_closed: Abort TLS transports that have not finished closing
            after two seconds (a workaround for old CPython leaks; ignored, with a
            ``DeprecationWarning``, where CPython is fixed).
        loop: Deprecated; the running loop is used.
        timeout_ceil_threshold: Timers longer than this many seconds are rounded
            up to whole loop seconds so they can share wake-ups.

    Raises:
        ValueError: ``keepalive_timeout`` given together with ``force_close``.
    """

    # Until __init__ succeeds the connector counts as closed, so __del__ of a
    # half-built instance (bad arguments) has nothing to clean up.
    _closed = True

    #: URL schemes this connector can serve.
    allowed_protocol_schema_set: frozenset[str] = frozenset(
        {"", "http", "https", "ws", "wss"}
    )

    def __init__(
        self,
        *,
        keepalive_timeout: float | None | Sentinel = SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not SENTINEL:
                raise ValueError(
                    "keepalive_timeout cannot be set if force_close is True"
                )
            keepalive_timeout = None
        elif keepalive_timeout is SENTINEL:
            keepalive_timeout = DEFAULT_KEEPALIVE_TIMEOUT
        if enable_cleanup_closed and _CLEANUP_CLOSED_UNNEEDED:
            warnings.warn(
                "enable_cleanup_closed ignored because "
                "https://github.com/python/cpython/pull/118960 is fixed "
                f"in Python version {sys.version_info}",
                DeprecationWarning,
                stacklevel=2,
            )
            enable_cleanup_closed = False
        self._loop = loop or asyncio.get_running_loop()
        self._source_traceback = creation_stack(self._loop)
        self._keepalive_timeout = keepalive_timeout
        self._force_close = force_close
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._timeout_ceil_threshold = timeout_ceil_threshold
        self._cleanup_closed_enabled = enable_cleanup_closed
        # Idle connections per key, oldest first; reuse takes from the end.
        self._idle: dict[ConnectionKey, collections.deque[tuple[PooledProtocol, float]]]
        self._idle = {}
        self._in_use: dict[ConnectionKey, set[PooledProtocol]] = {}
        self._slots_total = 0
        # A plain dict (not a Counter, whose missing-key and delete hooks are
        # Python code on every request).
        self._slots: dict[ConnectionKey, int] = {}
        # One FIFO for every waiter, in arrival order.
        self._waiters: dict[asyncio.Future[None], ConnectionKey] = {}
        self._cleanup_handle: asyncio.TimerHandle | None = None
        self._abort_handles: set[asyncio.TimerHandle] = set()
        self._closed = False

    # -- lifetime -----------------------------------------------------------------

    def __del__(self, _warnings: Any = warnings) -> None:
        if self._closed or not self._idle:
            return
        # What was left open, as aiohttp reports it to the exception handler.
        connections = [repr(idle) for idle in self._idle.values()]
        self._close_now()
        report_unclosed(
            self,
            self._loop,
            key="connector",
            message="Unclosed connector",
            source_traceback=self._source_traceback,
            warnings_module=_warnings,
            extra={"connections": connections},
        )

    def __enter__(self) -> Self:
        warnings.warn(
            '"with Connector():" is deprecated, use "async with Connector():" instead',
            DeprecationWarning,
            stacklevel=2,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_now()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        exc_traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    @property
    def force_close(self) -> bool:
        """True if connections are closed after each request instead of pooled."""
        return self._force_close

    @property
    def limit(self) -> int:
        """The most connections in use at once (0: no limit)."""
        return self._limit

    @property
    def limit_per_host(self) -> int:
        """The most connections in use per host key (0: no limit)."""
        return self._limit_per_host

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close every connection, pooled or in use, and fail waiting requests.

        Args:
            abort_ssl: Abort TLS transports instead of closing them gracefully.

        Returns:
            An awaitable that finishes once the transports are closed; not
            awaiting it is deprecated.
        """
        protocols = self._close_now(abort_ssl=abort_ssl)
        return CloseWaiter(
            self._finish_close(protocols),
            "Connector.close() is a coroutine, please use await connector.close()",
        )

    async def _finish_close(self, protocols: Sequence[PooledProtocol]) -> None:
        """Wait for closed transports to finish (subclasses release more here)."""
        waiters = [
            closed
            for protocol in protocols
            if isinstance(closed := getattr(protocol, "closed", None), asyncio.Future)
        ]
        if waiters:
            await asyncio.gather(*waiters, return_exceptions=True)
        else:
            await asyncio.sleep(0)  # let the transports run connection_lost()

    def _close_now(self, *, abort_ssl: bool = False) -> list[PooledProtocol]:
        """Synchronously close everything; return the protocols that were open."""
        if self._closed:
            return []
        self._closed = True
        if self._cleanup_handle is not None:
            self._cleanup_handle.cancel()
            self._cleanup_handle = None
        for handle in self._abort_handles:
            handle.cancel()
        self._abort_handles.clear()
        protocols = [proto for idle in self._idle.values() for proto, _ in idle]
        protocols += [proto for in_use in self._in_use.values() for proto in in_use]
        self._idle.clear()
        self._in_use.clear()
        for protocol in protocols:
            self._close_protocol(protocol, abort=abort_ssl)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(ClientConnectionError("Connector is closed."))
        self._waiters.clear()
        return protocols

    def _close_protocol(self, protocol: PooledProtocol, *, abort: bool = False) -> None:
        transport = protocol.transport
        if abort and transport is not None:
            transport.abort()
        else:
            protocol.close()
        if (
            self._cleanup_closed_enabled
            and transport is not None
            and transport.get_extra_info("sslcontext") is not None
        ):
            handle = self._loop.call_later(
                _CLEANUP_CLOSED_PERIOD, self._abort_lingering, transport
            )
            self._abort_handles.add(handle)

    def _abort_lingering(self, transport: asyncio.Transport) -> None:
        # Aborting a transport that did finish closing is a no-op.
        now = self._loop.time()
        self._abort_handles = {h for h in self._abort_handles if h.when() > now}
        transport.abort()

    # -- handing out connections -------------------------------------------------

    async def connect(
        self,
        req: ConnectRequest,
        traces: Sequence[ConnectorTrace],
        timeout: ClientTimeout,
    ) -> Connection:
        """Get a connection for ``req``: a pooled one if possible, else a new one.

        Waits, in arrival order, while the limits are reached. The caller bounds
        the whole wait with the request's ``connect`` timeout.

        Raises:
            ClientConnectionError: The connector is (or gets) closed.
            ClientConnectorError: A new connection could not be made (subclasses
                say why).
        """
        if self._closed:
            raise ClientConnectionError("Connector is closed.")
        key = req.connection_key
        if self._has_room(key):
            self._reserve(key)  # the common case, without a coroutine of its own
        else:
            await self._take_slot(key, traces)
        protocol: PooledProtocol | None = None
        reused = False
        try:
            protocol = self._pop_idle(key)
            if protocol is not None:
                reused = True
                for trace in traces:
                    await trace.send_connection_reuseconn()
            else:
                for trace in traces:
                    await trace.send_connection_create_start()
                protocol = await self._create_connection(req, traces, timeout)
                if self._closed:
                    raise ClientConnectionError("Connector is closed.")
                for trace in traces:
                    await trace.send_connection_create_end()
        except BaseException:
            if protocol is not None:
                protocol.close()
            self._free_slot(key)
            raise
        in_use = self._in_use.get(key)
        if in_use is None:
            in_use = self._in_use[key] = set()
        in_use.add(protocol)
        connection = Connection(self, key, protocol, self._loop)
        connection._reused = reused
        return connection

    async def _create_connection(
        self,
        req: ConnectRequest,
        traces: Sequence[ConnectorTrace],
        timeout: ClientTimeout,
    ) -> PooledProtocol:
        """Open a new connection for ``req`` (implemented by subclasses)."""
        raise NotImplementedError

    def _has_room(self, key: ConnectionKey) -> bool:
        return (not self._limit or self._slots_total < self._limit) and (
            not self._limit_per_host or self._slots.get(key, 0) < self._limit_per_host
        )

    def _reserve(self, key: ConnectionKey) -> None:
        self._slots_total += 1
        self._slots[key] = self._slots.get(key, 0) + 1

    async def _take_slot(
        self, key: ConnectionKey, traces: Sequence[ConnectorTrace]
    ) -> None:
        """Reserve a slot for ``key``, waiting in line if the limits are reached.

        Returns with the slot held, or raises with nothing held.
        """
        # Waiters that could use free room are always woken at once, so free room
        # now means nobody who could use it is waiting: no queue-jumping.
        if self._has_room(key):
            self._reserve(key)
            return
        waiter: asyncio.Future[None] = self._loop.create_future()
        self._waiters[waiter] = key
        try:
            for trace in traces:
                await trace.send_connection_queued_start()
            await waiter
            for trace in traces:
                await trace.send_connection_queued_end()
        except BaseException:
            if self._waiters.pop(waiter, None) is None and (
                waiter.done() and not waiter.cancelled() and not waiter.exception()
            ):
                # We were handed a slot but are leaving: pass it on.
                self._free_slot(key)
            raise

    def _free_slot(self, key: ConnectionKey) -> None:
        self._slots_total -= 1
        left = self._slots.get(key, 0) - 1
        if left <= 0:
            self._slots.pop(key, None)
        else:
            self._slots[key] = left
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        if not self._waiters:
            return
        for waiter, key in list(self._waiters.items()):
            if self._limit and self._slots_total >= self._limit:
                return
            if waiter.done():
                del self._waiters[waiter]
            elif self._has_room(key):
                del self._waiters[waiter]
                self._reserve(key)
                waiter.set_result(None)

    def _pop_idle(self, key: ConnectionKey) -> PooledProtocol | None:
        idle = self._idle.get(key)
        now = self._loop.time()
        keepalive = self._keepalive_timeout
        while idle:
            protocol, released_at = idle.pop()
            # _expired() inlined: this runs on every pooled request.
            if (
                not protocol.is_connected()
                or protocol.should_close
                or (keepalive is not None and now - released_at > keepalive)
            ):
                self._close_protocol(protocol)
                continue
            if not idle:
                del self._idle[key]
            return protocol
        self._idle.pop(key, None)
        return None

    def _expired(self, released_at: float, now: float) -> bool:
        return (
            self._keepalive_timeout is not None
            and now - released_at > self._keepalive_timeout
        )

    # -- taking connections back -------------------------------------------------

    def _release(
        self,
        key: ConnectionKey,
        protocol: PooledProtocol,
        *,
        should_close: bool = False,
    ) -> None:
        """Take back a connection (called by ``Connection``); pool or close it."""
        if self._closed:
            # close() already closed it and forgot every slot.
            protocol.close()
            return
        in_use = self._in_use.get(key)
        if in_use is None or protocol not in in_use:
            protocol.close()
            return
        in_use.discard(protocol)
        if not in_use:
            del self._in_use[key]
        if (
            should_close
            or self._force_close
            or protocol.should_close
            or not protocol.is_connected()
        ):
            self._close_protocol(protocol)
        else:
            idle = self._idle.get(key)
            if idle is None:
                idle = self._idle[key] = collections.deque()
            idle.append((protocol, self._loop.time()))
            if self._cleanup_handle is None:
                self._schedule_cleanup()
        # After pooling, so a woken waiter for the same key can reuse it.
        self._free_slot(key)

    def _schedule_cleanup(self) -> None:
        if self._cleanup_handle is not None or self._keepalive_timeout is None:
            return
        when = self._loop.time() + self._keepalive_timeout
        if self._keepalive_timeout > self._timeout_ceil_threshold:
            when = math.ceil(when)
        # The timer holds the connector weakly: a connector dropped with idle
        # connections must still be collected, and reported (see __del__).
        self._cleanup_handle = self._loop.call_at(
            when, _cleanup_if_alive, weakref.ref(self)
        )

    def _cleanup(self) -> None:
        """Close idle connections that expired or whose peer went away."""
        self._cleanup_handle = None
        now = self._loop.time()
        for key in list(self._idle):
            kept: collections.deque[tuple[PooledProtocol, float]] = collections.deque()
            for protocol, released_at in self._idle[key]:
                if (
                    protocol.is_connected()
                    and not protocol.should_close
                    and not self._expired(released_at, now)
                ):
                    kept.append((protocol, released_at))
                else:
                    self._close_protocol(protocol)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]
        if self._idle:
            self._schedule_cleanup()


def _cleanup_if_alive(ref: weakref.ref[BaseConnector]) -> None:
    """Run a connector's keep-alive expiry, unless it was garbage-collected."""
    connector = ref()
    if connector is not None:
        connector._cleanup()
