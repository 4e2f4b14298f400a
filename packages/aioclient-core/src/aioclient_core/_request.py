"""``ClientRequest``: one request's method, URL, headers and body, and sending it.

The request is validated while it is built, so bad input fails before a byte is
sent: the method must be a token (RFC 9110 §9.1), the URL must have a host,
conflicting framing options (``chunked`` with ``Content-Length``, ``compress``
with ``Content-Encoding``) are refused, and the serializer refuses control
characters in any header (security category 1). Bodies go through the payload
registry of ``aioclient-forms``.
"""

from __future__ import annotations

import asyncio
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioclient_auth import BasicAuth
from aioclient_forms import PAYLOAD_REGISTRY, FormData, Payload
from aioclient_forms import LookupError as PayloadLookupError

from . import hdrs
from ._connector._tls import SSLSetting
from ._exceptions import InvalidURL
from ._http._decompress import supported_encodings
from ._http._models import HttpVersion, HttpVersion11
from ._http._writer import host_header
from ._reqinfo import ConnectionKey, RequestInfo
from ._request_send import RequestSending
from ._response import ClientResponse
from ._version import __version__

if TYPE_CHECKING:
    from ._session import ClientSession

__all__ = [
    "DEFAULT_USER_AGENT",
    "ClientRequest",
    "close_in_background",
    "http_version",
    "merge_headers",
]

#: The User-Agent sent unless the caller sets or skips one.
DEFAULT_USER_AGENT = (
    f"Python/{sys.version_info[0]}.{sys.version_info[1]} aioclient/{__version__}"
)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_COOKIE_QUOTER = SimpleCookie()  # only its value_encode() is used; no state
#: Closing tasks of bodies closed in the background (kept until done).
_closing: set[asyncio.Task[None]] = set()


def close_in_background(body: Payload, loop: asyncio.AbstractEventLoop) -> None:
    """Close ``body`` in a task of its own, for callers that cannot await."""
    task = loop.create_task(body.close())
    _closing.add(task)
    task.add_done_callback(_closing.discard)


def merge_headers(
    defaults: CIMultiDict[str] | Iterable[tuple[str, str]], extra: Any
) -> CIMultiDict[str]:
    """Session headers overlaid with the request's.

    The first request value of a name replaces the session's; later values of the
    same name are added, so a request can send a field several times.
    """
    merged = CIMultiDict(defaults)
    if not extra:
        return merged
    items = extra.items() if isinstance(extra, Mapping) else extra
    replaced: set[str] = set()
    for key, value in items:
        # Case-insensitive: ``istr`` hashes and compares like a plain ``str``.
        name = key.lower()
        if name in replaced:
            merged.add(key, value)
        else:
            merged[key] = value
            replaced.add(name)
    return merged


def http_version(version: HttpVersion | str) -> HttpVersion:
    """An HTTP version from an ``HttpVersion`` or a ``"1.0"``-style string.

    Raises:
        ValueError: The string is not ``<digits>.<digits>``.
    """
    if isinstance(version, str):
        match = _VERSION.match(version)
        if match is None:
            raise ValueError(f"Can not parse http version number: {version}")
        return HttpVersion(int(match.group(1)), int(match.group(2)))
    return version


def _accept_encoding() -> str:
    # Advertise only the codings this installation can decode.
    return ", ".join(supported_encodings())


#: Schemes whose connections use TLS.
_SECURE_SCHEMES = frozenset({"https", "wss"})


