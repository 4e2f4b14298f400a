"""Request payloads, form data and multipart bodies, compatible with aiohttp 3.14.

This distribution is a leaf: it depends only on ``multidict`` and ``yarl`` and
imports no other aioclient distribution. The byte streams it reads from and
writes to are described by the :class:`PayloadWriter` (and :class:`FileSender`),
:class:`ContentReader` and :class:`ResponseLike` protocols, so it works with any
HTTP stack.
"""

from ._disposition import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    content_disposition_filename,
    parse_content_disposition,
)
from ._formdata import FormData
from ._helpers import parse_mimetype
from ._part_reader import BodyPartReader
from ._payload import (
    PAYLOAD_REGISTRY,
    BytesPayload,
    JsonBytesPayload,
    JsonPayload,
    Order,
    Payload,
    PayloadRegistry,
    StringIOPayload,
    StringPayload,
    get_payload,
    payload_type,
    register_payload,
)
from ._payload import PayloadLookupError as LookupError
from ._payload_io import (
    BufferedReaderPayload,
    BytesIOPayload,
    IOBasePayload,
    TextIOPayload,
)
from ._payload_stream import AsyncIterablePayload
from ._protocols import ContentReader, FileSender, PayloadWriter, ResponseLike
from ._reader import MultipartHeaderError, MultipartReader, MultipartResponseWrapper
from ._streamer import streamer
from ._version import __version__
from ._writer import MultipartWriter

__all__ = [
    "PAYLOAD_REGISTRY",
    "AsyncIterablePayload",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "ContentReader",
    "FileSender",
    "FormData",
    "IOBasePayload",
    "JsonBytesPayload",
    "JsonPayload",
    "LookupError",
    "MultipartHeaderError",
    "MultipartReader",
    "MultipartResponseWrapper",
    "MultipartWriter",
    "Order",
    "Payload",
    "PayloadRegistry",
    "PayloadWriter",
    "ResponseLike",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "__version__",
    "content_disposition_filename",
    "get_payload",
    "parse_content_disposition",
    "parse_mimetype",
    "payload_type",
    "register_payload",
    "streamer",
]
