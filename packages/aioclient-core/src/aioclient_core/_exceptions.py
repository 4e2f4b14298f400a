"""The client exception hierarchy, type-compatible with aiohttp 3.14.

Names, base classes, constructor signatures, attributes, ``args`` and the
``str()``/``repr()`` formats follow aiohttp's ``client_exceptions`` module so that
``except`` clauses and code inspecting errors keep working. Every class can be
pickled (the connector errors are rebuilt from their constructor arguments, not
through ``OSError``'s errno-based protocol).

Messages never reveal credentials (security category 17): URL passwords are masked
wherever a URL is rendered into ``str()``, and ``repr()`` masks credential header
values (``Authorization``, ``Cookie``, ``Set-Cookie``, ...).
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from typing import TYPE_CHECKING, Any

from multidict import MultiMapping

from aioclient_auth import FingerprintMismatch

from ._reqinfo import ConnectionKey, RequestInfo, headers_repr, mask_url

if TYPE_CHECKING:
    from ssl import SSLContext

    from aioclient_auth import Fingerprint

__all__ = [
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientHttpProxyError",
    "ClientOSError",
    "ClientPayloadError",
    "ClientProxyConnectionError",
    "ClientResponseError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "ContentTypeError",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "RedirectClientError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketTimeoutError",
    "TooManyRedirects",
    "UnixClientConnectorError",
    "WSMessageTypeError",
    "WSServerHandshakeError",
]

_CODE_DEPRECATED = "code property is deprecated, use status instead"


def _ssl_label(value: object) -> object:
    """Render a ``ConnectionKey.ssl`` value the way aiohttp's messages do."""
    return "default" if value is True else value


class ClientError(Exception):
    """Base class of every error the client raises."""


class ClientResponseError(ClientError):
    """A response was received but cannot be used (status, content type, ...).

    Args:
        request_info: The request that produced the response.
        history: The redirect responses that preceded it.
        code: Deprecated alias of *status* (emits ``DeprecationWarning``).
        status: The HTTP status code (``0`` when not known).
        message: The reason phrase or an explanation.
        headers: The response headers, if any.

    Raises:
        ValueError: Both *code* and *status* were given.

    Attributes:
        request_info: The request that produced the response.
        history: The preceding redirect responses.
        status: The HTTP status code.
        message: The reason phrase or explanation.
        headers: The response headers, or ``None``.
    """

    def __init__(
        self,
        request_info: RequestInfo,
        history: tuple[Any, ...],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: MultiMapping[str] | None = None,
    ) -> None:
        self.request_info = request_info
        if code is not None:
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead",
                DeprecationWarning,
                stacklevel=2,
            )
        if status is not None:
            self.status = status
        elif code is not None:
            self.status = code
        else:
            self.status = 0
        self.message = message
        self.headers = headers
        self.history = history
        self.args = (request_info, history)

    def __str__(self) -> str:
        url = getattr(self.request_info, "real_url", self.request_info)
        return f"{self.status}, message={self.message!r}, url={mask_url(url)!r}"

    def __repr__(self) -> str:
        args = f"{self.request_info!r}, {self.history!r}"
        if self.status != 0:
            args += f", status={self.status!r}"
        if self.message != "":
            args += f", message={self.message!r}"
        if self.headers is not None:
            args += f", headers={headers_repr(self.headers)}"
        return f"{type(self).__name__}({args})"

    @property
    def code(self) -> int:
        """Deprecated alias of :attr:`status` (emits ``DeprecationWarning``)."""
        warnings.warn(_CODE_DEPRECATED, DeprecationWarning, stacklevel=2)
        return self.status

    @code.setter
    def code(self, value: int) -> None:
        warnings.warn(_CODE_DEPRECATED, DeprecationWarning, stacklevel=2)
        self.status = value


class ContentTypeError(ClientResponseError):
    """The response's ``Content-Type`` does not match what the caller expects."""


class WSServerHandshakeError(ClientResponseError):
    """The server refused or botched the WebSocket opening handshake."""


class ClientHttpProxyError(ClientResponseError):
    """The proxy answered the ``CONNECT`` request with a non-200 status."""


class TooManyRedirects(ClientResponseError):
    """The redirect limit (``max_redirects``) was reached."""


class ClientConnectionError(ClientError):
    """Base class of connection-level failures."""


class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """Writing to a transport that is closing or closed."""


class ClientOSError(ClientConnectionError, OSError):
    """An ``OSError`` raised while talking to the peer."""


