"""Byte-split invariance: any chunking of the input gives the unsplit results."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_core._chunkbuffer import ChunkBuffer
from aioclient_core._http._errors import LineTooLong
from aioclient_core._streams import StreamReader

SETTINGS = settings(max_examples=200, deadline=None)
READER_LIMIT = 16  # small, so that back-pressure and default limits kick in
TOO_LONG = "too long"

# Inputs dense in separators and near-separators, plus arbitrary bytes.
pieces = st.sampled_from(
    [b"a", b"b", b"-", b"\r", b"\n", b"\r\n", b"--", b"-a-", b"\x00"]
)
dense = st.lists(pieces, max_size=120).map(b"".join)
payloads = st.one_of(dense, st.binary(max_size=200))
separators = st.sampled_from([b"\n", b"\r\n", b"--", b"-a-", b"aa", b"\r\n\r\n"])


class Protocol:
    def __init__(self) -> None:
        self.connected = True
        self.reading_paused = False

    def pause_reading(self) -> None:
        self.reading_paused = True

    def resume_reading(self) -> None:
        self.reading_paused = False


@st.composite
def chunked(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    data = draw(payloads)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(data)), max_size=40))))
    bounds = [0, *cuts, len(data)]
    return data, [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def reference_split(data: bytes, sep: bytes, limit: int) -> list[bytes | str]:
    out: list[bytes | str] = []
    pos = 0
    while pos < len(data):
        found = data.find(sep, pos)
        end = len(data) if found == -1 else found + len(sep)
        if end - pos > limit:
            out.append(TOO_LONG)
            return out
        out.append(data[pos:end])
        pos = end
    return out


async def drive(
    chunks: list[bytes],
    progressive: bool,
    consume: Callable[[StreamReader], Awaitable[list[bytes | str]]],
) -> list[bytes | str]:
    stream = StreamReader(Protocol(), READER_LIMIT)

    async def produce() -> None:
        for chunk in chunks:
            stream.feed_data(chunk)
            await asyncio.sleep(0)
        stream.feed_eof()

    if progressive:
        producer = asyncio.create_task(produce())
        result = await consume(stream)
        await producer
        return result
    for chunk in chunks:
        stream.feed_data(chunk)
    stream.feed_eof()
    return await consume(stream)


def read_until_all(
    sep: bytes, max_size: int | None
) -> Callable[[StreamReader], Awaitable[list[bytes | str]]]:
    async def consume(stream: StreamReader) -> list[bytes | str]:
        out: list[bytes | str] = []
        try:
            while line := await stream.readuntil(sep, max_size=max_size):
                out.append(line)
        except LineTooLong:
            out.append(TOO_LONG)
        return out

    return consume


@SETTINGS
@given(
    chunked(),
    separators,
    st.one_of(st.none(), st.integers(1, 80)),
    st.booleans(),
)
def test_readuntil_is_split_invariant(
    case: tuple[bytes, list[bytes]], sep: bytes, max_size: int | None, progressive: bool
) -> None:
    data, chunks = case
    limit = max_size or 2 * READER_LIMIT
    got = asyncio.run(drive(chunks, progressive, read_until_all(sep, max_size)))
    assert got == reference_split(data, sep, limit)


@SETTINGS
@given(chunked(), st.booleans())
def test_readline_is_split_invariant(
    case: tuple[bytes, list[bytes]], progressive: bool
) -> None:
    data, chunks = case

    async def consume(stream: StreamReader) -> list[bytes | str]:
        out: list[bytes | str] = []
        try:
            while line := await stream.readline(max_line_length=1000):
                out.append(line)
        except LineTooLong:
            out.append(TOO_LONG)
        return out

    got = asyncio.run(drive(chunks, progressive, consume))
    assert got == reference_split(data, b"\n", 1000)
    assert b"".join(x for x in got if isinstance(x, bytes)) == data


@SETTINGS
@given(chunked(), st.lists(st.integers(1, 50), min_size=1, max_size=20), st.booleans())
def test_read_n_and_readexactly_reassemble_the_input(
    case: tuple[bytes, list[bytes]], sizes: list[int], progressive: bool
) -> None:
    data, chunks = case

    async def consume(stream: StreamReader) -> list[bytes | str]:
        out: list[bytes | str] = []
        for i, n in enumerate(sizes):
            if i % 2:
                try:
                    block = await stream.readexactly(n)
                except asyncio.IncompleteReadError as exc:
                    out.append(exc.partial)
                    break
                assert len(block) == n
            else:
                block = await stream.read(n)
                assert 0 < len(block) <= n or stream.at_eof()
            out.append(block)
        out.append(await stream.read())
        return out

    got = asyncio.run(drive(chunks, progressive, consume))
    assert b"".join(x for x in got if isinstance(x, bytes)) == data


@SETTINGS
@given(chunked(), separators)
def test_incremental_find_matches_bytes_find(
    case: tuple[bytes, list[bytes]], sep: bytes
) -> None:
    data, chunks = case
    buffer = ChunkBuffer()
    seen = b""
    for chunk in chunks:
        buffer.append(chunk)
        seen += chunk
        found = seen.find(sep)
        assert buffer.find(sep) == (found + len(sep) if found != -1 else -1)
        if found != -1:
            # Consume the match and keep searching in the rest.
            assert buffer.peek(found + len(sep)) == seen[: found + len(sep)]
            taken = b""
            while len(taken) < found + len(sep):
                taken += buffer.take_first(found + len(sep) - len(taken))
            seen = seen[found + len(sep) :]
    assert len(buffer) == len(seen)
    assert buffer.peek(len(seen) + 5) == seen
    assert len(data) >= len(seen)
