"""``request()``: one request with a session of its own.

For scripts that make a single request. Each call opens and closes its own
connection (the connector is made with ``force_close=True``); code that makes
several requests should share one ``ClientSession`` instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._connector import BaseConnector, TCPConnector
from ._http._models import HttpVersion, HttpVersion11
from ._request_context import _SessionRequestContextManager
from ._sentinel import SENTINEL
from ._session import ClientSession

__all__ = ["request"]


def request(
    method: str,
    url: Any,
    *,
    version: HttpVersion = HttpVersion11,
    connector: BaseConnector | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Any,
) -> _SessionRequestContextManager:
    """Make one request: ``async with aioclient.request("GET", url) as resp:``.

    Takes the keyword arguments of ``ClientSession.request``; ``cookies`` and
    ``timeout`` configure the temporary session. The session (and the connector,
    unless one was given) is closed when the ``async with`` block ends.
    """
    owner = connector is None
    if connector is None:
        connector = TCPConnector(loop=loop, force_close=True)
    session = ClientSession(
        loop=loop,
        cookies=kwargs.pop("cookies", None),
        version=version,
        timeout=kwargs.pop("timeout", SENTINEL),
        connector=connector,
        connector_owner=owner,
    )
    return _SessionRequestContextManager(
        session._request(method, url, **kwargs), session
    )
