"""Request and response objects, at aiohttp's ``aiohttp.client_reqrep`` path.

Code that imports ``ContentDisposition``, ``ConnectionKey`` or ``RequestInfo`` from
there (they are not all in aiohttp's top-level namespace) finds them here.
"""

from aioclient_auth import Fingerprint
from aioclient_core import (
    ClientRequest,
    ClientResponse,
    ConnectionKey,
    ContentDisposition,
    RequestInfo,
)

__all__ = [
    "ClientRequest",
    "ClientResponse",
    "ConnectionKey",
    "ContentDisposition",
    "Fingerprint",
    "RequestInfo",
]
