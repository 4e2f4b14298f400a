"""StreamReader, EmptyStreamReader, DataQueue and back-pressure."""

from __future__ import annotations

import asyncio
import logging
import re
import warnings

import pytest

from aioclient_core._empty_stream import EMPTY_PAYLOAD, EmptyStreamReader
from aioclient_core._exceptions import SocketTimeoutError
from aioclient_core._http._errors import LineTooLong
from aioclient_core._streams import (
    DataQueue,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)
from aioclient_core._timeouts import ReadTimer, RequestDeadline


class FakeProtocol:
    """Records flow-control calls; implements FlowControlProtocol."""

    def __init__(self) -> None:
        self.connected = True
        self.reading_paused = False
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")
        self.reading_paused = True

    def resume_reading(self) -> None:
        self.calls.append("resume")
        self.reading_paused = False


def make(limit: int = 2**16) -> tuple[StreamReader, FakeProtocol]:
    protocol = FakeProtocol()
    return StreamReader(protocol, limit), protocol


def fed(*chunks: bytes, eof: bool = True, limit: int = 2**16) -> StreamReader:
    stream, _ = make(limit)
    for chunk in chunks:
        stream.feed_data(chunk)
    if eof:
        stream.feed_eof()
    return stream


async def later(action: object, *args: object) -> None:
    """Run a producer call after the reader had a chance to start waiting."""
    await asyncio.sleep(0)
    assert callable(action)
    action(*args)


# -- read / readany / readexactly ------------------------------------------------


async def test_read_all_until_eof_waits_for_the_producer() -> None:
    stream, _ = make()
    stream.feed_data(b"ab")

    async def produce() -> None:
        await asyncio.sleep(0)
        stream.feed_data(b"cd")
        await asyncio.sleep(0)
        stream.feed_eof()

    producer = asyncio.create_task(produce())
    assert await stream.read() == b"abcd"
    await producer
    assert stream.at_eof()


async def test_read_all_joins_partly_read_chunks_and_views() -> None:
    # read() keeps the chunks as received and joins them once: a partly read
    # first chunk and views of received bytes must come out in order.
    stream, protocol = make(limit=4)
    stream.feed_data(b"xxabc")
    assert await stream.read(2) == b"xx"
    received = b"--defghi--"
    stream.feed_data(memoryview(received)[2:8])
    assert protocol.calls == ["pause"]  # 9 bytes buffered, above 2 * 4

    async def produce() -> None:
        await asyncio.sleep(0)
        stream.feed_data(b"jk")
        stream.feed_data(memoryview(b"lm"))
        await asyncio.sleep(0)
        stream.feed_eof()

    producer = asyncio.create_task(produce())
    result = await stream.read()
    assert result == b"abcdefghijklm"
    assert type(result) is bytes
    assert protocol.calls == ["pause", "resume"]  # taken, so reading resumed
    await producer


async def test_read_all_raises_an_error_that_arrives_midway() -> None:
    stream, _ = make()
    stream.feed_data(b"ab")

    async def fail() -> None:
        await asyncio.sleep(0)
        stream.feed_data(b"cd")
        stream.set_exception(ValueError("cut"))

    failing = asyncio.create_task(fail())
    with pytest.raises(ValueError, match="cut"):
        await stream.read()
    await failing


async def test_read_n_returns_at_most_n_and_zero_reads_nothing() -> None:
    stream = fed(b"abc", b"defg")
    assert await stream.read(0) == b""
    assert await stream.read(2) == b"ab"
    assert await stream.read(5) == b"cdefg"
    assert await stream.read(5) == b""
    assert await stream.read() == b""


async def test_readany_returns_everything_buffered() -> None:
    stream = fed(b"a", b"b", b"c", eof=False)
    assert await stream.readany() == b"abc"
    waiter = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    assert not waiter.done()
    stream.feed_data(b"d")
    assert await waiter == b"d"
    stream.feed_eof()
    assert await stream.readany() == b""


async def test_readexactly_spans_chunks() -> None:
    stream = fed(b"ab", b"cde", b"f")
    assert await stream.readexactly(4) == b"abcd"
    assert await stream.readexactly(0) == b""
    assert await stream.readexactly(2) == b"ef"


