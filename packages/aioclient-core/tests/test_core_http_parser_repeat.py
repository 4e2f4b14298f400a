"""A head that repeats byte for byte is recognised, and gives the same result.

The parser remembers the last few heads it parsed in one go (keep-alive answers
repeat exactly until their ``Date`` changes). Each test first parses a head so
that it is remembered, then checks that what depends on the request or on the
parser's limits is decided again: the body rules of the method and of
``read_until_eof``, the field-count limit and the trailer budget.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_core_http_parser import ParserFactory, run

from aioclient_core._http import (
    RESPONSE_PARSERS,
    BadHttpMessage,
    HttpProcessingError,
    MessageEnd,
    RawResponseMessage,
    _parser,
)


@pytest.fixture(params=RESPONSE_PARSERS, ids=lambda f: getattr(f, "__name__", "impl"))
def impl(request: pytest.FixtureRequest) -> ParserFactory:
    factory: ParserFactory = request.param
    return factory


def _remember(factory: ParserFactory, data: bytes) -> None:
    out = run(factory, [data], eof=False)
    assert out.error is None


def test_repeated_head_gives_equal_events(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"
    first = run(impl, [data], eof=False)
    again = run(impl, [data], eof=False)
    assert again.events == first.events == [first.heads[0], b"hello", first.end]
    assert again.reusable
    # The body framing is applied afresh: here the body comes in a later read.
    split = run(impl, [data[:-3], data[-3:]], eof=False)
    assert split.events == first.events


def test_repeated_head_answers_head_request_without_body(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    _remember(impl, data + b"hello")
    out = run(impl, [data], method="HEAD", eof=False)
    assert [type(e) for e in out.events] == [RawResponseMessage, MessageEnd]
    assert out.reusable


def test_repeated_head_follows_read_until_eof(impl: ParserFactory) -> None:
    data = b"HTTP/1.1 200 OK\r\nX-No-Length: 1\r\n\r\n"
    empty = run(impl, [data], read_until_eof=False, eof=False)
    assert [type(e) for e in empty.events] == [RawResponseMessage, MessageEnd]
    # The same bytes with read_until_eof: the body runs until the close.
    out = run(impl, [data, b"tail"], read_until_eof=True, eof=True)
    assert out.body == b"tail"
    assert out.heads[0].should_close


def test_repeated_head_is_checked_against_a_smaller_field_limit(
    impl: ParserFactory,
) -> None:
    data = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n"
    _remember(impl, data)
    fresh = run(impl, [data[:20], data[20:]], eof=False, limits={"max_headers": 2})
    again = run(impl, [data], eof=False, limits={"max_headers": 2})
    assert isinstance(fresh.error, HttpProcessingError)
    assert type(again.error) is type(fresh.error)


def test_repeated_chunked_head_keeps_the_trailer_budget(impl: ParserFactory) -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
    body = b"3\r\nabc\r\n0\r\nT-1: x\r\nT-2: y\r\n\r\n"
    _remember(impl, head + body)
    # Two header fields and a limit of three leave room for one trailer field.
    out = run(impl, [head + body], eof=False, limits={"max_headers": 3})
    assert isinstance(out.error, BadHttpMessage)
    assert out.body == b"abc"


def test_alternating_heads_are_each_recognised(impl: ParserFactory) -> None:
    moved = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"
    done = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    first = [run(impl, [data], eof=False).heads[0] for data in (moved, done)]
    again = [run(impl, [data], eof=False).heads[0] for data in (moved, done)]
    # The very same (immutable) message: neither head was parsed again.
    assert again[0] is first[0]
    assert again[1] is first[1]
    assert again[0].code == 302
    assert again[1].code == 200


def test_the_memory_of_heads_is_bounded(impl: ParserFactory) -> None:
    _parser._recent_heads.clear()
    heads = [
        b"HTTP/1.1 200 OK\r\nX-N: %d\r\nContent-Length: 0\r\n\r\n" % n
        for n in range(100)
    ]
    for data in heads:
        _remember(impl, data)
    assert len(_parser._recent_heads) == 32
    # The oldest went first; the newest are still there (the key is the head
    # without its final empty line, the method and read_until_eof).
    assert _parser._recent_heads.get((heads[0][:-4], "GET", True)) is None
    assert _parser._recent_heads.get((heads[-1][:-4], "GET", True)) is not None


def test_a_long_head_is_not_remembered(impl: ParserFactory) -> None:
    _parser._recent_heads.clear()
    data = b"HTTP/1.1 200 OK\r\nX-Big: %s\r\nContent-Length: 0\r\n\r\n" % (b"v" * 5000)
    assert run(impl, [data], eof=False).error is None
    assert len(_parser._recent_heads) == 0


_NAMES = st.sampled_from(["X-A", "x-b", "Server", "Date", "Connection", "Vary"])
_VALUES = st.sampled_from(["", "v", " padded\t", "a, b", "close", "keep-alive", "\xe9"])


@st.composite
def _responses(draw: st.DrawFn) -> tuple[bytes, str, bool]:
    code = draw(st.sampled_from([200, 204, 304, 404, 500]))
    fields = draw(st.lists(st.tuples(_NAMES, _VALUES), max_size=6))
    framing = draw(st.sampled_from(["length", "chunked", "none"]))
    body = b"abc"
    lines = [f"{name}: {value}".encode() for name, value in fields]
    if framing == "length":
        lines.append(b"Content-Length: 3")
    elif framing == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        body = b"3\r\nabc\r\n0\r\n\r\n"
    head = b"HTTP/1.1 %d R\r\n" % code + b"".join(line + b"\r\n" for line in lines)
    method = draw(st.sampled_from(["GET", "HEAD"]))
    return head + b"\r\n" + body, method, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    response=_responses(),
    other_method=st.sampled_from(["GET", "HEAD"]),
    other_until_eof=st.booleans(),
)
def test_repeated_heads_parse_like_fresh_ones(
    response: tuple[bytes, str, bool], other_method: str, other_until_eof: bool
) -> None:
    data, method, until_eof = response
    for factory in RESPONSE_PARSERS:
        # A head remembered from another request must not decide this one.
        run(factory, [data], method=other_method, read_until_eof=other_until_eof)
        first = run(factory, [data], method=method, read_until_eof=until_eof)
        again = run(factory, [data], method=method, read_until_eof=until_eof)
        byte_by_byte = run(
            factory,
            [data[i : i + 1] for i in range(len(data))],
            method=method,
            read_until_eof=until_eof,
        )
        for other in (again, byte_by_byte):
            assert other.events == first.events
            assert type(other.error) is type(first.error)
            assert other.reusable == first.reusable
