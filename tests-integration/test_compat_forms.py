"""aioclient_forms and aiohttp read and write each other's multipart bodies.

aiohttp is installed here as a test-only reference implementation:

* bodies written by aioclient_forms are parsed by aiohttp's MultipartReader;
* bodies written by aiohttp are parsed by aioclient_forms and by aiohttp, and
  both must agree;
* parse_content_disposition / content_disposition_filename agree with aiohttp's
  on a corpus of headers.

Inputs where aioclient_forms deliberately differs (docs page "aioclient-forms",
section "Differences from aiohttp") are left out on purpose.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import io
import warnings
from collections.abc import Callable
from typing import Any

import aiohttp
import aiohttp.multipart
import pytest
from aiohttp.base_protocol import BaseProtocol
from aiohttp.streams import StreamReader

import aioclient_forms as forms


class Collector:
    """A writer for both libraries: aiohttp only calls ``write``."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.data += chunk


class SplitReader:
    """Our ContentReader over fixed bytes, served in small pieces."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        self._data = data
        self._step = step

    async def read(self, n: int = -1) -> bytes:
        size = self._step if n < 0 else min(n, self._step)
        out, self._data = self._data[:size], self._data[size:]
        return out

    async def readline(self) -> bytes:
        end = self._data.find(b"\n") + 1 or len(self._data)
        out, self._data = self._data[:end], self._data[end:]
        return out


def aiohttp_stream(body: bytes) -> StreamReader:
    loop = asyncio.get_running_loop()
    stream = StreamReader(BaseProtocol(loop), 2**16, loop=loop)
    stream.feed_data(body)
    stream.feed_eof()
    return stream


Part = tuple[str | None, str | None, dict[str, str], bytes]


async def read_with_aiohttp(body: bytes, content_type: str) -> list[Part]:
    reader = aiohttp.MultipartReader(
        {"Content-Type": content_type}, aiohttp_stream(body)
    )
    parts: list[Part] = []
    while (part := await reader.next()) is not None:
        assert isinstance(part, aiohttp.BodyPartReader)
        data = await part.read(decode=True)
        parts.append((part.name, part.filename, dict(part.headers), bytes(data)))
    return parts


async def read_with_ours(body: bytes, content_type: str) -> list[Part]:
    reader = forms.MultipartReader({"Content-Type": content_type}, SplitReader(body))
    parts: list[Part] = []
    while (part := await reader.next()) is not None:
        assert isinstance(part, forms.BodyPartReader)
        data = await part.read(decode=True)
        parts.append((part.name, part.filename, dict(part.headers), bytes(data)))
    return parts


# Names and filenames both libraries read back the same way. Left out: quoted
# values with two or more ';' (aiohttp's splitter gives up on them) and values
# starting with '/' or '\' (both readers strip those).
NAMES = [
    "plain",
    "with space",
    'qu"ote',
    "semi;colon",
    "back\\slash",
    "naïve",
    "日本語",
    "%41",
]
FILENAMES = [
    None,
    "a.txt",
    "my file.pdf",
    'say "hi".txt',
    "r;esume.doc",
    "résumé.pdf",
    "€.txt",
]


@pytest.mark.parametrize("quote_fields", [True, False])
async def test_our_formdata_is_read_by_aiohttp(quote_fields: bool) -> None:
    form = forms.FormData(quote_fields=quote_fields, default_to_multipart=True)
    expected: list[tuple[str, str | None, bytes]] = []
    for index, name in enumerate(NAMES):
        filename = FILENAMES[index % len(FILENAMES)]
        value = f"value {index} ✓".encode()
        if filename is None:
            form.add_field(name, value.decode())
        else:
            form.add_field(name, io.BytesIO(value), filename=filename)
        expected.append((name, filename, value))
    payload = form()
    body = await payload.as_bytes()
    got = await read_with_aiohttp(body, payload.content_type)
    assert [(name, filename, data) for name, filename, _, data in got] == expected


async def test_our_urlencoded_form_is_read_by_aiohttp() -> None:
    payload = forms.FormData({"a": "1 2", "é": "&="})()
    ours = await payload.as_bytes()
    theirs = await aiohttp.FormData({"a": "1 2", "é": "&="})().as_bytes()
    assert ours == theirs


async def test_our_mixed_writer_with_encodings_is_read_by_aiohttp() -> None:
    writer = forms.MultipartWriter("mixed")
    writer.append("text part")
    writer.append(b"\x00" * 5000, {"Content-Encoding": "gzip"})
    writer.append(b"raw deflate " * 50, {"Content-Encoding": "deflate"})
    writer.append(bytes(range(256)), {"Content-Transfer-Encoding": "base64"})
    writer.append(
        "ça = 1\r\n".encode(), {"Content-Transfer-Encoding": "quoted-printable"}
    )
    writer.append_json({"k": [1, 2]})
    writer.append_form([("a", "b c")])
    out = Collector()
    await writer.write(out)
    got = await read_with_aiohttp(bytes(out.data), writer.content_type)
    assert [data for *_, data in got] == [
        b"text part",
        b"\x00" * 5000,
        b"raw deflate " * 50,
        bytes(range(256)),
        "ça = 1\r\n".encode(),
        b'{"k": [1, 2]}',
        b"a=b+c",
    ]


async def test_our_nested_writer_is_read_by_aiohttp() -> None:
    outer = forms.MultipartWriter("mixed")
    inner = forms.MultipartWriter("alternative")
    inner.append("plain")
    inner.append("<p>html</p>", {"Content-Type": "text/html"})
    outer.append(inner)
    outer.append("after")
    body = await outer.as_bytes()
    reader = aiohttp.MultipartReader(
        {"Content-Type": outer.content_type}, aiohttp_stream(body)
    )
    nested = await reader.next()
    assert isinstance(nested, aiohttp.MultipartReader)
    texts = []
    while (part := await nested.next()) is not None:
        assert isinstance(part, aiohttp.BodyPartReader)
        texts.append(await part.text())
    assert texts == ["plain", "<p>html</p>"]
    last = await reader.next()
    assert isinstance(last, aiohttp.BodyPartReader)
    assert await last.text() == "after"


async def test_aiohttp_server_parses_our_form() -> None:
    from aiohttp import web

    received: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        post = await request.post()
        for key, value in post.items():
            if isinstance(value, web.FileField):
                received[key] = (value.filename, value.file.read())
            else:
                received[key] = value
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        form = forms.FormData()
        form.add_field("title", "héllo")
        form.add_field("doc", io.BytesIO(b"\x00file"), filename="résumé.pdf")
        payload = form()
        body = await payload.as_bytes()
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/",
                data=body,
                headers={"Content-Type": payload.content_type},
            ) as resp,
        ):
            assert resp.status == 200
    finally:
        await runner.cleanup()
    assert received == {"title": "héllo", "doc": ("résumé.pdf", b"\x00file")}


async def aiohttp_body(writer: aiohttp.MultipartWriter) -> bytes:
    out = Collector()
    await writer.write(out)  # type: ignore[arg-type]
    return bytes(out.data)


@pytest.mark.parametrize("quote_fields", [True, False])
async def test_aiohttp_formdata_is_read_by_us(quote_fields: bool) -> None:
    form = aiohttp.FormData(quote_fields=quote_fields)
    for index, name in enumerate(NAMES):
        filename = FILENAMES[index % len(FILENAMES)]
        if filename is None:
            form.add_field(name, f"text {index}")
        else:
            form.add_field(name, io.BytesIO(b"file %d" % index), filename=filename)
    payload = form()
    assert isinstance(payload, aiohttp.MultipartWriter)
    body = await aiohttp_body(payload)
    ours = await read_with_ours(body, payload.content_type)
    theirs = await read_with_aiohttp(body, payload.content_type)
    assert ours == theirs
    assert len(ours) == len(NAMES)


async def test_aiohttp_mixed_writer_with_encodings_is_read_by_us() -> None:
    writer = aiohttp.MultipartWriter("mixed")
    writer.append("text")
    writer.append(b"z" * 3000, {"Content-Encoding": "gzip"})
    writer.append(b"y" * 3000, {"Content-Encoding": "deflate"})
    writer.append(bytes(range(256)) * 3, {"Content-Transfer-Encoding": "base64"})
    writer.append(b"q = p\r\n\xff", {"Content-Transfer-Encoding": "quoted-printable"})
    writer.append_json({"x": "é"})
    writer.append_form({"f": "v w"})
    body = await aiohttp_body(writer)
    ours = await read_with_ours(body, writer.content_type)
    theirs = await read_with_aiohttp(body, writer.content_type)
    assert ours == theirs
    assert ours[1][3] == b"z" * 3000
    assert ours[3][3] == bytes(range(256)) * 3


async def test_aiohttp_nested_writer_is_read_by_us() -> None:
    outer = aiohttp.MultipartWriter("mixed")
    with aiohttp.MultipartWriter("related") as inner:
        inner.append("a")
        inner.append("b")
    outer.append(inner)
    outer.append("c")
    body = await aiohttp_body(outer)
    reader = forms.MultipartReader(
        {"Content-Type": outer.content_type}, SplitReader(body, 3)
    )
    nested = await reader.next()
    assert isinstance(nested, forms.MultipartReader)
    inner_texts = []
    async for part in nested:
        assert isinstance(part, forms.BodyPartReader)
        inner_texts.append(await part.text())
    last = await reader.next()
    assert isinstance(last, forms.BodyPartReader)
    assert (inner_texts, await last.text()) == (["a", "b"], "c")
    assert await reader.next() is None


async def test_gzip_body_parts_agree() -> None:
    raw = gzip.compress(b"payload " * 100)
    body = (
        b"--B\r\nContent-Encoding: gzip\r\n\r\n"
        + raw
        + b"\r\n--B\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"b64")
        + b"\r\n--B--\r\n"
    )
    ct = "multipart/mixed; boundary=B"
    assert await read_with_ours(body, ct) == await read_with_aiohttp(body, ct)


# -- Content-Disposition parsing ---------------------------------------------------

# Left out (documented differences): quoted values holding two or more ';' or a
# quote that does not open a value, and more than ten RFC 2231 continuations.
DISPOSITIONS = [
    "",
    "inline",
    " inline ",
    "INLINE",
    "attachment; filename=foo.html",
    'attachment; filename="foo.html"',
    'attachment; filename="foo-ä.html"',
    'attachment; filename="foo-%41.html"',
    'attachment; filename="50%.html"',
    'attachment; filename="foo-\\"bar.html"',
    'attachment; filename="\\"quoting\\" tested.html"',
    'attachment; filename="Here\'s a semicolon;.html"',
    'attachment; filename="a;b"; name=x',
    'attachment; filename="/foo.html"',
    'attachment; filename="\\\\foo.html"',
    'attachment; filename="foo.html"; filename="bar.html"',
    "attachment; filename=foo bar.html",
    'attachment; filename="foo.html',
    "attachment; filename",
    "attachment; foo=bar",
    'attachment; FILENAME="foo.html"',
    "attachment; filename=foo.html;",
    "attachment; ;filename=foo.html",
    'attachment; filename="foo.html" ; name="x"',
    "attachment; filename*=UTF-8''foo-%c3%a4.html",
    "attachment; filename*=iso-8859-1''foo-%E4.html",
    "attachment; filename*=UTF-8''foo-a%cc%88.html",
    "attachment; filename*=''foo-%c3%a4-%e2%82%ac.html",
    "attachment; filename*=UTF-8'de'foo.html",
    "attachment; filename*=UTF-8''foo%20bar.html",
    "attachment; filename*=\"UTF-8''foo.html\"",
    "attachment; filename*=utf-8''%FF",
    "attachment; filename*=x-unknown''%41",
    "attachment; filename*=UTF-8''foo-%E2%82%AC.html; filename=\"fallback.html\"",
    "attachment; filename=\"fallback.html\"; filename*=UTF-8''foo-%E2%82%AC.html",
    'attachment; filename*0="foo."; filename*1="html"',
    'attachment; filename*0="foo"; filename*01="bar"',
    'attachment; filename*0="foo"; filename*2="bar"',
    'attachment; filename*1="foo."; filename*2="html"',
    "attachment; filename*0*=UTF-8''foo-%c3%a4; filename*1=\".html\"",
    "attachment; filename*0=\"foo\"; filename*1*=UTF-8''%E2%82%AC",
    'attachment; filename*0="a b"; filename*1*=c',
    "attachment; xfilename=foo.html",
    'form-data; name="field"',
    "form-data; name=field; filename=file.txt",
    "form-data; name*=utf-8''na%C3%AFve",
    'form-data; name="x"; filename="%C3%A9.txt"; filename*=utf-8\'\'%C3%A9.txt',
    "inline; filename=",
    'inline; filename=""',
    'attachment; filename="a\tb"',
    "attach ment",
    "attachment, inline",
    'attachment; bad"key=1; name=ok',
    "attachment; key=val=ue",
    "attachment; k=v; k=w",
]


def _outcome(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = call()
    return result, [type(w.message).__name__ for w in record]


@pytest.mark.parametrize("header", DISPOSITIONS)
def test_parse_content_disposition_matches_aiohttp(header: str) -> None:
    ours = _outcome(lambda: forms.parse_content_disposition(header))
    theirs = _outcome(lambda: aiohttp.parse_content_disposition(header))
    assert ours == theirs


@pytest.mark.parametrize("header", DISPOSITIONS)
@pytest.mark.parametrize("name", ["filename", "name"])
def test_content_disposition_filename_matches_aiohttp(header: str, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, params = aiohttp.parse_content_disposition(header)
    ours = forms.content_disposition_filename(params, name)
    assert ours == aiohttp.content_disposition_filename(params, name)


def test_warning_classes_correspond() -> None:
    assert forms.BadContentDispositionHeader.__name__ == (
        aiohttp.BadContentDispositionHeader.__name__
    )
    assert issubclass(aiohttp.BadContentDispositionParam, RuntimeWarning)
    assert issubclass(forms.BadContentDispositionParam, RuntimeWarning)
