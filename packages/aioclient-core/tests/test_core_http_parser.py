"""Response parser: acceptance, rejection, limits, framing, split invariance.

Every table case is run whole, one byte per feed and split at every offset,
against every parser implementation (security categories 2, 3, 5 and 17).
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_core._http import (
    RESPONSE_PARSERS,
    BadHttpMessage,
    BadStatusLine,
    ChunkEnd,
    ContentLengthError,
    Event,
    HttpProcessingError,
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    InterimResponse,
    InvalidHeader,
    LineTooLong,
    MessageEnd,
    RawResponseMessage,
    ResponseParserInterface,
    TransferEncodingError,
    Upgraded,
)

ParserFactory = Callable[..., ResponseParserInterface]


@pytest.fixture(params=RESPONSE_PARSERS, ids=lambda f: getattr(f, "__name__", "impl"))
def impl(request: pytest.FixtureRequest) -> ParserFactory:
    factory: ParserFactory = request.param
    return factory


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    error: HttpProcessingError | None = None
    reusable: bool = False

    @property
    def heads(self) -> list[RawResponseMessage]:
        return [e for e in self.events if isinstance(e, RawResponseMessage)]

    @property
    def body(self) -> bytes:
        return b"".join(e for e in self.events if isinstance(e, bytes))

    @property
    def end(self) -> MessageEnd:
        ends = [e for e in self.events if isinstance(e, MessageEnd)]
        assert len(ends) == 1
        return ends[0]


def normalize(events: Iterable[Event]) -> list[Event]:
    """Merge adjacent body pieces: splitting may cut data differently."""
    out: list[Event] = []
    for event in events:
        if isinstance(event, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += event
        elif isinstance(event, Upgraded) and out and isinstance(out[-1], Upgraded):
            out[-1] = Upgraded(out[-1].data + event.data)
        elif isinstance(event, bytes) and not event:
            continue
        else:
            out.append(event)
    return out


def run(
    factory: ParserFactory,
    chunks: Sequence[bytes],
    *,
    method: str = "GET",
    read_until_eof: bool = True,
    eof: bool = True,
    limits: dict[str, int] | None = None,
) -> Outcome:
    parser = factory(**(limits or {}))
    parser.expect_response(method, read_until_eof=read_until_eof)
    outcome = Outcome()
    try:
        for chunk in chunks:
            outcome.events += parser.feed_data(chunk)
        if eof:
            outcome.events += parser.feed_eof()
    except HttpProcessingError as exc:
        outcome.events += parser.events_before_error
        outcome.error = exc
        # Sticky: the parser keeps failing with the same error.
        with pytest.raises(type(exc)):
            parser.feed_data(b"HTTP/1.1 200 OK\r\n\r\n")
        with pytest.raises(type(exc)):
            parser.feed_eof()
        assert not parser.reusable
    outcome.events = normalize(outcome.events)
    outcome.reusable = parser.reusable
    return outcome


def splits(data: bytes) -> Iterable[list[bytes]]:
    """Whole, one byte per feed, and every two-way split."""
    yield [data]
    yield [data[i : i + 1] for i in range(len(data))]
    for i in range(1, len(data)):
        yield [data[:i], data[i:]]


def run_all_splits(
    factory: ParserFactory,
    data: bytes,
    *,
    method: str = "GET",
    eof: bool = True,
    limits: dict[str, int] | None = None,
) -> Outcome:
    """Run every split; assert they agree; return the whole-input outcome."""
    reference = run(factory, [data], method=method, eof=eof, limits=limits)
    for chunks in splits(data):
        other = run(factory, chunks, method=method, eof=eof, limits=limits)
        assert other.events == reference.events, chunks
        assert type(other.error) is type(reference.error), (chunks, other.error)
        assert other.reusable == reference.reusable
    return reference


# ----------------------------------------------------------------- acceptance


def test_simple_content_length_response(impl: ParserFactory) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 5\r\nX-Multi: a\r\nx-multi: b\r\n\r\nhello"
    )
    out = run_all_splits(impl, data, eof=False)
    assert out.error is None
    (head,) = out.heads
    assert head.version == HttpVersion11
    assert head.code == 200
    assert head.reason == "OK"
    assert head.headers["content-type"] == "text/plain"
    assert head.headers.getall("X-MULTI") == ["a", "b"]
    assert head.raw_headers[0] == (b"Content-Type", b"text/plain")
    assert not head.should_close
    assert not head.chunked
    assert head.compression is None
    assert out.body == b"hello"
    assert not out.end.should_close
    assert out.reusable


def test_field_values_lose_surrounding_whitespace_only(impl: ParserFactory) -> None:
    # The whole-head path splits and decodes all fields at once; every split
    # of the input goes through the line-by-line path: both must agree.
    data = (
        b"HTTP/1.1 200 \xc3\xa9t\xc3\xa9\r\nA: \t one  two \t\r\nB:\r\nC:   \r\n"
        b"D:\xc3\xa9 \xff\r\nContent-Length: 0\r\nE: last\t \r\n\r\n"
    )
    out = run_all_splits(impl, data, eof=False)
    assert out.error is None
    (head,) = out.heads
    assert head.reason == "\u00e9t\u00e9"
    assert list(head.headers.items()) == [
        ("A", "one  two"),
        ("B", ""),
        ("C", ""),
        ("D", "\u00e9 \udcff"),
        ("Content-Length", "0"),
        ("E", "last"),
    ]
    assert head.raw_headers[0] == (b"A", b"one  two")
    assert head.raw_headers[3] == (b"D", b"\xc3\xa9 \xff")


def test_chunked_with_extensions_and_trailers(impl: ParserFactory) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        b'5;name=value;q="a \\"b\\""\r\nhello\r\n'
        b"00a\r\n0123456789\r\n"
        b"0\r\nX-Checksum: abc\r\nX-Other:  v \r\n\r\n"
    )
    out = run_all_splits(impl, data, eof=False)
    assert out.error is None
    assert out.heads[0].chunked
    assert out.events[1:] == [
        b"hello",
        ChunkEnd(),
        b"0123456789",
        ChunkEnd(),
        out.end,
    ]
    assert out.end.trailers["x-checksum"] == "abc"
    assert out.end.raw_trailers == ((b"X-Checksum", b"abc"), (b"X-Other", b"v"))
    assert out.reusable


def test_keep_alive_parses_next_response(impl: ParserFactory) -> None:
    parser = impl()
    for body in (b"one", b"second"):
        parser.expect_response("GET")
        events = parser.feed_data(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert normalize(events)[1] == body
        assert isinstance(events[-1], MessageEnd)
        assert parser.reusable


def test_reason_optional_and_non_utf8_preserved(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 404\r\nX-Bin: caf\xe9 \xff\x80\r\nContent-Length: 0\r\n\r\n"
    out = run_all_splits(impl, data, eof=False)
    head = out.heads[0]
    assert head.code == 404
    assert head.reason == ""
    value = head.headers["X-Bin"]
    assert value.encode("utf-8", "surrogateescape") == b"caf\xe9 \xff\x80"
    assert head.raw_headers[0][1] == b"caf\xe9 \xff\x80"


@pytest.mark.parametrize(
    ("status_line", "version", "code", "reason"),
    [
        (b"HTTP/1.1 200 OK", HttpVersion11, 200, "OK"),
        (b"HTTP/1.0 301 Moved  Permanently", HttpVersion10, 301, "Moved  Permanently"),
        (b"HTTP/1.1 599 ", HttpVersion11, 599, ""),
        (b"HTTP/1.1 999 Weird\tTab", HttpVersion11, 999, "Weird\tTab"),
        (b"HTTP/1.2 200 OK", HttpVersion(1, 2), 200, "OK"),
        (b"HTTP/1.1 200 caf\xc3\xa9", HttpVersion11, 200, "caf\u00e9"),
    ],
)
def test_status_line_accepted(
    impl: ParserFactory,
    status_line: bytes,
    version: HttpVersion,
    code: int,
    reason: str,
) -> None:
    out = run_all_splits(
        impl, status_line + b"\r\nContent-Length: 0\r\n\r\n", eof=False
    )
    head = out.heads[0]
    assert (head.version, head.code, head.reason) == (version, code, reason)


@pytest.mark.parametrize(
    ("headers", "should_close", "upgrade"),
    [
        (b"HTTP/1.1 200 OK\r\n", False, False),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\n", True, False),
        (b"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\n", True, False),
        (b"HTTP/1.1 200 OK\r\nConnection: x\r\nConnection: close\r\n", True, False),
        (b"HTTP/1.0 200 OK\r\n", True, False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", False, False),
        (b"HTTP/1.1 200 OK\r\nConnection: upgrade\r\n", False, True),
    ],
)
def test_persistence(
    impl: ParserFactory, headers: bytes, should_close: bool, upgrade: bool
) -> None:
    out = run_all_splits(impl, headers + b"Content-Length: 2\r\n\r\nok", eof=False)
    head = out.heads[0]
    assert head.should_close is should_close
    assert head.upgrade is upgrade
    assert out.end.should_close is should_close
    assert out.reusable is not should_close


@pytest.mark.parametrize(
    ("code", "method"),
    [(204, "GET"), (304, "GET"), (200, "HEAD"), (404, "HEAD")],
)
def test_no_body_responses(impl: ParserFactory, code: int, method: str) -> None:
    data = b"HTTP/1.1 %d X\r\nContent-Length: 10\r\n\r\n" % code
    out = run_all_splits(impl, data, method=method, eof=False)
    assert [type(e) for e in out.events] == [RawResponseMessage, MessageEnd]
    assert out.reusable


def test_head_request_with_body_bytes_is_not_reusable(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    out = run_all_splits(impl, data, method="HEAD", eof=False)
    assert out.body == b""
    assert not out.reusable


def test_bytes_after_complete_response_make_connection_unusable(
    impl: ParserFactory,
) -> None:
    parser = impl()
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
    before = parser.reusable
    assert parser.feed_data(b"HTTP/1.1 200 OK\r\n") == []
    assert before
    assert not parser.reusable
    with pytest.raises(RuntimeError, match="cannot carry another request"):
        parser.expect_response("GET")


@pytest.mark.parametrize(
    ("ending", "trailers", "reusable"),
    [
        (b"0\r\n\r\n", (), True),
        (b"0\r\n\r\nHTTP/1.1 200 OK\r\n", (), False),  # bytes nobody asked for
        (b"0\r\nX-T: 1\r\n\r\n", ((b"X-T", b"1"),), True),
        (b"0;ext=1\r\n\r\n", (), True),
        (b"000\r\n\r\n", (), True),
    ],
)
@pytest.mark.parametrize("before", [b"", b"2\r\nab\r\n"], ids=["bare", "after-data"])
def test_last_chunk_forms_end_the_body(
    impl: ParserFactory,
    ending: bytes,
    trailers: tuple[tuple[bytes, bytes], ...],
    reusable: bool,
    before: bytes,
) -> None:
    # The usual ending (last chunk, no trailers) is taken in one step when it
    # is whole in a read; every split and every other form must agree with it.
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + before + ending
    out = run_all_splits(impl, data, eof=False)
    assert out.error is None
    assert out.body == before[3:-2]
    assert out.end.raw_trailers == trailers
    assert out.reusable is reusable


@pytest.mark.parametrize(
    ("size_line", "data"),
    [
        (b"1", b"x"),
        (b"a", b"0123456789"),
        (b"A", b"0123456789"),
        (b"0000a", b"0123456789"),  # leading zeros
        (b"a;ext=1", b"0123456789"),  # an extension: read by the full path
        (b"a ", b"0123456789"),  # whitespace before the CRLF: the full path too
    ],
)
def test_one_chunk_body_reads_alike_whole_or_split(
    impl: ParserFactory, size_line: bytes, data: bytes
) -> None:
    # A body of one chunk whole in one read is taken in one step; every split
    # (read chunk by chunk) must give the same events.
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + size_line
        + b"\r\n"
        + data
        + b"\r\n0\r\n\r\n"
    )
    out = run_all_splits(impl, raw, eof=False)
    assert out.error is None
    assert out.body == data
    assert out.reusable


def test_one_chunk_body_over_the_line_limit_fails_alike(impl: ParserFactory) -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0000000000000001\r\nx\r\n0\r\n\r\n"
    )
    # 16 digits: a plain size line, but over a limit that the status line
    # (15 bytes) is within.
    out = run_all_splits(impl, raw, eof=False, limits={"max_line_size": 15})
    assert isinstance(out.error, LineTooLong)


def test_large_one_chunk_body_whole_is_bytes(impl: ParserFactory) -> None:
    data = bytes(range(256)) * 120  # 30720 bytes: over VIEW_MIN
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"%x\r\n" % len(data) + data + b"\r\n0\r\n\r\n"
    whole = run(impl, [head + body], eof=False)
    split = run(impl, [head, body], eof=False)  # the head first: the full path
    assert whole.events == split.events
    assert whole.body == data
    assert [type(e) for e in whole.events if isinstance(e, (bytes, memoryview))] == [
        bytes
    ]


def test_unsolicited_bytes_before_any_request(impl: ParserFactory) -> None:
    parser = impl()
    assert parser.reusable
    parser.feed_data(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
    assert not parser.reusable


def test_expect_response_while_in_progress(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("GET")
    with pytest.raises(RuntimeError):
        parser.expect_response("GET")


def test_interim_responses_are_reported_then_final(impl: ParserFactory) -> None:
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    )
    out = run_all_splits(impl, data, eof=False)
    interim = [e for e in out.events if isinstance(e, InterimResponse)]
    assert [e.head.code for e in interim] == [100, 103]
    assert interim[1].head.headers["Link"] == "</s.css>"
    assert out.heads[0].code == 200
    assert out.body == b"hi"
    assert out.reusable


def test_too_many_interim_responses(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 102 Processing\r\n\r\n" * 4
    out = run_all_splits(impl, data, limits={"max_interim_responses": 3})
    assert isinstance(out.error, BadHttpMessage)
    assert re.search("Too many interim", out.error.message)
    ok = run(impl, [data[: 27 * 3]], limits={"max_interim_responses": 3}, eof=False)
    assert ok.error is None


def test_upgrade_101_hands_over_remaining_bytes(impl: ParserFactory) -> None:
    data = (
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
        b"Upgrade: websocket\r\n\r\n\x81\x05hello"
    )
    parser = impl()
    parser.expect_response("GET")
    events = parser.feed_data(data)
    assert isinstance(events[0], RawResponseMessage)
    assert events[0].upgrade
    assert events[1] == Upgraded(b"\x81\x05hello")
    assert not parser.reusable
    assert parser.feed_data(b"more") == [Upgraded(b"more")]
    assert parser.feed_eof() == []
    with pytest.raises(RuntimeError, match="after feed_eof"):
        parser.feed_data(b"x")


def test_upgrade_split_keeps_leftover(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("GET")
    assert parser.feed_data(b"HTTP/1.1 101 Switching\r\n\r") == []
    events = parser.feed_data(b"\nrest")
    assert events[-1] == Upgraded(b"rest")


@pytest.mark.parametrize("code", [200, 299])
def test_connect_success_starts_tunnel(impl: ParserFactory, code: int) -> None:
    data = (
        b"HTTP/1.1 %d Connection established\r\nContent-Length: 99\r\n\r\n\x16\x03"
        % code
    )
    out = run_all_splits(impl, data, method="CONNECT", eof=False)
    assert out.events[-1] == Upgraded(b"\x16\x03")


def test_connect_failure_has_body(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 4\r\n\r\ndeny"
    out = run_all_splits(impl, data, method="CONNECT", eof=False)
    assert out.body == b"deny"
    assert out.reusable


def test_until_eof_body(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\n\r\nstreamed until close"
    out = run_all_splits(impl, data)
    assert out.heads[0].should_close
    assert out.body == b"streamed until close"
    assert out.end.should_close
    assert not out.reusable


def test_no_length_without_read_until_eof_is_empty(impl: ParserFactory) -> None:
    out = run(impl, [b"HTTP/1.1 200 OK\r\n\r\n"], read_until_eof=False, eof=False)
    assert [type(e) for e in out.events] == [RawResponseMessage, MessageEnd]


@pytest.mark.parametrize("size_line", [b"5 ", b"5\t", b"5 \t ", b"5;a=b ", b"5 ;a \t"])
def test_whitespace_ending_a_chunk_size_line_is_accepted(
    impl: ParserFactory, size_line: bytes
) -> None:
    # Outside RFC 9112's grammar but unambiguous; servers send it and aiohttp
    # reads it. Whitespace inside the size ("5 5") stays an error.
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + size_line
        + b"\r\nabcde\r\n0 \r\n\r\n"
    )
    out = run_all_splits(impl, data, eof=False)
    assert out.error is None
    assert out.body == b"abcde"
    assert out.reusable


@pytest.mark.parametrize(
    "te",
    [b"gzip", b"chunked, gzip", b"gzip;q=1"],
)
def test_non_chunked_final_coding_reads_until_close(
    impl: ParserFactory, te: bytes
) -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + te + b"\r\n\r\n5\r\nabcde\r\n"
    out = run_all_splits(impl, data)
    assert out.error is None
    assert not out.heads[0].chunked
    assert out.body == b"5\r\nabcde\r\n"
    assert not out.reusable


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"gzip", "gzip"),
        (b"GZIP", "gzip"),
        (b"deflate", "deflate"),
        (b"br", "br"),
        (b"zstd", "zstd"),
        (b"identity, gzip", "gzip"),
        (b"gzip, br", None),
        (b"gzip, gzip", None),
        (b"compress", None),
    ],
)
def test_compression_field(
    impl: ParserFactory, value: bytes, expected: str | None
) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: "
        + value
        + b"\r\nContent-Length: 0\r\n\r\n"
    )
    out = run(impl, [data], eof=False)
    assert out.heads[0].compression == expected


def test_identical_repeated_content_length_accepted(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc"
    out = run_all_splits(impl, data, eof=False)
    assert out.body == b"abc"


def test_header_at_exact_limits_accepted(impl: ParserFactory) -> None:
    name = b"X-" + b"n" * 8
    value = b"v" * (100 - len(name))
    headers = b"".join(b"%s%d: %s\r\n" % (name, i, value[:-1]) for i in range(5))
    data = b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n"
    out = run(
        impl,
        [data],
        limits={"max_field_size": 100, "max_headers": 5},
        read_until_eof=False,
    )
    assert out.error is None
    assert len(out.heads[0].headers) == 5


# ------------------------------------------------------------------ rejection

REJECTIONS: list[tuple[str, bytes, type[HttpProcessingError], str]] = [
    # status line (security category 2)
    ("http2", b"HTTP/2.0 200 OK\r\n\r\n", BadStatusLine, "Unsupported HTTP version"),
    (
        "http09",
        b"<html>hello</html>\r\n",
        BadStatusLine,
        "Invalid HTTP/1.x status line",
    ),
    ("lowercase", b"http/1.1 200 OK\r\n\r\n", BadStatusLine, "status line"),
    ("two-digit code", b"HTTP/1.1 20 OK\r\n\r\n", BadStatusLine, "Invalid HTTP/1.x"),
    ("four-digit code", b"HTTP/1.1 2000 OK\r\n\r\n", BadStatusLine, "Invalid"),
    ("code 099", b"HTTP/1.1 099 X\r\n\r\n", BadStatusLine, "Invalid"),
    ("non-ascii digit", "HTTP/1.1 2\u0663\u0660 X\r\n\r\n".encode(), BadStatusLine, ""),
    ("two spaces", b"HTTP/1.1  200 OK\r\n\r\n", BadStatusLine, "Invalid"),
    ("ctl in reason", b"HTTP/1.1 200 O\x00K\r\n\r\n", BadStatusLine, "Invalid"),
    ("bare cr in reason", b"HTTP/1.1 200 O\rK\r\n\r\n", BadStatusLine, "Invalid"),
    ("bare lf status", b"HTTP/1.1 200 OK\nX: y\r\n\r\n", BadStatusLine, "bare LF"),
    ("leading empty line", b"\r\nHTTP/1.1 200 OK\r\n\r\n", BadStatusLine, ""),
    ("version digits", b"HTTP/1.10 200 OK\r\n\r\n", BadStatusLine, ""),
    # field lines
    ("obs-fold", b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", InvalidHeader, "obs-fold"),
    ("ws first line", b"HTTP/1.1 200 OK\r\n\tA: b\r\n\r\n", InvalidHeader, "obs-fold"),
    (
        "ws before colon",
        b"HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
        InvalidHeader,
        "between field name and colon",
    ),
    ("no colon", b"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", InvalidHeader, "no colon"),
    ("empty name", b"HTTP/1.1 200 OK\r\n: b\r\n\r\n", InvalidHeader, "empty field"),
    ("bad name", b"HTTP/1.1 200 OK\r\nA(b: c\r\n\r\n", InvalidHeader, "field name"),
    (
        "utf8 name",
        "HTTP/1.1 200 OK\r\nN\u00e4me: c\r\n\r\n".encode(),
        InvalidHeader,
        "",
    ),
    ("nul value", b"HTTP/1.1 200 OK\r\nA: b\x00c\r\n\r\n", InvalidHeader, "control"),
    ("bare cr value", b"HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", InvalidHeader, "control"),
    (
        "bare lf value",
        b"HTTP/1.1 200 OK\r\nA: b\nC: d\r\n\r\n",
        InvalidHeader,
        "bare LF",
    ),
    ("bare lf end", b"HTTP/1.1 200 OK\r\nA: b\r\n\n", InvalidHeader, "bare LF"),
    ("lf only", b"HTTP/1.1 200 OK\nA: b\n\n", BadStatusLine, "bare LF"),
    ("cr cr lf", b"HTTP/1.1 200 OK\r\nA: b\r\r\n\r\n", InvalidHeader, "control"),
    ("lf cr", b"HTTP/1.1 200 OK\r\nA: b\n\r\n", InvalidHeader, "bare LF"),
    ("del value", b"HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", InvalidHeader, "control"),
    # framing (RFC 9112 §6.3)
    (
        "te and cl",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        BadHttpMessage,
        "both Transfer-Encoding and Content-Length",
    ),
    (
        "cl differs",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        BadHttpMessage,
        "Conflicting Content-Length",
    ),
    (
        "cl list",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n",
        BadHttpMessage,
        "Confl",
    ),
    (
        "cl plus",
        b"HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n",
        BadHttpMessage,
        "Invalid",
    ),
    (
        "cl minus",
        b"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n",
        BadHttpMessage,
        "Invalid",
    ),
    (
        "cl inner ws",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
        BadHttpMessage,
        "",
    ),
    ("cl hex", b"HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", BadHttpMessage, ""),
    (
        "cl empty",
        b"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
        BadHttpMessage,
        "Invalid",
    ),
    (
        "cl arabic digits",
        "HTTP/1.1 200 OK\r\nContent-Length: \u0663\r\n\r\n".encode(),
        BadHttpMessage,
        "Invalid",
    ),
    (
        "cl huge",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1" + b"0" * 30 + b"\r\n\r\n",
        BadHttpMessage,
        "too large",
    ),
    (
        "chunked twice",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
        BadHttpMessage,
        "more than once",
    ),
    (
        "te junk",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chun ked\r\n\r\n",
        BadHttpMessage,
        "Invalid",
    ),
    (
        "te empty",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n",
        BadHttpMessage,
        "Empty",
    ),
    (
        "chunked with a parameter",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n",
        BadHttpMessage,
        "chunked with parameters",
    ),
    (
        "last coding chunked with a parameter",
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked ; a="x"\r\n\r\n',
        BadHttpMessage,
        "chunked with parameters",
    ),
    (
        "te on 1.0",
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        BadHttpMessage,
        "HTTP/1.0",
    ),
    # chunked bodies
    (
        "chunk sign",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\n",
        TransferEncodingError,
        "chunk-size",
    ),
    (
        "chunk 0x",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n",
        TransferEncodingError,
        "",
    ),
    (
        "chunk space inside",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 5\r\n",
        TransferEncodingError,
        "Invalid chunk-size",
    ),
    (
        "chunk empty",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        TransferEncodingError,
        "",
    ),
    (
        "chunk overflow",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"f" * 17 + b"\r\n",
        TransferEncodingError,
        "too large",
    ),
    (
        "chunk 2**63",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n",
        TransferEncodingError,
        "too large",
    ),
    (
        "chunk bad ext",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\n",
        TransferEncodingError,
        "",
    ),
    (
        "chunk ctl ext",
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a="\x01"\r\n',
        TransferEncodingError,
        "",
    ),
    (
        "chunk lf only",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n",
        TransferEncodingError,
        "bare LF",
    ),
    (
        "chunk bare cr",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n",
        TransferEncodingError,
        "chunk-size",
    ),
    (
        "data too long",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
        TransferEncodingError,
        "not followed by CRLF",
    ),
    (
        "data cr only",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX",
        TransferEncodingError,
        "CRLF",
    ),
    (
        "data lf only",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
        TransferEncodingError,
        "CRLF",
    ),
    (
        "bad trailer",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\nBad Trailer\r\n\r\n",
        InvalidHeader,
        "",
    ),
    (
        "trailer bare lf",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\n\r\n",
        InvalidHeader,
        "bare LF",
    ),
    (
        "trailer fold",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n",
        InvalidHeader,
        "obs-fold",
    ),
    # truncation (security category 5)
    (
        "cl truncated",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        ContentLengthError,
        r"Not enough data to satisfy content length header. Received 3 of 10",
    ),
    (
        "chunk truncated",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        TransferEncodingError,
        "Not enough data to satisfy transfer length header",
    ),
    (
        "no last chunk",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
        TransferEncodingError,
        "cut off",
    ),
    (
        "trailers truncated",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n",
        TransferEncodingError,
        "",
    ),
    (
        "head truncated",
        b"HTTP/1.1 200 OK\r\nA: b\r\n",
        BadHttpMessage,
        "before the response head was complete",
    ),
    ("status truncated", b"HTTP/1.1 2", BadHttpMessage, "before the response head"),
    (
        "after interim",
        b"HTTP/1.1 100 Continue\r\n\r\n",
        BadHttpMessage,
        "before the response head",
    ),
]


@pytest.mark.parametrize(
    ("data", "exc_type", "pattern"),
    [pytest.param(d, e, p, id=i) for i, d, e, p in REJECTIONS],
)
def test_rejections(
    impl: ParserFactory, data: bytes, exc_type: type[HttpProcessingError], pattern: str
) -> None:
    out = run_all_splits(impl, data)
    assert type(out.error) is exc_type, out.error
    assert re.search(pattern, out.error.message), out.error.message
    # Messages quote bounded slices only (security category 17).
    assert len(out.error.message) < 400


def test_head_events_survive_body_error(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("GET")
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX"
    with pytest.raises(TransferEncodingError):
        parser.feed_data(data)
    assert isinstance(parser.events_before_error[0], RawResponseMessage)
    assert parser.events_before_error[1:] == [b"ok"]


def test_error_str_format(impl: ParserFactory) -> None:
    out = run(impl, [b"HTTP/1.1 200 OK\r\nA : b\r\n\r\n"])
    assert out.error is not None
    assert str(out.error).startswith("400, message:\n  Invalid HTTP header: b'A : b'")


# --------------------------------------------------------------------- limits

LIMITS: list[tuple[str, bytes, dict[str, int], type[HttpProcessingError], str]] = [
    (
        # Not a status line at all: refused as such before its length counts,
        # so every split gives the same error (found by fuzzing).
        "junk over the status line limit",
        b"XTTP/1.1 200 OK\r\n\r\n",
        {"max_line_size": 4},
        BadStatusLine,
        "Invalid HTTP/1.x status line",
    ),
    (
        "junk after the status line limit",
        b"HTTP\x00/1.1 200 OK\r\n\r\n",
        {"max_line_size": 1},
        LineTooLong,
        "status line",
    ),
    (
        "status line",
        b"HTTP/1.1 200 " + b"R" * 100 + b"\r\n\r\n",
        {"max_line_size": 50},
        LineTooLong,
        "Got more than 50 bytes",
    ),
    (
        "status line without end",
        b"HTTP/1.1 200 " + b"R" * 100,
        {"max_line_size": 50},
        LineTooLong,
        "status line",
    ),
    (
        "field line",
        b"HTTP/1.1 200 OK\r\nX: " + b"v" * 200 + b"\r\n\r\n",
        {"max_field_size": 100},
        LineTooLong,
        "Got more than",
    ),
    (
        "field line without end",
        b"HTTP/1.1 200 OK\r\nX: " + b"v" * 200,
        {"max_field_size": 100},
        LineTooLong,
        "header line",
    ),
    (
        "name plus value",
        b"HTTP/1.1 200 OK\r\nXX:" + b" " * 20 + b"v" * 99 + b"\r\n\r\n",
        {"max_field_size": 100},
        LineTooLong,
        r"\(101\)",
    ),
    (
        "too many headers",
        b"HTTP/1.1 200 OK\r\n"
        + b"".join(b"H%d: v\r\n" % i for i in range(6))
        + b"\r\n",
        {"max_headers": 5},
        BadHttpMessage,
        "Too many header fields",
    ),
    (
        "headers plus trailers",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\nB: 2\r\n\r\n"
        b"0\r\nT1: x\r\nT2: y\r\n\r\n",
        {"max_headers": 4},
        BadHttpMessage,
        "Too many header fields: more than 1",
    ),
    (
        "chunk-size line",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;"
        + b"e" * 100
        + b"\r\n",
        {"max_line_size": 50},
        LineTooLong,
        "chunk-size line",
    ),
    (
        "chunk-size leading zeros",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"0" * 100,
        {"max_line_size": 50},
        LineTooLong,
        "chunk-size line",
    ),
    (
        "bare lf after long line",
        b"HTTP/1.1 200 OK\r\nX: " + b"v" * 200 + b"\n",
        {"max_field_size": 100},
        LineTooLong,
        "header line",
    ),
    (
        "trailer line",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " + b"t" * 200,
        {"max_field_size": 100},
        LineTooLong,
        "header line",
    ),
]


@pytest.mark.parametrize(
    ("data", "limits", "exc_type", "pattern"),
    [pytest.param(d, lim, e, p, id=i) for i, d, lim, e, p in LIMITS],
)
def test_limits_enforced_on_accumulated_bytes(
    impl: ParserFactory,
    data: bytes,
    limits: dict[str, int],
    exc_type: type[HttpProcessingError],
    pattern: str,
) -> None:
    out = run_all_splits(impl, data, limits=limits)
    assert type(out.error) is exc_type
    assert re.search(pattern, out.error.message), out.error.message


@pytest.mark.parametrize(
    ("data", "limits", "shown"),
    [
        # The status line is named by itself, not with the fields after it.
        (
            b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=SECRET\r\n\r\n",
            {"max_line_size": 12},
            "HTTP/1.1 200 OK",
        ),
        # A field line by its name only: its value may be a secret.
        (
            b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=" + b"S" * 200 + b"\r\n\r\n",
            {"max_field_size": 100},
            "Set-Cookie",
        ),
        (
            b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=" + b"S" * 200,
            {"max_field_size": 100},
            "Set-Cookie",
        ),
    ],
)
def test_a_line_too_long_is_named_without_what_follows(
    impl: ParserFactory, data: bytes, limits: dict[str, int], shown: str
) -> None:
    out = run_all_splits(impl, data, limits=limits)
    assert type(out.error) is LineTooLong
    message = out.error.message
    assert shown in message
    assert "SECRET" not in message
    assert "sid=" not in message


def test_default_limits_are_aiohttps(impl: ParserFactory) -> None:
    ok_value = b"v" * (8190 - 1)
    out = run(
        impl, [b"HTTP/1.1 200 OK\r\nX: " + ok_value + b"\r\n\r\n"], read_until_eof=False
    )
    assert out.error is None
    big = run(impl, [b"HTTP/1.1 200 OK\r\nX: " + ok_value + b"vv\r\n\r\n"])
    assert isinstance(big.error, LineTooLong)
    many = b"".join(b"H%d: v\r\n" % i for i in range(129))
    out = run(impl, [b"HTTP/1.1 200 OK\r\n" + many + b"\r\n"])
    assert isinstance(out.error, BadHttpMessage)
    assert "more than 128" in out.error.message
    line = b"HTTP/1.1 200 " + b"r" * 8200 + b"\r\n"
    assert isinstance(run(impl, [line]).error, LineTooLong)


def test_dribbled_endless_header_fails_early(impl: ParserFactory) -> None:
    parser = impl(max_field_size=64)
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 200 OK\r\nX: ")
    fed = 0
    with pytest.raises(LineTooLong, match="Got more than 64 bytes"):  # noqa: PT012
        while fed < 200:
            parser.feed_data(b"a")
            fed += 1
    assert fed == 64 + 32 - 3  # raw line limit: max_field_size + colon/OWS slack


@pytest.mark.parametrize(
    "kwargs",
    [{"max_line_size": 0}, {"max_headers": -1}, {"max_field_size": 0}],
)
def test_invalid_limits(impl: ParserFactory, kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be a positive integer"):
        impl(**kwargs)


def test_many_tiny_chunks_stream_in_order(impl: ParserFactory) -> None:
    body = b"".join(b"1\r\n%c\r\n" % (65 + i % 26) for i in range(5000))
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n"
    )
    out = run(impl, [data], eof=False)
    assert out.body == bytes(65 + i % 26 for i in range(5000))
    assert sum(isinstance(e, ChunkEnd) for e in out.events) == 5000


def test_large_content_length_body_is_not_buffered(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("GET")
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n")
    piece = b"x" * 1_000_000
    for _ in range(2):
        # The body is handed out as it arrives, never accumulated or copied.
        assert parser.feed_data(piece) == [piece]
    last = parser.feed_data(piece)
    assert last[0] is piece
    assert isinstance(last[-1], MessageEnd)


# ------------------------------------------------------------ split property

VALID_MESSAGES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1",
    b"HTTP/1.1 100 Continue\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nX: \xff\xfe\r\n\r\nbody until close",
    b"HTTP/1.1 101 Switching\r\nUpgrade: ws\r\nConnection: upgrade\r\n\r\nframes",
]
INVALID_MESSAGES = [data for _, data, _, _ in REJECTIONS] + [
    data for _, data, _, _, _ in LIMITS
]


@settings(max_examples=200, deadline=None)
@given(
    data=st.sampled_from(VALID_MESSAGES + INVALID_MESSAGES),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_split_invariance_property(data: bytes, cuts: list[int]) -> None:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    chunks = [
        data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)
    ]
    limits = {"max_line_size": 50, "max_field_size": 100, "max_headers": 5}
    for factory in RESPONSE_PARSERS:
        whole = run(factory, [data], limits=limits)
        split = run(factory, chunks, limits=limits)
        assert split.events == whole.events
        assert type(split.error) is type(whole.error)
        assert split.reusable == whole.reusable


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=300))
def test_arbitrary_bytes_never_crash(data: bytes, cut: int) -> None:
    for factory in RESPONSE_PARSERS:
        whole = run(factory, [b"HTTP/1.1 200 OK\r\n" + data])
        split = run(factory, [b"HTTP/1.1 200 OK\r\n" + data[:cut], data[cut:]])
        assert type(split.error) is type(whole.error)
        assert split.events == whole.events


def test_eof_before_any_byte_is_not_a_parse_error(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("GET")
    assert parser.feed_data(b"") == []
    # The connection closed before the server answered: no event, no error;
    # the caller reports a disconnect.
    assert parser.feed_eof() == []
    assert not parser.reusable
    with pytest.raises(RuntimeError, match="after feed_eof"):
        parser.feed_data(b"HTTP/1.1 200 OK\r\n")


def test_no_body_status_ignores_transfer_encoding(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"
    out = run_all_splits(impl, data, eof=False)
    assert [type(e) for e in out.events] == [RawResponseMessage, MessageEnd]
    assert not out.heads[0].chunked
    assert out.reusable


def test_zero_content_length_ends_immediately(impl: ParserFactory) -> None:
    parser = impl()
    parser.expect_response("POST")
    events = parser.feed_data(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
    assert [type(e) for e in events] == [RawResponseMessage, MessageEnd]
    assert parser.reusable


@pytest.mark.parametrize(
    ("size_line", "limits"),
    [
        (b"00000000000000000003", {}),  # 20 digits with leading zeros: accepted
        # A plain line over the line limit (the status line just fits).
        (b"0000000000000003", {"max_line_size": 15}),
        (b"8000000000000000", {}),  # 2**63: over the chunk-size limit
        (b"Ab", {}),  # mixed-case hex
    ],
)
@pytest.mark.parametrize("before", [b"", b"2\r\nab\r\n"], ids=["first", "after-data"])
def test_plain_chunk_size_lines_follow_the_general_rules(
    impl: ParserFactory, size_line: bytes, limits: dict[str, int], before: bytes
) -> None:
    # A whole read takes a shortcut for plain size lines (one for the first
    # line, one for a line right after chunk data and its CRLF), a
    # byte-per-read feed the line search: all must accept and refuse the same.
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + before
        + size_line
        + b"\r\n"
        + b"x" * min(int(size_line, 16), 171)
        + b"\r\n0\r\n\r\n"
    )
    out = run_all_splits(impl, data, eof=False, limits=limits)
    if size_line == b"8000000000000000":
        assert isinstance(out.error, TransferEncodingError)
    elif limits:
        assert isinstance(out.error, LineTooLong)
        assert "chunk-size line" in str(out.error)
    else:
        assert out.error is None
        assert out.body == before[3:-2] + b"x" * int(size_line, 16)


@pytest.mark.parametrize("end", [b"\r\n", b"\n", b"\r"])
def test_an_invalid_status_line_is_quoted_up_to_its_end(
    impl: ParserFactory, end: bytes
) -> None:
    parser = impl()
    parser.expect_response("GET")
    with pytest.raises(BadStatusLine) as info:
        parser.feed_data(b"FOO BAR" + end + b"Set-Cookie: s=secret\r\n\r\n")
    assert "b'FOO BAR'" in str(info.value)
    assert "secret" not in str(info.value)
