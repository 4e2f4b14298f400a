"""Connectors: the connection pool and the ways to open connections.

``BaseConnector`` is the pool (limits, keep-alive, FIFO waiters);
``TCPConnector`` adds resolution, Happy Eyeballs and TLS; ``UnixConnector`` and
``NamedPipeConnector`` connect to local sockets and pipes.
"""

from ._base import BaseConnector
from ._connection import Connection
from ._tcp import TCPConnector
from ._unix import NamedPipeConnector, UnixConnector

__all__ = [
    "BaseConnector",
    "Connection",
    "NamedPipeConnector",
    "TCPConnector",
    "UnixConnector",
]
