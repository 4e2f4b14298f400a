"""A ``Content-Length`` header set by the caller must be the body's size.

Bytes past the declared length would be read by the server as the start of the
next request (RFC 9112 §6.3), and a body that falls short leaves the server
waiting. A body of known size that disagrees is refused before anything is sent;
a streamed body is held to the declared length as it is written, and the
connection is not reused after a violation.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from _servers import RawServer, assert_pool_idle, response

import aioclient


def _recorder() -> tuple[list[bytes], Any]:
    """A handler that records everything a connection sends, then answers."""
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        data = b""
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), 0.3)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            writer.write(response(b"ok", extra="Connection: close\r\n"))
            await writer.drain()
        finally:
            received.append(data)

    return received, handler


async def _sent_by_post(data: Any, headers: dict[str, str]) -> bytes:
    """POST ``data``; check the answer; return every byte the server received."""
    received, handler = _recorder()
    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.post(server.url, data=data, headers=headers) as resp,
    ):
        assert await resp.read() == b"ok"
    (sent,) = received
    return sent


async def _blocks(*blocks: bytes) -> AsyncIterator[bytes]:
    for block in blocks:
        yield block


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": b"abcdef"},
        {"data": b"a"},
        {"data": "abcdef"},
        {"data": io.BytesIO(b"abcdef")},
        {"json": {"a": 1}},
        {"data": {"a": "1"}},
        {"data": None},
    ],
    ids=["bytes-long", "bytes-short", "str", "bytesio", "json", "form", "none"],
)
async def test_a_known_size_that_disagrees_is_refused_before_sending(
    kwargs: dict[str, Any],
) -> None:
    received, handler = _recorder()
    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(ValueError, match="Content-Length header is 2 but the body"):
            await session.post(server.url, headers={"Content-Length": "2"}, **kwargs)
        assert session.connector is not None
        assert_pool_idle(session.connector)
    assert b"".join(received) == b""


async def test_a_streamed_body_may_not_pass_its_length() -> None:
    received, handler = _recorder()
    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        body = _blocks(b"ab", b"cdef")
        with pytest.raises(aioclient.ClientConnectionError) as caught:
            async with session.post(
                server.url, data=body, headers={"Content-Length": "3"}
            ) as resp:
                await resp.read()
        assert "longer than its Content-Length (3 bytes)" in str(caught.value.__cause__)
        assert session.connector is not None
        assert_pool_idle(session.connector)
        assert not session.connector._idle  # that connection is not reused
    (sent,) = received
    assert sent.endswith(b"\r\n\r\nab")  # the first block only: nothing past it


async def test_a_streamed_body_may_not_fall_short() -> None:
    received, handler = _recorder()
    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ClientConnectionError) as caught:
            async with session.post(
                server.url, data=_blocks(b"ab"), headers={"Content-Length": "5"}
            ) as resp:
                await resp.read()
        assert "ended after 2 of the 5 bytes" in str(caught.value.__cause__)
        assert session.connector is not None
        assert not session.connector._idle
    (sent,) = received
    assert sent.endswith(b"\r\n\r\nab")


async def test_a_streamed_body_of_the_declared_length_is_sent() -> None:
    sent = await _sent_by_post(_blocks(b"ab", b"c"), {"Content-Length": "3"})
    assert b"Content-Length: 3\r\n" in sent
    assert b"Transfer-Encoding" not in sent
    assert sent.endswith(b"\r\n\r\nabc")


@pytest.mark.parametrize("body", [b"abc", "abc", io.BytesIO(b"abc")])
async def test_a_transfer_encoding_header_frames_the_body(body: Any) -> None:
    """A caller's ``Transfer-Encoding: chunked`` means chunked framing.

    Never both headers with an unframed body (aiohttp sends that: a request
    smuggling shape, security category 1).
    """
    sent = await _sent_by_post(body, {"Transfer-Encoding": "chunked"})
    assert b"Transfer-Encoding: chunked\r\n" in sent
    assert b"Content-Length" not in sent
    assert sent.endswith(b"\r\n\r\n3\r\nabc\r\n0\r\n\r\n")


@pytest.mark.parametrize("value", ["-1", "1e3", "\u00b2", " 3"])
async def test_a_content_length_that_is_not_a_number_is_refused(value: str) -> None:
    received, handler = _recorder()
    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(ValueError, match="Invalid Content-Length header"):
            await session.post(
                server.url, data=b"abc", headers={"Content-Length": value}
            )
    assert b"".join(received) == b""
