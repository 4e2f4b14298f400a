"""File-backed payloads and the default registrations of the payload registry.

File objects are read in bounded slices in the default executor so that the
event loop never blocks on disk I/O and the file is never held in memory whole.
A regular file opened with ``open(path, "rb")`` is first offered to a writer
that can send it by descriptor (:class:`FileSender`, e.g. ``sendfile`` on a plain
socket), which copies nothing through Python at all.
Seekable files remember their start offset so that a body can be sent again
(e.g. after an HTTP 307/308 redirect, RFC 9110 section 15.4.8).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import io
import os
import stat
from collections.abc import AsyncIterable, Callable
from typing import IO, Any, TextIO

from ._helpers import (
    CONTENT_DISPOSITION,
    FILE_CHUNK_SIZE,
    MEMORY_CHUNK_SIZE,
    guess_filename,
    parse_mimetype,
)
from ._payload import (
    PAYLOAD_REGISTRY,
    BytesPayload,
    Order,
    Payload,
    StringIOPayload,
    StringPayload,
)
from ._payload_stream import AsyncIterablePayload
from ._protocols import FileSender, PayloadWriter

__all__ = [
    "BufferedReaderPayload",
    "BytesIOPayload",
    "IOBasePayload",
    "TextIOPayload",
]

_CLOSING: set[asyncio.Future[None]] = set()


class IOBasePayload(Payload):
    """A body read from a binary file object in 256 KiB slices in an executor.

    The filename is guessed from ``value.name``; when one is known a
    ``Content-Disposition: <disposition>; filename="..."`` header is added. The
    file is not closed by :meth:`write` (so the body can be re-sent from the
    remembered start offset); call :meth:`close` when done with it.

    Raises:
        ValueError: ``value`` is a closed file.
    """

    _start_position: int | None = None

    def __init__(
        self,
        value: IO[Any],
        disposition: str | None = "attachment",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if "filename" not in kwargs:
            kwargs["filename"] = guess_filename(value)
        super().__init__(value, *args, **kwargs)
        self._check_open()
        if (
            self._filename is not None
            and disposition is not None
            and CONTENT_DISPOSITION not in self.headers
        ):
            self.set_content_disposition(disposition, filename=self._filename)

    def _check_open(self) -> None:
        """Refuse a closed file while the request is built, before any byte is sent.

        (Otherwise the first read fails only once a connection is open.)
        """
        if getattr(self._value, "closed", False) is True:
            name = f" {self._filename!r}" if self._filename else ""
            raise ValueError(f"I/O operation on closed file{name}")

    def _rewind(self) -> None:
        """Remember the start offset on first use; seek back to it afterwards."""
        try:
            if self._start_position is None:
                self._start_position = self._value.tell()
            else:
                self._value.seek(self._start_position)
        except (OSError, AttributeError, ValueError):
            # Not seekable: the body can be sent only once.
            self._consumed = True

    @property
    def size(self) -> int | None:
        """Bytes from the start offset to the end of the file (needs a descriptor).

        Raises:
            ValueError: The file was closed (a body cannot be sent from it).
        """
        self._check_open()
        try:
            if self._start_position is None:
                self._start_position = self._value.tell()
            return os.fstat(self._value.fileno()).st_size - self._start_position
        except (AttributeError, OSError, ValueError):
            return None

    def _read_chunk(self, limit: int) -> bytes:
        data = self._value.read(limit)
        return data if isinstance(data, bytes) else bytes(data)

    def _slice_reader(self) -> Callable[[int], bytes | None]:
        """Return the reader for one pass over the file, run in the executor.

        Its first call rewinds to the start offset; each call returns up to
        ``limit`` bytes, and ``None`` at the end of the file.
        """
        started = False

        def read(limit: int) -> bytes | None:
            nonlocal started
            if not started:
                started = True
                self._rewind()
            return self._read_chunk(limit) or None

        return read

    async def write(self, writer: PayloadWriter) -> None:
        """Stream the file to ``writer`` from its start offset."""
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Stream at most ``content_length`` bytes of the file to ``writer``."""
        loop = asyncio.get_running_loop()
        remaining = content_length
        read = self._slice_reader()
        while remaining is None or remaining > 0:
            limit = (
                FILE_CHUNK_SIZE
                if remaining is None
                else min(FILE_CHUNK_SIZE, remaining)
            )
            chunk = await loop.run_in_executor(None, read, limit)
            if chunk is None:
                return
            if not chunk:
                continue
            if remaining is not None:
                chunk = chunk[:remaining]
                remaining -= len(chunk)
            await writer.write(chunk)

    def _read_all(self) -> bytes:
        self._rewind()
        return self._read_chunk(-1)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Read the whole file and decode it (blocking; avoid inside the event loop)."""
        return self._read_all().decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Read the whole file in the executor and return its bytes."""
        return await asyncio.get_running_loop().run_in_executor(None, self._read_all)

    def _close(self) -> None:
        """Close the file in the executor without waiting for it."""
        if self._consumed and self._value.closed:
            return
        self._consumed = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._value.close()
            return
        future = loop.run_in_executor(None, self._value.close)
        # Keep a reference until the close has run.
        _CLOSING.add(future)
        future.add_done_callback(_CLOSING.discard)

    async def close(self) -> None:
        """Close the file (in the executor); the payload is then consumed."""
        if self._value.closed:
            self._consumed = True
            return
        self._consumed = True
        loop = asyncio.get_running_loop()
        # Shielded so that a cancelled caller still leaves the file closed.
        await asyncio.shield(loop.run_in_executor(None, self._value.close))


