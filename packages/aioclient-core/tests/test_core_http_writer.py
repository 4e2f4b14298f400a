"""Request serialization: injection refusal, target forms, Host, chunked framing."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict
from yarl import URL

from aioclient_core._http import (
    LAST_CHUNK,
    ChunkEnd,
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    MessageEnd,
    ResponseParser,
    connection_header,
    encode_chunk,
    host_header,
    request_target,
    serialize_request_head,
)

INJECTION = re.escape(
    "Forbidden control character detected in headers. "
    "Potential header injection attack."
)


def test_serialize_basic_head() -> None:
    headers = CIMultiDict([("Host", "example.com"), ("Accept", "*/*"), ("X-A", "1")])
    headers.add("X-A", "caf\u00e9\tx")
    head = serialize_request_head("GET", "/p?q=1", HttpVersion11, headers)
    assert head == (
        b"GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n"
        b"X-A: 1\r\nX-A: caf\xc3\xa9\tx\r\n\r\n"
    )


def test_serialize_pairs_and_empty_headers() -> None:
    assert serialize_request_head("OPTIONS", "*", HttpVersion10, []) == (
        b"OPTIONS * HTTP/1.0\r\n\r\n"
    )
    assert serialize_request_head("GET", "/", HttpVersion11, [("A", "")]) == (
        b"GET / HTTP/1.1\r\nA: \r\n\r\n"
    )


def test_surrogateescape_values_round_trip() -> None:
    value = b"\xff\xfe".decode("utf-8", "surrogateescape")
    head = serialize_request_head("GET", "/", HttpVersion11, {"X": value})
    assert b"X: \xff\xfe\r\n" in head


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        ("GET", "/", {"X": "a\r\nInjected: 1"}),
        ("GET", "/", {"X": "a\nb"}),
        ("GET", "/", {"X": "a\rb"}),
        ("GET", "/", {"X": "a\x00b"}),
        ("GET", "/", {"X": "a\x7fb"}),
        ("GET", "/", {"X": "a\x1bb"}),
        ("GET", "/", {"X\r\nY": "v"}),
        ("GET", "/", {"X\x00": "v"}),
        ("GET /x HTTP/1.1\r\nHost: evil\r\n\r\nGET", "/", {}),
        ("GET", "/\r\nX: y", {}),
        ("GET", "/a\nb", {}),
    ],
)
def test_control_characters_refused(
    method: str, target: str, headers: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match=INJECTION):
        serialize_request_head(method, target, HttpVersion11, headers)


@pytest.mark.parametrize(
    ("method", "target", "version", "headers", "pattern"),
    [
        ("GE T", "/", HttpVersion11, {}, "Method must be a token"),
        ("G(ET", "/", HttpVersion11, {}, "Method must be a token"),
        ("", "/", HttpVersion11, {}, "Method must be a token"),
        ("G\u00c9T", "/", HttpVersion11, {}, "Method must be a token"),
        ("GET", "/a b", HttpVersion11, {}, "visible ASCII"),
        ("GET", "/caf\u00e9", HttpVersion11, {}, "visible ASCII"),
        ("GET", "", HttpVersion11, {}, "visible ASCII"),
        ("GET", "/", HttpVersion(1, 10), {}, "two single digits"),
        ("GET", "/", HttpVersion(-1, 1), {}, "two single digits"),
        ("GET", "/", HttpVersion11, {"Bad Name": "v"}, "Header name must be a token"),
        ("GET", "/", HttpVersion11, {"X:Y": "v"}, "Header name must be a token"),
        ("GET", "/", HttpVersion11, {"": "v"}, "Header name must be a token"),
        ("GET", "/", HttpVersion11, {"N\u00e4me": "v"}, "Header name must be a token"),
        (
            "POST",
            "/",
            HttpVersion11,
            {"Content-Length": "3", "Transfer-Encoding": "chunked"},
            "cannot be sent together",
        ),
        ("POST", "/", HttpVersion11, {"Content-Length": "-3"}, "decimal digits"),
        ("POST", "/", HttpVersion11, {"Content-Length": "\u0663"}, "decimal digits"),
        (
            "POST",
            "/",
            HttpVersion11,
            [("Content-Length", "3"), ("content-length", "3")],
            "More than one",
        ),
        (
            "POST",
            "/",
            HttpVersion11,
            {"Transfer-Encoding": "chunked, gzip"},
            "final transfer coding",
        ),
    ],
)
def test_invalid_request_heads(
    method: str,
    target: str,
    version: HttpVersion,
    headers: dict[str, str] | list[tuple[str, str]],
    pattern: str,
) -> None:
    with pytest.raises(ValueError, match=pattern):
        serialize_request_head(method, target, version, headers)


FORBIDDEN_BYTES = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=20),
    value=st.text(max_size=40),
    method=st.sampled_from(["GET", "POST", "M\r\nX", "PATCH"]),
)
def test_serialization_never_emits_forbidden_bytes(
    name: str, value: str, method: str
) -> None:
    try:
        head = serialize_request_head(method, "/", HttpVersion11, [(name, value)])
    except ValueError:
        return
    lines = head.split(b"\r\n")
    # Exactly request line, one header line, and the empty end: nothing smuggled.
    assert len(lines) == 4
    assert lines[2:] == [b"", b""]
    for line in lines:
        assert FORBIDDEN_BYTES.search(line) is None
    assert lines[1].startswith(name.encode("ascii") + b": ")


@pytest.mark.parametrize(
    ("host", "port", "scheme", "expected"),
    [
        ("example.com", 80, "http", "example.com"),
        ("example.com", None, "http", "example.com"),
        ("example.com", 443, "https", "example.com"),
        ("example.com", 443, "wss", "example.com"),
        ("example.com", 80, "ws", "example.com"),
        ("example.com", 8080, "http", "example.com:8080"),
        ("example.com", 80, "https", "example.com:80"),
        ("::1", 80, "http", "[::1]"),
        ("::1", 8443, "https", "[::1]:8443"),
        ("[::1]", 81, "http", "[::1]:81"),
        ("xn--caf-dma.example", 443, "HTTPS", "xn--caf-dma.example"),
        ("example.com.", 80, "http", "example.com"),
        ("example.com..", 8080, "http", "example.com:8080"),
    ],
)
def test_host_header(host: str, port: int | None, scheme: str, expected: str) -> None:
    assert host_header(host, port, scheme) == expected


@pytest.mark.parametrize(
    ("url", "method", "proxied", "expected"),
    [
        ("http://h/p/a%20b?x=1#frag", "GET", False, "/p/a%20b?x=1"),
        ("http://h", "GET", False, "/"),
        ("http://u:pw@h:8080/p?q#f", "GET", True, "http://h:8080/p?q"),
        ("https://h/p", "CONNECT", False, "h:443"),
        ("http://[::1]:8080/p", "connect", False, "[::1]:8080"),
    ],
)
def test_request_target_forms(
    url: str, method: str, proxied: bool, expected: str
) -> None:
    assert request_target(URL(url), method, proxied=proxied) == expected


def test_request_target_requires_host_for_proxy() -> None:
    with pytest.raises(ValueError, match="without a host"):
        request_target(URL("/relative"), "GET", proxied=True)


def test_chunk_framing() -> None:
    assert encode_chunk(b"hello") == b"5\r\nhello\r\n"
    assert encode_chunk(b"x" * 255) == b"ff\r\n" + b"x" * 255 + b"\r\n"
    assert encode_chunk(b"") == b""
    assert LAST_CHUNK == b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("version", "force_close", "expected"),
    [
        (HttpVersion11, True, "close"),
        (HttpVersion11, False, None),
        (HttpVersion10, False, "keep-alive"),
        (HttpVersion10, True, None),
    ],
)
def test_connection_header(
    version: HttpVersion, force_close: bool, expected: str | None
) -> None:
    assert connection_header(version, force_close=force_close) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=12))
def test_chunked_round_trip(pieces: list[bytes]) -> None:
    body = b"".join(encode_chunk(p) for p in pieces) + LAST_CHUNK
    parser = ResponseParser()
    parser.expect_response("GET")
    events = parser.feed_data(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    )
    data = b"".join(e for e in events if isinstance(e, bytes))
    assert data == b"".join(pieces)
    assert sum(isinstance(e, ChunkEnd) for e in events) == sum(1 for p in pieces if p)
    assert isinstance(events[-1], MessageEnd)
    assert parser.reusable


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("Host", "a"), ("X-N", 5)], "Header value of 'X-N' must be str, not int"),
        ([("Host", "a"), (b"X-B", "v")], "Header name must be str, not bytes"),
    ],
)
def test_a_name_or_value_that_is_not_a_string_is_named(
    pairs: list[tuple[object, object]], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        serialize_request_head("GET", "/", HttpVersion11, pairs)  # type: ignore[arg-type]
