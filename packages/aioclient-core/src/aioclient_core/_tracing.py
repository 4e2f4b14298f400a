"""Client tracing: ``TraceConfig``, its 16 signals and their parameter records.

A ``TraceConfig`` holds lists of ``async def handler(session, ctx, params)``
callbacks, one list per event (request start and end, redirects, chunks sent
and received, connection queueing, creation and reuse, DNS lookups). A session
freezes its configs; for each request it makes one :class:`Trace` per config,
with its own context object, and the session, connector and response call the
``send_*`` methods at the matching points.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from multidict import CIMultiDict
from yarl import URL

if TYPE_CHECKING:
    from ._response import ClientResponse
    from ._session import ClientSession

__all__ = [
    "Signal",
    "Trace",
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
]

_P = TypeVar("_P")
_Handler = Callable[[Any, SimpleNamespace, _P], Awaitable[None]]


class Signal(list[_Handler[_P]], Generic[_P]):
    """A list of async handlers that can be frozen and then fired in order."""

    __slots__ = ("_frozen",)

    def __init__(self) -> None:
        super().__init__()
        self._frozen = False

    @property
    def frozen(self) -> bool:
        """True once no handler can be added or removed."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse further changes (a session freezes its configs)."""
        self._frozen = True

    def _check(self) -> None:
        if self._frozen:
            raise RuntimeError("Cannot modify frozen list.")

    def append(self, handler: _Handler[_P]) -> None:
        """Add a handler (refused once frozen)."""
        self._check()
        super().append(handler)

    def insert(self, index: Any, handler: _Handler[_P]) -> None:
        """Insert a handler (refused once frozen)."""
        self._check()
        super().insert(index, handler)

    def remove(self, handler: _Handler[_P]) -> None:
        """Remove a handler (refused once frozen)."""
        self._check()
        super().remove(handler)

    def clear(self) -> None:
        """Remove every handler (refused once frozen)."""
        self._check()
        super().clear()

    async def send(self, session: Any, ctx: SimpleNamespace, params: _P) -> None:
        """Call every handler in order."""
        for handler in self:
            await handler(session, ctx, params)


@dataclass(frozen=True, slots=True)
class TraceRequestStartParams:
    """``on_request_start``: the request is about to be made."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclass(frozen=True, slots=True)
class TraceRequestChunkSentParams:
    """``on_request_chunk_sent``: a piece of the request body was written."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceResponseChunkReceivedParams:
    """``on_response_chunk_received``: ``read()`` got the response body."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceRequestEndParams:
    """``on_request_end``: the final response head arrived."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclass(frozen=True, slots=True)
class TraceRequestExceptionParams:
    """``on_request_exception``: the request failed."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


@dataclass(frozen=True, slots=True)
class TraceRequestRedirectParams:
    """``on_request_redirect``: a redirect is about to be followed."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


@dataclass(frozen=True, slots=True)
class TraceRequestHeadersSentParams:
    """``on_request_headers_sent``: the final request headers were written."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedStartParams:
    """``on_connection_queued_start``: waiting for a free connection slot."""


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedEndParams:
    """``on_connection_queued_end``: a slot became free."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateStartParams:
    """``on_connection_create_start``: a new connection is being made."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateEndParams:
    """``on_connection_create_end``: the new connection is ready."""


@dataclass(frozen=True, slots=True)
class TraceConnectionReuseconnParams:
    """``on_connection_reuseconn``: a pooled connection is reused."""


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostStartParams:
    """``on_dns_resolvehost_start``: a DNS lookup starts."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostEndParams:
    """``on_dns_resolvehost_end``: a DNS lookup finished."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheHitParams:
    """``on_dns_cache_hit``: the DNS cache answered."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheMissParams:
    """``on_dns_cache_miss``: the DNS cache did not have the host."""

    host: str


