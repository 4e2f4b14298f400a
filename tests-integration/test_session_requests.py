"""Making requests: verbs, params, bodies, framing, auth and cookies."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from _servers import (
    RawServer,
    assert_pool_idle,
    echo_app,
    header_value,
    headers_of,
    is_closed,
    read_head,
    response,
    serve_app,
)
from aiohttp import web

import aioclient


@pytest.mark.parametrize(
    "verb", ["get", "post", "put", "patch", "delete", "options", "head"]
)
async def test_verbs_await_and_async_with(verb: str) -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        call = getattr(session, verb)
        resp = await call(url / "x")
        assert resp.method == verb.upper()
        assert resp.status == 200
        if verb != "head":
            assert (await resp.json())["method"] == verb.upper()
        else:
            assert await resp.read() == b""
        resp.release()
        async with call(url / "y") as resp2:
            assert resp2.status == 200
            assert resp2.request_info.method == verb.upper()
        async with session.request(verb.upper(), url) as resp3:
            assert resp3.method == verb.upper()
        assert session.connector is not None
        assert_pool_idle(session.connector)


async def test_module_level_request_closes_its_session() -> None:
    async with serve_app(echo_app()) as url:
        async with aioclient.request("POST", url, data=b"abc") as resp:
            data = await resp.json()
            session = resp._session
            assert session is not None
            assert not session.closed
        assert is_closed(session)
        assert data["body"] == "abc"
        ctx = aioclient.request("GET", url)
        assert not hasattr(ctx, "__await__")
        async with ctx as resp:
            assert resp.status == 200
        with pytest.raises(aioclient.ClientConnectorError):
            async with aioclient.request("GET", "http://127.0.0.1:1/"):
                pass


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ({"a": "1", "b": "x y"}, [["a", "1"], ["b", "x y"]]),
        ([("a", "1"), ("a", "2")], [["a", "1"], ["a", "2"]]),
        ("a=1&b=2", [["a", "1"], ["b", "2"]]),
        ({"n": 5}, [["n", "5"]]),
    ],
)
async def test_params(params: Any, query: list[list[str]]) -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.get(url / "p" % {"z": "0"}, params=params) as resp,
    ):
        data = await resp.json()
        assert resp.url.query.get("z") == "0"
        assert resp.request_info.url == resp.url
    assert data["query"] == [["z", "0"], *query]


async def _agen() -> AsyncIterator[bytes]:
    for part in (b"chunk1-", b"chunk2-", b"end"):
        yield part


@pytest.mark.parametrize(
    ("data", "body", "ctype"),
    [
        (b"raw bytes", "raw bytes", "application/octet-stream"),
        ("some text", "some text", "text/plain; charset=utf-8"),
        (bytearray(b"ba"), "ba", "application/octet-stream"),
        ({"k": "v", "s": "a b"}, "k=v&s=a+b", "application/x-www-form-urlencoded"),
        ([("k", "1"), ("k", "2")], "k=1&k=2", "application/x-www-form-urlencoded"),
        (io.BytesIO(b"from bytesio"), "from bytesio", "application/octet-stream"),
    ],
)
async def test_data_bodies(data: Any, body: str, ctype: str) -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=data) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == body
    assert headers_of(echo, "Content-Type") == [ctype]
    assert headers_of(echo, "Content-Length") == [str(len(body))]
    assert headers_of(echo, "Transfer-Encoding") == []


async def test_data_async_generator_is_chunked() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.put(url, data=_agen()) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == "chunk1-chunk2-end"
    assert headers_of(echo, "Transfer-Encoding") == ["chunked"]
    assert headers_of(echo, "Content-Length") == []


async def test_data_file(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(b"file-content" * 1000)
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        with path.open("rb") as f:
            async with session.post(url, data=f) as resp:
                echo = await resp.json()
    assert echo["body"] == "file-content" * 1000


async def test_formdata_multipart(tmp_path: Path) -> None:
    received: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        post = await request.post()
        received["field"] = post["field"]
        upload = post["file"]
        assert isinstance(upload, web.FileField)
        received["file"] = (upload.filename, upload.file.read(), upload.content_type)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", handler)
    form = aioclient.FormData()
    form.add_field("field", "value")
    form.add_field(
        "file", b"\x00binary", filename="a.bin", content_type="application/x-bin"
    )
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=form) as resp,
    ):
        assert resp.status == 200
        ctype = resp.request_info.headers["Content-Type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    assert received == {
        "field": "value",
        "file": ("a.bin", b"\x00binary", "application/x-bin"),
    }


async def test_json_and_data_json_conflict() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        async with session.post(url, json={"a": [1, 2]}) as resp:
            echo = await resp.json()
        with pytest.raises(ValueError, match="data and json"):
            await session.post(url, data=b"x", json={"a": 1})
        assert session.connector is not None
        assert_pool_idle(session.connector)
    assert echo["body"] == '{"a": [1, 2]}'
    assert headers_of(echo, "Content-Type") == ["application/json"]


async def test_chunked_true() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        async with session.post(url, data=b"abc", chunked=True) as resp:
            echo = await resp.json()
        with pytest.raises(ValueError, match="chunked"):
            await session.post(
                url, data=b"abc", chunked=True, headers={"Content-Length": "3"}
            )
    assert echo["body"] == "abc"
    assert headers_of(echo, "Transfer-Encoding") == ["chunked"]


@pytest.mark.parametrize("compress", ["gzip", "deflate", True])
async def test_compress(compress: str | bool) -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        # Read the raw (still compressed) bytes off the wire.
        seen["encoding"] = request.headers.get("Content-Encoding")
        seen["raw"] = await request.content.read()
        return web.Response(text="ok")

    app = web.Application(client_max_size=10**7)
    app.router.add_post("/", handler)
    payload = b"compress me " * 1000
    async with serve_app(app) as url, aioclient.ClientSession() as session:
        async with session.post(url, data=payload, compress=compress) as resp:
            assert resp.status == 200
        with pytest.raises(ValueError, match="compress"):
            await session.post(
                url, data=b"x", compress="gzip",
                headers={"Content-Encoding": "br"},
            )  # fmt: skip
    expected = "deflate" if compress is True else compress
    assert seen["encoding"] == expected
    # aiohttp's server decodes Content-Encoding itself; so check size instead
    # when it did, and decode ourselves when it did not.
    raw = seen["raw"]
    if raw != payload:
        wbits = 16 + zlib.MAX_WBITS if expected == "gzip" else zlib.MAX_WBITS
        assert zlib.decompress(raw, wbits) == payload


async def test_compress_on_the_wire() -> None:
    seen: dict[str, bytes] = {}

    async def handler(reader: Any, writer: Any) -> None:
        head = await read_head(reader)
        seen["head"] = head
        body = b""
        while True:  # chunked
            size = int((await reader.readline()).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        seen["body"] = body
        writer.write(response())

    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.post(server.url, data=b"z" * 5000, compress="gzip"),
    ):
        pass
    assert b"Content-Encoding: gzip" in seen["head"]
    assert b"Transfer-Encoding: chunked" in seen["head"]
    assert zlib.decompress(seen["body"], 16 + zlib.MAX_WBITS) == b"z" * 5000


async def test_expect100() -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["expect"] = request.headers.get("Expect")
        seen["body"] = await request.read()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", handler)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=b"payload", expect100=True) as resp,
    ):
        assert resp.status == 200
        assert await resp.text() == "ok"
    assert seen == {"expect": "100-continue", "body": b"payload"}


async def test_expect100_withholds_a_small_body_until_100_continue() -> None:
    early: list[bytes] = []

    async def handler(reader: Any, writer: Any) -> None:
        head = await read_head(reader)
        assert b"Expect: 100-continue" in head
        with contextlib.suppress(TimeoutError):
            early.append(await asyncio.wait_for(reader.read(1), 0.2))
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        length = int(header_value(head, "Content-Length") or 0)
        body = b"".join(early) + await reader.readexactly(length - len(b"".join(early)))
        writer.write(response(body))

    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.post(server.url, json={"k": "v"}, expect100=True) as r,
    ):
        assert await r.read() == b'{"k": "v"}'
    assert early == []  # nothing of the body before the server said so


async def test_a_small_payload_subclass_still_writes_itself() -> None:
    class Shouting(aioclient.BytesPayload):
        async def write(self, writer: Any) -> None:
            await writer.write(bytes(self.buffer).upper())

    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=Shouting(b"quiet")) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == "QUIET"


async def test_expect100_rejected_by_final_answer() -> None:
    async def handler(reader: Any, writer: Any) -> None:
        head = await read_head(reader)
        assert b"Expect: 100-continue" in head
        writer.write(response(b"no", "417 Expectation Failed", "Connection: close\r\n"))

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        async with session.post(server.url, data=b"x" * 10, expect100=True) as r:
            assert r.status == 417
            assert await r.read() == b"no"
        assert session.connector is not None
        assert_pool_idle(session.connector)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_auth_param_url_credentials_and_errors() -> None:
    async with serve_app(echo_app()) as url:
        async with aioclient.ClientSession() as session:
            async with session.get(url, auth=aioclient.BasicAuth("u", "p")) as r:
                assert headers_of(await r.json(), "Authorization") == [_basic("u", "p")]
            with_creds = url.with_user("name").with_password("s3cret")
            async with session.get(with_creds) as r:
                echo = await r.json()
                assert r.url.user is None
            assert headers_of(echo, "Authorization") == [_basic("name", "s3cret")]
            with pytest.raises(ValueError, match="AUTH argument"):
                await session.get(with_creds, auth=aioclient.BasicAuth("a", "b"))
            with pytest.raises(ValueError, match="AUTHORIZATION header"):
                await session.get(
                    url,
                    auth=aioclient.BasicAuth("a", "b"),
                    headers={"Authorization": "Bearer t"},
                )
            assert session.connector is not None
            assert_pool_idle(session.connector)
        session_auth = aioclient.BasicAuth("s", "pw")
        async with aioclient.ClientSession(auth=session_auth) as session:
            async with session.get(url) as r:
                assert headers_of(await r.json(), "Authorization") == [
                    _basic("s", "pw")
                ]
            async with session.get(url, auth=aioclient.BasicAuth("o", "x")) as r:
                assert headers_of(await r.json(), "Authorization") == [_basic("o", "x")]


async def test_session_auth_only_for_base_url_origin() -> None:
    async with (
        serve_app(echo_app()) as url,
        serve_app(echo_app()) as other,
        aioclient.ClientSession(
            base_url=url, auth=aioclient.BasicAuth("s", "pw")
        ) as session,
    ):
        async with session.get("a") as r:
            assert headers_of(await r.json(), "Authorization") != []
        async with session.get(other) as r:
            assert headers_of(await r.json(), "Authorization") == []


async def test_request_cookies_and_set_cookie_round_trip() -> None:
    async def setter(request: web.Request) -> web.Response:
        resp = web.json_response({"cookie": request.headers.get("Cookie")})
        resp.set_cookie("server", "s1")
        resp.set_cookie("other", "o1")
        return resp

    app = web.Application()
    app.router.add_get("/", setter)
    async with serve_app(app) as url:
        jar = aioclient.CookieJar(unsafe=True)
        async with aioclient.ClientSession(cookie_jar=jar) as session:
            async with session.get(url, cookies={"req": "r"}) as resp:
                first = await resp.json()
                assert resp.cookies["server"].value == "s1"
            assert {c.key: c.value for c in jar} == {"server": "s1", "other": "o1"}
            async with session.get(url) as resp:
                second = await resp.json()
    assert first["cookie"] == "req=r"
    assert sorted(second["cookie"].split("; ")) == ["other=o1", "server=s1"]


async def test_default_jar_ignores_ip_host_cookies() -> None:
    async def setter(request: web.Request) -> web.Response:
        resp = web.Response(text="x")
        resp.set_cookie("server", "s1")
        return resp

    app = web.Application()
    app.router.add_get("/", setter)
    async with serve_app(app) as url, aioclient.ClientSession() as session:
        async with session.get(url) as resp:
            assert "server" in resp.cookies
        assert len(session.cookie_jar) == 0


async def test_header_injection_refused() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        # Refused when the head is serialized: after connecting, before
        # a byte is sent (as aiohttp).
        with pytest.raises(ValueError, match="header injection"):
            await session.get(url, headers={"X-Bad": "a\r\nInjected: 1"})
        with pytest.raises(ValueError, match="non-token"):
            await session.request("GE T", url)
        assert session.connector is not None
        assert_pool_idle(session.connector)
        async with session.get(url) as resp:
            assert resp.status == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_chunked_without_body_sends_last_chunk(method: str) -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.request(method, url, chunked=True, timeout=5) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == ""
    assert headers_of(echo, "Transfer-Encoding") == ["chunked"]


async def test_lowercase_method_is_upper_cased() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.request("patch", url, data=b"p") as resp,
    ):
        assert resp.method == "PATCH"
        assert (await resp.json())["method"] == "PATCH"
