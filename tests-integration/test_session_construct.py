"""ClientSession: constructor parameters, properties and lifetime."""

from __future__ import annotations

import asyncio
import gc
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from _servers import (
    RawServer,
    assert_pool_idle,
    connector_of,
    echo_app,
    headers_of,
    is_closed,
    read_head,
    response,
    serve_app,
)
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

import aioclient
from aioclient_core._http._decompress import supported_encodings


async def test_base_url_joins_relative_paths() -> None:
    async with serve_app(echo_app()) as url:
        base = url / "api" / ""
        async with aioclient.ClientSession(base_url=str(base)) as session:
            async with session.get("items", params={"a": "1"}) as resp:
                data = await resp.json()
            assert data["path"] == "/api/items"
            assert resp.url == base / "items" % {"a": "1"}
            # An absolute URL ignores base_url.
            async with session.get(url / "other") as resp:
                assert (await resp.json())["path"] == "/other"
            # A path starting with "/" replaces the base path (URL.join rules).
            async with session.get("/root") as resp:
                assert (await resp.json())["path"] == "/root"
            # "//host:port/x" keeps the base URL's scheme (RFC 3986 §5.2.2).
            async with session.get(f"//{url.host}:{url.port}/net") as resp:
                assert (await resp.json())["path"] == "/net"
                assert resp.url.scheme == "http"


async def test_a_url_without_scheme_and_without_base_url() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        # With a port it is sent as plain HTTP, as in aiohttp.
        async with session.get(f"//{url.host}:{url.port}/x") as resp:
            assert (await resp.json())["path"] == "/x"
        # Without one nothing says where to connect (aiohttp fails an assert).
        with pytest.raises(aioclient.InvalidUrlClientError, match="no scheme"):
            await session.get(f"//{url.host}/")


@pytest.mark.parametrize(
    "base", ["http://example.com/api", "/relative/", URL("http://example.com/a")]
)
async def test_base_url_value_errors(base: Any) -> None:
    with pytest.raises(ValueError, match="base_url"):
        aioclient.ClientSession(base_url=base)


async def test_session_headers_merge_and_duplicates() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(
            headers={"X-Session": "s", "X-Both": "session"}
        ) as session,
    ):
        assert session.headers["X-Session"] == "s"
        async with session.get(
            url, headers=[("x-both", "r1"), ("X-Both", "r2"), ("X-Req", "r")]
        ) as resp:
            data = await resp.json()
    assert headers_of(data, "X-Session") == ["s"]
    assert headers_of(data, "X-Both") == ["r1", "r2"]
    assert headers_of(data, "X-Req") == ["r"]


async def test_session_headers_are_mutable_defaults() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        session.headers["X-Later"] = "1"
        async with session.get(url) as resp:
            assert headers_of(await resp.json(), "X-Later") == ["1"]


async def test_default_headers() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.get(url) as resp,
    ):
        data = await resp.json()
    assert "aioclient" in headers_of(data, "User-Agent")[0]
    assert headers_of(data, "Accept") == ["*/*"]
    codings = [c.strip() for c in headers_of(data, "Accept-Encoding")[0].split(",")]
    assert set(codings) == set(supported_encodings())
    assert "gzip" in codings
    assert "deflate" in codings
    assert headers_of(data, "Host") == [f"127.0.0.1:{url.port}"]


@pytest.mark.parametrize(
    ("method", "kwargs", "expected"),
    [
        ("POST", {}, ["application/octet-stream"]),
        ("PUT", {"data": b""}, ["application/octet-stream"]),
        ("PATCH", {"data": None}, ["application/octet-stream"]),
        ("POST", {"skip_auto_headers": ["content-type"]}, []),
        ("POST", {"headers": {"Content-Type": "text/csv"}}, ["text/csv"]),
        ("POST", {"data": "x"}, ["text/plain; charset=utf-8"]),
        ("DELETE", {}, []),
        ("GET", {}, []),
    ],
)
async def test_a_body_method_always_sends_a_content_type(
    method: str, kwargs: dict[str, Any], expected: list[str]
) -> None:
    # aiohttp's rule: POST, PUT and PATCH name a media type even with no body.
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.request(method, url, **kwargs) as resp,
    ):
        data = await resp.json()
    assert headers_of(data, "Content-Type") == expected


async def test_a_header_that_is_not_a_string_is_named() -> None:
    async with serve_app(echo_app()) as url, aioclient.ClientSession() as session:
        for headers, message in (
            ({"X-Count": 1}, "Header value of 'X-Count' must be str, not int"),
            ({"X-None": None}, "Header value of 'X-None' must be str, not NoneType"),
        ):
            with pytest.raises(TypeError, match=message):
                await session.get(url, headers=headers)
        # Nothing was sent: the connection is still good for the next request.
        async with session.get(url) as resp:
            assert resp.status == 200


