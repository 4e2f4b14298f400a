"""The aioclient HTTP/1.1 client: connectors, the wire protocol, streams, errors.

``aioclient-core`` depends on the three leaves (``aioclient-auth``,
``aioclient-cookies`` and ``aioclient-forms``). So far it provides the engine under
the session: the connection pool and connectors (TCP with Happy Eyeballs, TLS and
certificate pins; Unix sockets), name resolvers, the sans-IO HTTP/1.1 parser and
its asyncio protocol, body streams with back-pressure, timeouts and aiohttp's whole
client exception hierarchy; and on top of them ``ClientSession``,
``ClientRequest``, ``ClientResponse`` and the one-shot ``request()``.
"""

from aiohappyeyeballs import AddrInfoType, SocketFactoryType

from . import hdrs
from ._api import request
from ._connector import (
    BaseConnector,
    Connection,
    NamedPipeConnector,
    TCPConnector,
    UnixConnector,
)
from ._empty_stream import EMPTY_PAYLOAD, EmptyStreamReader
from ._exceptions import (
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
from ._http import HttpVersion, HttpVersion10, HttpVersion11, set_zlib_backend
from ._middlewares import ClientHandlerType, ClientMiddlewareType
from ._reqinfo import ConnectionKey, RequestInfo
from ._request import ClientRequest
from ._resolver import (
    AbstractResolver,
    AsyncResolver,
    DefaultResolver,
    ResolveResult,
    ThreadedResolver,
)
from ._response import ClientResponse
from ._response_meta import ContentDisposition
from ._session import ClientSession
from ._stream_payload import StreamReaderPayload
from ._streams import (
    DataQueue,
    EofStream,
    FlowControlDataQueue,
    StreamReader,
)
from ._timeouts import DEFAULT_TIMEOUT, ClientTimeout
from ._tracing import (
    TraceConfig,
    TraceConnectionCreateEndParams,
    TraceConnectionCreateStartParams,
    TraceConnectionQueuedEndParams,
    TraceConnectionQueuedStartParams,
    TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams,
    TraceDnsCacheMissParams,
    TraceDnsResolveHostEndParams,
    TraceDnsResolveHostStartParams,
    TraceRequestChunkSentParams,
    TraceRequestEndParams,
    TraceRequestExceptionParams,
    TraceRequestHeadersSentParams,
    TraceRequestRedirectParams,
    TraceRequestStartParams,
    TraceResponseChunkReceivedParams,
)
from ._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "EMPTY_PAYLOAD",
    "AbstractResolver",
    "AddrInfoType",
    "AsyncResolver",
    "BaseConnector",
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
    "Connection",
    "ConnectionKey",
    "ConnectionTimeoutError",
    "ContentDisposition",
    "ContentTypeError",
    "DataQueue",
    "DefaultResolver",
    "EmptyStreamReader",
    "EofStream",
    "FlowControlDataQueue",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "NamedPipeConnector",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "RedirectClientError",
    "RequestInfo",
    "ResolveResult",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketFactoryType",
    "SocketTimeoutError",
    "StreamReader",
    "StreamReaderPayload",
    "TCPConnector",
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
    "UnixClientConnectorError",
    "UnixConnector",
    "WSMessageTypeError",
    "WSServerHandshakeError",
    "__version__",
    "hdrs",
    "request",
    "set_zlib_backend",
]
