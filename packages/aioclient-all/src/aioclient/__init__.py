"""aioclient: an asyncio HTTP/1.1 and WebSocket client with aiohttp's client API.

``import aioclient as aiohttp`` is meant to run code written for aiohttp's client
unchanged. This meta distribution (``aioclient-all``) holds no behaviour of its own: it
re-exports the documented client namespace from the five distributions it pins
exactly. The names below are those that exist so far; the rest arrive with the core,
forms and websocket work.
"""

from aioclient_auth import BasicAuth, Fingerprint, encode_basic_auth
from aioclient_cookies import CookieJar, DummyCookieJar

from . import abc
from ._version import __version__

__all__ = [
    "BasicAuth",
    "CookieJar",
    "DummyCookieJar",
    "Fingerprint",
    "__version__",
    "encode_basic_auth",
]
