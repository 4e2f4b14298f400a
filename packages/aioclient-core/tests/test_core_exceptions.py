"""The client exception hierarchy: bases, constructors, messages and pickling."""

from __future__ import annotations

import asyncio
import errno
import importlib
import inspect
import pickle
import ssl
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioclient_auth import BasicAuth, FingerprintMismatch
from aioclient_core._exceptions import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientHttpProxyError,
    ClientOSError,
    ClientPayloadError,
    ClientProxyConnectionError,
    ClientResponseError,
    ClientSSLError,
    ConnectionTimeoutError,
    ContentTypeError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    RedirectClientError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    SocketTimeoutError,
    TooManyRedirects,
    UnixClientConnectorError,
    WSMessageTypeError,
    WSServerHandshakeError,
)
from aioclient_core._reqinfo import (
    ConnectionKey,
    RequestInfo,
    mask_url,
    redacted_headers,
)

BASES: list[tuple[type[BaseException], tuple[type[BaseException], ...]]] = [
    (ClientError, (Exception,)),
    (ClientResponseError, (ClientError,)),
    (ContentTypeError, (ClientResponseError,)),
    (WSServerHandshakeError, (ClientResponseError,)),
    (ClientHttpProxyError, (ClientResponseError,)),
    (TooManyRedirects, (ClientResponseError,)),
    (ClientConnectionError, (ClientError,)),
    (ClientConnectionResetError, (ClientConnectionError, ConnectionResetError)),
    (ClientOSError, (ClientConnectionError, OSError)),
    (ClientConnectorError, (ClientOSError,)),
    (ClientConnectorDNSError, (ClientConnectorError,)),
    (ClientProxyConnectionError, (ClientConnectorError,)),
    (UnixClientConnectorError, (ClientConnectorError,)),
    (ClientSSLError, (ClientConnectorError,)),
    (ClientConnectorSSLError, (ClientSSLError, ssl.SSLError)),
    (ClientConnectorCertificateError, (ClientSSLError, ssl.CertificateError)),
    (ServerConnectionError, (ClientConnectionError,)),
    (ServerDisconnectedError, (ServerConnectionError,)),
    (ServerTimeoutError, (ServerConnectionError, asyncio.TimeoutError)),
    (ConnectionTimeoutError, (ServerTimeoutError,)),
    (SocketTimeoutError, (ServerTimeoutError,)),
    (ServerFingerprintMismatch, (ServerConnectionError, FingerprintMismatch)),
    (ClientPayloadError, (ClientError,)),
    (InvalidURL, (ClientError, ValueError)),
    (InvalidUrlClientError, (InvalidURL,)),
    (RedirectClientError, (ClientError,)),
    (InvalidUrlRedirectClientError, (InvalidUrlClientError, RedirectClientError)),
    (NonHttpUrlClientError, (ClientError,)),
    (NonHttpUrlRedirectClientError, (NonHttpUrlClientError, RedirectClientError)),
    (WSMessageTypeError, (TypeError,)),
]


@pytest.mark.parametrize(
    ("cls", "bases"), BASES, ids=lambda v: getattr(v, "__name__", "")
)
def test_bases_are_exactly_aiohttps(
    cls: type[BaseException], bases: tuple[type[BaseException], ...]
) -> None:
    assert cls.__bases__ == bases
    for base in bases:
        assert issubclass(cls, base)


def test_transitive_relationships_user_code_relies_on() -> None:
    # ``except OSError`` / ``except TimeoutError`` / ``except ValueError`` clauses.
    assert issubclass(ClientConnectorError, OSError)
    assert issubclass(SocketTimeoutError, TimeoutError)
    assert issubclass(ConnectionTimeoutError, ClientConnectionError)
    assert issubclass(ClientConnectorCertificateError, ValueError)
    assert issubclass(ClientConnectorCertificateError, ssl.SSLError)
    assert issubclass(InvalidUrlRedirectClientError, ValueError)
    assert not issubclass(WSMessageTypeError, ClientError)


URL_ = URL("http://example.com/path?q=1")


def make_info(url: URL = URL_, **headers: str) -> RequestInfo:
    return RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict(headers)))


def key(ssl_value: Any = True, *, is_ssl: bool = True) -> ConnectionKey:
    return ConnectionKey("example.com", 443, is_ssl, ssl_value, None, None, None)


