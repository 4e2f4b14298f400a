"""Field values that decide a response's framing, and the status line.

The response parser validates the status line (RFC 9112 §4) and reads the
fields that decide how the body is framed and what is done with it:
``Content-Length`` (RFC 9110 §8.6), ``Transfer-Encoding`` (RFC 9112 §6.1),
``Connection`` options (RFC 9110 §7.6.1) and ``Content-Encoding``. Values arrive
decoded as UTF-8 with ``surrogateescape``, as the parser stores them.
"""

from __future__ import annotations

import re

from ._abnf import CONTENT_LENGTH_VALUE, STATUS_LINE, TRANSFER_CODING, VERSION_LOOSE
from ._errors import BadHttpMessage, BadStatusLine, snippet
from ._fields import Buffer
from ._models import HttpVersion, HttpVersion10, HttpVersion11

__all__ = [
    "StatusLine",
    "compression",
    "content_length",
    "list_members",
    "parse_status_line",
    "quote_value",
    "status_from_match",
    "transfer_codings",
]

_SUPPORTED_CODINGS = frozenset(("gzip", "deflate", "br", "zstd"))
_VERSIONS = {0: HttpVersion10, 1: HttpVersion11}

#: ``(version, code, reason)`` of a status line.
StatusLine = tuple[HttpVersion, int, str]


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
            codings.append(match.group(1).lower())
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
