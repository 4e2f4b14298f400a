"""An RFC 6265 cookie jar for asyncio HTTP clients, API-compatible with aiohttp.

``CookieJar`` stores cookies from responses and selects those to send with
requests; ``DummyCookieJar`` disables cookies; ``aioclient_cookies.abc``
holds the interface both implement.
"""

from ._dummy import DummyCookieJar
from ._jar import CookieJar
from ._types import LooseCookies
from ._version import __version__
from .abc import AbstractCookieJar

__all__ = [
    "AbstractCookieJar",
    "CookieJar",
    "DummyCookieJar",
    "LooseCookies",
    "__version__",
]
