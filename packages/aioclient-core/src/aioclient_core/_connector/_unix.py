"""``UnixConnector`` and ``NamedPipeConnector``: HTTP over local sockets.

The URL's host still names the server (it goes into the ``Host`` header and the
pool key); the socket path decides where bytes go. Named pipes exist only with
the proactor event loop on Windows; anywhere else the connector refuses to be
built, with an error that says so.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Sequence

from .._exceptions import ClientConnectorError, UnixClientConnectorError
from .._http.protocol import ResponseHandler
from .._sentinel import SENTINEL, Sentinel
from .._timeouts import ClientTimeout, ceil_timeout
from ._base import BaseConnector
from ._types import ConnectorTrace, ConnectRequest, PooledProtocol

__all__ = ["NamedPipeConnector", "UnixConnector"]


class _PathConnector(BaseConnector):
    """A connector whose connections go to one local path (socket or pipe)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        force_close: bool = False,
        keepalive_timeout: float | None | Sentinel = SENTINEL,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(
            force_close=force_close,
            keepalive_timeout=keepalive_timeout,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
        )
        self._path = os.fspath(path)
        self._factory: Callable[[], ResponseHandler] = functools.partial(
            ResponseHandler, self._loop
        )

    @property
    def path(self) -> str:
        """The socket or pipe path."""
        return self._path


class UnixConnector(_PathConnector):
    """Connections over a Unix domain socket.

    Args:
        path: The socket's filesystem path.
        force_close: Close every connection after its request.
        keepalive_timeout: Seconds an idle connection stays pooled.
        limit: Most connections in use at once (0: no limit).
        limit_per_host: Most connections in use per host key (0: no limit).
        loop: Deprecated; the running loop is used.
    """

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"unix"}

    async def _create_connection(
        self,
        req: ConnectRequest,
        traces: Sequence[ConnectorTrace],
        timeout: ClientTimeout,
    ) -> PooledProtocol:
        try:
            async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
                _transport, protocol = await self._loop.create_unix_connection(
                    self._factory, self._path
                )
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            raise UnixClientConnectorError(self._path, req.connection_key, exc) from exc
        return protocol


class NamedPipeConnector(_PathConnector):
    """Connections over a Windows named pipe (proactor event loop only).

    Args:
        path: The pipe's path, such as ``//./pipe/name`` in backslash form.
        force_close: Close every connection after its request.
        keepalive_timeout: Seconds an idle connection stays pooled.
        limit: Most connections in use at once (0: no limit).
        limit_per_host: Most connections in use per host key (0: no limit).
        loop: Deprecated; the running loop is used.

    Raises:
        RuntimeError: The event loop is not a proactor loop.
    """

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"npipe"}

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | None | Sentinel = SENTINEL,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(
            path, force_close, keepalive_timeout, limit, limit_per_host, loop
        )
        proactor = getattr(asyncio, "ProactorEventLoop", None)
        if proactor is None or not isinstance(self._loop, proactor):
            self._closed = True  # nothing to clean up in __del__
            raise RuntimeError(
                "Named Pipes only available in proactor loop under windows"
            )

    async def _create_connection(
        self,
        req: ConnectRequest,
        traces: Sequence[ConnectorTrace],
        timeout: ClientTimeout,
    ) -> PooledProtocol:
        try:
            async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
                connect = getattr(self._loop, "create_pipe_connection")  # noqa: B009
                _transport, protocol = await connect(self._factory, self._path)
                # The proactor finishes setting up the pipe on the next loop turn.
                await asyncio.sleep(0)
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            raise ClientConnectorError(req.connection_key, exc) from exc
        return protocol  # type: ignore[no-any-return]