# -- ClientResponseError ---------------------------------------------------------


def test_response_error_attributes_and_args() -> None:
    info = make_info()
    headers = CIMultiDictProxy(CIMultiDict({"X": "1"}))
    err = ClientResponseError(
        info, (), status=404, message="Not Found", headers=headers
    )
    assert err.request_info is info
    assert err.history == ()
    assert err.status == 404
    assert err.message == "Not Found"
    assert err.headers is headers
    assert err.args == (info, ())


def test_response_error_defaults() -> None:
    err = ClientResponseError(make_info(), ())
    assert err.status == 0
    assert err.message == ""
    assert err.headers is None


def test_response_error_str() -> None:
    err = ClientResponseError(make_info(), (), status=500, message="Oops")
    assert str(err) == "500, message='Oops', url='http://example.com/path?q=1'"


def test_response_error_str_uses_real_url_and_masks_password() -> None:
    info = RequestInfo(
        URL("http://u:secret@h/a"),
        "GET",
        CIMultiDictProxy(CIMultiDict()),
        URL("http://u:secret@h/a#frag"),
    )
    err = ClientResponseError(info, (), status=401)
    assert str(err) == "401, message='', url='http://u:***@h/a#frag'"
    assert "secret" not in repr(err)


def test_response_error_repr_masks_cookies_in_response_headers() -> None:
    headers = CIMultiDictProxy(
        CIMultiDict([("Set-Cookie", "session=s3cr3t"), ("Server", "x")])
    )
    err = ClientResponseError(make_info(), (), status=403, headers=headers)
    assert "s3cr3t" not in repr(err)
    assert "headers=<CIMultiDictProxy('Set-Cookie': '***', 'Server': 'x')>" in repr(err)
    assert err.headers is headers


def test_response_error_repr_lists_only_non_default_fields() -> None:
    info = make_info()
    assert repr(ClientResponseError(info, ())) == (f"ClientResponseError({info!r}, ())")
    headers = CIMultiDict({"A": "b"})
    err = ContentTypeError(info, (), status=200, message="m", headers=headers)
    assert repr(err) == (
        f"ContentTypeError({info!r}, (), status=200, message='m', headers={headers!r})"
    )


def test_code_argument_is_deprecated_but_sets_status() -> None:
    with pytest.warns(DeprecationWarning, match="code argument is deprecated"):
        err = ClientResponseError(make_info(), (), code=418)
    assert err.status == 418


def test_code_and_status_together_are_refused() -> None:
    with pytest.raises(ValueError, match="Both code and status arguments"):
        ClientResponseError(make_info(), (), code=1, status=2)


def test_code_property_get_and_set_warn() -> None:
    err = ClientResponseError(make_info(), (), status=400)
    with pytest.warns(DeprecationWarning, match="code property is deprecated"):
        assert err.code == 400
    with pytest.warns(DeprecationWarning, match="code property is deprecated"):
        err.code = 503
    assert err.status == 503


@pytest.mark.parametrize(
    "cls",
    [ContentTypeError, WSServerHandshakeError, ClientHttpProxyError, TooManyRedirects],
)
def test_response_error_subclasses_share_the_constructor(
    cls: type[ClientResponseError],
) -> None:
    err = cls(make_info(), ("h",), status=302, message="Found")
    assert (err.status, err.message, err.history) == (302, "Found", ("h",))
    assert str(err).startswith("302, message='Found'")


# -- connector errors --------------------------------------------------------------


def test_connector_error_reads_the_connection_key() -> None:
    os_err = OSError(errno.ECONNREFUSED, "Connection refused")
    k = key()
    err = ClientConnectorError(k, os_err)
    assert err.os_error is os_err
    assert (err.host, err.port, err.ssl) == ("example.com", 443, True)
    assert err.errno == errno.ECONNREFUSED
    assert err.strerror == "Connection refused"
    assert err.args == (k, os_err)
    assert str(err) == (
        "Cannot connect to host example.com:443 ssl:default [Connection refused]"
    )


def test_connector_error_shows_non_default_ssl() -> None:
    err = ClientConnectorDNSError(key(False), OSError(None, "no name"))
    assert str(err) == "Cannot connect to host example.com:443 ssl:False [no name]"
    assert err.errno is None