async def test_readexactly_hits_eof() -> None:
    stream = fed(b"ab", b"c")
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await stream.readexactly(5)
    assert info.value.partial == b"abc"
    assert info.value.expected == 5


# -- readline / readuntil -----------------------------------------------------------


async def test_readline_across_chunk_boundaries() -> None:
    stream = fed(b"he", b"llo", b"\nwor", b"ld\n", b"\n", b"tail")
    assert await stream.readline() == b"hello\n"
    assert await stream.readline() == b"world\n"
    assert await stream.readline() == b"\n"
    assert await stream.readline() == b"tail"
    assert await stream.readline() == b""


async def test_readline_waits_for_the_terminator() -> None:
    stream, _ = make()
    stream.feed_data(b"par")
    task = asyncio.create_task(stream.readline())
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_data(b"tial")
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_data(b"\nrest")
    assert await task == b"partial\n"
    assert stream.read_nowait() == b"rest"


async def test_readline_limit_is_sticky_and_consumes_nothing() -> None:
    stream = fed(b"0123456789\nabc\n")
    message = re.escape("Got more than 5 bytes when reading b'01234'...")
    with pytest.raises(LineTooLong, match=message):
        await stream.readline(max_line_length=5)
    with pytest.raises(LineTooLong):
        await stream.readline(max_line_length=5)
    assert await stream.readline(max_line_length=11) == b"0123456789\n"
    assert await stream.readline(max_line_length=4) == b"abc\n"


async def test_readline_exactly_at_the_limit_is_accepted() -> None:
    assert await fed(b"abcd\n").readline(max_line_length=5) == b"abcd\n"
    assert await fed(b"abcde").readline(max_line_length=5) == b"abcde"
    with pytest.raises(LineTooLong):
        await fed(b"abcdef").readline(max_line_length=5)


async def test_readline_default_limit_is_the_high_water_mark() -> None:
    stream = fed(b"x" * 8, b"\n", limit=4)
    with pytest.raises(LineTooLong, match="Got more than 8 bytes"):
        await stream.readline()
    assert await fed(b"x" * 7, b"\n", limit=4).readline() == b"x" * 7 + b"\n"


async def test_readline_fails_early_on_an_unterminated_flood() -> None:
    stream, _ = make(limit=4)
    task = asyncio.create_task(stream.readline())
    await asyncio.sleep(0)
    stream.feed_data(b"y" * 5)
    await asyncio.sleep(0)
    assert not task.done()  # 5 bytes <= 8: still possible
    stream.feed_data(b"y" * 4)  # 9 bytes without a newline: cannot fit
    with pytest.raises(LineTooLong):
        await task


async def test_readuntil_multibyte_separator_split_across_chunks() -> None:
    stream = fed(b"key: a\r", b"\nkey: b\r", b"\r", b"\n", b"end")
    assert await stream.readuntil(b"\r\n") == b"key: a\r\n"
    assert await stream.readuntil(b"\r\n") == b"key: b\r\r\n"
    assert await stream.readuntil(b"\r\n") == b"end"
    assert await stream.readuntil(b"\r\n") == b""


async def test_readuntil_separator_spread_over_many_tiny_chunks() -> None:
    stream = fed(*[bytes([c]) for c in b"aaXY--Z--boundary--tail"])
    assert await stream.readuntil(b"--boundary--") == b"aaXY--Z--boundary--"
    assert await stream.read() == b"tail"


async def test_readuntil_rejects_an_empty_separator() -> None:
    with pytest.raises(
        ValueError, match="Separator should be at least one-byte string"
    ):
        await fed(b"x").readuntil(b"")


async def test_readuntil_beyond_high_water_resumes_reading() -> None:
    stream, protocol = make(limit=2)  # high water 4
    task = asyncio.create_task(stream.readuntil(b"!", max_size=100))
    await asyncio.sleep(0)
    stream.feed_data(b"abcdef")  # over the high water mark: pauses
    assert protocol.calls == ["pause"]
    await asyncio.sleep(0)
    assert protocol.calls == ["pause", "resume"]  # the line reader needs more data
    stream.feed_data(b"gh!")
    assert await task == b"abcdefgh!"


