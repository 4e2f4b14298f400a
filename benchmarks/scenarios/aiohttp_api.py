"""The scenarios written against aiohttp's client API.

The very same functions run for aiohttp and for aioclient: ``lib`` is the module
(``importlib.import_module("aiohttp")`` or ``importlib.import_module("aioclient")``)
and nothing else differs. Only documented aiohttp client API is used.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any, BinaryIO

from _measure import MiB

from . import (
    CONCURRENCY,
    GZIP_BODY,
    IDLE_KEEPALIVE,
    MULTIPART_FRAMING,
    READ_CHUNK,
    BenchmarkError,
    Context,
    Outcome,
    ScenarioFunction,
    check_count,
    upload_body,
    upload_chunk,
    upload_file,
)

WARMUP = 20


async def _get(session: Any, url: str) -> bytes:
    async with session.get(url) as response:
        body: bytes = await response.read()
        if response.status != 200:
            raise BenchmarkError(f"GET {url}: status {response.status}")
        return body


async def _warm_up(session: Any, base_url: str) -> None:
    for _ in range(WARMUP):
        await _get(session, base_url + "/small")


async def _sequential(
    lib: ModuleType, ctx: Context, connector: Any, path: str, redirects: int = 0
) -> Outcome:
    """``ctx.amount`` GETs of ``path`` one after the other, each ending in a 200."""
    url = ctx.base_url + path
    async with lib.ClientSession(connector=connector) as session:
        await _warm_up(session, ctx.base_url)
        await ctx.start()
        for _ in range(ctx.amount):
            async with session.get(url) as response:
                await response.read()
                if response.status != 200 or len(response.history) != redirects:
                    raise BenchmarkError(
                        f"status {response.status}, {len(response.history)} redirects"
                    )
        await ctx.stop()
    return Outcome(ops=ctx.amount)


async def seq(lib: ModuleType, ctx: Context) -> Outcome:
    return await _sequential(lib, ctx, lib.TCPConnector(limit=1), "/small")


async def concurrent(lib: ModuleType, ctx: Context) -> Outcome:
    url = ctx.base_url + "/small"
    connector = lib.TCPConnector(limit=CONCURRENCY)
    async with lib.ClientSession(connector=connector) as session:

        async def worker(count: int) -> None:
            for _ in range(count):
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        raise BenchmarkError(f"status {response.status}")

        await asyncio.gather(*(worker(2) for _ in range(CONCURRENCY)))
        per_worker = ctx.amount // CONCURRENCY
        await ctx.start()
        await asyncio.gather(*(worker(per_worker) for _ in range(CONCURRENCY)))
        await ctx.stop()
    return Outcome(ops=per_worker * CONCURRENCY)


async def fresh(lib: ModuleType, ctx: Context) -> Outcome:
    return await _sequential(lib, ctx, lib.TCPConnector(force_close=True), "/small")


async def redirect(lib: ModuleType, ctx: Context) -> Outcome:
    connector = lib.TCPConnector(limit=1)
    return await _sequential(lib, ctx, connector, "/redirect", redirects=1)


async def _download(lib: ModuleType, ctx: Context, route: str) -> Outcome:
    url = f"{ctx.base_url}/{route}/{ctx.amount}"
    total = 0
    async with lib.ClientSession() as session:
        await _warm_up(session, ctx.base_url)
        await ctx.start()
        for _ in range(ctx.repeat):
            received = 0
            async with session.get(url) as response:
                async for chunk in response.content.iter_chunked(READ_CHUNK):
                    received += len(chunk)
            if received != ctx.amount:
                raise BenchmarkError(f"received {received} bytes of {ctx.amount}")
            total += received
        await ctx.stop()
    return Outcome(ops=total / MiB, bytes=total)


async def download(lib: ModuleType, ctx: Context) -> Outcome:
    return await _download(lib, ctx, "bytes")


async def download_chunked(lib: ModuleType, ctx: Context) -> Outcome:
    return await _download(lib, ctx, "chunked")


async def _post(session: Any, ctx: Context, data: Any) -> int:
    """POST ``data`` to the sink; return the byte count the server echoes."""
    async with session.post(ctx.base_url + "/sink", data=data) as response:
        return int(await response.read())


async def _upload(
    session: Any, ctx: Context, body: Callable[[], Any], extra: int = 0
) -> Outcome:
    """``ctx.repeat`` POSTs of ``body()``: each must reach the server whole.

    ``extra`` is how many bytes of framing beyond ``ctx.amount`` a body may add
    (multipart boundaries and part headers).
    """
    await ctx.start()
    total = 0
    for _ in range(ctx.repeat):
        counted = await _post(session, ctx, body())
        total += check_count(counted, ctx.amount, extra)
    await ctx.stop()
    return Outcome(ops=ctx.repeat * ctx.amount / MiB, bytes=total)


async def upload_bytes(lib: ModuleType, ctx: Context) -> Outcome:
    async with lib.ClientSession() as session:
        await _warm_up(session, ctx.base_url)
        data = upload_body(ctx.amount)  # before start(): the body is the baseline
        return await _upload(session, ctx, lambda: data)


async def upload_stream(lib: ModuleType, ctx: Context) -> Outcome:
    block = upload_chunk()
    whole, rest = divmod(ctx.amount, len(block))

    async def blocks() -> AsyncIterator[bytes]:
        for _ in range(whole):
            yield block
        if rest:
            yield block[:rest]

    async with lib.ClientSession() as session:
        await _warm_up(session, ctx.base_url)
        return await _upload(session, ctx, blocks)


async def upload_multipart(lib: ModuleType, ctx: Context) -> Outcome:
    path = upload_file(ctx.amount)  # outside the measured part
    files: list[BinaryIO] = []

    def form() -> Any:
        # Opening a local file is instant; the body is read as it is sent.
        files.append(open(path, "rb"))  # noqa: SIM115
        data = lib.FormData()
        data.add_field("file", files[-1], filename="upload.bin")
        return data

    try:
        async with lib.ClientSession() as session:
            await _warm_up(session, ctx.base_url)
            return await _upload(session, ctx, form, MULTIPART_FRAMING)
    finally:
        for file in files:
            file.close()
        os.unlink(path)


async def gzip(lib: ModuleType, ctx: Context) -> Outcome:
    url = f"{ctx.base_url}/gzip/{GZIP_BODY}"
    async with lib.ClientSession() as session:
        await _get(session, url)
        await ctx.start()
        for _ in range(ctx.amount):
            body = await _get(session, url)
            if len(body) != GZIP_BODY:
                raise BenchmarkError(f"decompressed {len(body)} bytes")
        await ctx.stop()
    return Outcome(ops=ctx.amount, bytes=ctx.amount * GZIP_BODY)


async def idle(lib: ModuleType, ctx: Context) -> Outcome:
    async with lib.ClientSession() as session:  # warm up code paths, then close
        await _warm_up(session, ctx.base_url)
    url = f"{ctx.base_url}/barrier/{ctx.amount}"
    connector = lib.TCPConnector(
        limit=ctx.amount, limit_per_host=ctx.amount, keepalive_timeout=IDLE_KEEPALIVE
    )
    async with lib.ClientSession(connector=connector) as session:
        gc.collect()
        await ctx.start()
        await asyncio.gather(*(_get(session, url) for _ in range(ctx.amount)))
        gc.collect()
        await ctx.stop()
    return Outcome(ops=ctx.amount)


SCENARIOS: dict[str, ScenarioFunction] = {
    "seq": seq,
    "concurrent": concurrent,
    "fresh": fresh,
    "redirect": redirect,
    "download": download,
    "download-chunked": download_chunked,
    "upload-bytes": upload_bytes,
    "upload-stream": upload_stream,
    "upload-multipart": upload_multipart,
    "gzip": gzip,
    "idle": idle,
}
