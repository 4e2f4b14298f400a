"""Large chunked-body pieces travel as views of the received bytes.

The chunked reader hands out pieces of at least ``VIEW_MIN`` bytes as
``memoryview`` objects of the received ``bytes`` (one copy fewer per byte);
the body stream turns them into ``bytes`` when the application reads them.
These tests pin the three things a user depends on: reads still return
``bytes`` with the right content through every read method, decoders and
line searches still work, and a hostile chunking cannot make the stream keep
much more memory alive than the body bytes it buffers.
"""

from __future__ import annotations

import asyncio
import gzip
import random

from aioclient_core._chunkbuffer import ChunkBuffer
from aioclient_core._http._body import VIEW_MIN, ChunkedReader
from aioclient_core._http._models import CHUNK_END, Event
from aioclient_core._http.protocol import ResponseHandler

KIB = 1024
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def frame(data: bytes, extension: bytes = b"") -> bytes:
    """One chunk of the chunked coding."""
    return b"%x%s\r\n%s\r\n" % (len(data), extension, data)


def pattern(size: int, seed: int = 0) -> bytes:
    """Distinct, position-dependent bytes (a misplaced slice shows)."""
    return bytes((seed + index * 7) % 251 for index in range(size))


def reader() -> ChunkedReader:
    return ChunkedReader(max_line_size=8190, max_field_size=8190, max_trailers=128)


def data_events(events: list[Event]) -> list[bytes | memoryview]:
    return [e for e in events if isinstance(e, (bytes, memoryview))]


# -- the parser ----------------------------------------------------------------


def test_large_pieces_of_a_bytes_read_are_views_of_it() -> None:
    chunks = [pattern(64 * KIB, seed) for seed in range(4)]
    received = b"".join(frame(c) for c in chunks)
    events: list[Event] = []
    assert reader().feed(received, 0, events) == len(received)
    data = data_events(events)
    assert [type(piece) for piece in data] == [memoryview] * 4
    assert all(piece.obj is received for piece in data)  # type: ignore[union-attr]
    assert [bytes(piece) for piece in data] == chunks
    assert events.count(CHUNK_END) == 4


def test_a_piece_cut_by_the_end_of_the_read_is_a_view_too() -> None:
    chunk = pattern(256 * KIB)
    received = frame(chunk)[: 100 * KIB]
    events: list[Event] = []
    parser = reader()
    parser.feed(received, 0, events)
    (piece,) = events
    assert type(piece) is memoryview
    assert piece.obj is received
    assert bytes(piece) == received[received.index(b"\r\n") + 2 :]


def test_small_pieces_and_bytearray_reads_are_copied() -> None:
    small = pattern(VIEW_MIN - 1)
    events: list[Event] = []
    reader().feed(frame(small) * 2, 0, events)
    assert [type(piece) for piece in data_events(events)] == [bytes, bytes]
    # The parser's own buffer changes after the call: never viewed.
    big = bytearray(frame(pattern(64 * KIB)))
    events = []
    reader().feed(big, 0, events)
    assert [type(piece) for piece in data_events(events)] == [bytes]
    assert data_events(events)[0] == pattern(64 * KIB)


def test_views_covering_little_of_a_read_are_copied_after_all() -> None:
    # One view-sized chunk among a lot of framing (long chunk extensions on
    # one-byte chunks): keeping the read alive for that view would hold about
    # eight times its size, so it is copied like the rest.
    junk = b"".join(frame(b"x", b";" + b"e" * 8000) for _ in range(16))
    received = frame(pattern(VIEW_MIN)) + junk
    events: list[Event] = []
    reader().feed(received, 0, events)
    data = data_events(events)
    assert len(received) > 4 * VIEW_MIN
    assert all(type(piece) is bytes for piece in data)
    assert data[0] == pattern(VIEW_MIN)
    assert data[1:] == [b"x"] * 16


def test_views_covering_a_quarter_of_a_read_are_kept() -> None:
    junk = b"".join(frame(b"x", b";" + b"e" * 8000) for _ in range(5))
    received = frame(pattern(VIEW_MIN)) + junk
    assert len(received) <= 4 * VIEW_MIN
    events: list[Event] = []
    reader().feed(received, 0, events)
    assert type(data_events(events)[0]) is memoryview


# -- the buffer and the stream ----------------------------------------------------


