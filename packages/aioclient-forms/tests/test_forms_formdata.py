"""FormData: choice of encoding, field validation and the produced bodies."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from _forms_helpers import body_of, collect, reader_for
from multidict import MultiDict, MultiDictProxy

from aioclient_forms import BytesPayload, FormData, MultipartWriter, StringPayload


async def test_plain_fields_are_urlencoded() -> None:
    form = FormData({"a": "1", "b": "x y&z"})
    assert not form.is_multipart
    payload = form()
    assert isinstance(payload, BytesPayload)
    assert payload.content_type == "application/x-www-form-urlencoded"
    assert await payload.as_bytes() == b"a=1&b=x+y%26z"


async def test_urlencoded_charset_and_sequences() -> None:
    form = FormData([("q", "é"), ("n", 3), ("l", ["x", "y"])], charset="latin-1")
    payload = form()
    assert payload.content_type == "application/x-www-form-urlencoded; charset=latin-1"
    assert await payload.as_bytes() == b"q=%E9&n=3&l=x&l=y"
    again = form()  # urlencoded forms can be rendered again
    assert await again.as_bytes() == b"q=%E9&n=3&l=x&l=y"


def test_constructor_accepts_pairs_multidicts_and_single_items() -> None:
    form = FormData(MultiDict([("a", "1"), ("a", "2")]))
    assert [f[0]["name"] for f in form._fields] == ["a", "a"]
    proxy = FormData([MultiDictProxy(MultiDict(b="2")), ("c", "3")])
    # Like aiohttp, a multidict's items are queued behind the remaining items.
    assert [f[0]["name"] for f in proxy._fields] == ["c", "b"]
    single = FormData(io.BytesIO(b"x"))  # neither dict, list nor tuple: one field
    assert [f[0]["name"] for f in single._fields] == ["unknown"]
    assert single.is_multipart


@pytest.mark.parametrize("bad", [["just-a-string"], [("a", "b", "c")], [42]])
def test_add_fields_rejects_other_items(bad: list[Any]) -> None:
    with pytest.raises(
        TypeError, match=r"Only io.IOBase, multidict and \(name, file\) pairs"
    ):
        FormData(bad)


@pytest.mark.parametrize(
    "kwargs",
    [{"content_type": "text/plain"}, {"filename": "f.txt"}],
)
def test_options_switch_to_multipart(kwargs: dict[str, str]) -> None:
    form = FormData()
    form.add_field("a", "b", **kwargs)
    assert form.is_multipart
    assert isinstance(form(), MultipartWriter)


def test_default_to_multipart() -> None:
    form = FormData({"a": "b"}, default_to_multipart=True)
    assert form.is_multipart
    assert isinstance(form(), MultipartWriter)


async def test_bytes_without_filename_warns_and_uses_the_name() -> None:
    form = FormData()
    with pytest.warns(DeprecationWarning, match="In v4, passing bytes will no longer"):
        form.add_field("blob", b"\x00\x01")
    assert form.is_multipart
    body = await form().as_bytes()
    assert b'Content-Disposition: form-data; name="blob"; filename="blob"' in body


def test_bytes_with_filename_does_not_warn() -> None:
    form = FormData()
    form.add_field("blob", b"x", filename="x.bin")
    assert form.is_multipart


def test_content_transfer_encoding_is_deprecated() -> None:
    form = FormData()
    with pytest.warns(
        DeprecationWarning, match="content_transfer_encoding is deprecated"
    ):
        form.add_field("a", b"x", content_transfer_encoding="base64")
    assert form.is_multipart


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filename": 1}, "filename must be an instance of str"),
        ({"content_type": 1}, "content_type must be an instance of str"),
        (
            {"content_transfer_encoding": 1},
            "content_transfer_encoding must be an instance",
        ),
    ],
)
def test_non_string_options_raise_type_error(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        FormData().add_field("a", "b", **kwargs)


def test_non_string_name_raises_type_error() -> None:
    with pytest.raises(TypeError, match="name must be an instance of str"):
        FormData().add_field(1, "b")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", ["a\r\nX: y", "a\nb", "a\rb", "a\x00b", "a\x01", "\x7f"]
)
@pytest.mark.parametrize("where", ["name", "filename", "content_type"])
def test_control_characters_are_refused(bad: str, where: str) -> None:
    form = FormData()
    args: dict[str, Any] = {"name": "field", "value": "v"}
    if where == "name":
        args["name"] = bad
    else:
        args[where] = bad
    with pytest.raises(
        ValueError, match="Forbidden control character detected in headers"
    ):
        form.add_field(**args)


def test_tab_is_allowed_in_names() -> None:
    form = FormData()
    form.add_field("a\tb", "v", filename="x\ty.txt")
    assert form.is_multipart


async def test_multipart_body_layout() -> None:
    form = FormData(quote_fields=True)
    form.add_field("text", "héllo")
    form.add_field(
        "file", io.BytesIO(b"\x00data"), filename="d.bin", content_type="x/y"
    )
    writer = form()
    assert isinstance(writer, MultipartWriter)
    assert writer.content_type == f"multipart/form-data; boundary={writer.boundary}"
    body = await writer.as_bytes()
    assert body == await body_of(writer)
    boundary = writer.boundary.encode()
    assert body.startswith(b"--" + boundary + b"\r\n")
    assert body.endswith(b"--" + boundary + b"--\r\n")
    assert b"Content-Length" not in body
    assert writer.size == len(body)
    parts = await collect(reader_for(body, writer.content_type, splits=(5,)))
    assert [p[1] for p in parts] == ["héllo".encode(), b"\x00data"]
    assert parts[0][0]["Content-Disposition"] == 'form-data; name="text"'
    assert (
        parts[1][0]["Content-Disposition"] == 'form-data; name="file"; filename="d.bin"'
    )
    assert parts[1][0]["Content-Type"] == "x/y"


async def test_files_get_their_name_and_type_guessed(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(b"{}")
    with path.open("rb") as fh:
        form = FormData([fh])  # add_fields names the field after the file
        writer = form()
        body = await writer.as_bytes()
        assert b'form-data; name="report.json"; filename="report.json"' in body
        assert b"Content-Type: application/json" in body
        await writer.close()
        assert fh.closed


async def test_file_field_filename_defaults_to_the_field_name() -> None:
    form = FormData()
    form.add_field("upload", io.BytesIO(b"x"))
    body = await form().as_bytes()
    assert b'name="upload"; filename="upload"' in body


async def test_unserializable_value_raises_type_error() -> None:
    form = FormData()
    form.add_field("n", 12, content_type="text/plain")
    with pytest.raises(TypeError, match="Can not serialize value type"):
        form()


async def test_charset_is_used_for_text_parts() -> None:
    form = FormData(charset="latin-1", default_to_multipart=True)
    form.add_field("t", "é")
    body = await form().as_bytes()
    assert b"text/plain; charset=latin-1\r\n" in body
    assert b"\r\n\r\n\xe9\r\n" in body


async def test_calling_twice_returns_the_same_writer() -> None:
    # aiohttp 3.14 moves the fields into its writer and returns it again.
    form = FormData()
    form.add_field("a", "1", filename="a.txt")
    first = form()
    second = form()
    assert first is second
    assert len(first) == 1  # type: ignore[arg-type]
    assert await first.as_bytes() == await second.as_bytes()


async def test_quote_fields_false_sends_utf8() -> None:
    form = FormData(quote_fields=False)
    form.add_field("naïve", "v", filename='a "q".txt')
    body = await form().as_bytes()
    assert 'name="naïve"; filename="a \\"q\\".txt"'.encode() in body


async def test_string_payload_value_keeps_its_headers() -> None:
    form = FormData()
    form.add_field("p", StringPayload("x", content_type="text/csv"), filename="x.csv")
    body = await form().as_bytes()
    assert b"Content-Type: text/csv" in body
