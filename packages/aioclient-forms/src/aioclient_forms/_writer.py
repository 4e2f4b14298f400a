"""Serialisation of multipart bodies.

Implements the multipart syntax of RFC 2046 section 5.1 (boundary grammar in
section 5.1.1), multipart/form-data per RFC 7578, and the Content-Transfer-Encoding
mechanisms of RFC 2045 section 6 (base64, quoted-printable) plus gzip/deflate
Content-Encoding (RFC 9110 section 8.4.1), applied on the fly while streaming.
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlencode

from multidict import CIMultiDict

from ._disposition import parse_content_disposition
from ._helpers import (
    CONTENT_DISPOSITION,
    CONTENT_ENCODING,
    CONTENT_LENGTH,
    CONTENT_TRANSFER_ENCODING,
    is_token,
)
from ._payload import (
    JsonPayload,
    Payload,
    PayloadLookupError,
    StringPayload,
    get_payload,
)
from ._protocols import PayloadWriter

__all__ = ["MultipartWriter"]

_log: Final = logging.getLogger("aioclient_forms")

# RFC 2046 section 5.1.1: bcharsnospace, plus the space allowed anywhere but last.
_BCHARS_NOSPACE: Final = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=?"
)
_MAX_BOUNDARY: Final = 70

_Part = tuple[Payload, str | None, str | None]


def _check_boundary(boundary: str) -> bytes:
    try:
        raw = boundary.encode("ascii")
    except UnicodeEncodeError:
        raise ValueError("boundary should contain ASCII only chars") from None
    if not raw:
        raise ValueError("boundary must not be empty")
    if len(raw) > _MAX_BOUNDARY:
        raise ValueError(f"boundary {boundary!r} is too long (70 chars max)")
    if not _BCHARS_NOSPACE.issuperset(boundary.replace(" ", "")) or boundary[-1] == " ":
        raise ValueError("boundary value contains invalid characters")
    return raw


class _EncodingWriter:
    """Applies a part's Content-Encoding and Content-Transfer-Encoding in a stream."""

    def __init__(
        self, writer: PayloadWriter, encoding: str | None, te_encoding: str | None
    ) -> None:
        self._writer = writer
        self._compress: Any = None
        if encoding:  # "" and None both mean no Content-Encoding
            # gzip framing, or raw deflate as aiohttp emits for multipart parts.
            wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else -zlib.MAX_WBITS
            self._compress = zlib.compressobj(wbits=wbits)
        self._base64 = te_encoding == "base64"
        self._qp = te_encoding == "quoted-printable"
        self._pending = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        data = bytes(chunk)
        if self._compress is not None:
            data = self._compress.compress(data)
        await self._emit(data)

    async def _emit(self, data: bytes) -> None:
        if not data:
            return
        if self._base64:
            # Encode whole 3-byte groups only, so the concatenated output is one
            # valid base64 text (RFC 4648 section 4).
            self._pending += data
            usable = len(self._pending) // 3 * 3
            if usable:
                encoded = base64.b64encode(self._pending[:usable])
                del self._pending[:usable]
                await self._writer.write(encoded)
        elif self._qp:
            await self._writer.write(binascii.b2a_qp(data))
        else:
            await self._writer.write(data)

    async def write_eof(self) -> None:
        if self._compress is not None:
            await self._emit(self._compress.flush())
            self._compress = None
        if self._base64 and self._pending:
            await self._writer.write(base64.b64encode(self._pending))
            self._pending.clear()


class _Collector:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.data += chunk


