"""MultipartReader and BodyPartReader on well-formed input."""

from __future__ import annotations

import asyncio
import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Sequence

import pytest
from _forms_helpers import (
    ChunkedReader,
    FakeResponse,
    MemoryWriter,
    collect,
    raw_multipart,
    reader_for,
)

from aioclient_forms import (
    BodyPartReader,
    BytesPayload,
    MultipartReader,
    MultipartResponseWrapper,
    MultipartWriter,
    get_payload,
)

CT = "multipart/mixed; boundary=xyz"
SIMPLE = raw_multipart(
    "xyz",
    [
        (["Content-Type: text/plain", "X-Id: 1"], b"first\r\nline"),
        (["Content-Type: application/octet-stream"], b"\x00--xy\r\n-xyz--x"),
        ([], b""),
    ],
)
SIMPLE_EXPECTED = [
    ({"Content-Type": "text/plain", "X-Id": "1"}, b"first\r\nline"),
    ({"Content-Type": "application/octet-stream"}, b"\x00--xy\r\n-xyz--x"),
    ({}, b""),
]


async def test_reads_parts_and_headers() -> None:
    assert await collect(reader_for(SIMPLE, CT)) == SIMPLE_EXPECTED


@pytest.mark.parametrize("split", [1, 2, 3, 5, 7, 13, 64])
async def test_results_do_not_depend_on_read_splits(split: int) -> None:
    assert await collect(reader_for(SIMPLE, CT, splits=(split,))) == SIMPLE_EXPECTED


async def test_every_two_way_split_gives_the_same_result() -> None:
    for offset in range(1, len(SIMPLE)):
        splits: Sequence[int] = (offset, len(SIMPLE))
        assert await collect(reader_for(SIMPLE, CT, splits=splits)) == SIMPLE_EXPECTED


async def test_preamble_epilogue_and_padding() -> None:
    body = (
        b"This is the preamble. --xyz is not a delimiter here.\r\n"
        b"--xyz  \t\r\n"
        b"Content-Type: text/plain\r\n\r\n"
        b"body\r\n"
        b"--xyz-- \r\n"
        b"epilogue, ignored\r\n"
    )
    reader = reader_for(body, CT, splits=(3,))
    assert await collect(reader) == [({"Content-Type": "text/plain"}, b"body")]
    assert reader.at_eof()
    assert await reader.next() is None


async def test_bare_lf_lines_and_missing_final_crlf() -> None:
    body = b"--xyz\nContent-Type: a/b\n\npayload\r\n--xyz--"
    assert await collect(reader_for(body, CT)) == [
        ({"Content-Type": "a/b"}, b"payload")
    ]


async def test_empty_body_part_without_its_own_crlf_is_tolerated() -> None:
    body = b"--xyz\r\nX: 1\r\n\r\n--xyz\r\nX: 2\r\n\r\ntwo\r\n--xyz--\r\n"
    assert await collect(reader_for(body, CT, splits=(1,))) == [
        ({"X": "1"}, b""),
        ({"X": "2"}, b"two"),
    ]


async def test_only_a_closing_boundary() -> None:
    reader = reader_for(b"--xyz--\r\n", CT)
    assert await reader.next() is None
    assert reader.at_eof()


async def test_content_type_lookup_in_a_plain_dict_is_case_insensitive() -> None:
    reader = MultipartReader(
        {"content-type": 'multipart/related; type="x"; boundary="xyz"'},
        ChunkedReader(SIMPLE),
    )
    assert await collect(reader) == SIMPLE_EXPECTED


async def test_unread_parts_are_skipped_by_next_and_release() -> None:
    reader = reader_for(SIMPLE, CT, splits=(4,))
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    chunk = await first.read_chunk(3)  # what has arrived, at most 3 bytes
    assert chunk
    assert b"fir".startswith(chunk)
    second = await reader.next()
    assert isinstance(second, BodyPartReader)
    assert second.headers["Content-Type"] == "application/octet-stream"
    await reader.release()
    assert reader.at_eof()
    assert first.at_eof()
    assert await first.read() == b""


