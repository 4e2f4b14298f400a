"""Body streams and queues, at aiohttp's ``aiohttp.streams`` path."""

from aioclient_core import (
    EMPTY_PAYLOAD,
    DataQueue,
    EmptyStreamReader,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)

__all__ = [
    "EMPTY_PAYLOAD",
    "DataQueue",
    "EmptyStreamReader",
    "EofStream",
    "FlowControlDataQueue",
    "StreamReader",
]
