"""Type aliases of the client API, at aiohttp's ``aiohttp.typedefs`` path."""

from aioclient_core.typedefs import (
    DEFAULT_JSON_DECODER,
    DEFAULT_JSON_ENCODER,
    JSONBytesEncoder,
    JSONDecoder,
    JSONEncoder,
    LooseCookies,
    LooseHeaders,
    PathLike,
    Query,
    RawHeaders,
    StrOrURL,
)

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
