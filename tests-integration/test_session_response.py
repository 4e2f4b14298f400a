"""ClientResponse: attributes, body reading, decoding and release."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from _servers import RawServer, assert_pool_idle, read_request, response, serve_app
from aiohttp import web
from yarl import URL

import aioclient


def _one_route(handler: Any) -> web.Application:
    """An application that answers ``GET /`` with ``handler``."""
    app = web.Application()
    app.router.add_get("/", handler)
    return app


async def _rich(request: web.Request) -> web.Response:
    resp = web.Response(
        body="héllo".encode("latin-1"),
        status=201,
        reason="Made It",
        headers={
            "Content-Type": 'text/plain; charset="latin-1"',
            "Link": '<http://a.example/next>; rel="next", </prev>; rel=prev',
            "Content-Disposition": 'attachment; filename="report.txt"',
            "X-Multi": "1",
        },
    )
    resp.headers.add("X-Multi", "2")
    resp.set_cookie("c1", "v1")
    return resp


def _rich_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/rich", _rich)
    return app


async def test_attributes() -> None:
    async with serve_app(_rich_app()) as url, aioclient.ClientSession() as session:
        target = (url / "rich").with_fragment("frag")
        async with session.get(target) as resp:
            assert resp.version == aioclient.HttpVersion11
            assert resp.status == 201
            assert resp.reason == "Made It"
            assert resp.ok
            assert resp.method == "GET"
            assert resp.url == url / "rich"
            assert resp.real_url == target
            assert resp.host == "127.0.0.1"
            # The small body arrived with the head: the connection is
            # already back in the pool (as in aiohttp).
            assert resp.connection is None
            assert isinstance(resp.content, aioclient.StreamReader)
            assert resp.headers.getall("X-Multi") == ["1", "2"]
            assert (b"X-Multi", b"2") in resp.raw_headers
            assert resp.cookies["c1"].value == "v1"
            assert resp.content_type == "text/plain"
            assert resp.charset == "latin-1"
            assert resp.content_length == 5
            disp = resp.content_disposition
            assert disp is not None
            assert disp.type == "attachment"
            assert disp.filename == "report.txt"
            assert disp.parameters["filename"] == "report.txt"
            links = resp.links
            assert links["next"]["url"] == URL("http://a.example/next")
            assert links["prev"]["url"] == url / "prev"
            assert links["next"]["rel"] == "next"
            assert resp.history == ()
            info = resp.request_info
            assert info.method == "GET"
            assert info.url == url / "rich"
            assert info.real_url == target
            assert info.headers["Host"] == f"127.0.0.1:{url.port}"
            assert resp.get_encoding() == "iso8859-1"
            assert await resp.text() == "héllo"
            assert "201 Made It" in repr(resp)


async def test_missing_content_type_defaults() -> None:
    async def bare(reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(response(b""))

    async with (
        RawServer(bare) as server,
        aioclient.ClientSession() as session,
        session.get(server.url) as resp,
    ):
        assert resp.content_type == "application/octet-stream"
        assert resp.charset is None
        assert resp.content_disposition is None
        assert len(resp.links) == 0
        assert await resp.json(content_type=None) is None  # empty
        # The media type is checked first, even for an empty body.
        with pytest.raises(aioclient.ContentTypeError) as info:
            await resp.json()
        assert "content_type=None" in str(info.value)


async def test_json_content_type_checks() -> None:
    async def handler(request: web.Request) -> web.Response:
        kind = request.query["t"]
        return web.Response(text='{"a": 1}', content_type=kind)

    app = _one_route(handler)
    async with serve_app(app) as url, aioclient.ClientSession() as session:
        async with session.get(url % {"t": "application/json"}) as r:
            assert await r.json() == {"a": 1}
        async with session.get(url % {"t": "application/problem+json"}) as r:
            assert await r.json() == {"a": 1}
        async with session.get(url % {"t": "text/plain"}) as r:
            with pytest.raises(aioclient.ContentTypeError) as info:
                await r.json()
            assert "content_type=None" in info.value.message
            # The header as received, parameters included (as aiohttp shows it).
            assert "mimetype: text/plain; charset=utf-8 (" in info.value.message
            assert info.value.status == 200
            assert await r.json(content_type=None) == {"a": 1}
            assert await r.json(content_type="text/plain") == {"a": 1}
            assert await r.json(content_type=None, loads=lambda s: s) == '{"a": 1}'


@pytest.mark.parametrize(
    ("header", "expected", "accepted"),
    [
        # The JSON check looks at the header as sent, by prefix, as aiohttp's:
        # servers that forget the ";" still work.
        ("application/json charset=utf-8", "application/json", True),
        ("Application/JSON, charset=utf-8", "application/json", True),
        ("application/json-seq", "application/json", True),
        ("text/json", "application/json", False),
        ("", "application/json", False),
        # Any other expected type: a substring of the header as sent.
        ("application/vnd.x; v=2", "vnd.x", True),
        ("text/plain; x=application/vnd.a+json", "application/vnd.a+json", True),
        ("", "application/octet-stream", False),  # no header: nothing matches
    ],
)
async def test_json_content_type_check_reads_the_header_as_sent(
    header: str, expected: str, accepted: bool
) -> None:
    extra = f"Content-Type: {header}\r\n" if header else ""

    async def reply(reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(response(b'{"a": 1}', extra=extra))

    async with (
        RawServer(reply) as server,
        aioclient.ClientSession() as session,
        session.get(server.url) as resp,
    ):
        if accepted:
            assert await resp.json(content_type=expected) == {"a": 1}
        else:
            with pytest.raises(aioclient.ContentTypeError):
                await resp.json(content_type=expected)


async def test_json_loads_gets_the_text_without_surrounding_whitespace() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=b' \r\n "\xc3\xa9" \n\t', content_type="application/json"
        )

    app = _one_route(handler)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.get(url) as r,
    ):
        assert await r.json(loads=lambda text: text) == '"\u00e9"'
        assert await r.json() == "\u00e9"


async def test_text_errors_and_encoding_override() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"ok\xff", content_type="text/plain", charset="utf-8")

    app = _one_route(handler)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.get(url) as r,
    ):
        with pytest.raises(UnicodeDecodeError):
            await r.text()
        assert await r.text(errors="replace") == "ok\ufffd"
        assert await r.text(encoding="latin-1") == "ok\xff"
        assert await r.read() == b"ok\xff"  # cached


async def test_fallback_charset_resolver() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body="é".encode("cp1252"), content_type="text/plain")

    calls: list[bytes] = []

    def resolver(resp: aioclient.ClientResponse, body: bytes) -> str:
        calls.append(body)
        return "cp1252"

    app = _one_route(handler)
    async with serve_app(app) as url:
        async with (
            aioclient.ClientSession(fallback_charset_resolver=resolver) as s,
            s.get(url) as r,
        ):
            with pytest.raises(RuntimeError):
                r.get_encoding()  # body not read yet
            assert await r.text() == "é"
            assert r.get_encoding() == "cp1252"
        async with aioclient.ClientSession() as s, s.get(url) as r:
            assert await r.text(errors="replace") == "\ufffd"
            assert r.get_encoding() == "utf-8"
    assert calls
    assert calls[0] == "é".encode("cp1252")


async def test_raise_for_status_method() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=404, reason="Nope", text="missing")

    app = _one_route(handler)
    async with serve_app(app) as url, aioclient.ClientSession() as session:
        resp = await session.get(url)
        with pytest.raises(aioclient.ClientResponseError) as info:
            resp.raise_for_status()
        assert info.value.status == 404
        assert info.value.message == "Nope"
        assert info.value.headers is not None
        assert resp.closed  # released outside async with
        async with session.get(url) as resp:
            with pytest.raises(aioclient.ClientResponseError):
                resp.raise_for_status()
            assert await resp.text() == "missing"  # still readable inside
        assert session.connector is not None
        assert_pool_idle(session.connector)


async def _count_server(
    body: bytes = b"x" * 1000,
) -> tuple[RawServer, list[int]]:
    served: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            served.append(1)
            writer.write(response(body))
            await writer.drain()

    return RawServer(handler), served


async def test_connection_reused_after_full_read() -> None:
    server, served = await _count_server()
    async with server, aioclient.ClientSession() as session:
        resp = None
        for _ in range(5):
            resp = await session.get(server.url)
            await resp.read()
            assert resp.connection is None
            assert resp.closed
            assert session.connector is not None
            assert_pool_idle(session.connector)
        assert resp is not None
        resp.release()
    assert server.connections == 1
    assert len(served) == 5


async def test_connection_closed_when_body_not_read() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        # Half of the declared body, then silence: the body stays unread.
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"y" * 50)
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        for _ in range(3):
            async with session.get(server.url) as resp:
                assert resp.status == 200
                await resp.content.read(10)
        assert session.connector is not None
        assert_pool_idle(session.connector)
        assert not session.connector._idle
    assert server.connections == 3


async def test_release_close_and_read_after_release() -> None:
    server, _ = await _count_server(b"body")
    async with server, aioclient.ClientSession() as session:
        resp = await session.get(server.url)
        assert await resp.read() == b"body"
        await resp.release()
        assert resp.closed
        with pytest.raises(aioclient.ClientConnectionError):
            await resp.read()
        assert await resp.text() == "body"  # the cached body still decodes
        resp2 = await session.get(server.url)
        assert resp2.connection is None  # the body came with the head
        resp2.close()
        assert resp2.closed
        assert resp2.connection is None
        await resp2.wait_for_close()
        assert session.connector is not None
        assert_pool_idle(session.connector)
    assert server.connections == 1


async def test_an_unread_body_is_gone_once_released() -> None:
    # As in aiohttp: leaving ``async with`` (or release()/close()) without
    # reading the body makes it unreadable, even when it was already received.
    server, _ = await _count_server(b"body")
    async with server, aioclient.ClientSession() as session:
        async with session.get(server.url) as resp:
            await asyncio.sleep(0.05)  # the whole body has arrived
        with pytest.raises(aioclient.ClientConnectionError, match="Connection closed"):
            await resp.read()
        with pytest.raises(aioclient.ClientConnectionError, match="Connection closed"):
            await resp.content.read()
        with pytest.raises(aioclient.ClientConnectionError, match="Connection closed"):
            await resp.text()
        for end in ("release", "close"):
            resp = await session.get(server.url)
            assert await resp.content.read(2) == b"bo"
            getattr(resp, end)()
            with pytest.raises(aioclient.ClientConnectionError):
                await resp.content.read()
        # A response without a body still reads as empty.
        async with session.head(server.url) as resp:
            pass
        assert await resp.read() == b""
        assert session.connector is not None
        assert_pool_idle(session.connector)


_EMPTY_BODIES = {
    "/length": b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "/204": b"HTTP/1.1 204 No Content\r\n\r\n",
    "/304": b"HTTP/1.1 304 Not Modified\r\n\r\n",
}


@pytest.mark.parametrize(
    ("method", "path", "gone"),
    [
        ("GET", "/length", True),
        ("GET", "/chunked", True),
        ("HEAD", "/length", False),
        ("GET", "/204", False),
        ("GET", "/304", False),
    ],
)
async def test_an_empty_body_released_unread_is_gone_too(
    method: str, path: str, gone: bool
) -> None:
    # As in aiohttp: an empty body (Content-Length: 0, or no chunks) is a body
    # like any other; only a response that has none (HEAD, 204, 304) reads as
    # empty after release.
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            try:
                head, _ = await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            writer.write(_EMPTY_BODIES[head.split(b" ")[1].decode()])

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        async with session.request(method, server.url.with_path(path)) as resp:
            pass
        if gone:
            with pytest.raises(aioclient.ClientConnectionError, match="closed"):
                await resp.read()
            with pytest.raises(aioclient.ClientConnectionError, match="closed"):
                await resp.content.read()
        else:
            assert await resp.read() == b""
            assert await resp.content.read() == b""
        # Read before the release, the empty body is still decoded.
        async with session.request(method, server.url.with_path(path)) as resp:
            assert await resp.read() == b""
        assert await resp.text() == ""
        assert aioclient.EMPTY_PAYLOAD.exception() is None  # the shared one
        assert await aioclient.EMPTY_PAYLOAD.read() == b""
        assert server.connections == 1


async def test_headers_with_no_body_release_at_once() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        while True:
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        resp = await session.get(server.url)
        assert resp.status == 204
        assert resp.connection is None
        assert resp.closed
        assert await resp.read() == b""
        resp = await session.head(server.url)
        assert resp.connection is None
        assert server.connections == 1


async def test_a_101_response_reads_as_empty_and_keeps_its_connection() -> None:
    # The bytes after a 101 head belong to the new protocol, not to a body:
    # read() is b"" at once (it used to wait for the total timeout).
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
            b"Upgrade: tcp\r\n\r\nnew protocol bytes"
        )
        await asyncio.sleep(1)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        resp = await session.get(server.url)
        assert resp.status == 101
        assert await asyncio.wait_for(resp.read(), 2) == b""
        assert await resp.text() == ""
        assert resp.connection is not None  # the upgraded connection is kept
        assert not resp.closed
        resp.close()


async def test_json_body_decoded_with_declared_charset() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            body=json.dumps({"k": "é"}, ensure_ascii=False).encode("utf-16"),
            content_type="application/json",
            charset="utf-16",
        )

    app = _one_route(handler)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.get(url) as r,
    ):
        assert await r.json() == {"k": "é"}


async def test_content_length_reads_ascii_digits_only() -> None:
    # A 2xx answer to CONNECT has no body, so its framing fields are not
    # checked: "²" (a digit to str.isdigit) must not make the property raise.
    async def reply(reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write("HTTP/1.1 200 OK\r\nContent-Length: ²\r\n\r\n".encode())

    async with (
        RawServer(reply) as server,
        aioclient.ClientSession() as session,
        session.request("CONNECT", server.url) as resp,
    ):
        assert resp.status == 200
        assert resp.content_length is None
