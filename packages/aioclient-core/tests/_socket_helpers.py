"""Stand-ins shared by the socket-option tests (receive batching, send corking)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback server; yields its URL and a list that grows per connection."""
    accepted: list[int] = []

    async def counted(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        accepted.append(1)
        try:
            await handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(counted, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", accepted


class FakeTransport(asyncio.Transport):
    """Answers get_extra_info for a socket and, optionally, a TLS context."""

    def __init__(self, sock: Any, tls: bool = False) -> None:
        super().__init__()
        self._extra = {"socket": sock, "sslcontext": object() if tls else None}

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._extra.get(name, default)