async def test_nested_multipart() -> None:
    inner = raw_multipart("in", [(["X: a"], b"A"), (["X: b"], b"B")])
    body = raw_multipart(
        "out",
        [
            (
                ["Content-Type: multipart/alternative; boundary=in"],
                b"preamble\r\n" + inner,
            ),
            (["X: tail"], b"after"),
        ],
    )
    for split in (1, 5, 1000):
        reader = reader_for(body, "multipart/mixed; boundary=out", splits=(split,))
        nested = await reader.next()
        assert isinstance(nested, MultipartReader)
        assert await collect(nested) == [({"X": "a"}, b"A"), ({"X": "b"}, b"B")]
        assert await collect(reader) == [({"X": "tail"}, b"after")]


async def test_unread_nested_multipart_is_skipped() -> None:
    inner = raw_multipart("in", [(["X: a"], b"A")]) + b"inner epilogue\r\n"
    body = raw_multipart(
        "out",
        [(["Content-Type: multipart/mixed; boundary=in"], inner), (["X: t"], b"T")],
    )
    reader = reader_for(body, "multipart/mixed; boundary=out", splits=(2,))
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    assert await collect(reader) == [({"X": "t"}, b"T")]
    assert nested.at_eof()


async def test_multipart_reader_cls_is_used_for_nested_parts() -> None:
    class MyReader(MultipartReader):
        pass

    inner = raw_multipart("in", [([], b"A")])
    body = raw_multipart(
        "out", [(["Content-Type: multipart/mixed; boundary=in"], inner)]
    )
    reader = MyReader(
        {"Content-Type": "multipart/mixed; boundary=out"}, ChunkedReader(body)
    )
    nested = await reader.next()
    assert type(nested) is MyReader
    assert MultipartReader.multipart_reader_cls is None
    assert MultipartReader.part_reader_cls is BodyPartReader
    assert MultipartReader.response_wrapper_cls is MultipartResponseWrapper


# -- part API ------------------------------------------------------------------


async def first_part(body: bytes, ct: str = CT, **kwargs: object) -> BodyPartReader:
    part = await reader_for(body, ct, **kwargs).next()  # type: ignore[arg-type]
    assert isinstance(part, BodyPartReader)
    return part


async def test_part_async_iteration_and_next() -> None:
    part = await first_part(SIMPLE)
    chunks = [chunk async for chunk in part]
    assert b"".join(chunks) == b"first\r\nline"
    assert await part.next() is None


async def test_read_chunk_sizes() -> None:
    part = await first_part(SIMPLE)
    assert await part.read_chunk(1) == b"f"
    assert await part.read_chunk(4) == b"irst"
    assert await part.read_chunk() == b"\r\nline"
    assert part.at_eof()
    assert await part.read_chunk() == b""


async def test_readline() -> None:
    body = raw_multipart("xyz", [([], b"one\r\ntwo\nthree\r\n\r\nlast")])
    for split in (1, 4, 100):
        part = await first_part(body, splits=(split,))
        lines = []
        while line := await part.readline():
            lines.append(line)
        assert lines == [b"one\r\n", b"two\n", b"three\r\n", b"\r\n", b"last"]
        assert part.at_eof()


async def test_readline_with_content_length() -> None:
    body = raw_multipart("xyz", [(["Content-Length: 8"], b"ab\r\ncd\r\n")])
    part = await first_part(body, splits=(3,))
    assert await part.readline() == b"ab\r\n"
    assert await part.readline() == b"cd\r\n"
    assert await part.readline() == b""


