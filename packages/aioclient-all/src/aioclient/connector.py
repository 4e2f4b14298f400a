"""Connectors and the connection handle, at aiohttp's ``aiohttp.connector`` path."""

from aioclient_core import (
    AddrInfoType,
    BaseConnector,
    Connection,
    NamedPipeConnector,
    SocketFactoryType,
    TCPConnector,
    UnixConnector,
)

__all__ = [
    "AddrInfoType",
    "BaseConnector",
    "Connection",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "UnixConnector",
]
