"""Uploads and the response: when sock_read counts, and what an early answer stops.

As in aiohttp: ``sock_read`` measures the server's silence, so it starts once the
request body is sent (or once the answer starts to arrive); a complete answer
that comes while the body is still being sent stops the upload; and a response
released before its body arrived reads as "Connection closed".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from _servers import RawServer, assert_pool_idle, read_head, response

import aioclient


def _slow_body(count: int, delay: float, sent: list[int]) -> AsyncIterator[bytes]:
    async def blocks() -> AsyncIterator[bytes]:
        for index in range(count):
            sent.append(index)
            yield b"block %d;" % index
            await asyncio.sleep(delay)

    return blocks()


async def _read_chunked_body(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        body += (await reader.readexactly(size + 2))[:size]
        if not size:
            return body


async def test_a_slow_upload_does_not_count_as_server_silence() -> None:
    """Four blocks 0.15 s apart take longer than sock_read, and that is fine."""

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        body = await _read_chunked_body(reader)
        writer.write(response(str(body.count(b";")).encode()))
        await writer.drain()

    sent: list[int] = []
    timeout = aioclient.ClientTimeout(sock_read=0.3)
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession(timeout=timeout) as session,
        session.post(server.url, data=_slow_body(4, 0.15, sent)) as resp,
    ):
        assert await resp.text() == "4"


async def test_silence_after_the_upload_still_times_out() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        await _read_chunked_body(reader)
        await asyncio.sleep(2)  # never answers in time

    sent: list[int] = []
    timeout = aioclient.ClientTimeout(sock_read=0.2)
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession(timeout=timeout) as session,
    ):
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(aioclient.SocketTimeoutError):
            await session.post(server.url, data=_slow_body(2, 0.15, sent))
        # The clock started after the upload (~0.3 s), not with the request.
        assert loop.time() - started >= 0.45
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_waiting_for_100_continue_counts_as_server_silence() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        await asyncio.sleep(2)  # neither 100 Continue nor an answer

    timeout = aioclient.ClientTimeout(sock_read=0.2)
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession(timeout=timeout) as session,
    ):
        with pytest.raises(aioclient.SocketTimeoutError):
            await session.post(server.url, data=b"body", expect100=True)


async def test_a_complete_early_answer_stops_the_upload() -> None:
    """The server answers at once and keeps reading: the rest is not sent."""
    closed = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        writer.write(response(b"early"))
        await writer.drain()
        while await reader.read(65536):
            pass
        closed.set()

    sent: list[int] = []
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
    ):
        resp = await session.post(server.url, data=_slow_body(20, 0.1, sent))
        assert await resp.read() == b"early"
        await asyncio.wait_for(resp.wait_for_close(), 0.5)
        await asyncio.wait_for(closed.wait(), 2)  # the connection was closed
        assert len(sent) < 20
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
        assert not session.connector._idle  # type: ignore[union-attr]


async def test_a_body_released_before_it_arrived_reads_as_connection_closed() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npart")
        await writer.drain()
        await asyncio.sleep(2)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        resp = await session.get(server.url)
        resp.release()
        await asyncio.sleep(0.05)  # the connection is closed meanwhile
        error = resp.content.exception()
        assert type(error) is aioclient.ClientConnectionError
        with pytest.raises(aioclient.ClientConnectionError) as caught:
            await resp.read()
        assert not isinstance(caught.value, aioclient.ClientPayloadError)
        assert str(caught.value) == "Connection closed"


async def test_upload_complete_and_output_size_follow_a_streamed_body() -> None:
    """The answer's head arrives first; the body is still being sent after it."""
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        head = await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
        await writer.drain()
        raw = b""
        while not raw.endswith(b"0\r\n\r\n"):
            raw += await reader.read(65536)
        received.append(head + raw)
        writer.write(b"ok")
        await writer.drain()

    sent: list[int] = []
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.post(server.url, data=_slow_body(4, 0.1, sent)) as resp,
    ):
        assert not resp.upload_complete.done()
        early = resp.output_size
        await asyncio.wait_for(resp.upload_complete, 5)
        assert sent == [0, 1, 2, 3]
        assert await resp.read() == b"ok"
        # Head, chunk framing and blocks: every byte the server read.
        assert resp.output_size == len(received[0]) > early > 0


async def test_upload_complete_at_once_for_a_body_sent_with_the_head() -> None:
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        head = await read_head(reader)
        received.append(head + await reader.readexactly(100))
        writer.write(response(b"done"))
        await writer.drain()

    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.post(server.url, data=b"x" * 100) as resp,
    ):
        assert resp.upload_complete.done()
        assert resp.output_size == len(received[0])
        assert await resp.read() == b"done"
