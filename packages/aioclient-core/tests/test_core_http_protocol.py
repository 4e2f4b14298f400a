"""ResponseHandler: bytes from a transport become response heads and body streams."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import pytest

from aioclient_core._empty_stream import EMPTY_PAYLOAD
from aioclient_core._exceptions import (
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from aioclient_core._http import protocol as protocol_module
from aioclient_core._http._errors import BadStatusLine, HttpProcessingError
from aioclient_core._http.protocol import ResponseHandler


class FakeTransport(asyncio.Transport):
    """Records what the protocol asks of its transport."""

    def __init__(self) -> None:
        super().__init__()
        self.closing = False
        self.paused = False
        self.pause_calls = 0

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        self.paused = True
        self.pause_calls += 1

    def resume_reading(self) -> None:
        self.paused = False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return default


def connected(**params: object) -> tuple[ResponseHandler, FakeTransport]:
    protocol = ResponseHandler(asyncio.get_running_loop())
    transport = FakeTransport()
    protocol.connection_made(transport)
    protocol.set_response_params(**params)  # type: ignore[arg-type]
    return protocol, transport


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"


async def test_head_and_body_are_delivered() -> None:
    protocol, _ = connected()
    protocol.data_received(OK_HEAD + b"hello")
    head, body = await protocol.read()
    assert head.code == 200
    assert head.headers["Content-Length"] == "5"
    assert await body.read() == b"hello"
    assert not protocol.should_close


async def test_body_split_across_reads() -> None:
    protocol, _ = connected()
    for byte in OK_HEAD + b"hello":
        protocol.data_received(bytes([byte]))
    _, body = await protocol.read()
    assert await body.read() == b"hello"
    assert not protocol.should_close


async def test_whole_response_in_a_coding_without_decoder_fails_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As when the brotli or zstd module is missing: the head arrives, the body
    # fails, and the connection is not reused.
    monkeypatch.setattr(protocol_module, "get_decompressor", lambda coding: None)
    protocol, _ = connected()
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc"
    )
    head, body = await protocol.read()
    assert head.code == 200
    with pytest.raises(ClientPayloadError, match="Can not decode content-encoding: br"):
        await body.read()
    assert protocol.should_close


async def test_head_request_gets_the_empty_payload() -> None:
    protocol, _ = connected(method="HEAD")
    protocol.data_received(OK_HEAD)
    head, body = await protocol.read()
    assert head.code == 200
    assert body is EMPTY_PAYLOAD
    assert not protocol.should_close


async def test_unread_body_makes_the_connection_not_reusable() -> None:
    protocol, _ = connected()
    protocol.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
    await protocol.read()
    assert protocol.should_close  # half the body is still on the wire


async def test_chunked_body_marks_chunk_boundaries() -> None:
    protocol, _ = connected()
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    _, body = await protocol.read()
    assert await body.readchunk() == (b"abc", True)
    assert await body.readchunk() == (b"de", True)
    assert await body.readchunk() == (b"", False)
    assert not protocol.should_close


@pytest.mark.parametrize(
    "trailer", [b"", b"X-T: 1\r\n"], ids=["no-trailers", "trailers"]
)
@pytest.mark.parametrize("whole", [True, False], ids=["one-read", "byte-per-read"])
@pytest.mark.parametrize(
    "payload", [b"hello", b"0123456789abcdef" * 1875], ids=["small", "30000-bytes"]
)
async def test_one_chunk_body_is_one_http_chunk(
    trailer: bytes, whole: bool, payload: bytes
) -> None:
    # A response sent as one chunk usually arrives in one read and is
    # delivered in one step; it must read exactly like the byte-per-read case.
    # 30000 bytes is over VIEW_MIN: the decoder passes that chunk on as a view
    # of the read, which must still reach the reader as bytes.
    protocol, _ = connected()
    data = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n" % len(payload)
        + payload
        + b"\r\n0\r\n"
        + trailer
        + b"\r\n"
    )
    pieces = [data] if whole else [bytes([byte]) for byte in data]
    if not whole and len(payload) > 5:
        pieces = [data[:100], data[100:]]  # (30000 one-byte reads take long)
    for piece in pieces:
        protocol.data_received(piece)
    _, body = await protocol.read()
    chunk = await body.readchunk()
    assert chunk == (payload, True)
    assert type(chunk[0]) is bytes
    assert await body.readchunk() == (b"", False)
    assert body.is_eof()
    assert not protocol.should_close


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
    ],
)
async def test_content_coding_is_undone(encoding: str, compress: object) -> None:
    data = b"payload " * 1000
    encoded = compress(data)  # type: ignore[operator]
    protocol, _ = connected()
    protocol.data_received(
        f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\n"
        f"Content-Length: {len(encoded)}\r\n\r\n".encode()
        + encoded
    )
    _, body = await protocol.read()
    assert await body.read() == data
    assert body.total_raw_bytes == len(encoded)


async def test_auto_decompress_off_passes_bytes_through() -> None:
    encoded = gzip.compress(b"data")
    protocol, _ = connected(auto_decompress=False)
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(encoded)}\r\n\r\n".encode()
        + encoded
    )
    _, body = await protocol.read()
    assert await body.read() == encoded


async def test_decompression_bomb_is_decoded_in_bounded_steps() -> None:
    # 64 MiB of zeros compress to ~64 KiB; the stream must never hold more than a
    # few steps of output while the reader is behind.
    bomb = gzip.compress(b"\0" * (64 * 2**20))
    protocol, transport = connected(read_bufsize=2**16)
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(bomb)}\r\n\r\n".encode()
        + bomb
    )
    _, body = await protocol.read()
    assert transport.paused
    assert protocol.reading_paused
    peak = 0
    total = 0
    while chunk := await body.readany():
        total += len(chunk)
        peak = max(peak, len(body._buffer))
    assert total == 64 * 2**20
    assert peak <= 2**16 * 2 + 2**18
    assert not protocol.should_close


async def test_corrupt_compressed_body_fails_the_stream() -> None:
    protocol, transport = connected()
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\n"
        b"notgzip!"
    )
    _, body = await protocol.read()
    with pytest.raises(ClientPayloadError, match="not completed"):
        await body.read()
    assert protocol.should_close
    assert transport.closing


async def test_malformed_head_fails_read_and_closes() -> None:
    protocol, transport = connected()
    protocol.data_received(b"HTTP/9 banana\r\n\r\n")
    with pytest.raises(BadStatusLine):
        await protocol.read()
    assert protocol.should_close
    assert transport.closing


async def test_malformed_body_fails_the_stream_with_payload_error() -> None:
    protocol, _ = connected()
    protocol.data_received(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX"
    )
    _, body = await protocol.read()
    with pytest.raises(ClientPayloadError) as info:
        await body.read()
    assert isinstance(info.value.__cause__, HttpProcessingError)
    assert protocol.should_close


async def test_connection_lost_before_head_is_server_disconnected() -> None:
    protocol, _ = connected()
    protocol.connection_lost(None)
    with pytest.raises(ServerDisconnectedError):
        await protocol.read()
    assert protocol.closed.done()


async def test_connection_reset_before_head_is_client_os_error() -> None:
    protocol, _ = connected()
    protocol.connection_lost(ConnectionResetError(104, "reset"))
    with pytest.raises(ClientOSError):
        await protocol.read()


async def test_truncated_body_is_payload_error() -> None:
    protocol, _ = connected()
    protocol.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
    _, body = await protocol.read()
    protocol.connection_lost(None)
    with pytest.raises(ClientPayloadError, match="not completed"):
        await body.read()


async def test_body_until_close_ends_at_eof() -> None:
    protocol, _ = connected(read_until_eof=True)
    protocol.data_received(b"HTTP/1.1 200 OK\r\n\r\nstream")
    _, body = await protocol.read()
    protocol.data_received(b"ing")
    protocol.connection_lost(None)
    assert await body.read() == b"streaming"
    assert protocol.should_close


async def test_silent_server_hits_the_read_timeout() -> None:
    protocol, transport = connected(read_timeout=0.05)
    with pytest.raises(SocketTimeoutError, match="Timeout on reading data"):
        await protocol.read()
    assert transport.closing


async def test_read_timeout_is_rearmed_by_data() -> None:
    protocol, _ = connected(read_timeout=0.2)
    protocol.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
    _, body = await protocol.read()
    for part in (b"ab", b"cd", b"ef"):
        await asyncio.sleep(0.1)  # each gap is shorter than the timeout
        protocol.data_received(part)
    assert await body.read() == b"abcdef"


async def test_unsolicited_bytes_close_an_idle_connection() -> None:
    protocol = ResponseHandler(asyncio.get_running_loop())
    transport = FakeTransport()
    protocol.connection_made(transport)
    protocol.data_received(b"HTTP/1.1 200 OK\r\n\r\n")
    assert protocol.should_close
    assert transport.closing


async def test_bytes_after_a_complete_response_prevent_reuse() -> None:
    protocol, _ = connected()
    protocol.data_received(OK_HEAD + b"helloEXTRA")
    _, body = await protocol.read()
    assert await body.read() == b"hello"
    assert protocol.should_close


async def test_upgrade_keeps_the_raw_tail() -> None:
    protocol, _ = connected()
    protocol.data_received(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x02hi"
    )
    head, _ = await protocol.read()
    assert head.code == 101
    protocol.data_received(b"more")
    assert protocol.upgraded
    assert protocol.should_close
    assert protocol.take_tail() == b"\x81\x02himore"