class ClientRequest(RequestSending):
    """A request as the session builds it (and middlewares may change it)."""

    GET_METHODS = frozenset(
        {hdrs.METH_GET, hdrs.METH_HEAD, hdrs.METH_OPTIONS, hdrs.METH_TRACE}
    )
    POST_METHODS = frozenset({hdrs.METH_PATCH, hdrs.METH_POST, hdrs.METH_PUT})
    ALL_METHODS = GET_METHODS | POST_METHODS | {hdrs.METH_DELETE}
    DEFAULT_HEADERS = {hdrs.ACCEPT: "*/*", hdrs.ACCEPT_ENCODING: _accept_encoding()}

    _body: Payload | bytes = b""
    auth: BasicAuth | None = None
    response: ClientResponse | None = None
    _writer_task: asyncio.Task[None] | None = None

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        params: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        data: Any = None,
        cookies: Any = None,
        auth: BasicAuth | None = None,
        version: HttpVersion | str = HttpVersion11,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        response_class: type[ClientResponse] | None = None,
        proxy: URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timer: Any = None,
        session: ClientSession | None = None,
        ssl: SSLSetting = True,
        proxy_headers: Any = None,
        traces: list[Any] | None = None,
        trust_env: bool = False,
        server_hostname: str | None = None,
    ) -> None:
        if not isinstance(url, URL):
            raise TypeError(f"url should be yarl.URL instance, got {type(url)!r}")
        if not _TOKEN.fullmatch(method):
            raise ValueError(
                f"Method cannot contain non-token characters {method!r} "
                "(found at least one character outside RFC 9110 tchar)"
            )
        self._loop = loop or asyncio.get_running_loop()
        self.method = method.upper()
        # The params belong to the URL the response and errors report (as in
        # aiohttp: ``resp.url`` and ``request_info.real_url`` include them).
        if params:
            url = url.extend_query(params)
        self.original_url = url
        self.url = url.with_fragment(None) if url.raw_fragment else url
        self._session = session
        self.response_class = response_class or ClientResponse
        self._timer = timer
        self._traces = traces or []
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.chunked: bool | None = chunked
        # Read (and normalised) by update_content_encoding below.
        self.compress: Any = compress
        self.proxy: URL | None = proxy
        self.proxy_auth = proxy_auth
        self.proxy_headers: CIMultiDict[str] | None = (
            CIMultiDict(proxy_headers) if proxy_headers else None
        )
        self.version = http_version(version) if isinstance(version, str) else version
        self.update_host(self.url)
        self.update_headers(headers)
        self.update_auto_headers(skip_auto_headers)
        self.update_cookies(cookies)
        self.update_content_encoding(data)
        self.update_auth(auth, trust_env)
        self.update_body_from_data(data)
        self.update_transfer_encoding()
        self.update_expect_continue(expect100)

    # -- derived identity ---------------------------------------------------------

    @property
    def host(self) -> str:
        """The host to connect to (raw form, IDNA-encoded)."""
        return self.url.raw_host or ""

    @property
    def port(self) -> int | None:
        """The port to connect to."""
        return self.url.port

    def is_ssl(self) -> bool:
        """True for ``https`` and ``wss`` URLs."""
        return self.url.scheme in _SECURE_SCHEMES

    @property
    def connection_key(self) -> ConnectionKey:
        """The pool key: requests with equal keys may share a connection."""
        proxy_headers = self.proxy_headers
        url = self.url
        # Built on every request: the tuple directly, without the NamedTuple's
        # keyword-handling constructor or the host/port/is_ssl() calls.
        return tuple.__new__(
            ConnectionKey,
            (
                url.raw_host or "",
                url.port,
                url.scheme in _SECURE_SCHEMES,
                self.ssl,
                self.proxy,
                self.proxy_auth,
                hash(tuple(proxy_headers.items())) if proxy_headers else None,
                self.server_hostname,
            ),
        )

    @property
    def request_info(self) -> RequestInfo:
        """The method, URL and headers, as responses and errors report them."""
        # Built on every request: the tuple directly (see connection_key).
        return tuple.__new__(
            RequestInfo,
            (self.url, self.method, CIMultiDictProxy(self.headers), self.original_url),
        )

    @property
    def session(self) -> ClientSession | None:
        """The session making this request (a middleware may send more with it)."""
        return self._session

    @property
    def body(self) -> Payload | bytes:
        """The body as a payload, or ``b""`` when there is none."""
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        # Assigning works as in aiohttp (where it is deprecated): the new body
        # is framed like update_body()'s; an old one holding a file is closed
        # in the background, as this cannot await.
        old = self._body
        if isinstance(old, Payload) and not old.autoclose:
            close_in_background(old, self._loop)
        self._reframe(value)

    @property
    def skip_auto_headers(self) -> CIMultiDict[None]:
        """Default headers the caller asked not to send."""
        return self._skip_auto_headers

    # -- building -------------------------------------------------------------------

    def update_host(self, url: URL) -> None:
        """Check the URL has a host and take Basic credentials from its userinfo."""
        if not url.raw_host:
            raise InvalidURL(url)
        if url.raw_user or url.raw_password:
            self.auth = BasicAuth(url.user or "", url.password or "")

    def update_version(self, version: HttpVersion | str) -> None:
        """Set the HTTP version (``HttpVersion`` or a ``"1.1"`` string)."""
        self.version = http_version(version)

    def update_headers(self, headers: Any) -> None:
        """Set ``Host`` and the caller's headers (later duplicates are added)."""
        url = self.url
        host = host_header(url.raw_host or "", url.explicit_port, url.scheme)
        self.headers: CIMultiDict[str] = merge_headers(((hdrs.HOST, host),), headers)
        hosts = self.headers.getall(hdrs.HOST)
        if len(hosts) > 1:
            # RFC 9112 §3.2: exactly one Host field; the caller's last one wins.
            self.headers[hdrs.HOST] = hosts[-1]

    def update_auto_headers(self, skip_auto_headers: Iterable[str] | None) -> None:
        """Add ``Accept``, ``Accept-Encoding`` and ``User-Agent`` unless skipped."""
        headers = self.headers
        if not skip_auto_headers:
            # The common case: multidict membership is already case-insensitive.
            self._skip_auto_headers: CIMultiDict[None] = CIMultiDict()
            for name, value in self.DEFAULT_HEADERS.items():
                if name not in headers:
                    headers[name] = value
            if hdrs.USER_AGENT not in headers:
                headers[hdrs.USER_AGENT] = DEFAULT_USER_AGENT
            return
        self._skip_auto_headers = CIMultiDict(
            (name, None) for name in sorted(skip_auto_headers)
        )
        # ``keys() | keys()`` is a plain set: compare lower-cased names.
        used = {n.lower() for n in (*self.headers, *self._skip_auto_headers)}
        for name, value in self.DEFAULT_HEADERS.items():
            if name.lower() not in used:
                self.headers[name] = value
        if "user-agent" not in used:
            self.headers[hdrs.USER_AGENT] = DEFAULT_USER_AGENT

    def update_cookies(self, cookies: Any) -> None:
        """Add a ``Cookie`` header from a mapping or pairs (already filtered)."""
        if not cookies:
            return
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        pairs = []
        names = set()
        for name, value in items:
            text = getattr(value, "coded_value", None)
            if text is None:
                # A plain value is quoted the way SimpleCookie quotes it, as in
                # aiohttp (morsels from the jar carry their wire form already).
                text = _COOKIE_QUOTER.value_encode(str(value))[1]
            pairs.append(f"{name}={text}")
            names.add(name)
        existing = self.headers.get(hdrs.COOKIE, "")
        if existing:
            # A name is sent once (RFC 6265 §4.2.2 gives a server no rule for
            # repeats): a cookie from the jar or from cookies= replaces the pair
            # of that name in a Cookie header the caller wrote, as in aiohttp.
            # The caller's other pairs go first, as written.
            kept = [
                piece.strip()
                for piece in existing.split(";")
                if piece.strip() and piece.split("=", 1)[0].strip() not in names
            ]
            pairs[:0] = kept
        self.headers[hdrs.COOKIE] = "; ".join(pairs)

    def update_content_encoding(self, data: Any) -> None:
        """Set up compression of the body as ``self.compress`` asks.

        ``compress=True`` (from the constructor) means deflate; an empty body is
        not compressed.
        """
        compress, self.compress = self.compress, None
        if not data:
            return
        if self.headers.get(hdrs.CONTENT_ENCODING):
            if compress:
                raise ValueError(
                    "compress can not be set if Content-Encoding header is set"
                )
        elif compress:
            self.compress = compress if isinstance(compress, str) else "deflate"
            self.headers[hdrs.CONTENT_ENCODING] = self.compress
            self.chunked = True  # the compressed length is unknown up front

    def update_transfer_encoding(self) -> None:
        """Choose ``Content-Length`` or chunked framing for the body."""
        te = self.headers.get(hdrs.TRANSFER_ENCODING, "").lower()
        if "chunked" in te:
            if self.chunked:
                raise ValueError(
                    "chunked can not be set if Transfer-Encoding: chunked header is set"
                )
            # The caller asked for chunked framing through the header: the body
            # is sent that way (aiohttp adds a Content-Length and sends it
            # unframed, which RFC 9112 §6.3 forbids).
            self.chunked = True
        elif self.chunked:
            if hdrs.CONTENT_LENGTH in self.headers:
                raise ValueError(
                    "chunked can not be set if Content-Length header is set"
                )
            self.headers[hdrs.TRANSFER_ENCODING] = "chunked"

    def update_auth(self, auth: BasicAuth | None, trust_env: bool = False) -> None:
        """Send Basic credentials (from ``auth``, else the URL's userinfo)."""
        if auth is None:
            auth = self.auth
        if auth is None:
            return
        if not isinstance(auth, BasicAuth):
            raise TypeError("BasicAuth() tuple is required instead")
        self.auth = auth
        self.headers[hdrs.AUTHORIZATION] = auth.encode()

    def update_proxy(
        self, proxy: URL | None, proxy_auth: BasicAuth | None, proxy_headers: Any
    ) -> None:
        """Set the proxy for this request."""
        if proxy_auth is not None and not isinstance(proxy_auth, BasicAuth):
            raise ValueError("proxy_auth must be None or BasicAuth() tuple")
        self.proxy = proxy
        self.proxy_auth = proxy_auth
        self.proxy_headers = CIMultiDict(proxy_headers) if proxy_headers else None

    def update_body_from_data(self, body: Any) -> None:
        """Turn ``data`` into a payload and copy its headers (unless set)."""
        if body is None:
            self._body = b""
            if (
                self.method not in self.GET_METHODS
                and not self.chunked
                and hdrs.TRANSFER_ENCODING not in self.headers
                and hdrs.CONTENT_LENGTH not in self.headers
            ):
                self.headers[hdrs.CONTENT_LENGTH] = "0"
            return
        payload = self._body = _to_payload(body)
        if not self.chunked and hdrs.CONTENT_LENGTH not in self.headers:
            size = payload.size
            if size is None:
                self.chunked = True
            elif "chunked" not in self.headers.get(hdrs.TRANSFER_ENCODING, "").lower():
                self.headers[hdrs.CONTENT_LENGTH] = str(size)
            # (Else the caller's "Transfer-Encoding: chunked" frames the body:
            # see update_transfer_encoding.)
        for key, value in payload.headers.items():
            if key in self.headers or key in self._skip_auto_headers:
                continue
            self.headers[key] = value

    async def update_body(self, body: Any) -> None:
        """Replace the body (closing the old payload) and recompute framing."""
        if isinstance(self._body, Payload):
            await self._body.close()
        self._reframe(body)

    def _reframe(self, body: Any) -> None:
        self.headers.popall(hdrs.CONTENT_LENGTH, None)
        self.headers.popall(hdrs.TRANSFER_ENCODING, None)
        self.chunked = None if self.compress is None else True
        self.update_body_from_data(body)
        self.update_transfer_encoding()

    def update_expect_continue(self, expect: bool = False) -> None:
        """Ask the server to confirm before the body is sent (RFC 9110 §10.1.1)."""
        if expect:
            self.headers[hdrs.EXPECT] = "100-continue"
        self._continue: asyncio.Future[None] | None = None
        self._expect_continue = (
            self.headers.get(hdrs.EXPECT, "").lower() == "100-continue"
        )


def _to_payload(body: Any) -> Payload:
    if isinstance(body, FormData):
        return body()
    try:
        with warnings.catch_warnings():
            # The writer streams large bytes in slices without blocking the loop,
            # so the forms package's advice to wrap them in BytesIO does not apply.
            warnings.simplefilter("ignore", ResourceWarning)
            return PAYLOAD_REGISTRY.get(body, disposition=None)
    except PayloadLookupError:
        return FormData(body)()
