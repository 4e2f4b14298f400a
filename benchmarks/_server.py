"""A small HTTP/1.1 server for the benchmarks, written on raw asyncio protocols.

It listens on 127.0.0.1 only and serves a handful of fixed routes, fast enough that
the client under test (not the server) is the bottleneck:

* ``GET /small``: a 13-byte body with ``Content-Length``;
* ``GET /redirect``: ``302 Found`` with ``Location: /small`` and an empty body;
* ``GET /bytes/N``: N bytes with ``Content-Length``, streamed with flow control;
* ``GET /chunked/N``: N bytes with ``Transfer-Encoding: chunked`` (64 KiB chunks);
* ``GET /gzip/N``: N bytes of repetitive text, gzip-compressed once at first use;
* ``GET /barrier/N``: answered only when N such requests are waiting at once (so N
  connections are open at the same time), or with 503 after a timeout;
* ``GET /stats``: JSON with the connections accepted so far and open now, and the
  server's CPU time in seconds;
* ``POST`` or ``PUT`` to any path: the body (``Content-Length`` or chunked) is
  counted and dropped; the response body is the count in decimal.

A request with ``Connection: close`` gets ``Connection: close`` and the connection
is closed after the response. The server prints ``READY <port>`` once it listens and
exits when its standard input reaches end of file (or on SIGTERM).

Usage: ``python _server.py [--port 0] [--loop auto|asyncio|uvloop]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import cast

from _measure import raise_fd_limit

STREAM_WRITE = 256 * 1024
CHUNK_FRAME = 64 * 1024
SMALL_BODY = b"Hello, world!"
BARRIER_TIMEOUT = 60.0
_PAYLOAD = (bytes(range(256)) * (STREAM_WRITE // 256))[:STREAM_WRITE]
_FRAME = b"%x\r\n" % CHUNK_FRAME + _PAYLOAD[:CHUNK_FRAME] + b"\r\n"
_FRAMES = _FRAME * (STREAM_WRITE // CHUNK_FRAME)  # one write, several chunks
_LINE = b"%08d the quick brown fox jumps over the lazy dog, again and again\n"

_HEAD, _BODY, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_CRLF, _TRAILER = range(6)


def compressible_text(size: int) -> bytes:
    """Return ``size`` bytes of repetitive text (the client checks only the length)."""
    parts: list[bytes] = []
    total = 0
    index = 0
    while total < size:
        line = _LINE % index
        parts.append(line)
        total += len(line)
        index += 1
    return b"".join(parts)[:size]


def _head(status: str, headers: list[tuple[str, str]], close: bool) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _simple(status: str, body: bytes, close: bool, ctype: str = "text/plain") -> bytes:
    headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
    return _head(status, headers, close) + body


_SMALL = {close: _simple("200 OK", SMALL_BODY, close) for close in (False, True)}
_REDIRECT = {
    close: _head("302 Found", [("Location", "/small"), ("Content-Length", "0")], close)
    for close in (False, True)
}


class State:
    """What all connections of one server process share."""

    def __init__(self) -> None:
        self.accepted = 0
        self.open = 0
        self.gzip_cache: dict[int, bytes] = {}
        self.barriers: dict[int, list[Callable[[bool], None]]] = {}

    def gzip_body(self, size: int) -> bytes:
        body = self.gzip_cache.get(size)
        if body is None:
            body = gzip.compress(compressible_text(size), compresslevel=6)
            self.gzip_cache[size] = body
        return body

    def join_barrier(self, size: int, release: Callable[[bool], None]) -> None:
        waiting = self.barriers.setdefault(size, [])
        waiting.append(release)
        if len(waiting) >= size:
            del self.barriers[size]
            for waiter in waiting:
                waiter(True)
            return
        if len(waiting) == 1:
            loop = asyncio.get_running_loop()
            loop.call_later(BARRIER_TIMEOUT, self._expire, size, waiting)

    def leave_barrier(self, size: int, release: Callable[[bool], None]) -> None:
        """Forget a waiter whose connection closed, so it does not count."""
        waiting = self.barriers.get(size)
        if waiting is not None and release in waiting:
            waiting.remove(release)
            if not waiting:
                del self.barriers[size]

    def _expire(self, size: int, waiting: list[Callable[[bool], None]]) -> None:
        if self.barriers.get(size) is waiting:
            del self.barriers[size]
            for waiter in waiting:
                waiter(False)


class HttpServerProtocol(asyncio.Protocol):
    """One connection: parse requests, answer them one at a time."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.pending = bytearray()
        self.phase = _HEAD
        self.remaining = 0
        self.received = 0
        self.method = ""
        self.path = ""
        self.close_after = False
        self.busy = False
        self.closed = False
        self.barrier = 0  # the barrier size this connection waits at, if any
        self.writable: asyncio.Future[None] | None = None

    # -- asyncio.Protocol -------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.set_write_buffer_limits(high=4 * STREAM_WRITE)
        self.state.accepted += 1
        self.state.open += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.barrier:
            self.state.leave_barrier(self.barrier, self._release)
        self.state.open -= 1
        self._wake_writer()

    def pause_writing(self) -> None:
        if self.writable is None:
            self.writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        self._wake_writer()

    def data_received(self, data: bytes) -> None:
        if self.busy:
            self.pending += data
            return
        try:
            self._feed(data)
        except ValueError as exc:
            self._reply(_simple("400 Bad Request", str(exc).encode(), True), True)

    # -- parsing ----------------------------------------------------------------

    def _feed(self, data: bytes) -> None:
        pos = 0
        size = len(data)
        while pos < size and not self.busy and not self.closed:
            phase = self.phase
            if phase in (_BODY, _CHUNK_DATA, _CHUNK_CRLF):
                take = min(self.remaining, size - pos)
                pos += take
                self.remaining -= take
                if phase != _CHUNK_CRLF:
                    self.received += take
                if self.remaining == 0:
                    if phase == _BODY:
                        self._dispatch()
                    elif phase == _CHUNK_DATA:
                        self.phase, self.remaining = _CHUNK_CRLF, 2
                    else:
                        self.phase = _CHUNK_SIZE
                continue
            marker = b"\r\n\r\n" if phase == _HEAD else b"\r\n"
            if self.buffer:
                start = len(self.buffer)
                self.buffer += data[pos:]
                end = self.buffer.find(marker)
                if end < 0:
                    return self._check_buffer()
                block = bytes(self.buffer[:end])
                pos += end + len(marker) - start
                self.buffer.clear()
            else:
                end = data.find(marker, pos)
                if end < 0:
                    self.buffer += data[pos:]
                    return self._check_buffer()
                block = data[pos:end]
                pos = end + len(marker)
            self._on_block(phase, block)
        if pos < size:
            self.pending += data[pos:]
        return None

    def _check_buffer(self) -> None:
        if len(self.buffer) > 65536:
            raise ValueError("request head or chunk line too long")

    def _on_block(self, phase: int, block: bytes) -> None:
        if phase == _HEAD:
            self._on_head(block)
        elif phase == _CHUNK_SIZE:
            chunk = int(block.split(b";", 1)[0].strip(), 16)
            if chunk:
                self.phase, self.remaining = _CHUNK_DATA, chunk
            else:
                self.phase = _TRAILER
        elif not block:  # the empty line that ends the trailers
            self._dispatch()

    def _on_head(self, block: bytes) -> None:
        lines = block.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise ValueError(f"bad request line {lines[0]!r}")
        self.method, self.path, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        if version == "HTTP/1.0":
            self.close_after = "keep-alive" not in connection
        else:
            self.close_after = "close" in connection
        self.received = 0
        if headers.get("expect", "").lower() == "100-continue" and self.transport:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self.phase = _CHUNK_SIZE
        elif int(headers.get("content-length", "0")) > 0:
            self.phase, self.remaining = _BODY, int(headers["content-length"])
        else:
            self._dispatch()

    # -- responses --------------------------------------------------------------

    def _dispatch(self) -> None:
        self.phase = _HEAD
        close = self.close_after
        if self.method in ("POST", "PUT"):
            body = str(self.received).encode()
            return self._reply(_simple("200 OK", body, close), close)
        if self.method != "GET":
            return self._reply(_simple("405 Method Not Allowed", b"", True), True)
        route, _, arg = self.path.lstrip("/").partition("/")
        if route == "small":
            return self._reply(_SMALL[close], close)
        if route == "redirect":
            return self._reply(_REDIRECT[close], close)
        if route == "stats":
            stats = {
                "accepted": self.state.accepted,
                "open": self.state.open,
                "cpu": time.process_time(),
            }
            body = json.dumps(stats).encode()
            return self._reply(
                _simple("200 OK", body, close, "application/json"), close
            )
        if not arg.isdigit():
            return self._reply(_simple("404 Not Found", b"", close), close)
        size = int(arg)
        if route == "bytes":
            head = _head("200 OK", [("Content-Length", str(size))], close)
            return self._stream(head, size, chunked=False)
        if route == "chunked":
            head = _head("200 OK", [("Transfer-Encoding", "chunked")], close)
            return self._stream(head, size, chunked=True)
        if route == "gzip":
            body = self.state.gzip_body(size)
            headers = [
                ("Content-Type", "text/plain"),
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
            ]
            return self._reply(_head("200 OK", headers, close) + body, close)
        if route == "barrier":
            self.busy = True
            self.barrier = size
            self.state.join_barrier(size, self._release)
            return None
        return self._reply(_simple("404 Not Found", b"", close), close)

    def _reply(self, data: bytes, close: bool) -> None:
        assert self.transport is not None
        if self.closed:
            return
        self.transport.write(data)
        if close:
            self.closed = True
            self.transport.close()

    def _release(self, complete: bool) -> None:
        self.barrier = 0
        status = "200 OK" if complete else "503 Service Unavailable"
        self._reply(_simple(status, SMALL_BODY, self.close_after), self.close_after)
        self._resume()

    def _stream(self, head: bytes, size: int, chunked: bool) -> None:
        self.busy = True
        task = asyncio.get_running_loop().create_task(self._send(head, size, chunked))
        task.add_done_callback(lambda _: self._resume())

    async def _send(self, head: bytes, size: int, chunked: bool) -> None:
        transport = self.transport
        assert transport is not None
        transport.write(head)
        sent = 0
        while sent < size and not self.closed:
            count = min(STREAM_WRITE, size - sent)
            if count == STREAM_WRITE:
                data = _FRAMES if chunked else _PAYLOAD
            elif chunked:
                data = self._frames(count)
            else:
                data = _PAYLOAD[:count]
            transport.write(data)
            sent += count
            if self.writable is not None:
                await self.writable
        if chunked and not self.closed:
            transport.write(b"0\r\n\r\n")
        if self.close_after and not self.closed:
            self.closed = True
            transport.close()

    @staticmethod
    def _frames(count: int) -> bytes:
        whole, rest = divmod(count, CHUNK_FRAME)
        tail = b"%x\r\n" % rest + _PAYLOAD[:rest] + b"\r\n" if rest else b""
        return _FRAME * whole + tail

    def _wake_writer(self) -> None:
        if self.writable is not None:
            if not self.writable.done():
                self.writable.set_result(None)
            self.writable = None

    def _resume(self) -> None:
        self.busy = False
        if self.pending and not self.closed:
            data = bytes(self.pending)
            self.pending.clear()
            self.data_received(data)


def _exit_on_stdin_eof() -> None:
    try:
        while sys.stdin.buffer.read(65536):
            pass
    finally:
        os._exit(0)


async def serve(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    state = State()
    server = await loop.create_server(
        lambda: HttpServerProtocol(state), sock=sock, backlog=4096
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    raise_fd_limit()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto")
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(4096)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    loop_name = "asyncio"
    if args.loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            if args.loop == "uvloop":
                raise
        else:
            loop_factory, loop_name = uvloop.new_event_loop, "uvloop"
    threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()
    print(f"READY {sock.getsockname()[1]} {loop_name}", flush=True)
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(serve(sock))


if __name__ == "__main__":
    main()
