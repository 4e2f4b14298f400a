"""Client quickstart examples in aiohttp's docs style, run with aioclient.

Each example is written the way aiohttp's client quickstart shows it; the only
change is ``import aioclient as aiohttp``. They run against a local
``aiohttp.web`` app (its server only).
"""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from _servers import serve_app
from aiohttp import web
from yarl import URL

import aioclient as aiohttp


async def _get(request: web.Request) -> web.Response:
    headers = {k.lower(): v for k, v in request.headers.items()}
    return web.json_response({"args": dict(request.query), "headers": headers})


async def _post(request: web.Request) -> web.Response:
    if request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        return web.json_response({"form": dict(form)})
    if request.content_type == "application/json":
        return web.json_response({"json": await request.json()})
    return web.json_response({"data": (await request.read()).decode()})


async def _cookies(request: web.Request) -> web.Response:
    return web.json_response({"cookies": dict(request.cookies)})


async def _set_cookie(request: web.Request) -> web.Response:
    resp = web.Response(text="set")
    resp.set_cookie("token", "abc123")
    return resp


async def _stream(request: web.Request) -> web.Response:
    return web.Response(body=b"0123456789" * 10000)


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(5)
    return web.Response(text="late")


async def _status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]))


@pytest.fixture
async def base() -> object:
    app = web.Application()
    app.router.add_get("/get", _get)
    app.router.add_route("*", "/post", _post)
    app.router.add_route("*", "/put", _post)
    app.router.add_get("/cookies", _cookies)
    app.router.add_get("/cookies/set", _set_cookie)
    app.router.add_get("/stream", _stream)
    app.router.add_get("/slow", _slow)
    app.router.add_get("/status/{code}", _status)
    async with serve_app(app) as url:
        yield str(url).rstrip("/")


async def test_make_a_request(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/get") as resp:
            print(resp.status)
            print(await resp.text())
            assert resp.status == 200
        async with session.post(f"{base}/post", data=b"data") as resp:
            assert resp.status == 200
        async with session.put(f"{base}/put", data=b"data") as resp:
            assert resp.status == 200


async def test_params_in_urls(base: str) -> None:
    params = {"key1": "value1", "key2": "value2"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/get", params=params) as resp:
            expect = URL(f"{base}/get?key1=value1&key2=value2")
            assert resp.url == expect
        params2 = [("key", "value1"), ("key", "value2")]
        async with session.get(f"{base}/get", params=params2) as r:
            assert r.url == URL(f"{base}/get?key=value1&key=value2")
        async with session.get(f"{base}/get", params="key=value+1") as r:
            assert r.url == URL(f"{base}/get?key=value+1")


async def test_response_content(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/get") as resp:
            text = await resp.text()
            assert '"args"' in text
        async with session.get(f"{base}/get") as resp:
            assert (await resp.read()).startswith(b"{")
        async with session.get(f"{base}/get", params={"a": "1"}) as resp:
            data = await resp.json()
            assert data["args"] == {"a": "1"}


async def test_more_complicated_post_requests(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        payload = {"key1": "value1", "key2": "value2"}
        async with session.post(f"{base}/post", data=payload) as resp:
            assert (await resp.json())["form"] == payload
        async with session.post(f"{base}/post", json={"test": "object"}) as resp:
            assert (await resp.json())["json"] == {"test": "object"}
        async with session.post(f"{base}/post", data=b"\x00Binary-data\x00") as r:
            assert (await r.json())["data"] == "\x00Binary-data\x00"
        async with session.post(f"{base}/post", data=json.dumps({"x": 1})) as r:
            assert (await r.json())["data"] == '{"x": 1}'


async def test_post_a_multipart_encoded_file(base: str) -> None:
    data = aiohttp.FormData()
    data.add_field(
        "file",
        io.BytesIO(b"report contents"),
        filename="report.xls",
        content_type="application/vnd.ms-excel",
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/post", data=data) as resp,
    ):
        assert resp.status == 200
        assert "report contents" in (await resp.json())["data"]


async def test_streaming_response_content(base: str) -> None:
    chunks = []
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base}/stream") as resp,
    ):
        async for chunk in resp.content.iter_chunked(1024):
            chunks.append(chunk)  # noqa: PERF401 -- the docs' loop shape
    assert b"".join(chunks) == b"0123456789" * 10000
    assert max(len(c) for c in chunks) <= 1024


async def test_custom_request_headers(base: str) -> None:
    headers = {"content-type": "image/gif", "User-Agent": "my-app/0.0.1"}
    async with (
        aiohttp.ClientSession(headers={"Authorization": "Bearer t"}) as s,
        s.get(f"{base}/get", headers=headers) as resp,
    ):
        seen = (await resp.json())["headers"]
    assert seen["user-agent"] == "my-app/0.0.1"
    assert seen["content-type"] == "image/gif"
    assert seen["authorization"] == "Bearer t"


async def test_custom_cookies(base: str) -> None:
    cookies = {"cookies_are": "working"}
    async with (
        aiohttp.ClientSession(cookies=cookies) as session,
        session.get(f"{base}/cookies") as resp,
    ):
        assert await resp.json() == {"cookies": {"cookies_are": "working"}}
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/cookies/set") as resp:
            assert resp.cookies["token"].value == "abc123"
        async with session.get(f"{base}/cookies") as resp:
            assert (await resp.json())["cookies"] == {"token": "abc123"}


async def test_response_headers_and_status(base: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/get") as resp:
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        assert resp.content_type == "application/json"
        assert resp.ok


async def test_timeouts(base: str) -> None:
    timeout = aiohttp.ClientTimeout(total=0.3)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with pytest.raises(asyncio.TimeoutError):
            async with session.get(f"{base}/slow") as resp:
                await resp.text()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            async with session.get(f"{base}/slow", timeout=0.3):
                pass
        quick = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=0.3)
        with pytest.raises(aiohttp.ServerTimeoutError):
            async with session.get(f"{base}/slow", timeout=quick):
                pass


async def test_raise_for_status(base: str) -> None:
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            async with session.get(f"{base}/status/404"):
                pass
        assert info.value.status == 404
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base}/status/500") as resp,
    ):
        with pytest.raises(aiohttp.ClientResponseError):
            resp.raise_for_status()


async def test_one_off_request(base: str) -> None:
    async with aiohttp.request("GET", f"{base}/get", params={"q": "x"}) as resp:
        assert resp.status == 200
        assert (await resp.json())["args"] == {"q": "x"}


async def test_error_handling(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        try:
            async with session.get("http://127.0.0.1:1/") as resp:
                await resp.text()
        except aiohttp.ClientConnectorError as e:
            message = str(e)
        else:  # pragma: no cover
            raise AssertionError("connected to port 1")
    assert "Cannot connect to host" in message
