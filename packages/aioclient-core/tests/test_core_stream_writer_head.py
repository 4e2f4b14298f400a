"""StreamWriter reuses the bytes of a recent request head only for equal inputs."""

import asyncio

import pytest
from multidict import CIMultiDict

from aioclient_core import _writer
from aioclient_core._http import HttpVersion10, HttpVersion11
from aioclient_core._writer import StreamWriter


class _Transport:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def is_closing(self) -> bool:
        return False

    def write(self, data: bytes) -> None:
        self.sent.append(bytes(data))


class _Protocol:
    def __init__(self) -> None:
        self.transport = _Transport()


def _head(method: str, target: str, version: object, headers: object) -> bytes:
    protocol = _Protocol()
    loop = asyncio.new_event_loop()
    try:
        writer = StreamWriter(protocol, loop)  # type: ignore[arg-type]
    finally:
        loop.close()  # set_head and send_headers never use the loop
    writer.set_head(method, target, version, headers)  # type: ignore[arg-type]
    writer.send_headers()
    (sent,) = protocol.transport.sent
    return sent


def test_each_input_of_a_repeated_head_counts() -> None:
    headers = CIMultiDict([("Host", "a.example"), ("Accept", "*/*")])
    first = _head("GET", "/x", HttpVersion11, headers)
    assert first == b"GET /x HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n"
    assert _head("GET", "/x", HttpVersion11, headers) == first
    assert _head("HEAD", "/x", HttpVersion11, headers).startswith(b"HEAD /x ")
    assert _head("GET", "/y", HttpVersion11, headers).startswith(b"GET /y ")
    assert _head("GET", "/x", HttpVersion10, headers).startswith(b"GET /x HTTP/1.0")
    other = CIMultiDict([("Host", "a.example"), ("Accept", "text/html")])
    assert _head("GET", "/x", HttpVersion11, other).endswith(
        b"Accept: text/html\r\n\r\n"
    )
    reordered = CIMultiDict([("Accept", "*/*"), ("Host", "a.example")])
    assert _head("GET", "/x", HttpVersion11, reordered).startswith(
        b"GET /x HTTP/1.1\r\nAccept: */*\r\n"
    )


def test_a_bad_value_is_refused_even_after_a_good_head() -> None:
    good = CIMultiDict([("Host", "a.example"), ("X-A", "1")])
    _head("GET", "/", HttpVersion11, good)
    bad = CIMultiDict([("Host", "a.example"), ("X-A", "1\r\nX-B: 2")])
    with pytest.raises(ValueError, match="header injection"):
        _head("GET", "/", HttpVersion11, bad)


def _pending(method: str, target: str, headers: CIMultiDict[str]) -> bytes:
    loop = asyncio.new_event_loop()
    try:
        writer = StreamWriter(_Protocol(), loop)  # type: ignore[arg-type]
    finally:
        loop.close()
    writer.set_head(method, target, HttpVersion11, headers)
    return writer._pending_head


def test_alternating_heads_are_each_reused() -> None:
    headers = CIMultiDict([("Host", "a.example")])
    first = [_pending("GET", target, headers) for target in ("/a", "/b")]
    again = [_pending("GET", target, headers) for target in ("/a", "/b")]
    # The very same bytes objects: neither head was serialized again.
    assert again[0] is first[0]
    assert again[1] is first[1]
    assert first[0].startswith(b"GET /a ")
    assert first[1].startswith(b"GET /b ")


def test_the_memory_of_heads_is_bounded() -> None:
    _writer._recent_heads.clear()
    headers = CIMultiDict([("Host", "a.example")])
    for n in range(100):
        _pending("GET", f"/{n}", headers)
    assert len(_writer._recent_heads) == 32
    # The oldest went first; the newest is still there.
    pairs = tuple(headers.items())
    assert _writer._recent_heads.get(("GET", "/0", HttpVersion11, pairs)) is None
    newest = _writer._recent_heads.get(("GET", "/99", HttpVersion11, pairs))
    assert newest is _pending("GET", "/99", headers)


def test_a_long_head_is_not_remembered() -> None:
    _writer._recent_heads.clear()
    headers = CIMultiDict([("Host", "a.example"), ("X-Big", "v" * 5000)])
    head = _pending("GET", "/", headers)
    assert head.endswith(b"v" * 5000 + b"\r\n\r\n")
    assert len(_writer._recent_heads) == 0


def test_an_unhashable_value_is_refused_as_before() -> None:
    headers = CIMultiDict([("Host", "a.example"), ("X-A", ["1"])])
    with pytest.raises(TypeError):
        _pending("GET", "/", headers)  # type: ignore[arg-type]
