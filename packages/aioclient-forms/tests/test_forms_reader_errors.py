"""Malformed and hostile multipart input: clear errors, bounded memory, no hangs."""

from __future__ import annotations

import gzip
import zlib

import pytest
from _forms_helpers import (
    ChunkedReader,
    EndlessReader,
    collect,
    raw_multipart,
    reader_for,
)

from aioclient_forms import BodyPartReader, MultipartHeaderError, MultipartReader

CT = "multipart/mixed; boundary=xyz"
SPLITS = [(1,), (3,), (1 << 20,)]


# -- Content-Type ------------------------------------------------------------------


def test_non_multipart_content_type_raises_assertion_error() -> None:
    with pytest.raises(AssertionError, match=r"multipart/\* content type expected"):
        MultipartReader({"Content-Type": "text/plain"}, ChunkedReader(b""))
    with pytest.raises(AssertionError, match=r"multipart/\* content type expected"):
        MultipartReader({}, ChunkedReader(b""))


def test_missing_boundary() -> None:
    with pytest.raises(
        ValueError, match="boundary missed for Content-Type: multipart/mixed"
    ):
        MultipartReader({"Content-Type": "multipart/mixed"}, ChunkedReader(b""))
    with pytest.raises(ValueError, match="boundary missed"):
        MultipartReader(
            {"Content-Type": 'multipart/mixed; boundary=""'}, ChunkedReader(b"")
        )


def test_boundary_too_long() -> None:
    ct = "multipart/mixed; boundary=" + "b" * 71
    with pytest.raises(ValueError, match=r"is too long \(70 chars max\)"):
        MultipartReader({"Content-Type": ct}, ChunkedReader(b""))


# -- framing -----------------------------------------------------------------------


@pytest.mark.parametrize("splits", SPLITS)
async def test_missing_start_boundary(splits: tuple[int]) -> None:
    reader = reader_for(b"no boundary here\r\n--xy\r\n", CT, splits=splits)
    with pytest.raises(ValueError, match="Could not find starting boundary b'--xyz'"):
        await reader.next()


async def test_empty_body() -> None:
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await reader_for(b"", CT).next()


async def test_huge_preamble_without_boundary_is_scanned_in_bounded_pieces() -> None:
    body = b"x" * 3_000_000  # one enormous line, then EOF
    content = ChunkedReader(body, (1 << 20,))
    reader = MultipartReader({"Content-Type": CT}, content)
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await reader.next()
    assert len(reader._content.buffer) <= 2**16


async def test_boundary_text_inside_a_long_preamble_line_is_no_delimiter() -> None:
    body = b"y" * 70000 + b"--xyz\r\n" + b"tail"
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await reader_for(body, CT).next()


@pytest.mark.parametrize("splits", SPLITS)
async def test_invalid_boundary_between_parts(splits: tuple[int]) -> None:
    body = b"--xyz\r\n\r\ndata\r\n--xyz-garbage\r\n\r\n--xyz--\r\n"
    reader = reader_for(body, CT, splits=splits)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    await part.read()
    with pytest.raises(
        ValueError, match=r"Invalid boundary b'--xyz-garbage', expected b'--xyz'"
    ):
        await reader.next()


@pytest.mark.parametrize("splits", SPLITS)
@pytest.mark.parametrize(
    "body",
    [
        b"--xyz\r\nX: 1\r\n\r\ntruncated part",
        b"--xyz\r\nX: 1\r\n\r\ntruncated part\r\n--xy",
        b"--xyz\r\nX: 1\r\n\r\n",
    ],
)
async def test_truncated_part_raises(body: bytes, splits: tuple[int]) -> None:
    reader = reader_for(body, CT, splits=splits)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="closing boundary not found"):
        await part.read()


async def test_truncated_readline_raises() -> None:
    part = await reader_for(b"--xyz\r\n\r\nline\r\nmore", CT, splits=(2,)).next()
    assert isinstance(part, BodyPartReader)
    assert await part.readline() == b"line\r\n"
    with pytest.raises(ValueError, match="closing boundary not found"):
        await part.readline()


