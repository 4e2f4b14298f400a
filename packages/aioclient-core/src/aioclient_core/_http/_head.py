"""From a response head's bytes to its message and body framing (RFC 9112 §4-§6.3).

Two pure steps the parser (``_parser``) runs for every final head:

* :func:`split_head_block` parses a small head that arrived whole, in one
  regular-expression pass, or declines (``None``) so that the line-by-line path
  parses it and reports any error exactly as usual;
* :func:`build_head` turns a status line and fields into the
  ``RawResponseMessage`` and decides how the body is framed.
"""

from multidict import CIMultiDict, CIMultiDictProxy

from ..hdrs import CONNECTION, CONTENT_ENCODING
from ._abnf import FIELD_LINES, STATUS_LINE, VALIDATED_FIELD_LINE_TEXT
from ._framing import (
    CHUNKED,
    NO_BODY,
    UNTIL_EOF,
    BodyPlan,
    StatusLine,
    body_plan,
    compression,
    list_members,
    status_from_match,
)
from ._models import HttpVersion10, RawResponseMessage

__all__ = ["build_head", "split_head_block"]

_ABSENT: list[str] = []  # getall() default for a missing field; never mutated


def split_head_block(
    block: bytes, max_headers: int
) -> tuple[StatusLine, CIMultiDictProxy[str]] | None:
    """Parse a whole head (without its final CRLF CRLF) in one pass.

    Accepts exactly what the line-by-line path accepts and gives the same
    fields, provided the caller has checked that ``block`` is no longer than
    every line limit (so no line or field can exceed one). Anything else
    returns ``None``: a bare CR or LF, a field line that is not
    ``name ":" value`` of allowed bytes, or more than ``max_headers`` fields.
    """
    first = block.find(b"\r\n")
    if first < 0:
        first = len(block)
    # Neither a status line nor a field line admits CR or LF, so these two
    # matches also rule out any bare CR or LF in the head.
    status = STATUS_LINE.fullmatch(block, 0, first)
    if status is None or FIELD_LINES.fullmatch(block, first) is None:
        return None
    # One decode and one split for all fields (see VALIDATED_FIELD_LINE_TEXT);
    # a non-ASCII reason phrase makes text offsets differ from byte ones.
    text = block.decode("utf-8", "surrogateescape")
    fields = (
        VALIDATED_FIELD_LINE_TEXT.findall(text, text.find("\r\n"))
        if first < len(block)
        else []
    )
    if len(fields) > max_headers:
        return None
    if " \r" in text or "\t\r" in text or text[-1] in " \t":
        fields = [(name, value.rstrip(" \t")) for name, value in fields]
    return status_from_match(status), CIMultiDictProxy(CIMultiDict(fields))


def build_head(
    status: StatusLine,
    headers: CIMultiDictProxy[str],
    method: str,
    read_until_eof: bool,
) -> tuple[RawResponseMessage, BodyPlan, bool]:
    """Build the head message and choose its body framing (RFC 9112 §6.3).

    Returns:
        ``(message, plan, tunnel)``; ``tunnel`` is true for a 2xx answer to
        ``CONNECT``, whose framing headers are ignored (RFC 9110 §9.3.6).
    """
    version, code, reason = status
    conn = headers.getall(CONNECTION, _ABSENT)
    options = list_members(conn) if conn else []
    should_close = "close" in options or (
        version == HttpVersion10 and "keep-alive" not in options
    )
    tunnel = method == "CONNECT" and 200 <= code < 300
    plan = (
        NO_BODY if tunnel else body_plan(version, code, headers, method, read_until_eof)
    )
    if plan == UNTIL_EOF:
        should_close = True  # RFC 9112 §6.3 item 8: the close ends the body
    coding = headers.getall(CONTENT_ENCODING, _ABSENT)
    head = RawResponseMessage(
        version,
        code,
        reason,
        headers,
        should_close,
        compression(coding) if coding else None,
        "upgrade" in options,
        plan == CHUNKED,
    )
    return head, plan, tunnel
