"""Stand-ins for the connector tests: a minimal pooled protocol, requests, servers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ssl
from collections.abc import AsyncIterator
from typing import Any

from multidict import CIMultiDict
from yarl import URL

from aioclient_auth import BasicAuth, Fingerprint
from aioclient_core._reqinfo import ConnectionKey


class PlainProtocol(asyncio.Protocol):
    """Just enough protocol for the pool: connected state, reusability, close."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.should_close = False
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: BaseException | None) -> None:
        self.transport = None
        if not self.closed.done():
            self.closed.set_result(None)

    def is_connected(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclasses.dataclass
class FakeRequest:
    """A request as a connector sees it."""

    url: URL
    ssl: ssl.SSLContext | bool | Fingerprint = True
    server_hostname: str | None = None
    proxy: URL | None = None
    proxy_auth: BasicAuth | None = None
    proxy_headers: CIMultiDict[str] | None = None

    @property
    def host(self) -> str:
        assert self.url.raw_host is not None
        return self.url.raw_host

    @property
    def port(self) -> int | None:
        return self.url.port

    def is_ssl(self) -> bool:
        return self.url.scheme in {"https", "wss"}

    @property
    def connection_key(self) -> ConnectionKey:
        return ConnectionKey(
            self.host,
            self.port,
            self.is_ssl(),
            self.ssl,
            self.proxy,
            self.proxy_auth,
            None,
            self.server_hostname,
        )


class Server:
    """A loopback TCP server that accepts connections and counts them."""

    def __init__(self) -> None:
        self.accepted = 0
        self.open_writers: set[asyncio.StreamWriter] = set()
        self.disconnected = asyncio.Event()
        self.server: asyncio.Server | None = None

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.accepted += 1
        self.open_writers.add(writer)
        try:
            await reader.read()  # until the client closes
        finally:
            self.open_writers.discard(writer)
            writer.close()
            self.disconnected.set()

    def close_clients(self) -> None:
        for writer in list(self.open_writers):
            writer.close()


@contextlib.asynccontextmanager
async def tcp_server(
    host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[Server, int]]:
    state = Server()
    server = await asyncio.start_server(state._handle, host, 0, ssl=ssl_context)
    state.server = server
    port = server.sockets[0].getsockname()[1]
    try:
        yield state, port
    finally:
        state.close_clients()
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def unix_server(path: str) -> AsyncIterator[Server]:
    state = Server()
    server = await asyncio.start_unix_server(state._handle, path)
    try:
        yield state
    finally:
        state.close_clients()
        server.close()
        await server.wait_closed()


def use_plain_protocol(connector: Any) -> None:
    """Make a connector build PlainProtocol instances (tests the pool alone)."""
    connector._factory = PlainProtocol
