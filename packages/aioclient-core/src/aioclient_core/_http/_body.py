"""Body framing readers: Content-Length, chunked and read-until-close.

Each class implements one message-length rule of RFC 9112 §6.3 and turns raw
bytes into body events. Readers never copy or re-scan bytes they have already
handled: they work on ``(buffer, offset)`` pairs handed in by the parser and
return the new offset, leaving incomplete metadata (a partial chunk-size line
or trailer) for the next call.
"""

from typing import Protocol

from ._abnf import CHUNK_SIZE_LINE, PLAIN_CHUNK_BOUNDARY, PLAIN_CHUNK_SIZE_LINE
from ._errors import ContentLengthError, TransferEncodingError, snippet
from ._fields import BARE_LF, Buffer, FieldBlock, LineFinder
from ._models import CHUNK_END, Event

__all__ = [
    "MAX_CHUNK_SIZE",
    "VIEW_MIN",
    "BodyReader",
    "ChunkedReader",
    "ContentLengthReader",
    "UntilEOFReader",
    "copy_views",
    "take_bytes",
    "whole_single_chunk",
]

#: Largest chunk size accepted (fits a signed 64-bit integer, as llhttp).
MAX_CHUNK_SIZE = 2**63 - 1
#: Shortest chunk data piece handed out as a view (see :class:`ChunkedReader`).
VIEW_MIN = 16 * 1024


def take_bytes(work: Buffer, start: int, end: int) -> bytes:
    """Return ``work[start:end]`` as ``bytes`` with a single copy.

    Args:
        work: Source buffer.
        start: First offset.
        end: End offset (exclusive).

    Returns:
        The bytes; when ``work`` is ``bytes`` and the range covers all of it,
        the same object (no copy).
    """
    if type(work) is bytes:
        return work[start:end]
    with memoryview(work) as view:
        return bytes(view[start:end])


def copy_views(events: list[Event], first: int) -> None:
    """Replace the views in ``events[first:]`` by ``bytes`` copies of them."""
    for index in range(first, len(events)):
        event = events[index]
        if type(event) is memoryview:
            events[index] = bytes(event)


class BodyReader(Protocol):
    """Interface shared by the framing readers."""

    @property
    def done(self) -> bool:
        """True once the body is complete."""
        ...

    @property
    def raw_trailers(self) -> list[tuple[bytes, bytes]]:
        """Trailer fields received (chunked bodies only)."""
        ...

    def feed(self, work: Buffer, pos: int, events: list[Event]) -> int:
        """Consume body bytes from ``work[pos:]``, append events, return new offset."""
        ...

    def feed_eof(self) -> None:
        """Handle the end of the connection; raise if the body is truncated."""
        ...


class ContentLengthReader:
    """Body of exactly ``length`` bytes (RFC 9112 §6.3 rule 6).

    Args:
        length: The validated ``Content-Length``.

    Attributes:
        length: The body's length in bytes.
    """

    __slots__ = ("_remaining", "length")

    def __init__(self, length: int) -> None:
        self.length = length
        self._remaining = length

    @property
    def done(self) -> bool:
        """True once ``length`` bytes have been delivered."""
        return self._remaining == 0

    @property
    def remaining(self) -> int:
        """Body bytes not delivered yet."""
        return self._remaining

    @property
    def raw_trailers(self) -> list[tuple[bytes, bytes]]:
        """Always empty: only chunked bodies have trailers."""
        return []

    def feed(self, work: Buffer, pos: int, events: list[Event]) -> int:
        """Deliver up to the remaining number of body bytes.

        Args:
            work: Buffer with received bytes.
            pos: Offset of the first unread byte.
            events: List the body data is appended to.

        Returns:
            Offset after the consumed bytes.
        """
        take = min(self._remaining, len(work) - pos)
        if take > 0:
            events.append(take_bytes(work, pos, pos + take))
            self._remaining -= take
        return pos + take

    def feed_eof(self) -> None:
        """Raise if the connection closed before the body was complete.

        Raises:
            ContentLengthError: Fewer than ``length`` bytes arrived.
        """
        if self._remaining:
            got = self.length - self._remaining
            raise ContentLengthError(
                "Not enough data to satisfy content length header. "
                f"Received {got} of {self.length} bytes."
            )


class UntilEOFReader:
    """Body delimited by the end of the connection (RFC 9112 §6.3 rule 8)."""

    __slots__ = ("_done",)

    def __init__(self) -> None:
        self._done = False

    @property
    def done(self) -> bool:
        """True once the connection has closed."""
        return self._done

    @property
    def raw_trailers(self) -> list[tuple[bytes, bytes]]:
        """Always empty."""
        return []

    def feed(self, work: Buffer, pos: int, events: list[Event]) -> int:
        """Deliver every received byte as body data.

        Args:
            work: Buffer with received bytes.
            pos: Offset of the first unread byte.
            events: List the body data is appended to.

        Returns:
            ``len(work)``.
        """
        end = len(work)
        if end > pos:
            events.append(take_bytes(work, pos, end))
        return end

    def feed_eof(self) -> None:
        """Mark the body complete: the connection close is its delimiter."""
        self._done = True


