"""The scenarios written against httpx's ``AsyncClient``.

Each function mirrors the one of the same name in ``aiohttp_api``: same requests,
same warm-up, same measured part. Where the APIs differ, the idiomatic httpx way is
used: ``Limits`` for the connection pool, ``max_keepalive_connections=0`` for a new
connection per request, ``aiter_bytes()`` for streaming, ``content=`` for uploads.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from types import ModuleType
from typing import Any

import httpx  # noqa: TID251 (a benchmark compares with httpx on purpose)
from _measure import MiB

from . import (
    CONCURRENCY,
    GZIP_BODY,
    IDLE_KEEPALIVE,
    MULTIPART_FRAMING,
    BenchmarkError,
    Context,
    Outcome,
    ScenarioFunction,
    check_count,
    upload_body,
    upload_chunk,
    upload_file,
)
from .aiohttp_api import WARMUP

# httpx's default 5 s timeouts are too short for a loaded 2-core machine; aiohttp's
# default (300 s total) never fires in these scenarios.
TIMEOUT = httpx.Timeout(300.0)


def _client(limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    if limits is None:
        return httpx.AsyncClient(timeout=TIMEOUT)
    return httpx.AsyncClient(timeout=TIMEOUT, limits=limits)


async def _get(client: httpx.AsyncClient, url: str) -> bytes:
    response = await client.get(url)
    if response.status_code != 200:
        raise BenchmarkError(f"GET {url}: status {response.status_code}")
    return response.content


async def _warm_up(client: httpx.AsyncClient, base_url: str) -> None:
    for _ in range(WARMUP):
        await _get(client, base_url + "/small")


async def _sequential(
    ctx: Context, limits: httpx.Limits, path: str, redirects: int = 0
) -> Outcome:
    """``ctx.amount`` GETs of ``path`` one after the other, each ending in a 200."""
    url = ctx.base_url + path
    async with _client(limits) as client:
        await _warm_up(client, ctx.base_url)
        await ctx.start()
        for _ in range(ctx.amount):
            response = await client.get(url, follow_redirects=redirects > 0)
            if response.status_code != 200 or len(response.history) != redirects:
                raise BenchmarkError(
                    f"status {response.status_code}, {len(response.history)} redirects"
                )
        await ctx.stop()
    return Outcome(ops=ctx.amount)


async def seq(lib: ModuleType, ctx: Context) -> Outcome:
    return await _sequential(ctx, httpx.Limits(max_connections=1), "/small")


async def concurrent(lib: ModuleType, ctx: Context) -> Outcome:
    url = ctx.base_url + "/small"
    limits = httpx.Limits(
        max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY
    )
    async with _client(limits) as client:

        async def worker(count: int) -> None:
            for _ in range(count):
                response = await client.get(url)
                if response.status_code != 200:
                    raise BenchmarkError(f"status {response.status_code}")

        await asyncio.gather(*(worker(2) for _ in range(CONCURRENCY)))
        per_worker = ctx.amount // CONCURRENCY
        await ctx.start()
        await asyncio.gather(*(worker(per_worker) for _ in range(CONCURRENCY)))
        await ctx.stop()
    return Outcome(ops=per_worker * CONCURRENCY)


async def fresh(lib: ModuleType, ctx: Context) -> Outcome:
    return await _sequential(ctx, httpx.Limits(max_keepalive_connections=0), "/small")


async def redirect(lib: ModuleType, ctx: Context) -> Outcome:
    limits = httpx.Limits(max_connections=1)
    return await _sequential(ctx, limits, "/redirect", redirects=1)


async def _download(ctx: Context, route: str) -> Outcome:
    url = f"{ctx.base_url}/{route}/{ctx.amount}"
    total = 0
    async with _client() as client:
        await _warm_up(client, ctx.base_url)
        await ctx.start()
        for _ in range(ctx.repeat):
            received = 0
            async with client.stream("GET", url) as response:
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
            if received != ctx.amount:
                raise BenchmarkError(f"received {received} bytes of {ctx.amount}")
            total += received
        await ctx.stop()
    return Outcome(ops=total / MiB, bytes=total)


async def download(lib: ModuleType, ctx: Context) -> Outcome:
    return await _download(ctx, "bytes")


async def download_chunked(lib: ModuleType, ctx: Context) -> Outcome:
    return await _download(ctx, "chunked")


async def _upload(
    client: httpx.AsyncClient,
    ctx: Context,
    request: Callable[[], Coroutine[Any, Any, httpx.Response]],
    extra: int = 0,
) -> Outcome:
    """``ctx.repeat`` uploads made by ``request()``, as ``aiohttp_api._upload``."""
    await ctx.start()
    total = 0
    for _ in range(ctx.repeat):
        response = await request()
        total += check_count(int(response.content), ctx.amount, extra)
    await ctx.stop()
    return Outcome(ops=ctx.repeat * ctx.amount / MiB, bytes=total)


async def upload_bytes(lib: ModuleType, ctx: Context) -> Outcome:
    async with _client() as client:
        await _warm_up(client, ctx.base_url)
        body = upload_body(ctx.amount)  # before start(): the body is the baseline
        return await _upload(
            client, ctx, lambda: client.post(ctx.base_url + "/sink", content=body)
        )


async def upload_stream(lib: ModuleType, ctx: Context) -> Outcome:
    block = upload_chunk()
    whole, rest = divmod(ctx.amount, len(block))

    async def blocks() -> AsyncIterator[bytes]:
        for _ in range(whole):
            yield block
        if rest:
            yield block[:rest]

    async with _client() as client:
        await _warm_up(client, ctx.base_url)
        return await _upload(
            client, ctx, lambda: client.post(ctx.base_url + "/sink", content=blocks())
        )


async def upload_multipart(lib: ModuleType, ctx: Context) -> Outcome:
    path = upload_file(ctx.amount)  # outside the measured part
    try:
        # Opening a local file is instant; the body is read as it is sent.
        with open(path, "rb") as file:  # noqa: ASYNC230

            async def post() -> httpx.Response:
                file.seek(0)
                files = {"file": ("upload.bin", file)}
                return await client.post(ctx.base_url + "/sink", files=files)

            async with _client() as client:
                await _warm_up(client, ctx.base_url)
                return await _upload(client, ctx, post, MULTIPART_FRAMING)
    finally:
        os.unlink(path)


async def gzip(lib: ModuleType, ctx: Context) -> Outcome:
    url = f"{ctx.base_url}/gzip/{GZIP_BODY}"
    async with _client() as client:
        await _get(client, url)
        await ctx.start()
        for _ in range(ctx.amount):
            body = await _get(client, url)
            if len(body) != GZIP_BODY:
                raise BenchmarkError(f"decompressed {len(body)} bytes")
        await ctx.stop()
    return Outcome(ops=ctx.amount, bytes=ctx.amount * GZIP_BODY)


async def idle(lib: ModuleType, ctx: Context) -> Outcome:
    async with _client() as client:  # warm up code paths, then close
        await _warm_up(client, ctx.base_url)
    url = f"{ctx.base_url}/barrier/{ctx.amount}"
    limits = httpx.Limits(
        max_connections=ctx.amount,
        max_keepalive_connections=ctx.amount,
        keepalive_expiry=IDLE_KEEPALIVE,
    )
    async with _client(limits) as client:
        gc.collect()
        await ctx.start()
        await asyncio.gather(*(_get(client, url) for _ in range(ctx.amount)))
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
