"""StreamWriter reuses the bytes of a request head only for equal inputs."""

import asyncio

import pytest
from multidict import CIMultiDict

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
