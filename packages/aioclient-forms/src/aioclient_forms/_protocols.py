"""Structural types for the byte streams this package reads from and writes to.

The package is a leaf, so instead of importing an HTTP stack it describes the few
methods it needs as :class:`typing.Protocol` classes. Any object with matching
methods works: aioclient's own stream writer and reader, aiohttp's, or a test double.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Protocol, runtime_checkable

__all__ = ["ContentReader", "FileSender", "PayloadWriter", "ResponseLike"]


@runtime_checkable
class PayloadWriter(Protocol):
    """Destination of an outgoing body.

    :meth:`Payload.write <aioclient_forms.Payload.write>` and
    :meth:`MultipartWriter.write <aioclient_forms.MultipartWriter.write>` hand
    every chunk of the body to :meth:`write`, in order.
    """

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Send or store one chunk of body bytes.

        Args:
            chunk: The next bytes of the body; may be empty.
        """
        ...  # pragma: no cover - protocol


@runtime_checkable
class FileSender(PayloadWriter, Protocol):
    """A :class:`PayloadWriter` that can also send part of a file by descriptor.

    :class:`~aioclient_forms.BufferedReaderPayload` offers its file here first,
    so that a writer on a plain socket can hand it to the kernel (``sendfile``)
    instead of reading it into memory slice by slice. A writer that cannot do
    so for this body returns ``False`` and the payload writes the file itself.
    """

    async def send_file(self, file: IO[bytes], offset: int, count: int) -> bool:
        """Send ``count`` bytes of ``file`` starting at ``offset``.

        Args:
            file: A regular file opened for binary reading; its position is
                neither used nor changed.
            offset: Where the bytes start in the file.
            count: How many bytes to send (more than zero).

        Returns:
            ``True`` once the bytes were sent; ``False`` when this writer
            cannot send this file for this body and none of it was sent.
        """
        ...  # pragma: no cover - protocol


@runtime_checkable
class ContentReader(Protocol):
    """Source of an incoming body, read by :class:`~aioclient_forms.MultipartReader`.

    The multipart parser keeps its own look-ahead buffer and only ever calls
    :meth:`read` with a positive size; :meth:`readline` completes the shape of an
    HTTP response body stream so that the same object can be shared with other
    consumers.
    """

    async def read(self, n: int = -1) -> bytes:
        """Return up to ``n`` bytes (all remaining bytes when ``n`` is -1).

        Args:
            n: The maximum number of bytes to return, or -1 for everything.

        Returns:
            At least one byte, or ``b""`` once the stream is exhausted.
        """
        ...  # pragma: no cover - protocol

    async def readline(self) -> bytes:
        """Return the next line, including its line feed.

        Returns:
            The line, or ``b""`` once the stream is exhausted.
        """
        ...  # pragma: no cover - protocol


@runtime_checkable
class ResponseLike(Protocol):
    """The parts of an HTTP response that :meth:`MultipartReader.from_response` uses.

    ``release()`` may be a plain method or a coroutine function; its result is
    awaited when it is awaitable.
    """

    @property
    def headers(self) -> Mapping[str, str]:
        """Response header fields; lookups should be case-insensitive."""
        ...  # pragma: no cover - protocol

    @property
    def content(self) -> ContentReader:
        """The response body stream."""
        ...  # pragma: no cover - protocol

    def release(self) -> object:
        """Give the underlying connection back once the body is no longer needed.

        Returns:
            ``None`` or an awaitable that finishes the release.
        """
        ...  # pragma: no cover - protocol
