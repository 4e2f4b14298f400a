"""``ClientResponse``: the status, headers and body stream of one response.

The connection goes back to the pool the moment the body has been read to its
end (or at once for a response without a body); closing or releasing a
response whose body was not read closes the connection instead, so no
half-read connection is ever reused (RFC 9112 §9.3).
"""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from collections.abc import Callable, Generator, Sequence
from http.cookies import SimpleCookie
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from multidict import CIMultiDictProxy
from yarl import URL

from . import hdrs
from ._connector import Connection
from ._empty_stream import EMPTY_PAYLOAD, failed_empty_stream
from ._exceptions import (
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
)
from ._http._errors import HttpProcessingError
from ._http._framing import has_no_body
from ._http._models import HttpVersion, RawResponseMessage
from ._http.protocol import ResponseHandler
from ._reqinfo import RequestInfo, mask_url
from ._response_headers import ResponseHeaderViews
from ._streams import StreamReader
from ._timeouts import RequestDeadline
from ._unclosed import creation_stack, report_unclosed

if TYPE_CHECKING:
    from ._session import ClientSession

__all__ = ["ClientResponse"]

_JSON_CONTENT_TYPE = re.compile(r"application/(?:[\w.+-]+?\+)?json")


class ClientResponse(ResponseHeaderViews):
    """A response to a request made by a :class:`ClientSession`.

    Use it as ``async with session.get(url) as resp:`` so the connection is
    released even when the body is not read.
    """

    version: HttpVersion | None = None
    status: int = None  # type: ignore[assignment] # set by start()
    reason: str | None = None
    _content: StreamReader = None  # type: ignore[assignment] # set by start()
    _headers: CIMultiDictProxy[str] = None  # type: ignore[assignment]
    _raw_headers: tuple[tuple[bytes, bytes], ...] | None = None
    _head: RawResponseMessage | None = None
    _connection: Connection | None = None
    _closed = True  # until start() succeeds
    _upload_complete: asyncio.Future[None] | None = None  # made on first use

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        writer: asyncio.Task[None] | None,
        continue100: asyncio.Future[bool] | None,
        timer: RequestDeadline | None,
        request_info: RequestInfo,
        traces: Sequence[Any],
        loop: asyncio.AbstractEventLoop,
        session: ClientSession | None,
        stream_writer: Any = None,
    ) -> None:
        self.method = method
        self._real_url = url
        self._url = url.with_fragment(None) if url.raw_fragment else url
        self._writer = writer
        self._continue = continue100
        self._timer = timer
        self._request_info = request_info
        self._traces = traces
        self._loop = loop
        self._session = session
        self._stream_writer = stream_writer
        self._body: bytes | None = None
        self._history: tuple[ClientResponse, ...] = ()
        self._cookies: SimpleCookie | None = None
        self._released = False
        self._in_context = False
        self._source_traceback = creation_stack(loop)

    def __repr__(self) -> str:
        # A reason phrase is the server's text: escaped to ASCII, as in aiohttp.
        reason = (self.reason or "").encode("ascii", "backslashreplace").decode()
        return f"<ClientResponse({mask_url(self.url)}) [{self.status} {reason}]>"

    def __del__(self, _warnings: Any = warnings) -> None:
        if self._closed or self._connection is None:
            return
        connection, self._connection = self._connection, None
        connection.release()
        if self._loop.get_debug():
            report_unclosed(
                self,
                self._loop,
                key="client_response",
                message="Unclosed response",
                source_traceback=self._source_traceback,
                warnings_module=_warnings,
            )

    # -- reading the head ---------------------------------------------------------

    async def start(self, connection: Connection) -> Self:
        """Read the response head from ``connection`` (called by the session).

        Raises:
            ClientResponseError: The head was malformed (``status`` is the
                parser's error code, usually 400).
        """
        self._connection = connection
        # Connectors always build ResponseHandler protocols.
        protocol: ResponseHandler = connection._protocol  # type: ignore[assignment]
        try:
            message, payload = await protocol.read()
        except HttpProcessingError as exc:
            raise ClientResponseError(
                self._request_info,
                self._history,
                status=exc.code,
                message=exc.message,
                headers=exc.headers,
            ) from exc
        self.version = message.version
        self.status = message.code
        self.reason = message.reason
        self._headers = message.headers
        # raw_headers is encoded from the fields only when someone asks for it.
        self._head = message
        self._content = payload
        self._closed = False
        if protocol._upgraded:
            # 101: the connection belongs to whoever upgraded it, and the bytes
            # after the head are theirs (the protocol keeps them); as a message
            # the response has no body (RFC 9110 §6.4.1), read as b"".
            self._content = EMPTY_PAYLOAD
            return self
        if payload.is_eof():
            self._response_eof()
        else:
            payload.on_eof(self._response_eof)
        return self

    def _response_eof(self) -> None:
        """The body was read to its end: hand the connection back at once."""
        if self._closed or self._connection is None:
            return
        protocol = self._connection._protocol
        if isinstance(protocol, ResponseHandler) and protocol._upgraded:
            return
        self._closed = True
        self._cleanup_timer()
        self._hand_back_connection()

    def _hand_back_connection(self) -> None:
        """Pool the connection if the request body was sent; else stop and close.

        A server may answer before reading the whole upload. Once its whole
        answer is here it has no use for the rest of the body, so the upload
        stops (as in aiohttp), and the connection, left inside a request body,
        is closed: a request reusing it would be written into that body.
        """
        if self._cleanup_writer():
            self._close_connection(force=True)
            return
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.release()

    # -- attributes -----------------------------------------------------------------

    @property
    def url(self) -> URL:
        """The URL of the request, without its fragment."""
        return self._url

    @property
    def url_obj(self) -> URL:
        """Deprecated alias of :attr:`url`."""
        warnings.warn("Deprecated, use .url #1654", DeprecationWarning, stacklevel=2)
        return self._url

    @property
    def real_url(self) -> URL:
        """The URL of the request, fragment included."""
        return self._real_url

    @property
    def host(self) -> str:
        """The host the request went to."""
        return self._url.host or ""

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response headers."""
        return self._headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The response headers as received, as ``(name, value)`` byte pairs."""
        if self._raw_headers is None:
            head = self._head
            self._raw_headers = () if head is None else head.raw_headers
        return self._raw_headers

    @property
    def request_info(self) -> RequestInfo:
        """What was sent: method, URL and headers."""
        return self._request_info

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led to this one, oldest first."""
        return self._history

    @property
    def connection(self) -> Connection | None:
        """The connection, until the body is read or the response released."""
        return self._connection

    @property
    def content(self) -> StreamReader:
        """The body stream: read it in pieces, or leave it to :meth:`read`.

        After :meth:`release` (or leaving ``async with``) every read raises
        ``ClientConnectionError``, as in aiohttp, except for a response that
        has no body at all (HEAD, 1xx, 204, 304: RFC 9110 §6.4.1) or whose
        body :meth:`read` returned before.
        """
        content = self._content
        if (
            content is EMPTY_PAYLOAD
            and self._released
            and self._body is None
            and not has_no_body(self.status, self.method)
        ):
            # An empty body released unread: a failed stream of its own, made
            # only if someone looks (the shared empty stream cannot fail).
            closed = ClientConnectionError("Connection closed")
            content = self._content = failed_empty_stream(closed)
        return content

    @content.setter
    def content(self, value: StreamReader) -> None:
        self._content = value

    @property
    def closed(self) -> bool:
        """True once the response is released or closed."""
        return self._closed

    @property
    def output_size(self) -> int:
        """Bytes of the request written to the connection so far.

        The head and the body as they went on the wire (after compression and
        chunked framing); it grows while a streamed body is still being sent.
        """
        writer = self._stream_writer
        return 0 if writer is None else int(writer.output_size)

    @property
    def upload_complete(self) -> asyncio.Future[None]:
        """A future that is done once the request body is no longer being sent.

        Done at once for a request written whole with its head (no body, or a
        small one); otherwise when the body's writer ends, having sent it all,
        or stopped early (an early complete answer, a failure, a release).
        """
        if self._upload_complete is None:
            done: asyncio.Future[None] = self._loop.create_future()
            self._upload_complete = done
            writer = self._writer
            if writer is None or writer.done():
                done.set_result(None)
            else:
                writer.add_done_callback(lambda _task: _resolve(done))
        return self._upload_complete

    @property
    def ok(self) -> bool:
        """True for statuses below 400."""
        return self.status < 400

    # -- the body -------------------------------------------------------------------

    async def read(self) -> bytes:
        """Read the whole body (cached after the first call).

        Raises:
            ClientConnectionError: The response was already released.
            ClientPayloadError: The body was malformed or cut short.
        """
        if self._body is None:
            content = self.content  # (the property: after release, a failed stream)
            try:
                # All of it buffered already (usual for a small body): no
                # coroutine to run.
                body = content._take_all_if_ended()
                self._body = await content.read() if body is None else body
            except BaseException:
                self.close()
                raise
            for trace in self._traces:
                await trace.send_response_chunk_received(
                    self.method, self.url, self._body
                )
        elif self._released:
            # Explicitly released: reading again is a usage error, as in aiohttp
            # (text() and json() still decode the cached body).
            raise ClientConnectionError("Connection closed")
        return self._body

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """Read the body and decode it (with :meth:`get_encoding` by default)."""
        body = self._body if self._body is not None else await self.read()
        return body.decode(encoding or self.get_encoding(), errors=errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = json.loads,
        content_type: str | None = "application/json",
    ) -> Any:
        """Read the body and parse it as JSON; an empty body gives ``None``.

        The check reads the ``Content-Type`` header as received, lower-cased:
        for ``"application/json"`` it must start with a JSON type
        (``application/json``, ``application/<x>+json``); any other expected
        type must occur in it.

        Raises:
            ContentTypeError: The header does not match ``content_type``
                (pass ``content_type=None`` to skip the check).
        """
        body = self._body if self._body is not None else await self.read()
        if content_type:
            # The header as received (empty when absent), lower-cased, is
            # checked as aiohttp checks it: JSON types by prefix, so a sloppy
            # "application/json charset=utf-8" passes, any other by substring.
            raw = self._headers.get(hdrs.CONTENT_TYPE, "") if self._headers else ""
            received = raw.lower()
            matches = (
                _JSON_CONTENT_TYPE.match(received) is not None
                if content_type == "application/json"
                else content_type in received
            )
            if not matches:
                raise ContentTypeError(
                    self._request_info,
                    self._history,
                    status=self.status,
                    message=(
                        "Attempt to decode JSON with unexpected mimetype: "
                        f"{raw} (pass content_type=None to disable the check)"
                    ),
                    headers=self._headers,
                )
        # loads() gets the text without surrounding whitespace, as in aiohttp.
        stripped = body.strip()
        if not stripped:
            return None
        return loads(stripped.decode(encoding or self.get_encoding()))

    # -- lifetime -------------------------------------------------------------------

    def release(self) -> Any:
        """Give the connection back (closed instead if the body was not read).

        From then on the body cannot be read: ``read()`` and ``content`` raise
        ``ClientConnectionError`` unless ``read()`` had already returned it (then
        ``text()`` and ``json()`` still decode it). Leaving ``async with``
        releases the response too.

        Returns an awaitable that does nothing, so ``await resp.release()`` works.
        """
        self._end_content()
        # A request body cut short leaves the connection mid-message: close it.
        cut_short = self._cleanup_writer()
        self._close_connection(force=cut_short)
        return _DONE

    def close(self) -> None:
        """Close the connection: it is not reused."""
        self._end_content()
        self._cleanup_writer()
        self._close_connection(force=True)

    def _end_content(self) -> None:
        """Make the body unreadable from now on, as aiohttp does on release.

        Whatever is still buffered is dropped with the connection's ownership:
        a read of ``content`` (or ``read()`` when the body was never read)
        raises ``ClientConnectionError("Connection closed")``. A body read
        before stays available through ``text()`` and ``json()``.
        """
        if not self._released:
            self._released = True
            # None when the response ends before start() (a failed request).
            # EMPTY_PAYLOAD is shared and cannot fail: the ``content`` property
            # stands in a failed stream for it, when someone asks.
            content: StreamReader | None = self._content
            if (
                content is not None
                and content is not EMPTY_PAYLOAD
                and content.exception() is None
            ):
                content.set_exception(ClientConnectionError("Connection closed"))

    def _close_connection(self, *, force: bool) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            if force:
                connection.close()
            else:
                connection.release()  # the protocol knows if the body is unread
        self._closed = True
        self._cleanup_timer()

    def _cleanup_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _cleanup_writer(self) -> bool:
        """Stop sending the request body; True if it was still being sent."""
        writer, self._writer = self._writer, None
        if writer is not None and not writer.done():
            writer.cancel()
            return True
        return False

    def raise_for_status(self) -> None:
        """Raise ``ClientResponseError`` for a status of 400 or more.

        Outside ``async with`` the response is released first.
        """
        if self.status < 400:
            return
        if not self._in_context:
            self.release()
        raise ClientResponseError(
            self._request_info,
            self._history,
            status=self.status,
            message=self.reason or "",
            headers=self._headers,
        )

    async def wait_for_close(self) -> None:
        """Wait for the request body to finish sending, then release."""
        writer = self._writer
        if writer is not None and not writer.done():
            # asyncio.wait: the writer's own end (even a cancellation) is not an
            # error here, while a cancellation of the caller still propagates.
            await asyncio.wait([writer])
        self.release()

    async def __aenter__(self) -> Self:
        self._in_context = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._in_context = False
        self.release()
        if self._writer is not None:  # release() normally clears it already
            await self.wait_for_close()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # the caller may have cancelled it
        future.set_result(None)


class _Done:
    """An awaitable that completes at once (what ``release()`` returns)."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return
        yield  # makes this a generator function


_DONE = _Done()
