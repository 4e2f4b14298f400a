"""The receive low-water mark for large Content-Length bodies (Linux only).

The mark must never change what the application sees: every byte arrives, the
end of the body is not delayed, a connection goes back to the pool without it,
and a server that stalls mid-body still gets its bytes delivered promptly.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from typing import Any

import pytest
from _socket_helpers import FakeTransport, serve

from aioclient_core import ClientPayloadError, ClientSession, ClientTimeout
from aioclient_core._http import _batching
from aioclient_core._http._batching import (
    BATCH_MIN_BODY,
    GUARD_INTERVAL,
    RECEIVE_BATCH,
    ReceiveBatching,
)

BODY = bytes(range(256)) * (8 * 2**20 // 256)  # 8 MiB: well over BATCH_MIN_BODY


def _receive_buffer_can_grow() -> bool:
    """Whether TCP autotuning may grow a receive buffer past 4 marks here."""
    try:
        with open("/proc/sys/net/ipv4/tcp_rmem") as handle:
            return int(handle.read().split()[2]) >= 8 * RECEIVE_BATCH
    except (OSError, ValueError, IndexError):
        return False


real_socket = pytest.mark.skipif(
    not (_batching.SUPPORTED and _receive_buffer_can_grow()),
    reason="needs Linux 4.18+ and a tcp_rmem maximum of at least 1 MiB",
)


class FakeSocket:
    """Records the low-water marks set; reports a receive buffer size."""

    def __init__(self, rcvbuf: int = 4 * 2**20) -> None:
        self.rcvbuf = rcvbuf
        self.marks: list[int] = []
        self.fail = False

    def getsockopt(self, level: int, option: int) -> int:
        assert (level, option) == (socket.SOL_SOCKET, socket.SO_RCVBUF)
        return self.rcvbuf

    def setsockopt(self, level: int, option: int, value: int) -> None:
        assert (level, option) == (socket.SOL_SOCKET, socket.SO_RCVLOWAT)
        if self.fail:
            raise OSError("not supported")
        self.marks.append(value)


def state(b: ReceiveBatching) -> tuple[bool, bool]:
    """(mark set now, off for the rest of the body)."""
    return b.active, b.finished


def batching(
    sock: FakeSocket, paused: Callable[[], bool] = lambda: False
) -> ReceiveBatching:
    return ReceiveBatching(sock, asyncio.get_running_loop(), paused)


async def test_mark_is_set_for_a_large_body_and_reset_before_its_end() -> None:
    sock = FakeSocket()
    b = batching(sock)
    b.update(BATCH_MIN_BODY - 1)  # too little left: never set for this body
    assert sock.marks == []
    assert state(b) == (False, True)
    b = batching(sock)
    b.update(BATCH_MIN_BODY)
    assert sock.marks == [RECEIVE_BATCH]
    assert state(b) == (True, False)
    b.update(2 * RECEIVE_BATCH)  # two marks still to come: kept
    assert state(b) == (True, False)
    b.update(2 * RECEIVE_BATCH - 1)  # fewer: the kernel must not wait for them
    assert sock.marks == [RECEIVE_BATCH, 1]
    assert state(b) == (False, True)


async def test_mark_waits_for_a_receive_buffer_that_avoids_a_window_clamp() -> None:
    sock = FakeSocket(rcvbuf=4 * RECEIVE_BATCH - 1)
    b = batching(sock)
    b.update(BATCH_MIN_BODY)
    assert sock.marks == []
    assert not b.finished
    sock.rcvbuf = 4 * RECEIVE_BATCH
    b.update(BATCH_MIN_BODY)
    assert sock.marks == [RECEIVE_BATCH]
    b.stop()


async def test_body_end_and_unsupported_sockets_leave_the_mark_alone() -> None:
    sock = FakeSocket()
    b = batching(sock)
    b.update(BATCH_MIN_BODY)
    b.update(None)  # the body ended (or failed)
    assert sock.marks == [RECEIVE_BATCH, 1]
    failing = FakeSocket()
    failing.fail = True
    b = batching(failing)
    b.update(BATCH_MIN_BODY)
    assert state(b) == (False, True)
    closed = FakeSocket()
    b = batching(closed)
    b.update(BATCH_MIN_BODY)
    closed.fail = True
    b.stop(reset=False)  # a closed socket is not touched
    assert closed.marks == [RECEIVE_BATCH]


async def test_guard_drops_the_mark_when_reads_stop_but_not_while_paused() -> None:
    paused = True
    sock = FakeSocket()
    b = batching(sock, lambda: paused)
    b.update(BATCH_MIN_BODY)
    await asyncio.sleep(GUARD_INTERVAL * 3)
    assert state(b) == (True, False)  # paused: no read was expected
    paused = False
    b.update(BATCH_MIN_BODY)  # a read: the next interval starts afresh
    await asyncio.sleep(GUARD_INTERVAL * 3)
    assert state(b) == (False, True)
    assert sock.marks == [RECEIVE_BATCH, 1]
    b.update(BATCH_MIN_BODY)  # off for the rest of this body
    assert sock.marks == [RECEIVE_BATCH, 1]


def test_kernel_release_check() -> None:
    check = _batching._kernel_signals_on_reset
    assert check("4.18.0-553.el8")
    assert check("6.1.0-18-amd64")
    assert not check("4.17.19")
    assert not check("3.10.0-1160.el7.x86_64")
    assert not check("unknown")


# -- against a real socket ------------------------------------------------------


def mark_set(response: Any) -> bool:
    """Whether the response's connection has the low-water mark set now."""
    if response.connection is None:  # released: the body is complete
        return False
    batching = response.connection.protocol._batching
    return batching is not None and bool(batching.active)


