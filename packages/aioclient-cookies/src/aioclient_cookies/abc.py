"""The abstract cookie jar interface shared by every jar implementation.

``AbstractCookieJar`` is what a client session talks to: it stores cookies
from responses (RFC 6265 §5.3) and picks the cookies for a request (§5.4).
Its only concrete method turns raw ``Set-Cookie`` header values into morsels
(§5.2) and hands them to :meth:`AbstractCookieJar.update_cookies`.
"""

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence, Sized
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

from yarl import URL

from ._parsing import parse_set_cookie
from ._types import LooseCookies

__all__ = ["AbstractCookieJar", "ClearCookiePredicate"]

#: A callable deciding whether ``clear()`` removes a given cookie.
ClearCookiePredicate = Callable[["Morsel[str]"], bool]


class AbstractCookieJar(Sized, Iterable["Morsel[str]"], ABC):
    """Interface of a cookie store used by an HTTP client session.

    Subclasses implement storage and matching; iteration yields the stored
    cookies as :class:`~http.cookies.Morsel` objects and ``len()`` counts them.

    Args:
        loop: An event loop to remember. Unlike aiohttp, a jar does not need a
            running loop, so it can be created at import time or in
            synchronous code.
    """

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    @property
    @abstractmethod
    def unsafe(self) -> bool:
        """Whether cookies from and for IP-address hosts are accepted."""

    @property
    @abstractmethod
    def quote_cookie(self) -> bool:
        """Whether values are quoted like ``SimpleCookie`` does when sent."""

    @property
    @abstractmethod
    def cookies(self) -> "MappingProxyType[tuple[str, str], SimpleCookie]":
        """A read-only view of the stored cookies keyed by ``(domain, path)``."""

    @property
    @abstractmethod
    def host_only_cookies(self) -> frozenset[tuple[str, str]]:
        """The ``(domain, name)`` pairs of cookies bound to one exact host."""

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """Origins whose plain-HTTP requests still count as secure.

        The base implementation lists none; jars that support the setting
        override this property.
        """
        return frozenset()

    @abstractmethod
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove cookies.

        Args:
            predicate: Called with each stored morsel; the cookie is removed
                when it returns ``True``. Without a predicate every cookie is
                removed.
        """

    @abstractmethod
    def clear_domain(self, domain: str) -> None:
        """Remove every cookie of *domain* and of its subdomains.

        Args:
            domain: A domain name such as ``"example.com"``.
        """

    @abstractmethod
    def update_cookies(
        self,
        cookies: LooseCookies,
        response_url: URL = URL(),  # noqa: B008  (yarl.URL is immutable)
    ) -> None:
        """Store cookies received from *response_url*.

        Args:
            cookies: A mapping of names to values or morsels, an iterable of
                ``(name, value)`` pairs, or a ``BaseCookie``.
            response_url: The URL of the response that set them. An empty URL
                makes them "shared" cookies that are sent to every host.
        """

    @abstractmethod
    def filter_cookies(self, request_url: URL) -> "BaseCookie[str]":
        """Select the cookies to send with a request.

        Args:
            request_url: The URL about to be requested.

        Returns:
            The matching cookies, at most one per name.
        """

    def update_cookies_from_headers(
        self, headers: Sequence[str], response_url: URL
    ) -> None:
        """Parse raw ``Set-Cookie`` header values and store the cookies.

        Parsing is lenient (RFC 6265 §5.2): lines that cannot be parsed, or
        that carry control characters, are skipped without affecting the
        others.

        Args:
            headers: The ``Set-Cookie`` header values of a response, one
                cookie per value.
            response_url: The URL of that response.
        """
        parsed: list[tuple[str, Morsel[str]]] = []
        for line in headers:
            cookie = parse_set_cookie(line)
            if cookie is not None:
                parsed.append(cookie)
        if parsed:
            self.update_cookies(parsed, response_url)
