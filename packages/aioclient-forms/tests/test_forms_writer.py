"""MultipartWriter: boundaries, parts, sizes, encodings and streaming."""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from _forms_helpers import MemoryWriter, body_of, make_writer

from aioclient_forms import (
    AsyncIterablePayload,
    BytesPayload,
    JsonPayload,
    MultipartWriter,
    Payload,
    StringPayload,
)


def consumed(payload: Payload) -> bool:
    # A call, so that mypy does not keep the narrowing from an earlier assert.
    return payload.consumed


async def agen(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


# -- boundary ------------------------------------------------------------------


def test_default_boundary_is_random_hex() -> None:
    first, second = MultipartWriter(), MultipartWriter()
    assert re.fullmatch(r"[0-9a-f]{32}", first.boundary)
    assert first.boundary != second.boundary
    assert first.content_type == f"multipart/mixed; boundary={first.boundary}"


def test_boundary_quoting_in_content_type() -> None:
    token = MultipartWriter("related", boundary="abc-123")
    assert token.content_type == "multipart/related; boundary=abc-123"
    spaced = MultipartWriter(boundary="has space:and/colon")
    assert (
        spaced.headers["Content-Type"]
        == 'multipart/mixed; boundary="has space:and/colon"'
    )
    assert spaced.boundary == "has space:and/colon"


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("bøundary", "boundary should contain ASCII only chars"),
        ("x" * 71, "is too long"),
        ("", "boundary must not be empty"),
        ("a\r\nb", "boundary value contains invalid characters"),
        ("a\x00b", "boundary value contains invalid characters"),
        ('a"b', "boundary value contains invalid characters"),
        ("a\\b", "boundary value contains invalid characters"),
        ("a;b", "boundary value contains invalid characters"),
        ("trailing ", "boundary value contains invalid characters"),
    ],
)
def test_invalid_boundaries(boundary: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MultipartWriter(boundary=boundary)


def test_seventy_char_boundary_is_accepted() -> None:
    assert MultipartWriter(boundary="x" * 70).boundary == "x" * 70


def test_invalid_subtype() -> None:
    with pytest.raises(ValueError, match="invalid multipart subtype"):
        MultipartWriter("mixed; evil=1")


# -- container protocol -------------------------------------------------------


def test_container_behaviour() -> None:
    writer = make_writer()
    assert bool(writer)
    assert len(writer) == 0
    with writer as same:
        assert same is writer
        same.append("text")
    assert len(writer) == 1
    payload, encoding, te = next(iter(writer))
    assert isinstance(payload, StringPayload)
    assert (encoding, te) == ("", "")  # no such headers: "" as in aiohttp


def test_append_rules() -> None:
    writer = make_writer()
    part = writer.append(b"data", {"X-Part": "1"})
    assert isinstance(part, BytesPayload)
    assert part.headers["X-Part"] == "1"
    assert part.headers["Content-Length"] == "4"
    existing = StringPayload("s")
    assert writer.append(existing, {"X-More": "2"}) is existing
    assert existing.headers["X-More"] == "2"
    with pytest.raises(TypeError, match="Cannot create payload from"):
        writer.append(object())


def test_append_json_and_form() -> None:
    writer = make_writer()
    json_part = writer.append_json({"a": 1}, {"X-J": "1"})
    assert isinstance(json_part, JsonPayload)
    assert json_part.headers["X-J"] == "1"
    form_part = writer.append_form({"a": "b c"})
    assert form_part.content_type == "application/x-www-form-urlencoded"
    pairs_part = writer.append_form([("k", "1"), ("k", "2")])
    assert pairs_part.size == len(b"k=1&k=2")
    with pytest.raises(TypeError, match="mapping or a sequence of pairs"):
        writer.append_form("a=b")  # type: ignore[arg-type]


@pytest.mark.parametrize("header", ["Content-Encoding", "Content-Transfer-Encoding"])
def test_unknown_encodings_are_rejected(header: str) -> None:
    kind = (
        "content encoding"
        if header == "Content-Encoding"
        else "content transfer encoding"
    )
    with pytest.raises(RuntimeError, match=f"unknown {kind}: br"):
        make_writer().append(b"x", {header: "br"})


def test_identity_and_binary_encodings_are_plain() -> None:
    writer = make_writer()
    writer.append(
        b"x", {"Content-Encoding": "identity", "Content-Transfer-Encoding": "binary"}
    )
    _, encoding, te = next(iter(writer))
    assert (encoding, te) == (None, None)
    assert writer.size is not None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, ("", "")),
        ({"Content-Encoding": "GZIP"}, ("gzip", "")),
        ({"Content-Encoding": "deflate"}, ("deflate", "")),
        ({"Content-Encoding": "identity"}, (None, "")),
        ({"Content-Transfer-Encoding": "base64"}, ("", "base64")),
        ({"Content-Transfer-Encoding": "quoted-printable"}, ("", "quoted-printable")),
        ({"Content-Transfer-Encoding": "binary"}, ("", None)),
        ({"Content-Encoding": ""}, ("", "")),
    ],
)
def test_iteration_yields_aiohttps_encoding_values(
    headers: dict[str, str], expected: tuple[str | None, str | None]
) -> None:
    writer = make_writer()
    part = writer.append(b"x", headers)
    assert list(writer) == [(part, *expected)]
    form = make_writer("form-data")
    form_part = form.append(b"x")
    assert list(form) == [(form_part, None, None)]


