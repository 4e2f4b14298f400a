"""Corking a streamed request body (Linux ``TCP_CORK``).

The cork may only hold bytes back while the writing task keeps writing without
returning to the event loop: whatever was written leaves as soon as the task
waits (for its producer, a drain or the response), the body arrives whole, and
a connection goes back to the pool uncorked.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from _socket_helpers import FakeTransport, serve

from aioclient_core import ClientSession, ClientTimeout
from aioclient_core._http import _corking
from aioclient_core._http._corking import SendCorking

#: Three of these with their framing stay under the writer's 64 KiB drain
#: threshold, so a burst of three never waits for a drain (which would end it)
#: however small the kernel's socket buffers are.
CHUNK = bytes(range(256)) * 64  # 16 KiB


class FakeSocket:
    """Records the TCP_CORK values set."""

    def __init__(self) -> None:
        self.corks: list[int] = []
        self.fail = False

    def setsockopt(self, level: int, option: int, value: int) -> None:
        assert (level, option) == (socket.IPPROTO_TCP, getattr(socket, "TCP_CORK", 3))
        if self.fail:
            raise OSError("not supported")
        self.corks.append(value)


def corking(sock: FakeSocket) -> SendCorking:
    return SendCorking(sock, asyncio.get_running_loop())


async def test_one_write_per_loop_turn_never_corks() -> None:
    sock = FakeSocket()
    c = corking(sock)
    for _ in range(3):
        c.before_write()
        assert not c.corked
        await asyncio.sleep(0)  # the writer waits: a new burst each time
    assert sock.corks == []


async def test_a_burst_is_corked_from_its_second_write_until_the_loop_turns() -> None:
    sock = FakeSocket()
    c = corking(sock)
    c.before_write()  # the first write leaves as usual
    assert sock.corks == []
    c.before_write()
    c.before_write()
    assert (c.corked, sock.corks) == (True, [1])  # one cork for the burst's rest
    await asyncio.sleep(0)
    assert (c.corked, sock.corks) == (False, [1, 0])  # off once the writer waited
    c.before_write()
    c.before_write()  # a new burst corks again
    assert sock.corks == [1, 0, 1]
    await asyncio.sleep(0)
    assert sock.corks == [1, 0, 1, 0]


async def test_flush_removes_the_cork_at_once_and_only_once() -> None:
    sock = FakeSocket()
    c = corking(sock)
    c.before_write()
    c.before_write()
    c.flush()  # the body ended
    assert sock.corks == [1, 0]
    c.flush()
    await asyncio.sleep(0)  # the scheduled flush finds nothing to do
    assert sock.corks == [1, 0]


async def test_a_socket_that_refuses_the_cork_is_written_as_usual() -> None:
    sock = FakeSocket()
    sock.fail = True
    c = corking(sock)
    for _ in range(3):
        c.before_write()
    assert not c.corked
    await asyncio.sleep(0)
    sock.fail = False
    c.before_write()
    c.before_write()  # not tried again on this connection
    assert sock.corks == []


async def test_only_plain_tcp_sockets_on_linux_get_a_corking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    with socket.socket() as tcp, socket.socket(socket.AF_UNIX) as unix:
        if _corking.SUPPORTED:
            assert SendCorking.for_transport(FakeTransport(tcp), loop) is not None
        assert SendCorking.for_transport(FakeTransport(tcp, tls=True), loop) is None
        assert SendCorking.for_transport(FakeTransport(unix), loop) is None
        assert SendCorking.for_transport(FakeTransport(None), loop) is None
        assert SendCorking.for_transport(None, loop) is None
        monkeypatch.setattr(_corking, "SUPPORTED", False)
        assert SendCorking.for_transport(FakeTransport(tcp), loop) is None


# -- against a real socket ------------------------------------------------------


def _cork_state(created: list[SendCorking]) -> int:
    """TCP_CORK as the kernel reports it for the upload's socket."""
    assert len(created) == 1
    sock: Any = created[0]._sock
    return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CORK))


@pytest.mark.skipif(not _corking.SUPPORTED, reason="Linux only")
async def test_a_streamed_upload_is_corked_only_while_it_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created: list[SendCorking] = []
    real = SendCorking.for_transport.__func__  # type: ignore[attr-defined]

    def recording(cls: type[SendCorking], *args: Any) -> SendCorking | None:
        result: SendCorking | None = real(cls, *args)
        if result is not None:
            created.append(result)
        return result

    monkeypatch.setattr(SendCorking, "for_transport", classmethod(recording))
    arrived: list[int] = []
    progress = asyncio.Condition()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        for _ in range(2):
            head = await reader.readuntil(b"\r\n\r\n")
            received = 0
            if b"chunked" in head:
                while size := int((await reader.readuntil(b"\r\n"))[:-2], 16):
                    received += len(await reader.readexactly(size + 2)) - 2
                    async with progress:
                        arrived.append(received)
                        progress.notify_all()
                await reader.readuntil(b"\r\n")
            body = str(received).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
            writer.write(body)
            await writer.drain()

    def arrived_at(count: int) -> Callable[[], bool]:
        return lambda: count in arrived

    async def burst_then_wait() -> AsyncIterator[bytes]:
        sent = 0
        for _ in range(3):
            for _ in range(3):  # three writes without returning to the loop
                yield CHUNK
                sent += len(CHUNK)
            # Resumed right after the third write: the burst is still on.
            assert _cork_state(created) == 1
            # Waiting for the server lets the loop turn: every byte written so
            # far must reach it now, not when the kernel's cork timer expires.
            async with progress:
                await asyncio.wait_for(progress.wait_for(arrived_at(sent)), 5)
            assert _cork_state(created) == 0

    timeout = ClientTimeout(total=20)
    async with serve(handler) as (url, accepted):
        async with ClientSession(timeout=timeout) as session:
            async with session.post(url, data=burst_then_wait()) as response:
                assert await response.text() == str(9 * len(CHUNK))
            assert _cork_state(created) == 0  # the body's end took the cork off
            async with session.get(url) as response:  # reused, and answered
                assert await asyncio.wait_for(response.text(), 5) == "0"
        assert len(accepted) == 1
