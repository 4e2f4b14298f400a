"""The deprecated ``@streamer`` decorator for coroutine-produced bodies.

Kept for aiohttp compatibility; async generators (wrapped by
:class:`AsyncIterablePayload`) are the replacement. The payload classes here are
registered for the wrapper objects the decorator creates.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from ._payload import Payload, payload_type
from ._protocols import PayloadWriter

__all__ = ["StreamPayload", "StreamWrapperPayload", "streamer"]

_Producer = Callable[..., Awaitable[None]]


class _StreamWrapper:
    def __init__(
        self, coro: _Producer, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.coro = coro
        self.args = args
        self.kwargs = kwargs

    async def __call__(self, writer: PayloadWriter) -> None:
        await self.coro(writer, *self.args, **self.kwargs)


class streamer:
    """Deprecated decorator turning ``async def f(writer, ...)`` into a body source.

    Calling the decorated object with arguments returns a value that
    :func:`get_payload` wraps; each write of that payload awaits
    ``f(writer, *args, **kwargs)`` again, so the body can be re-sent.

    Warns:
        DeprecationWarning: At decoration time; use an async generator instead.
    """

    def __init__(self, coro: _Producer) -> None:
        warnings.warn(
            "@streamer is deprecated, use async generators instead",
            DeprecationWarning,
            stacklevel=2,
        )
        self.coro = coro

    def __call__(self, *args: Any, **kwargs: Any) -> _StreamWrapper:
        """Bind arguments for the producer; the result is sent as a body."""
        return _StreamWrapper(self.coro, args, kwargs)


@payload_type(_StreamWrapper)
class StreamWrapperPayload(Payload):
    """Payload for a bound ``@streamer`` producer.

    Every :meth:`write` calls the producer anew, so the body can be sent
    again (after a 307/308 redirect, RFC 9110 section 15.4.8) and the payload
    is never :attr:`consumed`, as in aiohttp.
    """

    async def write(self, writer: PayloadWriter) -> None:
        """Run the producer against ``writer`` (once per call)."""
        await self._value(writer)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Refuse: the content only exists while it is being written.

        Raises:
            TypeError: Always.
        """
        raise TypeError("Unable to decode.")


@payload_type(streamer)
class StreamPayload(StreamWrapperPayload):
    """Payload for a ``@streamer`` object passed without calling it."""

    def __init__(self, value: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(value(), *args, **kwargs)
