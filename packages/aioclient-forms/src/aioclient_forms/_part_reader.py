"""Streaming reader for one body part of a received multipart body.

Finds the end of the part at the RFC 2046 section 5.1.1 delimiter (CRLF, "--",
boundary) while holding only a bounded window in memory, honours a part
Content-Length (digits only, RFC 9110 section 8.6) except for form-data parts
(RFC 7578 section 4.8), and decodes transfer and content encodings on request.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final, cast
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy

from ._decoding import decode_transfer, decompress_async, decompress_sync
from ._disposition import content_disposition_filename, parse_content_disposition
from ._helpers import (
    CONTENT_DISPOSITION,
    CONTENT_ENCODING,
    CONTENT_LENGTH,
    CONTENT_TRANSFER_ENCODING,
    CONTENT_TYPE,
    parse_mimetype,
)
from ._payload import Order, Payload, payload_type
from ._protocols import ContentReader, PayloadWriter
from ._stream import Lookahead

__all__ = ["BodyPartReader", "BodyPartReaderPayload"]

#: aiohttp's default read size, also the default bound of one decompression step.
DEFAULT_CHUNK_SIZE: Final = 2**18
#: BodyPartReader.readline() refuses lines longer than this.
_MAX_LINE: Final = 2**18
_BASE64_ALPHABET: Final = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)
_TRUNCATED: Final = "Unexpected end of multipart body: closing boundary not found"


def _as_proxy(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    if isinstance(headers, CIMultiDictProxy):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


class BodyPartReader:
    """Reads one part of a multipart body, streaming, with bounded buffering.

    Usually obtained from :meth:`MultipartReader.next`.

    Args:
        boundary: The multipart boundary including the leading ``--``.
        headers: The part's header fields.
        content: The body stream, positioned at the start of the part content.
        subtype: The enclosing multipart subtype.
        default_charset: Charset used when the part's Content-Type names none.
        max_decompress_size: Maximum output of one decompression step.
        client_max_size: Maximum size :meth:`read` accumulates.
        max_size_error_cls: Exception raised (with the limit) beyond it.

    Raises:
        ValueError: The part's Content-Length is not plain ASCII digits.
    """

    chunk_size = 8192

    def __init__(
        self,
        boundary: bytes,
        headers: Mapping[str, str],
        content: ContentReader,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_decompress_size: int = DEFAULT_CHUNK_SIZE,
        client_max_size: int = sys.maxsize,
        max_size_error_cls: type[Exception] = ValueError,
    ) -> None:
        self.headers: CIMultiDictProxy[str] = _as_proxy(headers)
        self._boundary = boundary
        self._delimiter = b"\r\n" + boundary
        self._content = (
            content if isinstance(content, Lookahead) else Lookahead(content)
        )
        self._default_charset = default_charset
        self._is_form_data = subtype == "form-data"
        self._at_eof = False
        self._started = False
        self._read_bytes = 0
        self._b64_carry = b""
        self._max_decompress_size = max_decompress_size
        self._client_max_size = client_max_size
        self._max_size_error_cls = max_size_error_cls
        # RFC 7578 section 4.8: form-data parts ignore Content-Length.
        length = None if self._is_form_data else self.headers.get(CONTENT_LENGTH)
        if length is not None and not (length.isascii() and length.isdigit()):
            raise ValueError(f"invalid Content-Length: {length[:50]!r}")
        self._length = int(length) if length is not None else None
        self._name_cache: dict[str, str | None] = {}

    def __aiter__(self) -> BodyPartReader:
        return self

    async def __anext__(self) -> bytes | bytearray:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    async def next(self) -> bytes | bytearray | None:
        """Return the rest of the part (see :meth:`read`), or ``None`` at its end."""
        item = await self.read()
        return item or None

    async def read(self, *, decode: bool = False) -> bytes | bytearray:
        """Read the rest of the part, into a new ``bytearray`` (as aiohttp).

        Once the part was read to its end, the result is ``b""`` (as aiohttp).

        Args:
            decode: Undo Content-Transfer-Encoding and Content-Encoding.

        Raises:
            Exception: ``max_size_error_cls(client_max_size)`` when the part is
                larger than ``client_max_size``.
        """
        if self._at_eof:
            return b""
        data = bytearray()
        while not self.at_eof():
            data += await self.read_chunk(self.chunk_size)
            if len(data) > self._client_max_size:
                raise self._max_size_error_cls(self._client_max_size)
        if not decode:
            return data
        decoded = bytearray()
        async for piece in self.decode_iter(data):
            decoded += piece
            if len(decoded) > self._client_max_size:
                raise self._max_size_error_cls(self._client_max_size)
        return decoded

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Read up to ``size`` raw bytes of the part; ``b""`` once it is finished.

        With ``Content-Transfer-Encoding: base64`` chunks end on whole base64
        quartets, so each chunk can be passed to :meth:`decode` on its own.

        Raises:
            ValueError: The body ended before the part's delimiter, or the bytes
                after a sized part are not the delimiter.
        """
        if self._at_eof:
            return b""
        size = max(size, 1)
        base64 = self.headers.get(CONTENT_TRANSFER_ENCODING, "").lower() == "base64"
        while True:
            if self._length is not None:
                chunk = await self._read_sized(size)
            else:
                chunk = await self._read_delimited(size)
            self._read_bytes += len(chunk)
            if not base64:
                return chunk
            chunk = self._align_base64(chunk)
            # Less than one quartet so far: read on (b"" would mean the end).
            if chunk or self._at_eof:
                return chunk

    def _align_base64(self, chunk: bytes) -> bytes:
        """Cut ``chunk`` after its last whole base64 quartet; keep the rest."""
        chunk = self._b64_carry + chunk
        self._b64_carry = b""
        if self._at_eof:
            return chunk
        extra = sum(1 for byte in chunk if byte in _BASE64_ALPHABET) % 4
        cut = len(chunk)
        while extra and cut:
            cut -= 1
            if chunk[cut] in _BASE64_ALPHABET:
                extra -= 1
        self._b64_carry = chunk[cut:]
        return chunk[:cut]

    async def _finish(self) -> None:
        """Consume the CRLF that opens the delimiter and mark the part finished."""
        stream = self._content
        if not await stream.ensure(2) or stream.buffer[:2] != b"\r\n":
            raise ValueError("Reader did not read all the data or it is malformed")
        stream.take(2)
        self._at_eof = True

    async def _read_sized(self, size: int) -> bytes:
        length = cast(int, self._length)
        wanted = min(size, length - self._read_bytes)
        stream = self._content
        if wanted and not stream.buffer and not await stream.fill():
            raise ValueError(_TRUNCATED)
        chunk = stream.take(min(wanted, len(stream.buffer)))
        if self._read_bytes + len(chunk) >= length:
            await self._finish()
        return chunk

    async def _read_delimited(self, size: int) -> bytes:
        stream = self._content
        buf = stream.buffer
        if not self._started:
            self._started = True
            # Tolerate a part whose empty body lacks its own CRLF: the blank line
            # after the headers is then directly followed by the boundary.
            await stream.ensure(len(self._boundary))
            if buf.startswith(self._boundary):
                self._at_eof = True
                return b""
        delim = self._delimiter
        window = size + len(delim)
        while True:
            idx = buf.find(delim, 0, window)
            if idx != -1 and idx <= size:
                chunk = stream.take(idx)
                await self._finish()
                return chunk
            if len(buf) >= window:
                return stream.take(size)
            # Bytes before the last len(delim) - 1 cannot start the delimiter:
            # hand them out now rather than wait for `size` (a part streamed
            # slowly is read as it arrives, as in aiohttp).
            safe = len(buf) - len(delim) + 1
            if safe > 0:
                return stream.take(min(safe, size))
            if not await stream.fill():
                raise ValueError(_TRUNCATED)

    async def readline(self) -> bytes:
        """Read one line of the part (the CRLF before the delimiter is not part of it).

        Raises:
            ValueError: The line is longer than 256 KiB, or the body is truncated.
        """
        if self._at_eof:
            return b""
        if self._length is not None:
            return await self._readline_sized()
        if not self._started:
            first = await self._read_delimited(0)
            if self.at_eof():
                return first
        stream = self._content
        buf = stream.buffer
        delim = self._delimiter
        searched = 0
        while True:
            newline = buf.find(b"\n", searched)
            if newline == -1:
                if len(buf) > _MAX_LINE:
                    raise ValueError(f"Line is too long (more than {_MAX_LINE} bytes)")
                searched = len(buf)
            elif newline == 0 or len(buf) >= newline - 1 + len(delim):
                # Every delimiter starts with CRLF, so the first line feed tells
                # whether this line is the last one of the part.
                start = newline - 1
                if newline and buf[start : start + len(delim)] == delim:
                    line = stream.take(start)
                    await self._finish()
                    return line
                return stream.take(newline + 1)
            if not await stream.fill():
                if newline != -1:
                    # Too few bytes left for a delimiter: the line is complete,
                    # and the next call reports the truncation.
                    return stream.take(newline + 1)
                raise ValueError(_TRUNCATED)

    async def _readline_sized(self) -> bytes:
        stream = self._content
        left = cast(int, self._length) - self._read_bytes
        data, _ = await stream.read_line(min(left, _MAX_LINE))
        if not data and left:
            raise ValueError(_TRUNCATED)
        self._read_bytes += len(data)
        if self._read_bytes >= cast(int, self._length):
            await self._finish()
        return data

    async def release(self) -> None:
        """Skip the rest of the part, reading it in bounded chunks."""
        while not self._at_eof:
            await self.read_chunk(self.chunk_size)

    async def text(self, *, encoding: str | None = None) -> str:
        """Read the part as text (charset: argument, part, default, UTF-8)."""
        data = await self.read(decode=True)
        return data.decode(encoding or self.get_charset(default="utf-8"))

    async def json(self, *, encoding: str | None = None) -> dict[str, Any] | None:
        """Read the part as JSON; ``None`` when it is empty."""
        data = await self.read(decode=True)
        if not data:
            return None
        text = data.decode(encoding or self.get_charset(default="utf-8"))
        return cast(dict[str, Any], json.loads(text))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """Read the part as ``application/x-www-form-urlencoded`` pairs.

        Raises:
            ValueError: The data cannot be decoded with the charset.
        """
        data = await self.read(decode=True)
        if not data:
            return []
        real_encoding = encoding if encoding is not None else self.get_charset("utf-8")
        try:
            text = data.rstrip().decode(real_encoding)
        except UnicodeDecodeError:
            raise ValueError(
                f"data cannot be decoded with {real_encoding} encoding"
            ) from None
        return parse_qsl(text, keep_blank_values=True, encoding=real_encoding)

    def at_eof(self) -> bool:
        """Whether the part's delimiter has been reached."""
        return self._at_eof

    def _content_encoding(self) -> str | None:
        # RFC 7578 section 4.8: form-data parts do not use Content-Encoding.
        if self._is_form_data or CONTENT_ENCODING not in self.headers:
            return None
        encoding = self.headers[CONTENT_ENCODING].lower()
        return None if encoding == "identity" else encoding

    def _transfer_decode(self, data: bytes) -> bytes:
        encoding = self.headers.get(CONTENT_TRANSFER_ENCODING)
        if encoding is None:
            return data
        return decode_transfer(data, encoding.lower())

    def decode(self, data: bytes | bytearray | memoryview) -> bytes:
        """Undo the part's Content-Transfer-Encoding and Content-Encoding.

        Raises:
            RuntimeError: An encoding is unknown.
            ValueError: The data is corrupt or truncated.
            Exception: ``max_size_error_cls(client_max_size)`` when the output
                exceeds ``client_max_size``.
        """
        decoded = self._transfer_decode(bytes(data))
        encoding = self._content_encoding()
        if encoding is None:
            return decoded
        try:
            return decompress_sync(
                decoded, encoding, self._max_decompress_size, self._client_max_size
            )
        except OverflowError:
            raise self._max_size_error_cls(self._client_max_size) from None

    async def decode_iter(
        self, data: bytes | bytearray | memoryview
    ) -> AsyncIterator[bytes]:
        """Like :meth:`decode`, but yield the output in bounded pieces.

        Each piece is at most ``max_decompress_size`` bytes; large inputs are
        decompressed in the executor.
        """
        decoded = self._transfer_decode(bytes(data))
        encoding = self._content_encoding()
        if encoding is None:
            yield decoded
            return
        async for piece in decompress_async(
            decoded, encoding, self._max_decompress_size
        ):
            yield piece

    def get_charset(self, default: str) -> str:
        """Return the Content-Type charset, else the default charset or ``default``."""
        params = parse_mimetype(self.headers.get(CONTENT_TYPE, ""))[2]
        return params.get("charset", self._default_charset or default)

    def _disposition_param(self, key: str) -> str | None:
        if key not in self._name_cache:
            _, params = parse_content_disposition(self.headers.get(CONTENT_DISPOSITION))
            self._name_cache[key] = content_disposition_filename(params, key)
        return self._name_cache[key]

    @property
    def name(self) -> str | None:
        """The ``name`` from Content-Disposition, or ``None``."""
        return self._disposition_param("name")

    @property
    def filename(self) -> str | None:
        """The ``filename`` from Content-Disposition, or ``None``."""
        return self._disposition_param("filename")