class MultipartWriter(Payload):
    """A multipart body (RFC 2046) built from parts; itself a :class:`Payload`.

    Args:
        subtype: The multipart subtype (``mixed``, ``form-data``, ``related`` ...).
        boundary: The boundary; by default 32 hex digits from :func:`uuid.uuid4`,
            which draws on :func:`os.urandom`.

    Raises:
        ValueError: The boundary is not ASCII, is empty or longer than 70
            characters, or holds a character outside RFC 2046 ``bchars``.
    """

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        boundary = boundary if boundary is not None else uuid.uuid4().hex
        self._boundary = _check_boundary(boundary)
        if not is_token(subtype):
            raise ValueError(f"invalid multipart subtype {subtype!r}")
        value = boundary if is_token(boundary) else f'"{boundary}"'
        super().__init__(None, content_type=f"multipart/{subtype}; boundary={value}")
        self._parts: list[_Part] = []
        self._is_form_data = subtype == "form-data"

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        return None

    def __iter__(self) -> Iterator[_Part]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    @property
    def boundary(self) -> str:
        """The boundary string (without the leading ``--``)."""
        return self._boundary.decode("ascii")

    @property
    def consumed(self) -> bool:
        """Whether the writer or any part can no longer be written."""
        return self._consumed or any(part.consumed for part, _, _ in self._parts)

    def append(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add a part made from ``obj`` (a payload, or anything the registry wraps).

        Args:
            obj: The part's content.
            headers: Extra header fields for the part.

        Returns:
            The part's payload.

        Raises:
            TypeError: No payload class handles ``obj``.
        """
        if headers is None:
            headers = CIMultiDict()
        if isinstance(obj, Payload):
            obj.headers.update(headers)
            return self.append_payload(obj)
        try:
            payload = get_payload(obj, headers=headers)
        except PayloadLookupError:
            raise TypeError(f"Cannot create payload from {obj!r}") from None
        return self.append_payload(payload)

    def append_payload(self, payload: Payload) -> Payload:
        """Add ``payload`` as the next part.

        For ``form-data`` a missing Content-Disposition becomes
        ``form-data; name="section-<n>"``. For other subtypes the part's
        Content-Length is set when its size is known and it is not encoded.

        Raises:
            ValueError: A form-data part carries Content-Encoding, Content-Length
                or Content-Transfer-Encoding (RFC 7578 sections 4.7 and 4.8).
            RuntimeError: Unknown Content-Encoding or Content-Transfer-Encoding.
        """
        if self._is_form_data:
            banned = {CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TRANSFER_ENCODING}
            present = sorted(name for name in banned if name in payload.headers)
            if present:
                raise ValueError(
                    f"multipart/form-data parts must not carry {', '.join(present)}"
                )
            if CONTENT_DISPOSITION not in payload.headers:
                payload.set_content_disposition(
                    "form-data", name=f"section-{len(self._parts)}"
                )
            self._parts.append((payload, None, None))
            return payload
        # The (payload, encoding, te_encoding) triples are visible through
        # iteration; their values follow aiohttp's: "" when the header is
        # absent, None for "identity" / "binary" (and for form-data parts).
        encoding: str | None = payload.headers.get(CONTENT_ENCODING, "").lower()
        if encoding and encoding not in ("deflate", "gzip", "identity"):
            raise RuntimeError(f"unknown content encoding: {encoding}")
        if encoding == "identity":
            encoding = None
        te_encoding: str | None = payload.headers.get(
            CONTENT_TRANSFER_ENCODING, ""
        ).lower()
        if te_encoding not in ("", "base64", "quoted-printable", "binary"):
            raise RuntimeError(f"unknown content transfer encoding: {te_encoding}")
        if te_encoding == "binary":
            te_encoding = None
        size = payload.size
        if size is not None and not (encoding or te_encoding):
            payload.headers[CONTENT_LENGTH] = str(size)
        self._parts.append((payload, encoding, te_encoding))
        return payload

    def append_json(
        self, obj: Any, headers: Mapping[str, str] | None = None
    ) -> Payload:
        """Add a JSON part (:class:`JsonPayload`)."""
        return self.append_payload(JsonPayload(obj, headers=headers or CIMultiDict()))

    def append_form(
        self,
        obj: Sequence[tuple[str, str]] | Mapping[str, str],
        headers: Mapping[str, str] | None = None,
    ) -> Payload:
        """Add an ``application/x-www-form-urlencoded`` part.

        Raises:
            TypeError: ``obj`` is neither a mapping nor a sequence of pairs.
        """
        value: object = obj  # callers are not type-checked; verify at run time
        if isinstance(value, Mapping):
            pairs: Sequence[Any] = list(value.items())
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            pairs = value
        else:
            raise TypeError("append_form() expects a mapping or a sequence of pairs")
        return self.append_payload(
            StringPayload(
                urlencode(pairs, doseq=True),
                headers=headers or CIMultiDict(),
                content_type="application/x-www-form-urlencoded",
            )
        )

    @property
    def size(self) -> int | None:
        """Exact body length, or ``None`` if a part is unsized or encoded."""
        total = 0
        for part, encoding, te_encoding in self._parts:
            part_size = part.size
            if encoding or te_encoding or part_size is None:
                return None
            # "--" boundary CRLF, headers, body, CRLF
            total += (
                2 + len(self._boundary) + 2 + len(part._binary_headers) + part_size + 2
            )
        return total + 2 + len(self._boundary) + 4  # "--" boundary "--" CRLF

    def _check_part(self, part: Payload) -> None:
        if not self._is_form_data:
            return
        # RFC 7578 section 4.2: every form-data part names its field.
        with warnings.catch_warnings():
            # A malformed header simply has no name; the error below says so.
            warnings.simplefilter("ignore", RuntimeWarning)
            _, params = parse_content_disposition(part.headers.get(CONTENT_DISPOSITION))
        if "name" not in params and "name*" not in params:
            raise ValueError("multipart/form-data part has no Content-Disposition name")

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the whole body as text (blocking for file parts; no encodings).

        Parts with a Content-Encoding or Content-Transfer-Encoding are decoded
        from their raw content, so prefer :meth:`as_bytes` for those.
        """
        pieces: list[str] = []
        for part, _, _ in self._parts:
            self._check_part(part)
            pieces.append(f"--{self.boundary}\r\n")
            pieces.append(part._binary_headers.decode(encoding, errors))
            pieces.append(part.decode(encoding, errors))
            pieces.append("\r\n")
        pieces.append(f"--{self.boundary}--\r\n")
        return "".join(pieces)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the complete body, encodings applied, without consuming parts.

        Each part's :meth:`Payload.as_bytes` is used, so an async-iterable part is
        cached and stays writable.
        """
        out = _Collector()
        for part, enc, te_enc in self._parts:
            self._check_part(part)
            await out.write(b"--" + self._boundary + b"\r\n" + part._binary_headers)
            body = await part.as_bytes(encoding, errors)
            encoder = _EncodingWriter(out, enc, te_enc)
            await encoder.write(body)
            await encoder.write_eof()
            await out.write(b"\r\n")
        await out.write(b"--" + self._boundary + b"--\r\n")
        return bytes(out.data)

    async def write(self, writer: PayloadWriter, close_boundary: bool = True) -> None:
        """Stream the body to ``writer``, encoding parts on the fly.

        Args:
            writer: The destination.
            close_boundary: Finish with the closing ``--boundary--`` line.

        Raises:
            ValueError: A form-data part has no Content-Disposition name, or a
                part header holds a forbidden character.
        """
        for part, encoding, te_encoding in self._parts:
            self._check_part(part)
            await writer.write(b"--" + self._boundary + b"\r\n" + part._binary_headers)
            if encoding or te_encoding:
                encoder = _EncodingWriter(writer, encoding, te_encoding)
                await part.write(encoder)
                await encoder.write_eof()
            else:
                await part.write(writer)
            await writer.write(b"\r\n")
        if close_boundary:
            await writer.write(b"--" + self._boundary + b"--\r\n")

    @property
    def autoclose(self) -> bool:
        """Whether no part holds a resource (a file) that needs :meth:`close`."""
        return all(part.autoclose for part, _, _ in self._parts)

    async def close(self) -> None:
        """Close every part that holds a resource; failures are logged, not raised."""
        if self._consumed:
            return
        self._consumed = True
        for index, (part, _, _) in enumerate(self._parts):
            # Consumed parts are closed too: an unseekable file is marked
            # consumed after its first read but still holds a descriptor.
            if part.autoclose:
                continue
            try:
                await part.close()
            except Exception:
                _log.exception("Failed to close multipart part %d", index)
