"""A cookie jar that never stores anything.

Useful to switch cookie handling off entirely: RFC 6265 §5.3 lets a user agent
ignore cookies, and this jar ignores all of them.
"""

import asyncio
from collections.abc import Iterator
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

from yarl import URL

from ._types import LooseCookies
from .abc import AbstractCookieJar, ClearCookiePredicate

__all__ = ["DummyCookieJar"]


class DummyCookieJar(AbstractCookieJar):
    """A jar that drops every cookie and never sends one.

    Args:
        loop: Accepted for compatibility; no running loop is required.
    """

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(loop=loop)

    @property
    def unsafe(self) -> bool:
        """Always ``False``."""
        return False

    @property
    def quote_cookie(self) -> bool:
        """Always ``True``."""
        return True

    @property
    def cookies(self) -> "MappingProxyType[tuple[str, str], SimpleCookie]":
        """Always an empty mapping."""
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str]]:
        """Always an empty set."""
        return frozenset()

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> "Iterator[Morsel[str]]":
        return iter(())

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Do nothing: there is nothing to remove.

        Args:
            predicate: Ignored.
        """

    def clear_domain(self, domain: str) -> None:
        """Do nothing: there is nothing to remove.

        Args:
            domain: Ignored.
        """

    def update_cookies(
        self,
        cookies: LooseCookies,
        response_url: URL = URL(),  # noqa: B008  (yarl.URL is immutable)
    ) -> None:
        """Discard the cookies.

        Args:
            cookies: Ignored.
            response_url: Ignored.
        """

    def filter_cookies(self, request_url: URL) -> "BaseCookie[str]":
        """Return no cookies.

        Args:
            request_url: Ignored.

        Returns:
            A new, empty ``SimpleCookie``.
        """
        return SimpleCookie()
