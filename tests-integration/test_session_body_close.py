"""Request bodies holding a file are closed when the request is done (as aiohttp)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _servers import serve_app
from _uploads import closed_soon
from aiohttp import web

import aioclient


async def _echo_length(request: web.Request) -> web.Response:
    return web.Response(text=str(len(await request.read())))


async def _redirect(request: web.Request) -> web.Response:
    await request.read()
    code = int(request.match_info["code"])
    return web.Response(status=code, headers={"Location": "/echo"})


def _app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/echo", _echo_length)
    app.router.add_route("*", "/r/{code}", _redirect)
    return app


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "body.bin"
    path.write_bytes(b"x" * 5000)
    return path


async def test_a_file_body_is_closed_after_the_request(body_file: Path) -> None:
    async with serve_app(_app()) as url, aioclient.ClientSession() as session:
        file = body_file.open("rb")
        async with session.post(url / "echo", data=file) as resp:
            assert await resp.text() == "5000"
        assert await closed_soon(file)


async def test_a_file_in_a_form_is_closed_too(body_file: Path) -> None:
    async with serve_app(_app()) as url, aioclient.ClientSession() as session:
        file = body_file.open("rb")
        form = aioclient.FormData()
        form.add_field("name", "value")
        form.add_field("upload", file, filename="body.bin")
        async with session.post(url / "echo", data=form) as resp:
            assert int(await resp.text()) > 5000
        assert await closed_soon(file)


@pytest.mark.parametrize(("code", "length"), [(307, "5000"), (303, "0")])
async def test_a_redirected_file_body_is_closed_at_the_end(
    body_file: Path, code: int, length: str
) -> None:
    """307 sends the file again (so it stays open until then); 303 drops it."""
    async with serve_app(_app()) as url, aioclient.ClientSession() as session:
        file = body_file.open("rb")
        async with session.post(url / "r" / str(code), data=file) as resp:
            assert resp.history[0].status == code
            assert await resp.text() == length
        assert await closed_soon(file)


async def test_a_failed_request_closes_its_file_body(body_file: Path) -> None:
    async with aioclient.ClientSession() as session:
        file = body_file.open("rb")
        with pytest.raises(aioclient.ClientConnectorError):
            await session.post("http://127.0.0.1:9/", data=file)
        assert await closed_soon(file)


async def test_in_memory_bodies_are_left_open() -> None:
    """As in aiohttp: a BytesIO holds no descriptor and stays usable."""
    async with serve_app(_app()) as url, aioclient.ClientSession() as session:
        buffer = io.BytesIO(b"abc")
        async with session.post(url / "echo", data=buffer) as resp:
            assert await resp.text() == "3"
        assert not buffer.closed
        assert buffer.getvalue() == b"abc"
