"""The receiving half of a connection's flow control: back-pressure and ``sock_read``.

``ResponseHandler`` (``protocol``) inherits it. The body stream calls
:meth:`ReceivingSide.pause_reading` when its buffer passes the high-water mark
and :meth:`ReceivingSide.resume_reading` once it drains; while reading is
paused the ``sock_read`` timer is off, because the silence is the client's
(security category 4: a slow reader never makes the client buffer without
bound, and never times out on itself). The timer is also held while the
request body is sent (as in aiohttp), and a large ``Content-Length`` body is
read with fewer wake-ups where the platform allows (``_batching``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from .._exceptions import SocketTimeoutError
from .._timeouts import ReadTimer
from ._batching import ReceiveBatching
from ._sending import SendingSide

if TYPE_CHECKING:
    from .._streams import StreamReader

__all__ = ["ReceivingSide"]


class ReceivingSide(SendingSide):
    """Read back-pressure, the ``sock_read`` timer and receive batching.

    Not a protocol on its own: ``ResponseHandler`` provides the body stream,
    ``_pump`` and ``set_exception`` that it declares.

    Args:
        loop: The event loop the connection runs on.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        #: True while reading from the transport is paused for back-pressure.
        #: A plain attribute, not a property: the body stream reads it after
        #: every piece it hands out. Only pause/resume_reading() change it.
        self.reading_paused = False
        self._read_timer: ReadTimer | None = None
        self._read_timer_settings: tuple[float, float] = (0.0, 0.0)
        # sock_read waits while the request body is sent (start_read_timer).
        self._read_timer_deferred = False
        # Fewer wake-ups while a large Content-Length body streams (Linux).
        self._batching: ReceiveBatching | None = None

    # -- what the connection protocol (``ResponseHandler``) provides ------------------

    #: The response body being received, if any.
    _payload: StreamReader | None
    #: Decode pending body input; end the body if it is complete.
    _pump: Callable[[], None]
    #: Fail whatever is being read with the given error.
    set_exception: Callable[[BaseException], None]

    # -- flow control (called by the body stream) --------------------------------

    def pause_reading(self) -> None:
        """Stop reading: the body's consumer is behind."""
        if self.reading_paused:
            return
        self.reading_paused = True
        # The silence that follows is ours, not the server's.
        self._cancel_read_timer()
        if self.transport is not None:
            # A transport that is already closing may refuse; that is fine.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self.transport.pause_reading()

    def resume_reading(self) -> None:
        """Read again: decode what is pending first, then ask the transport."""
        if not self.reading_paused:
            return
        self.reading_paused = False
        self._pump()
        if self.reading_paused or self.transport is None:
            return
        with contextlib.suppress(NotImplementedError, RuntimeError):
            self.transport.resume_reading()
        if self._payload is not None and self._read_timer is not None:
            self._read_timer.rearm()

    # -- the sock_read timer -------------------------------------------------------

    def defer_read_timer(self) -> None:
        """Hold ``sock_read`` while the request body is being sent.

        Silence during an upload is the client's, not the server's: as in
        aiohttp, the timer starts when the body is sent (or when the answer
        starts to arrive, if that comes first).
        """
        # Recorded even before the timer exists: the response is set up (and
        # its timer armed) right after the request is written.
        self._read_timer_deferred = True
        if self._read_timer is not None:
            self._read_timer.cancel()

    def start_read_timer(self) -> None:
        """The request body is sent: from now on the server's silence counts."""
        if self._read_timer_deferred:
            self._read_timer_deferred = False
            if self._read_timer is not None and not self.reading_paused:
                self._read_timer.rearm()

    def _arm_read_timer(
        self, read_timeout: float | None, timeout_ceil_threshold: float
    ) -> None:
        """Set ``sock_read`` for the next response (None or <= 0: no limit).

        A keep-alive connection keeps its timer while the settings are unchanged.
        A deferral asked for by the request just written (an upload) holds it.
        """
        if self._read_timer is not None:
            self._read_timer.cancel()
        if read_timeout is None or read_timeout <= 0:
            self._read_timer = None  # sock_read disabled (the default)
            self._read_timer_deferred = False
            return
        settings = (read_timeout, timeout_ceil_threshold)
        if self._read_timer is None or settings != self._read_timer_settings:
            self._read_timer = ReadTimer(
                read_timeout,
                self._on_read_timeout,
                ceil_threshold=timeout_ceil_threshold,
                loop=self._loop,
            )
            self._read_timer_settings = settings
        if not self._read_timer_deferred:  # (else start_read_timer() arms it)
            self._read_timer.rearm()

    def _on_read_timeout(self) -> None:
        exc = SocketTimeoutError("Timeout on reading data from socket")
        self.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    def _cancel_read_timer(self) -> None:
        # (Also ends a deferral: nothing more is awaited from the server.)
        self._read_timer_deferred = False
        if self._read_timer is not None:
            self._read_timer.cancel()

    # -- receive batching ----------------------------------------------------------

    def _start_batching(self, remaining: int | None) -> None:
        """Prepare the low-water mark for a body with ``remaining`` bytes to come.

        See ``_batching``: only a large ``Content-Length`` body qualifies
        (``remaining`` is None for any other framing).
        """
        if self._batching is not None:
            self._batching.stop()
        self._batching = ReceiveBatching.for_body(
            self.transport, self._loop, remaining, lambda: self.reading_paused
        )
