"""File bodies on event loops without ``loop.sendfile`` (uvloop): ``os.sendfile``.

The transport owns the socket, so ``_sendfile`` writes behind its back only
while the transport's buffer is empty, and waits for room on a private epoll
instance (uvloop refuses ``add_writer`` on a transport's descriptor). These tests
run the path on the default loop with its ``loop.sendfile`` refused as uvloop
refuses it, on uvloop itself in its own interpreter, and against servers that
stop reading or hang up while the socket is full.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from _servers import RawServer, assert_pool_idle, read_head
from _uploads import SIZE, closed_soon, content, expect, upload, upload_form
from yarl import URL

import aioclient
from aioclient_core import _sendfile, _writer

pytestmark = pytest.mark.skipif(
    not _sendfile.AVAILABLE, reason="os.sendfile and epoll are Linux features"
)

BIG = 24 * 2**20  # more than loopback's socket buffers hold


class DescriptorSpy:
    """Wraps ``os.sendfile``: what each call sent, and how often it found no room."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []
        self.full = 0
        self.found_full = asyncio.Event()
        self._original = os.sendfile

    def __call__(self, out_fd: int, in_fd: int, offset: int, count: int) -> int:
        try:
            sent = self._original(out_fd, in_fd, offset, count)
        except BlockingIOError:
            self.full += 1
            self.found_full.set()
            raise
        self.sent.append((offset, sent))
        return sent


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    """More than the socket buffers hold: the upload has to wait for room."""
    path = tmp_path / "big.bin"
    path.write_bytes(content(BIG))
    return path


@pytest.fixture
async def no_loop_sendfile(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[DescriptorSpy]:
    """The running loop's sendfile raises NotImplementedError, as uvloop's does."""
    loop = asyncio.get_running_loop()

    async def refuse(*args: Any, **kwargs: Any) -> int:
        raise NotImplementedError

    monkeypatch.setattr(loop, "sendfile", refuse)
    spy = DescriptorSpy()
    monkeypatch.setattr(os, "sendfile", spy)
    try:
        yield spy
    finally:
        _writer._no_sendfile_loops.discard(type(loop))


async def test_a_loop_without_sendfile_uses_os_sendfile(
    digest_url: URL, upload_file: Path, no_loop_sendfile: DescriptorSpy
) -> None:
    with upload_file.open("rb") as file:
        assert file.read(7) == content()[:7]  # the reader has read ahead
        result = await upload(digest_url, file)
        assert await closed_soon(file)
    assert {k: result[k] for k in ("length", "sha256")} == expect(content()[7:])
    # One contiguous span from the reader's position, all through the kernel.
    assert no_loop_sendfile.sent[0][0] == 7
    assert sum(sent for _, sent in no_loop_sendfile.sent) == SIZE - 7
    for (offset, sent), (following, _) in zip(
        no_loop_sendfile.sent, no_loop_sendfile.sent[1:], strict=False
    ):
        assert following == offset + sent


async def test_a_multipart_file_part_uses_os_sendfile(
    digest_url: URL, upload_file: Path, no_loop_sendfile: DescriptorSpy
) -> None:
    assert await upload_form(digest_url, upload_file) == expect(content())
    assert sum(sent for _, sent in no_loop_sendfile.sent) == SIZE


def _digest_response(body: bytes) -> bytes:
    answer = hashlib.sha256(body).hexdigest().encode()
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)


async def test_a_full_socket_waits_for_room(
    big_file: Path, no_loop_sendfile: DescriptorSpy
) -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        await asyncio.sleep(0.3)  # not reading: the client's socket fills up
        writer.write(_digest_response(await reader.readexactly(BIG)))
        await writer.drain()

    async with RawServer(handler) as server:
        with big_file.open("rb") as file:
            async with (
                aioclient.ClientSession() as session,
                session.post(server.url, data=file) as resp,
            ):
                assert await resp.text() == hashlib.sha256(content(BIG)).hexdigest()
    assert no_loop_sendfile.full >= 1  # it did wait for room, and went on
    assert sum(sent for _, sent in no_loop_sendfile.sent) == BIG