async def test_text_json_form_and_charsets() -> None:
    body = raw_multipart(
        "xyz",
        [
            (["Content-Type: text/plain; charset=latin-1"], "café".encode("latin-1")),
            (["Content-Type: application/json"], json.dumps({"k": "é"}).encode()),
            (["Content-Type: application/json"], b""),
            (
                ["Content-Type: application/x-www-form-urlencoded"],
                b"a=1&b=&c=%C3%A9\r\n",
            ),
            ([], b"\xff\xfe"),
        ],
    )
    reader = reader_for(body, CT, splits=(3,))
    text = await reader.next()
    assert isinstance(text, BodyPartReader)
    assert text.get_charset("utf-8") == "latin-1"
    assert await text.text() == "café"
    js = await reader.next()
    assert isinstance(js, BodyPartReader)
    assert await js.json() == {"k": "é"}
    empty = await reader.next()
    assert isinstance(empty, BodyPartReader)
    assert await empty.json() is None
    form = await reader.next()
    assert isinstance(form, BodyPartReader)
    assert await form.form() == [("a", "1"), ("b", ""), ("c", "é")]
    bad = await reader.next()
    assert isinstance(bad, BodyPartReader)
    with pytest.raises(ValueError, match="data cannot be decoded with utf-8 encoding"):
        await bad.form()


async def test_name_and_filename() -> None:
    body = raw_multipart(
        "xyz",
        [
            (
                [
                    "Content-Disposition: form-data; name=field; "
                    "filename*=UTF-8''%E2%82%AC.txt"
                ],
                b"",
            )
        ],
    )
    part = await first_part(body, "multipart/form-data; boundary=xyz")
    assert part.name == "field"
    assert part.filename == "€.txt"
    anonymous = await first_part(raw_multipart("xyz", [([], b"")]))
    assert anonymous.name is None
    assert anonymous.filename is None


async def test_charset_field_sets_the_default_charset() -> None:
    body = raw_multipart(
        "xyz",
        [
            (['Content-Disposition: form-data; name="_charset_"'], b"latin-1"),
            (['Content-Disposition: form-data; name="t"'], "é".encode("latin-1")),
        ],
    )
    reader = reader_for(body, "multipart/form-data; boundary=xyz", splits=(2,))
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert part.name == "t"
    assert part.get_charset("utf-8") == "latin-1"
    assert await part.text() == "é"


async def test_charset_field_only() -> None:
    body = raw_multipart(
        "xyz", [(['Content-Disposition: form-data; name="_charset_"'], b"utf-8")]
    )
    reader = reader_for(body, "multipart/form-data; boundary=xyz")
    assert await reader.next() is None


@pytest.mark.parametrize("value", [b"x" * 40, b"no-such-charset", b"\xff"])
async def test_invalid_charset_field(value: bytes) -> None:
    body = raw_multipart(
        "xyz",
        [(['Content-Disposition: form-data; name="_charset_"'], value), ([], b"")],
    )
    reader = reader_for(body, "multipart/form-data; boundary=xyz")
    with pytest.raises(RuntimeError, match="Invalid default charset"):
        await reader.next()


async def test_content_length_is_used_outside_form_data() -> None:
    # The part claims 7 bytes that contain the delimiter text; length wins.
    body = b"--xyz\r\nContent-Length: 7\r\n\r\n\r\n--xyz\r\n--xyz--\r\n"
    parts = await collect(reader_for(body, CT, splits=(1,)))
    assert parts == [({"Content-Length": "7"}, b"\r\n--xyz")]


async def test_content_length_is_ignored_for_form_data() -> None:
    body = raw_multipart("xyz", [(["Content-Length: +1_0"], b"data")])
    parts = await collect(reader_for(body, "multipart/form-data; boundary=xyz"))
    assert parts == [({"Content-Length": "+1_0"}, b"data")]


# -- decoding ------------------------------------------------------------------


def encoded_part(headers: list[str], content: bytes, subtype: str = "mixed") -> bytes:
    return raw_multipart("xyz", [(headers, content)])


