"""Header grammar helpers shared by the payload, writer and reader modules.

Implements the token and quoted-string rules of RFC 9110 section 5.6, the
Content-Type parameter syntax of RFC 9110 section 8.3.1, and the outbound
Content-Disposition serialisation of RFC 7578 section 4.2 with the RFC 8187
extended-value form for text that is not ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, Final
from urllib.parse import quote

__all__ = [
    "CONTENT_DISPOSITION",
    "CONTENT_ENCODING",
    "CONTENT_LENGTH",
    "CONTENT_TRANSFER_ENCODING",
    "CONTENT_TYPE",
    "FILE_CHUNK_SIZE",
    "MEMORY_CHUNK_SIZE",
    "TOKEN_CHARS",
    "check_header_name",
    "check_header_value",
    "content_disposition_header",
    "get_header",
    "guess_filename",
    "is_token",
    "parse_mimetype",
]

CONTENT_DISPOSITION: Final = "Content-Disposition"
CONTENT_ENCODING: Final = "Content-Encoding"
CONTENT_LENGTH: Final = "Content-Length"
CONTENT_TRANSFER_ENCODING: Final = "Content-Transfer-Encoding"
CONTENT_TYPE: Final = "Content-Type"

#: Files are read in slices of this size so that memory stays bounded and each
#: executor job is short. Each slice costs an executor round trip (a thread
#: wake-up and a future hop back to the loop), which at 64 KiB was most of an
#: upload's CPU; 256 KiB (aiohttp's size too) matches the writer's largest
#: transport write and keeps the bound.
FILE_CHUNK_SIZE: Final = 2**18
#: In-memory buffers are copied in the loop in slices of this size, yielding
#: between them so a large buffer does not hold the loop for long.
MEMORY_CHUNK_SIZE: Final = 2**16

# RFC 9110 section 5.6.2: tchar is any VCHAR except the delimiters.
TOKEN_CHARS: Final = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
# RFC 9110 section 5.5: field values may hold HTAB, SP, VCHAR and obs-text; every
# other control character could end the field line or smuggle a new one.
_FORBIDDEN_CONTROLS: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_INJECTION_MESSAGE: Final = (
    "Forbidden control character detected in headers. "
    "Potential header injection attack."
)
# Characters a quoted-string may carry once '"' and '\' are escaped (RFC 9110
# section 5.6.4), restricted to ASCII for the 7-bit form of RFC 7578 section 4.2.
_PRINTABLE_ASCII: Final = frozenset(chr(i) for i in range(0x20, 0x7F)) | {"\t"}


def is_token(value: str) -> bool:
    """Tell whether ``value`` is a non-empty RFC 9110 token."""
    return bool(value) and TOKEN_CHARS.issuperset(value)


def check_header_value(value: str) -> str:
    """Return ``value`` unchanged, refusing control characters other than HTAB.

    Raises:
        ValueError: ``value`` holds CR, LF, NUL or another forbidden control.
    """
    if _FORBIDDEN_CONTROLS.search(value) is not None:
        raise ValueError(_INJECTION_MESSAGE)
    return value


def check_header_name(name: str) -> str:
    """Return ``name`` unchanged if it is a valid field name (an RFC 9110 token).

    Raises:
        ValueError: ``name`` is empty or holds a non-token character.
    """
    check_header_value(name)
    if not is_token(name):
        raise ValueError(f"Invalid header name: {name[:100]!r}")
    return name


def get_header(headers: Mapping[str, str], name: str) -> str | None:
    """Look ``name`` up case-insensitively, even in a plain :class:`dict`."""
    try:
        return headers[name]
    except KeyError:
        pass
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def guess_filename(obj: Any, default: str | None = None) -> str | None:
    """Return the base name of ``obj.name``, ignoring pseudo-names like ``<stdin>``."""
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name and not (name[0] == "<" and name[-1] == ">"):
        return PurePath(name).name
    return default


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_mimetype(value: str) -> tuple[str, str, dict[str, str]]:
    """Split a media type into lower-cased type, subtype and parameters.

    The parser is lenient, like the ones browsers use: it never raises, and the
    first occurrence of a parameter wins. Parameter names are lower-cased and
    quoted values are unquoted (RFC 9110 section 8.3.1).

    Returns:
        ``(type, subtype, params)``; empty strings when ``value`` is empty.
    """
    main, _, rest = value.partition(";")
    mtype, _, subtype = main.strip().lower().partition("/")
    params: dict[str, str] = {}
    # A quoted parameter value may itself contain ';', so split with a pattern
    # that keeps quoted-strings whole.
    for match in re.finditer(r'\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', rest):
        key = match.group(1).lower()
        params.setdefault(key, _unquote(match.group(2).strip()))
    return mtype, subtype, params


def _quote_param(key: str, value: str, quote_fields: bool, charset: str) -> str:
    check_header_value(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    if not quote_fields or _PRINTABLE_ASCII.issuperset(value):
        return f'{key}="{escaped}"'
    # Text outside ASCII: a percent-encoded fallback for receivers that only know
    # the plain parameter, then the RFC 8187 extended value, which readers that
    # understand it (aiohttp, werkzeug, the email package) prefer.
    encoded = quote(value, safe="", encoding=charset)
    return f"{key}=\"{encoded}\"; {key}*={charset}''{encoded}"


def content_disposition_header(
    disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
) -> str:
    """Serialise a Content-Disposition field value for a MIME body part.

    Args:
        disptype: The disposition type (``form-data``, ``attachment`` ...); a token.
        quote_fields: Keep the value 7-bit: text outside printable ASCII is
            percent-encoded and repeated as an RFC 8187 ``key*`` parameter.
            With ``False`` the text is sent as UTF-8 inside the quotes, as
            browsers do.
        _charset: Charset used for the percent-encoding.
        **params: Disposition parameters such as ``name`` and ``filename``.

    Returns:
        The field value, e.g. ``form-data; name="field"; filename="a.txt"``.

    Raises:
        ValueError: The type or a parameter name is not a token, or a value holds
            a forbidden control character.
    """
    if not is_token(disptype):
        raise ValueError(f"bad content disposition type {disptype!r}")
    pieces = [disptype]
    for key, val in params.items():
        if not is_token(key):
            raise ValueError(f"bad content disposition parameter {key!r}={val!r}")
        pieces.append(_quote_param(key, val, quote_fields, _charset))
    return "; ".join(pieces)
