"""The shapes the connector pool works with, as structural types.

The pool does not care how a connection speaks HTTP: it needs to know whether a
protocol is still connected, whether its last exchange left it reusable, and how
to close it. Requests and traces are described the same way, so the pool can be
tested with small stand-ins and the session's classes fit without inheritance.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Protocol

from multidict import CIMultiDict
from yarl import URL

from aioclient_auth import BasicAuth, Fingerprint

from .._reqinfo import ConnectionKey

__all__ = ["ConnectRequest", "ConnectorTrace", "PooledProtocol"]


class PooledProtocol(Protocol):
    """An ``asyncio`` protocol the pool can keep, reuse and close."""

    @property
    def transport(self) -> asyncio.Transport | None:
        """The transport, or None once the connection is lost."""
        ...

    @property
    def should_close(self) -> bool:
        """True when the last exchange left the connection unusable for another."""
        ...

    def is_connected(self) -> bool:
        """True while the transport is open."""
        ...

    def close(self) -> None:
        """Close the transport now."""
        ...


class ConnectRequest(Protocol):
    """What a connector reads from a request to find or make its connection."""

    @property
    def connection_key(self) -> ConnectionKey:
        """Everything that makes two connections interchangeable."""
        ...

    @property
    def url(self) -> URL:
        """The request URL."""
        ...

    @property
    def host(self) -> str:
        """The host to connect to."""
        ...

    @property
    def port(self) -> int | None:
        """The port to connect to."""
        ...

    @property
    def ssl(self) -> ssl.SSLContext | bool | Fingerprint:
        """The request's TLS setting (True defers to the connector's)."""
        ...

    @property
    def server_hostname(self) -> str | None:
        """An explicit TLS server name, overriding the host."""
        ...

    @property
    def proxy(self) -> URL | None:
        """The proxy to go through, if any."""
        ...

    @property
    def proxy_auth(self) -> BasicAuth | None:
        """Credentials for the proxy, if any."""
        ...

    @property
    def proxy_headers(self) -> CIMultiDict[str] | None:
        """Extra headers for the proxy, if any."""
        ...

    def is_ssl(self) -> bool:
        """True for https and wss URLs."""
        ...


class ConnectorTrace(Protocol):
    """The tracing signals a connector sends (see ``TraceConfig``)."""

    async def send_connection_queued_start(self) -> None:
        """The request starts waiting for a free connection slot."""

    async def send_connection_queued_end(self) -> None:
        """The request got a slot."""

    async def send_connection_create_start(self) -> None:
        """A new connection is being made."""

    async def send_connection_create_end(self) -> None:
        """The new connection is ready."""

    async def send_connection_reuseconn(self) -> None:
        """An idle pooled connection is reused."""

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """A DNS lookup starts."""

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """A DNS lookup finished."""

    async def send_dns_cache_hit(self, host: str) -> None:
        """The DNS cache answered."""

    async def send_dns_cache_miss(self, host: str) -> None:
        """The DNS cache did not have the host."""
