"""Request serialization: request line, header section and chunked framing.

Pure functions, no I/O (RFC 9112 §3 request line, §5 field lines, §7.1
chunked coding; RFC 9110 §7.2 Host). Everything the caller supplies is
validated against its grammar before a byte is produced, so CR, LF, NUL and
other control characters can never smuggle extra headers or requests onto the
wire (security category 1). Validation uses one precompiled regex search over
all values at once instead of per-character Python loops.
"""

import re
from collections.abc import Iterable, Mapping

from multidict import CIMultiDict
from yarl import URL

from ._abnf import FORBIDDEN_CONTROL, REQUEST_TARGET, TOKEN, TOKEN_LIST
from ._models import HttpVersion, HttpVersion10, HttpVersion11

__all__ = [
    "INJECTION_MESSAGE",
    "LAST_CHUNK",
    "connection_header",
    "encode_chunk",
    "host_header",
    "request_target",
    "serialize_request_head",
]

#: aiohttp's message for a control character in the request head.
INJECTION_MESSAGE = (
    "Forbidden control character detected in headers. "
    "Potential header injection attack."
)
#: The last-chunk and the empty trailer section that end a chunked body.
LAST_CHUNK = b"0\r\n\r\n"

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}

HeadersArg = Mapping[str, str] | Iterable[tuple[str, str]]
# A method token, one space, a visible-ASCII target: neither part can hold a
# space, so the split between them is unambiguous.
_METHOD_AND_TARGET = re.compile(rf"{TOKEN.pattern} {REQUEST_TARGET.pattern}")


def serialize_request_head(
    method: str, target: str, version: HttpVersion, headers: HeadersArg
) -> bytes:
    """Serialize a request line and header section, ending with the empty line.

    Args:
        method: Request method; must be a token (RFC 9110 §9.1).
        target: Request target in origin, absolute, authority or asterisk
            form; visible ASCII only.
        version: Protocol version; each part a single digit.
        headers: Header names and values, in the order to send them
            (a multidict or mapping, or ``(name, value)`` pairs).

    Returns:
        The encoded head (values encoded as UTF-8).

    Raises:
        ValueError: A control character anywhere (the message is aiohttp's
            header-injection message), a method or name that is not a token,
            an invalid target or version, or ``Content-Length`` combined with
            chunked ``Transfer-Encoding``.
        TypeError: A header name or value is not a ``str``.
    """
    if type(headers) is tuple or type(headers) is list:
        pairs = list(headers)  # the usual caller's pairs (no ABC check)
    elif type(headers) is CIMultiDict or isinstance(headers, Mapping):
        pairs = list(headers.items())
    else:
        pairs = list(headers)
    names = [name for name, _ in pairs]
    try:
        joined_names = "\n".join(names)
        values = " ".join([v for _, v in pairs])
    except TypeError:
        _refuse_types(pairs)
        raise
    major, minor = version
    # The usual, valid head passes four C-level checks; anything they refuse
    # goes through _refuse(), which names the first problem in a fixed order.
    if (
        _METHOD_AND_TARGET.fullmatch(f"{method} {target}") is None
        or not (0 <= major <= 9 and 0 <= minor <= 9)
        or not _values_allowed(values)
        or (
            names
            and (
                TOKEN_LIST.fullmatch(joined_names) is None
                # One LF per separator: no name brings an LF of its own.
                or joined_names.count("\n") != len(names) - 1
            )
        )
    ):
        _refuse(method, target, version, names, [v for _, v in pairs])
    lowered = joined_names.lower()
    if "content-length" in lowered or "transfer-encoding" in lowered:
        _check_framing(pairs)  # only framing fields can make framing ambiguous
    fields = "\r\n".join(map(": ".join, pairs))
    text = f"{method} {target} HTTP/{major}.{minor}\r\n{fields}\r\n"
    if pairs:
        text += "\r\n"
    # surrogateescape only maps U+DC80..U+DCFF back to bytes 0x80..0xFF, so
    # values decoded from a response round-trip and no control byte appears.
    return text.encode("utf-8", "surrogateescape")


def _refuse_types(pairs: list[tuple[str, str]]) -> None:
    """Raise TypeError naming the first header name or value that is not a str."""
    for name, value in pairs:
        if not isinstance(name, str):
            raise TypeError(f"Header name must be str, not {type(name).__name__}")
        if not isinstance(value, str):
            raise TypeError(
                f"Header value of {name!r} must be str, not {type(value).__name__}"
            )


def _values_allowed(values: str) -> bool:
    """True if no forbidden control character is in ``values``."""
    # Every forbidden character is unprintable, so a printable string (the
    # usual case, checked in C without the regex engine) has none.
    return values.isprintable() or FORBIDDEN_CONTROL.search(values) is None


