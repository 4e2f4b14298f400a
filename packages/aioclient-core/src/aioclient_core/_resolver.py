"""Host name resolution: the resolver interface and its two implementations.

``ThreadedResolver`` asks the operating system (``getaddrinfo`` in the loop's
thread pool); ``AsyncResolver`` asks c-ares through the optional ``aiodns``
package. ``DefaultResolver`` is the asynchronous one when ``aiodns`` can do
``getaddrinfo`` and the threaded one otherwise, as in aiohttp.

Every result is numeric (``AI_NUMERICHOST | AI_NUMERICSERV``): the connector
connects to exactly the address the resolver returned, so a filtering resolver
(an SSRF guard, say) sees every address that will be used (security category 10).
"""

from __future__ import annotations

import abc
import asyncio
import importlib
import socket
import sys
import weakref
from typing import Any, TypedDict

__all__ = [
    "AbstractResolver",
    "AsyncResolver",
    "DefaultResolver",
    "ResolveResult",
    "ThreadedResolver",
]

# aiodns is optional. It is loaded by name so that type checking does not depend
# on whether it happens to be installed.
aiodns: Any
try:
    aiodns = importlib.import_module("aiodns")
except ImportError:  # pragma: no cover - depends on the environment
    aiodns = None

# Not inlined: type checkers would treat the Windows-only branch as unreachable.
_IS_WINDOWS: bool = sys.platform == "win32"
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_NAMEINFO_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV


class ResolveResult(TypedDict):
    """One address a host name resolved to.

    Attributes:
        hostname: The name that was looked up.
        host: The numeric address to connect to.
        port: The port to connect to.
        family: The address family (``socket.AF_INET`` or ``socket.AF_INET6``).
        proto: The protocol number from ``getaddrinfo``.
        flags: ``getaddrinfo`` flags describing ``host`` and ``port``.
    """

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AbstractResolver(abc.ABC):
    """The interface a ``TCPConnector`` uses to turn names into addresses."""

    @abc.abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses of ``host``, best first.

        Raises:
            OSError: The name could not be resolved.
        """

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the resolver's resources."""


def _result(
    host: str, address: str, port: int, family: int, proto: int
) -> ResolveResult:
    return ResolveResult(
        hostname=host,
        host=address,
        port=port,
        family=family,
        proto=proto,
        flags=_NUMERIC_FLAGS,
    )


class ThreadedResolver(AbstractResolver):
    """Resolve with the operating system's ``getaddrinfo`` in a worker thread.

    Args:
        loop: Ignored unless given; the running loop is used otherwise.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` to numeric addresses (see ``AbstractResolver``)."""
        loop = self._loop or asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(
                host,
                port,
                type=socket.SOCK_STREAM,
                family=family,
                flags=socket.AI_ADDRCONFIG,
            )
        except socket.gaierror:
            # Windows may refuse AI_ADDRCONFIG for localhost when no interface
            # but loopback is up; a plain lookup succeeds there.
            if not _IS_WINDOWS or host != "localhost":
                raise
            infos = await loop.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, family=family
            )
        results = []
        for info_family, _type, proto, _name, address in infos:
            if info_family == socket.AF_INET6:
                if len(address) < 3:
                    continue  # an interpreter built without IPv6 support
                if address[3]:
                    # Link-local: keep the scope id (fe80::1%eth0) so the
                    # address stays usable.
                    name, service = await loop.getnameinfo(address[:4], _NAMEINFO_FLAGS)
                    port_number = int(service)
                    results.append(_result(host, name, port_number, info_family, proto))
                    continue
            results.append(
                _result(host, str(address[0]), int(address[1]), info_family, proto)
            )
        return results

    async def close(self) -> None:
        """Nothing to release: the loop owns the thread pool."""


class _SharedDNSResolver:
    """One ``aiodns.DNSResolver`` per event loop, shared by reference count.

    A c-ares channel has its own sockets and timers; sharing it between every
    default ``AsyncResolver`` on a loop keeps their number bounded.
    """

    _by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, int]] = (
        weakref.WeakKeyDictionary()
    )

    @classmethod
    def acquire(cls, loop: asyncio.AbstractEventLoop) -> Any:
        resolver, count = cls._by_loop.get(loop, (None, 0))
        if resolver is None:
            resolver = aiodns.DNSResolver(loop=loop)
        cls._by_loop[loop] = (resolver, count + 1)
        return resolver

    @classmethod
    async def release(cls, loop: asyncio.AbstractEventLoop) -> None:
        resolver, count = cls._by_loop.get(loop, (None, 0))
        if resolver is None:
            return
        if count > 1:
            cls._by_loop[loop] = (resolver, count - 1)
            return
        del cls._by_loop[loop]
        await _close_dns_resolver(resolver)


async def _close_dns_resolver(resolver: Any) -> None:
    close = getattr(resolver, "close", None)
    if close is None:  # pragma: no cover - aiodns < 3.3
        resolver.cancel()
        return
    outcome = close()
    if asyncio.iscoroutine(outcome):
        await outcome


class AsyncResolver(AbstractResolver):
    """Resolve with c-ares through the optional ``aiodns`` package.

    Without arguments every instance on a loop shares one c-ares channel; with
    arguments (``nameservers=[...]``, ``timeout=...``) the instance gets its
    own ``aiodns.DNSResolver(*args, **kwargs)``.

    Raises:
        RuntimeError: ``aiodns`` is not installed.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if aiodns is None:
            raise RuntimeError("Resolver requires aiodns library")
        self._loop = loop or asyncio.get_running_loop()
        self._shared = not args and not kwargs
        if self._shared:
            self._resolver = _SharedDNSResolver.acquire(self._loop)
        else:
            self._resolver = aiodns.DNSResolver(*args, loop=self._loop, **kwargs)
        self._closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` to numeric addresses (see ``AbstractResolver``)."""
        try:
            answer = await self._resolver.getaddrinfo(
                host,
                port=port,
                type=socket.SOCK_STREAM,
                family=family,
                flags=socket.AI_ADDRCONFIG,
            )
        except aiodns.error.DNSError as exc:
            # aiodns errors are (code, message); keep the message, drop the
            # c-ares code, which is not an errno.
            message = exc.args[1] if len(exc.args) > 1 else "DNS lookup failed"
            raise OSError(None, message) from exc
        results = []
        for node in answer.nodes:
            address = node.addr
            name = address[0].decode("ascii")
            node_port = int(address[1])
            if node.family == socket.AF_INET6 and len(address) > 3 and address[3]:
                info = await self._resolver.getnameinfo(
                    (name, *address[1:]), _NAMEINFO_FLAGS
                )
                name = info.node
            results.append(_result(host, name, node_port, node.family, 0))
        if not results:
            raise OSError(None, "DNS lookup failed")
        return results

    async def close(self) -> None:
        """Release the c-ares channel (shared channels when the last user closes)."""
        if self._closed:
            return
        self._closed = True
        if self._shared:
            await _SharedDNSResolver.release(self._loop)
        else:
            await _close_dns_resolver(self._resolver)


def _aiodns_can_getaddrinfo() -> bool:
    return aiodns is not None and hasattr(aiodns.DNSResolver, "getaddrinfo")


#: The resolver ``TCPConnector`` creates when none is given.
DefaultResolver: type[AbstractResolver] = (
    AsyncResolver if _aiodns_can_getaddrinfo() else ThreadedResolver
)
