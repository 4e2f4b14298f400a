"""Client middlewares: order, request changes, retries, per-request replacement."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from _servers import echo_app, headers_of, serve_app
from aiohttp import web

import aioclient
import aioclient.payload


def tagging(tag: str, log: list[str]) -> aioclient.ClientMiddlewareType:
    async def middleware(
        request: aioclient.ClientRequest, handler: aioclient.ClientHandlerType
    ) -> aioclient.ClientResponse:
        log.append(f"{tag} in")
        request.headers.add("X-Tag", tag)
        response = await handler(request)
        log.append(f"{tag} out")
        return response

    return middleware


async def test_first_middleware_is_outermost_and_can_change_the_request() -> None:
    log: list[str] = []
    middlewares = (tagging("a", log), tagging("b", log))
    async with (
        serve_app(echo_app()) as base,
        aioclient.ClientSession(middlewares=middlewares) as session,
        session.get(base) as resp,
    ):
        echo = await resp.json()
    assert log == ["a in", "b in", "b out", "a out"]
    assert headers_of(echo, "X-Tag") == ["a", "b"]


async def test_request_middlewares_replace_the_sessions() -> None:
    log: list[str] = []
    async with (
        serve_app(echo_app()) as base,
        aioclient.ClientSession(middlewares=(tagging("session", log),)) as session,
    ):
        async with session.get(base, middlewares=(tagging("request", log),)) as r:
            await r.read()
        async with session.get(base, middlewares=()) as r:
            echo = await r.json()
    assert log == ["request in", "request out"]
    assert headers_of(echo, "X-Tag") == []


async def test_middleware_can_retry_with_credentials() -> None:
    async def protected(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer token":
            return web.Response(status=401)
        return web.Response(text="secret")

    app = web.Application()
    app.router.add_get("/", protected)
    calls = 0

    async def bearer(
        request: aioclient.ClientRequest, handler: aioclient.ClientHandlerType
    ) -> aioclient.ClientResponse:
        nonlocal calls
        calls += 1
        response = await handler(request)
        if response.status == 401:
            response.release()
            request.headers["Authorization"] = "Bearer token"
            response = await handler(request)
        return response

    async with (
        serve_app(app) as base,
        aioclient.ClientSession(middlewares=(bearer,)) as session,
        session.get(base) as resp,
    ):
        assert resp.status == 200
        assert await resp.text() == "secret"
    assert calls == 1


async def test_middlewares_run_for_every_redirect_hop() -> None:
    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/end")

    app = echo_app()
    app.router.add_get("/start", hop)
    log: list[str] = []
    async with (
        serve_app(app) as base,
        aioclient.ClientSession(middlewares=(tagging("m", log),)) as session,
        session.get(base / "start") as resp,
    ):
        assert resp.url.path == "/end"
        await resp.read()
    assert log == ["m in", "m out", "m in", "m out"]


async def test_a_middleware_may_assign_the_body(tmp_path: Path) -> None:
    # Direct assignment (deprecated in aiohttp, still working there) frames the
    # new body as update_body() does; a replaced file body gets closed.
    path = tmp_path / "old.bin"
    path.write_bytes(b"old file body")
    replaced: list[Any] = []

    async def swap(
        request: aioclient.ClientRequest, handler: aioclient.ClientHandlerType
    ) -> aioclient.ClientResponse:
        replaced.append(request.body)
        request.body = b"a longer replacement body"
        return await handler(request)

    with path.open("rb") as file:
        async with (
            serve_app(echo_app()) as base,
            aioclient.ClientSession(middlewares=(swap,)) as session,
            session.post(base, data=file) as resp,
        ):
            echo = await resp.json()
        await asyncio.sleep(0)  # the background close of the old body
        assert file.closed
    assert echo["body"] == "a longer replacement body"
    assert headers_of(echo, "Content-Length") == ["25"]
    assert isinstance(replaced[0], aioclient.payload.Payload)


async def test_an_os_error_inside_the_request_is_a_client_os_error() -> None:
    # As aiohttp: `except aiohttp.ClientError` catches it.
    async def failing(
        request: aioclient.ClientRequest, handler: aioclient.ClientHandlerType
    ) -> aioclient.ClientResponse:
        raise PermissionError(1, "permission error")

    async with (
        serve_app(echo_app()) as base,
        aioclient.ClientSession(middlewares=(failing,)) as session,
    ):
        with pytest.raises(aioclient.ClientError) as info:
            await session.get(base)
    error = info.value
    assert type(error) is aioclient.ClientOSError
    assert (error.errno, error.strerror) == (1, "permission error")
    assert isinstance(error.__cause__, PermissionError)
