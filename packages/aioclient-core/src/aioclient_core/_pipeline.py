"""One hop of the request pipeline: get a connection, send, read the head.

A connection that the server closes (or resets) before the response head is
complete fails the request with ``ServerDisconnectedError`` (or
``ClientOSError``). If not a byte of the response had arrived, an idempotent
request whose body can be sent again is retried once on a new connection (RFC
9112 §9.3.1): the usual cause is a keep-alive connection the server closed while
it sat in the pool, and aiohttp retries a new connection's failure the same way.
Nothing else is retried: a non-idempotent request might have been processed, a
server that sent part of an answer has seen the request, and a failure to
connect at all (``ClientConnectorError``) is not a dropped exchange.
"""

from __future__ import annotations

from typing import NamedTuple

from aioclient_forms import Payload

from ._connector import BaseConnector, Connection
from ._exceptions import ClientOSError, ConnectionTimeoutError, ServerDisconnectedError
from ._http._framing import check_limits
from ._http.protocol import ResponseHandler
from ._request import ClientRequest
from ._response import ClientResponse
from ._timeouts import ClientTimeout, RequestDeadline, ceil_timeout

__all__ = ["IDEMPOTENT_METHODS", "RequestOptions", "send_request"]

#: Methods that may be sent twice without changing the outcome (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


class RequestOptions(NamedTuple):
    """How one request reads its response (a tuple: cheap to build per request)."""

    read_until_eof: bool
    auto_decompress: bool
    read_bufsize: int
    max_line_size: int
    max_field_size: int
    max_headers: int
    timeout: ClientTimeout


def checked_options(options: RequestOptions) -> RequestOptions:
    """Return ``options`` once its header limits are known to be usable.

    The response is set up only after the request is written, so a limit the
    parser would refuse is refused here, before a connection is even taken.

    Raises:
        ValueError: ``max_line_size``, ``max_field_size`` or ``max_headers``
            is below 1.
    """
    check_limits(
        max_line_size=options.max_line_size,
        max_field_size=options.max_field_size,
        max_headers=options.max_headers,
    )
    return options


async def send_request(
    connector: BaseConnector,
    req: ClientRequest,
    options: RequestOptions,
    deadline: RequestDeadline,
) -> ClientResponse:
    """Connect, send ``req`` and read the response head (retrying a dropped one).

    Raises:
        ConnectionTimeoutError: Waiting for or making a connection took longer
            than ``timeout.connect``.
    """
    timeout = options.timeout
    limited = timeout.connect is not None and timeout.connect > 0
    for attempt in (1, 2):
        try:
            if limited:
                conn = await _connect(connector, req, timeout)
            else:
                # No connect limit (the default): no timer and no coroutine of
                # its own, but a sock_connect TimeoutError is still converted.
                conn = await connector.connect(req, req._traces, timeout)
        except TimeoutError as exc:
            raise ConnectionTimeoutError(
                f"Connection timeout to host {req.url}"
            ) from exc
        # The exchange is inline (not a coroutine of its own): one coroutine
        # fewer on every request's path.
        protocol: ResponseHandler = conn._protocol  # type: ignore[assignment]
        try:
            try:
                resp = await req.send(conn)
                # Set up for the response only once the request is on its way:
                # nothing can arrive before this task yields, and the work now
                # overlaps the server's instead of delaying the request.
                protocol.set_response_params(
                    method=req.method,
                    read_until_eof=options.read_until_eof,
                    auto_decompress=options.auto_decompress,
                    read_timeout=timeout.sock_read,
                    read_bufsize=options.read_bufsize,
                    timeout_ceil_threshold=timeout.ceil_threshold,
                    max_line_size=options.max_line_size,
                    max_field_size=options.max_field_size,
                    max_headers=options.max_headers,
                    timer=deadline,
                )
            except BaseException:
                conn.close()  # a request went out that nothing will answer
                raise
            try:
                await resp.start(conn)
            except BaseException:
                resp.close()
                req.terminate()
                raise
            return resp
        except (ServerDisconnectedError, ClientOSError):
            # Once, and only if not a byte of the response had arrived
            # (security category 10; aiohttp retries a cut-off head too).
            if attempt == 2 or protocol.head_cut or not _may_retry(req):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _connect(
    connector: BaseConnector, req: ClientRequest, timeout: ClientTimeout
) -> Connection:
    """Get a connection within ``timeout.connect`` (the caller converts expiry)."""
    async with ceil_timeout(timeout.connect, timeout.ceil_threshold):
        return await connector.connect(req, req._traces, timeout)


def _may_retry(req: ClientRequest) -> bool:
    if req.method not in IDEMPOTENT_METHODS:
        return False
    body = req._body
    return not (isinstance(body, Payload) and body.consumed)
