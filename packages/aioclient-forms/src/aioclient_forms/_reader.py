"""Streaming reader for received multipart bodies.

Implements the multipart body structure of RFC 2046 section 5.1.1 (preamble,
delimiters, close delimiter, epilogue), multipart/form-data per RFC 7578
(including the ``_charset_`` field of section 4.6), nested multipart parts with
a depth cap, and bounded part header blocks (line size and count).
"""

from __future__ import annotations

import codecs
import inspect
import sys
from collections.abc import Mapping
from typing import Final

from multidict import CIMultiDict, CIMultiDictProxy

from ._disposition import parse_content_disposition
from ._helpers import (
    CONTENT_DISPOSITION,
    CONTENT_TYPE,
    get_header,
    is_token,
    parse_mimetype,
)
from ._part_reader import BodyPartReader
from ._protocols import ContentReader, ResponseLike
from ._stream import Lookahead

__all__ = ["MultipartHeaderError", "MultipartReader", "MultipartResponseWrapper"]

_FORBIDDEN_VALUE_BYTES: Final = frozenset(range(0x20)) - {0x09} | {0x7F}
_PREAMBLE_PIECE: Final = 2**16
_BOUNDARY_LINE_LIMIT: Final = 1024


class MultipartHeaderError(ValueError):
    """A part's header block is malformed or exceeds a limit.

    Raised for too many header lines (``"Too many headers received"``, where
    aiohttp raises its ``BadHttpMessage``), a line longer than
    ``max_field_size``, or a line that is not ``name: value``.
    """


class MultipartResponseWrapper:
    """Couples a :class:`MultipartReader` with the response it reads.

    The response is released once the final boundary has been read.

    Args:
        resp: The response (see :class:`ResponseLike`).
        stream: The reader over the response body.
    """

    def __init__(self, resp: ResponseLike, stream: MultipartReader) -> None:
        self.resp = resp
        self.stream = stream

    def __aiter__(self) -> MultipartResponseWrapper:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    def at_eof(self) -> bool:
        """Whether the final boundary has been read."""
        return self.stream.at_eof()

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """Return the next part; release the response after the last one."""
        item = await self.stream.next()
        if self.stream.at_eof():
            await self.release()
        return item

    async def release(self) -> None:
        """Release the response (awaiting ``resp.release()`` if it is a coroutine)."""
        result = self.resp.release()
        if inspect.isawaitable(result):
            await result


def _parse_header_line(line: bytes) -> tuple[str, str]:
    name, sep, value = line.partition(b":")
    if not sep or not name:
        raise MultipartHeaderError(f"Invalid part header line: {line[:100]!r}")
    text_name = name.decode("latin-1")
    # RFC 9112 section 5.1: no whitespace between field name and colon, and
    # obsolete line folding is not accepted (section 5.2).
    if not is_token(text_name):
        raise MultipartHeaderError(f"Invalid part header name: {name[:100]!r}")
    value = value.strip(b" \t")
    if _FORBIDDEN_VALUE_BYTES.intersection(value):
        raise MultipartHeaderError(f"Invalid part header value for {text_name}")
    return text_name, value.decode("utf-8", "surrogateescape")


