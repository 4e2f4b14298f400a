"""Every kind of forms body through the session, parsed by a real server.

aioclient-forms builds the bodies; aiohttp.web (test-only) parses them, so the
framing (Content-Type, Content-Length or chunked) and the bytes are checked by an
independent implementation.
"""

from __future__ import annotations

import array
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from _servers import echo_app, headers_of, serve_app
from aiohttp import web

import aioclient
from aioclient import payload as payloads


async def _parse_form(request: web.Request) -> web.Response:
    post = await request.post()
    fields: dict[str, Any] = {}
    for name, value in post.items():
        if isinstance(value, web.FileField):
            fields[name] = [
                value.filename,
                value.file.read().decode(),
                value.content_type,
            ]
        elif isinstance(value, bytes | bytearray):  # a part that is not text
            fields[name] = value.decode()
        else:
            fields[name] = value
    return web.json_response(
        {
            "fields": fields,
            "content_type": request.content_type,
            "length": request.headers.get("Content-Length"),
            "chunked": "chunked" in request.headers.get("Transfer-Encoding", ""),
        }
    )


def _form_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/", _parse_form)
    return app


async def _post(data: Any) -> dict[str, Any]:
    async with (
        serve_app(_form_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=data) as resp,
    ):
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = await resp.json()
    return result


async def test_dict_with_a_file_becomes_multipart(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("a,b\n1,2\n")
    with path.open("rb") as file:
        result = await _post({"title": "Q3", "report": file})
    assert result["content_type"] == "multipart/form-data"
    assert result["fields"]["title"] == "Q3"
    assert result["fields"]["report"][:2] == ["report.csv", "a,b\n1,2\n"]
    # The size of every part is known, so the body has a Content-Length.
    assert result["length"] is not None
    assert not result["chunked"]


async def test_multipart_writer_as_data() -> None:
    with aioclient.MultipartWriter("form-data") as writer:
        part = writer.append("value")
        part.set_content_disposition("form-data", name="field")
        part = writer.append_json({"x": 1})
        part.set_content_disposition("form-data", name="doc")
    result = await _post(writer)
    assert result["content_type"] == "multipart/form-data"
    assert result["fields"]["field"] == "value"
    assert json.loads(result["fields"]["doc"]) == {"x": 1}


async def test_payload_objects_as_data() -> None:
    body = aioclient.StringPayload("héllo", content_type="text/x-greeting")
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=body) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == "héllo".encode().decode("latin-1")
    assert headers_of(echo, "Content-Type") == ["text/x-greeting"]
    assert headers_of(echo, "Content-Length") == [str(len("héllo".encode()))]


@pytest.mark.parametrize("count", [3, 100_000], ids=["small", "streamed"])
async def test_a_typed_memoryview_body_is_sent_as_its_bytes(count: int) -> None:
    # 100,000 items are 200,000 bytes: written in slices, whose sizes must be
    # counted in bytes (not items) to match the Content-Length.
    values = array.array("H", (n % 65536 for n in range(count)))
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=memoryview(values)) as resp,
    ):
        echo = await resp.json()
    assert headers_of(echo, "Content-Length") == [str(values.itemsize * count)]
    assert echo["body"].encode("latin-1") == values.tobytes()


@dataclasses.dataclass
class Point:
    x: int
    y: int


@payloads.payload_type(Point)
class PointPayload(payloads.BytesPayload):
    """A registered payload type: points travel as "x,y" text."""

    def __init__(self, value: Point, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("content_type", "application/x-point")
        super().__init__(f"{value.x},{value.y}".encode(), *args, **kwargs)


async def test_registered_payload_type_is_used_for_data() -> None:
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.post(url, data=Point(3, 4)) as resp,
    ):
        echo = await resp.json()
    assert echo["body"] == "3,4"
    assert headers_of(echo, "Content-Type") == ["application/x-point"]


async def test_a_response_body_is_forwarded_as_a_request_body() -> None:
    # The aiohttp docs' streaming-upload idiom: data=resp.content. A binary
    # body with no newline in its first MiB must go through whole, not be cut
    # into lines (and fail on the line limit).
    body = bytes(range(256)).replace(b"\n", b"") * 4100  # ~1 MiB, no newline
    received: list[bytes] = []

    async def source(request: web.Request) -> web.Response:
        return web.Response(body=body)

    async def sink(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.json_response(
            {"chunked": "chunked" in request.headers.get("Transfer-Encoding", "")}
        )

    app = web.Application()
    app.router.add_get("/source", source)
    app.router.add_post("/sink", sink)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession() as session,
        session.get(url / "source") as src,
    ):
        assert isinstance(
            payloads.get_payload(src.content), payloads.StreamReaderPayload
        )
        async with session.post(url / "sink", data=src.content) as resp:
            assert resp.status == 200
            assert (await resp.json())["chunked"] is True
    assert received == [body]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS"])
@pytest.mark.parametrize(
    ("data", "content_type"),
    [("", "text/plain; charset=utf-8"), (b"", "application/octet-stream")],
)
async def test_an_empty_body_is_still_a_body(
    method: str, data: str | bytes, content_type: str
) -> None:
    # data="" is a body of length 0, not "no body": it is framed and typed,
    # on every method, as in aiohttp.
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession() as session,
        session.request(method, url, data=data) as resp,
    ):
        echo = await resp.json()
    assert headers_of(echo, "Content-Length") == ["0"]
    assert headers_of(echo, "Content-Type") == [content_type]
    assert headers_of(echo, "Transfer-Encoding") == []
