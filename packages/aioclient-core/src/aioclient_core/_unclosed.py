"""Making leaks visible: reporting objects garbage-collected while still open.

Sessions, connectors, connections and responses that are dropped without being
closed warn with ``ResourceWarning`` and tell the loop's exception handler, as
asyncio does for transports; in debug mode the report includes where the object
was created. A ``close()`` that returns an awaitable warns if nobody awaits it
(:class:`CloseWaiter`).
"""

from __future__ import annotations

import asyncio
import traceback
import warnings
from collections.abc import Coroutine, Generator
from types import ModuleType
from typing import Any

__all__ = ["CloseWaiter", "creation_stack", "report_unclosed"]


def creation_stack(loop: asyncio.AbstractEventLoop) -> traceback.StackSummary | None:
    """Where the caller is being created, kept only in debug mode (it is costly)."""
    return traceback.extract_stack(limit=8) if loop.get_debug() else None


def report_unclosed(
    obj: object,
    loop: asyncio.AbstractEventLoop,
    *,
    key: str,
    message: str,
    source_traceback: traceback.StackSummary | None,
    warnings_module: ModuleType | None = warnings,
    extra: dict[str, Any] | None = None,
) -> None:
    """Warn that ``obj`` was never closed and tell the loop's exception handler.

    Args:
        obj: The object found open in ``__del__``.
        loop: Its event loop (not told once closed).
        key: The context key naming the object, e.g. ``"client_session"``.
        message: ``"Unclosed client session"`` and the like.
        source_traceback: Where the object was created, if recorded.
        warnings_module: ``__del__`` passes the ``warnings`` module it bound
            early, because module globals may already be gone at interpreter exit.
        extra: More context for the exception handler.
    """
    if warnings_module is not None:
        warnings_module.warn(
            f"{message} {obj!r}", ResourceWarning, source=obj, stacklevel=3
        )
    if loop.is_closed():
        return
    context: dict[str, Any] = {key: obj, "message": message, **(extra or {})}
    if source_traceback is not None:
        context["source_traceback"] = source_traceback
    loop.call_exception_handler(context)


class CloseWaiter:
    """What a ``close()`` kept callable without ``await`` returns.

    Awaiting it runs the closing coroutine. Dropping it unawaited closes the
    coroutine and warns with ``DeprecationWarning`` (aiohttp's ``close()``
    methods became coroutines; code that still calls them bare is told so).

    Args:
        coro: The coroutine that finishes closing.
        message: The warning shown when it is never awaited.
    """

    __slots__ = ("_awaited", "_coro", "_message")

    def __init__(self, coro: Coroutine[Any, Any, None], message: str) -> None:
        self._coro = coro
        self._message = message
        self._awaited = False

    def __await__(self) -> Generator[Any, None, None]:
        self._awaited = True
        return self._coro.__await__()

    def __del__(self) -> None:
        if not self._awaited:
            self._coro.close()
            warnings.warn(self._message, DeprecationWarning, stacklevel=2)
