"""Incremental CRLF line splitting and field-line parsing (RFC 9112 §2.2, §5).

Shared by the response head and chunked trailers so both obey the same rules
and limits. Lines end only at CRLF: a bare CR or bare LF inside a line is an
error (we chose to reject bare LF rather than tolerate it, RFC 9112 §2.2
allows either). Length limits are checked on the bytes accumulated so far, so
a line dribbled in one byte per read fails exactly like the same line read at
once.
"""

from multidict import CIMultiDict, CIMultiDictProxy

from ._abnf import FIELD_NAME_COLON, FIELD_VALUE_FORBIDDEN
from ._errors import BadHttpMessage, InvalidHeader, LineTooLong, snippet

__all__ = [
    "BARE_LF",
    "FIELD_LINE_SLACK",
    "Buffer",
    "FieldBlock",
    "LineFinder",
    "build_multidict",
    "parse_field_line",
]

Buffer = bytes | bytearray

#: Bytes allowed on a raw field line beyond ``max_field_size`` for the colon
#: and optional whitespace; name + value alone are held to the exact limit.
FIELD_LINE_SLACK = 32
#: Returned by :meth:`LineFinder.find` for a line ended by a bare LF.
BARE_LF = -2


class LineFinder:
    """Finds the next CRLF-terminated line without re-scanning old bytes.

    It remembers how many bytes of the current, unfinished line were already
    searched, so a line delivered one byte at a time costs linear time.
    """

    __slots__ = ("_scanned",)

    def __init__(self) -> None:
        self._scanned = 0

    def reset(self) -> None:
        """Forget progress on the current line (its bytes were consumed)."""
        self._scanned = 0

    @property
    def fresh(self) -> bool:
        """True when no byte of the current line has been searched yet."""
        return self._scanned == 0

    def find(
        self, work: Buffer, pos: int, limit: int, what: str, shown_limit: int = 0
    ) -> int:
        """Return the index of the CR ending the line at ``pos``.

        Args:
            work: Buffer holding the line.
            pos: Offset where the line starts.
            limit: Maximum line length, CRLF excluded.
            what: Name of the line for the error message.
            shown_limit: Limit quoted in the error message (default ``limit``).

        Returns:
            Index of the terminating CR; -1 if the line is not complete yet;
            :data:`BARE_LF` if the line ends with an LF not preceded by CR
            (the caller raises its own error type for that).

        Raises:
            LineTooLong: The complete or partial line exceeds ``limit``.
        """
        # Searching for LF (not CRLF) finds a bare LF as early as possible,
        # so a peer using LF-only endings fails at once instead of stalling.
        lf = work.find(b"\n", pos + self._scanned)
        if lf < 0:
            size = len(work) - pos
            self._scanned = size
            # A trailing CR may be the first half of the terminator.
            content = size - 1 if work[-1:] == b"\r" else size
            if content > limit:
                raise LineTooLong(
                    _excerpt(work, pos, len(work), what), shown_limit or limit, content
                )
            return -1
        self._scanned = 0
        bare = lf == pos or work[lf - 1] != 0x0D
        end = lf if bare else lf - 1
        if end - pos > limit:
            raise LineTooLong(
                _excerpt(work, pos, end, what), shown_limit or limit, end - pos
            )
        return BARE_LF if bare else end


def _excerpt(work: Buffer, pos: int, end: int, what: str) -> str:
    """Name the over-long line for its error: its start, never what follows it.

    A header line shows only its field name: its value may be a credential
    or a cookie, which messages never quote.
    """
    line = bytes(work[pos : min(end, pos + 100)])
    if what == "header line":
        line = line.split(b":", 1)[0]
    return f"{what} {snippet(line)}"