# -- readchunk and chunk boundaries -------------------------------------------------


async def test_readchunk_reports_http_chunk_ends() -> None:
    stream, _ = make()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"ab")
    stream.feed_data(b"c")
    stream.end_http_chunk_receiving()
    stream.end_http_chunk_receiving()  # no new data: not a new boundary
    stream.feed_data(b"de")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"f")
    stream.feed_eof()
    assert await stream.readchunk() == (b"abc", True)
    assert await stream.readchunk() == (b"de", True)
    assert await stream.readchunk() == (b"f", False)
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_after_partial_read() -> None:
    stream, _ = make()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"abcd")
    stream.end_http_chunk_receiving()
    assert await stream.read(1) == b"a"
    assert await stream.readchunk() == (b"bcd", True)


async def test_readchunk_without_chunk_tracking() -> None:
    stream = fed(b"ab", b"cd")
    assert await stream.readchunk() == (b"ab", False)
    assert await stream.readchunk() == (b"cd", False)
    assert await stream.readchunk() == (b"", False)


async def test_readchunk_is_woken_by_a_chunk_end() -> None:
    stream, _ = make()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"xy")
    assert await stream.readchunk() == (b"xy", False)
    task = asyncio.create_task(stream.readchunk())
    await asyncio.sleep(0)
    stream.end_http_chunk_receiving()
    assert await task == (b"", True)


def test_chunk_receiving_misuse() -> None:
    stream, _ = make()
    with pytest.raises(RuntimeError, match="without calling begin_chunk_receiving"):
        stream.end_http_chunk_receiving()
    stream.feed_data(b"x")
    with pytest.raises(RuntimeError, match="when some data was already fed"):
        stream.begin_http_chunk_receiving()


# -- read_nowait, iteration ----------------------------------------------------------


async def test_read_nowait() -> None:
    stream = fed(b"abc", b"de", eof=False)
    assert stream.read_nowait(2) == b"ab"
    assert stream.read_nowait() == b"cde"
    assert stream.read_nowait() == b""
    task = asyncio.create_task(stream.read())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="Called while some coroutine is waiting"):
        stream.read_nowait()
    stream.feed_eof()
    assert await task == b""


async def test_iterating_yields_lines() -> None:
    stream = fed(b"a\nb", b"b\n", b"c")
    assert [line async for line in stream] == [b"a\n", b"bb\n", b"c"]


async def test_iter_chunked_iter_any_iter_chunks() -> None:
    assert [c async for c in fed(b"abcde", b"fg").iter_chunked(3)] == [
        b"abc",
        b"def",
        b"g",
    ]
    stream = fed(b"ab", b"cd")
    assert [c async for c in stream.iter_any()] == [b"abcd"]
    stream, _ = make()
    stream.begin_http_chunk_receiving()
    stream.feed_data(b"one")
    stream.end_http_chunk_receiving()
    stream.feed_data(b"two")
    stream.end_http_chunk_receiving()
    stream.feed_eof()
    assert [c async for c in stream.iter_chunks()] == [(b"one", True), (b"two", True)]


def test_iter_chunked_raises_the_water_marks() -> None:
    stream, _ = make(limit=10)
    assert stream.get_read_buffer_limits() == (10, 20)
    stream.iter_chunked(5)
    assert stream.get_read_buffer_limits() == (10, 20)
    stream.iter_chunked(100)
    assert stream.get_read_buffer_limits() == (100, 200)


# -- EOF, errors, concurrency -----------------------------------------------------


async def test_eof_state_and_wait_eof() -> None:
    stream, _ = make()
    stream.feed_data(b"x")
    assert not stream.is_eof()
    task = asyncio.create_task(stream.wait_eof())
    await asyncio.sleep(0)
    assert not task.done()
    stream.feed_eof()
    await task
    assert stream.is_eof()
    assert not stream.at_eof()  # data still buffered
    assert await stream.read() == b"x"
    assert stream.at_eof()
    await stream.wait_eof()  # returns at once


