"""The socket under a plain TCP connection, for per-connection socket options."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

__all__ = ["plain_tcp_socket"]


def plain_tcp_socket(transport: asyncio.BaseTransport | None) -> Any:
    """The TCP socket of ``transport``, or None.

    None unless the transport is open on an IPv4 or IPv6 TCP socket without TLS:
    over TLS the bytes on the wire are records the TLS layer frames, and other
    sockets (Unix ones) have no segments to tune.
    """
    if transport is None or transport.get_extra_info("sslcontext") is not None:
        return None
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    return sock
