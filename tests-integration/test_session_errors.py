"""Timeouts and errors: what each failure raises, and that nothing leaks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from _servers import (
    RawServer,
    assert_pool_idle,
    read_head,
    read_request,
    response,
)

import aioclient


async def _stall(reader: asyncio.StreamReader, writer: Any) -> None:
    await read_request(reader)
    await asyncio.sleep(30)


async def _slow_body(reader: asyncio.StreamReader, writer: Any) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nstart")
    await writer.drain()
    await asyncio.sleep(30)


async def test_total_timeout_waiting_for_head() -> None:
    async with RawServer(_stall) as server:
        timeout = aioclient.ClientTimeout(total=0.2)
        async with aioclient.ClientSession(timeout=timeout) as session:
            with pytest.raises(asyncio.TimeoutError) as info:
                await session.get(server.url)
            assert type(info.value) is asyncio.TimeoutError
            assert session.connector is not None
            assert_pool_idle(session.connector)


async def test_total_timeout_while_reading_body() -> None:
    async with RawServer(_slow_body) as server, aioclient.ClientSession() as session:
        async with session.get(server.url, timeout=0.3) as resp:
            assert resp.status == 200
            with pytest.raises(asyncio.TimeoutError):
                await resp.read()
        assert session.connector is not None
        assert_pool_idle(session.connector)


async def test_total_timeout_request_level_client_timeout() -> None:
    async with RawServer(_stall) as server, aioclient.ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(server.url, timeout=aioclient.ClientTimeout(total=0.2))


async def test_sock_read_timeout_head_and_body() -> None:
    async with RawServer(_stall) as server:
        timeout = aioclient.ClientTimeout(sock_read=0.2)
        async with aioclient.ClientSession(timeout=timeout) as session:
            with pytest.raises(aioclient.SocketTimeoutError) as info:
                await session.get(server.url)
            assert isinstance(info.value, aioclient.ServerTimeoutError)
            assert isinstance(info.value, asyncio.TimeoutError)
            assert_pool_idle(session.connector)  # type: ignore[arg-type]
    async with RawServer(_slow_body) as server, aioclient.ClientSession() as session:
        timeout = aioclient.ClientTimeout(sock_read=0.2)
        async with session.get(server.url, timeout=timeout) as resp:
            with pytest.raises(aioclient.SocketTimeoutError):
                await resp.read()
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_sock_read_timeout_is_reset_by_data() -> None:
    async def trickle(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        for ch in b"abcde":
            await asyncio.sleep(0.1)
            writer.write(bytes([ch]))

    async with RawServer(trickle) as server, aioclient.ClientSession() as session:
        timeout = aioclient.ClientTimeout(sock_read=0.3)
        async with session.get(server.url, timeout=timeout) as resp:
            assert await resp.read() == b"abcde"


async def test_connect_timeout_waiting_for_pool_slot() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
        await asyncio.sleep(30)

    async with RawServer(handler) as server:
        connector = aioclient.TCPConnector(limit=1)
        async with aioclient.ClientSession(connector=connector) as session:
            held = await session.get(server.url)  # body unread: slot held
            with pytest.raises(aioclient.ConnectionTimeoutError) as info:
                await session.get(
                    server.url, timeout=aioclient.ClientTimeout(connect=0.2)
                )
            assert isinstance(info.value, aioclient.ServerTimeoutError)
            assert isinstance(info.value, asyncio.TimeoutError)
            assert connector._slots_total == 1
            held.close()
            assert_pool_idle(connector)
            assert not connector._waiters


@pytest.mark.skip(reason="sock_connect needs an unroutable peer; loopback accepts")
async def test_sock_connect_timeout() -> None:  # pragma: no cover
    pass


async def test_bad_urls() -> None:
    async with aioclient.ClientSession() as session:
        for bad in ("http://", "/just/a/path", "http:///path"):
            with pytest.raises(aioclient.InvalidUrlClientError) as info:
                await session.get(bad)
            assert isinstance(info.value, aioclient.InvalidURL)
            assert isinstance(info.value, ValueError)
        with pytest.raises(aioclient.InvalidURL):
            await session.get("http://[bad")
        with pytest.raises(aioclient.NonHttpUrlClientError):
            await session.get("ftp://127.0.0.1/file")
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_connection_refused() -> None:
    async with RawServer(_stall) as server:
        url = server.url
    async with aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ClientConnectorError) as info:
            await session.get(url)
        assert isinstance(info.value, aioclient.ClientOSError)
        assert info.value.host == "127.0.0.1"
        assert info.value.port == url.port
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def _run_error(handler: Any, *, read: bool = True) -> BaseException:
    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        try:
            async with session.get(server.url) as resp:
                if read:
                    await resp.read()
        except aioclient.ClientError as exc:
            caught: BaseException = exc
        else:  # pragma: no cover
            raise AssertionError("no error")
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
        return caught


async def test_content_length_lie() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")

    exc = await _run_error(handler)
    assert isinstance(exc, aioclient.ClientPayloadError)


async def test_dies_mid_chunked_body() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n10\r\npart"
        )

    exc = await _run_error(handler)
    assert isinstance(exc, aioclient.ClientPayloadError)


async def test_bad_chunk_framing() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n"
        )
        await asyncio.sleep(30)

    exc = await _run_error(handler)
    assert isinstance(exc, aioclient.ClientPayloadError)


@pytest.mark.parametrize(
    "head",
    [
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ],
)
async def test_malformed_head(head: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(head)
        await asyncio.sleep(30)

    exc = await _run_error(handler)
    assert type(exc) is aioclient.ClientResponseError
    assert exc.status == 400
    assert exc.request_info.method == "GET"


async def test_server_closes_without_answer() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)

    exc = await _run_error(handler)
    assert isinstance(exc, aioclient.ServerDisconnectedError)


async def test_undecodable_content_encoding() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(response(b"not gzip at all", extra="Content-Encoding: gzip\r\n"))

    exc = await _run_error(handler)
    assert isinstance(exc, aioclient.ClientPayloadError)


async def test_read_until_eof_false() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil eof")

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        async with session.get(server.url) as resp:
            assert await resp.read() == b"until eof"
        async with session.get(server.url, read_until_eof=False) as resp:
            assert await resp.read() == b""
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_total_timeout_spans_redirects() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        head, _ = await read_request(reader)
        if not head.startswith(b"GET /slow"):
            writer.write(
                b"HTTP/1.1 302 Found\r\nLocation: /slow\r\nContent-Length: 0\r\n\r\n"
            )
            await writer.drain()
            head, _ = await read_request(reader)
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(session.get(server.url, timeout=0.3), 5)
        assert loop.time() - start < 2  # the request's own deadline fired
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_total_timeout_stops_after_release() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            await read_request(reader)
            writer.write(response(b"x" * 10))

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        resp = await session.get(server.url, timeout=0.2)
        await asyncio.sleep(0.4)  # past the deadline, but the body is buffered
        assert await resp.read() == b"x" * 10
        resp = await session.get(server.url, timeout=0.2)
        await resp.read()
        await asyncio.sleep(0.4)
        assert await resp.text() == "x" * 10


async def test_body_generator_failure() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"a"
        raise ValueError("boom")

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ClientConnectionError) as info:
            await session.post(server.url, data=body())
        assert isinstance(info.value.__cause__, ValueError)
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