@pytest.mark.parametrize(
    ("header", "encode"),
    [
        ("base64", base64.b64encode),
        ("quoted-printable", binascii.b2a_qp),
    ],
)
async def test_transfer_encoding_alone_is_not_compressed(
    header: str, encode: Any
) -> None:
    """An absent Content-Encoding ("") must not start a compressor."""
    data = b"plain \x00\xff data = " * 50
    writer = make_writer(boundary="te")
    writer.append(data, {"Content-Transfer-Encoding": header})
    expected = encode(data)
    assert b"\r\n\r\n" + expected + b"\r\n--te--\r\n" in await body_of(writer)
    assert await writer.as_bytes() == await body_of(writer)


def test_form_data_parts_get_a_default_name_and_no_length() -> None:
    writer = make_writer("form-data")
    first = writer.append("a")
    second = writer.append(b"b")
    assert first.headers["Content-Disposition"] == 'form-data; name="section-0"'
    assert second.headers["Content-Disposition"] == 'form-data; name="section-1"'
    assert "Content-Length" not in second.headers


@pytest.mark.parametrize(
    "header", ["Content-Encoding", "Content-Length", "Content-Transfer-Encoding"]
)
def test_form_data_parts_refuse_encodings_and_length(header: str) -> None:
    # RFC 7578 sections 4.7 and 4.8.
    with pytest.raises(ValueError, match=f"must not carry {header}"):
        make_writer("form-data").append(b"x", {header: "gzip"})


async def test_form_data_part_without_name_is_refused_on_write() -> None:
    writer = make_writer("form-data")
    part = writer.append("x")
    part.headers["Content-Disposition"] = 'form-data; filename="x"'
    with pytest.raises(ValueError, match="no Content-Disposition name"):
        await body_of(writer)
    with pytest.raises(ValueError, match="no Content-Disposition name"):
        await writer.as_bytes()


async def test_part_header_injection_is_refused_on_write() -> None:
    writer = make_writer()
    part = writer.append("x")
    part.headers["X-Evil"] = "ok\r\nContent-Type: text/html"
    with pytest.raises(ValueError, match="Forbidden control character"):
        await body_of(writer)


# -- wire format and size -----------------------------------------------------


async def test_exact_wire_format() -> None:
    writer = make_writer()
    writer.append("hi")
    writer.append(b"\x00\x01", {"X-A": "1"})
    expected = (
        b"--b0undary\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\n"
        b"hi\r\n"
        b"--b0undary\r\n"
        b"Content-Type: application/octet-stream\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n"
        b"\x00\x01\r\n"
        b"--b0undary--\r\n"
    )
    assert await body_of(writer) == expected
    assert await writer.as_bytes() == expected
    assert writer.size == len(expected)
    assert writer.decode() == expected.decode("latin-1")


async def test_empty_writer() -> None:
    writer = make_writer()
    assert await body_of(writer) == b"--b0undary--\r\n"
    assert writer.size == len(b"--b0undary--\r\n")


async def test_close_boundary_false_omits_the_final_line() -> None:
    writer = make_writer()
    writer.append("x")
    out = MemoryWriter()
    await writer.write(out, close_boundary=False)
    assert not out.data.endswith(b"--b0undary--\r\n")
    assert out.data.endswith(b"x\r\n")


async def test_nested_writer_size_and_body() -> None:
    outer = make_writer("mixed", "outer")
    inner = MultipartWriter("alternative", boundary="inner")
    inner.append("plain")
    inner.append("<b>html</b>", {"Content-Type": "text/html"})
    outer.append(inner)
    outer.append_json([1, 2])
    body = await body_of(outer)
    assert outer.size == len(body)
    assert inner.headers["Content-Length"] == str(inner.size)
    assert b"Content-Type: multipart/alternative; boundary=inner\r\n" in body
    assert b"--inner--\r\n\r\n--outer\r\n" in body


async def test_size_is_none_when_unknown_or_encoded() -> None:
    streaming = make_writer()
    streaming.append(agen(b"x"))
    assert streaming.size is None
    encoded = make_writer()
    encoded.append(b"x", {"Content-Encoding": "gzip"})
    assert encoded.size is None
    assert "Content-Length" not in next(iter(encoded))[0].headers


async def test_decode_of_text_parts() -> None:
    writer = make_writer()
    writer.append("é")
    assert writer.decode() == (
        "--b0undary\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 2\r\n\r\né\r\n--b0undary--\r\n"
    )