class TextIOPayload(IOBasePayload):
    """A body read from a text file object and encoded on the fly.

    The encoding is ``encoding``, else the charset of ``content_type``, else UTF-8;
    the default Content-Type is ``text/plain; charset=<encoding>``. A codec that
    starts its output with a byte order mark (``utf-16``, ``utf-32``,
    ``utf-8-sig``) writes it once, at the start of the body.

    Raises:
        ValueError: ``value`` is a closed file.
    """

    def __init__(
        self,
        value: TextIO,
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            if content_type is None:
                encoding = "utf-8"
                content_type = "text/plain; charset=utf-8"
            else:
                encoding = parse_mimetype(content_type)[2].get("charset", "utf-8")
        elif content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value, *args, content_type=content_type, encoding=encoding, **kwargs
        )
        self._sized_by_file = _encodes_as_stored(
            getattr(value, "encoding", None), encoding
        )

    @property
    def size(self) -> int | None:
        """The file's bytes after the start offset, or ``None`` when unknown.

        The size on disk is the body's length only when the text is encoded
        with the file's own codec and that codec adds no byte order mark;
        otherwise it is ``None`` and the body is sent chunked.

        Raises:
            ValueError: The file was closed (a body cannot be sent from it).
        """
        if not self._sized_by_file:
            self._check_open()
            return None
        return super().size

    def _slice_reader(self) -> Callable[[int], bytes | None]:
        """Return the reader for one pass: ``limit`` characters per call, encoded.

        One incremental encoder per pass writes a byte order mark once; the
        end of the file is an empty *read* (an encoded empty string can be a
        byte order mark, so an empty encoded slice cannot mark it).
        """
        encoder = codecs.getincrementalencoder(self._encoding or "utf-8")()
        started = finished = False

        def read(limit: int) -> bytes | None:
            nonlocal started, finished
            if finished:
                return None
            if not started:
                started = True
                self._rewind()
            text: str = self._value.read(limit)
            if text:
                return encoder.encode(text)
            finished = True
            # An empty file still gets the byte order mark, as as_bytes() does.
            return encoder.encode("", final=True)

        return read

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Read the whole text file (blocking; avoid inside the event loop)."""
        self._rewind()
        text: str = self._value.read()
        return text

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Read the whole text file in the executor and return it encoded."""
        actual = self._encoding or encoding

        def read_and_encode() -> bytes:
            self._rewind()
            text: str = self._value.read()
            return text.encode(actual, errors)

        return await asyncio.get_running_loop().run_in_executor(None, read_and_encode)