_SIZE, _DATA, _DATA_CRLF, _TRAILERS, _DONE = range(5)

#: RFC 9112 §7.1: the last chunk (size 0, no extensions) and the empty trailer
#: section that ends nearly every chunked body.
_LAST_CHUNK = b"0\r\n\r\n"
_CRLF_LAST_CHUNK = b"\r\n" + _LAST_CHUNK


def whole_single_chunk(
    work: Buffer, pos: int, max_line_size: int, events: list[Event]
) -> int:
    """Read a chunked body made of one chunk at once, if all of it is in ``work``.

    The usual small chunked response: one size line without extensions, the
    data, then the last chunk with no trailers, all received together. The
    events are those :class:`ChunkedReader` gives for the same bytes (the data,
    then ``CHUNK_END``), under the same limits, except that the data is always
    ``bytes``; no reader is built.

    Args:
        work: Received bytes; the body starts at ``pos``.
        pos: Offset of the chunk-size line.
        max_line_size: Limit on the chunk-size line.
        events: List receiving the data and ``CHUNK_END``.

    Returns:
        The offset after the body, or -1 (nothing appended) for any other body
        or one not wholly received, which :class:`ChunkedReader` then reads.
    """
    plain = PLAIN_CHUNK_SIZE_LINE.match(work, pos)
    if plain is None:
        return -1
    start = plain.end()
    size = int(plain.group(1), 16)
    if not 0 < size <= MAX_CHUNK_SIZE or start - pos - 2 > max_line_size:
        return -1  # (size 0, or over a limit: the reader decides and reports)
    end = start + size
    if not work.startswith(_CRLF_LAST_CHUNK, end):
        return -1
    events.append(take_bytes(work, start, end))
    events.append(CHUNK_END)
    return end + len(_CRLF_LAST_CHUNK)


