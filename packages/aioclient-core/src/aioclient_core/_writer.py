"""``StreamWriter``: puts a request (head and body) on a connection.

The head is serialized by the sans-IO writer (which refuses header injection)
and held back so it leaves in one packet with the first piece of the body.
Body bytes go out in slices of at most :data:`WRITE_SLICE` bytes, as views of
the caller's buffer, waiting for the transport to drain between slices: a large
``bytes`` body is never copied whole, and a slow server slows the upload down
instead of filling memory (security category 11). Chunked framing (RFC 9112
§7.1) and request compression are applied on the way out. A file body may
instead go to the kernel whole with ``sendfile`` (:meth:`StreamWriter.send_file`).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Mapping
from typing import IO

from aioclient_forms import BytesPayload

from ._exceptions import ClientConnectionResetError
from ._http._corking import SendCorking
from ._http._models import HttpVersion
from ._http._recent import RecentResults
from ._http._writer import LAST_CHUNK, encode_chunk, serialize_request_head
from ._http._zlib import ZLibCompressor
from ._http.protocol import ResponseHandler
from ._sendfile import sendfile_by_descriptor

__all__ = [
    "SMALL_BODY",
    "WRITE_SLICE",
    "StreamWriter",
    "small_body",
    "writelines_is_safe",
]

#: The largest piece handed to the transport at once.
WRITE_SLICE = 2**18
#: Above this many bytes in the transport's buffer a write waits for a drain.
_HIGH_WATER = 2**16
#: Chunks up to this size leave with their framing in a single write.
_COALESCE = 2**16
#: In-memory bodies up to this size are written with the head, without a task.
SMALL_BODY = _HIGH_WATER

_Data = bytes | bytearray | memoryview


def writelines_is_safe(version: tuple[int, ...]) -> bool:
    """Whether asyncio on Python ``version`` may be given a list to write.

    From 3.12 its socket transport sends a list with one ``sendmsg``, but
    until 3.12.9 and 3.13.2 it also never paused the writer while buffering
    one (CVE-2024-12254): a server that stops reading would grow the buffer
    without bound. (Before 3.12 it has no ``writelines`` of its own.)
    """
    return not ((3, 12) <= version < (3, 12, 9) or (3, 13) <= version < (3, 13, 2))


#: Whether this interpreter's transports may be given lists (see above).
_SAFE_WRITELINES = writelines_is_safe(tuple(sys.version_info[:3]))
#: Chunks up to this size are joined with their framing: copying a few KiB
#: costs less than a gathered write.
_COPY_MAX = 2**14

#: Request heads serialized recently, by their inputs: a client usually sends
#: the same few heads again and again (one endpoint polled, a few alternated, a
#: redirect followed), and equal inputs give equal, already validated bytes.
#: One memory for the process, not one per connection: idle connections then
#: hold nothing for it. Heads longer than :data:`_RECENT_HEAD_MAX` bytes are
#: not kept, which bounds the memory to about 32 x 4 KiB.
_recent_heads: RecentResults[
    tuple[str, str, HttpVersion, tuple[tuple[str, str], ...]], bytes
] = RecentResults(32)
_RECENT_HEAD_MAX = 4096

#: Event loop classes found not to implement ``loop.sendfile`` (uvloop's loop
#: raises NotImplementedError): asked once per class, not once per body; their
#: file bodies go through ``_sendfile`` instead.
_no_sendfile_loops: set[type[asyncio.AbstractEventLoop]] = set()


class StreamWriter:
    """Writes one request's head and body to a connection's transport.

    Satisfies ``aioclient_forms.PayloadWriter`` (``async write(chunk)``), so a
    payload writes itself through it.

    Args:
        protocol: The connection's protocol (its transport and drain waiter).
        loop: The event loop.
        on_chunk_sent: Awaited with each body chunk after it is written.
        on_headers_sent: Awaited with the head once it is written.
    """

    def __init__(
        self,
        protocol: ResponseHandler,
        loop: asyncio.AbstractEventLoop,
        on_chunk_sent: Callable[[bytes], object] | None = None,
        on_headers_sent: Callable[[Mapping[str, str]], object] | None = None,
    ) -> None:
        self._protocol = protocol
        self._loop = loop
        self._on_chunk_sent = on_chunk_sent
        self._on_headers_sent = on_headers_sent
        self._pending_head = b""
        self._chunked = False
        self._compressor: ZLibCompressor | None = None
        self._eof = False
        self._gather: bool | None = None
        self._corking: SendCorking | None = None
        self._corking_known = False  # whether _corking was decided
        #: Body bytes (after compression and framing) and head bytes written.
        self.output_size = 0
        #: Bytes given to :meth:`write` (before compression).
        self.buffer_size = 0
        #: The body's ``Content-Length``, when declared: :meth:`write` refuses
        #: bytes beyond it and :meth:`write_eof` a body that falls short.
        self.length: int | None = None

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport, or None once it is gone."""
        return self._protocol.transport

    @property
    def chunked(self) -> bool:
        """True when the body is sent with chunked framing."""
        return self._chunked

    def enable_chunking(self) -> None:
        """Frame the body as chunks (RFC 9112 §7.1)."""
        self._chunked = True

    def enable_compression(self, encoding: str = "deflate") -> None:
        """Compress the body with ``deflate`` or ``gzip``."""
        self._compressor = ZLibCompressor(encoding=encoding)

    async def write_headers(self, status_line: str, headers: Mapping[str, str]) -> None:
        """Serialize the head; it is sent together with the first body bytes.

        Args:
            status_line: ``"METHOD target HTTP/x.y"``.
            headers: The header fields, in order.

        Raises:
            ValueError: A control character or invalid name would reach the wire.
        """
        method, target, protocol = status_line.split(" ", 2)
        major, _, minor = protocol.removeprefix("HTTP/").partition(".")
        if not (major.isdigit() and minor.isdigit()):
            raise ValueError(f"Invalid HTTP version in request line: {protocol!r}")
        version = HttpVersion(int(major), int(minor))
        self.set_head(method, target, version, headers)
        if self._on_headers_sent is not None:
            await _maybe_await(self._on_headers_sent(headers))

    def set_head(
        self, method: str, target: str, version: HttpVersion, headers: Mapping[str, str]
    ) -> None:
        """Serialize the head from its parts (no status line to split again).

        Unlike :meth:`write_headers`, does not call ``on_headers_sent``.

        Raises:
            ValueError: A control character or invalid name would reach the wire.
        """
        pairs = tuple(headers.items())
        key = (method, target, version, pairs)
        try:
            head = _recent_heads.get(key)
        except TypeError:  # an unhashable value: serializing it reports it
            head = serialize_request_head(method, target, version, pairs)
        if head is None:
            head = serialize_request_head(method, target, version, pairs)
            if len(head) <= _RECENT_HEAD_MAX:
                _recent_heads.put(key, head)
        self._pending_head = head

    def send_headers(self) -> None:
        """Send the head now, without waiting for body bytes."""
        if self._pending_head:
            head, self._pending_head = self._pending_head, b""
            self._transport_write(head)

    async def write(self, chunk: _Data, *, drain: bool = True) -> None:
        """Send body bytes, compressing and framing them as configured."""
        # In bytes: a typed memoryview's len() counts its items.
        size = len(chunk) if type(chunk) is bytes else memoryview(chunk).nbytes
        if not size:
            return
        if self.length is not None and self.buffer_size + size > self.length:
            # Bytes past the declared length would be read as the start of
            # the next message (RFC 9112 §6.3): none of them are sent.
            raise ValueError(
                f"The body is longer than its Content-Length ({self.length} bytes)"
            )
        self.buffer_size += size
        if self._compressor is not None:
            chunk = self._compressor.compress(bytes(chunk))
            if not chunk:
                return
            size = len(chunk)
        corking = self._corking if self._corking_known else self._start_corking()
        if size <= WRITE_SLICE and type(chunk) is bytes:
            # The usual chunk: one piece, no view to make.
            if corking is not None:
                corking.before_write()
            self._write_body(chunk)
            if drain and self._must_drain():
                await self._protocol.drain()
        else:
            view = memoryview(chunk).cast("B")
            for start in range(0, size, WRITE_SLICE):
                if corking is not None:
                    corking.before_write()
                self._write_body(view[start : start + WRITE_SLICE])
                if drain and self._must_drain():
                    await self._protocol.drain()
        if self._on_chunk_sent is not None:
            await _maybe_await(self._on_chunk_sent(bytes(chunk)))

    def send_small_body(self, body: object) -> bool:
        """Send a small in-memory body with the head in one write, and end it.

        Only for a :func:`small_body` payload sent as is: not chunked, not
        compressed, with no ``on_request_chunk_sent`` trace. The transport
        takes it at once, so no drain and no writer task are needed.

        Returns:
            ``True`` if the body was sent; ``False`` (nothing sent) otherwise.
        """
        if self._compressor is not None or self._chunked or self._on_chunk_sent:
            return False
        data = small_body(body)
        if data is None:
            return False
        self.buffer_size += len(data)
        self._write_raw(data)
        self._eof = True
        return True

    async def send_file(self, file: IO[bytes], offset: int, count: int) -> bool:
        """Send ``count`` bytes of ``file`` from ``offset`` with ``loop.sendfile``.

        The kernel copies the file to the socket; nothing passes through
        Python. Only for a body sent as is: not chunked, not compressed, with
        no ``on_request_chunk_sent`` trace (it needs the bytes), over plain TCP
        (not TLS). The default loop's ``loop.sendfile`` does the work; on a loop
        without it (uvloop), ``os.sendfile`` where the platform has it (Linux),
        see ``_sendfile``.

        Args:
            file: A regular file open for binary reading (its position is not used).
            offset: Where the bytes start in the file.
            count: How many bytes to send.

        Returns:
            ``True`` once the bytes were sent; ``False`` when this body cannot
            go this way (then none of the file was sent and the caller writes it).

        Raises:
            ClientConnectionResetError: The connection is already closing.
            OSError: The connection failed during the transfer.
        """
        loop = self._loop
        if (
            self._compressor is not None
            or self._chunked
            or self._on_chunk_sent is not None
            or count <= 0
        ):
            return False
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        if transport.get_extra_info("ssl_object") is not None:
            return False  # the bytes must be encrypted in this process
        self.send_headers()  # the head first: sendfile waits for it to drain
        sent: int | None = None
        if type(loop) not in _no_sendfile_loops:
            try:
                sent = await loop.sendfile(
                    transport, file, offset, count, fallback=False
                )
            except NotImplementedError:
                _no_sendfile_loops.add(type(loop))
            except asyncio.SendfileNotAvailableError:
                return False  # refused before sending anything
        if sent is None:
            # No loop.sendfile (uvloop): os.sendfile on the socket, where possible.
            sent = await sendfile_by_descriptor(
                self._protocol, loop, file, offset, count
            )
            if sent is None:
                return False
        self.buffer_size += sent
        self.output_size += sent
        return True

    async def write_eof(self, chunk: _Data = b"") -> None:
        """Send the last body bytes and end the body."""
        if self._eof:
            return
        if chunk:
            await self.write(chunk)
        if self.length is not None and self.buffer_size < self.length:
            raise ValueError(
                f"The body ended after {self.buffer_size} of the "
                f"{self.length} bytes its Content-Length declares"
            )
        tail = b""
        if self._compressor is not None:
            tail = self._compressor.flush()
        if self._chunked:
            self._write_raw((encode_chunk(tail) if tail else b"") + LAST_CHUNK)
        elif tail:
            self._write_raw(tail)
        else:
            self.send_headers()
        self._eof = True
        await self.drain()

    async def drain(self) -> None:
        """Wait until the transport's buffer drains."""
        await self._protocol.drain()

    def _start_corking(self) -> SendCorking | None:
        # Decided at the first body write, when the transport is known.
        self._corking_known = True
        self._corking = SendCorking.for_transport(self._protocol.transport, self._loop)
        return self._corking

    def _write_body(self, piece: _Data) -> None:
        if not self._chunked:
            self._write_raw(piece)
        elif len(piece) > _COPY_MAX and self._gathers():
            # Size line, data and CRLF in one gathering write (writev): one
            # system call, and the data is not copied into a joined buffer.
            self._transport_writelines((b"%x\r\n" % len(piece), piece, b"\r\n"))
        elif len(piece) <= _COALESCE:
            # One write (one send) per chunk: copying up to 64 KiB is cheaper
            # than three system calls and three packets.
            self._write_raw(b"".join((b"%x\r\n" % len(piece), piece, b"\r\n")))
        else:
            # A big chunk: its size line, then the data as a view (no copy).
            self._write_raw(b"%x\r\n" % len(piece))
            self._write_raw(piece)
            self._write_raw(b"\r\n")

    def _write_raw(self, data: _Data) -> None:
        if self._pending_head:
            head, self._pending_head = self._pending_head, b""
            if len(data) <= _HIGH_WATER:
                data = b"".join((head, data))
            else:
                self._transport_write(head)
        self._transport_write(data)

    def _gathers(self) -> bool:
        """Whether body pieces may go to the transport as a list, uncopied."""
        gather = self._gather
        if gather is None:
            transport = self._protocol.transport
            gather = self._gather = (
                _SAFE_WRITELINES
                and transport is not None
                # The base class's writelines joins the parts (asyncio before
                # 3.12): the three writes below avoid that copy for big chunks.
                and type(transport).writelines is not asyncio.WriteTransport.writelines
                # Over TLS each part would become a TLS record of its own.
                and transport.get_extra_info("ssl_object") is None
            )
        return gather

    def _transport_writelines(self, parts: tuple[_Data, ...]) -> None:
        if self._pending_head:
            head, self._pending_head = self._pending_head, b""
            parts = (head, *parts)
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        transport.writelines(parts)
        self.output_size += sum(len(part) for part in parts)

    def _transport_write(self, data: _Data) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        transport.write(data)
        self.output_size += len(data)

    def _must_drain(self) -> bool:
        transport = self._protocol.transport
        return transport is not None and transport.get_write_buffer_size() > _HIGH_WATER


def small_body(body: object) -> _Data | None:
    """The bytes of a payload :meth:`StreamWriter.send_small_body` can send.

    Only a :class:`~aioclient_forms.BytesPayload` (or a subclass that does not
    change how it writes) of at most :data:`SMALL_BODY` bytes qualifies.
    """
    if isinstance(body, BytesPayload) and type(body).write is BytesPayload.write:
        size = body.size
        if size is not None and size <= SMALL_BODY:
            data = body.buffer
            # (Counted in bytes, as write() does, whatever the view's format.)
            return data.cast("B") if type(data) is memoryview else data
    return None


async def _maybe_await(result: object) -> None:
    if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
        await result
