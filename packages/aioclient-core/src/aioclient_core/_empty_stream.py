"""``EMPTY_PAYLOAD``: the shared body stream of responses that have no body.

HEAD requests and 1xx, 204 and 304 responses have no content (RFC 9110 §6.4.1);
they all get this one stream, which is at EOF from the start and cannot be fed,
failed or reconfigured, so sharing it is safe.
"""

from __future__ import annotations

import warnings
from typing import Final

from ._dataqueue import EXC_CAUSE_NOT_GIVEN
from ._stream_feed import DEFAULT_LIMIT, UNREAD_DEPRECATED
from ._streams import StreamReader

__all__ = ["EMPTY_PAYLOAD", "EmptyStreamReader", "failed_empty_stream"]


class _ClosedProtocol:
    """Protocol stand-in for :class:`EmptyStreamReader`: never connected."""

    connected = False
    reading_paused = False

    def pause_reading(self) -> None:
        """Do nothing: there is no transport."""

    def resume_reading(self) -> None:
        """Do nothing: there is no transport."""


class EmptyStreamReader(StreamReader):
    """A stream that is always at EOF (bodies of HEAD, 1xx, 204 and 304 responses).

    It cannot be fed, failed, or reconfigured, so the shared ``EMPTY_PAYLOAD``
    instance stays empty forever. :meth:`readchunk` always returns the EOF marker
    ``(b"", False)``. (aiohttp returns ``(b"", True)`` from the second call on,
    which makes a later ``iter_chunks()`` over the shared instance spin forever
    without yielding to the event loop.)
    """

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_ClosedProtocol(), DEFAULT_LIMIT)
        self._eof = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def set_exception(
        self,
        exc: type[BaseException] | BaseException,
        exc_cause: BaseException = EXC_CAUSE_NOT_GIVEN,
    ) -> None:
        """Ignore the error: an empty body cannot fail."""

    def feed_data(self, data: bytes | memoryview, size: int = 0) -> bool:
        """Ignore the data: an empty body stays empty (``False``, as aiohttp)."""
        return False

    def feed_eof(self) -> None:
        """Do nothing: the stream is always at EOF."""

    def set_read_chunk_size(self, n: int) -> None:
        """Do nothing: there is nothing to buffer."""

    def begin_http_chunk_receiving(self) -> None:
        """Do nothing: an empty body has no chunks."""

    def end_http_chunk_receiving(self) -> None:
        """Do nothing: an empty body has no chunks."""

    def unread_data(self, data: bytes) -> None:
        """Ignore the data (deprecated, as on :class:`StreamReader`)."""
        warnings.warn(UNREAD_DEPRECATED, DeprecationWarning, stacklevel=2)


#: The shared always-empty body stream.
EMPTY_PAYLOAD: Final[StreamReader] = EmptyStreamReader()


def failed_empty_stream(exc: BaseException) -> StreamReader:
    """A new empty stream at EOF whose every read raises ``exc``.

    For an empty body (``Content-Length: 0``, or no chunks) that was released
    unread: it shared ``EMPTY_PAYLOAD``, which cannot fail, yet aiohttp makes
    such a body unreadable on release like any other.
    """
    stream = StreamReader(_ClosedProtocol(), DEFAULT_LIMIT)
    stream.feed_eof()  # (nothing will ever be fed: no protocol behind it)
    stream.set_exception(exc)
    return stream