class ChunkedReader:
    """Chunked transfer coding (RFC 9112 §7.1).

    Args:
        max_line_size: Limit on a chunk-size line including extensions.
        max_field_size: Limit on each trailer field.
        max_trailers: How many trailer fields may still be accepted (the
            header count is shared between headers and trailers).
    """

    __slots__ = (
        "_finder",
        "_max_field_size",
        "_max_line_size",
        "_max_trailers",
        "_remaining",
        "_state",
        "_trailers",
        "_viewed",
    )

    def __init__(
        self, max_line_size: int, max_field_size: int, max_trailers: int
    ) -> None:
        self._viewed = 0  # bytes passed on as views during one feed()
        self._finder = LineFinder()
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_trailers = max_trailers
        self._remaining = 0
        self._state = _SIZE
        self._trailers: FieldBlock | None = None

    @property
    def done(self) -> bool:
        """True once the last chunk and the trailer section were read."""
        return self._state == _DONE

    @property
    def raw_trailers(self) -> list[tuple[bytes, bytes]]:
        """Trailer fields received after the last chunk."""
        return self._trailers.raw if self._trailers is not None else []

    def feed(self, work: Buffer, pos: int, events: list[Event]) -> int:
        """Decode chunks from ``work[pos:]``.

        Chunked framing puts a size line and a CRLF around every chunk, so a
        read of chunk data cannot be passed on whole as a ``Content-Length``
        body's is, and slicing it to ``bytes`` would copy every byte here and
        again when the application reads it. Pieces of at least
        :data:`VIEW_MIN` bytes of received ``bytes`` (immutable; never the
        parser's own ``bytearray``, which changes) are passed on as read-only
        views instead, which the body stream copies once, when they are read.
        A view keeps the whole received object alive, so when the views of
        one read would cover less than a quarter of it they are copied after
        all: whatever the chunk sizes, a stream holds at most four times the
        body bytes it buffers, plus the one read that a partly consumed first
        piece comes from (security category 5).

        Args:
            work: Buffer with received bytes.
            pos: Offset of the first unread byte.
            events: List receiving chunk data (``bytes``, or a ``memoryview``
                of ``work``) and :class:`ChunkEnd` markers.

        Returns:
            Offset of the first byte not consumed (an incomplete size line,
            CRLF or trailer line stays in the buffer).

        Raises:
            TransferEncodingError: Malformed size line or missing CRLF.
            BadHttpMessage: Malformed trailers or a limit exceeded.
        """
        if type(work) is not bytes:
            return self._feed(work, pos, events, len(work) + 1)
        self._viewed = 0
        first = len(events)
        pos = self._feed(work, pos, events, VIEW_MIN)
        if self._viewed and self._viewed * 4 < len(work):
            copy_views(events, first)
        return pos

    def _feed(self, work: Buffer, pos: int, events: list[Event], view_min: int) -> int:
        """:meth:`feed`, making views of data pieces of ``view_min`` bytes or more."""
        end = len(work)
        while pos < end:
            state = self._state
            if state == _DATA:
                remaining = self._remaining
                take = end - pos
                if take < remaining:
                    if take >= view_min:
                        events.append(memoryview(work)[pos:end])
                        self._viewed += take
                    else:
                        events.append(take_bytes(work, pos, end))
                    self._remaining = remaining - take
                    return end
                if remaining >= view_min:
                    events.append(memoryview(work)[pos : pos + remaining])
                    self._viewed += remaining
                else:
                    events.append(take_bytes(work, pos, pos + remaining))
                pos += remaining
                self._remaining = 0
                self._state = _DATA_CRLF
                if work.startswith(_CRLF_LAST_CHUNK, pos):
                    # The usual end, whole in this read: the CRLF, a last chunk
                    # without extensions and an empty trailer section.
                    events.append(CHUNK_END)
                    self._state = _DONE
                    return pos + len(_CRLF_LAST_CHUNK)
                # The usual boundary, whole in this read: the CRLF and the next
                # plain size line in one match, under the same limits as below.
                plain = PLAIN_CHUNK_BOUNDARY.match(work, pos)
                if plain is not None:
                    size = int(plain.group(1), 16)
                    if 0 < size <= MAX_CHUNK_SIZE and (
                        plain.end() - pos - 4 <= self._max_line_size
                    ):
                        events.append(CHUNK_END)
                        self._remaining = size
                        self._state = _DATA
                        pos = plain.end()
            elif state == _SIZE:
                if not self._finder.fresh:
                    plain = None
                elif work.startswith(_LAST_CHUNK, pos):
                    self._state = _DONE  # no extensions, no trailers
                    return pos + len(_LAST_CHUNK)
                else:
                    plain = PLAIN_CHUNK_SIZE_LINE.match(work, pos)
                if plain is not None:
                    # The usual line, whole in this read: no line search and no
                    # extension parsing. Size 0 (trailers follow), a line over
                    # max_line_size and sizes over the limit take the full path.
                    size = int(plain.group(1), 16)
                    if 0 < size <= MAX_CHUNK_SIZE and (
                        plain.end() - pos - 2 <= self._max_line_size
                    ):
                        self._remaining = size
                        self._state = _DATA
                        pos = plain.end()
                        continue
                line_end = self._finder.find(
                    work, pos, self._max_line_size, "chunk-size line"
                )
                if line_end == BARE_LF:
                    raise TransferEncodingError(
                        "Chunk-size line ends with a bare LF: "
                        f"{snippet(work[pos : pos + 100])}"
                    )
                if line_end < 0:
                    return pos
                self._start_chunk(work, pos, line_end)
                pos = line_end + 2
            elif state == _DATA_CRLF:
                # RFC 9112 §7.1: chunk-data is followed by exactly CRLF.
                if work[pos] != 0x0D or (end - pos >= 2 and work[pos + 1] != 0x0A):
                    raise TransferEncodingError(
                        "Chunk data is not followed by CRLF: got "
                        f"{snippet(work[pos : pos + 20])}"
                    )
                if end - pos < 2:
                    return pos
                pos += 2
                events.append(CHUNK_END)
                self._state = _SIZE
            elif state == _TRAILERS:
                assert self._trailers is not None
                pos, finished = self._trailers.feed(work, pos)
                if finished:
                    self._state = _DONE
                return pos
            else:
                return pos
        return pos

    def _start_chunk(self, work: Buffer, pos: int, line_end: int) -> None:
        """Validate a chunk-size line and switch to data or trailers."""
        match = CHUNK_SIZE_LINE.fullmatch(work, pos, line_end)
        if match is None:
            raise TransferEncodingError(
                f"Invalid chunk-size line {snippet(work[pos:line_end])}"
            )
        digits = match.group(1).lstrip(b"0")
        # Bounded before conversion: more than 16 significant hex digits can
        # never fit, so int() is only ever run on short inputs.
        size = int(digits, 16) if 0 < len(digits) <= 16 else 0
        if len(digits) > 16 or size > MAX_CHUNK_SIZE:
            raise TransferEncodingError(
                f"Chunk size too large in {snippet(work[pos:line_end])}"
            )
        if size:
            self._remaining = size
            self._state = _DATA
        else:
            self._trailers = FieldBlock(self._max_field_size, self._max_trailers)
            self._state = _TRAILERS

    def feed_eof(self) -> None:
        """Raise if the connection closed before the last chunk.

        Raises:
            TransferEncodingError: The chunked body was truncated.
        """
        if self._state != _DONE:
            raise TransferEncodingError(
                "Not enough data to satisfy transfer length header. "
                "The chunked body was cut off before its last chunk."
            )
