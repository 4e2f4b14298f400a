"""File bodies sent with ``sendfile``, and every case that must not use it.

A regular file opened with ``open(path, "rb")`` goes from the page cache to the
socket through ``loop.sendfile`` on the default event loop over plain TCP. The
server (aiohttp.web, test-only) reports a digest of what it received, so each
test checks the exact bytes; a spy on ``loop.sendfile`` tells which path ran.
"""

from __future__ import annotations

import asyncio
import io
import os
import ssl
from pathlib import Path
from typing import IO, Any

import pytest
import trustme
from _servers import RawServer, assert_pool_idle, read_head, serve_app
from _uploads import (
    SIZE,
    closed_soon,
    content,
    digest_app,
    expect,
    upload,
    upload_form,
)
from aiohttp import web
from yarl import URL

import aioclient


class SendfileSpy:
    """Wraps ``loop.sendfile`` and records what it sent."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.calls: list[tuple[int, int]] = []
        self._original = loop.sendfile
        self.refuse: BaseException | None = None

    async def __call__(
        self, transport: Any, file: IO[bytes], offset: int, count: int, **kw: Any
    ) -> int:
        if self.refuse is not None:
            if isinstance(self.refuse, asyncio.SendfileNotAvailableError):
                # What asyncio does when os.sendfile fails on its first call:
                # it puts the descriptor's offset at `offset`, then refuses.
                os.lseek(file.fileno(), offset, os.SEEK_SET)
            raise self.refuse
        sent: int = await self._original(transport, file, offset, count, **kw)
        self.calls.append((offset, sent))
        return sent


@pytest.fixture
async def spy(monkeypatch: pytest.MonkeyPatch) -> SendfileSpy:
    loop = asyncio.get_running_loop()
    recorder = SendfileSpy(loop)
    monkeypatch.setattr(loop, "sendfile", recorder)
    return recorder


async def test_a_file_body_goes_through_sendfile(
    digest_url: URL, upload_file: Path, spy: SendfileSpy
) -> None:
    with upload_file.open("rb") as file:
        result = await upload(digest_url, file)
        assert await closed_soon(file)  # once sent, as aiohttp does
    assert result["content_length"] == str(SIZE)
    assert {k: result[k] for k in ("length", "sha256")} == expect(content())
    assert spy.calls == [(0, SIZE)]


async def test_the_file_is_sent_from_its_current_position(
    digest_url: URL, upload_file: Path, spy: SendfileSpy
) -> None:
    with upload_file.open("rb") as file:
        # The buffered reader has read ahead: its descriptor is past tell().
        assert file.read(10) == content()[:10]
        result = await upload(digest_url, file)
        assert await closed_soon(file)
    assert {k: result[k] for k in ("length", "sha256")} == expect(content()[10:])
    assert spy.calls == [(10, SIZE - 10)]


async def test_multipart_file_part_goes_through_sendfile(
    digest_url: URL, upload_file: Path, spy: SendfileSpy
) -> None:
    assert await upload_form(digest_url, upload_file) == expect(content())
    assert spy.calls == [(0, SIZE)]


async def test_a_redirect_sends_the_file_again(
    upload_file: Path, spy: SendfileSpy
) -> None:
    async def redirect(request: web.Request) -> web.Response:
        await request.read()
        raise web.HTTPTemporaryRedirect("/")

    app = digest_app()
    app.router.add_post("/old", redirect)
    async with serve_app(app) as base:
        with upload_file.open("rb") as file:
            result = await upload(base / "old", file)
    assert {k: result[k] for k in ("length", "sha256")} == expect(content())
    assert spy.calls == [(0, SIZE), (0, SIZE)]


async def test_an_empty_file_sends_no_bytes(
    digest_url: URL, tmp_path: Path, spy: SendfileSpy
) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with path.open("rb") as file:
        result = await upload(digest_url, file)
    assert result["content_length"] == "0"
    assert result["length"] == 0
    assert spy.calls == []


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"chunked": True}, id="chunked"),
        pytest.param({"compress": "deflate"}, id="compressed"),
    ],
)
async def test_framed_or_compressed_bodies_are_read_instead(
    digest_url: URL, upload_file: Path, spy: SendfileSpy, kwargs: dict[str, Any]
) -> None:
    with upload_file.open("rb") as file:
        result = await upload(digest_url, file, **kwargs)
    assert result["chunked"]
    assert {k: result[k] for k in ("length", "sha256")} == expect(content())
    assert spy.calls == []


async def test_chunk_tracing_gets_the_bytes(
    digest_url: URL, upload_file: Path, spy: SendfileSpy
) -> None:
    traced: list[int] = []

    async def on_chunk(session: Any, ctx: Any, params: Any) -> None:
        traced.append(len(params.chunk))

    trace = aioclient.TraceConfig()
    trace.on_request_chunk_sent.append(on_chunk)
    with upload_file.open("rb") as file:
        async with (
            aioclient.ClientSession(trace_configs=[trace]) as session,
            session.post(digest_url, data=file) as resp,
        ):
            result = await resp.json()
    assert result["length"] == SIZE
    assert sum(traced) == SIZE
    assert spy.calls == []


async def test_a_refused_sendfile_falls_back_to_reading(
    digest_url: URL, upload_file: Path, spy: SendfileSpy
) -> None:
    # (A loop with no sendfile at all is in test_session_sendfile_fd.py.)
    spy.refuse = asyncio.SendfileNotAvailableError()
    with upload_file.open("rb") as file:
        assert file.read(7) == content()[:7]
        result = await upload(digest_url, file)
        assert await closed_soon(file)
    assert {k: result[k] for k in ("length", "sha256")} == expect(content()[7:])
    assert spy.calls == []


async def test_tls_uploads_files_without_sendfile(
    upload_file: Path, spy: SendfileSpy
) -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    runner = web.AppRunner(digest_app(), handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with upload_file.open("rb") as file:
            result = await upload(
                URL(f"https://127.0.0.1:{port}/"), file, ssl=client_context
            )
    finally:
        await runner.cleanup()
    assert {k: result[k] for k in ("length", "sha256")} == expect(content())
    assert spy.calls == []


async def test_a_server_closing_mid_upload_fails_the_request(
    upload_file: Path,
) -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_head(reader)
        await reader.readexactly(2**16)  # some of the body, then hang up
        writer.transport.abort()

    async with RawServer(handler) as server:
        url = server.url
        async with aioclient.ClientSession() as session:
            with (
                upload_file.open("rb") as file,
                pytest.raises(aioclient.ClientConnectionError),
            ):
                async with session.post(url, data=file) as resp:
                    await resp.read()
            connector = session.connector
            assert connector is not None
            assert_pool_idle(connector)
            assert not any(connector._idle.values())  # nothing went back


def test_only_read_only_buffered_files_are_offered(tmp_path: Path) -> None:
    from aioclient_forms import BufferedReaderPayload, FileSender

    path = tmp_path / "f"
    path.write_bytes(b"abc")

    class Recorder:
        def __init__(self) -> None:
            self.written = bytearray()
            self.offered: list[tuple[int, int]] = []

        async def write(self, chunk: bytes | bytearray | memoryview) -> None:
            self.written += chunk

        async def send_file(self, file: IO[bytes], offset: int, count: int) -> bool:
            self.offered.append((offset, count))
            return False

    recorder = Recorder()
    assert isinstance(recorder, FileSender)

    async def main() -> None:
        with path.open("rb") as file:
            await BufferedReaderPayload(file).write_with_length(recorder, 2)
        with path.open("r+b") as rw:  # BufferedRandom: may hold unwritten bytes
            await BufferedReaderPayload(rw).write(recorder)
        await BufferedReaderPayload(io.BytesIO(b"xyz")).write(recorder)

    asyncio.run(main())
    assert recorder.offered == [(0, 2)]  # the length limit applies
    assert bytes(recorder.written) == b"ab" + b"abc" + b"xyz"
