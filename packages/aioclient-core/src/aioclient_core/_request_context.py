"""The objects ``session.get(...)`` and ``aioclient.request(...)`` return.

``session.get(url)`` is both awaitable (``resp = await session.get(url)``) and an
async context manager (``async with session.get(url) as resp``) that releases the
response on the way out. The module-level ``request()`` makes a one-off session
and is only a context manager, which closes that session afterwards.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._response import ClientResponse

if TYPE_CHECKING:
    from ._session import ClientSession

__all__ = ["_RequestContextManager", "_SessionRequestContextManager"]


class _RequestContextManager(Coroutine[Any, Any, ClientResponse]):
    """An awaitable request that is also an async context manager."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Coroutine[Any, Any, ClientResponse]) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None

    def send(self, arg: Any) -> Any:
        return self._coro.send(arg)

    def throw(self, *args: Any) -> Any:
        return self._coro.throw(*args)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, ClientResponse]:
        return self._coro.__await__()

    def __iter__(self) -> Generator[Any, None, ClientResponse]:
        return self.__await__()

    async def __aenter__(self) -> ClientResponse:
        resp = self._resp = await self._coro
        if type(resp).__aenter__ is ClientResponse.__aenter__:
            resp._in_context = True  # what it does, without another coroutine
            return resp
        return await resp.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        resp = self._resp
        assert resp is not None
        if type(resp).__aexit__ is ClientResponse.__aexit__:
            # What it does, without another coroutine: release, then wait
            # for a request body still being sent (rare: release stops it).
            resp._in_context = False
            resp.release()
            if resp._writer is not None:
                await resp.wait_for_close()
            return
        await resp.__aexit__(exc_type, exc, tb)


class _SessionRequestContextManager:
    """``async with aioclient.request(...) as resp``: a request with its own session."""

    __slots__ = ("_coro", "_resp", "_session")

    def __init__(
        self, coro: Coroutine[Any, Any, ClientResponse], session: ClientSession
    ) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None
        self._session = session

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._resp is not None:
            self._resp.close()
        await self._session.close()
