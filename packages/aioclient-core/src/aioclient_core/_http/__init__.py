"""Sans-IO HTTP/1.1 wire layer of aioclient-core (RFC 9110, RFC 9112).

Bytes in, events out: the response parser, body framing, content decoders
and the request serializer. Nothing here touches sockets or asyncio.
"""

from ._body import ChunkedReader, ContentLengthReader, UntilEOFReader
from ._decompress import (
    BrotliDecompressor,
    Decompressor,
    ZLibDecompressor,
    ZstdDecompressor,
    get_decompressor,
    supported_encodings,
)
from ._errors import (
    BadHttpMessage,
    BadHttpMethod,
    BadStatusLine,
    ContentEncodingError,
    ContentLengthError,
    DecompressSizeError,
    HttpBadRequest,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    PayloadEncodingError,
    TransferEncodingError,
)
from ._models import (
    ChunkEnd,
    Event,
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    InterimResponse,
    MessageEnd,
    RawResponseMessage,
    ResponseParserInterface,
    Upgraded,
)
from ._parser import RESPONSE_PARSERS, ResponseParser
from ._writer import (
    LAST_CHUNK,
    connection_header,
    encode_chunk,
    host_header,
    request_target,
    serialize_request_head,
)
from ._zlib import ZLibCompressor, get_zlib_backend, set_zlib_backend

__all__ = [
    "LAST_CHUNK",
    "RESPONSE_PARSERS",
    "BadHttpMessage",
    "BadHttpMethod",
    "BadStatusLine",
    "BrotliDecompressor",
    "ChunkEnd",
    "ChunkedReader",
    "ContentEncodingError",
    "ContentLengthError",
    "ContentLengthReader",
    "DecompressSizeError",
    "Decompressor",
    "Event",
    "HttpBadRequest",
    "HttpProcessingError",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "InterimResponse",
    "InvalidHeader",
    "InvalidURLError",
    "LineTooLong",
    "MessageEnd",
    "PayloadEncodingError",
    "RawResponseMessage",
    "ResponseParser",
    "ResponseParserInterface",
    "TransferEncodingError",
    "UntilEOFReader",
    "Upgraded",
    "ZLibCompressor",
    "ZLibDecompressor",
    "ZstdDecompressor",
    "connection_header",
    "encode_chunk",
    "get_decompressor",
    "get_zlib_backend",
    "host_header",
    "request_target",
    "serialize_request_head",
    "set_zlib_backend",
    "supported_encodings",
]
