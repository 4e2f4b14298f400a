"""Type aliases of the client API, at aiohttp's ``aiohttp.typedefs`` path.

These name the loose argument types the client accepts, for annotating code that
passes them on (a wrapper around ``ClientSession.request``, say). They are plain
aliases: nothing here is checked at run time.
"""

import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from multidict import CIMultiDict, CIMultiDictProxy, istr
from yarl import URL, Query

from aioclient_cookies import LooseCookies

__all__ = [
    "DEFAULT_JSON_DECODER",
    "DEFAULT_JSON_ENCODER",
    "JSONBytesEncoder",
    "JSONDecoder",
    "JSONEncoder",
    "LooseCookies",
    "LooseHeaders",
    "PathLike",
    "Query",
    "RawHeaders",
    "StrOrURL",
]

JSONEncoder: TypeAlias = Callable[[Any], str]
"""A ``json_serialize`` function: any value to JSON text."""

JSONBytesEncoder: TypeAlias = Callable[[Any], bytes]
"""A ``json_serialize_bytes`` function: any value to UTF-8 JSON bytes."""

JSONDecoder: TypeAlias = Callable[[str], Any]
"""A ``loads`` function for ``ClientResponse.json()``: JSON text to a value."""

DEFAULT_JSON_ENCODER: JSONEncoder = json.dumps
"""The encoder a session uses when ``json_serialize`` is not given."""

DEFAULT_JSON_DECODER: JSONDecoder = json.loads
"""The decoder ``ClientResponse.json()`` uses when ``loads`` is not given."""

StrOrURL: TypeAlias = str | URL
"""A URL given as text or as a ``yarl.URL``."""

LooseHeaders: TypeAlias = (
    Mapping[str, str]
    | Mapping[istr, str]
    | CIMultiDict[str]
    | CIMultiDictProxy[str]
    | Iterable[tuple[str | istr, str]]
)
"""Headers as a mapping, a multidict or ``(name, value)`` pairs."""

RawHeaders: TypeAlias = tuple[tuple[bytes, bytes], ...]
"""Header fields as received: ``(name, value)`` byte pairs (``raw_headers``)."""

PathLike: TypeAlias = str | os.PathLike[str]
"""A file system path as text or a path object (``CookieJar.save``, say)."""
