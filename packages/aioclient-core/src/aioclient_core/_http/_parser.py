"""Sans-IO HTTP/1.1 response parser: bytes in, events out (RFC 9112).

The caller announces each request with :meth:`ResponseParser.expect_response`
(the method and whether a body without length runs until close), then feeds
received bytes with :meth:`~ResponseParser.feed_data` and the end of the
connection with :meth:`~ResponseParser.feed_eof`. Both return a list of
events (see :data:`~._models.Event`) in order:

* ``InterimResponse`` for each 1xx head other than 101 (bounded count);
* the ``RawResponseMessage`` head;
* body ``bytes`` and, for chunked bodies, a ``ChunkEnd`` after each chunk;
* ``MessageEnd`` with the trailers, or ``Upgraded`` with the remaining raw
  bytes after a 101 response or a successful CONNECT (later ``feed_data``
  calls then return their bytes wrapped in ``Upgraded`` unchanged).

Parsing is strict (status line RFC 9112 §4, field lines §5, framing §6.3,
chunked coding §7.1). Decisions where the RFC leaves a choice: a bare LF
ends nothing and is rejected at once; obs-fold is rejected; a
Transfer-Encoding whose final coding is not ``chunked`` makes the body run
until the connection closes (the coding is not undone); any 101 response
switches protocols, whatever its headers; bytes that arrive when no response
is expected make the connection non-reusable (see ``reusable``).

Errors are raised as the aiohttp-compatible exceptions of :mod:`._errors`
and are sticky: a failed parser raises the same error on every later call.
Events produced by the failing call before the error are kept in
:attr:`ResponseParser.events_before_error`.
"""

from collections.abc import Callable

from multidict import CIMultiDictProxy

from ._body import (
    BodyReader,
    ChunkedReader,
    ContentLengthReader,
    UntilEOFReader,
    take_bytes,
    whole_single_chunk,
)
from ._errors import BadHttpMessage, BadStatusLine, HttpProcessingError, snippet
from ._fields import BARE_LF, Buffer, FieldBlock, LineFinder, build_multidict
from ._framing import (
    CHUNKED,
    NO_BODY,
    UNTIL_EOF,
    BodyPlan,
    StatusLine,
    check_limits,
    check_status_line_start,
    parse_status_line,
)
from ._head import build_head, split_head_block
from ._models import (
    EMPTY_TRAILERS,
    Event,
    InterimResponse,
    MessageEnd,
    RawResponseMessage,
    ResponseParserInterface,
    Upgraded,
)
from ._recent import RecentResults

__all__ = ["RESPONSE_PARSERS", "ResponseParser"]

_IDLE, _HEAD, _BODY, _DONE, _UPGRADED, _CLOSED = range(6)
_END_KEEP = MessageEnd(EMPTY_TRAILERS, (), False)
_END_CLOSE = MessageEnd(EMPTY_TRAILERS, (), True)

#: Final heads parsed in one go recently, to recognise one when it comes again
#: byte for byte (a server's keep-alive answers repeat exactly until their
#: ``Date`` changes, so most heads are parsed by one lookup, also when a client
#: alternates between a few endpoints or follows the same redirect):
#: ``(head bytes, method, read_until_eof) -> (message, body plan)``. The
#: message is immutable, so responses may share it; the result depends only on
#: the key and on limits that are checked again on every use. Heads longer
#: than :data:`_RECENT_HEAD_MAX` bytes are not kept.
_recent_heads: RecentResults[
    tuple[bytes, str, bool], tuple[RawResponseMessage, BodyPlan]
] = RecentResults(32)
_RECENT_HEAD_MAX = 4096