def test_buffer_hands_out_bytes_for_views() -> None:
    source = pattern(3 * VIEW_MIN)
    buffer = ChunkBuffer()
    buffer.append(memoryview(source)[:VIEW_MIN])
    buffer.append(memoryview(source)[VIEW_MIN:])
    assert len(buffer) == len(source)
    head = buffer.take_first(10)
    rest_of_first = buffer.take_first()
    spanning = buffer.take(VIEW_MIN)
    remainder = buffer.take(-1)
    assert [type(x) for x in (head, rest_of_first, spanning, remainder)] == [bytes] * 4
    assert head + rest_of_first + spanning + remainder == source
    assert not buffer


def test_buffer_searches_views_for_separators() -> None:
    line = b"a" * (VIEW_MIN + 5) + b"\r\n"
    source = line + b"tail"
    buffer = ChunkBuffer()
    # The separator straddles the two views.
    buffer.append(memoryview(source)[: len(line) - 1])
    buffer.append(memoryview(source)[len(line) - 1 :])
    assert buffer.find(b"\r\n") == len(line)
    assert buffer.peek(3) == b"aaa"
    taken = buffer.take(len(line))
    assert type(taken) is bytes
    assert taken == line
    assert buffer.take(-1) == b"tail"


def connected() -> ResponseHandler:
    protocol = ResponseHandler(asyncio.get_running_loop())
    protocol.connection_made(_Transport())
    protocol.set_response_params()
    return protocol


class _Transport(asyncio.Transport):
    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        """Nothing to pause."""

    def resume_reading(self) -> None:
        """Nothing to resume."""

    def get_extra_info(self, name: str, default: object = None) -> object:
        return default


async def test_every_read_method_returns_bytes_from_a_viewed_body() -> None:
    chunks = [pattern(64 * KIB, seed) for seed in range(6)]
    body = b"".join(chunks)
    protocol = connected()
    protocol.data_received(CHUNKED_HEAD)
    _, stream = await protocol.read()
    received = b"".join(frame(c) for c in chunks) + b"0\r\n\r\n"
    protocol.data_received(received)
    assert stream._buffer._chunks  # (sanity: the views were buffered)
    pieces = [await stream.readchunk(), await stream.readchunk()]
    assert pieces == [(chunks[0], True), (chunks[1], True)]
    assert all(type(data) is bytes for data, _ in pieces)
    read = await stream.read(100)
    exact = await stream.readexactly(64 * KIB)
    any_ = await stream.readany()
    assert [type(x) for x in (read, exact, any_)] == [bytes] * 3
    assert read + exact + any_ == body[128 * KIB :]
    assert await stream.read() == b""
    assert not protocol.should_close


async def test_lines_of_a_viewed_body() -> None:
    lines = [b"%06d " % i + b"x" * 90 + b"\n" for i in range(2000)]
    text = b"".join(lines)
    half = len(text) // 2
    protocol = connected()
    protocol.data_received(CHUNKED_HEAD)
    _, stream = await protocol.read()
    protocol.data_received(frame(text[:half]) + frame(text[half:]) + b"0\r\n\r\n")
    got = [line async for line in stream]
    assert got == lines
    assert all(type(line) is bytes for line in got)


async def test_compressed_chunked_body_with_views_is_decoded() -> None:
    # Incompressible, so the compressed chunks are large enough to be views.
    original = random.Random(4).randbytes(1024 * KIB)
    encoded = gzip.compress(original, compresslevel=1)
    step = 64 * KIB
    framed = b"".join(
        frame(encoded[i : i + step]) for i in range(0, len(encoded), step)
    )
    protocol = connected()
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Encoding: gzip\r\n\r\n"
    )
    _, stream = await protocol.read()
    for i in range(0, len(framed), 256 * KIB):
        protocol.data_received(framed[i : i + 256 * KIB])
    protocol.data_received(b"0\r\n\r\n")
    assert await stream.read() == original


def test_take_stored_hands_over_chunks_uncopied() -> None:
    # read() joins what take_stored() returns: that join must be the only
    # copy, so neither bytes nor views are copied here.
    buffer = ChunkBuffer()
    received = bytes(range(200))
    view = memoryview(received)[10:150]
    first, last = b"head-bytes", b"tail"
    for chunk in (first, view, last):
        buffer.append(chunk)
    assert buffer.take_first(5) == b"head-"
    rest = buffer.take_stored()  # the first chunk, after what was read of it
    assert isinstance(rest, memoryview)
    assert rest.obj is first
    assert bytes(rest) == b"bytes"
    assert buffer.take_stored() is view
    assert buffer.take_stored() is last
    assert not buffer
    assert len(buffer) == 0
