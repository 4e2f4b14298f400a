"""Field values that decide a response's framing, and the status line.

The response parser validates the status line (RFC 9112 §4) and reads the
fields that decide how the body is framed and what is done with it:
``Content-Length`` (RFC 9110 §8.6), ``Transfer-Encoding`` (RFC 9112 §6.1),
``Connection`` options (RFC 9110 §7.6.1) and ``Content-Encoding``, and
:func:`body_plan` chooses the framing from them (RFC 9112 §6.3). Values arrive
decoded as UTF-8 with ``surrogateescape``, as the parser stores them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..hdrs import CONTENT_LENGTH, TRANSFER_ENCODING
from ._abnf import CONTENT_LENGTH_VALUE, STATUS_LINE, TRANSFER_CODING, VERSION_LOOSE
from ._errors import BadHttpMessage, BadStatusLine, snippet
from ._fields import Buffer
from ._models import HttpVersion, HttpVersion10, HttpVersion11

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

__all__ = [
    "CHUNKED",
    "NO_BODY",
    "UNTIL_EOF",
    "BodyPlan",
    "StatusLine",
    "body_plan",
    "check_limits",
    "check_status_line_start",
    "compression",
    "content_length",
    "has_no_body",
    "list_members",
    "parse_status_line",
    "quote_value",
    "status_from_match",
    "transfer_codings",
]

_SUPPORTED_CODINGS = frozenset(("gzip", "deflate", "br", "zstd"))
_VERSIONS = {0: HttpVersion10, 1: HttpVersion11}
_ABSENT: list[str] = []  # getall() default for a missing field; never mutated

#: ``(version, code, reason)`` of a status line.
StatusLine = tuple[HttpVersion, int, str]

#: How a response's body is framed: its ``Content-Length`` (> 0), or one of
#: :data:`NO_BODY`, :data:`CHUNKED` and :data:`UNTIL_EOF`.
BodyPlan = int
NO_BODY, CHUNKED, UNTIL_EOF = -1, -2, -3


#: Where a line ends for quoting it in an error: at its CR or LF.
_LINE_END = re.compile(rb"[\r\n]")


def check_status_line_start(work: Buffer, pos: int, max_line_size: int) -> None:
    """Fail at once on a status line that cannot become ``HTTP/``.

    Runs before the line-length check, so that the error does not depend on
    how the bytes were split: a long line of junk is ``BadStatusLine`` however
    it arrives. Only bytes within the limit are looked at, so that a limit
    under five bytes is hit alike whole or byte by byte.

    Raises:
        BadStatusLine: The first bytes are not a prefix of ``HTTP/``; the line
            is shown as far as it arrived, never past its end.
    """
    prefix = bytes(work[pos : pos + min(5, max_line_size + 1)])
    if not b"HTTP/".startswith(prefix):
        line = _LINE_END.split(bytes(work[pos : pos + 100]), 1)[0]
        raise BadStatusLine(line, f"Invalid HTTP/1.x status line {snippet(line)}")


def parse_status_line(work: Buffer, pos: int, end: int) -> StatusLine:
    """Validate an RFC 9112 §4 status line."""
    match = STATUS_LINE.fullmatch(work, pos, end)
    if match is None:
        line = bytes(work[pos : min(end, pos + 100)])
        if VERSION_LOOSE.match(line):
            raise BadStatusLine(
                line, f"Unsupported HTTP version in status line {snippet(line)}"
            )
        raise BadStatusLine(line, f"Invalid HTTP/1.x status line {snippet(line)}")
    return status_from_match(match)


def status_from_match(match: re.Match[bytes]) -> StatusLine:
    """Version, code and reason from a STATUS_LINE match."""
    minor, code, reason = match.groups()
    return (
        _VERSIONS.get(minor[0] - 0x30) or HttpVersion(1, minor[0] - 0x30),
        int(code),
        reason.decode("utf-8", "surrogateescape") if reason else "",
    )


def body_plan(
    version: HttpVersion,
    code: int,
    headers: CIMultiDictProxy[str],
    method: str,
    read_until_eof: bool,
) -> BodyPlan:
    """Validate the length fields and choose the body framing (RFC 9112 §6.3).

    Args:
        version: The response's protocol version.
        code: Its status code.
        headers: Its header fields.
        method: The request's method, upper-case.
        read_until_eof: Whether a body with neither length nor chunked coding
            runs until the connection closes (else it is empty).

    Returns:
        The body's length, or ``NO_BODY``, ``CHUNKED`` or ``UNTIL_EOF``.

    Raises:
        BadHttpMessage: Conflicting or malformed framing fields.
    """
    te = headers.getall(TRANSFER_ENCODING, _ABSENT)
    cl = headers.getall(CONTENT_LENGTH, _ABSENT)
    if te and cl:
        # RFC 9112 §6.3 rule 3: a smuggling signature; refuse it.
        raise BadHttpMessage("Response has both Transfer-Encoding and Content-Length")
    if te and version == HttpVersion10:
        # RFC 9112 §6.1: framing of such a message is faulty.
        raise BadHttpMessage("HTTP/1.0 response with Transfer-Encoding")
    codings = transfer_codings(te) if te else []
    length = content_length(cl) if cl else None
    if has_no_body(code, method):
        return NO_BODY  # rule 1: never a body, whatever the fields say
    if codings:
        # Rule 4: a final coding other than chunked runs until the close.
        return CHUNKED if codings[-1] == "chunked" else UNTIL_EOF
    if length is not None:
        return length or NO_BODY
    return UNTIL_EOF if read_until_eof else NO_BODY


def has_no_body(code: int, method: str) -> bool:
    """Whether a response never has a body (RFC 9112 §6.3 rule 1).

    The response to HEAD, and 1xx, 204 and 304 responses, whatever their
    header fields say (RFC 9110 §6.4.1).
    """
    return code < 200 or code in (204, 304) or method == "HEAD"


def list_members(values: list[str]) -> list[str]:
    """Lower-cased members of a comma-separated list across field lines."""
    members: list[str] = []
    for value in values:
        for item in value.split(","):
            stripped = item.strip(" \t")
            if stripped:
                members.append(stripped.lower())
    return members


def transfer_codings(values: list[str]) -> list[str]:
    """Parse Transfer-Encoding across all field lines (RFC 9112 §6.1)."""
    codings: list[str] = []
    for value in values:
        for item in value.split(","):
            stripped = item.strip(" \t")
            if not stripped:
                continue  # RFC 9110 §5.6.1: empty list members are ignored
            match = TRANSFER_CODING.fullmatch(stripped)
            if match is None:
                raise BadHttpMessage(f"Invalid Transfer-Encoding {quote_value(value)}")
            coding = match.group(1).lower()
            if coding == "chunked" and match.end(1) != len(stripped):
                # RFC 9112 §7.1: chunked defines no parameters, and readers
                # disagree on whether "chunked;x=1" is chunked at all (aiohttp
                # reads such a body until the close): a framing to refuse.
                raise BadHttpMessage(
                    f"chunked with parameters in Transfer-Encoding {quote_value(value)}"
                )
            codings.append(coding)
    if values and not codings:
        raise BadHttpMessage("Empty Transfer-Encoding header")
    if codings.count("chunked") > 1:
        # RFC 9112 §6.1: chunked MUST NOT be applied more than once.
        raise BadHttpMessage(
            f"chunked applied more than once in {quote_value(', '.join(values))}"
        )
    return codings


def content_length(values: list[str]) -> int | None:
    """Validate Content-Length across all field lines (RFC 9110 §8.6)."""
    if len(values) == 1:
        value = values[0]
        # The usual single field of plain ASCII digits: the checks below
        # reduce to these (str.isdigit() alone would admit non-ASCII digits).
        if value.isascii() and value.isdigit() and len(value.lstrip("0")) <= 18:
            return int(value)
    result: int | None = None
    for value in values:
        for item in value.split(","):
            digits = item.strip(" \t")
            if CONTENT_LENGTH_VALUE.fullmatch(digits) is None:
                raise BadHttpMessage(f"Invalid Content-Length {quote_value(value)}")
            if len(digits.lstrip("0")) > 18:
                raise BadHttpMessage(f"Content-Length too large: {quote_value(value)}")
            length = int(digits)
            if result is not None and length != result:
                joined = quote_value(", ".join(values))
                raise BadHttpMessage(f"Conflicting Content-Length values {joined}")
            result = length
    return result


def compression(values: list[str]) -> str | None:
    """The single supported content coding to undo, else None (pass through)."""
    if not values:
        return None
    codings = [c for c in list_members(values) if c != "identity"]
    if len(codings) == 1 and codings[0] in _SUPPORTED_CODINGS:
        return codings[0]
    return None


def quote_value(value: str) -> str:
    """Quote a decoded field value in an error message as the bytes received."""
    return snippet(value.encode("utf-8", "surrogateescape"))


def check_limits(**limits: int) -> None:
    """Refuse a parser limit below 1.

    Raises:
        ValueError: A limit is below 1 (named in the message).
    """
    for name, value in limits.items():
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
