"""Text file bodies in any codec, and closed files refused before sending."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from _forms_helpers import MemoryWriter, collect, reader_for

from aioclient_forms import (
    BufferedReaderPayload,
    BytesIOPayload,
    FormData,
    IOBasePayload,
    MultipartWriter,
    Payload,
    TextIOPayload,
    get_payload,
)

# More than one 256 KiB slice of characters, so a byte order mark written per
# slice (or a loop that never ends) shows.
TEXT = "héllo wörld ✓\n" * 20_000
BOM_CODECS = ["utf-16", "utf-32", "utf-8-sig"]


async def written(payload: Payload, limit: int | None = None) -> bytes:
    """The payload's body; a hang fails the test instead of stalling the run."""
    writer = MemoryWriter()
    await asyncio.wait_for(payload.write_with_length(writer, limit), timeout=10)
    return writer.data


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.parametrize("codec", BOM_CODECS)
async def test_text_file_in_a_bom_codec_is_sent_whole(
    text_file: Path, codec: str
) -> None:
    with text_file.open(encoding="utf-8") as fh:
        payload = TextIOPayload(fh, encoding=codec)
        assert payload.size is None  # the disk size is not the encoded length
        body = await written(payload)
        assert body == TEXT.encode(codec)  # one byte order mark, at the start
        assert body.decode(codec) == TEXT
        assert await written(payload) == body  # sent again from the start
        assert await payload.as_bytes() == body
        assert await written(payload, 5) == body[:5]


@pytest.mark.parametrize("codec", BOM_CODECS)
async def test_text_file_in_a_bom_codec_as_a_multipart_part(
    text_file: Path, codec: str
) -> None:
    with text_file.open(encoding="utf-8") as fh:
        writer = MultipartWriter("mixed", boundary="bom")
        writer.append(TextIOPayload(fh, encoding=codec))
        assert writer.size is None
        parts = await collect(reader_for(await written(writer), writer.content_type))
        assert [content.decode(codec) for _, content in parts] == [TEXT]
        assert "Content-Length" not in parts[0][0]


async def test_form_with_a_bom_charset_sends_text_files_whole(text_file: Path) -> None:
    with text_file.open(encoding="utf-8") as fh:
        form = FormData(charset="utf-16")
        form.add_field("notes", fh)
        body = form()
        assert body.size is None
        parts = await collect(reader_for(await written(body), body.content_type))
        assert parts[0][0]["Content-Type"] == "text/plain; charset=utf-16"
        assert parts[0][1].decode("utf-16") == TEXT


async def test_text_stream_in_a_bom_codec_ends() -> None:
    payload = TextIOPayload(io.StringIO("abc"), encoding="utf-16")
    assert payload.size is None
    assert await written(payload) == "abc".encode("utf-16")


async def test_empty_text_file_body_matches_as_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    with path.open() as fh:
        payload = TextIOPayload(fh, encoding="utf-16")
        assert await written(payload) == await payload.as_bytes() == b"\xff\xfe"


@pytest.mark.parametrize(
    ("file_codec", "payload_codec", "sized"),
    [
        ("utf-8", "utf-8", True),
        ("UTF8", "utf_8", True),  # the same codec under other names
        ("latin-1", "iso-8859-1", True),
        ("utf-16-le", "utf-16-le", True),  # no byte order mark
        ("latin-1", "utf-8", False),  # "é" takes one byte on disk, two sent
        ("utf-8", "utf-16", False),
        ("utf-16", "utf-16", False),  # a byte order mark after the start offset
        ("utf-8-sig", "utf-8-sig", False),
        ("utf-8", "no-such-codec", False),
    ],
)
def test_text_file_size_is_the_disk_size_only_when_it_is_the_body_length(
    tmp_path: Path, file_codec: str, payload_codec: str, sized: bool
) -> None:
    path = tmp_path / "t.txt"
    path.write_text("héllo", encoding=file_codec)
    with path.open(encoding=file_codec) as fh:
        payload = TextIOPayload(fh, encoding=payload_codec)
        assert payload.size == (path.stat().st_size if sized else None)


async def test_text_file_sized_by_disk_sends_exactly_its_size(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("héllo\n" * 100_000, encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        fh.seek(7)  # a position inside the text: the size counts from there
        payload = TextIOPayload(fh)
        body = await written(payload)
        assert payload.size == len(body) == path.stat().st_size - 7


def closed(file: Any) -> Any:
    file.close()
    return file


@pytest.mark.parametrize(
    ("opener", "cls"),
    [
        (lambda p: p.open("rb"), BufferedReaderPayload),
        (lambda p: p.open("r"), TextIOPayload),
        (lambda p: p.open("rb", buffering=0), IOBasePayload),
        (lambda p: io.BytesIO(b"x"), BytesIOPayload),
    ],
)
def test_closed_file_is_refused_when_the_payload_is_made(
    tmp_path: Path, opener: Any, cls: type[Payload]
) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x")
    with pytest.raises(ValueError, match="I/O operation on closed file"):
        cls(closed(opener(path)))
    with pytest.raises(ValueError, match="I/O operation on closed file"):
        get_payload(closed(opener(path)))
    with pytest.raises(ValueError, match="I/O operation on closed file"):
        MultipartWriter().append(closed(opener(path)))


def test_form_with_a_closed_file_is_refused_when_built(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x")
    form = FormData()
    form.add_field("text", "kept")
    form.add_field("file", closed(path.open("rb")))
    with pytest.raises(ValueError, match=r"closed file \(field 'file'\)"):
        form()


@pytest.mark.parametrize("mode", ["rb", "r"])
async def test_file_closed_after_the_first_send_is_refused_by_size(
    tmp_path: Path, mode: str
) -> None:
    """A sent request closes its file; sending the body again must fail early.

    The client asks for ``size`` while it prepares a request, before it
    connects, so that is where the closed file is reported (as in aiohttp).
    """
    path = tmp_path / "f.txt"
    path.write_text("x")
    form = FormData()
    form.add_field("file", path.open(mode))
    body = form()
    assert body.size is not None or mode == "r"
    await body.close()
    again = form()
    assert again is body
    with pytest.raises(ValueError, match="I/O operation on closed file 'f.txt'"):
        again.size  # noqa: B018 - the property is what raises
    with path.open(mode) as fh:
        payload = get_payload(fh)
    with pytest.raises(ValueError, match="I/O operation on closed file"):
        payload.size  # noqa: B018