@real_socket
async def test_large_body_arrives_whole_and_the_connection_is_reused() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        for _ in range(2):
            request = await reader.readuntil(b"\r\n\r\n")
            body = BODY if request.startswith(b"GET /big ") else b"ok"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
            writer.write(body)
            await writer.drain()

    timeout = ClientTimeout(total=10)
    async with serve(handler) as (url, accepted):
        async with ClientSession(timeout=timeout) as session:
            async with session.get(url + "/big") as response:
                chunks, engaged = [], False
                async for chunk in response.content.iter_chunked(65536):
                    chunks.append(chunk)
                    engaged |= mark_set(response)
                assert b"".join(chunks) == BODY
            assert engaged, "the mark was never set: this test would prove nothing"
            # A 2-byte answer on the same connection: it arrives only because
            # the mark was reset before the connection went back to the pool.
            async with session.get(url + "/small") as response:
                assert await asyncio.wait_for(response.read(), 5) == b"ok"
        assert len(accepted) == 1


@real_socket
async def test_a_stalling_server_still_gets_its_bytes_through() -> None:
    # 4 MiB quickly (the mark is set), a short pause, then 1000 bytes and a
    # long pause: with sock_read=1 those 1000 bytes (under the mark) must reach
    # the reader long before the long pause ends.
    head = 4 * 2**20
    resume = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY))
        writer.write(BODY[:head])
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.write(BODY[head : head + 1000])
        await writer.drain()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(resume.wait(), 3)
        writer.write(BODY[head + 1000 :])
        await writer.drain()

    timeout = ClientTimeout(total=20, sock_read=1)
    async with (
        serve(handler) as (url, _),
        ClientSession(timeout=timeout) as session,
        session.get(url) as response,
    ):
        received, engaged = 0, False
        while received < head + 1000:
            received += len(await response.content.readany())
            engaged |= mark_set(response)
        assert engaged, "the mark was never set: this test would prove nothing"
        resume.set()
        assert received + len(await response.read()) == len(BODY)


@pytest.mark.skipif(not _batching.SUPPORTED, reason="Linux 4.18+ only")
async def test_only_large_bodies_on_plain_tcp_sockets_get_a_batching() -> None:
    loop = asyncio.get_running_loop()

    def make(transport: Any, remaining: int | None) -> ReceiveBatching | None:
        return ReceiveBatching.for_body(transport, loop, remaining, lambda: False)

    with socket.socket() as tcp, socket.socket(socket.AF_UNIX) as unix:
        assert make(FakeTransport(tcp), BATCH_MIN_BODY) is not None
        assert make(FakeTransport(tcp), BATCH_MIN_BODY - 1) is None
        assert make(FakeTransport(tcp), None) is None  # chunked or until close
        assert make(FakeTransport(tcp, tls=True), BATCH_MIN_BODY) is None
        assert make(FakeTransport(unix), BATCH_MIN_BODY) is None
        assert make(FakeTransport(None), BATCH_MIN_BODY) is None
        assert make(None, BATCH_MIN_BODY) is None


@real_socket
async def test_a_server_closing_mid_body_fails_the_body_at_once() -> None:
    # The close must reach the reader even while the mark is set and fewer
    # bytes than the mark are waiting.
    head = 4 * 2**20

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY))
        writer.write(BODY[: head + 1000])
        await writer.drain()

    timeout = ClientTimeout(total=5)
    async with (
        serve(handler) as (url, _),
        ClientSession(timeout=timeout) as session,
        session.get(url) as response,
    ):
        received, engaged = 0, False

        async def read_all() -> None:
            nonlocal received, engaged
            while chunk := await response.content.readany():
                received += len(chunk)
                engaged |= mark_set(response)

        with pytest.raises(ClientPayloadError, match="Not enough data"):
            await read_all()
        assert engaged, "the mark was never set: this test would prove nothing"
        assert received == head + 1000