@pytest.mark.parametrize(
    "body",
    [
        b"--xyz\r\nX: 1\r\n",
        b"--xyz\r\nX: 1",
        b"--xyz\r\n",
    ],
)
async def test_truncated_headers_raise(body: bytes) -> None:
    with pytest.raises(
        ValueError, match="Unexpected end of multipart body in part headers"
    ):
        await reader_for(body, CT, splits=(1,)).next()


async def test_truncated_after_a_part_raises() -> None:
    reader = reader_for(b"--xyz\r\n\r\ndata\r\n--xyz", CT)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    assert await part.read() == b"data"
    with pytest.raises(ValueError, match="Invalid boundary b'--xyz'"):
        await reader.next()


async def test_sized_part_truncated_or_not_followed_by_delimiter() -> None:
    truncated = reader_for(b"--xyz\r\nContent-Length: 100\r\n\r\nshort", CT)
    part = await truncated.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="closing boundary not found"):
        await part.read()
    mismatch = reader_for(
        b"--xyz\r\nContent-Length: 2\r\n\r\nlonger\r\n--xyz--\r\n", CT
    )
    part = await mismatch.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(
        ValueError, match="Reader did not read all the data or it is malformed"
    ):
        await part.read()


@pytest.mark.parametrize("length", ["+5", "-1", "5 5", "1_0", "٣", "0x5", "", "5.0"])
async def test_part_content_length_must_be_plain_digits(length: str) -> None:
    body = f"--xyz\r\nContent-Length: {length}\r\n\r\nhello\r\n--xyz--\r\n".encode()
    with pytest.raises(ValueError, match="invalid Content-Length"):
        await reader_for(body, CT).next()


# -- headers -------------------------------------------------------------------------


async def test_too_many_headers() -> None:
    headers = [f"X-{i}: v" for i in range(129)]
    body = raw_multipart("xyz", [(headers, b"")])
    with pytest.raises(MultipartHeaderError, match="Too many headers received"):
        await reader_for(body, CT).next()
    ok = raw_multipart("xyz", [(headers[:128], b"")])
    assert len((await collect(reader_for(ok, CT)))[0][0]) == 128


async def test_max_headers_is_configurable() -> None:
    body = raw_multipart("xyz", [(["A: 1", "B: 2", "C: 3"], b"")])
    with pytest.raises(MultipartHeaderError, match="Too many headers received"):
        await reader_for(body, CT, max_headers=2).next()


@pytest.mark.parametrize("splits", SPLITS)
async def test_header_line_too_long(splits: tuple[int]) -> None:
    body = raw_multipart("xyz", [(["X-Long: " + "a" * 9000], b"")])
    with pytest.raises(MultipartHeaderError, match="Part header line is too long"):
        await reader_for(body, CT, splits=splits).next()
    small = raw_multipart("xyz", [(["X: " + "a" * 20], b"")])
    with pytest.raises(MultipartHeaderError, match="more than 10 bytes"):
        await reader_for(small, CT, max_field_size=10).next()


async def test_endless_header_line_is_bounded() -> None:
    content = EndlessReader(b"a", prefix=b"--xyz\r\nX: ")
    reader = MultipartReader({"Content-Type": CT}, content)
    with pytest.raises(MultipartHeaderError, match="too long"):
        await reader.next()
    assert content.total < 100_000


@pytest.mark.parametrize(
    "line",
    [
        b"no colon",
        b": empty name",
        b"Bad Name: x",
        b" folded: x",
        b"X: bad\rvalue",
        b"X: nul\x00",
        b"X: esc\x1b",
    ],
)
async def test_malformed_header_lines(line: bytes) -> None:
    body = b"--xyz\r\n" + line + b"\r\n\r\n\r\n--xyz--\r\n"
    with pytest.raises(MultipartHeaderError, match="Invalid part header"):
        await reader_for(body, CT).next()


async def test_header_values_keep_tabs_and_utf8() -> None:
    body = raw_multipart("xyz", [(["X:\tval\tue ", "Y: é"], b"")])
    assert (await collect(reader_for(body, CT)))[0][0] == {"X": "val\tue", "Y": "é"}


# -- size and streaming limits -----------------------------------------------------


async def test_part_without_boundary_streams_in_bounded_chunks() -> None:
    content = EndlessReader(b"0123456789", prefix=b"--xyz\r\n\r\n")
    reader = MultipartReader({"Content-Type": CT}, content)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    total = 0
    while total < 5_000_000:
        chunk = await part.read_chunk(8192)
        assert 0 < len(chunk) <= 8192
        total += len(chunk)
        assert len(reader._content.buffer) < 8192 + 2**16 + 64
    assert not part.at_eof()


