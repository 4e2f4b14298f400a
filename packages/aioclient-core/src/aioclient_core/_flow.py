"""The life of one ``session.request()`` call, from the first hop to the last.

:class:`RequestPlan` holds what the session decided before anything is sent
(merged headers, timeouts, TLS setting, read options). :func:`run_request`
then makes hops until a response is final: each hop picks credentials and
cookies for its URL, builds a ``ClientRequest``, and sends it through the
middlewares to the connection pipeline; redirects feed the next hop
(``_redirects``). The ``total`` deadline spans every hop and, through the final
response, the reading of its body.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict
from yarl import URL

from aioclient_auth import BasicAuth
from aioclient_forms import Payload

from . import hdrs
from ._connector import BaseConnector
from ._connector._tls import SSLSetting
from ._exceptions import (
    ClientError,
    ClientOSError,
    ClientPayloadError,
    TooManyRedirects,
)
from ._middlewares import ClientMiddlewareType, build_client_middlewares
from ._pipeline import RequestOptions, send_request
from ._redirects import (
    REDIRECT_STATUSES,
    next_method,
    redirect_target,
    same_origin,
    strip_credentials,
)
from ._request import ClientRequest, close_in_background
from ._response import ClientResponse
from ._session_options import (
    check_auth_header,
    check_url,
    netrc_auth,
    request_cookies,
    resolve_auth,
)
from ._timeouts import RequestDeadline
from ._tracing import Trace

if TYPE_CHECKING:
    from ._session import ClientSession

__all__ = ["RequestPlan", "run_request"]


@dataclasses.dataclass(slots=True)
class RequestPlan:
    """Everything decided about a request before its first byte is sent."""

    method: str
    url: URL
    params: Any
    data: Any
    cookies: Any
    headers: CIMultiDict[str]
    skip_auto_headers: frozenset[str] | set[str]
    auth: BasicAuth | None
    allow_redirects: bool
    max_redirects: int
    compress: str | bool | None
    chunked: bool | None
    expect100: bool
    ssl: SSLSetting
    server_hostname: str | None
    options: RequestOptions
    middlewares: Sequence[ClientMiddlewareType]
    traces: list[Trace]
    #: The latest hop's request: its body is closed when the call ends.
    last: ClientRequest | None = None


async def run_request(session: ClientSession, plan: RequestPlan) -> ClientResponse:
    """Make the request described by ``plan``, following redirects.

    Raises:
        TooManyRedirects: More than ``max_redirects`` redirects.
        ClientError: Any failure, as the documented subclass.
        TimeoutError: The ``total`` timeout passed.
    """
    timeout = plan.options.timeout
    # The session's loop, given: asking asyncio for the running one costs a
    # getpid() system call per request.
    deadline = RequestDeadline(
        timeout.total, ceil_threshold=timeout.ceil_threshold, loop=session._loop
    )
    deadline.start()
    for trace in plan.traces:
        await trace.send_request_start(plan.method, _traced_url(plan), plan.headers)
    resp: ClientResponse | None = None
    try:
        with deadline:
            try:
                resp = await _follow(session, plan, deadline)
            except OSError as exc:
                # As aiohttp: an OSError from anywhere in the request (a
                # middleware, a request class, a trace callback) reaches the
                # caller as ClientOSError, which `except ClientError` catches.
                if isinstance(exc, ClientError) or (
                    exc.errno is None and isinstance(exc, TimeoutError)
                ):
                    raise
                raise ClientOSError(*exc.args) from exc
        # The final response owns the deadline: it stops when the body is read
        # or the response released (perhaps already, for a bodiless answer).
        resp._timer = deadline
        if resp.closed:
            deadline.cancel()
        body = _body_to_close(plan.last)
        if body is not None:
            await body.close()
        for trace in plan.traces:
            await trace.send_request_end(plan.method, resp.url, plan.headers, resp)
        return resp
    except BaseException as exc:
        deadline.cancel()
        body = _body_to_close(plan.last)
        if body is not None:
            await body.close()
        for trace in plan.traces:
            await trace.send_request_exception(
                plan.method, _traced_url(plan), plan.headers, exc
            )
        raise


def _traced_url(plan: RequestPlan) -> URL:
    """The hop's URL with its ``params``, as trace callbacks are given it."""
    return plan.url.extend_query(plan.params) if plan.params else plan.url