@pytest.mark.parametrize(
    ("cte", "encoder"),
    [
        ("base64", base64.b64encode),
        ("BASE64", base64.encodebytes),
        ("quoted-printable", binascii.b2a_qp),
        ("binary", bytes),
        ("8bit", bytes),
        ("7bit", bytes),
    ],
)
async def test_transfer_encodings(cte: str, encoder: object) -> None:
    data = "Grüße = \r\nbinary \x00\xff".encode("latin-1")
    encoded = encoder(data)  # type: ignore[operator]
    body = encoded_part([f"Content-Transfer-Encoding: {cte}"], encoded)
    for split in (1, 7):
        part = await first_part(body, splits=(split,))
        assert await part.read(decode=True) == data


async def test_base64_read_chunk_is_quartet_aligned() -> None:
    data = bytes(range(200))
    encoded = base64.encodebytes(data)  # with line breaks
    part = await first_part(
        encoded_part(["Content-Transfer-Encoding: base64"], encoded)
    )
    decoded = b""
    while chunk := await part.read_chunk(10):
        decoded += part.decode(chunk)
    assert decoded == data


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "identity"])
async def test_content_encodings(encoding: str) -> None:
    data = b"squeeze " * 5000
    if encoding == "gzip":
        compressed = gzip.compress(data)
    elif encoding == "deflate":
        c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        compressed = c.compress(data) + c.flush()
    else:
        compressed = data
    body = encoded_part([f"Content-Encoding: {encoding}"], compressed)
    part = await first_part(body, splits=(100,))
    assert await part.read(decode=True) == data
    part = await first_part(body)
    raw = await part.read()
    assert raw == compressed
    assert part.decode(raw) == data
    pieces = [p async for p in part.decode_iter(raw)]
    assert b"".join(pieces) == data


async def test_concatenated_gzip_members() -> None:
    compressed = gzip.compress(b"one ") + gzip.compress(b"two")
    part = await first_part(encoded_part(["Content-Encoding: gzip"], compressed))
    assert await part.read(decode=True) == b"one two"


async def test_decode_iter_pieces_are_bounded() -> None:
    data = b"\x00" * 1_000_000
    body = encoded_part(["Content-Encoding: gzip"], gzip.compress(data))
    reader = reader_for(body, CT)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    bounded = BodyPartReader(
        b"--xyz", part.headers, ChunkedReader(b""), max_decompress_size=4096
    )
    raw = await part.read()
    sizes = [len(p) async for p in bounded.decode_iter(raw)]
    assert max(sizes) <= 4096
    assert sum(sizes) == len(data)


async def test_content_encoding_is_ignored_for_form_data() -> None:
    # RFC 7578 section 4.8.
    body = encoded_part(["Content-Encoding: gzip"], b"not gzip")
    part = await first_part(body, "multipart/form-data; boundary=xyz")
    assert await part.read(decode=True) == b"not gzip"


async def test_decoded_read_from_big_input_runs_in_executor() -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, poorly compressible pattern repeats
    compressed = gzip.compress(data, compresslevel=1)
    part = await first_part(encoded_part(["Content-Encoding: gzip"], compressed))
    assert await part.read(decode=True) == data


# -- from_response ----------------------------------------------------------------


async def test_from_response_wrapper_releases_at_eof() -> None:
    response = FakeResponse(CT, SIMPLE, splits=(3,))
    wrapper = MultipartReader.from_response(response)
    assert isinstance(wrapper, MultipartResponseWrapper)
    seen = []
    async for part in wrapper:
        assert isinstance(part, BodyPartReader)
        seen.append(await part.read())
    assert seen == [p[1] for p in SIMPLE_EXPECTED]
    assert wrapper.at_eof()
    assert response.released >= 1


async def test_wrapper_release_accepts_a_plain_method() -> None:
    class SyncResponse(FakeResponse):
        def release(self) -> None:  # type: ignore[override]
            self.released += 1

    response = SyncResponse(CT, SIMPLE)
    wrapper = MultipartReader.from_response(response)
    await wrapper.release()
    assert response.released == 1


# -- parts as payloads ------------------------------------------------------------


