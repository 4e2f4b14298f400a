"""``Connection``: a request's handle on one pooled transport.

A connection is handed out by ``BaseConnector.connect`` and must be given back
exactly once, by ``release()`` (back to the pool if reusable) or ``close()``
(the transport is closed). Either also frees the connection's slot in the
connector's limits. A handle that is garbage-collected while still holding a
transport closes it and warns, so a leak is visible instead of silent.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._reqinfo import ConnectionKey
from .._unclosed import creation_stack, report_unclosed
from ._types import PooledProtocol

if TYPE_CHECKING:
    from ._base import BaseConnector

__all__ = ["Connection"]


class Connection:
    """A transport lent to one request by a connector.

    ``bool(connection)`` is always True, so ``if conn:`` does not depend on the
    transport's state; use :attr:`closed`.
    """

    __slots__ = (
        "__weakref__",
        "_callbacks",
        "_connector",
        "_key",
        "_loop",
        "_protocol",
        "_reused",
        "_source_traceback",
    )

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: PooledProtocol,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._connector = connector
        self._key = key
        self._protocol: PooledProtocol | None = protocol
        self._loop = loop
        self._callbacks: list[Callable[[], None]] = []
        # Whether the transport served an earlier request (a stale keep-alive
        # connection may have been closed by the server meanwhile).
        self._reused = False
        self._source_traceback = creation_stack(loop)

    def __repr__(self) -> str:
        return f"Connection<{self._key}>"

    def __bool__(self) -> bool:
        return True

    def __del__(self, _warnings: Any = warnings) -> None:
        if self._protocol is None:
            return
        if not self._loop.is_closed():
            # Never pool a transport whose owner vanished mid-exchange.
            self._connector._release(self._key, self._protocol, should_close=True)
        report_unclosed(
            self,
            self._loop,
            key="client_connection",
            message="Unclosed connection",
            source_traceback=self._source_traceback,
            warnings_module=_warnings,
        )

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The connection's event loop (deprecated: use the running loop)."""
        warnings.warn(
            "Connection.loop property is deprecated", DeprecationWarning, stacklevel=2
        )
        return self._loop

    @property
    def transport(self) -> asyncio.Transport | None:
        """The underlying transport, or None once released or closed."""
        if self._protocol is None:
            return None
        return self._protocol.transport

    @property
    def protocol(self) -> PooledProtocol | None:
        """The underlying protocol, or None once released or closed."""
        return self._protocol

    @property
    def closed(self) -> bool:
        """True once the connection was released or closed, or its peer left."""
        return self._protocol is None or not self._protocol.is_connected()

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the connection is released or closed."""
        if callback is not None:
            self._callbacks.append(callback)

    def _notify_release(self) -> None:
        if not self._callbacks:
            return
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            # One failing callback must not keep the others from running.
            try:
                callback()
            except Exception as exc:
                self._loop.call_exception_handler(
                    {
                        "message": "Connection release callback failed",
                        "exception": exc,
                        "connection": self,
                    }
                )

    def close(self) -> None:
        """Close the transport and free the slot; the connection is not reused."""
        self._notify_release()
        if self._protocol is not None:
            protocol, self._protocol = self._protocol, None
            self._connector._release(self._key, protocol, should_close=True)

    def release(self) -> None:
        """Give the transport back to the pool (closed instead if not reusable)."""
        if self._callbacks:
            self._notify_release()
        if self._protocol is not None:
            protocol, self._protocol = self._protocol, None
            # _release() asks protocol.should_close itself (once is enough).
            self._connector._release(self._key, protocol)