class ResponseParser:
    """Strict, incremental HTTP/1.1 response parser.

    Args:
        max_line_size: Limit for the status line and chunk-size lines.
        max_field_size: Limit for a field's name plus value.
        max_headers: Limit for header fields plus trailer fields of one
            response (so the header block is bounded by roughly
            ``max_headers * max_field_size``).
        max_interim_responses: How many 1xx responses may precede the final
            one.

    Raises:
        ValueError: A limit is not a positive integer.
    """

    __slots__ = (
        "_body",
        "_buf",
        "_error",
        "_events_before_error",
        "_fast_head_limit",
        "_fields",
        "_finder",
        "_interim",
        "_last_should_close",
        "_max_field_size",
        "_max_headers",
        "_max_interim",
        "_max_line_size",
        "_method",
        "_read_until_eof",
        "_should_close",
        "_state",
        "_status",
        "_stray",
    )

    def __init__(
        self,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_interim_responses: int = 32,
    ) -> None:
        check_limits(
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
            max_interim_responses=max_interim_responses,
        )
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_interim = max_interim_responses
        # A head this short cannot break any line or field limit.
        self._fast_head_limit = min(max_line_size, max_field_size)
        self._buf = bytearray()
        self._finder = LineFinder()
        self._state = _IDLE
        self._method = "GET"
        self._read_until_eof = True
        self._status: StatusLine | None = None
        self._fields: FieldBlock | None = None
        self._body: BodyReader | None = None
        self._interim = 0
        self._should_close = False
        self._last_should_close = False
        self._stray = False
        self._error: HttpProcessingError | None = None
        self._events_before_error: list[Event] = []

    @property
    def reusable(self) -> bool:
        """True if the connection may carry another request now.

        False while a response is in progress, after an error, after an
        upgrade or the end of the connection, after a response that must
        close, and once any byte arrived that no request asked for.
        """
        return (
            self._state in (_IDLE, _DONE)
            and not self._stray
            and not self._last_should_close
            and self._error is None
        )

    @property
    def events_before_error(self) -> list[Event]:
        """Events the failing call produced before it raised (else empty)."""
        return self._events_before_error

    @property
    def body_remaining(self) -> int | None:
        """Body bytes still to come while a ``Content-Length`` body is read.

        None for any other framing and between bodies.
        """
        body = self._body
        if self._state == _BODY and type(body) is ContentLengthReader:
            return body.remaining
        return None

    def expect_response(self, method: str, *, read_until_eof: bool = True) -> None:
        """Announce the request whose response is parsed next.

        Call it before the request is sent, so that no response byte can
        arrive unannounced.

        Args:
            method: Request method; ``HEAD`` responses have no body and a 2xx
                answer to ``CONNECT`` opens a tunnel.
            read_until_eof: Whether a body with neither ``Content-Length``
                nor chunked coding runs until the connection closes (True) or
                is empty (False).

        Raises:
            RuntimeError: A response is still in progress or the connection
                is not reusable.
        """
        if self._error is not None:
            raise RuntimeError("The parser failed; the connection must be closed")
        # The ``reusable`` property, spelled out: this runs on every request.
        if (
            (self._state != _IDLE and self._state != _DONE)
            or self._stray
            or self._last_should_close
        ):
            raise RuntimeError(
                "The connection cannot carry another request "
                "(response in progress, closed, upgraded or unexpected data)"
            )
        self._method = method.upper()
        self._read_until_eof = read_until_eof
        self._interim = 0
        self._start_head()

    def feed_data(self, data: bytes) -> list[Event]:
        """Parse received bytes.

        Args:
            data: Bytes exactly as received (any split is fine).

        Returns:
            The events completed by these bytes, in order.

        Raises:
            HttpProcessingError: A subclass describing malformed input; the
                parser stays failed.
            RuntimeError: Called after ``feed_eof()``.
        """
        if self._error is not None:
            raise self._error
        state = self._state
        if state == _CLOSED:
            raise RuntimeError("feed_data() called after feed_eof()")
        events: list[Event] = []
        if not data:
            return events
        if state == _UPGRADED:
            # Bytes of the new protocol, in case they are still routed here.
            events.append(Upgraded(data))
            return events
        if state in (_IDLE, _DONE):
            # Nobody asked for these bytes: the connection is desynchronised.
            self._stray = True
            return events
        buf = self._buf
        work: Buffer
        if buf:
            buf += data
            work = buf
        else:
            work = data
        try:
            body = self._body
            if state == _BODY and work is data and body is not None:
                # Body bytes with nothing held back (most reads of a large
                # body): straight to the framing reader.
                pos = body.feed(data, 0, events)
                if body.done:
                    self._end_message(events, body)
                    pos = self._run(work, events, pos)
            else:
                pos = self._run(work, events)
        except HttpProcessingError as exc:
            self._fail(exc, events)
            raise
        if work is buf:
            del buf[:pos]
        elif pos < len(work):
            self._buf = bytearray(memoryview(work)[pos:])
        return events

    def feed_eof(self) -> list[Event]:
        """Handle the end of the connection.

        Returns:
            ``MessageEnd`` for a body delimited by the close, else nothing.

        Raises:
            ContentLengthError: The body is shorter than ``Content-Length``.
            TransferEncodingError: A chunked body was cut off.
            BadHttpMessage: The connection closed inside a response head.
        """
        if self._error is not None:
            raise self._error
        events: list[Event] = []
        state = self._state
        self._state = _CLOSED
        try:
            if state == _HEAD and (
                self._buf or self._status is not None or self._interim
            ):
                raise BadHttpMessage(
                    "Connection closed before the response head was complete "
                    f"({len(self._buf)} unparsed bytes)"
                )
            if state == _BODY:
                assert self._body is not None
                self._body.feed_eof()
                self._end_message(events, self._body)
                self._state = _CLOSED
        except HttpProcessingError as exc:
            self._fail(exc, events)
            raise
        return events

    def _fail(self, exc: HttpProcessingError, events: list[Event]) -> None:
        """Enter the sticky failed state."""
        self._error = exc
        self._events_before_error = events
        self._buf = bytearray()
        self._body = None

    def _start_head(self) -> None:
        """Prepare for the status line of the next (interim or final) head."""
        self._state = _HEAD
        self._finder.reset()
        self._status = None
        self._fields = None
        self._body = None

    def _run(self, work: Buffer, events: list[Event], pos: int = 0) -> int:
        """Drive the state machine over ``work[pos:]``; return the consumed offset."""
        end = len(work)
        while pos < end:
            state = self._state
            if state == _BODY:
                body = self._body
                assert body is not None
                pos = body.feed(work, pos, events)
                if not body.done:
                    return pos
                self._end_message(events, body)
            elif state == _HEAD:
                # A head that is whole in ``work`` is parsed in one go; this is
                # tried once per head, before any line was searched, so a head
                # dribbled in byte by byte is never rescanned.
                done = -1
                if self._status is None and self._finder.fresh:
                    done = self._parse_whole_head(work, pos, events)
                if done >= 0:
                    pos = done
                else:
                    pos, complete = self._parse_head(work, pos, events)
                    if not complete:
                        return pos
                if self._state == _UPGRADED:
                    return end
            else:
                # RFC 9112 §9.3: without pipelining, bytes after a complete
                # response are unsolicited; never reuse such a connection.
                self._stray = True
                return end
        return pos

    def _parse_head(
        self, work: Buffer, pos: int, events: list[Event]
    ) -> tuple[int, bool]:
        """Consume status and field lines; return ``(pos, head_complete)``."""
        if self._status is None:
            check_status_line_start(work, pos, self._max_line_size)
            end = self._finder.find(work, pos, self._max_line_size, "status line")
            if end == BARE_LF:
                line = bytes(work[pos : pos + 100])
                raise BadStatusLine(
                    line, f"Status line ends with a bare LF: {snippet(line)}"
                )
            if end < 0:
                return pos, False
            self._status = parse_status_line(work, pos, end)
            self._fields = FieldBlock(self._max_field_size, self._max_headers)
            pos = end + 2
        assert self._fields is not None
        pos, done = self._fields.feed(work, pos)
        if done:
            assert self._status is not None
            headers = build_multidict(self._fields.raw)
            pos = self._complete_head(work, pos, events, self._status, headers)
        return pos, done

    def _parse_whole_head(self, work: Buffer, pos: int, events: list[Event]) -> int:
        """Parse a small head that is already complete in ``work``, at once.

        A head seen recently is a lookup; another is split by
        :func:`split_head_block`. A head that is incomplete, longer than a line
        limit, or declined there returns -1, and the line-by-line path handles
        it and raises exactly its usual error.

        Returns:
            The offset after the head, or -1.
        """
        end = work.find(b"\r\n\r\n", pos)
        if end < 0 or end - pos > self._fast_head_limit:
            return -1
        block = bytes(work[pos:end])
        known = _recent_heads.get((block, self._method, self._read_until_eof))
        if known is not None and len(known[0].headers) <= self._max_headers:
            return self._start_final(work, end + 4, events, known[0], known[1])
        parsed = split_head_block(block, self._max_headers)
        if parsed is None:
            return -1  # let the line-by-line path report it
        return self._complete_head(work, end + 4, events, *parsed, block)

    def _complete_head(
        self,
        work: Buffer,
        pos: int,
        events: list[Event],
        status: StatusLine,
        headers: CIMultiDictProxy[str],
        block: bytes | None = None,
    ) -> int:
        """Build the head event and choose the body framing (RFC 9112 §6.3).

        A final head parsed in one go (its bytes are ``block``) is remembered
        for later responses (see ``_recent_heads``), unless its body runs until
        the connection closes or the head is long.

        Returns:
            The offset after what was consumed: ``pos``, or past the body when
            a ``Content-Length`` body is already whole in ``work``.
        """
        head, plan, tunnel = build_head(
            status, headers, self._method, self._read_until_eof
        )
        code = head.code
        if code == 101 or tunnel:
            events.append(head)
            events.append(Upgraded(take_bytes(work, pos, len(work))))
            self._state = _UPGRADED
        elif code < 200:
            self._interim += 1
            if self._interim > self._max_interim:
                raise BadHttpMessage(
                    f"Too many interim (1xx) responses: more than {self._max_interim}"
                )
            events.append(InterimResponse(head))
            self._start_head()
        else:
            if (
                block is not None
                and plan != UNTIL_EOF
                and len(block) <= _RECENT_HEAD_MAX
            ):
                key = (block, self._method, self._read_until_eof)
                _recent_heads.put(key, (head, plan))
            return self._start_final(work, pos, events, head, plan)
        return pos

    def _start_final(
        self,
        work: Buffer,
        pos: int,
        events: list[Event],
        head: RawResponseMessage,
        plan: BodyPlan,
    ) -> int:
        """Emit a final head and start its body; return the offset consumed."""
        events.append(head)
        self._should_close = head.should_close
        if plan == NO_BODY:
            self._end_message(events, None)
        elif plan == CHUNKED:
            end = whole_single_chunk(work, pos, self._max_line_size, events)
            if end >= 0:  # the usual small chunked body, whole in this read
                self._end_message(events, None)
                return end
            self._body = ChunkedReader(
                self._max_line_size,
                self._max_field_size,
                self._max_headers - len(head.headers),
            )
            self._state = _BODY
        elif plan == UNTIL_EOF:
            self._body = UntilEOFReader()
            self._state = _BODY
        elif len(work) - pos >= plan:
            # The whole body is here too (the usual small response): it is
            # delivered at once, without a pass through the body state.
            end = pos + plan
            events.append(take_bytes(work, pos, end))
            self._end_message(events, None)
            return end
        else:
            self._body = ContentLengthReader(plan)
            self._state = _BODY
        return pos

    def _end_message(self, events: list[Event], body: BodyReader | None) -> None:
        """Emit ``MessageEnd`` and wait for the next request."""
        raw = body.raw_trailers if body is not None else []
        if raw:
            end = MessageEnd(build_multidict(raw), tuple(raw), self._should_close)
        else:
            # Immutable, so the usual trailer-less ends can be shared.
            end = _END_CLOSE if self._should_close else _END_KEEP
        events.append(end)
        self._last_should_close = self._should_close
        self._body = None
        self._state = _DONE


#: Parser implementations, fastest first; all must behave identically.
RESPONSE_PARSERS: tuple[Callable[..., ResponseParserInterface], ...] = (ResponseParser,)
