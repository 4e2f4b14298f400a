"""Local servers for the session tests: an ``aiohttp.web`` app and raw TCP peers.

``serve_app`` runs a real aiohttp server on 127.0.0.1 (aiohttp is a test-only
dependency: only its *server* is used here). ``RawServer`` is an
``asyncio.start_server`` peer whose handler writes whatever bytes a test needs,
so misbehaving servers (lying ``Content-Length``, dying mid-body, stalling) can
be simulated; it counts the connections it accepted so keep-alive reuse is
observable from the server's side.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from yarl import URL

import aioclient

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[URL]:
    """Run ``app`` on 127.0.0.1 (a free port) and yield its base URL."""
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]  # (any loop's server: asyncio's or uvloop's)
    try:
        yield URL(f"http://127.0.0.1:{port}/")
    finally:
        await runner.cleanup()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """Read one request head (up to and including the blank line)."""
    return await reader.readuntil(b"\r\n\r\n")


def header_value(head: bytes, name: str) -> str | None:
    """The first value of ``name`` in a raw request head, if present."""
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            return value.strip()
    return None


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """Read a request head and its ``Content-Length`` body."""
    head = await read_head(reader)
    length = int(header_value(head, "Content-Length") or 0)
    body = await reader.readexactly(length) if length else b""
    return head, body


def response(body: bytes = b"ok", status: str = "200 OK", extra: str = "") -> bytes:
    """A complete ``Content-Length`` response."""
    return (
        f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode()
        + body
    )


class RawServer:
    """A TCP server on 127.0.0.1 that runs ``handler`` for each connection.

    Attributes:
        connections: How many connections were accepted.
        url: ``http://127.0.0.1:<port>/``.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.url = URL()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = URL(f"http://127.0.0.1:{port}/")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for writer in self._writers:
            writer.close()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        await self._server.wait_closed()


def is_closed(obj: Any) -> bool:
    """``obj.closed``, read afresh (keeps mypy from narrowing a property)."""
    return bool(obj.closed)


def connector_of(session: aioclient.ClientSession) -> Any:
    """``session.connector``, read afresh (keeps mypy from narrowing it)."""
    return session.connector


def assert_pool_idle(connector: aioclient.BaseConnector) -> None:
    """No slot is held and no connection is lent out."""
    assert connector._slots_total == 0
    assert not any(connector._in_use.values())


async def echo_handler(request: web.Request) -> web.Response:
    """Describe the request as JSON: method, path, query, headers, body."""
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": list(request.query.items()),
            "headers": list(request.headers.items()),
            "body": body.decode("latin-1"),
            "version": f"{request.version.major}.{request.version.minor}",
        }
    )


def echo_app() -> web.Application:
    """An app that echoes every request at any path (as JSON)."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo_handler)
    return app


def headers_of(echo: dict[str, object], name: str) -> list[str]:
    """Every value of header ``name`` in an ``_echo`` answer."""
    pairs = echo["headers"]
    assert isinstance(pairs, list)
    return [v for k, v in pairs if k.lower() == name.lower()]