class ClientConnectorError(ClientOSError):
    """Establishing a connection to the target (or a proxy) failed.

    ``errno`` and ``strerror`` are copied from *os_error*; ``args`` is
    ``(connection_key, os_error)``.

    Args:
        connection_key: The pool key of the connection being opened.
        os_error: The underlying error.
    """

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        """The underlying ``OSError``."""
        return self._os_error

    @property
    def host(self) -> str:
        """The target host from the connection key."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The target port from the connection key."""
        return self._conn_key.port

    @property
    def ssl(self) -> SSLContext | bool | Fingerprint:
        """The TLS setting from the connection key."""
        return self._conn_key.ssl

    def __str__(self) -> str:
        return (
            f"Cannot connect to host {self.host}:{self.port} "
            f"ssl:{_ssl_label(self.ssl)} [{self.strerror}]"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # OSError's own protocol would rebuild the object from (errno, strerror);
        # rebuild from the constructor arguments instead.
        return (type(self), self.args, self.__dict__)


class ClientConnectorDNSError(ClientConnectorError):
    """Resolving the target host name failed."""


class ClientProxyConnectionError(ClientConnectorError):
    """Connecting to the proxy itself failed."""


class UnixClientConnectorError(ClientConnectorError):
    """Connecting to a Unix domain socket failed.

    ``args`` is ``(connection_key, os_error)`` as for the base class.

    Args:
        path: The socket path.
        connection_key: The pool key of the connection being opened.
        os_error: The underlying error.
    """

    def __init__(
        self, path: str, connection_key: ConnectionKey, os_error: OSError
    ) -> None:
        self._path = path
        super().__init__(connection_key, os_error)

    @property
    def path(self) -> str:
        """The Unix socket path."""
        return self._path

    def __str__(self) -> str:
        return (
            f"Cannot connect to unix socket {self.path} "
            f"ssl:{_ssl_label(self.ssl)} [{self.strerror}]"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # ``args`` omits the path (as in aiohttp), so the constructor arguments
        # are listed explicitly for unpickling.
        return (type(self), (self._path, *self.args), self.__dict__)


class ClientSSLError(ClientConnectorError):
    """Base class of TLS failures while connecting."""


class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed (an ``ssl.SSLError`` as well)."""


class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The peer certificate failed verification (an ``ssl.CertificateError`` too).

    Args:
        connection_key: The pool key of the connection being opened.
        certificate_error: The verification error raised by ``ssl``.
    """

    def __init__(
        self, connection_key: ConnectionKey, certificate_error: Exception
    ) -> None:
        # ssl's verification errors are OSErrors with an errno and a message;
        # anything else stands behind an empty OSError. Either way os_error,
        # errno and strerror work as on every other connector error.
        os_error = (
            certificate_error if isinstance(certificate_error, OSError) else OSError()
        )
        super().__init__(connection_key, os_error)
        self._certificate_error = certificate_error
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        """The underlying certificate verification error."""
        return self._certificate_error

    @property
    def ssl(self) -> bool:
        """Whether the connection used TLS (``is_ssl`` of the connection key)."""
        # aiohttp reports ``is_ssl`` here, unlike the other connector errors.
        return self._conn_key.is_ssl

    def __str__(self) -> str:
        err = self.certificate_error
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{type(err).__name__}: {err.args}]"
        )


class ServerConnectionError(ClientConnectionError):
    """Base class of failures attributed to the server side of a connection."""


class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before the response was complete.

    Args:
        message: What was known when the connection dropped; defaults to
            ``"Server disconnected"``.

    Attributes:
        message: The message (or partially parsed response head).
    """

    def __init__(self, message: object = None) -> None:
        if message is None:
            message = "Server disconnected"
        self.args = (message,)
        self.message = message


class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """A timeout attributed to the server (also an ``asyncio.TimeoutError``)."""


class ConnectionTimeoutError(ServerTimeoutError):
    """The ``connect`` or ``sock_connect`` timeout expired."""


class SocketTimeoutError(ServerTimeoutError):
    """The ``sock_read`` timeout expired between two reads."""


class ServerFingerprintMismatch(ServerConnectionError, FingerprintMismatch):
    """The server certificate does not match the pinned fingerprint.

    Also an :class:`aioclient_auth.FingerprintMismatch`, so code catching the
    auth package's error sees it too. ``str()`` is the auth package's message.

    Args:
        expected: The pinned SHA-256 digest.
        got: The digest of the presented certificate.
        host: The peer host.
        port: The peer port.
    """

    def __init__(
        self, expected: bytes, got: bytes, host: str | None, port: int | None
    ) -> None:
        FingerprintMismatch.__init__(self, expected, got, host, port)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} got={self.got!r} "
            f"host={self.host!r} port={self.port!r}>"
        )


class ClientPayloadError(ClientError):
    """The response body could not be read completely or decoded."""


class InvalidURL(ClientError, ValueError):
    """A URL is malformed or unusable (also a ``ValueError``).

    ``str()`` is ``"{url} - {description}"`` (or just the URL) with any password
    in the URL replaced by ``***``; the :attr:`url` property keeps the original.

    Args:
        url: The offending URL, as a ``yarl.URL`` or the raw text.
        description: Why it was refused.
    """

    def __init__(self, url: Any, description: str | None = None) -> None:
        # url stays untyped: the error is also raised when URL(text) fails.
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> Any:
        """The offending URL as given."""
        return self._url

    @property
    def description(self) -> str | None:
        """Why the URL was refused, if known."""
        return self._description

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def __str__(self) -> str:
        shown = mask_url(self._url)
        if self._description:
            return f"{shown} - {self._description}"
        return shown


class InvalidUrlClientError(InvalidURL):
    """The request URL is invalid (unparsable, no host, non-canonical IPv4)."""


class RedirectClientError(ClientError):
    """Base class of errors about a redirect target."""


class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """The ``Location`` of a redirect is not a valid URL."""


class NonHttpUrlClientError(ClientError):
    """The URL's scheme is not one the connector accepts."""


class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect points to a URL whose scheme is not HTTP(S)."""


class WSMessageTypeError(TypeError):
    """A WebSocket message has a type other than the one the caller asked for."""