async def _follow(
    session: ClientSession, plan: RequestPlan, deadline: RequestDeadline
) -> ClientResponse:
    history: list[ClientResponse] = []
    first_url, dropped = plan.url, False
    while True:
        # The session's attributes, not its properties: a call fewer each, per hop.
        connector = session._connector
        if connector is None:
            raise RuntimeError("Session is closed")
        url, auth = _credentials(connector, session, plan, bool(history), dropped)
        if auth is None and session._trust_env and not dropped:
            auth = await netrc_auth(url)
            connector = session.connector  # the session may have closed meanwhile
            if connector is None:
                raise RuntimeError("Session is closed")
        req = plan.last = _build(session, plan, url, auth, dropped=dropped)
        if plan.middlewares:
            resp = await _send(connector, req, plan, deadline)
        else:
            # The common case: no middleware chain (or closure) to build.
            resp = await send_request(connector, req, plan.options, deadline)
        session._store_cookies(resp)
        location = None
        if plan.allow_redirects and resp.status in REDIRECT_STATUSES:
            location = resp.headers.get(hdrs.LOCATION) or resp.headers.get(hdrs.URI)
        if not location:
            resp._history = tuple(history)
            return resp
        try:
            history.append(resp)
            if plan.max_redirects and len(history) >= plan.max_redirects:
                raise TooManyRedirects(history[0].request_info, tuple(history))
            target = redirect_target(
                location, plan.url, requote=session.requote_redirect_url
            )
            for trace in plan.traces:
                await trace.send_request_redirect(
                    plan.method, _traced_url(plan), plan.headers, resp
                )
        except BaseException:
            resp.close()
            raise
        # req.method is upper-cased: "post" follows the POST rules too.
        plan.method, keep_body = next_method(resp.status, req.method)
        resp.release()
        _prepare_next_hop(plan, req, keep_body)
        if not dropped and not same_origin(first_url, target):
            # Credentials belong to the first origin and are not restored if
            # the chain comes back to it (security category 6).
            dropped = True
            plan.headers = strip_credentials(plan.headers)
        plan.url, plan.params = target, None


def _prepare_next_hop(plan: RequestPlan, req: ClientRequest, keep_body: bool) -> None:
    if keep_body:
        plan.data = _replayable(req)
        return
    body = _body_to_close(req)  # the method changed to GET: not sent again
    if body is not None:
        _schedule_close(body)
    plan.data = None
    plan.headers.popall(hdrs.CONTENT_LENGTH, None)
    plan.headers.popall(hdrs.CONTENT_TYPE, None)


def _credentials(
    connector: BaseConnector,
    session: ClientSession,
    plan: RequestPlan,
    redirected: bool,
    dropped: bool,
) -> tuple[URL, BasicAuth | None]:
    """Check the hop's URL; pick its credentials (``.netrc`` is the caller's)."""
    check_url(plan.url, connector.allowed_protocol_schema_set, redirected=redirected)
    return resolve_auth(
        plan.url,
        None if dropped else plan.auth,
        None if dropped else session._auth,
        session._base_url,
        redirected=redirected,
    )


def _build(
    session: ClientSession,
    plan: RequestPlan,
    url: URL,
    auth: BasicAuth | None,
    *,
    dropped: bool,
) -> ClientRequest:
    check_auth_header(plan.headers, auth)
    cookies = request_cookies(
        session._cookie_jar, url, None if dropped else plan.cookies
    )
    return session._request_class(
        plan.method,
        url,
        params=plan.params,
        headers=plan.headers,
        skip_auto_headers=plan.skip_auto_headers,
        data=plan.data,
        cookies=cookies,
        auth=auth,
        version=session._version,
        compress=plan.compress,
        chunked=plan.chunked,
        expect100=plan.expect100,
        loop=session._loop,
        response_class=session._response_class,
        # The deadline is handed to the final response only: releasing a
        # redirect hop must not stop the clock for the hops after it.
        timer=None,
        session=session,
        ssl=plan.ssl,
        server_hostname=plan.server_hostname,
        traces=plan.traces,
        trust_env=session._trust_env,
    )


async def _send(
    connector: BaseConnector,
    req: ClientRequest,
    plan: RequestPlan,
    deadline: RequestDeadline,
) -> ClientResponse:
    async def handler(request: ClientRequest) -> ClientResponse:
        return await send_request(connector, request, plan.options, deadline)

    return await build_client_middlewares(handler, plan.middlewares)(req)


def _replayable(req: ClientRequest) -> Any:
    """The body to send again on a 307/308 hop (the same payload object)."""
    body = req.body
    if getattr(body, "consumed", False):
        raise ClientPayloadError(
            "Cannot follow redirect with a consumed request body. "
            "Use a replayable body (bytes, a file, a seekable stream) to allow it."
        )
    return body or None


def _body_to_close(req: ClientRequest | None) -> Payload | None:
    """The body to close now if it holds a file and was written, as aiohttp does.

    Bodies in memory (bytes, JSON, forms without files, iterables) hold nothing
    and are left alone, so the usual request pays one check. A body still
    being written (a large upload answered early) is closed when its writer
    ends, and ``None`` is returned.
    """
    if req is None:
        return None
    body = req._body
    if type(body) is bytes or not isinstance(body, Payload) or body.autoclose:
        return None
    task = req._writer_task
    if task is None or task.done():
        return body
    task.add_done_callback(lambda _task: _schedule_close(body))
    return None


def _schedule_close(body: Payload) -> None:
    close_in_background(body, asyncio.get_running_loop())