async def test_skip_auto_headers_session_and_request() -> None:
    async with serve_app(echo_app()) as url:
        async with aioclient.ClientSession(skip_auto_headers=["User-Agent"]) as s:
            assert "User-Agent" in s.skip_auto_headers
            async with s.get(url, skip_auto_headers=["Accept-Encoding"]) as resp:
                data = await resp.json()
            async with s.get(url, headers={"User-Agent": "mine"}) as resp:
                mine = await resp.json()
        async with (
            aioclient.ClientSession(skip_auto_headers=["user-agent"]) as s,
            s.get(url, headers={"accept": "text/plain"}) as resp,
        ):
            lower = await resp.json()
    assert headers_of(lower, "User-Agent") == []
    assert headers_of(lower, "Accept") == ["text/plain"]
    assert headers_of(data, "User-Agent") == []
    assert headers_of(data, "Accept-Encoding") == []
    assert headers_of(data, "Accept") == ["*/*"]
    assert headers_of(mine, "User-Agent") == ["mine"]


async def test_cookies_param_goes_to_jar() -> None:
    jar = aioclient.CookieJar(unsafe=True)
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(
            cookies={"a": "1", "b": "2"}, cookie_jar=jar
        ) as session,
    ):
        assert session.cookie_jar is jar
        assert {c.key for c in jar} == {"a", "b"}
        async with session.get(url) as resp:
            cookie = headers_of(await resp.json(), "Cookie")
    assert sorted(cookie[0].split("; ")) == ["a=1", "b=2"]


async def test_timeout_validation() -> None:
    with pytest.raises(ValueError, match="timeout"):
        aioclient.ClientSession(timeout=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be used together"):
        aioclient.ClientSession(
            timeout=aioclient.ClientTimeout(total=1),
            read_timeout=2,
        )
    async with aioclient.ClientSession() as session:
        assert session.timeout == aioclient.ClientTimeout(total=300, sock_connect=30)
    custom = aioclient.ClientTimeout(total=3, sock_read=1)
    async with aioclient.ClientSession(timeout=custom) as session:
        assert session.timeout is custom
    with pytest.warns(DeprecationWarning, match="read_timeout"):
        session = aioclient.ClientSession(read_timeout=7)
    assert session.timeout.total == 7
    await session.close()


async def test_connector_owner_false_keeps_connector_open() -> None:
    connector = aioclient.TCPConnector()
    session = aioclient.ClientSession(connector=connector, connector_owner=False)
    assert session.connector is connector
    assert not session.connector_owner
    await session.close()
    assert is_closed(session)
    assert connector_of(session) is None
    assert not connector.closed
    async with aioclient.ClientSession(connector=connector) as owner:
        assert owner.connector_owner
    assert connector.closed


async def test_close_and_detach() -> None:
    session = aioclient.ClientSession()
    connector = session.connector
    assert connector is not None
    assert not session.closed
    session.detach()
    assert is_closed(session)
    assert connector_of(session) is None
    assert not connector.closed
    await connector.close()
    await session.close()  # idempotent on a detached session
    session2 = aioclient.ClientSession()
    await session2.close()
    await session2.close()
    assert session2.closed
    with pytest.raises(RuntimeError, match="closed"):
        await session2.get("http://127.0.0.1:1/")


async def test_sync_with_is_a_type_error() -> None:
    async with aioclient.ClientSession() as session:
        with pytest.raises(TypeError, match="async with"), session:
            pass


async def test_unclosed_session_warns_and_calls_handler() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    old = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: contexts.append(ctx))
    try:
        session = aioclient.ClientSession()
        connector = session.connector
        assert connector is not None
        # The last reference goes: __del__ runs at once (CPython refcounting).
        with pytest.warns(ResourceWarning, match="Unclosed client session"):
            del session
    finally:
        loop.set_exception_handler(old)
    assert contexts
    assert contexts[0]["message"] == "Unclosed client session"
    await connector.close()


async def test_raise_for_status_session_and_request() -> None:
    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.query["s"]), text="x")

    app = web.Application()
    app.router.add_get("/", status)
    async with serve_app(app) as url:
        async with aioclient.ClientSession(raise_for_status=True) as session:
            assert session.raise_for_status is True
            with pytest.raises(aioclient.ClientResponseError) as info:
                await session.get(url % {"s": "404"})
            assert info.value.status == 404
            assert info.value.request_info.url == url % {"s": "404"}
            async with session.get(url % {"s": "500"}, raise_for_status=False) as r:
                assert r.status == 500
        async with aioclient.ClientSession() as session:
            async with session.get(url % {"s": "404"}) as resp:
                assert resp.status == 404
                assert not resp.ok
            with pytest.raises(aioclient.ClientResponseError):
                async with session.get(url % {"s": "418"}, raise_for_status=True):
                    pass
            assert session.connector is not None
            assert session.connector._slots_total == 0


