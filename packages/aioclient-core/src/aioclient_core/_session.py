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
import warnings
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self

from multidict import CIMultiDict, istr

from aioclient_auth import BasicAuth
from aioclient_cookies import CookieJar
from aioclient_cookies.abc import AbstractCookieJar
from aioclient_forms import JsonBytesPayload, JsonPayload

from . import hdrs
from ._connector import BaseConnector
from ._flow import RequestPlan, run_request
from ._http._models import HttpVersion, HttpVersion11
from ._http._recent import forget_all_recent
from ._pipeline import RequestOptions, checked_options
from ._request import ClientRequest, http_version, merge_headers
from ._request_context import _RequestContextManager
from ._response import ClientResponse
from ._sentinel import SENTINEL, Sentinel
from ._session_attrs import RaiseForStatus, SessionAttributes
from ._session_options import (
    deprecated,
    request_ssl,
    request_timeout,
    session_base_url,
    session_connector,
    session_timeout,
    to_url,
)
from ._streams import DEFAULT_LIMIT
from ._timeouts import ClientTimeout
from ._tracing import Trace
from ._unclosed import creation_stack, report_unclosed

__all__ = ["ClientSession"]


def _utf8(_response: ClientResponse, _body: bytes) -> str:
    return "utf-8"


#: No ``skip_auto_headers`` anywhere (the usual case); never mutated.
_NO_SKIP: frozenset[str] = frozenset()


def _skip_set(defaults: frozenset[istr], extra: Iterable[str] | None) -> set[str]:
    """The session's and the request's ``skip_auto_headers``, as one set."""
    skip: set[str] = set(defaults)
    if extra:
        skip.update(istr(h) for h in extra)
    return skip


