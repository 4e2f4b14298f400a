"""Abstract base classes of the client API, at aiohttp's ``aiohttp.abc`` path.

``AbstractResolver`` and ``ResolveResult`` describe name resolution for
``TCPConnector(resolver=...)``; ``AbstractCookieJar`` (from ``aioclient-cookies``)
describes ``ClientSession(cookie_jar=...)``.
"""

from aioclient_cookies.abc import AbstractCookieJar

from ._resolver import AbstractResolver, ResolveResult

__all__ = ["AbstractCookieJar", "AbstractResolver", "ResolveResult"]