def _refuse(
    method: str,
    target: str,
    version: HttpVersion,
    names: list[str],
    values: list[str],
) -> None:
    """Raise the error for the first invalid part of a request head.

    Raises:
        ValueError: A control character anywhere (aiohttp's header-injection
            message), else a bad method, target, version or field name.
    """
    # One search over every part at once: HTAB (the separator) is allowed, so
    # it cannot hide or create a match.
    if FORBIDDEN_CONTROL.search("\t".join((method, target, *names, *values))):
        raise ValueError(INJECTION_MESSAGE)
    if TOKEN.fullmatch(method) is None:
        raise ValueError(
            f"Method must be a token (RFC 9110 §9.1), got {method[:100]!r}"
        )
    if REQUEST_TARGET.fullmatch(target) is None:
        raise ValueError(
            "Request target may contain only visible ASCII characters, "
            f"got {target[:100]!r}"
        )
    major, minor = version
    if not (0 <= major <= 9 and 0 <= minor <= 9):
        raise ValueError(f"HTTP version must be two single digits, got {version!r}")
    for name in names:
        if TOKEN.fullmatch(name) is None:
            raise ValueError(
                f"Header name must be a token (RFC 9110 §5.1), got {name[:100]!r}"
            )
    raise AssertionError("unreachable: the head was refused for no reason")


def _check_framing(pairs: list[tuple[str, str]]) -> None:
    """Refuse ambiguous body framing (RFC 9112 §6.2, §6.3)."""
    lengths = [v for n, v in pairs if n.lower() == "content-length"]
    codings = [v for n, v in pairs if n.lower() == "transfer-encoding"]
    if len(lengths) > 1:
        raise ValueError("More than one Content-Length header")
    if lengths and not (lengths[0].isascii() and lengths[0].isdigit()):
        raise ValueError(
            f"Content-Length must be decimal digits, got {lengths[0][:100]!r}"
        )
    if lengths and codings:
        raise ValueError("Content-Length and Transfer-Encoding cannot be sent together")
    chunked = [
        item.strip(" \t").lower() == "chunked" for v in codings for item in v.split(",")
    ]
    if chunked and (chunked.count(True) > 1 or (True in chunked and not chunked[-1])):
        raise ValueError("chunked must be the final transfer coding, applied once")


def host_header(host: str, port: int | None, scheme: str) -> str:
    """Build a ``Host`` header value (RFC 9110 §7.2).

    Args:
        host: Host name (already IDNA-encoded, e.g. ``URL.raw_host``) or IP
            address; an IPv6 literal gets brackets.
        port: Port number, or None for the scheme's default.
        scheme: URL scheme; its default port (80 for http/ws, 443 for
            https/wss) is omitted.

    Returns:
        ``host`` or ``host:port``; a fully qualified name's trailing dot is
        dropped (``example.com.`` → ``example.com``).
    """
    if host.endswith("."):
        # The dot only tells the resolver the name is absolute (RFC 1034 §3.1);
        # servers match virtual hosts without it, and aiohttp drops it too (as
        # the TLS server name does, RFC 6066 §3).
        host = host.rstrip(".")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(scheme.lower()) == port:
        return host
    return f"{host}:{port}"


def request_target(url: URL, method: str, *, proxied: bool = False) -> str:
    """Choose the request-target form (RFC 9112 §3.2).

    Args:
        url: Absolute request URL.
        method: Request method.
        proxied: True when sending plain HTTP through a forward proxy.

    Returns:
        Authority form ``host:port`` for CONNECT; absolute form (without
        user info or fragment) for proxied requests; otherwise origin form
        (path and query).

    Raises:
        ValueError: The URL has no host (CONNECT or proxied requests).
    """
    if method.upper() == "CONNECT" or proxied:
        if not url.raw_host:
            raise ValueError(f"URL without a host: {str(url)[:100]!r}")
        if method.upper() == "CONNECT":
            host = url.raw_host
            if ":" in host:
                host = f"[{host}]"
            return f"{host}:{url.port}"
        return str(url.with_user(None).with_fragment(None))
    return url.raw_path_qs or "/"


def encode_chunk(data: bytes) -> bytes:
    r"""Frame one chunk of a chunked body (RFC 9112 §7.1).

    Args:
        data: Chunk payload.

    Returns:
        ``"{len:x}\r\n" + data + "\r\n"``, or ``b""`` for empty data (an
        empty chunk would end the body; use :data:`LAST_CHUNK` for that).
    """
    if not data:
        return b""
    return b"".join((b"%x\r\n" % len(data), data, b"\r\n"))


def connection_header(version: HttpVersion, *, force_close: bool) -> str | None:
    """Default ``Connection`` value when the caller set none (as aiohttp).

    Args:
        version: Request version.
        force_close: Whether the connector closes connections after use.

    Returns:
        ``"close"`` for HTTP/1.1 with ``force_close``, ``"keep-alive"`` for
        HTTP/1.0 without it, else None (nothing to add).
    """
    if force_close and version == HttpVersion11:
        return "close"
    if not force_close and version == HttpVersion10:
        return "keep-alive"
    return None
