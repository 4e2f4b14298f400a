"""Abstract base classes of the client API, at aiohttp's ``aiohttp.abc`` path.

So far: ``AbstractCookieJar``. ``AbstractResolver`` and ``ResolveResult`` arrive with
the core connector work.
"""

from aioclient_cookies.abc import AbstractCookieJar

__all__ = ["AbstractCookieJar"]