@payload_type(BodyPartReader, order=Order.try_first)
class BodyPartReaderPayload(Payload):
    """Streams a received part (decoded) as the body of another request.

    It can be written once; it cannot be buffered with :meth:`as_bytes`.
    """

    _value: BodyPartReader

    def __init__(self, value: BodyPartReader, *args: Any, **kwargs: Any) -> None:
        super().__init__(value, *args, **kwargs)
        params: dict[str, str] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            name, filename = value.name, value.filename
        if name is not None:
            params["name"] = name
        if filename is not None:
            params["filename"] = filename
        if params:
            self.set_content_disposition("attachment", True, **params)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Refuse: a streamed part cannot be decoded in place.

        Raises:
            TypeError: Always.
        """
        raise TypeError("Unable to decode.")

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Refuse: a part may be huge, so it is only ever streamed by :meth:`write`.

        Raises:
            TypeError: Always.
        """
        raise TypeError("Unable to read body part as bytes. Use write() to consume.")

    async def write(self, writer: PayloadWriter) -> None:
        """Stream the decoded part to ``writer``.

        Raises:
            RuntimeError: The part was already written once.
        """
        if self._consumed:
            raise RuntimeError(
                "The body part was already streamed and cannot be written again"
            )
        self._consumed = True
        part = self._value
        while chunk := await part.read_chunk(DEFAULT_CHUNK_SIZE):
            async for piece in part.decode_iter(chunk):
                await writer.write(piece)
