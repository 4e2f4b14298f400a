"""``TCPConnector``: name resolution, Happy Eyeballs, TLS and certificate pins.

A new connection resolves the host (through the DNS cache unless disabled),
races the addresses with Happy Eyeballs (RFC 8305, via ``aiohappyeyeballs``),
wraps the socket in TLS when the URL asks for it, and checks a certificate pin
if one is set. Only canonical IP literals skip the resolver: a numeric host
that the C library would read differently (``127.1``, ``0x7f.1``,
``2130706433``) is refused, so a resolver that filters addresses always sees
the one that is connected to (security category 10).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import ssl
import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import aiohappyeyeballs

from aioclient_auth import Fingerprint, FingerprintMismatch

from .._exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    InvalidUrlClientError,
    ServerFingerprintMismatch,
)
from .._http.protocol import ResponseHandler
from .._resolver import AbstractResolver, DefaultResolver, ResolveResult
from .._sentinel import SENTINEL, Sentinel
from .._timeouts import ClientTimeout, ceil_timeout
from ._base import BaseConnector
from ._dns_cache import DNSCache
from ._tls import SSLSetting, merge_ssl_params, ssl_context_for
from ._types import ConnectorTrace, ConnectRequest, PooledProtocol

__all__ = ["TCPConnector"]

# Any host made only of numbers (decimal, octal or hex) and dots: inet_aton()
# accepts many spellings of one address, and only the dotted-quad one is canonical.
_NUMERIC_HOST = re.compile(
    r"(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+))*\.?"
)


@functools.lru_cache(maxsize=256)  # pure, and ipaddress parsing is slow Python
def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return None


class TCPConnector(BaseConnector):
    """Connections over TCP, optionally with TLS.

    Accepts every :class:`BaseConnector` argument plus:

    Args:
        verify_ssl: Deprecated; use ``ssl=False``.
        fingerprint: Deprecated; use ``ssl=Fingerprint(digest)``.
        use_dns_cache: Cache resolved addresses.
        ttl_dns_cache: Seconds a cached address stays valid (``None``: forever).
        dns_cache_max_size: Most host names cached; least recently used go first.
        family: ``socket.AF_INET`` or ``AF_INET6`` to use only that family.
        ssl_context: Deprecated; use ``ssl=context``.
        ssl: Default TLS setting: ``True`` (verified), ``False`` (unverified), an
            ``SSLContext`` or a ``Fingerprint``. A request's own non-default
            setting wins.
        local_addr: ``(host, port)`` to bind outgoing sockets to.
        resolver: The resolver; by default a ``DefaultResolver`` this connector
            owns and closes.
        happy_eyeballs_delay: Seconds before racing the next address (RFC 8305);
            ``None`` tries addresses one after another.
        interleave: RFC 8305 "First Address Family Count".
        socket_factory: Makes the socket for each attempt from its address info.
        ssl_shutdown_timeout: Deprecated. Seconds to wait for a clean TLS
            shutdown (close_notify) when closing; 0 (the default) aborts.
    """

    allowed_protocol_schema_set = BaseConnector.allowed_protocol_schema_set | {"tcp"}

    def __init__(
        self,
        *,
        verify_ssl: bool = True,
        fingerprint: bytes | None = None,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        dns_cache_max_size: int = 1000,
        family: socket.AddressFamily = socket.AddressFamily.AF_UNSPEC,
        ssl_context: ssl.SSLContext | None = None,
        ssl: SSLSetting = True,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        keepalive_timeout: float | None | Sentinel = SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: aiohappyeyeballs.SocketFactoryType | None = None,
        ssl_shutdown_timeout: float | None | Sentinel = SENTINEL,
    ) -> None:
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
        )
        self._ssl = merge_ssl_params(
            ssl, verify_ssl if not verify_ssl else SENTINEL, ssl_context, fingerprint
        )
        if ssl_shutdown_timeout is not SENTINEL:
            warnings.warn(
                "The ssl_shutdown_timeout parameter is deprecated",
                DeprecationWarning,
                stacklevel=2,
            )
        self._ssl_shutdown_timeout = (
            0.0 if isinstance(ssl_shutdown_timeout, Sentinel) else ssl_shutdown_timeout
        )
        self._resolver_owner = resolver is None
        self._resolver: AbstractResolver = resolver or DefaultResolver()
        self._use_dns_cache = use_dns_cache
        self._cached_hosts = DNSCache(ttl=ttl_dns_cache, max_size=dns_cache_max_size)
        self._resolving: dict[tuple[str, int], asyncio.Future[list[ResolveResult]]]
        self._resolving = {}
        self._family = family
        self._local_addr_infos = (
            aiohappyeyeballs.addr_to_addr_infos(local_addr) if local_addr else None
        )
        self._happy_eyeballs_delay = happy_eyeballs_delay
        self._interleave = interleave
        self._socket_factory = socket_factory
        self._factory: Callable[[], ResponseHandler] = functools.partial(
            ResponseHandler, self._loop
        )

    @property
    def family(self) -> int:
        """The address family connections are restricted to (0: any)."""
        return self._family

    @property
    def use_dns_cache(self) -> bool:
        """True if resolved addresses are cached."""
        return self._use_dns_cache

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget cached addresses: of one ``(host, port)``, or all of them.

        Raises:
            ValueError: Only one of ``host`` and ``port`` was given.
        """
        if host is not None and port is not None:
            self._cached_hosts.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("either both host and port or none of them are allowed")
        else:
            self._cached_hosts.clear()

    def close(self, *, abort_ssl: bool = False) -> Coroutine[Any, Any, None]:
        """Close every connection and, if this connector made it, the resolver.

        The connections are closed during the call, awaited or not.

        Args:
            abort_ssl: Abort TLS transports instead of shutting them down (always
                the case unless a positive ``ssl_shutdown_timeout`` was given).

        Returns:
            A coroutine that finishes once everything is closed. A coroutine, not
            just an awaitable, because aiohttp's ``TCPConnector.close`` is one:
            code may hand it to ``asyncio.create_task``.
        """
        for future in self._resolving.values():
            future.cancel()
        self._resolving.clear()
        protocols = self._close_now(
            abort_ssl=abort_ssl or not self._ssl_shutdown_timeout
        )
        return self._finish_close(protocols)

    async def _finish_close(self, protocols: Sequence[PooledProtocol]) -> None:
        await super()._finish_close(protocols)
        if self._resolver_owner:
            await self._resolver.close()

    # -- resolution ----------------------------------------------------------------

    async def _resolve_host(
        self,
        host: str,
        port: int,
        traces: Sequence[ConnectorTrace] | None = None,
    ) -> list[ResolveResult]:
        """Resolve ``host`` through the cache (overridable, e.g. to filter addresses).

        Raises:
            InvalidUrlClientError: A numeric host in a non-canonical spelling.
            OSError: Resolution failed.
        """
        literal = _ip_literal(host)
        if literal is not None:
            return [
                ResolveResult(
                    hostname=host,
                    host=host,
                    port=port,
                    family=socket.AF_INET6 if literal.version == 6 else socket.AF_INET,
                    proto=0,
                    flags=socket.AI_NUMERICHOST,
                )
            ]
        if _NUMERIC_HOST.fullmatch(host):
            raise InvalidUrlClientError(host, "is not a canonical IPv4 address")
        traces = traces or ()
        if not self._use_dns_cache:
            return await self._lookup(host, port, traces)
        key = (host, port)
        cached = self._cached_hosts.get(key)
        if cached is not None:
            for trace in traces:
                await trace.send_dns_cache_hit(host)
            return cached
        for trace in traces:
            await trace.send_dns_cache_miss(host)
        pending = self._resolving.get(key)
        if pending is not None:
            # Coalesce: one lookup per key, however many requests wait for it.
            return list(await asyncio.shield(pending))
        return await self._lookup_and_cache(key, traces)

    async def _lookup_and_cache(
        self, key: tuple[str, int], traces: Sequence[ConnectorTrace]
    ) -> list[ResolveResult]:
        # The lookup runs in a task of its own, shielded from each request
        # that waits for it: one request cancelled (or timed out) while it
        # waits must not fail the others, nor lose the answer for the cache
        # (as in aiohttp).
        task = self._loop.create_task(self._lookup(key[0], key[1], traces))
        self._resolving[key] = task
        task.add_done_callback(lambda done: self._lookup_done(key, done))
        return list(await asyncio.shield(task))

    def _lookup_done(
        self, key: tuple[str, int], task: asyncio.Future[list[ResolveResult]]
    ) -> None:
        if self._resolving.get(key) is task:
            del self._resolving[key]
        if task.cancelled():
            return
        if task.exception() is None:  # (also marks a failure as seen)
            self._cached_hosts.add(key, task.result())

    async def _lookup(
        self, host: str, port: int, traces: Sequence[ConnectorTrace]
    ) -> list[ResolveResult]:
        for trace in traces:
            await trace.send_dns_resolvehost_start(host)
        addrs = await self._resolver.resolve(host, port, family=self._family)
        for trace in traces:
            await trace.send_dns_resolvehost_end(host)
        return addrs

    # -- connecting ------------------------------------------------------------------

    async def _create_connection(
        self,
        req: ConnectRequest,
        traces: Sequence[ConnectorTrace],
        timeout: ClientTimeout,
    ) -> PooledProtocol:
        """Connect to ``req``'s host, trying each resolved address in turn."""
        host = req.host.rstrip(".") + ("." if req.host.endswith(".") else "")
        port = req.port or (443 if req.is_ssl() else 80)
        try:
            addrs = await self._resolve_host(host, port, traces)
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            raise ClientConnectorDNSError(req.connection_key, exc) from exc
        setting = self._ssl_setting(req)
        context = ssl_context_for(setting) if req.is_ssl() else None
        fingerprint = setting if isinstance(setting, Fingerprint) else None
        if fingerprint is None and isinstance(self._ssl, Fingerprint):
            # The connector's pin holds unless the request brings a pin of its
            # own (as in aiohttp): ssl=False or a context given to one request
            # chooses how to handshake, it does not unpin the certificate.
            fingerprint = self._ssl
        server_hostname = (req.server_hostname or host).rstrip(".") if context else None
        remaining = list(addrs)
        mismatch: ServerFingerprintMismatch | None = None
        while remaining:
            try:
                protocol = await self._connect_infos(
                    req, _addr_infos(remaining), context, server_hostname, timeout
                )
            except ClientConnectorError:
                # A name whose addresses refuse connections should be looked up
                # afresh next time rather than served from the cache.
                self._cached_hosts.remove((host, port))
                raise
            if fingerprint is None or protocol.transport is None:
                return protocol
            try:
                fingerprint.check(protocol.transport)
            except FingerprintMismatch as exc:
                protocol.close()
                mismatch = ServerFingerprintMismatch(exc.expected, exc.got, host, port)
                # Another address of the same name may serve the pinned
                # certificate: drop this one and try the rest.
                peer = protocol.transport.get_extra_info("peername")
                bad = str(peer[0]) if peer else None
                self._cached_hosts.remove_address((host, port), str(bad))
                shorter = [addr for addr in remaining if addr["host"] != bad]
                remaining = shorter if len(shorter) < len(remaining) else []
                continue
            return protocol
        if mismatch is None:  # resolvers return at least one address or raise
            raise ClientConnectorDNSError(
                req.connection_key, OSError(None, f"no address for {host}")
            )
        raise mismatch

    def _ssl_setting(self, req: ConnectRequest) -> SSLSetting:
        # A request-level True defers to the connector's setting; anything else
        # (a context, False, a pin) is the request's explicit choice.
        return self._ssl if req.ssl is True else req.ssl

    async def _connect_infos(
        self,
        req: ConnectRequest,
        infos: list[aiohappyeyeballs.AddrInfoType],
        context: ssl.SSLContext | None,
        server_hostname: str | None,
        timeout: ClientTimeout,
    ) -> PooledProtocol:
        kwargs: dict[str, Any] = {}
        if context is not None:
            kwargs = {"ssl": context, "server_hostname": server_hostname}
            if self._ssl_shutdown_timeout:
                kwargs["ssl_shutdown_timeout"] = self._ssl_shutdown_timeout
        try:
            async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
                sock = await aiohappyeyeballs.start_connection(
                    infos,
                    local_addr_infos=self._local_addr_infos,
                    happy_eyeballs_delay=self._happy_eyeballs_delay,
                    interleave=self._interleave,
                    loop=self._loop,
                    socket_factory=self._socket_factory,
                )
                _transport, protocol = await self._loop.create_connection(
                    self._factory, sock=sock, **kwargs
                )
        except ssl.CertificateError as exc:
            raise ClientConnectorCertificateError(req.connection_key, exc) from exc
        except ssl.SSLError as exc:
            raise ClientConnectorSSLError(req.connection_key, exc) from exc
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            raise ClientConnectorError(req.connection_key, exc) from exc
        return protocol


def _addr_infos(addrs: Sequence[ResolveResult]) -> list[aiohappyeyeballs.AddrInfoType]:
    infos: list[aiohappyeyeballs.AddrInfoType] = []
    for addr in addrs:
        address: tuple[Any, ...]
        if addr["family"] == socket.AF_INET6:
            address = (addr["host"], addr["port"], 0, 0)
        else:
            address = (addr["host"], addr["port"])
        infos.append((addr["family"], socket.SOCK_STREAM, addr["proto"], "", address))
    return infos