async def test_body_part_reader_payload_streams_decoded_content() -> None:
    body = raw_multipart(
        "xyz",
        [
            (
                [
                    'Content-Disposition: form-data; name="f"; filename="a.txt"',
                    "Content-Transfer-Encoding: base64",
                ],
                base64.b64encode(b"decoded!"),
            )
        ],
    )
    part = await first_part(body)
    payload = get_payload(part)
    assert (
        payload.headers["Content-Disposition"]
        == 'attachment; name="f"; filename="a.txt"'
    )
    writer = MultipartWriter(boundary="re")
    writer.append_payload(payload)
    out = MemoryWriter()
    await writer.write(out)
    assert b"\r\n\r\ndecoded!\r\n--re--\r\n" in out.data
    assert payload.consumed
    with pytest.raises(RuntimeError, match="already streamed"):
        await payload.write(MemoryWriter())
    with pytest.raises(TypeError, match="Use write"):
        await payload.as_bytes()
    with pytest.raises(TypeError, match="Unable to decode"):
        payload.decode()


async def test_writer_output_round_trips() -> None:
    writer = MultipartWriter("mixed", boundary="rt")
    writer.append(b"\r\n--rt lookalike\r\n")
    writer.append(BytesPayload(b"x" * 20000))
    body = MemoryWriter()
    await writer.write(body)
    parts = await collect(reader_for(body.data, writer.content_type, splits=(333,)))
    assert [p[1] for p in parts] == [b"\r\n--rt lookalike\r\n", b"x" * 20000]


async def test_read_returns_a_new_bytearray_as_in_aiohttp() -> None:
    """aiohttp documents ``bytearray``: callers may extend the result in place."""
    reader = reader_for(SIMPLE, CT)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    data = await part.read()
    assert type(data) is bytearray
    data.extend(b"!")
    assert data == b"first\r\nline!"
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert type(await part.read(decode=True)) is bytearray
    ended = await part.read()  # at its end: b"", as aiohttp returns
    assert ended == b""
    assert type(ended) is bytes
    assert type(await part.read(decode=True)) is bytes
    assert await part.next() is None


class _GatedReader:
    """A source that serves its pieces one at a time, each once released."""

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces = list(pieces)
        self.gate = asyncio.Event()

    async def read(self, n: int = -1) -> bytes:
        if not self._pieces:
            return b""
        await self.gate.wait()
        self.gate.clear()
        return self._pieces.pop(0)

    async def readline(self) -> bytes:  # (the reader never calls it)
        return await self.read()


async def test_a_slowly_streamed_part_is_read_as_it_arrives() -> None:
    # As in aiohttp: read_chunk() returns what has arrived (once it cannot be
    # the start of the delimiter) instead of waiting for `size` bytes.
    head = b"--xyz\r\nX: 1\r\n\r\n"
    source = _GatedReader(
        [head + b"progress 0\n", b"progress 1\n", b"done\r\n--xyz--\r\n"]
    )
    reader = MultipartReader({"Content-Type": CT}, source)
    source.gate.set()
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    got = []
    while not part.at_eof():
        reading = asyncio.ensure_future(part.read_chunk(8192))
        await asyncio.sleep(0.01)
        if not reading.done():
            source.gate.set()  # the next piece arrives only now
        got.append(await reading)
    assert b"".join(got) == b"progress 0\nprogress 1\ndone"
    assert len([chunk for chunk in got if chunk]) >= 3  # one per piece at least


async def test_base64_chunks_decode_on_their_own_however_lines_break() -> None:
    # Fewer than four base64 characters in a read: read on rather than hand
    # out a fragment decode() cannot take.
    body = b"--:\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    body += b"VG\r\r\nltZSB0byBSZ\r\nWxheCE=\r\n--:--\r\n"
    for size in range(1, 12):
        for split in (1, 3, 7, 1000):
            reader = reader_for(body, "multipart/mixed; boundary=:", splits=(split,))
            part = await reader.next()
            assert isinstance(part, BodyPartReader)
            out = b""
            while not part.at_eof():
                out += part.decode(await part.read_chunk(size))
            assert out == b"Time to Relax!", (size, split)