def parse_field_line(
    work: Buffer, pos: int, end: int, max_field_size: int
) -> tuple[bytes, bytes]:
    """Validate one complete field line and split it into name and value.

    Args:
        work: Buffer holding the line.
        pos: Offset of the first byte of the line.
        end: Offset of the CR terminating the line.
        max_field_size: Limit on name plus value length.

    Returns:
        ``(name, value)`` as bytes; the value has its OWS removed.

    Raises:
        InvalidHeader: obs-fold, missing colon, whitespace before the colon,
            a bad name character, or a control character (bare CR/LF, NUL...)
            in the value.
        LineTooLong: name plus value exceed ``max_field_size``.
    """
    match = FIELD_NAME_COLON.match(work, pos, end)
    if match is None:
        _explain_bad_field_line(bytes(work[pos:end]))
    colon = match.end() - 1  # type: ignore[union-attr]
    name = bytes(work[pos:colon])
    value = bytes(work[colon + 1 : end]).strip(b" \t")
    if len(name) + len(value) > max_field_size:
        raise LineTooLong(
            f"header field {snippet(name)}", max_field_size, len(name) + len(value)
        )
    bad = FIELD_VALUE_FORBIDDEN.search(value)
    if bad is not None:
        raise InvalidHeader(
            bytes(work[pos:end]),
            reason=f"control character {bad.group()!r} in the value of {snippet(name)}",
        )
    return name, value


def _explain_bad_field_line(line: bytes) -> None:
    """Raise the most specific error for a field line whose name is invalid."""
    if b"\n" in line or b"\r" in line:
        # RFC 9112 §2.2: only CRLF ends a line; bare CR/LF are not accepted.
        raise InvalidHeader(line, reason="bare CR or LF inside the line")
    if line[:1] in (b" ", b"\t"):
        # RFC 9112 §5.2: obs-fold is rejected, never unfolded or split off.
        raise InvalidHeader(line, reason="line folding (obs-fold) is not accepted")
    colon = line.find(b":")
    if colon < 0:
        raise InvalidHeader(line, reason="no colon in field line")
    if colon == 0:
        raise InvalidHeader(line, reason="empty field name")
    if line[colon - 1 : colon] in (b" ", b"\t"):
        # RFC 9112 §5.1: whitespace before the colon MUST be rejected.
        raise InvalidHeader(line, reason="whitespace between field name and colon")
    raise InvalidHeader(line, reason="invalid character in field name")


class FieldBlock:
    """Collects the field lines of one header or trailer section.

    Attributes:
        raw: ``(name, value)`` byte pairs in received order.
    """

    __slots__ = ("_finder", "_max_field_size", "_max_fields", "raw")

    def __init__(self, max_field_size: int, max_fields: int) -> None:
        self._finder = LineFinder()
        self._max_field_size = max_field_size
        self._max_fields = max_fields
        self.raw: list[tuple[bytes, bytes]] = []

    def feed(self, work: Buffer, pos: int) -> tuple[int, bool]:
        """Consume complete field lines starting at ``pos``.

        Args:
            work: Buffer to read.
            pos: Offset of the next unread byte.

        Returns:
            ``(new_pos, done)``; ``done`` is True once the empty line that
            ends the section has been consumed.

        Raises:
            BadHttpMessage: A line is malformed or a limit was exceeded.
        """
        finder = self._finder
        raw = self.raw
        limit = self._max_field_size + FIELD_LINE_SLACK
        while True:
            end = finder.find(work, pos, limit, "header line", self._max_field_size)
            if end == BARE_LF:
                raise InvalidHeader(
                    bytes(work[pos : pos + 100]), reason="line ends with a bare LF"
                )
            if end < 0:
                return pos, False
            if end == pos:
                return pos + 2, True
            if len(raw) >= self._max_fields:
                raise BadHttpMessage(
                    f"Too many header fields: more than {self._max_fields} received"
                )
            raw.append(parse_field_line(work, pos, end, self._max_field_size))
            pos = end + 2


def build_multidict(raw: list[tuple[bytes, bytes]]) -> CIMultiDictProxy[str]:
    """Return a read-only multidict of decoded fields.

    Names are tokens (ASCII); values are decoded as UTF-8 with
    ``surrogateescape`` so arbitrary bytes survive without crashing.

    Args:
        raw: ``(name, value)`` byte pairs.

    Returns:
        The decoded, case-insensitive fields.
    """
    fields: CIMultiDict[str] = CIMultiDict()
    add = fields.add
    for name, value in raw:
        add(name.decode("ascii"), value.decode("utf-8", "surrogateescape"))
    return CIMultiDictProxy(fields)
