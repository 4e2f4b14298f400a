"""TraceConfig signals fire at the right moments with the right parameters."""

from __future__ import annotations

import asyncio
import socket
from types import SimpleNamespace
from typing import Any

import pytest
from _servers import echo_app, serve_app
from aiohttp import web
from yarl import URL

import aioclient
from aioclient.abc import AbstractResolver, ResolveResult


class Recorder:
    """Attaches a handler to every signal of a TraceConfig and records the calls."""

    def __init__(self, config: aioclient.TraceConfig) -> None:
        self.events: list[tuple[str, Any, SimpleNamespace]] = []
        for name in (
            "on_request_start",
            "on_request_chunk_sent",
            "on_response_chunk_received",
            "on_request_end",
            "on_request_exception",
            "on_request_redirect",
            "on_request_headers_sent",
            "on_connection_queued_start",
            "on_connection_queued_end",
            "on_connection_create_start",
            "on_connection_create_end",
            "on_connection_reuseconn",
            "on_dns_resolvehost_start",
            "on_dns_resolvehost_end",
            "on_dns_cache_hit",
            "on_dns_cache_miss",
        ):
            getattr(config, name).append(self._handler(name))

    def _handler(self, name: str) -> Any:
        async def handler(session: Any, ctx: SimpleNamespace, params: Any) -> None:
            self.events.append((name, params, ctx))

        return handler

    def names(self) -> list[str]:
        return [name for name, _, _ in self.events]

    def params(self, name: str) -> list[Any]:
        return [params for event, params, _ in self.events if event == name]


class LocalResolver(AbstractResolver):
    """Resolves every name to 127.0.0.1, so DNS signals fire for a real lookup."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


async def test_signals_of_a_request_in_order() -> None:
    config = aioclient.TraceConfig()
    recorder = Recorder(config)
    async with serve_app(echo_app()) as base:
        url = URL.build(scheme="http", host="app.test", port=base.port, path="/x")
        connector = aioclient.TCPConnector(resolver=LocalResolver())
        async with aioclient.ClientSession(
            connector=connector, trace_configs=[config]
        ) as session:
            async with session.post(url, data=b"body", trace_request_ctx="ctx") as r:
                body = await r.read()
            async with session.get(url) as r:
                await r.read()
    assert recorder.names()[:10] == [
        "on_request_start",
        "on_connection_create_start",
        "on_dns_cache_miss",
        "on_dns_resolvehost_start",
        "on_dns_resolvehost_end",
        "on_connection_create_end",
        "on_request_headers_sent",
        "on_request_chunk_sent",
        "on_request_end",
        "on_response_chunk_received",
    ]
    # The second request reuses the pooled connection: no DNS, no creation.
    assert recorder.names()[10:] == [
        "on_request_start",
        "on_connection_reuseconn",
        "on_request_headers_sent",
        "on_request_end",
        "on_response_chunk_received",
    ]
    [start, _] = recorder.params("on_request_start")
    assert start.method == "POST"
    assert start.url == url
    [chunk] = recorder.params("on_request_chunk_sent")
    assert chunk.chunk == b"body"
    [received, _] = recorder.params("on_response_chunk_received")
    assert received.chunk == body
    [sent, _] = recorder.params("on_request_headers_sent")
    assert sent.headers["Content-Length"] == "4"
    assert recorder.events[0][2].trace_request_ctx == "ctx"
    assert isinstance(
        recorder.params("on_request_end")[0].response, aioclient.ClientResponse
    )


def _redirecting_app() -> web.Application:
    """``/start`` redirects (302) to ``/final``, which answers ``done``."""

    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/final")

    async def final(request: web.Request) -> web.Response:
        return web.Response(text="done")

    app = web.Application()
    app.router.add_get("/start", hop)
    app.router.add_get("/final", final)
    return app


async def test_redirect_and_exception_signals() -> None:
    app = _redirecting_app()
    config = aioclient.TraceConfig()
    recorder = Recorder(config)
    async with (
        serve_app(app) as base,
        aioclient.ClientSession(trace_configs=[config]) as session,
    ):
        async with session.get(base / "start") as resp:
            assert await resp.text() == "done"
        [redirect] = recorder.params("on_request_redirect")
        assert redirect.response.status == 302
        with pytest.raises(aioclient.NonHttpUrlClientError):
            await session.get("ftp://example.test/")
        [failure] = recorder.params("on_request_exception")
        assert isinstance(failure.exception, aioclient.NonHttpUrlClientError)


async def test_signals_report_the_url_with_its_params() -> None:
    app = _redirecting_app()
    config = aioclient.TraceConfig()
    recorder = Recorder(config)
    async with (
        serve_app(app) as base,
        aioclient.ClientSession(trace_configs=[config]) as session,
    ):
        async with session.get(base / "start", params={"x": "0"}) as resp:
            assert await resp.text() == "done"
        [start] = recorder.params("on_request_start")
        [redirect] = recorder.params("on_request_redirect")
        assert start.url.query_string == redirect.url.query_string == "x=0"
        refused = base.with_port(1)  # nothing listens on port 1
        with pytest.raises(aioclient.ClientConnectorError):
            await session.get(refused, params={"y": "1"})
        [failure] = recorder.params("on_request_exception")
        assert failure.url.query_string == "y=1"


async def test_queued_signals_when_the_pool_is_full() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/slow", slow)
    config = aioclient.TraceConfig()
    recorder = Recorder(config)
    async with serve_app(app) as base:
        connector = aioclient.TCPConnector(limit=1)
        async with aioclient.ClientSession(
            connector=connector, trace_configs=[config]
        ) as session:

            async def fetch() -> str:
                async with session.get(base / "slow") as resp:
                    return await resp.text()

            first = asyncio.create_task(fetch())
            await asyncio.sleep(0.05)
            second = asyncio.create_task(fetch())
            await asyncio.sleep(0.05)
            assert "on_connection_queued_start" in recorder.names()
            assert await first == "late"
            assert await second == "late"
    assert "on_connection_queued_end" in recorder.names()


async def test_session_freezes_its_trace_configs() -> None:
    config = aioclient.TraceConfig()
    async with aioclient.ClientSession(trace_configs=[config]):
        pass

    async def late(session: Any, ctx: SimpleNamespace, params: Any) -> None:
        return None

    with pytest.raises(RuntimeError, match="frozen"):
        config.on_request_start.append(late)


def test_context_factory_receives_the_request_context() -> None:
    class Context(SimpleNamespace):
        pass

    config = aioclient.TraceConfig(trace_config_ctx_factory=Context)
    ctx = config.trace_config_ctx(trace_request_ctx={"id": 1})
    assert isinstance(ctx, Context)
    assert ctx.trace_request_ctx == {"id": 1}