async def test_raise_for_status_callable() -> None:
    seen: list[int] = []

    async def check(resp: aioclient.ClientResponse) -> None:
        seen.append(resp.status)
        if resp.status == 201:
            raise RuntimeError("custom")

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.query["s"]))

    app = web.Application()
    app.router.add_get("/", status)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession(raise_for_status=check) as session,
    ):
        async with session.get(url % {"s": "200"}) as resp:
            assert resp.status == 200
        with pytest.raises(RuntimeError, match="custom"):
            await session.get(url % {"s": "201"})
        seen2: list[int] = []

        async def other(resp: aioclient.ClientResponse) -> None:
            seen2.append(resp.status)

        async with session.get(url % {"s": "202"}, raise_for_status=other):
            pass
        assert session.connector is not None
        assert session.connector._slots_total == 0
    assert seen == [200, 201]
    assert seen2 == [202]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (aioclient.HttpVersion10, "1.0"),
        (aioclient.HttpVersion11, "1.1"),
        ("1.0", "1.0"),  # a string, as aiohttp accepts
        ("1.1", "1.1"),
    ],
)
async def test_version(version: aioclient.HttpVersion | str, expected: str) -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(version=version) as session,
    ):
        assert str(session.version.major) + "." + str(session.version.minor) == expected
        async with session.get(url) as resp:
            assert (await resp.json())["version"] == expected
            assert resp.version == session.version


async def test_a_version_string_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="Can not parse http version number"):
        aioclient.ClientSession(version="1.c")


async def test_repr_escapes_a_non_ascii_reason() -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        writer.write("HTTP/1.1 200 λ\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()

    async with (
        RawServer(handler) as server,
        aioclient.ClientSession() as session,
        session.get(server.url) as resp,
    ):
        assert resp.reason == "λ"
        assert repr(resp).endswith("[200 \\u03bb]>")


async def test_read_bufsize_is_the_stream_limit() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(read_bufsize=1234) as session,
    ):
        async with session.get(url) as resp:
            assert resp.content._low_water == 1234
            await resp.read()
        async with session.get(url, read_bufsize=4321) as resp:
            assert resp.content._low_water == 4321
            await resp.read()


async def test_auto_decompress() -> None:
    async def gz(request: web.Request) -> web.Response:
        resp = web.Response(body=b"hello" * 100)
        resp.enable_compression(web.ContentCoding.gzip)
        return resp

    app = web.Application()
    app.router.add_get("/", gz)
    async with serve_app(app) as url:
        async with aioclient.ClientSession() as session:
            assert session.auto_decompress
            async with session.get(url) as resp:
                assert resp.headers["Content-Encoding"] == "gzip"
                assert await resp.read() == b"hello" * 100
            async with session.get(url, auto_decompress=False) as resp:
                raw = await resp.read()
                assert raw[:2] == b"\x1f\x8b"
        async with aioclient.ClientSession(auto_decompress=False) as session:
            assert not session.auto_decompress
            async with session.get(url) as resp:
                assert (await resp.read())[:2] == b"\x1f\x8b"


@pytest.mark.parametrize(
    ("kwargs", "header"),
    [
        ({"max_line_size": 100}, "reason"),
        ({"max_field_size": 100}, ("X-Long", "v" * 200)),
        ({"max_headers": 5}, None),
    ],
)
async def test_head_limits(kwargs: dict[str, Any], header: Any) -> None:
    async def big(request: web.Request) -> web.Response:
        headers = CIMultiDict[str]()
        if header == "reason":  # max_line_size bounds the status line
            return web.Response(text="x", reason="R" * 200)
        if header is not None:
            headers.add(*header)
        else:
            for i in range(10):
                headers.add(f"X-H{i}", "v")
        return web.Response(text="x", headers=headers)

    app = web.Application()
    app.router.add_get("/", big)
    async with serve_app(app) as url:
        async with aioclient.ClientSession(**kwargs) as session:
            with pytest.raises(aioclient.ClientResponseError) as info:
                await session.get(url)
            assert info.value.status == 400
            assert session.connector is not None
            assert session.connector._slots_total == 0
        # Per request, too, with the session defaults large enough.
        async with aioclient.ClientSession() as session:
            async with session.get(url) as resp:
                assert resp.status == 200
            with pytest.raises(aioclient.ClientResponseError):
                await session.get(url, **kwargs)