async def test_a_server_hanging_up_on_a_full_socket_fails_the_request(
    big_file: Path, no_loop_sendfile: DescriptorSpy
) -> None:
    hung_up = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        await asyncio.sleep(0.3)  # the client is now waiting for room
        writer.transport.abort()
        hung_up.set()

    async with RawServer(handler) as server, aioclient.ClientSession() as session:
        with (
            big_file.open("rb") as file,
            pytest.raises(aioclient.ClientConnectionError),
        ):
            async with session.post(server.url, data=file) as resp:
                await resp.read()
        assert hung_up.is_set()
        connector = session.connector
        assert connector is not None
        assert_pool_idle(connector)
        assert not any(connector._idle.values())  # nothing went back
    assert no_loop_sendfile.full >= 1


async def test_closing_the_session_while_the_socket_is_full_ends_the_upload(
    big_file: Path, no_loop_sendfile: DescriptorSpy
) -> None:
    # The upload is waiting for room when the session closes its connection:
    # the request must fail at once, not wait for a socket that is gone.
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        await asyncio.sleep(5)  # never reads the body

    async with RawServer(handler) as server:
        session = aioclient.ClientSession()
        with big_file.open("rb") as file:
            request = asyncio.ensure_future(session.post(server.url, data=file))
            await asyncio.wait_for(no_loop_sendfile.found_full.wait(), 10)
            await session.close()
            with pytest.raises(aioclient.ClientConnectionError):
                await asyncio.wait_for(request, 2)


class _HoldingTransport:
    """Stands in for a transport that still holds bytes for its first checks."""

    def __init__(self, sock: socket.socket, held: list[int]) -> None:
        self._sock = sock
        self.held = held
        self.checks: list[int] = []
        self.closing = False

    def get_extra_info(self, name: str) -> Any:
        return self._sock if name == "socket" else None

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        size = self.held.pop(0) if self.held else 0
        self.checks.append(size)
        return size


class _Protocol:
    def __init__(self, transport: _HoldingTransport) -> None:
        self.transport = transport
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()


async def test_bytes_the_transport_holds_leave_before_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"0123456789")
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    transport = _HoldingTransport(ours, held=[40, 40, 0])
    calls: list[list[int]] = []
    original = os.sendfile

    def record(out_fd: int, in_fd: int, offset: int, count: int) -> int:
        calls.append(list(transport.checks))
        return original(out_fd, in_fd, offset, count)

    monkeypatch.setattr(os, "sendfile", record)
    try:
        with path.open("rb") as file:
            sent = await _sendfile.sendfile_by_descriptor(
                _Protocol(transport),  # type: ignore[arg-type]
                asyncio.get_running_loop(),
                file,
                2,
                5,
            )
        assert sent == 5
        assert theirs.recv(100) == b"23456"
        assert calls == [[40, 40, 0]]  # only once the transport held nothing
    finally:
        ours.close()
        theirs.close()


async def test_a_file_shorter_than_announced_stops_at_its_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    try:
        with path.open("rb") as file:
            sent = await _sendfile.sendfile_by_descriptor(
                _Protocol(_HoldingTransport(ours, held=[])),  # type: ignore[arg-type]
                asyncio.get_running_loop(),
                file,
                1,
                10,
            )
        assert sent == 2
        assert theirs.recv(100) == b"bc"
    finally:
        ours.close()
        theirs.close()


