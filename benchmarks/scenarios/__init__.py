"""The benchmark scenarios: what each one measures, and its sizes.

Each scenario has one implementation per client API: ``aiohttp_api`` (run unchanged
for aiohttp and for aioclient, with only the module swapped) and ``httpx_api``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Coroutine
from types import ModuleType
from typing import Any

from _measure import Meter, MiB

KiB = 1024
CONCURRENCY = 64
READ_CHUNK = 64 * KiB
UPLOAD_CHUNK = 64 * KiB
GZIP_BODY = 1 * MiB
# Seconds an idle pooled connection is kept in the idle scenario (both APIs): long
# enough that none expires while a slow client is still opening the others.
IDLE_KEEPALIVE = 120.0
# Transfers per measurement in the transfer scenarios (see Scenario.repeat).
TRANSFERS = 8


class BenchmarkError(RuntimeError):
    """A response was not what the scenario expects."""


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One measurement, the same for every client library.

    ``amount`` is the number of operations (requests, connections) or, for the
    transfer scenarios, the body size in bytes; ``quick`` is the ``--quick`` value.
    ``unit`` names one operation in the table: ``req``, ``MiB`` or ``conn``.
    ``repeat`` is how many transfers of ``amount`` bytes one measurement makes, one
    after the other on one session: a single 256 MiB transfer over loopback takes
    under 0.1 s, too short to time steadily. ``memory`` says what the memory column
    shows: ``""`` (nothing), ``"peak"`` (peak RSS above the baseline) or
    ``"per-conn"`` (RSS growth per connection).
    """

    name: str
    title: str
    amount: int
    quick: int
    unit: str
    memory: str = ""
    repeat: int = 1


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario("seq", "sequential GET /small, one keep-alive connection", 5000, 1000,
                 "req"),
        Scenario("concurrent", f"{CONCURRENCY} concurrent GET /small "
                 f"({CONCURRENCY} connections)", 12800, 2560, "req"),
        Scenario("fresh", "sequential GET /small, a new connection each", 1000, 200,
                 "req"),
        Scenario("redirect", "sequential GET /redirect, 302 to /small followed",
                 2500, 500, "req"),
        Scenario("download", "download with Content-Length, iter_chunked(64 KiB)",
                 256 * MiB, 64 * MiB, "MiB", "peak", TRANSFERS),
        Scenario("download-chunked", "chunked download, iter_chunked(64 KiB)",
                 256 * MiB, 64 * MiB, "MiB", "peak", TRANSFERS),
        Scenario("upload-bytes", "upload from bytes (peak is beyond the body)",
                 256 * MiB, 64 * MiB, "MiB", "peak", TRANSFERS),
        Scenario("upload-stream", "upload from an async generator, 64 KiB chunks",
                 256 * MiB, 64 * MiB, "MiB", "peak", TRANSFERS),
        Scenario("upload-multipart", "multipart/form-data upload of a file on disk",
                 256 * MiB, 64 * MiB, "MiB", "peak", TRANSFERS),
        Scenario("gzip", "GET 1 MiB gzip bodies, decompressed by the client", 200,
                 50, "req"),
        Scenario("idle", "open idle keep-alive connections, RSS per connection",
                 1000, 250, "conn", "per-conn"),
    ]
}  # fmt: skip


@dataclasses.dataclass
class Context:
    """What a scenario function gets besides the client module.

    A scenario calls ``await start()`` right before its measured part and
    ``await stop()`` right after it. Both also ask the server (over a separate raw
    connection, outside the measured part) how many connections it has accepted,
    so that the result can show how many connections the client really opened.
    """

    base_url: str
    amount: int
    meter: Meter
    repeat: int = 1
    accepted: int = 0
    open_after: int = 0
    server_cpu: float = 0.0

    async def start(self) -> None:
        stats = await server_stats(self.base_url)
        self.accepted, self.server_cpu = int(stats["accepted"]), stats["cpu"]
        self.meter.start()

    async def stop(self) -> None:
        self.meter.stop()
        stats = await server_stats(self.base_url)
        # Minus one: the connection that asked for these very stats.
        self.accepted = int(stats["accepted"]) - self.accepted - 1
        self.open_after = int(stats["open"]) - 1
        self.server_cpu = stats["cpu"] - self.server_cpu


async def server_stats(base_url: str) -> dict[str, float]:
    """GET /stats from the benchmark server with plain asyncio streams."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(b"GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        response = await reader.read()
    finally:
        writer.close()
    _, _, body = response.partition(b"\r\n\r\n")
    stats: dict[str, float] = json.loads(body)
    return stats


@dataclasses.dataclass
class Outcome:
    """What a scenario function returns: the operation count and bytes moved."""

    ops: float
    bytes: int = 0


ScenarioFunction = Callable[[ModuleType, Context], Coroutine[Any, Any, Outcome]]


def upload_chunk() -> bytes:
    """One 64 KiB block of non-zero bytes (so the pages are really resident)."""
    return (b"0123456789abcdef" * (UPLOAD_CHUNK // 16))[:UPLOAD_CHUNK]


def upload_body(size: int) -> bytes:
    """An upload body of ``size`` bytes, every page touched."""
    block = upload_chunk()
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


def upload_file(size: int) -> str:
    """Write a temporary file of ``size`` bytes for the multipart scenario."""
    block = upload_chunk()
    whole, rest = divmod(size, len(block))
    handle, path = tempfile.mkstemp(prefix="aioclient-bench-")
    with os.fdopen(handle, "wb") as out:
        for _ in range(whole):
            out.write(block)
        out.write(block[:rest])
    return path


# Bytes a multipart body may add to the file it carries (boundaries, part headers).
MULTIPART_FRAMING = 4 * KiB


def check_count(counted: int, size: int, extra: int = 0) -> int:
    """Check the byte count the upload sink echoed for a ``size``-byte body.

    ``extra`` is how much framing the body may add beyond ``size``. Returns
    ``counted``, so that a client that sends less fails rather than looks fast.
    """
    if not size <= counted <= size + extra:
        raise BenchmarkError(f"the server received {counted} bytes of {size}")
    return counted


def implementations(api: str) -> dict[str, ScenarioFunction]:
    """The scenario functions for ``api``: ``"aiohttp"`` or ``"httpx"``."""
    if api == "httpx":
        from . import httpx_api

        return httpx_api.SCENARIOS
    from . import aiohttp_api

    return aiohttp_api.SCENARIOS
