"""How StreamWriter hands chunked body bytes to its transport.

Large chunks go to a transport with a gathering ``writelines`` (uvloop's, or
asyncio's from Python 3.12.9 and 3.13.2) as a list holding the caller's own
bytes, framing around them: one system call, no copy. Everywhere else each
chunk leaves with its framing as one joined write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import pytest

from aioclient_core import _writer
from aioclient_core._http import HttpVersion11
from aioclient_core._writer import StreamWriter, writelines_is_safe


class _Transport:
    """Records each call; ``writelines`` is its own (a gathering transport)."""

    def __init__(self, tls: bool = False) -> None:
        self.calls: list[tuple[str, list[object]]] = []
        self._tls = tls

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str) -> object:
        return object() if name == "ssl_object" and self._tls else None

    def get_write_buffer_size(self) -> int:
        return 0

    def write(self, data: bytes) -> None:
        self.calls.append(("write", [data]))

    def writelines(self, parts: Sequence[object]) -> None:
        self.calls.append(("writelines", list(parts)))

    def wire(self) -> bytes:
        return b"".join(bytes(part) for _, parts in self.calls for part in parts)  # type: ignore[call-overload]


class _JoiningTransport(_Transport):
    """A transport whose ``writelines`` is asyncio's base class's (it joins)."""

    writelines = asyncio.WriteTransport.writelines  # type: ignore[assignment]


class _Protocol:
    def __init__(self, transport: _Transport) -> None:
        self.transport = transport

    async def drain(self) -> None:
        pass  # (the transport's buffer is always empty)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _chunked_writer(
    transport: _Transport, loop: asyncio.AbstractEventLoop
) -> StreamWriter:
    writer = StreamWriter(_Protocol(transport), loop)  # type: ignore[arg-type]
    writer.enable_chunking()
    writer.set_head("POST", "/", HttpVersion11, {"Host": "a.example"})
    return writer


_HEAD = b"POST / HTTP/1.1\r\nHost: a.example\r\n\r\n"


def test_a_large_chunk_is_gathered_uncopied(loop: asyncio.AbstractEventLoop) -> None:
    transport = _Transport()
    writer = _chunked_writer(transport, loop)
    chunk = bytes(range(256)) * 256  # 64 KiB
    loop.run_until_complete(writer.write(chunk))
    ((kind, parts),) = transport.calls
    assert kind == "writelines"
    assert parts[:2] == [_HEAD, b"10000\r\n"]
    assert parts[3] == b"\r\n"
    assert parts[2] is chunk  # the caller's bytes themselves, not a copy
    loop.run_until_complete(writer.write_eof())
    assert transport.wire() == _HEAD + b"10000\r\n" + chunk + b"\r\n0\r\n\r\n"
    assert writer.output_size == len(transport.wire())


def test_a_slice_of_a_larger_chunk_is_a_view(loop: asyncio.AbstractEventLoop) -> None:
    transport = _Transport()
    writer = _chunked_writer(transport, loop)
    chunk = b"a" * _writer.WRITE_SLICE + b"b" * 100
    loop.run_until_complete(writer.write(chunk))
    # The big slice is gathered; the small rest is joined with its framing.
    assert [kind for kind, _ in transport.calls] == ["writelines", "write"]
    first = transport.calls[0][1][2]
    assert isinstance(first, memoryview)
    assert first.obj is chunk
    assert transport.wire() == (
        _HEAD
        + b"40000\r\n"
        + b"a" * _writer.WRITE_SLICE
        + b"\r\n64\r\n"
        + b"b" * 100
        + b"\r\n"
    )


@pytest.mark.parametrize(
    ("transport", "size"),
    [
        (_Transport(), 4096),  # small: copying it is cheaper than gathering
        (_Transport(tls=True), 65536),  # each part would be its own TLS record
        (_JoiningTransport(), 65536),  # writelines would join it anyway
    ],
    ids=["small", "tls", "joining-writelines"],
)
def test_other_chunks_leave_as_one_joined_write(
    transport: _Transport, size: int, loop: asyncio.AbstractEventLoop
) -> None:
    writer = _chunked_writer(transport, loop)
    writer.send_headers()
    chunk = b"x" * size
    loop.run_until_complete(writer.write(chunk))
    assert [kind for kind, _ in transport.calls] == ["write", "write"]
    assert transport.wire() == _HEAD + b"%x\r\n" % size + chunk + b"\r\n"


def test_unsafe_pythons_never_gather(
    monkeypatch: pytest.MonkeyPatch, loop: asyncio.AbstractEventLoop
) -> None:
    monkeypatch.setattr(_writer, "_SAFE_WRITELINES", False)
    transport = _Transport()
    writer = _chunked_writer(transport, loop)
    writer.send_headers()
    loop.run_until_complete(writer.write(b"x" * 65536))
    assert [kind for kind, _ in transport.calls] == ["write", "write"]


@pytest.mark.parametrize(
    ("version", "safe"),
    [
        ((3, 11, 7), True),
        ((3, 12, 0), False),
        ((3, 12, 8), False),
        ((3, 12, 9), True),
        ((3, 13, 0), False),
        ((3, 13, 1), False),
        ((3, 13, 2), True),
        ((3, 14, 0), True),
    ],
)
def test_writelines_is_refused_where_it_buffers_without_bound(
    version: tuple[int, int, int], safe: bool
) -> None:
    # CVE-2024-12254: asyncio's writelines did not pause the writer until
    # 3.12.9 and 3.13.2.
    assert writelines_is_safe(version) is safe
