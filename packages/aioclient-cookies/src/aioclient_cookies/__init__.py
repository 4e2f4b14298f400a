"""An RFC 6265 cookie jar for asyncio HTTP clients, API-compatible with aiohttp.

``CookieJar`` stores cookies from responses and selects those to send with
requests; ``DummyCookieJar`` disables cookies; ``aioclient_cookies.abc``
holds the interface both implement. ``response_cookies`` reads a response's
``Set-Cookie`` lines with the jar's parser.
"""

from ._dummy import DummyCookieJar
from ._jar import CookieJar
from ._parsing import response_cookies
from ._types import LooseCookies
from ._version import __version__
from .abc import AbstractCookieJar

__all__ = [
    "AbstractCookieJar",
    "CookieJar",
    "DummyCookieJar",
    "LooseCookies",
    "__version__",
    "response_cookies",
]