@pytest.mark.parametrize(
    "cls", [ClientConnectorDNSError, ClientProxyConnectionError, ClientSSLError]
)
def test_connector_error_subclasses_share_the_constructor(
    cls: type[ClientConnectorError],
) -> None:
    err = cls(key(), OSError(5, "boom"))
    assert str(err).endswith("[boom]")
    assert err.errno == 5


def test_connector_ssl_error_is_an_ssl_error() -> None:
    err = ClientConnectorSSLError(key(), ssl.SSLError(1, "handshake failed"))
    assert isinstance(err, ssl.SSLError)
    assert str(err) == (
        "Cannot connect to host example.com:443 ssl:default [handshake failed]"
    )


def test_unix_connector_error() -> None:
    k = key(is_ssl=False)
    os_err = OSError(errno.ENOENT, "No such file")
    err = UnixClientConnectorError("/run/app.sock", k, os_err)
    assert err.path == "/run/app.sock"
    assert err.args == (k, os_err)
    assert (
        str(err)
        == "Cannot connect to unix socket /run/app.sock ssl:default [No such file]"
    )


def test_certificate_error() -> None:
    cert_err = ssl.CertificateError("hostname mismatch")
    k = key("ctx-repr", is_ssl=True)
    err = ClientConnectorCertificateError(k, cert_err)
    assert err.certificate_error is cert_err
    assert err.ssl is True  # is_ssl, not the ssl field
    assert (err.host, err.port) == ("example.com", 443)
    assert err.args == (k, cert_err)
    assert str(err) == (
        "Cannot connect to host example.com:443 ssl:True "
        "[SSLCertVerificationError: ('hostname mismatch',)]"
    )
    assert isinstance(err, ssl.CertificateError)
    # Like every connector error: os_error, errno and strerror (aiohttp has them).
    assert err.os_error is cert_err
    assert (err.errno, err.strerror) == (cert_err.errno, cert_err.strerror)
    other = ValueError("not an OSError")
    odd = ClientConnectorCertificateError(k, other)
    assert odd.certificate_error is other
    assert isinstance(odd.os_error, OSError)
    assert (odd.errno, odd.strerror) == (None, None)


# -- server errors -----------------------------------------------------------------


def test_server_disconnected_default_and_custom_message() -> None:
    err = ServerDisconnectedError()
    assert err.message == "Server disconnected"
    assert err.args == ("Server disconnected",)
    assert str(err) == "Server disconnected"
    assert ServerDisconnectedError("bye").args == ("bye",)


def test_timeout_errors_are_timeout_errors() -> None:
    err = SocketTimeoutError("Timeout on reading data from socket")
    assert isinstance(err, asyncio.TimeoutError)
    assert isinstance(err, ServerConnectionError)
    assert str(err) == "Timeout on reading data from socket"
    with pytest.raises(TimeoutError):
        raise ConnectionTimeoutError("Connection timeout to host http://h")


def test_fingerprint_mismatch() -> None:
    err = ServerFingerprintMismatch(b"\x01" * 32, b"\x02" * 32, "example.com", 443)
    assert (err.expected, err.got, err.host, err.port) == (
        b"\x01" * 32,
        b"\x02" * 32,
        "example.com",
        443,
    )
    assert err.args == (b"\x01" * 32, b"\x02" * 32, "example.com", 443)
    expected, got = b"\x01" * 32, b"\x02" * 32
    assert repr(err) == (
        f"<ServerFingerprintMismatch expected={expected!r} "
        f"got={got!r} host='example.com' port=443>"
    )
    assert "example.com:443" in str(err)
    assert "01" * 32 in str(err)


def test_fingerprint_mismatch_is_caught_as_the_auth_error() -> None:
    with pytest.raises(FingerprintMismatch) as info:
        raise ServerFingerprintMismatch(b"a", b"b", "h", 1)
    assert isinstance(info.value, ClientConnectionError)


# -- URL errors ----------------------------------------------------------------


