"""aioclient's namespace against aiohttp's: same names, same call signatures.

``AIOHTTP_CLIENT_NAMES`` is the checked-in list of the client-relevant names in
``aiohttp.__all__`` on 3.14 (server-only names such as the Gunicorn workers, ``ETag``
and ``ChainMapProxy`` left out). aioclient may export only names from this list; each
one it exports must accept the same arguments as aiohttp's, checked against the real
aiohttp installed as a test-only dependency.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import aiohttp
import aiohttp.abc
import pytest
from yarl import URL

import aioclient
import aioclient.abc

AIOHTTP_CLIENT_NAMES = frozenset(
    [
        "AddrInfoType",
        "AsyncIterablePayload",
        "AsyncResolver",
        "BadContentDispositionHeader",
        "BadContentDispositionParam",
        "BaseConnector",
        "BasicAuth",
        "BodyPartReader",
        "BufferedReaderPayload",
        "BytesIOPayload",
        "BytesPayload",
        "ClientConnectionError",
        "ClientConnectionResetError",
        "ClientConnectorCertificateError",
        "ClientConnectorDNSError",
        "ClientConnectorError",
        "ClientConnectorSSLError",
        "ClientError",
        "ClientHandlerType",
        "ClientHttpProxyError",
        "ClientMiddlewareType",
        "ClientOSError",
        "ClientPayloadError",
        "ClientProxyConnectionError",
        "ClientRequest",
        "ClientResponse",
        "ClientResponseError",
        "ClientSSLError",
        "ClientSession",
        "ClientTimeout",
        "ClientWSTimeout",
        "ClientWebSocketResponse",
        "ConnectionTimeoutError",
        "ContentTypeError",
        "CookieJar",
        "DataQueue",
        "DefaultResolver",
        "DigestAuthMiddleware",
        "DummyCookieJar",
        "EMPTY_PAYLOAD",
        "EofStream",
        "Fingerprint",
        "FlowControlDataQueue",
        "FormData",
        "HttpVersion",
        "HttpVersion10",
        "HttpVersion11",
        "IOBasePayload",
        "InvalidURL",
        "InvalidUrlClientError",
        "InvalidUrlRedirectClientError",
        "JsonPayload",
        "MultipartReader",
        "MultipartWriter",
        "NamedPipeConnector",
        "NonHttpUrlClientError",
        "NonHttpUrlRedirectClientError",
        "PAYLOAD_REGISTRY",
        "Payload",
        "RedirectClientError",
        "RequestInfo",
        "ServerConnectionError",
        "ServerDisconnectedError",
        "ServerFingerprintMismatch",
        "ServerTimeoutError",
        "SocketFactoryType",
        "SocketTimeoutError",
        "StreamReader",
        "StringIOPayload",
        "StringPayload",
        "TCPConnector",
        "TextIOPayload",
        "ThreadedResolver",
        "TooManyRedirects",
        "TraceConfig",
        "TraceConnectionCreateEndParams",
        "TraceConnectionCreateStartParams",
        "TraceConnectionQueuedEndParams",
        "TraceConnectionQueuedStartParams",
        "TraceConnectionReuseconnParams",
        "TraceDnsCacheHitParams",
        "TraceDnsCacheMissParams",
        "TraceDnsResolveHostEndParams",
        "TraceDnsResolveHostStartParams",
        "TraceRequestChunkSentParams",
        "TraceRequestEndParams",
        "TraceRequestExceptionParams",
        "TraceRequestHeadersSentParams",
        "TraceRequestRedirectParams",
        "TraceRequestStartParams",
        "TraceResponseChunkReceivedParams",
        "UnixConnector",
        "WSCloseCode",
        "WSMessage",
        "WSMessageTypeError",
        "WSMsgType",
        "WSServerHandshakeError",
        "WebSocketError",
        "content_disposition_filename",
        "encode_basic_auth",
        "get_payload",
        "hdrs",
        "parse_content_disposition",
        "payload_type",
        "request",
        "set_zlib_backend",
        "streamer",
    ]
)
EXPORTED = sorted(set(aioclient.__all__) - {"__version__"})


def test_the_checked_in_list_is_aiohttps_client_namespace() -> None:
    # 107 client-relevant names; a new aiohttp release that changes them should be
    # noticed here rather than silently.
    assert len(AIOHTTP_CLIENT_NAMES) == 107
    assert set(aiohttp.__all__) - AIOHTTP_CLIENT_NAMES == {
        "ChainMapProxy",
        "ETag",
        "GunicornUVLoopWebWorker",
        "GunicornWebWorker",
    }


def test_aioclient_exports_only_aiohttp_client_names() -> None:
    assert set(EXPORTED) <= AIOHTTP_CLIENT_NAMES


def _parameters(obj: Callable[..., Any]) -> list[tuple[str, Any, Any]] | None:
    try:
        signature = inspect.signature(obj)
    except ValueError:
        return None  # e.g. exceptions that keep BaseException's C constructor
    return [
        (name, param.kind, param.default)
        for name, param in signature.parameters.items()
        if not name.startswith("_")  # private knobs (aiohttp's _stacklevel)
    ]


# Members of the websocket client, which is not built yet; and
# ClientRequest.write_bytes, an undocumented step of sending whose third
# argument is aioclient's own (the 100-continue waiter).
PENDING_MEMBERS = frozenset({"ws_connect", "write_bytes"})

# Defaults that cannot match yet: core cannot import aioclient-ws (it sits above
# core), so the websocket response class is looked up when ws_connect() runs.
PENDING_DEFAULTS = frozenset({"ws_response_class"})


def _assert_compatible(ours: Callable[..., Any], theirs: Callable[..., Any]) -> None:
    """Same parameter names, kinds and order; aiohttp's defaults kept.

    aioclient may give a default where aiohttp has none (it then accepts every
    call aiohttp accepts, and more), never the other way round.
    """
    mine, reference = _parameters(ours), _parameters(theirs)
    if reference is None:
        assert mine is None  # both take BaseException's (*args)
        return
    assert mine is not None
    assert [(n, k) for n, k, _ in mine] == [(n, k) for n, k, _ in reference]
    for (name, _, default), (_, _, expected) in zip(mine, reference, strict=True):
        if expected is inspect.Parameter.empty or name in PENDING_DEFAULTS:
            continue
        if inspect.isclass(expected):
            # e.g. request_class=ClientRequest: the same-named class of each library.
            assert inspect.isclass(default), name
            assert default.__name__ == expected.__name__, name
        elif callable(expected) and expected is not default:
            assert callable(default), name  # e.g. a default charset resolver
        elif isinstance(expected, BaseException):
            # A private "no cause given" marker instance (StreamReader's
            # set_exception(exc_cause=...)): the same kind of marker.
            assert type(default) is type(expected), name
        elif "sentinel" in repr(expected):
            # "Not given" markers are private objects on both sides.
            assert "sentinel" in repr(default).lower(), name
        else:
            assert default == expected, name


@pytest.mark.parametrize("name", EXPORTED)
def test_exported_name_has_aiohttps_call_signature(name: str) -> None:
    ours, theirs = getattr(aioclient, name), getattr(aiohttp, name)
    assert inspect.isclass(ours) == inspect.isclass(theirs)
    if inspect.isclass(theirs) or inspect.isroutine(theirs):
        _assert_compatible(ours, theirs)
    else:
        # Type aliases are the same objects; instances are of the same-named type.
        assert ours == theirs or type(ours).__name__ == type(theirs).__name__, name


def _public_members(cls: type) -> dict[str, Any]:
    return {
        name: inspect.getattr_static(cls, name)
        for name in dir(cls)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (aioclient.CookieJar, aiohttp.CookieJar),
        (aioclient.DummyCookieJar, aiohttp.DummyCookieJar),
        (aioclient.abc.AbstractCookieJar, aiohttp.abc.AbstractCookieJar),
        (aioclient.BasicAuth, aiohttp.BasicAuth),
        (aioclient.Fingerprint, aiohttp.Fingerprint),
        (aioclient.ClientSession, aiohttp.ClientSession),
        (aioclient.ClientResponse, aiohttp.ClientResponse),
        (aioclient.ClientRequest, aiohttp.ClientRequest),
        (aioclient.TCPConnector, aiohttp.TCPConnector),
        (aioclient.UnixConnector, aiohttp.UnixConnector),
        (aioclient.StreamReader, aiohttp.StreamReader),
        (aioclient.FormData, aiohttp.FormData),
        (aioclient.MultipartWriter, aiohttp.MultipartWriter),
        (aioclient.MultipartReader, aiohttp.MultipartReader),
        (aioclient.BodyPartReader, aiohttp.BodyPartReader),
        (aioclient.TraceConfig, aiohttp.TraceConfig),
    ],
    ids=lambda cls: cls.__qualname__,
)
def test_class_has_aiohttps_public_members(ours: type, theirs: type) -> None:
    mine = _public_members(ours)
    if ours is aioclient.ClientRequest:
        # Where aiohttp has a read-only property, a plain instance attribute
        # serves the same reads: take the members of an instance too.
        loop = asyncio.new_event_loop()
        try:
            request = ours("GET", URL("http://127.0.0.1/"), loop=loop)
        finally:
            loop.close()
        mine.update((n, getattr(request, n)) for n in vars(request) if n[0] != "_")
    for name, member in _public_members(theirs).items():
        if name.isupper() and name not in {"HASHFUNC_BY_DIGESTLEN"}:
            continue  # implementation constants (MAX_TIME, date regexes, ...)
        if name in PENDING_MEMBERS:
            continue
        if not (callable(member) or isinstance(member, property | classmethod)):
            # A class-level default of what is an instance attribute (the
            # request's ``method``, say): instances are checked elsewhere.
            continue
        assert name in mine, f"{ours.__qualname__} lacks {name}"
        if isinstance(member, property) and name not in vars(ours):
            continue  # an instance attribute (see above)
        if isinstance(member, property):
            assert isinstance(mine[name], property), name
        elif callable(getattr(theirs, name)) and not inspect.isclass(member):
            _assert_compatible(getattr(ours, name), getattr(theirs, name))


def test_abstract_cookie_jar_has_aiohttps_abstract_members() -> None:
    assert (
        aioclient.abc.AbstractCookieJar.__abstractmethods__
        == aiohttp.abc.AbstractCookieJar.__abstractmethods__
    )


# The import paths the inventory (§2.6) asks for, besides the top-level namespace.
# ``aiohttp.http`` (websocket models) arrives with the websocket client.
SUBMODULES = (
    "abc",
    "client",
    "client_exceptions",
    "client_reqrep",
    "connector",
    "cookiejar",
    "formdata",
    "hdrs",
    "multipart",
    "payload",
    "resolver",
    "streams",
    "tracing",
    "typedefs",
)
WEBSOCKET_NAMES = frozenset({"ClientWSTimeout", "ClientWebSocketResponse"})


@pytest.mark.parametrize("module", SUBMODULES)
def test_submodule_holds_aiohttps_names(module: str) -> None:
    ours = importlib.import_module(f"aioclient.{module}")
    theirs = importlib.import_module(f"aiohttp.{module}")
    names = getattr(ours, "__all__", None) or [
        n for n in dir(ours) if n.isupper() and not n.startswith("_")
    ]
    assert names
    for name in names:
        # Nothing of our own: each name is one aiohttp code can import from there.
        assert hasattr(theirs, name), f"aiohttp.{module} has no {name}"
        # And the same object as at the top level, so isinstance checks agree.
        if name in aioclient.__all__:
            assert getattr(ours, name) is getattr(aioclient, name), name
    expected = set(getattr(theirs, "__all__", ())) - WEBSOCKET_NAMES
    if module != "typedefs":  # aiohttp's typedefs has no __all__
        assert expected <= set(dir(ours)), sorted(expected - set(dir(ours)))


@pytest.mark.parametrize("module", SUBMODULES)
def test_submodule_is_an_attribute_after_import(module: str) -> None:
    # As after `import aiohttp`: `aiohttp.client.DEFAULT_TIMEOUT` works with
    # no import of the submodule itself.
    assert getattr(aioclient, module) is importlib.import_module(f"aioclient.{module}")


def test_client_reqrep_and_typedefs_names_code_imports() -> None:
    import aiohttp.client_reqrep

    from aioclient.client_reqrep import ConnectionKey, ContentDisposition, RequestInfo
    from aioclient.typedefs import (
        DEFAULT_JSON_DECODER,
        DEFAULT_JSON_ENCODER,
        JSONDecoder,
        LooseHeaders,
        StrOrURL,
    )

    assert ConnectionKey._fields == aiohttp.client_reqrep.ConnectionKey._fields
    assert ContentDisposition._fields == ("type", "parameters", "filename")
    assert RequestInfo is aioclient.RequestInfo
    assert DEFAULT_JSON_ENCODER({"a": 1}) == '{"a": 1}'
    assert DEFAULT_JSON_DECODER('{"a": 1}') == {"a": 1}
    # The aliases accept what the client accepts (a URL string, a header mapping).
    url: StrOrURL = "http://127.0.0.1/"
    headers: LooseHeaders = {"Accept": "text/plain"}
    decoder: JSONDecoder = DEFAULT_JSON_DECODER
    assert (url, headers, decoder("1")) == ("http://127.0.0.1/", headers, 1)
