"""Cancelling a request at every stage leaves the pool empty and warns nothing."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest
from _servers import RawServer, assert_pool_idle, read_head, read_request, response

import aioclient
import aioclient.abc


class _HangingResolver(aioclient.abc.AbstractResolver):
    """A resolver that never answers (the request is stuck connecting)."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aioclient.abc.ResolveResult]:
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        pass


def _writer_tasks() -> list[asyncio.Task[Any]]:
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "write_bytes" in repr(t.get_coro())
    ]


async def _cancel_when(
    coro: Callable[[], Coroutine[Any, Any, Any]], ready: Callable[[], Awaitable[Any]]
) -> None:
    task = asyncio.create_task(coro())
    await asyncio.wait_for(ready(), 5)
    await asyncio.sleep(0.05)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _settle(connector: aioclient.BaseConnector) -> None:
    await asyncio.sleep(0.05)
    assert_pool_idle(connector)
    assert not connector._waiters
    assert _writer_tasks() == []
    gc.collect()


async def test_cancel_while_resolving() -> None:
    resolver = _HangingResolver()
    connector = aioclient.TCPConnector(resolver=resolver)
    async with aioclient.ClientSession(connector=connector) as session:
        await _cancel_when(
            lambda: session.get("http://hangs.invalid/"), resolver.started.wait
        )
        await _settle(connector)


async def test_cancel_while_waiting_for_a_pool_slot() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
        await asyncio.sleep(30)

    async with RawServer(handler) as server:
        connector = aioclient.TCPConnector(limit=1)
        async with aioclient.ClientSession(connector=connector) as session:
            held = await session.get(server.url)

            async def queued() -> None:
                while not connector._waiters:  # noqa: ASYNC110 -- polls pool state
                    await asyncio.sleep(0.01)

            await _cancel_when(lambda: session.get(server.url), queued)
            assert connector._slots_total == 1
            held.close()
            await _settle(connector)


async def test_cancel_while_sending_a_big_body() -> None:
    got_head = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        got_head.set()
        await asyncio.sleep(30)  # never reads the body: the client blocks

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None
        data = b"b" * (64 * 1024 * 1024)
        await _cancel_when(lambda: session.post(server.url, data=data), got_head.wait)
        await _settle(connector)
        assert not connector._idle


async def test_cancel_while_sending_a_generator_body() -> None:
    got_head = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        got_head.set()
        await asyncio.sleep(30)

    async def body() -> Any:
        yield b"first"
        await asyncio.sleep(30)
        yield b"never"

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None
        await _cancel_when(lambda: session.post(server.url, data=body()), got_head.wait)
        await _settle(connector)


async def test_cancel_while_waiting_for_the_head() -> None:
    got_request = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        got_request.set()
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None
        await _cancel_when(lambda: session.get(server.url), got_request.wait)
        await _settle(connector)
        assert not connector._idle


@pytest.mark.parametrize("how", ["read", "iter_chunked", "async_with"])
async def test_cancel_while_reading_the_body(how: str) -> None:
    sent = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
        await writer.drain()
        sent.set()
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None

        async def consume() -> None:
            if how == "async_with":
                async with session.get(server.url) as resp:
                    await resp.read()
                return
            resp = await session.get(server.url)
            if how == "read":
                await resp.read()
                return
            try:
                async for _ in resp.content.iter_chunked(10):
                    pass
            finally:
                # Outside ``async with`` releasing is the caller's job.
                resp.release()

        await _cancel_when(consume, sent.wait)
        await _settle(connector)
        assert not connector._idle


async def test_cancel_after_a_stale_retry_starts() -> None:
    """Cancelling the retried request frees both connections' slots."""
    conns = 0
    second = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        nonlocal conns
        conns += 1
        if conns == 1:
            await read_request(reader)
            writer.write(response())
            await writer.drain()
            await read_head(reader)  # drop the next request unanswered
            return
        await read_request(reader)
        second.set()
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None
        async with session.get(server.url) as resp:
            await resp.read()
        await _cancel_when(lambda: session.get(server.url), second.wait)
        await _settle(connector)
    assert conns == 2


async def test_timeout_during_body_upload_frees_everything() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        connector = session.connector
        assert connector is not None
        with pytest.raises(asyncio.TimeoutError):
            await session.post(server.url, data=b"t" * (64 * 1024 * 1024), timeout=0.3)
        await _settle(connector)