def test_invalid_url_str_and_repr() -> None:
    err = InvalidURL("http://[bad")
    assert err.url == "http://[bad"
    assert err.description is None
    assert err.args == ("http://[bad",)
    assert str(err) == "http://[bad"
    assert repr(err) == "<InvalidURL http://[bad>"
    err = InvalidUrlClientError(URL("http://h:1/"), "is not a canonical IPv4 address")
    assert err.args == (URL("http://h:1/"), "is not a canonical IPv4 address")
    assert str(err) == "http://h:1/ - is not a canonical IPv4 address"
    assert repr(err) == (
        "<InvalidUrlClientError http://h:1/ - is not a canonical IPv4 address>"
    )
    assert isinstance(err, ValueError)


@pytest.mark.parametrize(
    "url",
    [URL("https://user:hunter2@example.com/x"), "https://user:hunter2@exa mple/x"],
)
def test_invalid_url_masks_the_password(url: object) -> None:
    err = InvalidUrlRedirectClientError(url, "bad")
    assert "hunter2" not in str(err)
    assert "hunter2" not in repr(err)
    assert "user:***@" in str(err)
    assert err.url is url  # the attribute keeps the original


def test_ws_message_type_error() -> None:
    err = WSMessageTypeError("Received message 1 is not str")
    assert isinstance(err, TypeError)
    assert str(err) == "Received message 1 is not str"


# -- pickling ------------------------------------------------------------------


def _samples() -> list[BaseException]:
    info = make_info(Authorization="Basic eDp5")
    k = ConnectionKey("h", 80, False, True, URL("http://proxy"), BasicAuth("u"), 7)
    return [
        ClientError("x"),
        ClientResponseError(info, (), status=500, message="m", headers=None),
        ContentTypeError(info, (), status=200, message="bad type"),
        WSServerHandshakeError(info, (), status=400, message="Invalid response status"),
        ClientHttpProxyError(info, (), status=407, message="auth"),
        TooManyRedirects(info, (), status=302),
        ClientConnectionError("Connection closed"),
        ClientConnectionResetError("Cannot write to closing transport"),
        ClientOSError(errno.EPIPE, "Broken pipe"),
        ClientConnectorError(k, OSError(errno.ECONNREFUSED, "refused")),
        ClientConnectorDNSError(k, OSError(None, "dns")),
        ClientProxyConnectionError(k, OSError(1, "proxy")),
        UnixClientConnectorError("/tmp/s", k, OSError(2, "missing")),
        ClientSSLError(k, OSError(1, "tls")),
        ClientConnectorSSLError(k, ssl.SSLError(1, "handshake")),
        ClientConnectorCertificateError(k, ssl.CertificateError("mismatch")),
        ServerConnectionError("x"),
        ServerDisconnectedError(),
        ServerTimeoutError("No PONG received after 5 seconds"),
        ConnectionTimeoutError("Connection timeout to host http://h"),
        SocketTimeoutError("Timeout on reading data from socket"),
        ServerFingerprintMismatch(b"e", b"g", "h", 443),
        ClientPayloadError("Response payload is not completed"),
        InvalidURL("http://[x", "bad"),
        InvalidUrlClientError("x"),
        InvalidUrlRedirectClientError("y", "z"),
        RedirectClientError("r"),
        NonHttpUrlClientError("ftp://x"),
        NonHttpUrlRedirectClientError("ftp://y"),
        WSMessageTypeError("wrong"),
    ]


@pytest.mark.parametrize("err", _samples(), ids=lambda e: type(e).__name__)
def test_pickle_round_trip(err: BaseException) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(err, protocol))
        assert type(clone) is type(err)
        assert str(clone) == str(err)
        assert repr(clone) == repr(err)
        assert len(clone.args) == len(err.args)
        for name in ("status", "message", "host", "port", "path", "expected", "url"):
            assert getattr(clone, name, None) == getattr(err, name, None)


def test_pickled_response_error_keeps_request_info_headers() -> None:
    err = ClientResponseError(make_info(Accept="*/*"), (), status=500)
    clone = pickle.loads(pickle.dumps(err))
    assert isinstance(clone.request_info.headers, CIMultiDictProxy)
    assert clone.request_info.headers["accept"] == "*/*"
    assert clone.request_info == err.request_info


# -- RequestInfo, ConnectionKey and masking helpers ---------------------------


def test_request_info_real_url_defaults_to_url() -> None:
    headers = CIMultiDictProxy(CIMultiDict({"Host": "example.com"}))
    info = RequestInfo(URL_, "GET", headers)
    assert info.real_url is URL_
    assert info == (URL_, "GET", headers, URL_)
    assert info._fields == ("url", "method", "headers", "real_url")
    url, method, hdrs, real = info
    assert (url, method, hdrs, real) == (URL_, "GET", headers, URL_)


