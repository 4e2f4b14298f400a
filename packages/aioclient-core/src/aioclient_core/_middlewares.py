"""Client middlewares: functions wrapped around sending a request.

A middleware is ``async def mw(request, handler) -> response``: it may change the
request, call ``await handler(request)`` (possibly more than once, e.g. to retry
with credentials), and inspect or replace the response. The first middleware in
the list is the outermost. The innermost handler makes one hop of the request:
it gets a connection, sends the request and reads the response head, so the
chain runs again for every redirect hop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._request import ClientRequest
    from ._response import ClientResponse

__all__ = ["ClientHandlerType", "ClientMiddlewareType", "build_client_middlewares"]

#: What a middleware calls to continue: the rest of the chain.
ClientHandlerType = Callable[["ClientRequest"], Awaitable["ClientResponse"]]
#: A middleware: ``async def mw(request, handler) -> ClientResponse``.
ClientMiddlewareType = Callable[
    ["ClientRequest", ClientHandlerType], Awaitable["ClientResponse"]
]


def build_client_middlewares(
    handler: ClientHandlerType, middlewares: Sequence[ClientMiddlewareType]
) -> ClientHandlerType:
    """Wrap ``handler`` so that ``middlewares[0]`` runs first (outermost)."""
    for middleware in reversed(middlewares):
        handler = _bind(middleware, handler)
    return handler


def _bind(
    middleware: ClientMiddlewareType, handler: ClientHandlerType
) -> ClientHandlerType:
    # A closure rather than functools.partial: middlewares may name their
    # parameters anything, so the handler must be passed by position.
    async def call(request: ClientRequest) -> ClientResponse:
        return await middleware(request, handler)

    return call
