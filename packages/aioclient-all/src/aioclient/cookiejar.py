"""Cookie jars, at aiohttp's ``aiohttp.cookiejar`` path."""

from aioclient_cookies import CookieJar, DummyCookieJar

__all__ = ["CookieJar", "DummyCookieJar"]
