"""``ResponseHandler``: the asyncio glue between a socket and the sans-IO parser.

Received bytes go to :class:`~._parser.ResponseParser`; its events become a
queue of ``(RawResponseMessage, StreamReader)`` pairs for the response layer
(``await protocol.read()``) and the bytes of each body. Content codings are
undone (``_decoding``) in bounded steps driven by the reader: when the body
stream is over its high-water mark the decoder stops and the transport is
paused, so a decompression bomb never costs more than one step of memory
(security category 4, principle 7). Read back-pressure, the ``sock_read``
timer and receive batching are the base class's (``_receiving``), and the
request body's flow control is its base's (``_sending``).

Everything that can go wrong ends the connection: a malformed head fails the
next ``read()``, a malformed or truncated body fails its stream with
``ClientPayloadError``, silence longer than ``sock_read`` fails both with
``SocketTimeoutError``, and ``should_close`` stays true so the pool never
reuses the connection (security category 10).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Coroutine
from typing import Any, cast

from .._allocator import settle_allocator
from .._dataqueue import DataQueue
from .._empty_stream import EMPTY_PAYLOAD
from .._exceptions import (
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
)
from .._streams import StreamReader
from .._timeouts import WaitTimer
from ._decoding import BodyDecoding
from ._decompress import get_decompressor
from ._errors import ContentEncodingError, HttpProcessingError
from ._models import (
    CHUNK_END,
    ChunkEnd,
    Event,
    MessageEnd,
    RawResponseMessage,
    Upgraded,
)
from ._parser import ResponseParser
from ._receiving import ReceivingSide

__all__ = ["ResponseHandler"]

_Message = tuple[RawResponseMessage, StreamReader]


class ResponseHandler(ReceivingSide):
    """One HTTP/1.1 connection's protocol: parses responses and feeds their bodies.

    Before each request, call :meth:`set_response_params`; then ``await
    read()`` for the response head and its body stream.

    Args:
        loop: The event loop the connection runs on.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        settle_allocator()  # once per process: see _allocator
        super().__init__(loop)
        #: Resolved once the connection is lost.
        self.closed: asyncio.Future[None] = loop.create_future()
        self._messages: DataQueue[_Message] = DataQueue(loop)
        self._parser: ResponseParser | None = None
        self._payload: StreamReader | None = None
        # The current body's content decoding, if it has a coding to undo.
        self._decoding: BodyDecoding | None = None
        self._body_ended = False
        self._parser_limits: tuple[int, int, int] = (0, 0, 0)
        self._total_timer: WaitTimer | None = None
        self._read_bufsize = 2**18
        self._auto_decompress = True
        self._should_close = False
        self._upgraded = False
        self._tail = bytearray()  # raw bytes after an upgrade
        #: Part of a response head had arrived when the connection was lost.
        self.head_cut = False

    # -- what the pool needs ---------------------------------------------------

    @property
    def should_close(self) -> bool:
        """True when this connection must not carry another request."""
        if self._should_close or self._upgraded:
            return True
        if self._decoding is not None and self._decoding.has_input:
            return True
        parser, payload, messages = self._parser, self._payload, self._messages
        return (
            (parser is not None and not parser.reusable)
            or (payload is not None and not payload.is_eof())
            # The queue is ours: read its state without two method calls.
            or messages._exception is not None
            or bool(messages._buffer)
        )

    @property
    def connected(self) -> bool:
        """True while the transport is open."""
        return self.is_connected()

    def is_connected(self) -> bool:
        """True while the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        """Close the transport; pending reads fail once it is gone."""
        self._cancel_read_timer()
        if self.transport is not None:
            self.transport.close()
        self._should_close = True

    def force_close(self) -> None:
        """Mark the connection as not reusable (it closes when released)."""
        self._should_close = True

    @property
    def upgraded(self) -> bool:
        """True after a 101 response or a successful CONNECT."""
        return self._upgraded

    def take_tail(self) -> bytes:
        """Return and forget the raw bytes received after an upgrade."""
        tail = bytes(self._tail)
        self._tail.clear()
        return tail

    # -- configuring and reading responses ---------------------------------------

    def set_response_params(
        self,
        *,
        method: str = "GET",
        read_until_eof: bool = False,
        auto_decompress: bool = True,
        read_timeout: float | None = None,
        read_bufsize: int = 2**18,
        timeout_ceil_threshold: float = 5,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        timer: WaitTimer | None = None,
    ) -> None:
        """Prepare for the response to the request just written.

        Called before the writing task yields to the loop, so no byte of the
        response can have been read yet; doing it after the write lets this
        work overlap the server's.

        Args:
            method: The request method (a HEAD response has no body; a 2xx to
                CONNECT starts a tunnel).
            read_until_eof: Read a body without length until the connection
                closes (else such a body is empty).
            auto_decompress: Undo gzip/deflate/br/zstd content codings.
            read_timeout: The ``sock_read`` timeout: most seconds between reads.
            read_bufsize: The body stream's low-water mark in bytes.
            timeout_ceil_threshold: Timers above this are rounded to whole seconds.
            max_line_size: Longest status or header line.
            max_field_size: Longest header name plus value.
            max_headers: Most header and trailer fields.
            timer: Bounds every wait for body data (the request's total timeout).
        """
        # A keep-alive connection keeps its parser (and read timer) from one
        # response to the next when the settings are unchanged: a parser that
        # ended cleanly is as good as a new one, and building one per request
        # is a measurable part of a small request's cost.
        limits = (max_line_size, max_field_size, max_headers)
        parser = self._parser
        if parser is None or limits != self._parser_limits or not parser.reusable:
            parser = self._parser = ResponseParser(
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
            )
            self._parser_limits = limits
        parser.expect_response(method, read_until_eof=read_until_eof)
        self._auto_decompress = auto_decompress
        self._read_bufsize = read_bufsize
        self._total_timer = timer
        self._arm_read_timer(read_timeout, timeout_ceil_threshold)

    def read(self) -> Coroutine[Any, Any, _Message]:
        """Wait for the next response head and its body stream (await it).

        Returns the queue's own read coroutine: one coroutine fewer per request.

        Raises:
            HttpProcessingError: The head was malformed.
            ServerDisconnectedError: The connection closed before a head arrived.
            SocketTimeoutError: The server was silent longer than ``sock_read``.
        """
        return self._messages.read()

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = None
    ) -> None:
        """Fail whatever is being read (the head, else the body) with ``exc``."""
        self._should_close = True
        if exc_cause is not None and exc is not exc_cause:
            exc.__cause__ = exc_cause
        if self._payload is not None:
            self._payload.set_exception(exc)
        self._messages.set_exception(exc)

    # -- asyncio callbacks -------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; turn Nagle's algorithm off on TCP sockets."""
        # Connectors only make stream connections, whose transports are Transports.
        self.transport = cast(asyncio.Transport, transport)
        # asyncio sets TCP_NODELAY only for sockets created with proto=6, and
        # happy-eyeballs sockets may carry proto=0: without it, a small write
        # after a large one (the last-chunk marker of a streamed upload) can
        # wait ~40 ms for a delayed ACK. aiohttp sets it here too.
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        """Parse what arrived and route it."""
        timer = self._read_timer
        if timer is not None and (timer.armed or self._read_timer_deferred):
            # (An answer arriving during the upload starts the clock too.)
            self._read_timer_deferred = False
            timer.rearm()
        if self._upgraded:
            self._tail += data  # raw bytes for whoever takes over the connection
            return
        if self._parser is None:
            # Nobody asked for these bytes: the connection is out of step with
            # the server and must never carry a request.
            self._should_close = True
            self.close()
            return
        try:
            events = self._parser.feed_data(data)
        except HttpProcessingError as exc:
            self._handle_events(self._parser.events_before_error)
            self._fail(exc)
            return
        self._handle_events(events)
        batching = self._batching
        if batching is not None:
            batching.update(self._parser.body_remaining)
            if batching.finished:
                self._batching = None

    def eof_received(self) -> bool:
        """Let the transport close: HTTP/1.1 has no use for a half-open socket."""
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        """Finish or fail the response in progress."""
        self._cancel_read_timer()
        if self._batching is not None:
            self._batching.stop(reset=False)  # the socket is gone
            self._batching = None
        self.transport = None
        self._should_close = True
        if not self.closed.done():
            self.closed.set_result(None)
        self.resume_writing()  # a writer waiting to drain sees the closed transport
        self._release_continue()
        cut_head: HttpProcessingError | None = None
        if self._parser is not None and not self._upgraded:
            try:
                self._handle_events(self._parser.feed_eof())
            except HttpProcessingError as parse_error:
                self._handle_events(self._parser.events_before_error)
                if self._payload is not None:
                    self._fail(parse_error, lost=exc)
                else:
                    # Closed inside a response head: for the caller that is a
                    # disconnect, as in aiohttp; the parser's account is the
                    # cause. Bytes of a response arrived, so it is not retried.
                    cut_head = parse_error
                    self.head_cut = True
        if self._payload is not None and not self._payload.is_eof():
            self._fail_body(
                ClientPayloadError("Response payload is not completed"), exc
            )
        if self._messages.exception() is None and not self._messages.is_eof():
            if exc is None:
                disconnected = ServerDisconnectedError()
                if cut_head is None:
                    self._messages.set_exception(disconnected)
                else:
                    self._messages.set_exception(disconnected, cut_head)
            else:
                os_error = ClientOSError(*getattr(exc, "args", ()))
                self._messages.set_exception(os_error, exc)
        self._payload = None

    # -- internals ---------------------------------------------------------------

    def _handle_events(self, events: list[Event]) -> None:
        if len(events) == 1:
            data = events[0]
            if type(data) is bytes or type(data) is memoryview:
                # Body bytes only: what most reads of a large body produce (a
                # view of the read for a large piece of a chunked body).
                self._feed_body(data)
                return
        if (
            len(events) == 3
            and type(events[1]) is bytes
            and type(events[0]) is RawResponseMessage
            and type(events[2]) is MessageEnd
        ):
            # A whole small response in one read: the usual keep-alive case.
            self._deliver_whole(events[0], events[1])
            return
        if (
            len(events) == 4
            and type(events[1]) is bytes
            and events[2] is CHUNK_END
            and type(events[0]) is RawResponseMessage
            and type(events[3]) is MessageEnd
            and not events[3].raw_trailers
        ):
            # The same with a body sent as one chunk (servers that stream).
            self._deliver_whole(events[0], events[1], one_chunk=True)
            return
        for index, event in enumerate(events):
            # Exact types first (the usual head, data, end), without calls.
            kind = type(event)
            if kind is bytes or kind is memoryview:
                payload = self._payload
                if (
                    payload is not None
                    and self._decoding is None
                    and payload._exception is None
                ):
                    payload.feed_data(event)  # type: ignore[arg-type]
                else:
                    self._feed_body(event)  # type: ignore[arg-type]
            elif kind is ChunkEnd:
                if self._payload is not None:  # (_end_chunk, inlined)
                    self._payload.end_http_chunk_receiving()
            elif kind is MessageEnd:
                self._body_ended = True
                self._pump()
            elif kind is RawResponseMessage:
                bodiless = index + 1 < len(events) and isinstance(
                    events[index + 1], MessageEnd
                )
                self._start_body(event, bodiless=bodiless)  # type: ignore[arg-type]
            else:
                self._handle_event(event, index, events)

    def _handle_event(self, event: Event, index: int, events: list[Event]) -> None:
        if isinstance(event, (bytes, memoryview)):
            self._feed_body(event)
        elif isinstance(event, RawResponseMessage):
            bodiless = index + 1 < len(events) and isinstance(
                events[index + 1], MessageEnd
            )
            self._start_body(event, bodiless=bodiless)
        elif isinstance(event, ChunkEnd):
            self._end_chunk()
        elif isinstance(event, MessageEnd):
            self._body_ended = True
            self._pump()
        elif isinstance(event, Upgraded):
            self._upgraded = True
            self._tail += event.data
        elif event.head.code == 100:  # an InterimResponse
            self._release_continue()

    def _end_chunk(self) -> None:
        if self._payload is not None:
            self._payload.end_http_chunk_receiving()

    def _start_body(
        self, head: RawResponseMessage, *, bodiless: bool, whole: bool = False
    ) -> None:
        # A final answer also ends any wait for 100 Continue (RFC 9110 §10.1.1).
        if self._continue_waiter is not None:
            self._release_continue()
        self._body_ended = False
        self._decoding = None
        if bodiless:
            self._payload = None
            self._total_timer = None
            self._cancel_read_timer()
            self._messages.feed_data((head, EMPTY_PAYLOAD))
            return
        if not (head.chunked or whole):  # (a body already whole needs no mark)
            parser = self._parser
            self._start_batching(parser.body_remaining if parser else None)
        payload = StreamReader(
            self, self._read_bufsize, timer=self._total_timer, loop=self._loop
        )
        self._total_timer = None  # the stream has it; an idle connection need not
        self._payload = payload
        if head.chunked:
            # Chunk ends are recorded for readchunk() (a chunk that decodes to
            # nothing is not: see end_http_chunk_receiving).
            payload.begin_http_chunk_receiving()
        if self._auto_decompress and head.compression:
            decoder = get_decompressor(head.compression)
            if decoder is None:
                payload.set_exception(
                    ClientPayloadError(
                        f"Can not decode content-encoding: {head.compression}"
                    )
                )
                self._should_close = True
            else:
                self._decoding = BodyDecoding(decoder)
                payload.total_compressed_bytes = 0
        self._messages.feed_data((head, payload))

    def _deliver_whole(
        self, head: RawResponseMessage, body: bytes, *, one_chunk: bool = False
    ) -> None:
        """Deliver a response whose head, whole body and end arrived together.

        ``one_chunk``: the body came as one chunk of chunked coding.
        """
        self._start_body(head, bodiless=False, whole=True)
        payload = self._payload
        if (
            payload is None
            or self._decoding is not None
            or payload.exception() is not None
        ):
            # Decoding, or a coding that cannot be undone: the general route.
            self._feed_body(body)
            if one_chunk:
                self._end_chunk()
            self._body_ended = True
            self._pump()
            return
        payload._feed_whole(body, one_chunk=one_chunk)
        self._payload = None
        if self._read_timer is not None:
            self._read_timer.cancel()

    def _feed_body(self, data: bytes | memoryview) -> None:
        payload = self._payload
        # (The stream's attribute, not its exception() method: once per read.)
        if payload is None or payload._exception is not None:
            return
        if self._decoding is None:
            payload.feed_data(data)
            return
        self._decoding.push(data)
        self._pump()

    def _pump(self) -> None:
        """Decode pending input until done or the stream is full; end the body."""
        payload = self._payload
        if payload is None:
            return
        decoding = self._decoding
        try:
            if decoding is not None:
                if not decoding.run(payload, self, self._body_ended):
                    return
            elif not self._body_ended or self.reading_paused:
                return
            payload.feed_eof()
            self._payload = None
            self._decoding = None
            self._cancel_read_timer()
        except ContentEncodingError as exc:
            self._decoding = None
            self._should_close = True
            payload.set_exception(
                ClientPayloadError(f"Response payload is not completed: {exc}"), exc
            )
            self._payload = None
            self.close()

    def _fail(
        self, exc: HttpProcessingError, lost: BaseException | None = None
    ) -> None:
        """A parse error: fail the body if one is streaming, else the head."""
        self._should_close = True
        if self._payload is not None:
            self._fail_body(
                ClientPayloadError(f"Response payload is not completed: {exc}"), exc
            )
            self._payload = None
        else:
            self._fail_head(exc)
        if lost is None and self.transport is not None:
            self.transport.close()

    def _fail_body(
        self, error: ClientPayloadError, cause: BaseException | None
    ) -> None:
        """Fail the streaming body, unless it failed already.

        A released response's stream already says "Connection closed" (as in
        aiohttp); the connection's end must not replace that.
        """
        payload = self._payload
        if payload is not None and payload._exception is None:
            if cause is None:
                payload.set_exception(error)
            else:
                payload.set_exception(error, cause)

    def _fail_head(self, exc: HttpProcessingError) -> None:
        self._should_close = True
        if self._messages.exception() is None:
            self._messages.set_exception(exc)
