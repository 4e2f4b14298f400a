"""Value types of the HTTP/1.1 wire layer: versions, response heads, events.

``HttpVersion`` and ``RawResponseMessage`` have aiohttp's field names and
order. The remaining classes are the events a response parser returns
(RFC 9112 §6 message framing made explicit): see :data:`Event`; and
:class:`ResponseParserInterface` is what any parser must provide.
"""

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "EMPTY_TRAILERS",
    "ChunkEnd",
    "Event",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "InterimResponse",
    "MessageEnd",
    "RawResponseMessage",
    "ResponseParserInterface",
    "Upgraded",
]


class HttpVersion(NamedTuple):
    """An HTTP protocol version (RFC 9110 §2.5).

    Attributes:
        major: Major version number.
        minor: Minor version number.
    """

    major: int
    minor: int


#: HTTP/1.0.
HttpVersion10 = HttpVersion(1, 0)
#: HTTP/1.1.
HttpVersion11 = HttpVersion(1, 1)


class RawResponseMessage(NamedTuple):
    """An immutable, parsed response head (status line and header section).

    Attributes:
        version: Protocol version from the status line.
        code: Three-digit status code.
        reason: Reason phrase (possibly empty), decoded UTF-8 with
            ``surrogateescape`` so no byte is lost.
        headers: Case-insensitive, read-only header multidict; values are
            decoded like ``reason``.
        should_close: True when the connection cannot carry another response
            after this one: ``Connection: close``, HTTP/1.0 without
            ``keep-alive``, or a body delimited by the end of the connection.
        compression: The single content coding to undo (``gzip``,
            ``deflate``, ``br`` or ``zstd``), otherwise None.
        upgrade: True when ``Connection`` lists the ``upgrade`` option.
        chunked: True when the body uses chunked transfer coding.
    """

    version: HttpVersion
    code: int
    reason: str
    headers: CIMultiDictProxy[str]
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """``(name, value)`` byte pairs in received order, without surrounding OWS.

        Computed on demand from ``headers``, which keeps every name's case and
        order: names are ASCII tokens and values were decoded as UTF-8 with
        ``surrogateescape``, so encoding them back gives the received bytes.
        """
        return tuple(
            (name.encode("ascii"), value.encode("utf-8", "surrogateescape"))
            for name, value in self.headers.items()
        )


#: Shared empty trailer section (immutable, so safe to share).
EMPTY_TRAILERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


@dataclass(frozen=True, slots=True)
class InterimResponse:
    """A 1xx informational response (other than 101) that preceded the final one.

    It never carries a body and is not the answer to the request; it is
    reported so that, for example, ``Expect: 100-continue`` can release a
    waiting request body (RFC 9110 §15.2).

    Attributes:
        head: The parsed interim head.
    """

    head: RawResponseMessage


@dataclass(frozen=True, slots=True)
class ChunkEnd:
    """The data of one non-empty chunk of a chunked body has been delivered."""


@dataclass(frozen=True, slots=True)
class MessageEnd:
    """The response body is complete (RFC 9112 §6.3).

    Attributes:
        trailers: Trailer fields of a chunked body (empty otherwise); they
            never influence framing (RFC 9112 §7.1.2).
        raw_trailers: Trailer ``(name, value)`` byte pairs in received order.
        should_close: True when the connection must not carry another
            response: the head said so, the body was delimited by connection
            close, or bytes beyond the end of the message were already seen.
    """

    trailers: CIMultiDictProxy[str]
    raw_trailers: tuple[tuple[bytes, bytes], ...]
    should_close: bool


@dataclass(frozen=True, slots=True)
class Upgraded:
    """The connection stopped speaking HTTP/1.1 (101 response or CONNECT tunnel).

    Attributes:
        data: Bytes received after the head; they belong to the new protocol.
    """

    data: bytes


#: Everything a response parser returns. Body data is a plain ``bytes``
#: object (no wrapper, to keep the hot path allocation-free), or for a large
#: piece of a chunked body a read-only ``memoryview`` of the received bytes.
Event = (
    RawResponseMessage
    | InterimResponse
    | bytes
    | memoryview
    | ChunkEnd
    | MessageEnd
    | Upgraded
)

CHUNK_END = ChunkEnd()


class ResponseParserInterface(Protocol):
    """What the connection protocol needs from a response parser.

    Any implementation (this pure-Python one, or a future C-backed one) must
    produce the same events and raise the same exception types for the same
    bytes, however they are split across calls.
    """

    @property
    def reusable(self) -> bool:
        """True if the connection may carry another request now."""
        ...

    @property
    def events_before_error(self) -> list[Event]:
        """Events produced by the call that raised, before the error."""
        ...

    @property
    def body_remaining(self) -> int | None:
        """Body bytes still to come of a ``Content-Length`` body, else None."""
        ...

    def expect_response(self, method: str, *, read_until_eof: bool = True) -> None:
        """Announce the request whose response comes next."""
        ...

    def feed_data(self, data: bytes) -> list[Event]:
        """Parse received bytes and return the resulting events."""
        ...

    def feed_eof(self) -> list[Event]:
        """Handle the end of the connection and return the final events."""
        ...
