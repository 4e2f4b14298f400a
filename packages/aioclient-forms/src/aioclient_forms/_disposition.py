"""Parsing of received Content-Disposition field values.

Implements the disposition syntax of RFC 6266 section 4.1 and RFC 2183, with
RFC 8187 (formerly RFC 5987) extended ``key*`` values and RFC 2231 section 3
parameter continuations. Malformed input never raises: it is reported with the
warnings below, matching aiohttp.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from urllib.parse import unquote

from ._helpers import is_token

__all__ = [
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "content_disposition_filename",
    "parse_content_disposition",
]


class BadContentDispositionHeader(RuntimeWarning):
    """Warned when a Content-Disposition value is malformed as a whole.

    The warning's argument is the offending header value; the parser then reports
    no disposition type and no parameters.
    """


class BadContentDispositionParam(RuntimeWarning):
    """Warned when one Content-Disposition parameter is malformed.

    The warning's argument is the offending ``key=value`` item, which is skipped
    while the other parameters are still returned.
    """


# A backslash escapes any ASCII character inside a quoted-string (RFC 9110
# section 5.6.4, quoted-pair).
_QUOTED_PAIR = re.compile(r"\\([\x00-\x7f])")


def _unescape(text: str) -> str:
    return _QUOTED_PAIR.sub(r"\1", text)


def _is_quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] == text[-1] == '"'


def _split_items(text: str) -> list[str]:
    """Split on ';' except inside a quoted-string value (RFC 9110 section 5.6.4).

    Only a double quote that opens a parameter value (right after ``=`` and
    optional whitespace) starts a quoted-string; a backslash escapes the next
    character inside it.
    """
    items: list[str] = []
    start = 0
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == ";":
            items.append(text[start:pos])
            start = pos + 1
        elif char == "=" and "=" not in text[start:pos]:
            pos += 1
            while pos < length and text[pos] in " \t":
                pos += 1
            if pos < length and text[pos] == '"':
                pos += 1
                while pos < length and text[pos] != '"':
                    pos += 2 if text[pos] == "\\" else 1
            continue
        pos += 1
    items.append(text[start:])
    return items


def _is_continuation(key: str) -> bool:
    # RFC 2231 section 3: name*N or name*N* where N is a decimal section number.
    head, star, tail = key.partition("*")
    if not head or not star:
        return False
    tail = tail.removesuffix("*")
    return tail.isascii() and tail.isdigit()


def _decode_extended(value: str) -> str | None:
    # RFC 8187 section 3.2: charset'language'percent-encoded-octets.
    if not is_token(value) or value.count("'") != 2:
        return None
    charset, _, encoded = value.split("'", 2)
    return _percent_decode(encoded, charset)


def _percent_decode(encoded: str, charset: str) -> str | None:
    """Decode RFC 8187 percent-encoded octets; ``None`` if they do not decode."""
    try:
        return unquote(encoded, charset or "utf-8", "strict")
    except (LookupError, ValueError):
        # Both the charset name and the octets come from the peer: an unknown
        # name, a codec that cannot decode ("undefined", "punycode"), a name
        # that is not text, or octets invalid in the charset.
        return None


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """Parse a Content-Disposition value into its type and parameters.

    Args:
        header: The field value, or ``None``.

    Returns:
        ``(disposition_type, params)``: the type lower-cased, parameter names
        lower-cased, quoted values unescaped and ``key*`` values decoded. A
        malformed value gives ``(None, {})``.

    Warns:
        BadContentDispositionHeader: The value as a whole is malformed (bad type,
            a parameter without ``=``, a duplicate or unparsable parameter, or an
            empty segment, which is only skipped).
        BadContentDispositionParam: One parameter is malformed and is skipped.
    """
    if not header:
        return None, {}
    disptype, _, rest = header.partition(";")
    disptype = disptype.strip()
    if not is_token(disptype):
        warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
        return None, {}
    params: dict[str, str] = {}
    items = _split_items(rest) if ";" in header else []
    for item in items:
        if not item:
            # An empty segment, e.g. a trailing ';': tolerated but reported.
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            continue
        if "=" not in item:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        key, value = item.split("=", 1)
        key = key.lower().strip()
        value = value.lstrip()
        if key in params:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        parsed = _parse_value(key, value)
        if parsed is _BAD_HEADER:
            warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
            return None, {}
        if parsed is None:
            warnings.warn(BadContentDispositionParam(item), stacklevel=2)
            continue
        params[key] = parsed
    return disptype.lower(), params


_BAD_HEADER = "\x00bad-header"


def _parse_value(key: str, value: str) -> str | None:
    """Decode one value; None means a bad parameter, _BAD_HEADER a bad header."""
    if not is_token(key):
        return None
    if _is_continuation(key):
        if _is_quoted(value):
            return _unescape(value[1:-1])
        return value if is_token(value) else None
    if key.endswith("*"):
        return _decode_extended(value)
    stripped = value.rstrip()
    if _is_quoted(stripped):
        # Leading slashes and backslashes are dropped, as aiohttp does, so that a
        # received filename can never be an absolute path.
        return _unescape(stripped[1:-1].lstrip("\\/"))
    if is_token(value):
        return value
    return _BAD_HEADER


def content_disposition_filename(
    params: Mapping[str, str], name: str = "filename"
) -> str | None:
    """Pick a parameter such as the filename out of parsed disposition parameters.

    Prefers the RFC 8187 ``name*`` value, then the plain ``name``, then joins RFC
    2231 continuations ``name*0``, ``name*1`` ... (decoding a ``charset'lang'``
    prefix when there is one).

    Args:
        params: Parameters from :func:`parse_content_disposition`.
        name: The parameter to look for.

    Returns:
        The value, or ``None`` when it is absent or cannot be decoded.
    """
    if not params:
        return None
    extended = f"{name}*"
    if extended in params:
        return params[extended]
    if name in params:
        return params[name]
    sections: dict[int, str] = {}
    for key, value in params.items():
        if not key.startswith(extended):
            continue
        tail = key[len(extended) :].removesuffix("*")
        if tail.isascii() and tail.isdigit() and str(int(tail)) == tail:
            sections[int(tail)] = value
    parts: list[str] = []
    while len(parts) in sections:
        parts.append(sections[len(parts)])
    if not parts:
        return None
    joined = "".join(parts)
    if "'" not in joined:
        return joined
    charset, _, rest = joined.partition("'")
    _, quote, encoded = rest.partition("'")
    if not quote:
        return None  # charset'language' needs both quotes (RFC 2231 §4)
    return _percent_decode(encoded, charset)