def _encodes_as_stored(file_encoding: object, encoding: str) -> bool:
    """Whether encoding a text file's contents gives back its bytes on disk.

    True when the payload's codec is the file's own and writes no byte order
    mark: a codec that does (``"".encode("utf-16")`` is not empty) adds one
    the file does not hold after its start offset.
    """
    if not isinstance(file_encoding, str):
        return False
    try:
        same = codecs.lookup(file_encoding).name == codecs.lookup(encoding).name
        return same and not codecs.getincrementalencoder(encoding)().encode("")
    except LookupError:
        return False


class BytesIOPayload(IOBasePayload):
    """A body read from an in-memory :class:`io.BytesIO` (no executor needed).

    The size is the number of bytes after the current position.
    """

    _autoclose = True

    def __init__(self, value: io.BytesIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(value, *args, **kwargs)
        position = value.tell()
        self._start_position = position
        self._size_value = len(value.getbuffer()) - position

    @property
    def size(self) -> int:
        """Bytes after the position the buffer had when the payload was made."""
        return self._size_value

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes, yielding between slices."""
        self._rewind()
        remaining = content_length
        first = True
        while remaining is None or remaining > 0:
            if not first:
                await asyncio.sleep(0)
            first = False
            limit = (
                MEMORY_CHUNK_SIZE
                if remaining is None
                else min(MEMORY_CHUNK_SIZE, remaining)
            )
            chunk = self._value.read(limit)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            await writer.write(chunk)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Return the bytes after the start position."""
        return self._read_all()

    async def close(self) -> None:
        """Do nothing: an in-memory buffer holds no resource."""

    def _close(self) -> None:
        """Do nothing: an in-memory buffer holds no resource."""


class BufferedReaderPayload(IOBasePayload):
    """A body read from a file opened in binary mode (``open(path, "rb")``).

    When the writer is a :class:`FileSender` and the file is a regular file
    opened read-only, the bytes from the start offset are offered to
    :meth:`FileSender.send_file` first; the file's position afterwards is the
    same as after reading them.
    """

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Send the file by descriptor if ``writer`` can, else stream it."""
        if isinstance(writer, FileSender) and type(self._value) is io.BufferedReader:
            span = self._file_span(content_length)
            if span is not None:
                offset, count = span
                if count == 0:
                    return
                sent = False
                try:
                    sent = await writer.send_file(self._value, offset, count)
                finally:
                    # sendfile may move the descriptor's offset behind the
                    # buffered reader's back: re-sync it (seeking to the end
                    # drops the reader's buffer and cached position). A file
                    # closed meanwhile must not hide the transfer's own error.
                    with contextlib.suppress(OSError, ValueError):
                        self._value.seek(0, os.SEEK_END)
                        self._value.seek(offset + count if sent else offset)
                if sent:
                    return
        await super().write_with_length(writer, content_length)

    def _file_span(self, content_length: int | None) -> tuple[int, int] | None:
        """The offset and length to send, or None for anything but a regular file.

        (``tell``, ``seek`` and ``fstat`` on a regular file do not wait for
        the disk, so they run on the loop.)
        """
        try:
            info = os.fstat(self._value.fileno())
        except (AttributeError, OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        self._rewind()
        if self._consumed:
            return None
        offset = self._value.tell()
        count = max(0, info.st_size - offset)
        if content_length is not None:
            count = min(count, content_length)
        return offset, count


PAYLOAD_REGISTRY.register(BytesPayload, (bytes, bytearray, memoryview))
PAYLOAD_REGISTRY.register(StringPayload, str)
PAYLOAD_REGISTRY.register(StringIOPayload, io.StringIO)
PAYLOAD_REGISTRY.register(TextIOPayload, io.TextIOBase)
PAYLOAD_REGISTRY.register(BytesIOPayload, io.BytesIO)
PAYLOAD_REGISTRY.register(BufferedReaderPayload, (io.BufferedReader, io.BufferedRandom))
PAYLOAD_REGISTRY.register(IOBasePayload, io.IOBase)
PAYLOAD_REGISTRY.register(AsyncIterablePayload, AsyncIterable, order=Order.try_last)