class MultipartReader:
    """Reads a multipart body part by part, streaming.

    Args:
        headers: The headers of the message (or enclosing part); Content-Type
            must be ``multipart/*`` with a boundary.
        content: The body stream.
        client_max_size: Maximum size :meth:`BodyPartReader.read` accumulates.
        max_field_size: Maximum length of one part header line.
        max_headers: Maximum number of header lines per part.
        max_size_error_cls: Exception raised (with the limit) when a read
            exceeds ``client_max_size``.

    Raises:
        AssertionError: The Content-Type is not ``multipart/*``.
        ValueError: The boundary is missing or longer than 70 characters.
    """

    #: Wrapper class returned by :meth:`from_response`.
    response_wrapper_cls = MultipartResponseWrapper
    #: Reader class for nested multipart parts; ``None`` means ``type(self)``.
    multipart_reader_cls: type[MultipartReader] | None = None
    #: Reader class for other parts.
    part_reader_cls = BodyPartReader
    #: Maximum nesting of multipart parts inside multipart parts.
    max_nesting_depth = 16

    def __init__(
        self,
        headers: Mapping[str, str],
        content: ContentReader,
        *,
        client_max_size: int = sys.maxsize,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_size_error_cls: type[Exception] = ValueError,
    ) -> None:
        ctype = get_header(headers, CONTENT_TYPE) or ""
        mtype, self._subtype, params = parse_mimetype(ctype)
        if mtype != "multipart":
            raise AssertionError("multipart/* content type expected")
        boundary = params.get("boundary")
        if not boundary:
            raise ValueError(f"boundary missed for Content-Type: {ctype}")
        if len(boundary) > 70:
            raise ValueError(f"boundary {boundary!r} is too long (70 chars max)")
        self.headers = headers
        self._boundary = b"--" + boundary.encode("utf-8", "surrogateescape")
        self._content = (
            content if isinstance(content, Lookahead) else Lookahead(content)
        )
        self._client_max_size = client_max_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_size_error_cls = max_size_error_cls
        self._default_charset: str | None = None
        self._last_part: MultipartReader | BodyPartReader | None = None
        self._at_eof = False
        self._at_bof = True
        self._depth = 0
        self._parent_boundary: bytes | None = None

    def __aiter__(self) -> MultipartReader:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    @classmethod
    def from_response(cls, response: ResponseLike) -> MultipartResponseWrapper:
        """Build a reader over ``response.content``, wrapped with the response."""
        return cls.response_wrapper_cls(
            response, cls(response.headers, response.content)
        )

    def at_eof(self) -> bool:
        """Whether the final boundary has been read."""
        return self._at_eof

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """Return the next part, or ``None`` after the final boundary.

        An unfinished previous part is skipped first.

        Raises:
            ValueError: The starting or a following boundary is missing or
                malformed, or the body ends early.
            MultipartHeaderError: A part's header block is invalid.
            RuntimeError: An invalid ``_charset_`` form field.
        """
        if self._at_eof:
            return None
        await self._maybe_release_last_part()
        if self._at_bof:
            await self._read_until_first_boundary()
            self._at_bof = False
        else:
            await self._read_boundary()
        if self.at_eof():
            return None
        part: MultipartReader | BodyPartReader | None = await self.fetch_next_part()
        if (
            self._last_part is None
            and self._subtype == "form-data"
            and isinstance(part, BodyPartReader)
        ):
            part = await self._apply_charset_field(part)
        self._last_part = part
        return part

    async def _apply_charset_field(
        self, part: BodyPartReader
    ) -> MultipartReader | BodyPartReader | None:
        # RFC 7578 section 4.6: a leading "_charset_" field names the default
        # charset of the text fields that follow.
        _, params = parse_content_disposition(part.headers.get(CONTENT_DISPOSITION))
        if params.get("name") != "_charset_":
            return part
        value = b""
        while not part.at_eof():
            value += await part.read_chunk(32)
            if len(value) > 31:
                raise RuntimeError("Invalid default charset")
        try:
            charset = value.strip().decode("ascii")
            codecs.lookup(charset)
        except (UnicodeDecodeError, LookupError):
            raise RuntimeError("Invalid default charset") from None
        self._default_charset = charset
        await self._read_boundary()
        if self.at_eof():
            return None
        return await self.fetch_next_part()

    async def release(self) -> None:
        """Skip every remaining part up to the final boundary."""
        while not self._at_eof:
            item = await self.next()
            if item is None:
                break
            await item.release()

    async def fetch_next_part(self) -> MultipartReader | BodyPartReader:
        """Read the next part's headers and return a reader for its content."""
        headers = await self._read_headers()
        return self._get_part_reader(headers)

    def _get_part_reader(
        self, headers: CIMultiDictProxy[str]
    ) -> MultipartReader | BodyPartReader:
        mtype = parse_mimetype(headers.get(CONTENT_TYPE, ""))[0]
        if mtype != "multipart":
            return self.part_reader_cls(
                self._boundary,
                headers,
                self._content,
                subtype=self._subtype,
                default_charset=self._default_charset,
                client_max_size=self._client_max_size,
                max_size_error_cls=self._max_size_error_cls,
            )
        if self._depth >= self.max_nesting_depth:
            raise ValueError("Multipart nesting is too deep")
        cls = self.multipart_reader_cls or type(self)
        nested = cls(
            headers,
            self._content,
            client_max_size=self._client_max_size,
            max_field_size=self._max_field_size,
            max_headers=self._max_headers,
            max_size_error_cls=self._max_size_error_cls,
        )
        nested._depth = self._depth + 1
        nested._parent_boundary = self._boundary
        return nested

    async def _read_until_first_boundary(self) -> None:
        # RFC 2046 section 5.1.1: a preamble may precede the first delimiter.
        # Lines are read in bounded pieces; only a piece that starts a line can
        # be the delimiter.
        at_line_start = True
        closers = (self._boundary, self._boundary + b"--")
        parent = self._parent_boundary
        while True:
            piece, complete = await self._content.read_line(_PREAMBLE_PIECE)
            if not piece:
                raise ValueError(f"Could not find starting boundary {self._boundary!r}")
            if at_line_start and complete:
                line = piece.rstrip()
                if line in closers:
                    self._at_eof = line == closers[1]
                    if self._at_eof:
                        await self._skip_epilogue()
                    return
                if parent is not None and line in (parent, parent + b"--"):
                    raise ValueError(
                        f"Could not find starting boundary {self._boundary!r}"
                    )
            at_line_start = complete

    async def _read_boundary(self) -> None:
        piece, complete = await self._content.read_line(_BOUNDARY_LINE_LIMIT)
        line = piece.rstrip()
        if complete and line == self._boundary:
            return
        if line == self._boundary + b"--" and (complete or self._content.exhausted):
            self._at_eof = True
            await self._skip_epilogue()
            return
        raise ValueError(
            f"Invalid boundary {line[:100]!r}, expected {self._boundary!r}"
        )

    async def _skip_epilogue(self) -> None:
        """Skip a nested body's epilogue, up to the enclosing part's delimiter."""
        parent = self._parent_boundary
        if parent is None:
            return  # The top-level epilogue is left unread.
        stream = self._content
        buf = stream.buffer
        delim = b"\r\n" + parent
        await stream.ensure(len(parent))
        if buf.startswith(parent):
            return
        searched = 0
        while True:
            idx = buf.find(delim, searched)
            if idx != -1:
                stream.take(idx + 2)
                return
            keep = len(delim) - 1
            if len(buf) > keep:
                stream.take(len(buf) - keep)
            searched = 0
            if not await stream.fill():
                return

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        headers: CIMultiDict[str] = CIMultiDict()
        count = 0
        limit = self._max_field_size
        while True:
            piece, complete = await self._content.read_line(limit + 2)
            if not complete:
                if len(piece) < limit + 2:
                    raise ValueError("Unexpected end of multipart body in part headers")
                raise MultipartHeaderError(
                    f"Part header line is too long (more than {limit} bytes)"
                )
            line = piece[:-2] if piece.endswith(b"\r\n") else piece[:-1]
            if not line:
                return CIMultiDictProxy(headers)
            count += 1
            if count > self._max_headers:
                raise MultipartHeaderError("Too many headers received")
            if len(line) > limit:
                raise MultipartHeaderError(
                    f"Part header line is too long (more than {limit} bytes)"
                )
            name, value = _parse_header_line(line)
            headers.add(name, value)

    async def _maybe_release_last_part(self) -> None:
        if self._last_part is not None:
            if not self._last_part.at_eof():
                await self._last_part.release()
            self._last_part = None
