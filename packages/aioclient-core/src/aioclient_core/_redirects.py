"""Redirect policy: where to go next and what the next request may carry.

RFC 9110 §15.4: 301/302 answer a POST with a GET (as every client does), 303
answers anything but HEAD with a GET, and 307/308 repeat the request as it was,
body included. Credentials belong to an origin (security category 6): when the
next hop changes scheme, host or port, every ``Authorization``, ``Cookie`` and
``Proxy-Authorization`` header and the ``auth`` and per-request cookies are
dropped, and they are not restored if the chain later comes back.
"""

from __future__ import annotations

from typing import Any

from multidict import CIMultiDict
from yarl import URL

from . import hdrs
from ._exceptions import (
    InvalidUrlRedirectClientError,
    NonHttpUrlRedirectClientError,
)

__all__ = [
    "REDIRECT_STATUSES",
    "next_method",
    "redirect_target",
    "same_origin",
    "strip_credentials",
]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_FOLLOWED_SCHEMES = frozenset({"http", "https", ""})
_CREDENTIAL_HEADERS = (hdrs.AUTHORIZATION, hdrs.COOKIE, hdrs.PROXY_AUTHORIZATION)


def redirect_target(location: str, current: URL, *, requote: bool = True) -> URL:
    """Resolve a ``Location`` value against the current URL.

    Raises:
        InvalidUrlRedirectClientError: The value is not a usable URL.
        NonHttpUrlRedirectClientError: It points to a scheme other than HTTP(S).
    """
    try:
        target = URL(location, encoded=not requote)
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            location,
            "Server attempted redirecting to a location that does not look like a URL",
        ) from exc
    if target.scheme not in _FOLLOWED_SCHEMES:
        raise NonHttpUrlRedirectClientError(target)
    # Only a scheme-less value is relative: "http:///path" has a scheme but no
    # host and must fail the origin check below, not become a same-host path.
    if not target.scheme:
        target = current.join(target)
    try:
        target.origin()
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(
            target, "Invalid redirect URL origin"
        ) from exc
    return target


def next_method(status: int, method: str) -> tuple[str, bool]:
    """The method for the next hop and whether the body goes with it."""
    if (status == 303 and method != hdrs.METH_HEAD) or (
        status in (301, 302) and method == hdrs.METH_POST
    ):
        return hdrs.METH_GET, False
    return method, True


def same_origin(a: URL, b: URL) -> bool:
    """True when scheme, host and port all match (RFC 6454)."""
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def strip_credentials(headers: CIMultiDict[str] | Any) -> CIMultiDict[str]:
    """A copy of ``headers`` without any credential-bearing field (all copies)."""
    kept: CIMultiDict[str] = CIMultiDict(headers or ())
    for name in _CREDENTIAL_HEADERS:
        kept.popall(name, None)
    return kept
