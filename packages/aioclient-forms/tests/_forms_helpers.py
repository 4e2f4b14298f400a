"""Test doubles implementing the aioclient_forms stream protocols."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

from aioclient_forms import BodyPartReader, MultipartReader, MultipartWriter, Payload


class MemoryWriter:
    """A PayloadWriter that records every chunk."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(chunk))

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


class ChunkedReader:
    """A ContentReader serving ``data`` in pieces of the given sizes (cycled)."""

    def __init__(self, data: bytes, splits: Sequence[int] = (1 << 30,)) -> None:
        self._data = data
        self._pos = 0
        self._splits = [max(1, s) for s in splits] or [1 << 30]
        self._turn = 0
        self.reads = 0
        self.max_request = 0

    async def read(self, n: int = -1) -> bytes:
        self.reads += 1
        self.max_request = max(self.max_request, n)
        step = self._splits[self._turn % len(self._splits)]
        self._turn += 1
        if n >= 0:
            step = min(step, n)
        out = self._data[self._pos : self._pos + step]
        self._pos += len(out)
        return out

    async def readline(self) -> bytes:
        end = self._data.find(b"\n", self._pos)
        end = len(self._data) if end == -1 else end + 1
        out = self._data[self._pos : end]
        self._pos = end
        return out

    @property
    def consumed(self) -> int:
        return self._pos


class EndlessReader:
    """A ContentReader that never ends: it repeats ``pattern`` forever."""

    def __init__(self, pattern: bytes, prefix: bytes = b"") -> None:
        self._pending = prefix
        self._pattern = pattern
        self.total = 0

    async def read(self, n: int = -1) -> bytes:
        if not self._pending:
            self._pending = self._pattern * max(1, 4096 // len(self._pattern))
        size = len(self._pending) if n < 0 else min(n, len(self._pending))
        out, self._pending = self._pending[:size], self._pending[size:]
        self.total += len(out)
        return out

    async def readline(self) -> bytes:
        return await self.read(4096)


class FakeResponse:
    """A ResponseLike whose release() is a coroutine function."""

    def __init__(
        self, content_type: str, body: bytes, splits: Sequence[int] = (7,)
    ) -> None:
        self._headers = CIMultiDictProxy(CIMultiDict({"Content-Type": content_type}))
        self._content = ChunkedReader(body, splits)
        self.released = 0

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._headers

    @property
    def content(self) -> ChunkedReader:
        return self._content

    async def release(self) -> None:
        self.released += 1


def reader_for(
    body: bytes, content_type: str, splits: Sequence[int] = (1 << 30,), **kwargs: Any
) -> MultipartReader:
    content = ChunkedReader(body, splits)
    return MultipartReader({"Content-Type": content_type}, content, **kwargs)


async def body_of(payload: Payload) -> bytes:
    writer = MemoryWriter()
    await payload.write(writer)
    return writer.data


async def collect(reader: MultipartReader) -> list[tuple[dict[str, str], bytes]]:
    """Read every (non-nested) part: its headers and raw content."""
    parts: list[tuple[dict[str, str], bytes]] = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        parts.append((dict(part.headers), bytes(await part.read())))
    return parts


def raw_multipart(boundary: str, parts: Iterable[tuple[Sequence[str], bytes]]) -> bytes:
    """Build a multipart body by hand (headers as 'Name: value' lines)."""
    out = b""
    for headers, content in parts:
        out += f"--{boundary}\r\n".encode()
        out += "".join(h + "\r\n" for h in headers).encode()
        out += b"\r\n" + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def make_writer(subtype: str = "mixed", boundary: str = "b0undary") -> MultipartWriter:
    return MultipartWriter(subtype, boundary=boundary)