async def test_client_max_size_stops_an_endless_part() -> None:
    class TooBig(Exception):
        pass

    content = EndlessReader(b"z", prefix=b"--xyz\r\n\r\n")
    reader = MultipartReader(
        {"Content-Type": CT},
        content,
        client_max_size=100_000,
        max_size_error_cls=TooBig,
    )
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(TooBig) as info:
        await part.read()
    assert info.value.args == (100_000,)
    assert content.total < 300_000


async def test_endless_readline_is_bounded() -> None:
    content = EndlessReader(b"q", prefix=b"--xyz\r\n\r\n")
    part = await MultipartReader({"Content-Type": CT}, content).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="Line is too long"):
        await part.readline()
    assert content.total < 2**19


async def test_decompression_bomb_is_capped_by_client_max_size() -> None:
    bomb = gzip.compress(b"\x00" * 20_000_000)
    body = raw_multipart("xyz", [(["Content-Encoding: gzip"], bomb)])
    reader = reader_for(body, CT, client_max_size=1_000_000)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="1000000"):
        await part.read(decode=True)
    part2 = await reader_for(body, CT, client_max_size=1_000_000).next()
    assert isinstance(part2, BodyPartReader)
    raw = await part2.read()
    with pytest.raises(ValueError, match="1000000"):
        part2.decode(raw)


async def test_many_empty_gzip_members_are_refused() -> None:
    member = gzip.compress(b"")
    body = raw_multipart("xyz", [(["Content-Encoding: gzip"], member * 200)])
    part = await reader_for(body, CT).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="Too many empty gzip members"):
        await part.read(decode=True)


@pytest.mark.parametrize(
    ("headers", "content", "error", "message"),
    [
        (["Content-Encoding: gzip"], b"not gzip at all", ValueError, "Can not decode"),
        (
            ["Content-Encoding: gzip"],
            gzip.compress(b"x" * 1000)[:-12],
            ValueError,
            "Truncated",
        ),
        (
            ["Content-Encoding: deflate"],
            zlib.compress(b"abc"),
            ValueError,
            "Can not decode",
        ),
        (["Content-Encoding: br"], b"x", RuntimeError, "unknown content encoding: br"),
        (
            ["Content-Transfer-Encoding: uuencode"],
            b"x",
            RuntimeError,
            "unknown content transfer",
        ),
        (["Content-Transfer-Encoding: base64"], b"abc", ValueError, "Invalid base64"),
    ],
)
async def test_bad_encodings(
    headers: list[str], content: bytes, error: type[Exception], message: str
) -> None:
    body = raw_multipart("xyz", [(headers, content)])
    part = await reader_for(body, CT).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(error, match=message):
        await part.read(decode=True)


async def test_trailing_garbage_after_deflate_is_refused() -> None:
    c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    data = c.compress(b"abc") + c.flush() + b"junk"
    part = await reader_for(
        raw_multipart("xyz", [(["Content-Encoding: deflate"], data)]), CT
    ).next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="Trailing data"):
        await part.read(decode=True)


async def test_nesting_depth_is_capped() -> None:
    depth = 20
    body = b""
    for level in reversed(range(depth)):
        inner_ct = f"Content-Type: multipart/mixed; boundary=b{level + 1}"
        body = raw_multipart(f"b{level}", [([inner_ct], body)])
    reader = reader_for(body, "multipart/mixed; boundary=b0")

    async def descend() -> None:
        current: MultipartReader = reader
        for _ in range(depth):
            nested = await current.next()
            assert isinstance(nested, MultipartReader)
            current = nested

    with pytest.raises(ValueError, match="Multipart nesting is too deep"):
        await descend()


async def test_nested_reader_does_not_run_past_its_parent() -> None:
    body = raw_multipart(
        "out",
        [
            (["Content-Type: multipart/mixed; boundary=in"], b"no inner boundary"),
            ([], b"x"),
        ],
    )
    reader = reader_for(body, "multipart/mixed; boundary=out")
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    with pytest.raises(ValueError, match="Could not find starting boundary b'--in'"):
        await nested.next()