_SIGNALS = (
    "on_request_start",
    "on_request_chunk_sent",
    "on_response_chunk_received",
    "on_request_end",
    "on_request_exception",
    "on_request_redirect",
    "on_request_headers_sent",
    "on_connection_queued_start",
    "on_connection_queued_end",
    "on_connection_create_start",
    "on_connection_create_end",
    "on_connection_reuseconn",
    "on_dns_resolvehost_start",
    "on_dns_resolvehost_end",
    "on_dns_cache_hit",
    "on_dns_cache_miss",
)


class TraceConfig:
    """Handlers to call at each traced point of a request.

    Args:
        trace_config_ctx_factory: Builds the per-request context object handed
            to every handler (called with ``trace_request_ctx=...``).
    """

    def __init__(
        self, trace_config_ctx_factory: type[SimpleNamespace] = SimpleNamespace
    ) -> None:
        self._factory = trace_config_ctx_factory
        self._signals: dict[str, Signal[Any]] = {name: Signal() for name in _SIGNALS}

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> SimpleNamespace:
        """A fresh context object for one request."""
        return self._factory(trace_request_ctx=trace_request_ctx)

    def freeze(self) -> None:
        """Freeze every signal (handlers can no longer be added)."""
        for signal in self._signals.values():
            signal.freeze()

    @property
    def on_request_start(self) -> Signal[TraceRequestStartParams]:
        """Fired when a request starts."""
        return self._signals["on_request_start"]

    @property
    def on_request_chunk_sent(self) -> Signal[TraceRequestChunkSentParams]:
        """Fired for each request body chunk written."""
        return self._signals["on_request_chunk_sent"]

    @property
    def on_response_chunk_received(self) -> Signal[TraceResponseChunkReceivedParams]:
        """Fired when ``read()`` gets the response body."""
        return self._signals["on_response_chunk_received"]

    @property
    def on_request_end(self) -> Signal[TraceRequestEndParams]:
        """Fired when the final response head arrives."""
        return self._signals["on_request_end"]

    @property
    def on_request_exception(self) -> Signal[TraceRequestExceptionParams]:
        """Fired when a request fails."""
        return self._signals["on_request_exception"]

    @property
    def on_request_redirect(self) -> Signal[TraceRequestRedirectParams]:
        """Fired for each redirect followed."""
        return self._signals["on_request_redirect"]

    @property
    def on_request_headers_sent(self) -> Signal[TraceRequestHeadersSentParams]:
        """Fired when the request headers were written."""
        return self._signals["on_request_headers_sent"]

    @property
    def on_connection_queued_start(self) -> Signal[TraceConnectionQueuedStartParams]:
        """Fired when a request waits for a connection slot."""
        return self._signals["on_connection_queued_start"]

    @property
    def on_connection_queued_end(self) -> Signal[TraceConnectionQueuedEndParams]:
        """Fired when the wait for a slot ends."""
        return self._signals["on_connection_queued_end"]

    @property
    def on_connection_create_start(self) -> Signal[TraceConnectionCreateStartParams]:
        """Fired before a new connection is made."""
        return self._signals["on_connection_create_start"]

    @property
    def on_connection_create_end(self) -> Signal[TraceConnectionCreateEndParams]:
        """Fired when a new connection is ready."""
        return self._signals["on_connection_create_end"]

    @property
    def on_connection_reuseconn(self) -> Signal[TraceConnectionReuseconnParams]:
        """Fired when a pooled connection is reused."""
        return self._signals["on_connection_reuseconn"]

    @property
    def on_dns_resolvehost_start(self) -> Signal[TraceDnsResolveHostStartParams]:
        """Fired before a DNS lookup."""
        return self._signals["on_dns_resolvehost_start"]

    @property
    def on_dns_resolvehost_end(self) -> Signal[TraceDnsResolveHostEndParams]:
        """Fired after a DNS lookup."""
        return self._signals["on_dns_resolvehost_end"]

    @property
    def on_dns_cache_hit(self) -> Signal[TraceDnsCacheHitParams]:
        """Fired when the DNS cache answers."""
        return self._signals["on_dns_cache_hit"]

    @property
    def on_dns_cache_miss(self) -> Signal[TraceDnsCacheMissParams]:
        """Fired when the DNS cache has no entry."""
        return self._signals["on_dns_cache_miss"]