async def test_on_eof_callbacks(caplog: pytest.LogCaptureFixture) -> None:
    stream, _ = make()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("first"))

    def broken() -> None:
        raise ValueError("callback bug")

    stream.on_eof(broken)
    stream.on_eof(lambda: calls.append("third"))
    with caplog.at_level(logging.ERROR):
        stream.feed_eof()
    assert calls == ["first", "third"]
    assert "Exception in eof callback" in caplog.text
    stream.on_eof(lambda: calls.append("late"))
    assert calls == ["first", "third", "late"]


async def test_set_exception_reaches_a_waiting_reader() -> None:
    stream, _ = make()
    calls: list[str] = []
    stream.on_eof(lambda: calls.append("eof"))
    task = asyncio.create_task(stream.readline())
    await asyncio.sleep(0)
    cause = OSError("reset")
    err = ValueError("payload broken")
    stream.set_exception(err, cause)
    with pytest.raises(ValueError, match="payload broken") as info:
        await task
    assert info.value.__cause__ is cause
    assert stream.exception() is err
    stream.feed_eof()
    assert calls == []  # callbacks are dropped on error
    for read in (stream.read, stream.readany, stream.readchunk):
        with pytest.raises(ValueError, match="payload broken"):
            await read()
    with pytest.raises(ValueError, match="payload broken"):
        stream.read_nowait()


async def test_set_exception_wakes_wait_eof() -> None:
    stream, _ = make()
    task = asyncio.create_task(stream.wait_eof())
    await asyncio.sleep(0)
    stream.set_exception(ConnectionResetError)
    with pytest.raises(ConnectionResetError):
        await task


async def test_two_concurrent_readers_are_refused() -> None:
    stream, _ = make()
    first = asyncio.create_task(stream.readany())
    await asyncio.sleep(0)
    with pytest.raises(
        RuntimeError,
        match=re.escape(
            "read() called while another coroutine is already waiting for incoming data"
        ),
    ):
        await stream.read(3)
    stream.feed_data(b"ok")
    assert await first == b"ok"


async def test_waiting_on_a_closed_connection() -> None:
    stream, protocol = make()
    protocol.connected = False
    assert stream.read_nowait() == b""
    with pytest.raises(RuntimeError, match=r"^Connection closed\.$"):
        await stream.read()


def test_feed_after_eof_is_refused() -> None:
    stream = fed(b"a")
    with pytest.raises(RuntimeError, match="feed_data after feed_eof"):
        stream.feed_data(b"b")
    assert stream.total_bytes == 1


async def test_cancelled_reader_frees_the_slot() -> None:
    stream, _ = make()
    task = asyncio.create_task(stream.read())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    stream.feed_data(b"x")
    stream.feed_eof()
    assert await stream.read() == b"x"


async def test_timer_bounds_waits_and_buffered_reads() -> None:
    protocol = FakeProtocol()
    deadline = RequestDeadline(0.05)
    deadline.start()
    stream = StreamReader(protocol, 1024, timer=deadline)
    stream.feed_data(b"early")
    assert await stream.read(2) == b"ea"
    with pytest.raises(TimeoutError):
        await stream.readexactly(100)
    assert deadline.expired
    with pytest.raises(TimeoutError):
        stream.read_nowait()  # the total timeout also covers buffered data


async def test_sock_read_timer_fails_a_silent_stream() -> None:
    # How the protocol wires ReadTimer to a stream: re-arm on data, fail on silence.
    stream, _ = make()
    timer = ReadTimer(
        0.05,
        lambda: stream.set_exception(
            SocketTimeoutError("Timeout on reading data from socket")
        ),
    )
    timer.rearm()
    stream.feed_data(b"first")
    assert await stream.readany() == b"first"
    with pytest.raises(SocketTimeoutError, match="Timeout on reading data"):
        await stream.readany()
    assert not timer.armed


# -- accounting and misc -------------------------------------------------------------


def test_byte_counters() -> None:
    stream = fed(b"abc", b"", b"de")
    assert stream.total_bytes == 5
    assert stream.total_raw_bytes == 5
    assert stream.total_compressed_bytes is None
    stream.total_compressed_bytes = 3
    assert stream.total_raw_bytes == 3


async def test_unread_data_is_deprecated_and_works() -> None:
    stream = fed(b"hello world")
    assert await stream.read(6) == b"hello "
    with pytest.warns(DeprecationWarning, match=r"unread_data\(\) is deprecated"):
        stream.unread_data(b"big ")
    assert await stream.readline() == b"big world"


