"""Shared by the file-upload tests: the file content and a server that digests it.

The server (aiohttp.web, test-only) answers each upload with the length and
SHA-256 of the body it received, so a test checks the exact bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import IO, Any

import aiohttp
from aiohttp import web
from yarl import URL

import aioclient

__all__ = ["SIZE", "content", "digest_app", "expect", "upload", "upload_form"]

SIZE = 3 * 2**20 + 12345  # several socket buffers, not a multiple of a page


def content(size: int = SIZE) -> bytes:
    """Every byte value in turn, ``size`` bytes."""
    return bytes(range(256)) * (size // 256) + bytes(range(size % 256))


async def _digest(request: web.Request) -> web.Response:
    """The request body's length and SHA-256 (aiohttp.web inflates ``deflate``)."""
    body = await request.read()
    return web.json_response(
        {
            "length": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_length": request.headers.get("Content-Length"),
            "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
        }
    )


async def _multipart_digest(request: web.Request) -> web.Response:
    reader = await request.multipart()
    part = await reader.next()
    assert isinstance(part, aiohttp.BodyPartReader)
    body = await part.read()
    return web.json_response(
        {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    )


def digest_app() -> web.Application:
    """``POST /`` digests the body, ``POST /form`` the first multipart part."""
    app = web.Application(client_max_size=2**30)
    app.router.add_post("/", _digest)
    app.router.add_post("/form", _multipart_digest)
    return app


def expect(content: bytes) -> dict[str, Any]:
    """What the server answers for ``content``."""
    return {"length": len(content), "sha256": hashlib.sha256(content).hexdigest()}


async def upload(url: URL, data: Any, **kwargs: Any) -> dict[str, Any]:
    """POST ``data`` with a new session; return the server's digest."""
    async with (
        aioclient.ClientSession() as session,
        session.post(url, data=data, **kwargs) as resp,
    ):
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
    return result


async def upload_form(url: URL, path: Path) -> dict[str, Any]:
    """POST the file at ``path`` as the one part of a ``FormData`` to ``url/form``."""
    with path.open("rb") as file:
        form = aioclient.FormData()
        form.add_field("file", file, filename="upload.bin")
        return await upload(url / "form", form)


async def closed_soon(file: IO[Any]) -> bool:
    """Whether ``file`` gets closed within a second.

    A file body is closed once its writer has finished, which may be a loop turn
    after the response head arrived (aiohttp closes it too).
    """
    for _ in range(100):
        if file.closed:
            return True
        await asyncio.sleep(0.01)
    return False