# -- encodings applied on the fly ------------------------------------------------


def _only_part_body(body: bytes, boundary: bytes = b"b0undary") -> bytes:
    head, _, rest = body.partition(b"\r\n\r\n")
    content, _, _ = rest.rpartition(b"\r\n--" + boundary + b"--\r\n")
    return content


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_content_encoding_is_applied(encoding: str) -> None:
    data = b"compress me " * 1000
    writer = make_writer()
    writer.append(agen(data[:5000], data[5000:]), {"Content-Encoding": encoding})
    body = await body_of(writer)
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else -zlib.MAX_WBITS
    compressed = _only_part_body(body)
    assert len(compressed) < len(data) // 10
    assert zlib.decompress(compressed, wbits) == data


async def test_base64_transfer_encoding_streams_valid_base64() -> None:
    data = bytes(range(256)) * 3 + b"xy"
    writer = make_writer()
    writer.append(
        agen(data[:1], data[1:5], data[5:]), {"Content-Transfer-Encoding": "base64"}
    )
    encoded = _only_part_body(await body_of(writer))
    assert base64.b64decode(encoded, validate=True) == data


async def test_quoted_printable_transfer_encoding() -> None:
    data = "naïve = café\r\nline two  \r\n".encode()
    writer = make_writer()
    writer.append(data, {"Content-Transfer-Encoding": "quoted-printable"})
    encoded = _only_part_body(await body_of(writer))
    assert b"=C3=AF" in encoded
    assert binascii.a2b_qp(encoded) == data


async def test_gzip_plus_base64_and_as_bytes_match_write() -> None:
    data = b"abc" * 500
    writer = make_writer()
    writer.append(
        data, {"Content-Encoding": "gzip", "Content-Transfer-Encoding": "base64"}
    )
    streamed = await body_of(writer)
    assert await writer.as_bytes() == streamed
    encoded = _only_part_body(streamed)
    assert zlib.decompress(base64.b64decode(encoded), 16 + zlib.MAX_WBITS) == data


async def test_as_bytes_caches_async_parts_so_write_still_works() -> None:
    writer = make_writer()
    writer.append(AsyncIterablePayload(agen(b"one", b"two")))
    first = await writer.as_bytes()
    assert not writer.consumed
    assert await body_of(writer) == first
    assert b"onetwo" in first


async def test_consumed_reflects_parts_and_replays_fail_clearly() -> None:
    writer = make_writer()
    writer.append(agen(b"x"))
    assert not writer.consumed
    await body_of(writer)
    assert consumed(writer)
    with pytest.raises(RuntimeError, match="already streamed"):
        await body_of(writer)


async def test_close_closes_file_parts_and_logs_failures(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "p.bin"
    path.write_bytes(b"x")
    fh = path.open("rb")
    writer = make_writer()
    writer.append(fh)

    class Broken(BytesPayload):
        _autoclose = False

        async def close(self) -> None:
            raise OSError("boom")

    writer.append(Broken(b"y"))
    await writer.close()
    assert fh.closed
    assert writer.consumed
    assert "Failed to close multipart part 1" in caplog.text
    await writer.close()  # second call is a no-op


async def test_file_part_streams_with_known_size(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with path.open("rb") as fh:
        writer = make_writer()
        part = writer.append(fh)
        assert part.headers["Content-Length"] == "8"
        assert part.headers["Content-Type"] == "text/csv"
        body = await body_of(writer)
        assert writer.size == len(body)
        assert b'attachment; filename="data.csv"' in body


async def test_bytes_io_part() -> None:
    writer = make_writer()
    writer.append(io.BytesIO(b"mem"))
    assert b"\r\n\r\nmem\r\n" in await body_of(writer)


def test_headers_argument_may_be_any_mapping() -> None:
    headers: dict[str, Any] = {"X-Y": "z"}
    part = make_writer().append("v", headers)
    assert part.headers["x-y"] == "z"


async def test_close_also_closes_consumed_unseekable_file_parts(tmp_path: Path) -> None:
    path = tmp_path / "fifo-like.bin"
    path.write_bytes(b"data")
    fh = path.open("rb")

    class Unseekable(io.BufferedReader):
        def tell(self) -> int:
            raise OSError("not seekable")

    stream = Unseekable(io.FileIO(fh.fileno(), closefd=False))
    writer = make_writer()
    part = writer.append(stream)
    await body_of(writer)
    assert part.consumed
    await writer.close()
    assert stream.closed
    fh.close()


def test_autoclose_says_whether_a_part_holds_a_file(tmp_path: Path) -> None:
    """The session closes a body after the request only when this is False."""
    writer = MultipartWriter("form-data")
    assert writer.autoclose
    writer.append(b"in memory")
    writer.append_json({"a": 1})
    assert writer.autoclose
    path = tmp_path / "part.bin"
    path.write_bytes(b"on disk")
    with path.open("rb") as file:
        writer.append(file)
        assert not writer.autoclose
