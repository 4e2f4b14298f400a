"""The sending half of a connection's protocol: request-body flow control.

``ResponseHandler`` (``protocol``) inherits it. The transport calls
``pause_writing`` and ``resume_writing`` around its send buffer's high-water
mark; the request writer awaits :meth:`SendingSide.drain` between body pieces,
so a large or endless body never queues more than the transport's limit in
memory. ``expect_continue`` lets the writer hold a body back until the server
answers ``Expect: 100-continue`` (RFC 9110 §10.1.1).
"""

from __future__ import annotations

import asyncio

from .._exceptions import ClientConnectionResetError

__all__ = ["SendingSide"]


class SendingSide(asyncio.Protocol):
    """Write flow control and the ``100 Continue`` wait of one connection.

    Args:
        loop: The event loop the connection runs on.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self._writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._continue_waiter: asyncio.Future[None] | None = None

    def pause_writing(self) -> None:
        """The transport's send buffer is full: writers wait in :meth:`drain`."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """The send buffer drained: wake a waiting writer."""
        self._writing_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self) -> None:
        """Wait until the transport accepts more data.

        Raises:
            ClientConnectionResetError: The connection is closing or closed.
        """
        if self.transport is None or self.transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        if not self._writing_paused:
            return
        waiter = self._drain_waiter
        if waiter is None or waiter.done():
            waiter = self._drain_waiter = self._loop.create_future()
        await asyncio.shield(waiter)

    def expect_continue(self) -> asyncio.Future[None]:
        """Return a future resolved by the next ``100 Continue`` (or final) head."""
        waiter = self._continue_waiter
        if waiter is None or waiter.done():
            waiter = self._continue_waiter = self._loop.create_future()
        return waiter

    def _release_continue(self) -> None:
        """End the ``100 Continue`` wait (a final head or a close ends it too)."""
        waiter, self._continue_waiter = self._continue_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
