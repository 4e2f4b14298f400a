"""Sending a ``ClientRequest``: the head, the body and its writer task.

``RequestSending`` is the base class of ``ClientRequest`` that holds the sending
half: ``send()`` writes the head (with a small in-memory body in the same write)
and starts a writer task for a streamed body, ``write_bytes()`` is that task.
The building half (headers, cookies, framing) stays in ``_request``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from multidict import CIMultiDict
from yarl import URL

from aioclient_forms import Payload

from . import hdrs
from ._connector import Connection
from ._exceptions import ClientConnectionError, ClientOSError
from ._http._models import HttpVersion
from ._http._writer import connection_header, request_target
from ._writer import StreamWriter

if TYPE_CHECKING:
    from ._reqinfo import RequestInfo
    from ._response import ClientResponse
    from ._session import ClientSession

__all__ = ["RequestSending"]


class RequestSending:
    """The sending half of ``ClientRequest`` (its base class)."""

    # Set by ClientRequest while it is built.
    POST_METHODS: ClassVar[frozenset[str]]
    method: str
    url: URL
    original_url: URL
    version: HttpVersion
    headers: CIMultiDict[str]
    chunked: bool | None
    compress: Any
    proxy: URL | None
    response_class: type[ClientResponse]
    response: ClientResponse | None
    _body: Payload | bytes
    _skip_auto_headers: CIMultiDict[None]
    _expect_continue: bool
    _loop: asyncio.AbstractEventLoop
    _timer: Any
    _traces: list[Any]
    _session: ClientSession | None
    _writer_task: asyncio.Task[None] | None

    if TYPE_CHECKING:  # ClientRequest's properties, as this half reads them

        @property
        def body(self) -> Payload | bytes: ...

        @property
        def request_info(self) -> RequestInfo: ...

    async def send(self, conn: Connection) -> ClientResponse:
        """Write the request on ``conn`` and return the (not yet started) response.

        Raises:
            ValueError: A header would put a forbidden character on the wire, or
                ``Content-Length`` is not a number.
        """
        protocol = conn._protocol
        if protocol is None:
            raise ClientConnectionError("Connection closed")
        headers = self.headers
        length = headers.get(hdrs.CONTENT_LENGTH)
        declared = None if length is None else self._declared_length(length)
        if (
            self.method in self.POST_METHODS
            and hdrs.CONTENT_TYPE not in headers
            and hdrs.CONTENT_TYPE not in self._skip_auto_headers
        ):
            # As aiohttp does: POST, PUT and PATCH always name a media type,
            # even for an empty body.
            headers[hdrs.CONTENT_TYPE] = "application/octet-stream"
        if hdrs.CONNECTION not in headers:
            value = connection_header(
                self.version, force_close=conn._connector.force_close
            )
            if value is not None:
                headers[hdrs.CONNECTION] = value
        target = request_target(self.url, self.method, proxied=self.proxy is not None)
        writer = StreamWriter(
            protocol,  # type: ignore[arg-type]
            self._loop,
            on_chunk_sent=self._on_chunk_sent if self._traces else None,
        )
        if self.compress:
            writer.enable_compression(self.compress)
        if self.chunked:
            writer.enable_chunking()
        writer.length = declared
        writer.set_head(self.method, target, self.version, self.headers)
        if self._traces:
            await self._on_headers_sent(self.headers)
        self._writer_obj = writer
        # A chunked request without a body still needs its last-chunk marker,
        # which write_eof() sends; only an unframed empty body takes the shortcut.
        # (``type() is bytes`` first: the ABC isinstance check costs more.)
        body = self._body
        has_payload = type(body) is not bytes and isinstance(body, Payload)
        if has_payload and not self._expect_continue:
            # A small in-memory body (JSON, a form, bytes) leaves with the head
            # in one write: no writer task and no extra loop turn.
            needs_task = not writer.send_small_body(body)
        else:
            needs_task = self._expect_continue or bool(self.chunked)
        if needs_task:
            continue_waiter = (
                protocol.expect_continue()  # type: ignore[attr-defined]
                if self._expect_continue
                else None
            )
            if continue_waiter is None:
                # sock_read counts from the end of the upload (write_bytes).
                protocol.defer_read_timer()  # type: ignore[attr-defined]
            self._writer_task = self._loop.create_task(
                self.write_bytes(writer, conn, continue_waiter)
            )
        elif not has_payload:
            # No body: the head leaves now and no task is needed (the hot path).
            writer.send_headers()
        self.response = self.response_class(
            self.method,
            self.original_url,
            writer=self._writer_task,
            continue100=None,
            timer=self._timer,
            request_info=self.request_info,
            traces=self._traces,
            loop=self._loop,
            session=self._session,
            stream_writer=writer,
        )
        return self.response

    def _declared_length(self, length: str) -> int:
        """Check a ``Content-Length`` header against the body; return its value.

        RFC 9112 §6.2: the header must be the body's exact size. A body of
        another known size is refused before anything is sent (aiohttp would
        cut a longer body short, or leave the server waiting for a shorter
        one); a body of unknown size is held to it as it is written.

        Raises:
            ValueError: Not a decimal number, or not the body's size.
        """
        if not length.isdigit() or not length.isascii():
            raise ValueError(f"Invalid Content-Length header: {length!r}")
        declared = int(length)
        body = self._body
        size = body.size if isinstance(body, Payload) else len(body)
        if size is not None and size != declared and not self.chunked:
            raise ValueError(
                f"Content-Length header is {declared} but the body is {size} bytes"
            )
        return declared

    async def _on_chunk_sent(self, chunk: bytes) -> None:
        for trace in self._traces:
            await trace.send_request_chunk_sent(self.method, self.url, chunk)

    async def _on_headers_sent(self, headers: Any) -> None:
        for trace in self._traces:
            await trace.send_request_headers(self.method, self.url, headers)

    async def write_bytes(
        self,
        writer: StreamWriter,
        conn: Connection,
        continue_waiter: asyncio.Future[None] | None = None,
    ) -> None:
        """Write the body (after ``100 Continue`` if asked), then end it."""
        protocol = conn.protocol
        try:
            if continue_waiter is not None:
                writer.send_headers()
                # (The wait for "100 Continue" is a wait for the server: it
                # counts for sock_read. The upload after it does not.)
                await continue_waiter
                if protocol is not None:
                    protocol.defer_read_timer()  # type: ignore[attr-defined]
            if isinstance(self._body, Payload):
                await self._body.write(writer)
            await writer.write_eof()
            if protocol is not None:
                protocol.start_read_timer()  # type: ignore[attr-defined]
        except OSError as exc:
            error = ClientOSError(
                exc.errno, f"Can not write request body for {self.url}"
            )
            error.__cause__ = exc
            if protocol is not None:
                protocol.set_exception(error)  # type: ignore[attr-defined]
        except asyncio.CancelledError:
            if protocol is not None:
                protocol.close()
            raise
        except Exception as exc:
            error2 = ClientConnectionError(
                f"Failed to send bytes into the underlying connection {conn}: {exc!r}"
            )
            error2.__cause__ = exc
            if protocol is not None:
                protocol.set_exception(error2)  # type: ignore[attr-defined]

    async def close(self) -> None:
        """Wait for the body writer to finish."""
        if self._writer_task is not None:
            try:
                await self._writer_task
            finally:
                self._writer_task = None

    def terminate(self) -> None:
        """Stop writing the body."""
        if self._writer_task is not None and not self._writer_task.done():
            self._writer_task.cancel()
        self._writer_task = None
