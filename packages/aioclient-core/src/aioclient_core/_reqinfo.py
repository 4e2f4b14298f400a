"""Identity records for a request: what was sent and which pooled connection served it.

``RequestInfo`` is the snapshot of a sent request that responses and errors carry
(method, target URI per RFC 9110 section 7.1, the header section per RFC 9110
section 6.3). ``ConnectionKey`` is the tuple that identifies interchangeable
connections in the pool: two requests may share a connection only when every
element that affects the transport (origin, TLS settings, proxy and its
credentials) is equal (RFC 9112 section 9.3 on persistence).

Displaying these records must not leak credentials (security category 17): the
helpers here mask URL passwords and the values of credential-bearing headers in
``repr()`` and error messages while leaving the stored values untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from ssl import SSLContext
from typing import Any, Final, NamedTuple, Self

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioclient_auth import BasicAuth, Fingerprint

from ._sentinel import SENTINEL, Sentinel

__all__ = [
    "ConnectionKey",
    "RequestInfo",
    "headers_repr",
    "mask_url",
    "redacted_headers",
]

#: What replaces a secret in any text this package produces.
MASK: Final = "***"

# Header fields whose values are credentials (RFC 9110 sections 11.6.2 and 11.7.2,
# RFC 6265 sections 4.1 and 5.4); their values never appear in reprs or messages.
_SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie"}
)


def mask_url(url: object) -> str:
    """Return ``str(url)`` with the password of its userinfo replaced by ``***``.

    Works on :class:`yarl.URL` objects and on arbitrary text (including text that
    is not a valid URL, as found in ``InvalidURL``): the authority is located
    after the first ``//`` and ends at the first ``/``, ``?`` or ``#``; userinfo
    is everything before its last ``@`` (RFC 3986 section 3.2.1). Only the part
    after the first colon of the userinfo is hidden, so the user name stays
    visible for diagnostics.

    Args:
        url: A URL object or any value whose ``str()`` may contain a URL.

    Returns:
        The text with the password, if any, masked.
    """
    text = str(url)
    start = text.find("//")
    if start == -1:
        return text
    auth_start = start + 2
    end = len(text)
    for delimiter in "/?#":
        pos = text.find(delimiter, auth_start)
        if pos != -1:
            end = min(end, pos)
    at = text.rfind("@", auth_start, end)
    if at == -1:
        return text
    colon = text.find(":", auth_start, at)
    if colon == -1:
        return text
    return text[: colon + 1] + MASK + text[at:]


def redacted_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Copy header pairs, replacing the values of credential fields by ``***``.

    Args:
        headers: ``(name, value)`` pairs, for example ``headers.items()``.

    Returns:
        The pairs in order, with ``Authorization``, ``Proxy-Authorization``,
        ``Cookie`` and ``Set-Cookie`` values masked.
    """
    return [
        (name, MASK if str(name).lower() in _SECRET_HEADERS else value)
        for name, value in headers
    ]


def headers_repr(headers: object) -> str:
    """Return a multidict-style ``repr()`` of *headers* with credentials masked.

    Args:
        headers: A mapping of header fields (other objects use plain ``repr()``).

    Returns:
        For example ``<CIMultiDictProxy('Accept': '*/*', 'Cookie': '***')>``.
    """
    if not isinstance(headers, Mapping):
        return repr(headers)
    shown = ", ".join(
        f"{name!r}: {value!r}" for name, value in redacted_headers(headers.items())
    )
    return f"<{type(headers).__name__}({shown})>"


class _RequestInfoFields(NamedTuple):
    """The four fields of :class:`RequestInfo`, in tuple order."""

    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


def _restore_request_info(
    url: URL, method: str, headers: Any, real_url: URL, proxied: bool
) -> RequestInfo:
    """Rebuild a pickled :class:`RequestInfo` (see ``RequestInfo.__reduce__``)."""
    if proxied:
        headers = CIMultiDictProxy(CIMultiDict(headers))
    return RequestInfo(url, method, headers, real_url)


class RequestInfo(_RequestInfoFields):
    """Immutable description of a request as it was sent.

    A 4-tuple ``(url, method, headers, real_url)``; ``real_url`` defaults to
    ``url``. ``url`` is the request URL without its fragment, ``real_url`` the URL
    as given by the caller (fragment included).

    Unlike a plain named tuple the ``repr()`` hides URL passwords and the values
    of credential headers (see :func:`redacted_headers`), and instances
    can be pickled although ``CIMultiDictProxy`` itself cannot (the proxy is
    rebuilt around a fresh ``CIMultiDict`` on unpickling).

    Args:
        url: The request URL.
        method: The request method, for example ``"GET"``.
        headers: The request header section as sent.
        real_url: The URL before the fragment was stripped; defaults to *url*.

    Attributes:
        url: The request URL.
        method: The request method.
        headers: The request headers.
        real_url: The unmodified request URL.
    """

    __slots__ = ()

    def __new__(
        cls,
        url: URL,
        method: str,
        headers: CIMultiDictProxy[str],
        real_url: URL | Sentinel = SENTINEL,
    ) -> Self:
        """Build the tuple; *real_url* falls back to *url* (see the class docs)."""
        if real_url is SENTINEL:
            real_url = url
        return super().__new__(cls, url, method, headers, real_url)

    def __reduce__(self) -> tuple[Any, ...]:
        headers: Any = self.headers
        proxied = isinstance(headers, CIMultiDictProxy)
        if proxied:
            headers = list(headers.items())
        return (
            _restore_request_info,
            (self.url, self.method, headers, self.real_url, proxied),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(url={_url_repr(self.url)}, "
            f"method={self.method!r}, headers={headers_repr(self.headers)}, "
            f"real_url={_url_repr(self.real_url)})"
        )


def _url_repr(url: object) -> str:
    """Return ``repr(url)`` with any password masked."""
    if isinstance(url, URL):
        return f"URL({mask_url(url)!r})"
    return repr(mask_url(url)) if isinstance(url, str) else repr(url)


class ConnectionKey(NamedTuple):
    """Key of the connection pool: connections with equal keys are interchangeable.

    Every field that changes what the transport is (origin, TLS configuration,
    proxy and proxy credentials, TLS server name) is part of the key so that a
    connection set up for one configuration is never handed to a request with
    another. The tuple is hashable as long as its members are (``SSLContext``
    hashes by identity).

    Attributes:
        host: Target host name or address.
        port: Target port, or ``None`` when the scheme has no default.
        is_ssl: Whether the connection to the target uses TLS.
        ssl: TLS setting: ``True`` (default verification), ``False`` (no
            verification), an ``SSLContext`` or a :class:`aioclient_auth.Fingerprint`.
        proxy: Proxy URL, if the request goes through a proxy.
        proxy_auth: Credentials for the proxy, if any.
        proxy_headers_hash: ``hash()`` of the extra proxy headers, if any.
        server_hostname: TLS SNI / hostname-verification override, if any.
    """

    host: str
    port: int | None
    is_ssl: bool
    ssl: SSLContext | bool | Fingerprint
    proxy: URL | None
    proxy_auth: BasicAuth | None
    proxy_headers_hash: int | None
    server_hostname: str | None = None
