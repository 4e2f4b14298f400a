"""How a request's options combine with the session's defaults.

Small pure functions, one rule each: header merging (a request header replaces
the session's first, later duplicates are added), timeouts, TLS arguments,
cookies (the jar's matches plus the request's own, filtered the same way),
Basic credentials (URL userinfo, ``auth=``, the session's, ``.netrc``) and URL
validation.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections.abc import Iterable
from http.cookies import BaseCookie
from typing import Any

from multidict import CIMultiDict
from yarl import URL

from aioclient_auth import BasicAuth, basicauth_from_netrc, netrc_from_env
from aioclient_cookies import CookieJar
from aioclient_cookies.abc import AbstractCookieJar

from . import hdrs
from ._connector import BaseConnector, TCPConnector
from ._connector._tls import SSLSetting, merge_ssl_params
from ._exceptions import (
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
)
from ._sentinel import SENTINEL, Sentinel
from ._timeouts import DEFAULT_TIMEOUT, ClientTimeout

__all__ = [
    "check_url",
    "netrc_auth",
    "request_cookies",
    "request_ssl",
    "request_timeout",
    "resolve_auth",
    "session_base_url",
    "session_connector",
    "session_timeout",
    "to_url",
]


def to_url(value: Any, base_url: URL | None) -> URL:
    """Turn a string or URL into an absolute URL, joined to ``base_url``.

    Raises:
        InvalidUrlClientError: The value is not a URL.
    """
    try:
        url = URL(value)
    except (ValueError, TypeError) as exc:
        raise InvalidUrlClientError(value) from exc
    if base_url is not None and not (url.scheme and url.is_absolute()):
        # A network-path reference ("//host/x") takes the base URL's scheme
        # (RFC 3986 §5.2.2); aiohttp sends it on without one and fails.
        url = base_url.join(url)
    return url


def check_url(url: URL, schemes: Iterable[str], *, redirected: bool = False) -> None:
    """Refuse a URL the connector cannot serve or that names no host.

    Raises:
        NonHttpUrlClientError: The scheme is not served by the connector.
        InvalidUrlClientError: The URL has no host (the redirect variant after a
            redirect).
    """
    if url.scheme not in schemes:
        raise NonHttpUrlClientError(url)
    error = InvalidUrlRedirectClientError if redirected else InvalidUrlClientError
    if not url.raw_host:
        raise error(url)
    if not url.scheme and url.explicit_port is None:
        # "//host/path" with no base URL: nothing says which port to use, so it
        # is refused rather than guessed (aiohttp fails an assert). With a port
        # ("//host:8080/") it is sent as plain HTTP, as aiohttp sends it.
        raise error(url, "URL has no scheme and no port")


def request_timeout(value: Any, default: ClientTimeout) -> ClientTimeout:
    """The request's ``timeout=``: a ``ClientTimeout``, else a ``total`` in seconds."""
    if value is SENTINEL:
        return default
    if isinstance(value, ClientTimeout):
        return value
    return ClientTimeout(total=value)


def request_ssl(
    value: Any,
    verify_ssl: bool | None,
    ssl_context: ssl.SSLContext | None,
    fingerprint: bytes | None,
) -> SSLSetting:
    """The request's TLS setting, with aiohttp's deprecated spellings folded in.

    Raises:
        TypeError: ``ssl`` is of another type.
    """
    if value is True and verify_ssl is None and ssl_context is None and not fingerprint:
        return True  # the default, on every request: nothing to merge
    verify: bool | None | Sentinel = SENTINEL if verify_ssl is None else verify_ssl
    return merge_ssl_params(value, verify, ssl_context, fingerprint)


def request_cookies(
    jar: AbstractCookieJar, url: URL, extra: Any
) -> BaseCookie[str] | None:
    """The cookies to send: the jar's matches plus the request's own."""
    if (
        not extra
        and type(jar) is CookieJar
        and not jar._cookies
        and not jar._expiry_heap
    ):
        # The usual session keeps no cookies: filter_cookies would only build
        # an empty SimpleCookie (and read the clock) to answer None. Only the
        # stock jar qualifies: a subclass may override filter_cookies or _now.
        return None
    sent = jar.filter_cookies(url)
    if extra:
        scratch = CookieJar(unsafe=jar.unsafe, quote_cookie=jar.quote_cookie)
        scratch.update_cookies(extra)
        for name, morsel in scratch.filter_cookies(url).items():
            sent[name] = morsel
    return sent or None