def test_repr() -> None:
    stream, _ = make(limit=2**18)
    assert repr(stream) == "<StreamReader>"
    stream.feed_data(b"abc")
    stream.feed_eof()
    assert repr(stream) == "<StreamReader 3 bytes eof>"
    small, _ = make(limit=10)
    assert repr(small) == "<StreamReader low=10 high=20>"


# -- back-pressure -----------------------------------------------------------------


async def test_pause_above_high_water_resume_below_low_water() -> None:
    stream, protocol = make(limit=4)  # low 4, high 8
    stream.feed_data(b"1234")
    stream.feed_data(b"5678")
    assert protocol.calls == []  # 8 is not above 8
    stream.feed_data(b"9")
    assert protocol.calls == ["pause"]
    stream.feed_data(b"ab")
    assert protocol.calls == ["pause"]  # already paused
    assert await stream.read(4) == b"1234"  # 7 left: not below 4
    assert await stream.read(3) == b"567"  # 4 left: not below 4
    assert protocol.calls == ["pause"]
    assert await stream.read(1) == b"8"  # 3 left
    assert protocol.calls == ["pause", "resume"]


async def test_reading_more_than_the_limit_raises_the_limits() -> None:
    # As aiohttp: read(n) (and readexactly(n)) with n above the low mark set
    # the marks to (n, 2n), so the buffer may hold 2n and a longer line is read.
    stream, protocol = make(limit=4)
    assert stream.feed_data(b"ab\n") is False  # aiohttp 3.14's return value
    assert await stream.read(10) == b"ab\n"
    assert stream.get_read_buffer_limits() == (10, 20)
    stream.feed_data(b"x" * 15 + b"\n")
    assert protocol.calls == []  # 16 is not above 20
    assert await stream.readline() == b"x" * 15 + b"\n"  # over the old 8
    assert await stream.readexactly(0) == b""
    stream.feed_data(b"y" * 30)
    assert await stream.readexactly(30) == b"y" * 30
    assert stream.get_read_buffer_limits() == (30, 60)


async def test_feed_eof_resumes_a_paused_protocol() -> None:
    stream, protocol = make(limit=1)
    stream.feed_data(b"abc")
    assert protocol.calls == ["pause"]
    stream.feed_eof()
    assert protocol.calls == ["pause", "resume"]


async def test_many_tiny_http_chunks_pause_reading() -> None:
    stream, protocol = make(limit=64)  # chunk high water: max(4, 64 // 16) = 4
    stream.begin_http_chunk_receiving()
    for _ in range(4):
        stream.feed_data(b"x")
        stream.end_http_chunk_receiving()
    assert protocol.calls == []
    stream.feed_data(b"x")
    stream.end_http_chunk_receiving()
    assert protocol.calls == ["pause"]  # 5 bytes, but 5 unread chunk ends
    for _ in range(3):
        assert await stream.readchunk() == (b"x", True)
    assert protocol.calls == ["pause"]  # two boundaries left: not below 2
    assert await stream.readchunk() == (b"x", True)
    assert protocol.calls == ["pause", "resume"]


# -- EmptyStreamReader ---------------------------------------------------------------


async def test_empty_payload_is_always_at_eof() -> None:
    assert isinstance(EMPTY_PAYLOAD, StreamReader)
    assert EMPTY_PAYLOAD.at_eof()
    assert EMPTY_PAYLOAD.is_eof()
    assert await EMPTY_PAYLOAD.read() == b""
    assert await EMPTY_PAYLOAD.read(5) == b""
    assert await EMPTY_PAYLOAD.readany() == b""
    assert await EMPTY_PAYLOAD.readline() == b""
    assert await EMPTY_PAYLOAD.readuntil(b"--") == b""
    assert EMPTY_PAYLOAD.read_nowait() == b""
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await EMPTY_PAYLOAD.readexactly(3)
    assert (info.value.partial, info.value.expected) == (b"", 3)
    assert [x async for x in EMPTY_PAYLOAD] == []
    assert [x async for x in EMPTY_PAYLOAD.iter_chunked(4)] == []
    await EMPTY_PAYLOAD.wait_eof()
    assert repr(EMPTY_PAYLOAD) == "<EmptyStreamReader>"