@pytest.mark.parametrize(
    ("where", "kwargs"),
    [
        ("session", {"max_line_size": 0}),
        ("session", {"max_headers": -1}),
        ("request", {"max_field_size": -5}),
    ],
)
async def test_unusable_head_limits_fail_before_anything_is_sent(
    where: str, kwargs: dict[str, Any]
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: Any) -> None:
        await read_head(reader)
        writer.write(response())
        await writer.drain()

    name = next(iter(kwargs))
    async with RawServer(handler) as server:
        session_kwargs = kwargs if where == "session" else {}
        async with aioclient.ClientSession(**session_kwargs) as session:
            request_kwargs = kwargs if where == "request" else {}
            for _ in range(2):  # every request, not only the first
                with pytest.raises(ValueError, match=f"{name} must be a positive"):
                    await session.get(server.url, **request_kwargs)
            if where == "request":  # the session itself still works
                async with session.get(server.url) as resp:
                    assert await resp.read() == b"ok"
            assert_pool_idle(session.connector)  # type: ignore[arg-type]
        assert server.connections == (1 if where == "request" else 0)


async def test_properties() -> None:
    auth = aioclient.BasicAuth("u", "p")
    async with aioclient.ClientSession(
        auth=auth, trust_env=False, json_serialize=repr
    ) as session:
        assert session.auth is auth
        assert session.trust_env is False
        assert session.json_serialize is repr
        assert session.trace_configs == []
        assert session.requote_redirect_url is True
        with pytest.warns(DeprecationWarning, match="requote_redirect_url"):
            session.requote_redirect_url = False
        with pytest.warns(DeprecationWarning, match="loop"):
            assert session.loop is asyncio.get_running_loop()


async def test_unsupported_features_raise_not_implemented() -> None:
    async with aioclient.ClientSession() as session:
        with pytest.raises(NotImplementedError):
            await session.get("http://127.0.0.1:1/", proxy="http://127.0.0.1:2")
    async with aioclient.ClientSession(proxy="http://127.0.0.1:2") as session:
        with pytest.raises(NotImplementedError):
            await session.get("http://127.0.0.1:1/")


async def test_json_serialize_custom() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(
            json_serialize=lambda obj: '{"custom": true}'
        ) as session,
        session.post(url, json={"a": 1}) as resp,
    ):
        data = await resp.json()
    assert data["body"] == '{"custom": true}'
    assert headers_of(data, "Content-Type") == ["application/json"]


async def test_trust_env_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\n  login nu\n  password np\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async with serve_app(echo_app()) as url:
        async with aioclient.ClientSession(trust_env=True) as session:
            async with session.get(url) as resp:
                auth = headers_of(await resp.json(), "Authorization")
            async with session.get(url, auth=aioclient.BasicAuth("x", "y")) as r:
                explicit = headers_of(await r.json(), "Authorization")
        async with aioclient.ClientSession() as session, session.get(url) as resp:
            none = headers_of(await resp.json(), "Authorization")
    assert auth == [aioclient.BasicAuth("nu", "np").encode()]
    assert explicit == [aioclient.BasicAuth("x", "y").encode()]
    assert none == []


async def test_json_serialize_bytes() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(json_serialize_bytes=lambda o: b'{"b": 1}') as s,
        s.put(url, json={"ignored": True}) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == '{"b": 1}'


async def test_ssl_argument_checks() -> None:
    async with aioclient.ClientSession() as session:
        with pytest.raises(TypeError, match="ssl should be"):
            await session.get("http://127.0.0.1:1/", ssl="yes")
        with (
            pytest.warns(DeprecationWarning, match="verify_ssl"),
            pytest.raises(aioclient.ClientConnectorError),
        ):
            await session.get("http://127.0.0.1:1/", verify_ssl=False)


async def test_ssl_shutdown_timeout_is_deprecated_and_reaches_the_connector() -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout") as caught:
        session = aioclient.ClientSession(ssl_shutdown_timeout=2.0)
    async with session:
        # One warning, pointing at the caller's line, not at the session's code.
        assert len(caught) == 1
        assert caught[0].filename == __file__
        connector = session.connector
        assert isinstance(connector, aioclient.TCPConnector)
        assert connector._ssl_shutdown_timeout == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        async with aioclient.ClientSession() as session:
            assert session.connector._ssl_shutdown_timeout == 0.0  # type: ignore[union-attr]


def test_a_wrong_argument_leaves_no_error_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The TypeError only: no "Exception ignored in __del__" when it is collected."""
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(TypeError, match="bogus"):
        aioclient.ClientSession(bogus=1)  # type: ignore[call-arg]
    gc.collect()
    assert unraisable == []


async def test_an_argument_refused_inside_init_leaves_no_error_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A value refused after the connector exists: still only the one error."""
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises((TypeError, ValueError)):
        aioclient.ClientSession(headers="abc")
    with pytest.raises(TypeError):
        aioclient.ClientSession(trace_configs=1)  # type: ignore[arg-type]
    gc.collect()
    assert unraisable == []


async def test_middlewares_none_means_no_middlewares() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(middlewares=None) as session,
        session.get(url) as resp,
    ):
        assert resp.status == 200
