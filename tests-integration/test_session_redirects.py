"""Redirects: method and body rules, history, limits, bad targets, credentials."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from _servers import (
    RawServer,
    assert_pool_idle,
    echo_app,
    echo_handler,
    headers_of,
    read_request,
    serve_app,
)
from aiohttp import web

import aioclient


def _redirect_app() -> web.Application:
    """``/r/{code}?to=...`` redirects; ``/chain/{n}`` redirects n times; echo else."""

    async def redirect(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        await request.read()
        location = request.query.get("to", "/echo")
        return web.Response(status=code, headers={"Location": location})

    async def chain(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        location = f"/chain/{n - 1}" if n > 0 else "/echo"
        return web.Response(status=302, headers={"Location": location})

    app = web.Application()
    app.router.add_route("*", "/r/{code}", redirect)
    app.router.add_get("/chain/{n}", chain)
    app.router.add_route("*", "/{tail:.*}", echo_handler)
    return app


@pytest.mark.parametrize(
    ("code", "method", "new_method", "body_kept"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (301, "PUT", "PUT", True),
        (302, "DELETE", "DELETE", True),
        (307, "POST", "POST", True),
        (308, "POST", "POST", True),
        (307, "PUT", "PUT", True),
        (303, "HEAD", "HEAD", True),
    ],
)
async def test_method_and_body_rules(
    code: int, method: str, new_method: str, body_kept: bool
) -> None:
    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        data = None if method == "HEAD" else b"the body"
        async with session.request(
            method, url / "r" / str(code), data=data, allow_redirects=True
        ) as resp:
            assert resp.status == 200
            assert resp.method == new_method
            assert len(resp.history) == 1
            assert resp.history[0].status == code
            assert resp.history[0].url == url / "r" / str(code)
            assert resp.url == url / "echo"
            echo = None if method == "HEAD" else await resp.json()
        assert session.connector is not None
        assert_pool_idle(session.connector)
    if echo is not None:
        assert echo["method"] == new_method
        assert echo["body"] == ("the body" if body_kept else "")
        if not body_kept:
            assert headers_of(echo, "Content-Type") == []


async def test_history_and_max_redirects() -> None:
    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        async with session.get(url / "chain" / "3") as resp:
            assert [h.url.path for h in resp.history] == [
                "/chain/3", "/chain/2", "/chain/1", "/chain/0",
            ]  # fmt: skip
            assert resp.url.path == "/echo"
        async with session.get(url / "chain" / "1", max_redirects=3) as resp:
            assert resp.status == 200
        # Reaching the limit raises even if the next hop would answer 200.
        with pytest.raises(aioclient.TooManyRedirects):
            await session.get(url / "chain" / "1", max_redirects=2)
        with pytest.raises(aioclient.TooManyRedirects) as info:
            await session.get(url / "chain" / "5", max_redirects=3)
        assert len(info.value.history) == 3
        assert info.value.request_info.url == url / "chain" / "5"
        assert isinstance(info.value, aioclient.ClientResponseError)
        assert session.connector is not None
        assert_pool_idle(session.connector)


async def test_allow_redirects_false_and_head_default() -> None:
    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        async with session.get(url / "r" / "302", allow_redirects=False) as r:
            assert r.status == 302
            assert r.headers["Location"] == "/echo"
            assert r.history == ()
        async with session.head(url / "r" / "302") as r:
            assert r.status == 302  # HEAD does not follow by default
        async with session.head(url / "r" / "302", allow_redirects=True) as r:
            assert r.status == 200


async def test_relative_and_absolute_location() -> None:
    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        async with session.get(url / "r" / "302" % {"to": "rel/path?q=1"}) as r:
            assert r.url == url / "r" / "rel" / "path" % {"q": "1"}
        absolute = str(url / "abs")
        async with session.get(url / "r" / "301" % {"to": absolute}) as r:
            assert r.url == url / "abs"


async def test_bad_location_and_non_http_location() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        head, _ = await read_request(reader)
        location = {
            b"/bad": "http://[bad",
            b"/ftp": "ftp://127.0.0.1/file",
            b"/nohost": "http:///path",
        }[head.split(b" ")[1]]
        writer.write(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\n"
            "Content-Length: 0\r\n\r\n".encode()
        )
        await writer.drain()

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.InvalidUrlRedirectClientError):
            await session.get(server.url / "bad")
        with pytest.raises(aioclient.NonHttpUrlRedirectClientError):
            await session.get(server.url / "ftp")
        with pytest.raises(aioclient.InvalidUrlRedirectClientError):
            await session.get(server.url / "nohost")
        assert session.connector is not None
        assert_pool_idle(session.connector)
    assert issubclass(aioclient.InvalidUrlRedirectClientError, aioclient.InvalidURL)


async def test_cross_origin_redirect_drops_credentials() -> None:
    async with serve_app(echo_app()) as other, serve_app(_redirect_app()) as url:
        jar = aioclient.CookieJar(unsafe=True)
        jar.update_cookies({"jarc": "1"}, url)
        async with aioclient.ClientSession(cookie_jar=jar) as session:
            to_other = url / "r" / "307" % {"to": str(other / "landing")}
            async with session.get(
                to_other,
                auth=aioclient.BasicAuth("u", "p"),
                cookies={"reqc": "2"},
                headers={"X-Custom": "kept"},
            ) as r:
                echo = await r.json()
                assert r.url == other / "landing"
                first = r.history[0].request_info.headers
            assert "Authorization" in first
            assert "Cookie" in first
            assert headers_of(echo, "Authorization") == []
            # Per-request cookies are dropped; the jar's cookies are scoped by
            # host, not port, so the jar's own still goes to the other port.
            assert headers_of(echo, "Cookie") == ["jarc=1"]
            assert headers_of(echo, "X-Custom") == ["kept"]
            # A manual Authorization header is dropped too.
            async with session.get(
                to_other, headers={"Authorization": "Bearer t"}
            ) as r:
                assert headers_of(await r.json(), "Authorization") == []
            # Same origin keeps them.
            async with session.get(
                url / "r" / "302", auth=aioclient.BasicAuth("u", "p")
            ) as r:
                echo = await r.json()
            assert headers_of(echo, "Authorization") != []
            assert "jarc=1" in headers_of(echo, "Cookie")[0]


async def test_redirect_with_consumed_async_generator_body() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"once"

    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.ClientPayloadError):
            await session.post(url / "r" / "307", data=gen())
        assert session.connector is not None
        assert_pool_idle(session.connector)
        # A 303 drops the body, so the generator is not needed again.
        async with session.post(url / "r" / "303", data=gen()) as r:
            assert (await r.json())["method"] == "GET"


async def test_redirect_replays_bytes_and_formdata() -> None:
    async with serve_app(_redirect_app()) as url, aioclient.ClientSession() as session:
        async with session.post(url / "r" / "308", data={"a": "b"}) as r:
            echo = await r.json()
        assert echo["body"] == "a=b"
        assert headers_of(echo, "Content-Length") == ["3"]
        async with session.post(url / "r" / "307", json={"j": 1}) as r:
            echo = await r.json()
        assert echo["body"] == '{"j": 1}'


async def test_location_to_https_other_origin_is_followed_scheme_check() -> None:
    # A Location with a non-HTTP scheme is refused before any connection.
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 301 Moved\r\nLocation: mailto:x@example.com\r\n"
            b"Content-Length: 0\r\n\r\n"
        )

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.NonHttpUrlRedirectClientError):
            await session.get(server.url)


@pytest.mark.parametrize("location", ["http://[bad", "ftp://127.0.0.1/"])
async def test_bad_redirect_with_unread_body_frees_the_connection(
    location: str,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_request(reader)
        # The redirect's body is still in flight when the Location is refused.
        writer.write(
            f"HTTP/1.1 302 Found\r\nLocation: {location}\r\n"
            "Content-Length: 100\r\n\r\nabc".encode()
        )
        await asyncio.sleep(30)

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with pytest.raises(aioclient.RedirectClientError):
            await session.get(server.url)
        assert session.connector is not None
        assert_pool_idle(session.connector)


async def test_lowercase_post_follows_post_rules() -> None:
    async with (
        serve_app(_redirect_app()) as url,
        aioclient.ClientSession() as session,
        session.request("post", url / "r" / "302", data=b"body") as resp,
    ):
        echo = await resp.json()
    assert echo["method"] == "GET"
    assert echo["body"] == ""