async def test_a_lost_connection_wakes_a_wait_for_room(big_file: Path) -> None:
    # When the transport closes the socket, the descriptor leaves the epoll
    # instance and will never be reported: the protocol's closed future ends
    # the wait instead.
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    transport = _HoldingTransport(ours, held=[])
    protocol = _Protocol(transport)
    try:
        with big_file.open("rb") as file:
            sending = asyncio.ensure_future(
                _sendfile.sendfile_by_descriptor(
                    protocol,  # type: ignore[arg-type]
                    asyncio.get_running_loop(),
                    file,
                    0,
                    BIG,
                )
            )
            await asyncio.sleep(0.2)  # nobody reads `theirs`: it is waiting
            assert not sending.done()
            transport.closing = True
            protocol.closed.set_result(None)
            with pytest.raises(aioclient.ClientConnectionResetError):
                await asyncio.wait_for(sending, 2)
    finally:
        ours.close()
        theirs.close()


_UVLOOP_UPLOAD = """
import asyncio, hashlib, os, ssl, sys
import uvloop
from aiohttp import web
import aioclient

calls = []
original = os.sendfile
def spy(out_fd, in_fd, offset, count):
    sent = original(out_fd, in_fd, offset, count)
    calls.append(sent)
    return sent
os.sendfile = spy

async def digest(request):
    return web.Response(text=hashlib.sha256(await request.read()).hexdigest())

async def main(path, pems):
    server_tls = client_tls = None
    if pems:  # the server's key and chain, then the CA
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(pems[0])
        client_tls = ssl.create_default_context(cafile=pems[1])
    app = web.Application(client_max_size=2**30)
    app.router.add_post("/", digest)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_tls).start()
    port = runner.addresses[0][1]
    url = f"{'https' if pems else 'http'}://127.0.0.1:{port}/"
    try:
        async with aioclient.ClientSession() as session:
            with open(path, "rb") as file:
                kwargs = {"ssl": client_tls} if client_tls else {}
                async with session.post(url, data=file, **kwargs) as r:
                    print(r.status, await r.text(), sum(calls))
                for _ in range(100):  # closed once sent (see closed_soon)
                    if file.closed:
                        break
                    await asyncio.sleep(0.01)
                print(file.closed)
    finally:
        await runner.cleanup()

with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
    runner.run(main(sys.argv[1], sys.argv[2:]))
"""


def _run_uvloop_upload(*args: str) -> list[str]:
    # (Its own interpreter: a uvloop loop inside pytest-asyncio's session is not
    # what users run.)
    pytest.importorskip("uvloop")
    done = subprocess.run(
        [sys.executable, "-c", _UVLOOP_UPLOAD, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_uvloop_uploads_files_with_os_sendfile(upload_file: Path) -> None:
    # uvloop's loop.sendfile raises NotImplementedError; the whole file goes
    # through os.sendfile, and the file is closed after it.
    digest = hashlib.sha256(content()).hexdigest()
    assert _run_uvloop_upload(str(upload_file)) == ["200", digest, str(SIZE), "True"]


def test_uvloop_tls_uploads_read_slices(upload_file: Path, tmp_path: Path) -> None:
    # TLS encrypts in this process: no os.sendfile, or the server would get
    # plaintext in the middle of the TLS stream.
    ca = trustme.CA()
    chain, authority = tmp_path / "server.pem", tmp_path / "ca.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(chain)
    ca.cert_pem.write_to_path(authority)
    digest = hashlib.sha256(content()).hexdigest()
    result = _run_uvloop_upload(str(upload_file), str(chain), str(authority))
    assert result == ["200", digest, "0", "True"]


async def test_a_loop_that_cannot_watch_descriptors_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asked before any byte is sent, so the caller can still read slices.
    loop = asyncio.get_running_loop()

    def cannot(*args: Any) -> None:
        raise NotImplementedError

    monkeypatch.setattr(loop, "add_reader", cannot)
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    ours, theirs = socket.socketpair()
    try:
        with path.open("rb") as file:
            sent = await _sendfile.sendfile_by_descriptor(
                _Protocol(_HoldingTransport(ours, held=[])),  # type: ignore[arg-type]
                loop,
                file,
                0,
                3,
            )
        assert sent is None
        theirs.setblocking(False)
        with pytest.raises(BlockingIOError):
            theirs.recv(10)  # nothing was sent
    finally:
        ours.close()
        theirs.close()