def test_request_info_keywords_and_explicit_real_url() -> None:
    real = URL_.with_fragment("top")
    info = RequestInfo(
        url=URL_, method="POST", headers=CIMultiDictProxy(CIMultiDict()), real_url=real
    )
    assert info.real_url == real
    assert info._replace(method="PUT").method == "PUT"
    with pytest.raises(AttributeError):
        info.extra = 1  # type: ignore[attr-defined]


def test_request_info_repr_hides_credentials() -> None:
    info = RequestInfo(
        URL("http://bob:pw@h/"),
        "GET",
        CIMultiDictProxy(
            CIMultiDict(
                {"Authorization": "Basic Ym9iOnB3", "Cookie": "sid=1", "Accept": "a"}
            )
        ),
    )
    text = repr(info)
    assert "Ym9iOnB3" not in text
    assert "sid=1" not in text
    assert ":pw@" not in text
    assert "'Accept': 'a'" in text
    assert "'Authorization': '***'" in text
    assert text.startswith("RequestInfo(url=URL('http://bob:***@h/'), method='GET'")
    # The stored values are untouched.
    assert info.headers["Authorization"] == "Basic Ym9iOnB3"
    assert info.url.password == "pw"


def test_request_info_pickle_restores_a_proxy_or_keeps_other_mappings() -> None:
    info = make_info(Accept="x")
    clone = pickle.loads(pickle.dumps(info))
    assert type(clone) is RequestInfo
    assert type(clone.headers) is CIMultiDictProxy
    assert clone == info
    plain = RequestInfo(URL_, "GET", {"a": "b"})  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(plain)) == plain


def test_connection_key_fields_hash_and_default() -> None:
    ctx = ssl.create_default_context()
    k1 = ConnectionKey("h", 443, True, ctx, None, None, None)
    k2 = ConnectionKey("h", 443, True, ctx, None, None, None)
    k3 = ConnectionKey("h", 443, True, ctx, None, None, None, "sni.example")
    assert k1.server_hostname is None
    assert k1 == k2
    assert len({k1, k2, k3}) == 2
    assert ConnectionKey._fields == (
        "host",
        "port",
        "is_ssl",
        "ssl",
        "proxy",
        "proxy_auth",
        "proxy_headers_hash",
        "server_hostname",
    )
    pool = {k1: "conn"}
    assert pool[ConnectionKey("h", 443, True, ctx, None, None, None)] == "conn"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("http://u:p@h/x", "http://u:***@h/x"),
        ("http://u:p:q@h/x?a=b@c", "http://u:***@h/x?a=b@c"),
        ("http://u@h/", "http://u@h/"),
        ("http://h/p:q@r", "http://h/p:q@r"),
        ("//u:p@h", "//u:***@h"),
        ("no url here", "no url here"),
        (URL("https://a:b@c:8443/"), "https://a:***@c:8443/"),
        (None, "None"),
    ],
)
def test_mask_url(given: object, shown: str) -> None:
    assert mask_url(given) == shown


def test_redacted_headers_is_case_insensitive() -> None:
    pairs = [("PROXY-AUTHORIZATION", "Basic x"), ("cookie", "a=b"), ("X", "y")]
    assert redacted_headers(pairs) == [
        ("PROXY-AUTHORIZATION", "***"),
        ("cookie", "***"),
        ("X", "y"),
    ]


# -- module hygiene for the modules of this work ---------------------------------

MODULES = [
    "_chunkbuffer",
    "_dataqueue",
    "_exceptions",
    "_reqinfo",
    "_streams",
    "_timeouts",
]


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name)


@pytest.mark.parametrize("name", MODULES)
def test_module_all_is_sorted_complete_and_documented(name: str) -> None:
    module = importlib.import_module(f"aioclient_core.{name}")
    assert module.__doc__
    exported = module.__all__
    assert exported == sorted(exported, key=_isort_key)
    defined_here = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(v) or inspect.isfunction(v))
        and v.__module__ == module.__name__
    }
    assert defined_here <= set(exported)
    for item in exported:
        obj = getattr(module, item)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), item
