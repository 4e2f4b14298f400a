"""Streamed payloads: a body produced chunk by chunk by an async iterable.

Such a body has no size known in advance, so HTTP/1.1 sends it with the chunked
transfer coding (RFC 9112 section 7.1) unless the caller declared a
``Content-Length``, which then bounds it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Final

from ._payload import Payload
from ._protocols import PayloadWriter

__all__ = ["AsyncIterablePayload"]

_CONSUMED_MESSAGE: Final = (
    "The payload was already streamed and cannot be written again; "
    "call as_bytes() before the first write to make it replayable"
)


class AsyncIterablePayload(Payload):
    """A body produced chunk by chunk by an async iterable of bytes.

    The size is unknown, so HTTP sends it chunked. Streaming it marks it
    :attr:`consumed`; writing it again raises :class:`RuntimeError` unless
    :meth:`as_bytes` cached the chunks first.

    Chunks may be any bytes-like object. A mutable one (``bytearray``, a
    writable ``memoryview``) is copied as it is written, so the iterable may
    refill the same buffer for its next chunk; ``bytes`` and read-only views
    are written without a copy.

    Raises:
        TypeError: ``value`` is not an async iterable.
    """

    _autoclose = True

    def __init__(
        self,
        value: AsyncIterable[bytes | bytearray | memoryview],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(
                "value argument must support "
                "collections.abc.AsyncIterable interface, "
                f"got {type(value)!r}"
            )
        kwargs.setdefault("content_type", "application/octet-stream")
        super().__init__(value, *args, **kwargs)
        self._iter: AsyncIterator[bytes | bytearray | memoryview] | None = (
            value.__aiter__()
        )
        self._cached: list[bytes] | None = None

    async def write(self, writer: PayloadWriter) -> None:
        """Stream every chunk to ``writer``.

        Raises:
            RuntimeError: The iterable was already streamed by an earlier write.
        """
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: PayloadWriter, content_length: int | None
    ) -> None:
        """Stream chunks to ``writer``, stopping after ``content_length`` bytes.

        Raises:
            RuntimeError: The iterable was already streamed by an earlier write.
        """
        remaining = content_length
        if self._cached is not None:
            chunks: AsyncIterator[bytes | bytearray | memoryview] | None = None
        elif self._iter is None:
            raise RuntimeError(_CONSUMED_MESSAGE)
        else:
            chunks, self._iter = self._iter, None
            self._consumed = True
        async for chunk in chunks if chunks is not None else _aiter(self._cached or []):
            data = chunk if type(chunk) is bytes else _settled(chunk)
            if remaining is None:
                await writer.write(data)
                continue
            await writer.write(data[:remaining])
            remaining -= len(data)
            if remaining <= 0:
                break

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Return the cached content as text.

        Raises:
            TypeError: :meth:`as_bytes` has not cached the content.
        """
        if self._cached is None:
            raise TypeError(
                "Unable to decode - content not cached. Call as_bytes() first."
            )
        return b"".join(self._cached).decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Drain the iterable once, cache the chunks and return them joined.

        Raises:
            RuntimeError: The iterable was already streamed by :meth:`write`.
        """
        if self._cached is None:
            if self._iter is None:
                raise RuntimeError(_CONSUMED_MESSAGE)
            chunks, self._iter = self._iter, None
            self._cached = [bytes(chunk) async for chunk in chunks]
            self._consumed = False
        return b"".join(self._cached)


def _settled(chunk: bytes | bytearray | memoryview) -> bytes | memoryview:
    """A streamed chunk as bytes its producer cannot change any more.

    A transport may keep a view of a written chunk until the socket takes
    it, while the producer resumes and refills the same buffer for its next
    chunk: a mutable chunk is copied. A read-only view is kept as is, cast to
    single bytes so that its length counts bytes.
    """
    view = memoryview(chunk)
    if view.readonly and view.c_contiguous:
        return view.cast("B")
    return view.tobytes()


async def _aiter(items: list[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item
