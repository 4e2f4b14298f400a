"""``ClientSession``: shared settings, a connection pool and the request pipeline.

A request goes through: option merging (``_session_options``), URL and
credential checks, a connection from the connector (bounded by ``connect``),
sending, reading the response head (under the ``total`` deadline, which keeps
running until the body is released), storing cookies, and following redirects
(``_redirects``). A stale keep-alive connection that the server closed before
answering is retried once for idempotent methods (RFC 9112 §9.3.1).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import traceback
import warnings
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any, Self

from multidict import CIMultiDict, istr
from yarl import URL

from aioclient_auth import BasicAuth
from aioclient_cookies import CookieJar
from aioclient_cookies.abc import AbstractCookieJar
from aioclient_forms import JsonBytesPayload, JsonPayload

from . import hdrs
from ._connector import BaseConnector, TCPConnector
from ._exceptions import ClientPayloadError, TooManyRedirects
from ._http._models import HttpVersion, HttpVersion11
from ._pipeline import RequestOptions, send_request
from ._redirects import (
    REDIRECT_STATUSES,
    next_method,
    redirect_target,
    same_origin,
    strip_credentials,
)
from ._request import ClientRequest
from ._request_context import _RequestContextManager
from ._response import ClientResponse
from ._sentinel import SENTINEL, Sentinel
from ._session_options import (
    check_auth_header,
    check_url,
    deprecated,
    merge_headers,
    netrc_auth,
    request_cookies,
    request_ssl,
    request_timeout,
    resolve_auth,
    to_url,
)
from ._streams import DEFAULT_LIMIT
from ._timeouts import DEFAULT_TIMEOUT, ClientTimeout, RequestDeadline

__all__ = ["ClientSession"]

_RaiseForStatus = bool | Callable[[ClientResponse], Awaitable[None]]


def _utf8(_response: ClientResponse, _body: bytes) -> str:
    return "utf-8"


class ClientSession:
    """The entry point of the client: make requests, share a pool and cookies.

    Use it as ``async with ClientSession() as session:`` so its connections are
    closed at the end. Parameters mirror aiohttp's; see the docs page
    "aioclient-core" for each one. ``proxy``, ``trace_configs`` and
    ``middlewares`` are accepted but not supported yet: a request that would use
    them raises ``NotImplementedError``.

    Raises:
        ValueError: ``base_url`` without a trailing slash, a ``timeout`` that is
            not a ``ClientTimeout``, or deprecated timeouts mixed with ``timeout``.
        RuntimeError: The connector belongs to another event loop.
    """

    def __init__(
        self,
        base_url: Any = None,
        *,
        connector: BaseConnector | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        cookies: Any = None,
        headers: Any = None,
        proxy: Any = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: Callable[[Any], str] = jsonlib.dumps,
        json_serialize_bytes: Callable[[Any], bytes] | None = None,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        ws_response_class: Any = None,
        version: HttpVersion = HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: _RaiseForStatus = False,
        read_timeout: float | Sentinel = SENTINEL,
        conn_timeout: float | None = None,
        timeout: ClientTimeout | None | Sentinel = SENTINEL,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[Any] | None = None,
        read_bufsize: int = DEFAULT_LIMIT,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        fallback_charset_resolver: Callable[[ClientResponse, bytes], str] = _utf8,
        middlewares: Iterable[Any] = (),
        ssl_shutdown_timeout: float | None | Sentinel = SENTINEL,
    ) -> None:
        self._connector: BaseConnector | None = None  # for __del__ on early errors
        if loop is None:
            loop = connector._loop if connector is not None else None
        self._loop = loop or asyncio.get_running_loop()
        if base_url is None or isinstance(base_url, URL):
            self._base_url: URL | None = base_url
        else:
            self._base_url = URL(base_url)
        if self._base_url is not None:
            if not self._base_url.is_absolute():
                raise ValueError("base_url must be an absolute URL")
            if not self._base_url.path.endswith("/"):
                raise ValueError("base_url must have a trailing '/'")
        self._timeout = _session_timeout(timeout, read_timeout, conn_timeout)
        # aiohttp 3.14 deprecates auth= and proxy_auth=; aioclient supports Basic
        # credentials fully and does not warn (docs: Differences from aiohttp).
        if connector is None:
            connector = TCPConnector(loop=self._loop)
        elif connector._loop is not self._loop:
            raise RuntimeError("Session and connector has to use same event loop")
        self._connector = connector
        self._connector_owner = connector_owner
        self._cookie_jar = cookie_jar if cookie_jar is not None else CookieJar()
        if cookies:
            self._cookie_jar.update_cookies(cookies)
        self._default_headers: CIMultiDict[str] = CIMultiDict(headers or {})
        self._skip_auto_headers = frozenset(istr(h) for h in skip_auto_headers or ())
        self._auth = auth
        self._proxy = proxy
        self._proxy_auth = proxy_auth
        self._json_serialize = json_serialize
        self._json_serialize_bytes = json_serialize_bytes
        self._request_class = request_class
        self._response_class = response_class
        self._ws_response_class = ws_response_class
        self._version = version
        self._raise_for_status = raise_for_status
        self._auto_decompress = auto_decompress
        self._trust_env = trust_env
        self._requote_redirect_url = requote_redirect_url
        self._trace_configs = list(trace_configs or ())
        for config in self._trace_configs:
            config.freeze()
        self._read_bufsize = read_bufsize
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._resolve_charset = fallback_charset_resolver
        self._middlewares = tuple(middlewares)
        self._source_traceback = (
            traceback.extract_stack(limit=8) if self._loop.get_debug() else None
        )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from ClientSession is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init_subclass__(**kwargs)

    def __del__(self, _warnings: Any = warnings) -> None:
        if self.closed:
            return
        _warnings.warn(
            f"Unclosed client session {self!r}", ResourceWarning, source=self
        )
        context: dict[str, Any] = {"client_session": self}
        context["message"] = "Unclosed client session"
        if self._source_traceback is not None:
            context["source_traceback"] = self._source_traceback
        if not self._loop.is_closed():
            self._loop.call_exception_handler(context)

    # -- properties -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once the session was closed or detached."""
        return self._connector is None or self._connector.closed

    @property
    def connector(self) -> BaseConnector | None:
        """The connector, or None once closed or detached."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The session's cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> HttpVersion:
        """The HTTP version requests use."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect targets are re-quoted (see ``yarl.URL``)."""
        return self._requote_redirect_url

    @requote_redirect_url.setter
    def requote_redirect_url(self, value: bool) -> None:
        warnings.warn(
            "session.requote_redirect_url modification is deprecated #2778",
            DeprecationWarning,
            stacklevel=2,
        )
        self._requote_redirect_url = value

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The session's loop (deprecated)."""
        warnings.warn(
            "client.loop property is deprecated", DeprecationWarning, stacklevel=2
        )
        return self._loop

    @property
    def timeout(self) -> ClientTimeout:
        """The default timeouts."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """Default headers (mutable: changes apply to later requests)."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[istr]:
        """Default headers never sent automatically."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The session's Basic credentials."""
        return self._auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        """The JSON encoder for ``json=`` bodies."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes the connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> _RaiseForStatus:
        """The default ``raise_for_status``."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether response bodies are decompressed."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether ``.netrc`` (and, later, proxy variables) are consulted."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[Any]:
        """The tracing configurations."""
        return self._trace_configs

    # -- lifetime ---------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connector (if owned) and the session."""
        if self._connector is not None:
            if self._connector_owner:
                await self._connector.close()
            self._connector = None

    def detach(self) -> None:
        """Forget the connector without closing it."""
        self._connector = None

    def __enter__(self) -> None:
        raise TypeError("Use async with instead")

    def __exit__(self, *exc: object) -> None:
        """Never reached: ``__enter__`` refuses."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- requests ---------------------------------------------------------------------

    def request(self, method: str, url: Any, **kwargs: Any) -> _RequestContextManager:
        """Make a request; await it, or use it with ``async with``."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(
        self, url: Any, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Make a GET request."""
        return self.request(
            hdrs.METH_GET, url, allow_redirects=allow_redirects, **kwargs
        )

    def options(
        self, url: Any, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Make an OPTIONS request."""
        return self.request(
            hdrs.METH_OPTIONS, url, allow_redirects=allow_redirects, **kwargs
        )

    def head(
        self, url: Any, *, allow_redirects: bool = False, **kwargs: Any
    ) -> _RequestContextManager:
        """Make a HEAD request (redirects are not followed by default)."""
        return self.request(
            hdrs.METH_HEAD, url, allow_redirects=allow_redirects, **kwargs
        )

    def post(
        self, url: Any, *, data: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        """Make a POST request."""
        return self.request(hdrs.METH_POST, url, data=data, **kwargs)

    def put(
        self, url: Any, *, data: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        """Make a PUT request."""
        return self.request(hdrs.METH_PUT, url, data=data, **kwargs)

    def patch(
        self, url: Any, *, data: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        """Make a PATCH request."""
        return self.request(hdrs.METH_PATCH, url, data=data, **kwargs)

    def delete(self, url: Any, **kwargs: Any) -> _RequestContextManager:
        """Make a DELETE request."""
        return self.request(hdrs.METH_DELETE, url, **kwargs)

    async def _request(
        self,
        method: str,
        str_or_url: Any,
        *,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: str | bool | None = None,
        chunked: bool | int | None = None,
        expect100: bool = False,
        raise_for_status: _RaiseForStatus | None = None,
        read_until_eof: bool = True,
        proxy: Any = None,
        proxy_auth: BasicAuth | None = None,
        timeout: Any = SENTINEL,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: Any = None,
        ssl: Any = True,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        trace_request_ctx: Any = None,
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        max_headers: int | None = None,
        middlewares: Iterable[Any] | None = None,
    ) -> ClientResponse:
        if self.closed or self._connector is None:
            raise RuntimeError("Session is closed")
        if data is not None and json is not None:
            raise ValueError(
                "data and json parameters can not be used at the same time"
            )
        if json is not None:
            data = (
                JsonBytesPayload(json, dumps=self._json_serialize_bytes)
                if self._json_serialize_bytes is not None
                else JsonPayload(json, dumps=self._json_serialize)
            )
        if chunked is not None and not isinstance(chunked, bool):
            deprecated("Chunk size is deprecated #1615")
            chunked = bool(chunked)
        self._refuse_unsupported(proxy, middlewares, proxy_headers)
        ssl_setting = request_ssl(ssl, verify_ssl, ssl_context, fingerprint)
        real_timeout = request_timeout(timeout, self._timeout)
        url = to_url(str_or_url, self._base_url)
        merged_headers = merge_headers(self._default_headers, headers)
        skip = set(self._skip_auto_headers) | {istr(h) for h in skip_auto_headers or ()}
        options = RequestOptions(
            read_until_eof=read_until_eof,
            auto_decompress=self._auto_decompress
            if auto_decompress is None
            else auto_decompress,
            read_bufsize=read_bufsize or self._read_bufsize,
            max_line_size=max_line_size or self._max_line_size,
            max_field_size=max_field_size or self._max_field_size,
            max_headers=max_headers or self._max_headers,
            timeout=real_timeout,
        )
        deadline = RequestDeadline(
            real_timeout.total, ceil_threshold=real_timeout.ceil_threshold
        )
        deadline.start()
        history: list[ClientResponse] = []
        resp: ClientResponse | None = None
        original_origin = url
        dropped_credentials = False
        try:
            with deadline:
                while True:
                    check_url(
                        url,
                        self._connector.allowed_protocol_schema_set,
                        redirected=bool(history),
                    )
                    url, hop_auth = resolve_auth(
                        url,
                        None if dropped_credentials else auth,
                        None if dropped_credentials else self._auth,
                        self._base_url,
                        redirected=bool(history),
                    )
                    if hop_auth is None and self._trust_env and not dropped_credentials:
                        hop_auth = await netrc_auth(url)
                    check_auth_header(merged_headers, hop_auth)
                    sent_cookies = request_cookies(
                        self._cookie_jar, url, None if dropped_credentials else cookies
                    )
                    req = self._request_class(
                        method,
                        url,
                        params=params,
                        headers=merged_headers,
                        skip_auto_headers=skip,
                        data=data,
                        cookies=sent_cookies,
                        auth=hop_auth,
                        version=self._version,
                        compress=compress,
                        chunked=chunked,
                        expect100=expect100,
                        loop=self._loop,
                        response_class=self._response_class,
                        # Not yet: releasing a redirect hop would cancel the
                        # deadline for the hops after it (see below).
                        timer=None,
                        session=self,
                        ssl=ssl_setting,
                        server_hostname=server_hostname,
                        trust_env=self._trust_env,
                    )
                    resp = await send_request(self._connector, req, options, deadline)
                    self._store_cookies(resp)
                    location = resp.headers.get(hdrs.LOCATION) or resp.headers.get(
                        hdrs.URI
                    )
                    if (
                        not allow_redirects
                        or resp.status not in REDIRECT_STATUSES
                        or not location
                    ):
                        break
                    history.append(resp)
                    if max_redirects and len(history) >= max_redirects:
                        resp.close()
                        raise TooManyRedirects(history[0].request_info, tuple(history))
                    target = redirect_target(
                        location, url, requote=self._requote_redirect_url
                    )
                    # req.method is upper-cased: "post" follows the POST rules too.
                    method, keep_body = next_method(resp.status, req.method)
                    resp.release()
                    if keep_body:
                        data = _replayable(req)
                    else:
                        data = None
                        merged_headers.popall(hdrs.CONTENT_LENGTH, None)
                        merged_headers.popall(hdrs.CONTENT_TYPE, None)
                    if not same_origin(original_origin, target):
                        dropped_credentials = True
                        merged_headers = strip_credentials(merged_headers)
                    url, params = target, None
            resp._history = tuple(history)
            # The final response owns the deadline: it stops when its body is
            # read or it is released (perhaps already, for a bodiless answer).
            resp._timer = deadline
            if resp.closed:
                deadline.cancel()
            await self._check_status(resp, raise_for_status)
            return resp
        except BaseException:
            deadline.cancel()
            # A refused redirect target or a failing raise_for_status callback
            # must not keep the connection (and its pool slot) of the response.
            if resp is not None:
                resp.close()
            raise

    def _refuse_unsupported(
        self, proxy: Any, middlewares: Iterable[Any] | None, proxy_headers: Any
    ) -> None:
        if proxy is not None or self._proxy is not None or proxy_headers:
            raise NotImplementedError(
                "proxy support is not implemented in aioclient yet (issue: "
                "session features)"
            )
        if tuple(middlewares if middlewares is not None else self._middlewares):
            raise NotImplementedError(
                "middlewares are not implemented in aioclient yet"
            )
        if self._trace_configs:
            raise NotImplementedError(
                "trace_configs are not implemented in aioclient yet"
            )

    def _store_cookies(self, resp: ClientResponse) -> None:
        set_cookie = resp.headers.getall(hdrs.SET_COOKIE, ())
        if set_cookie:
            self._cookie_jar.update_cookies_from_headers(list(set_cookie), resp.url)

    async def _check_status(
        self, resp: ClientResponse, override: _RaiseForStatus | None
    ) -> None:
        policy = self._raise_for_status if override is None else override
        if callable(policy):
            await policy(resp)
        elif policy:
            resp.raise_for_status()


def _session_timeout(
    timeout: ClientTimeout | None | Sentinel,
    read_timeout: float | Sentinel,
    conn_timeout: float | None,
) -> ClientTimeout:
    if timeout is SENTINEL or timeout is None:
        result = DEFAULT_TIMEOUT
        if read_timeout is not SENTINEL:
            deprecated("read_timeout is deprecated, use timeout argument instead")
            result = ClientTimeout(
                total=read_timeout, connect=result.connect,
                sock_connect=result.sock_connect,
            )  # fmt: skip
        if conn_timeout is not None:
            deprecated("conn_timeout is deprecated, use timeout argument instead")
            result = ClientTimeout(
                total=result.total, connect=conn_timeout,
                sock_connect=result.sock_connect,
            )  # fmt: skip
        return result
    if not isinstance(timeout, ClientTimeout):
        raise ValueError(
            f"timeout parameter cannot be of {type(timeout)} type, "
            "please use 'timeout=ClientTimeout(...)'"
        )
    if read_timeout is not SENTINEL or conn_timeout is not None:
        raise ValueError(
            "read_timeout and conn_timeout cannot be used together with timeout"
        )
    return timeout


def _replayable(req: ClientRequest) -> Any:
    """The body to send again on a 307/308 hop (the same payload object)."""
    body = req.body
    consumed = getattr(body, "consumed", False)
    if consumed:
        raise ClientPayloadError(
            "Cannot follow redirect with a consumed request body. "
            "Use a replayable body (bytes, a file, a seekable stream) to allow it."
        )
    return body or None
