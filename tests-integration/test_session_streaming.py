"""Streaming bodies, keep-alive reuse and the stale-connection retry."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import struct
from typing import Any

import pytest
from _servers import RawServer, assert_pool_idle, read_request, response, serve_app
from aiohttp import web

import aioclient

BIG = 8 * 1024 * 1024


def _big_app() -> web.Application:
    block = bytes(range(256)) * 4096  # 1 MiB

    async def big(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        if request.query.get("chunked"):
            resp.enable_chunked_encoding()
        else:
            resp.content_length = BIG
        await resp.prepare(request)
        for _ in range(BIG // len(block)):
            await resp.write(block)
        await resp.write_eof()
        return resp

    async def lines(request: web.Request) -> web.Response:
        return web.Response(body=b"one\ntwo\r\nthree")

    app = web.Application()
    app.router.add_get("/big", big)
    app.router.add_get("/lines", lines)
    return app


def _expected_digest() -> str:
    return hashlib.sha256(bytes(range(256)) * 4096 * (BIG // (1024 * 1024))).hexdigest()


@pytest.mark.parametrize("chunked", [False, True])
async def test_iter_chunked_big_body_small_bufsize(chunked: bool) -> None:
    async with (
        serve_app(_big_app()) as url,
        aioclient.ClientSession(read_bufsize=64 * 1024) as session,
    ):
        target = url / "big" % ({"chunked": "1"} if chunked else {})
        async with session.get(target) as resp:
            digest = hashlib.sha256()
            sizes = []
            async for chunk in resp.content.iter_chunked(32 * 1024):
                assert len(chunk) <= 32 * 1024
                sizes.append(len(chunk))
                digest.update(chunk)
                # The buffer never holds much more than its high-water mark.
                assert resp.content.total_bytes - sum(sizes) <= 4 * 64 * 1024
        assert sum(sizes) == BIG
        assert digest.hexdigest() == _expected_digest()
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
        assert session.connector._idle  # type: ignore[union-attr]


async def test_iter_any_and_read_n() -> None:
    async with (
        serve_app(_big_app()) as url,
        aioclient.ClientSession(read_bufsize=64 * 1024) as session,
        session.get(url / "big") as resp,
    ):
        first = await resp.content.read(10)
        assert first == bytes(range(10))
        total = len(first)
        async for chunk in resp.content.iter_any():
            assert chunk
            total += len(chunk)
        assert total == BIG
        assert resp.content.at_eof()


async def test_readline_and_iteration() -> None:
    async with serve_app(_big_app()) as url, aioclient.ClientSession() as session:
        async with session.get(url / "lines") as resp:
            assert await resp.content.readline() == b"one\n"
            assert await resp.content.readline() == b"two\r\n"
            assert await resp.content.readline() == b"three"
            assert await resp.content.readline() == b""
        async with session.get(url / "lines") as resp:
            lines = [line async for line in resp.content]
            assert lines == [b"one\n", b"two\r\n", b"three"]


async def test_keep_alive_reuse_counted_by_server() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            await read_request(reader)
            writer.write(response(b"x" * 5000))

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        for _ in range(5):
            async with session.get(server.url) as resp:
                assert await resp.read() == b"x" * 5000
            async with session.post(server.url, data=b"abc") as resp:
                await resp.read()
        assert server.connections == 1
        assert_pool_idle(session.connector)  # type: ignore[arg-type]


async def test_force_close_and_http10_do_not_reuse() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            await read_request(reader)
            writer.write(response())

    async with RawServer(handler) as server:
        connector = aioclient.TCPConnector(force_close=True)
        async with aioclient.ClientSession(connector=connector) as session:
            for _ in range(3):
                async with session.get(server.url) as resp:
                    await resp.read()
                    assert resp.request_info.headers["Connection"] == "close"
        assert server.connections == 3


def _stale_handler(state: dict[str, Any], *, before: bool) -> Any:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        state["conns"] += 1
        first = state["conns"] == 1
        head, body = await read_request(reader)
        state["seen"].append(head.split(b" ", 1)[0])
        writer.write(response(b"first" if first else b"fresh"))
        await writer.drain()
        if not first:
            while True:
                await read_request(reader)
                writer.write(response(b"fresh"))
        if before:
            await asyncio.sleep(0.05)
            return  # closed while idle, before the next request
        # Closed right when the next request arrives, without answering.
        await reader.readuntil(b"\r\n\r\n")
        state["seen"].append(b"dropped")

    return handler


@pytest.mark.parametrize("before", [True, False])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_stale_connection_retried_for_idempotent(
    before: bool, method: str
) -> None:
    state: dict[str, Any] = {"conns": 0, "seen": []}
    async with (
        RawServer(_stale_handler(state, before=before)) as server,
        aioclient.ClientSession() as session,
    ):
        async with session.get(server.url) as resp:
            assert await resp.read() == b"first"
        if before:
            await asyncio.sleep(0.2)
        async with session.request(method, server.url, data=b"d") as resp:
            assert await resp.read() == b"fresh"
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
    assert state["conns"] == 2


async def test_stale_connection_not_retried_for_post() -> None:
    state: dict[str, Any] = {"conns": 0, "seen": []}
    async with (
        RawServer(_stale_handler(state, before=False)) as server,
        aioclient.ClientSession() as session,
    ):
        async with session.get(server.url) as resp:
            assert await resp.read() == b"first"
        with pytest.raises(
            (aioclient.ServerDisconnectedError, aioclient.ClientOSError)
        ):
            await session.post(server.url, data=b"payload")
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
        # The next request works on a fresh connection.
        async with session.get(server.url) as resp:
            assert await resp.read() == b"fresh"
    assert state["conns"] == 2


@pytest.mark.parametrize(("method", "attempts"), [("GET", 2), ("PUT", 2), ("POST", 1)])
async def test_a_new_connection_dropped_before_the_head(
    method: str, attempts: int
) -> None:
    """As in aiohttp: an idempotent request is sent once more, a POST is not."""
    conns = 0

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        nonlocal conns
        conns += 1
        await read_request(reader)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ServerDisconnectedError):
            await session.request(method, server.url, data=b"d")
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
    assert conns == attempts


@pytest.mark.parametrize(
    "partial", [b"H", b"HTTP/1.1 200", b"HTTP/1.1 200 OK\r\nX-A: 1\r\n"]
)
async def test_a_head_cut_off_by_the_close_is_a_disconnect(partial: bytes) -> None:
    """Not a 400 "bad message": retry logic that catches disconnects must see one.

    Not retried either: bytes of a response arrived, so the server saw the
    request (security category 10; aiohttp sends a GET again).
    """
    conns = 0

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        nonlocal conns
        conns += 1
        await read_request(reader)
        writer.write(partial)
        await writer.drain()

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ServerDisconnectedError) as caught:
            await session.get(server.url)
        # The parser's account of what was cut off stays as the cause.
        assert "before the response head was complete" in str(caught.value.__cause__)
        with pytest.raises(aioclient.ServerDisconnectedError):
            await session.post(server.url, data=b"d")
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
    assert conns == 2


async def test_early_response_while_uploading() -> None:
    """The server answers before reading a big upload and keeps the connection."""

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response(b"early", extra="Connection: close\r\n"))
        await writer.drain()
        await asyncio.sleep(0.5)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        data = b"u" * (16 * 1024 * 1024)
        try:
            async with session.post(server.url, data=data) as resp:
                assert await resp.read() == b"early"
        except aioclient.ClientError:
            pass  # the server hanging up mid-upload is acceptable too
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
        assert not session.connector._idle  # type: ignore[union-attr]


async def test_early_response_keep_alive_waits_for_upload() -> None:
    """An early answer must not free the connection while the body is sent."""
    heads: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            heads.append(head.split(b"\r\n", 1)[0])
            writer.write(response(b"early"))
            await writer.drain()
            length = head.lower().split(b"content-length: ")
            if len(length) > 1:
                await reader.readexactly(int(length[1].split(b"\r\n")[0]))

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        data = b"u" * (8 * 1024 * 1024)
        resp = await session.post(server.url, data=data)
        assert await resp.read() == b"early"
        async with session.get(server.url) as resp2:
            assert await resp2.read() == b"early"
        resp.release()
        await resp.wait_for_close()
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
    assert heads == [b"POST / HTTP/1.1", b"GET / HTTP/1.1"]


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_stale_connection_reset(method: str) -> None:
    """The server resets (RST) the idle connection when the request arrives."""
    conns = 0

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        nonlocal conns
        conns += 1
        if conns == 1:
            await read_request(reader)
            writer.write(response(b"first"))
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")
            sock = writer.get_extra_info("socket")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            writer.transport.abort()
            return
        while True:
            await read_request(reader)
            writer.write(response(b"fresh"))

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        async with session.get(server.url) as resp:
            assert await resp.read() == b"first"
        if method == "GET":
            async with session.get(server.url) as resp:
                assert await resp.read() == b"fresh"
            assert conns == 2
        else:
            with pytest.raises(aioclient.ClientConnectionError):
                await session.post(server.url, data=b"x")
            assert conns == 1
        assert_pool_idle(session.connector)  # type: ignore[arg-type]
