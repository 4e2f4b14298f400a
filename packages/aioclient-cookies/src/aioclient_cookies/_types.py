"""Type aliases shared by the cookie jars and by aioclient-core.

Only typing lives here; nothing in this module has run-time behaviour.
"""

from collections.abc import Iterable, Mapping
from http.cookies import BaseCookie, Morsel
from typing import Any, TypeAlias

__all__ = [
    "LooseCookies",
    "LooseCookiesIterables",
    "LooseCookiesMappings",
]

_CookieValue: TypeAlias = str | BaseCookie[str] | Morsel[Any]

LooseCookiesMappings: TypeAlias = Mapping[str, _CookieValue]
LooseCookiesIterables: TypeAlias = Iterable[tuple[str, _CookieValue]]
#: Everything ``update_cookies()`` accepts: a mapping of names to values or
#: morsels, an iterable of ``(name, value)`` pairs, or a cookie container.
LooseCookies: TypeAlias = LooseCookiesMappings | LooseCookiesIterables | BaseCookie[str]