def resolve_auth(
    url: URL,
    auth: BasicAuth | None,
    session_auth: BasicAuth | None,
    base_url: URL | None,
    *,
    redirected: bool,
) -> tuple[URL, BasicAuth | None]:
    """Pick the credentials for ``url`` and strip them from the URL.

    Raises:
        ValueError: ``auth=`` given together with credentials in the URL.
    """
    # No userinfo (the usual case): from_url would find nothing, skip the call.
    has_userinfo = url.raw_user is not None or url.raw_password is not None
    url_auth = BasicAuth.from_url(url) if has_userinfo else None
    if url_auth is not None:
        if auth is not None and not redirected:
            raise ValueError(
                "Cannot combine AUTH argument with credentials encoded in URL"
            )
        auth = url_auth
        url = url.with_user(None)
    # The session's credentials go only to its base URL's origin (or anywhere
    # when it has none).
    if (
        auth is None
        and session_auth is not None
        and (base_url is None or url.origin() == base_url.origin())
    ):
        auth = session_auth
    return url, auth


async def netrc_auth(url: URL) -> BasicAuth | None:
    """Credentials for ``url``'s host from ``.netrc`` (read in a worker thread)."""
    host = url.host
    if host is None:
        return None

    def lookup() -> BasicAuth | None:
        try:
            return basicauth_from_netrc(netrc_from_env(), host)
        except LookupError:
            return None

    return await asyncio.get_running_loop().run_in_executor(None, lookup)


def deprecated(message: str) -> None:
    """Warn about a deprecated argument, pointing at the caller's caller."""
    warnings.warn(message, DeprecationWarning, stacklevel=4)


def check_auth_header(headers: CIMultiDict[str], auth: BasicAuth | None) -> None:
    """Refuse both an ``Authorization`` header and other credentials.

    Raises:
        ValueError: Both were given.
    """
    if auth is not None and hdrs.AUTHORIZATION in headers:
        raise ValueError(
            "Cannot combine AUTHORIZATION header with AUTH argument "
            "or credentials encoded in URL"
        )


def session_timeout(
    timeout: ClientTimeout | None | Sentinel,
    read_timeout: float | Sentinel,
    conn_timeout: float | None,
) -> ClientTimeout:
    """The session's default timeouts, with aiohttp's deprecated spellings.

    Raises:
        ValueError: ``timeout`` is not a ``ClientTimeout``, or is combined with
            the deprecated ``read_timeout``/``conn_timeout``.
    """
    if timeout is SENTINEL or timeout is None:
        result = DEFAULT_TIMEOUT
        if read_timeout is not SENTINEL:
            deprecated("read_timeout is deprecated, use timeout argument instead")
            result = ClientTimeout(
                total=read_timeout, connect=result.connect,
                sock_connect=result.sock_connect,
            )  # fmt: skip
        if conn_timeout is not None:
            deprecated("conn_timeout is deprecated, use timeout argument instead")
            result = ClientTimeout(
                total=result.total, connect=conn_timeout,
                sock_connect=result.sock_connect,
            )  # fmt: skip
        return result
    if not isinstance(timeout, ClientTimeout):
        raise ValueError(
            f"timeout parameter cannot be of {type(timeout)} type, "
            "please use 'timeout=ClientTimeout(...)'"
        )
    if read_timeout is not SENTINEL or conn_timeout is not None:
        raise ValueError(
            "read_timeout and conn_timeout cannot be used together with timeout"
        )
    return timeout


def session_base_url(value: Any) -> URL | None:
    """The session's ``base_url``: absolute, ending in ``/`` (or None).

    Raises:
        ValueError: It is relative or its path lacks the trailing slash.
    """
    if value is None:
        return None
    url = value if isinstance(value, URL) else URL(value)
    if not url.is_absolute():
        raise ValueError("base_url must be an absolute URL")
    if not url.path.endswith("/"):
        raise ValueError("base_url must have a trailing '/'")
    return url


def session_connector(
    connector: BaseConnector | None,
    loop: asyncio.AbstractEventLoop,
    ssl_shutdown_timeout: float | None | Sentinel,
) -> BaseConnector:
    """The caller's connector, or a new ``TCPConnector`` on ``loop``.

    ``ssl_shutdown_timeout`` is deprecated, as in aiohttp: giving it warns once
    (pointing at the session's caller) and it goes to the new connector.

    Raises:
        RuntimeError: The caller's connector runs on another loop.
    """
    if ssl_shutdown_timeout is not SENTINEL:
        deprecated("The ssl_shutdown_timeout parameter is deprecated")
    if connector is None:
        if ssl_shutdown_timeout is SENTINEL:
            return TCPConnector(loop=loop)  # the usual case: nothing to warn about
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # warned above
            return TCPConnector(loop=loop, ssl_shutdown_timeout=ssl_shutdown_timeout)
    if connector._loop is not loop:
        raise RuntimeError("Session and connector has to use same event loop")
    return connector