class ClientSession(SessionAttributes):
    """The entry point of the client: make requests, share a pool and cookies.

    Use it as ``async with ClientSession() as session:`` so its connections are
    closed at the end. Parameters mirror aiohttp's; see the docs page
    "aioclient-core" for each one. ``proxy`` is accepted but not supported
    yet: a request that would use it raises ``NotImplementedError``.
    ``ssl_shutdown_timeout`` is deprecated (as in aiohttp): giving it warns, and
    it goes to the ``TCPConnector`` the session creates.

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
        version: HttpVersion | str = HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: RaiseForStatus = False,
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
        middlewares: Iterable[Any] | None = (),
        ssl_shutdown_timeout: float | None | Sentinel = SENTINEL,
    ) -> None:
        self._connector: BaseConnector | None = None  # for __del__ on early errors
        if loop is None:
            loop = connector._loop if connector is not None else None
        self._loop = loop or asyncio.get_running_loop()
        self._base_url = session_base_url(base_url)
        self._timeout = session_timeout(timeout, read_timeout, conn_timeout)
        # aiohttp 3.14 deprecates auth= and proxy_auth=; aioclient supports Basic
        # credentials fully and does not warn (docs: Differences from aiohttp).
        connector = session_connector(connector, self._loop, ssl_shutdown_timeout)
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
        self._version = http_version(version)
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
        # The read options of a request that overrides none (immutable); None
        # when a limit is unusable, so that each request reports it (as in
        # aiohttp, where such a session fails its requests, not its creation).
        self._default_options: RequestOptions | None = RequestOptions(
            read_until_eof=True,
            auto_decompress=auto_decompress,
            read_bufsize=read_bufsize,
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
            timeout=self._timeout,
        )
        if min(max_line_size, max_field_size, max_headers) < 1:
            self._default_options = None
        self._resolve_charset = fallback_charset_resolver
        self._middlewares = tuple(middlewares or ())
        self._source_traceback = creation_stack(self._loop)
        # Set last: __del__ reports an unclosed session only once __init__ got
        # through every argument (a bad one raises above, and that is all).
        self._connector = connector

    def __init_subclass__(cls, **kwargs: Any) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from ClientSession is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init_subclass__(**kwargs)

    def __del__(self, _warnings: Any = warnings) -> None:
        # None while __init__ has not got through every argument.
        if getattr(self, "_connector", None) is None or self.closed:
            return
        report_unclosed(
            self,
            self._loop,
            key="client_session",
            message="Unclosed client session",
            source_traceback=self._source_traceback,
            warnings_module=_warnings,
        )

    # -- lifetime ---------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connector (if owned) and the session."""
        if self._connector is not None:
            if self._connector_owner:
                await self._connector.close()
            self._connector = None
            # The process-wide memories of recent heads may hold this
            # session's credentials (Authorization, Cookie, Set-Cookie).
            forget_all_recent()

    def detach(self) -> None:
        """Forget the connector without closing it."""
        if self._connector is not None:
            self._connector = None
            forget_all_recent()  # as in close()

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
        # Straight to _request (as aiohttp does): one call and kwargs copy fewer.
        return _RequestContextManager(
            self._request(hdrs.METH_GET, url, allow_redirects=allow_redirects, **kwargs)
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
        raise_for_status: RaiseForStatus | None = None,
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
        connector = self._connector
        if connector is None or connector.closed:
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
        if proxy is not None or self._proxy is not None or proxy_headers:
            raise NotImplementedError(
                "proxy support is not implemented in aioclient yet"
            )
        plan = RequestPlan(
            method=method,
            url=to_url(str_or_url, self._base_url),
            params=params,
            data=data,
            cookies=cookies,
            headers=merge_headers(self._default_headers, headers),
            skip_auto_headers=_skip_set(self._skip_auto_headers, skip_auto_headers)
            if skip_auto_headers or self._skip_auto_headers
            else _NO_SKIP,
            auth=auth,
            allow_redirects=allow_redirects,
            max_redirects=max_redirects,
            compress=compress,
            chunked=chunked,
            expect100=expect100,
            ssl=request_ssl(ssl, verify_ssl, ssl_context, fingerprint),
            server_hostname=server_hostname,
            options=self._options(
                timeout,
                read_until_eof,
                auto_decompress,
                read_bufsize,
                max_line_size,
                max_field_size,
                max_headers,
            ),
            # A request's middlewares replace the session's (() disables them).
            middlewares=tuple(
                self._middlewares if middlewares is None else middlewares
            ),
            traces=[
                Trace(self, config, config.trace_config_ctx(trace_request_ctx))
                for config in self._trace_configs
            ]
            if self._trace_configs
            else [],
        )
        resp = await run_request(self, plan)
        if raise_for_status is None and self._raise_for_status is False:
            return resp  # the default: no policy to run (and no coroutine for it)
        try:
            await self._check_status(resp, raise_for_status)
        except BaseException:
            # A failing raise_for_status callback must not keep the connection.
            resp.close()
            raise
        return resp

    def _options(
        self,
        timeout: Any,
        read_until_eof: bool,
        auto_decompress: bool | None,
        read_bufsize: int | None,
        max_line_size: int | None,
        max_field_size: int | None,
        max_headers: int | None,
    ) -> RequestOptions:
        """How the response is read: the request's settings over the session's."""
        if (
            timeout is SENTINEL
            and read_until_eof is True
            and auto_decompress is None
            and not (read_bufsize or max_line_size or max_field_size or max_headers)
            and self._default_options is not None
        ):
            return self._default_options  # nothing overridden: the usual case
        options = RequestOptions(
            read_until_eof=read_until_eof,
            auto_decompress=self._auto_decompress
            if auto_decompress is None
            else auto_decompress,
            read_bufsize=read_bufsize or self._read_bufsize,
            max_line_size=max_line_size or self._max_line_size,
            max_field_size=max_field_size or self._max_field_size,
            max_headers=max_headers or self._max_headers,
            timeout=self._timeout
            if timeout is SENTINEL
            else request_timeout(timeout, self._timeout),
        )
        return checked_options(options)

    def ws_connect(self, url: Any, **kwargs: Any) -> Any:
        """Open a WebSocket (needs the ``aioclient-ws`` distribution).

        Raises:
            ModuleNotFoundError: ``aioclient-ws`` is not installed.
            NotImplementedError: The installed ``aioclient-ws`` has no client yet.
        """
        # Imported here, not at the top: aioclient-ws depends on core, so core
        # may only reach it lazily (DESIGN.md).
        try:
            import aioclient_ws
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "ClientSession.ws_connect needs the aioclient-ws distribution "
                "(pip install aioclient-ws)"
            ) from exc
        connect = getattr(aioclient_ws, "ws_connect", None)
        if connect is None:
            raise NotImplementedError(
                "WebSocket support is not implemented in aioclient-ws yet"
            )
        return connect(self, url, **kwargs)

    def _store_cookies(self, resp: ClientResponse) -> None:
        set_cookie = resp.headers.getall(hdrs.SET_COOKIE, ())
        if set_cookie:
            self._cookie_jar.update_cookies_from_headers(list(set_cookie), resp.url)

    async def _check_status(
        self, resp: ClientResponse, override: RaiseForStatus | None
    ) -> None:
        policy = self._raise_for_status if override is None else override
        if callable(policy):
            await policy(resp)
        elif policy:
            resp.raise_for_status()
