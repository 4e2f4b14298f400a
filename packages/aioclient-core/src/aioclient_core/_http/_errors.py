"""Exceptions raised while reading or writing HTTP/1.1 messages.

The family mirrors aiohttp's ``http_exceptions`` module (names, bases,
constructor signatures, ``str()`` format) so that code catching those types
keeps working. Messages produced by this package name what was wrong and where
and quote at most a bounded, repr-escaped slice of the received bytes
(security category 17: errors never echo unbounded peer input).
"""

from textwrap import indent

from multidict import CIMultiDictProxy

__all__ = [
    "BadHttpMessage",
    "BadHttpMethod",
    "BadStatusLine",
    "ContentEncodingError",
    "ContentLengthError",
    "DecompressSizeError",
    "HttpBadRequest",
    "HttpProcessingError",
    "InvalidHeader",
    "InvalidURLError",
    "LineTooLong",
    "PayloadEncodingError",
    "TransferEncodingError",
    "snippet",
]

#: Longest slice of received bytes ever quoted in an exception message.
SNIPPET_LIMIT = 100

_HeadersArg = CIMultiDictProxy[str] | None


def snippet(
    data: bytes | bytearray | memoryview | str, limit: int = SNIPPET_LIMIT
) -> str:
    """Return a bounded, repr-escaped excerpt of peer input for error messages.

    Args:
        data: The received bytes (or text) to quote.
        limit: Maximum number of bytes or characters quoted.

    Returns:
        ``repr()`` of at most ``limit`` items, followed by ``...`` when cut.
    """
    piece = data[:limit]
    if isinstance(piece, bytearray | memoryview):
        piece = bytes(piece)
    text = repr(piece)
    return text + "..." if len(data) > limit else text


class HttpProcessingError(Exception):
    """Base class for every HTTP/1.1 protocol error.

    Attributes:
        code: HTTP status code that best describes the problem (0 if unset).
        message: Human readable description.
        headers: Headers of the offending message, when known.
    """

    code: int = 0
    message: str = ""
    headers: _HeadersArg = None

    def __init__(
        self,
        *,
        code: int | None = None,
        message: str = "",
        headers: _HeadersArg = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.headers = headers
        self.message = message
        super().__init__(code, message)

    def __str__(self) -> str:
        return f"{self.code}, message:\n{indent(self.message, '  ')}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.code}, message={self.message!r}>"


class BadHttpMessage(HttpProcessingError):
    """The peer sent a message that violates HTTP/1.1 syntax or framing."""

    code = 400
    message = "Bad Request"

    def __init__(self, message: str, *, headers: _HeadersArg = None) -> None:
        super().__init__(message=message, headers=headers)
        self.args = (message,)


class HttpBadRequest(BadHttpMessage):
    """Generic "400 Bad Request" protocol error."""


class PayloadEncodingError(BadHttpMessage):
    """The message body could not be decoded (base of the body errors)."""


class ContentEncodingError(PayloadEncodingError):
    """The ``Content-Encoding`` of the body is corrupt or unsupported."""


class TransferEncodingError(PayloadEncodingError):
    """The transfer coding (chunked framing) of the body is malformed."""


class ContentLengthError(PayloadEncodingError):
    """The body ended before ``Content-Length`` bytes were received."""


class DecompressSizeError(PayloadEncodingError):
    """Decompressed output exceeded the configured size limit."""


class LineTooLong(BadHttpMessage):
    """A status line, field line or chunk-size line exceeded its limit.

    Args:
        line: Description (and bounded excerpt) of the line being read.
        limit: The configured limit in bytes.
        actual_size: Number of bytes seen when the limit was crossed.
    """

    def __init__(
        self,
        line: str,
        limit: str | int = "Unknown",
        actual_size: str | int = "Unknown",
    ) -> None:
        # The size seen goes in only when known (aiohttp 3.14 leaves it out).
        seen = "" if actual_size == "Unknown" else f" ({actual_size})"
        super().__init__(f"Got more than {limit} bytes{seen} when reading {line}.")
        self.args = (line, limit, actual_size)


class InvalidHeader(BadHttpMessage):
    """A header (or trailer) field line is malformed.

    Args:
        hdr: The offending field line or name; bytes are quoted bounded.
        reason: Optional explanation appended to the message.

    Attributes:
        hdr: The field as text (bytes are decoded with backslash escapes).
    """

    def __init__(self, hdr: bytes | str, *, reason: str | None = None) -> None:
        if isinstance(hdr, bytes):
            hdr_s = hdr[:SNIPPET_LIMIT].decode("utf-8", "backslashreplace")
        else:
            hdr_s = hdr[:SNIPPET_LIMIT]
        message = f"Invalid HTTP header: {snippet(hdr)}"
        if reason:
            message += f" ({reason})"
        super().__init__(message)
        self.hdr = hdr_s
        self.args = (hdr,)


class BadStatusLine(BadHttpMessage):
    """The response did not start with a valid HTTP/1.x status line.

    Args:
        line: The offending line (bytes are quoted bounded).
        error: Explanation to use as the message instead of the default.

    Attributes:
        line: The line as text.
    """

    def __init__(self, line: str | bytes = "", error: str | None = None) -> None:
        line = line[: SNIPPET_LIMIT * 4] if isinstance(line, str) else snippet(line)
        super().__init__(error or f"Bad status line {line!r}")
        self.args = (line,)
        self.line = line


class BadHttpMethod(BadStatusLine):
    """The method of a request line is not a valid token."""

    def __init__(self, line: str | bytes = "", error: str | None = None) -> None:
        shown = line if isinstance(line, str) else snippet(line)
        super().__init__(line, error or f"Bad HTTP method in status line {shown!r}")


class InvalidURLError(BadHttpMessage):
    """A URL or request target in a message is invalid."""
