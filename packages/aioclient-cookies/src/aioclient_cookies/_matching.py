"""Host, domain, path and origin matching for cookies.

Implements RFC 6265 §5.1.3 (domain matching), §5.1.4 (paths and path matching)
and the "secure protocol" test used by §5.4, plus the IP-literal detection the
jar needs to refuse domain matching on addresses, and the percent-encoded form
(RFC 3986 §2.1, §6.2.2) in which cookie and request paths are compared.
"""

import functools
import ipaddress
import re
import string

from yarl import URL

__all__ = [
    "Origin",
    "canonical_path",
    "default_path",
    "domain_match",
    "is_ip_literal",
    "is_secure_url",
    "normalise_origins",
    "origin_of",
    "path_match",
]

#: ``(scheme, host, port)`` of an absolute URL, with scheme and host lower-cased.
Origin = tuple[str, str, int | None]

# A host whose last label is a number is an IPv4 address in one of its many
# legacy spellings ("127.1", "0x7f.1", "2130706433"); treating it as a domain
# name would let a server set cookies for "partial" addresses.
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.ASCII | re.IGNORECASE)

_SECURE_SCHEMES = frozenset({"https", "wss"})

# What a URL path holds unescaped: RFC 3986 §3.3 pchar (unreserved, sub-delims,
# ":" and "@") and the "/" separator. This is also the set yarl leaves
# unescaped in the paths of the URLs requests are made to.
_UNRESERVED = string.ascii_letters + string.digits + "-._~"
_SUB_DELIMS = "!$&'()*+,;="
_PATH_CHARACTERS = _UNRESERVED + _SUB_DELIMS + ":@" + "/"
# yarl decodes the escape of every such character but "/" (an escaped "/" is
# data inside a segment) and "+" (a space to some servers); request paths come
# from yarl, so cookie paths follow the same rule to compare equal.
_DECODABLE = frozenset(_PATH_CHARACTERS) - {"/", "+"}
# A "%" with or without its two hex digits, or one character a path escapes.
_TO_CANONICAL = re.compile(
    r"%(?:[0-9A-Fa-f]{2})?|[^" + re.escape(_PATH_CHARACTERS) + "]", re.ASCII
)


@functools.lru_cache(maxsize=512)
def is_ip_literal(host: str) -> bool:
    """Tell whether *host* is an IP address rather than a domain name.

    Memoized: every request and response asks it of the same few hosts, and
    a failed ``ipaddress`` parse costs two exceptions.

    Args:
        host: A host as found in a URL, without brackets around IPv6 literals.

    Returns:
        ``True`` for IPv4 and IPv6 addresses (including non-canonical numeric
        IPv4 spellings), ``False`` for anything that can be a domain name.
    """
    if not host:
        return False
    candidate = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        pass
    else:
        return True
    if ":" in candidate:
        return True
    last_label = candidate.rstrip(".").rpartition(".")[2]
    return _NUMERIC_LABEL.fullmatch(last_label) is not None


def domain_match(host: str, domain: str) -> bool:
    """Apply the RFC 6265 §5.1.3 domain-match test.

    Args:
        host: The canonicalised (lower-case) request host.
        domain: The canonicalised (lower-case) cookie domain.

    Returns:
        ``True`` if *host* equals *domain*, or *host* is a name inside
        *domain*; IP literals only ever match themselves.
    """
    if host == domain:
        return True
    if not domain or not host.endswith(domain):
        return False
    if is_ip_literal(host) or is_ip_literal(domain):
        return False
    return host[-len(domain) - 1] == "."


def path_match(request_path: str, cookie_path: str) -> bool:
    """Apply the RFC 6265 §5.1.4 path-match test.

    Args:
        request_path: The path of the request URI (an empty path counts as "/").
        cookie_path: The path stored with the cookie.

    Returns:
        ``True`` if the cookie may be sent for this request path.
    """
    request_path = request_path or "/"
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def _canonical_piece(match: "re.Match[str]") -> str:
    piece = match[0]
    if piece == "%":
        return "%25"  # a "%" that starts no escape stands for itself
    if piece[0] == "%":
        decoded = chr(int(piece[1:], 16))
        return decoded if decoded in _DECODABLE else piece.upper()
    encoded = piece.encode("utf-8", "surrogatepass")
    return "".join(f"%{byte:02X}" for byte in encoded)


def canonical_path(path: str) -> str:
    """Percent-encode *path* the way request URL paths are encoded.

    Characters a URL path cannot hold are encoded as UTF-8 escapes, escape
    digits are upper-cased and escapes of characters a path may hold are
    decoded (RFC 3986 §6.2.2.1 and §6.2.2.2, which yarl applies to every
    URL). A ``Path`` attribute such as ``/é``, ``/a b`` or ``/%c3%a9`` then
    compares equal to the ``raw_path`` of the URLs it names. Dot segments are
    left alone: RFC 6265 §5.1.4 compares paths as strings.

    Args:
        path: A cookie path, or the path of a request or response URL.

    Returns:
        The path in canonical percent-encoded form; unchanged if it already is.
    """
    return _TO_CANONICAL.sub(_canonical_piece, path)


def default_path(uri_path: str) -> str:
    """Compute the RFC 6265 §5.1.4 default-path of a response URI path.

    Args:
        uri_path: The path component of the URL that set the cookie.

    Returns:
        The directory part of *uri_path*, or "/" when there is none.
    """
    if not uri_path.startswith("/"):
        return "/"
    last_slash = uri_path.rfind("/")
    if last_slash == 0:
        return "/"
    return uri_path[:last_slash]


def origin_of(url: URL) -> Origin | None:
    """Return the origin of an absolute URL.

    Args:
        url: Any URL.

    Returns:
        ``(scheme, host, port)`` or ``None`` when *url* has no host.
    """
    if not url.absolute or not url.raw_host:
        return None
    return (url.scheme.lower(), url.raw_host.lower(), url.port)


def normalise_origins(
    origins: "str | URL | list[str | URL] | None",
) -> frozenset[URL]:
    """Turn the ``treat_as_secure_origin`` argument into a set of origins.

    Args:
        origins: A URL, a string, a list of them, or ``None``.

    Returns:
        The origin URLs (scheme, host and port only).

    Raises:
        ValueError: If an entry is not an absolute URL with a host.
    """
    if origins is None:
        return frozenset()
    items = [origins] if isinstance(origins, str | URL) else list(origins)
    result: set[URL] = set()
    for item in items:
        url = item if isinstance(item, URL) else URL(item)
        if origin_of(url) is None:
            raise ValueError(
                f"treat_as_secure_origin entries must be absolute URLs, got {item!r}"
            )
        result.add(url.origin())
    return frozenset(result)


def is_secure_url(url: URL, secure_origins: frozenset[Origin]) -> bool:
    """Tell whether *url* counts as a secure channel for cookie purposes.

    Args:
        url: A request or response URL.
        secure_origins: Origins explicitly treated as secure.

    Returns:
        ``True`` for ``https``/``wss`` URLs and for URLs of listed origins.
    """
    if url.scheme.lower() in _SECURE_SCHEMES:
        return True
    if not secure_origins:
        return False
    origin = origin_of(url)
    return origin is not None and origin in secure_origins