async def test_empty_payload_cannot_be_changed() -> None:
    EMPTY_PAYLOAD.feed_data(b"data")
    EMPTY_PAYLOAD.set_exception(ValueError("x"))
    EMPTY_PAYLOAD.set_read_chunk_size(10**9)
    EMPTY_PAYLOAD.begin_http_chunk_receiving()
    EMPTY_PAYLOAD.end_http_chunk_receiving()
    with pytest.warns(DeprecationWarning, match=r"unread_data\(\) is deprecated"):
        EMPTY_PAYLOAD.unread_data(b"x")
    assert EMPTY_PAYLOAD.exception() is None
    assert await EMPTY_PAYLOAD.read() == b""
    assert EMPTY_PAYLOAD.total_bytes == 0
    assert EMPTY_PAYLOAD.get_read_buffer_limits() == (2**18, 2**19)
    calls: list[int] = []
    EMPTY_PAYLOAD.on_eof(lambda: calls.append(1))
    assert calls == [1]


async def test_empty_stream_readchunk_always_signals_eof() -> None:
    stream = EmptyStreamReader()
    assert await stream.readchunk() == (b"", False)
    assert await stream.readchunk() == (b"", False)
    # The shared instance can be iterated any number of times without spinning.
    for _ in range(2):
        assert [c async for c in EMPTY_PAYLOAD.iter_chunks()] == []


# -- DataQueue / FlowControlDataQueue --------------------------------------------------


async def test_data_queue_order_len_and_eof() -> None:
    queue: DataQueue[str] = DataQueue(asyncio.get_running_loop())
    queue.feed_data("a")
    queue.feed_data("b", 10)
    assert len(queue) == 2
    assert not queue.is_eof()
    queue.feed_eof()
    assert queue.is_eof()
    assert not queue.at_eof()
    assert await queue.read() == "a"
    assert await queue.read() == "b"
    assert len(queue) == 0
    assert queue.at_eof()
    with pytest.raises(EofStream):
        await queue.read()


async def test_data_queue_reader_waits_and_iterates() -> None:
    queue: DataQueue[int] = DataQueue()
    task = asyncio.create_task(queue.read())
    await asyncio.sleep(0)
    assert not task.done()
    queue.feed_data(1)
    assert await task == 1

    async def produce() -> None:
        for i in (2, 3):
            await asyncio.sleep(0)
            queue.feed_data(i)
        queue.feed_eof()

    producer = asyncio.create_task(produce())
    assert [x async for x in queue] == [2, 3]
    await producer


async def test_data_queue_exception_after_buffered_items() -> None:
    queue: DataQueue[bytes] = DataQueue()
    queue.feed_data(b"frame")
    cause = OSError("lost")
    queue.set_exception(ConnectionError("gone"), cause)
    assert queue.is_eof()
    assert isinstance(queue.exception(), ConnectionError)
    assert await queue.read() == b"frame"
    with pytest.raises(ConnectionError, match="gone") as info:
        await queue.read()
    assert info.value.__cause__ is cause


async def test_data_queue_error_wakes_reader_and_refuses_second_reader() -> None:
    queue: DataQueue[bytes] = DataQueue()
    task = asyncio.create_task(queue.read())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already waiting for incoming data"):
        await queue.read()
    queue.set_exception(ValueError("bad frame"))
    with pytest.raises(ValueError, match="bad frame"):
        await task


async def test_flow_control_data_queue() -> None:
    protocol = FakeProtocol()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning, as in aiohttp 3.14
        queue: FlowControlDataQueue[bytes] = FlowControlDataQueue(
            protocol, 2, loop=asyncio.get_running_loop()
        )
    queue.feed_data(b"a", 4)
    assert protocol.calls == []  # 4 is not above 2 * 2
    queue.feed_data(b"b", 1)
    assert protocol.calls == ["pause"]
    queue.feed_data(b"c", 1)
    assert protocol.calls == ["pause"]
    assert await queue.read() == b"a"  # 2 left: below 4
    assert protocol.calls == ["pause", "resume"]