class Trace:
    """One request's view of one ``TraceConfig``: sends each event with its context.

    Satisfies the connector's ``ConnectorTrace`` protocol.
    """

    __slots__ = ("_config", "_ctx", "_session")

    def __init__(
        self, session: ClientSession, config: TraceConfig, ctx: SimpleNamespace
    ) -> None:
        self._session = session
        self._config = config
        self._ctx = ctx

    async def _send(self, signal: Signal[Any], params: Any) -> None:
        await signal.send(self._session, self._ctx, params)

    async def send_request_start(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_start``."""
        params = TraceRequestStartParams(method, url, headers)
        await self._send(self._config.on_request_start, params)

    async def send_request_chunk_sent(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_request_chunk_sent``."""
        params = TraceRequestChunkSentParams(method, url, chunk)
        await self._send(self._config.on_request_chunk_sent, params)

    async def send_response_chunk_received(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_response_chunk_received``."""
        params = TraceResponseChunkReceivedParams(method, url, chunk)
        await self._send(self._config.on_response_chunk_received, params)

    async def send_request_end(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        response: ClientResponse,
    ) -> None:
        """Fire ``on_request_end``."""
        params = TraceRequestEndParams(method, url, headers, response)
        await self._send(self._config.on_request_end, params)

    async def send_request_exception(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        exception: BaseException,
    ) -> None:
        """Fire ``on_request_exception``."""
        params = TraceRequestExceptionParams(method, url, headers, exception)
        await self._send(self._config.on_request_exception, params)

    async def send_request_redirect(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        response: ClientResponse,
    ) -> None:
        """Fire ``on_request_redirect``."""
        params = TraceRequestRedirectParams(method, url, headers, response)
        await self._send(self._config.on_request_redirect, params)

    async def send_request_headers(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_headers_sent``."""
        params = TraceRequestHeadersSentParams(method, url, headers)
        await self._send(self._config.on_request_headers_sent, params)

    async def send_connection_queued_start(self) -> None:
        """Fire ``on_connection_queued_start``."""
        params = TraceConnectionQueuedStartParams()
        await self._send(self._config.on_connection_queued_start, params)

    async def send_connection_queued_end(self) -> None:
        """Fire ``on_connection_queued_end``."""
        params = TraceConnectionQueuedEndParams()
        await self._send(self._config.on_connection_queued_end, params)

    async def send_connection_create_start(self) -> None:
        """Fire ``on_connection_create_start``."""
        params = TraceConnectionCreateStartParams()
        await self._send(self._config.on_connection_create_start, params)

    async def send_connection_create_end(self) -> None:
        """Fire ``on_connection_create_end``."""
        params = TraceConnectionCreateEndParams()
        await self._send(self._config.on_connection_create_end, params)

    async def send_connection_reuseconn(self) -> None:
        """Fire ``on_connection_reuseconn``."""
        params = TraceConnectionReuseconnParams()
        await self._send(self._config.on_connection_reuseconn, params)

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_start``."""
        params = TraceDnsResolveHostStartParams(host)
        await self._send(self._config.on_dns_resolvehost_start, params)

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_end``."""
        params = TraceDnsResolveHostEndParams(host)
        await self._send(self._config.on_dns_resolvehost_end, params)

    async def send_dns_cache_hit(self, host: str) -> None:
        """Fire ``on_dns_cache_hit``."""
        params = TraceDnsCacheHitParams(host)
        await self._send(self._config.on_dns_cache_hit, params)

    async def send_dns_cache_miss(self, host: str) -> None:
        """Fire ``on_dns_cache_miss``."""
        params = TraceDnsCacheMissParams(host)
        await self._send(self._config.on_dns_cache_miss, params)
