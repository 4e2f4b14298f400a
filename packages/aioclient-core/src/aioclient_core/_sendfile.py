"""``os.sendfile`` for event loops whose ``loop.sendfile`` is missing (uvloop).

uvloop's ``loop.sendfile`` raises :exc:`NotImplementedError`, so a file body on
uvloop would otherwise be read into Python in slices and written back out. On
Linux the kernel can copy it straight from the page cache to the socket instead,
as asyncio's own ``sendfile`` does on the default loop.

The transport still owns the socket, so this module writes behind its back only
under two rules:

* the transport's write buffer is empty before every ``os.sendfile`` call, so
  no byte the transport still holds can be overtaken (its head, for one);
* the request's writer is the only writer while its body is sent, so nothing is
  added to that buffer meanwhile.

When the socket is full, the wait for room cannot use ``loop.add_writer`` on the
socket (uvloop refuses it for a descriptor a transport owns). A private epoll
instance watches the socket for ``EPOLLOUT`` instead, and the event loop watches
that instance, which becomes readable when the socket becomes writable. A lost
connection wakes the wait too, through the protocol's ``closed`` future.
"""

from __future__ import annotations

import asyncio
import os
import select
from typing import IO

from ._exceptions import ClientConnectionResetError
from ._http.protocol import ResponseHandler

__all__ = ["AVAILABLE", "sendfile_by_descriptor"]

#: Whether this platform has what the descriptor path needs (Linux does).
AVAILABLE = hasattr(os, "sendfile") and hasattr(select, "epoll")


async def sendfile_by_descriptor(
    protocol: ResponseHandler,
    loop: asyncio.AbstractEventLoop,
    file: IO[bytes],
    offset: int,
    count: int,
) -> int | None:
    """Send ``count`` bytes of ``file`` from ``offset`` with ``os.sendfile``.

    Args:
        protocol: The connection's protocol; its transport must be plain TCP.
        loop: The running event loop.
        file: A regular file open for reading (its position is not used).
        offset: Where the bytes start in the file.
        count: How many bytes to send.

    Returns:
        The number of bytes sent (fewer than ``count`` only if the file ended
        first), or None when this path is unavailable; nothing was sent then.

    Raises:
        ClientConnectionResetError: The connection closed before the end.
        OSError: The socket failed during the transfer.
    """
    transport = protocol.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if not AVAILABLE or transport is None or sock is None:
        return None
    out_fd, in_fd = sock.fileno(), file.fileno()
    if out_fd < 0:
        return None
    position, end = offset, offset + count
    with select.epoll(1) as poller:
        poller.register(out_fd, select.EPOLLOUT)
        try:  # some loops cannot watch descriptors: ask before sending anything
            loop.add_reader(poller.fileno(), _ignore)
            loop.remove_reader(poller.fileno())
        except NotImplementedError:
            return None
        while position < end:
            if transport.is_closing():
                raise ClientConnectionResetError("Cannot write to closing transport")
            if transport.get_write_buffer_size():
                # The transport still holds bytes: they leave first.
                await _until_writable(protocol, loop, poller)
                continue
            try:
                sent = os.sendfile(out_fd, in_fd, position, end - position)
            except (BlockingIOError, InterruptedError):
                await _until_writable(protocol, loop, poller)
                continue
            if sent == 0:
                break  # the file is shorter than it was
            position += sent
    return position - offset


def _ignore() -> None:
    """A reader callback that is never called (see the probe above)."""


async def _until_writable(
    protocol: ResponseHandler,
    loop: asyncio.AbstractEventLoop,
    poller: select.epoll,
) -> None:
    """Wait until the socket has room, or the connection is lost."""
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    closed = protocol.closed
    loop.add_reader(poller.fileno(), wake)
    closed.add_done_callback(wake)
    try:
        await waiter
    finally:
        loop.remove_reader(poller.fileno())
        closed.remove_done_callback(wake)
