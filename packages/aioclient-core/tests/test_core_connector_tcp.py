"""TCPConnector, UnixConnector and the resolvers against real loopback sockets."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from _connector_helpers import FakeRequest, tcp_server, unix_server
from yarl import URL

from aioclient_auth import Fingerprint, FingerprintMismatch
from aioclient_core._connector import NamedPipeConnector, TCPConnector, UnixConnector
from aioclient_core._exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientSSLError,
    InvalidUrlClientError,
    ServerFingerprintMismatch,
    UnixClientConnectorError,
)
from aioclient_core._http.protocol import ResponseHandler
from aioclient_core._resolver import (
    AbstractResolver,
    AsyncResolver,
    DefaultResolver,
    ResolveResult,
    ThreadedResolver,
)
from aioclient_core._timeouts import ClientTimeout

TIMEOUT = ClientTimeout()


class MapResolver(AbstractResolver):
    """Resolves names from a table (like /etc/hosts for one test) and counts calls."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []
        self.gate: asyncio.Event | None = None
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        if self.gate is not None:
            await self.gate.wait()
        if host not in self.table:
            raise OSError(None, f"unknown host {host}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        self.closed = True


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1", "example.test").configure_cert(context)
    return context


@pytest.fixture
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def url(host: str, port: int, scheme: str = "http") -> URL:
    return URL.build(scheme=scheme, host=host, port=port, path="/")


async def test_connects_with_the_default_protocol() -> None:
    async with tcp_server() as (server, port):
        connector = TCPConnector()
        conn = await connector.connect(FakeRequest(url("127.0.0.1", port)), [], TIMEOUT)
        assert isinstance(conn.protocol, ResponseHandler)
        assert conn.transport is not None
        conn.release()
        await connector.close()
        assert server.accepted == 1


async def test_connects_over_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 support")
    try:
        context = tcp_server("::1")
        server, port = await context.__aenter__()
    except OSError:
        pytest.skip("::1 is not available")
    try:
        connector = TCPConnector()
        conn = await connector.connect(FakeRequest(url("::1", port)), [], TIMEOUT)
        peer = conn.transport.get_extra_info("peername") if conn.transport else None
        assert peer is not None
        assert peer[0] == "::1"
        conn.release()
        await connector.close()
    finally:
        await context.__aexit__(None, None, None)


async def test_happy_eyeballs_falls_back_to_the_family_that_listens() -> None:
    async with tcp_server("127.0.0.1") as (server, port):
        resolver = MapResolver({"dual.test": ["::1", "127.0.0.1"]})
        connector = TCPConnector(resolver=resolver, happy_eyeballs_delay=0.05)
        conn = await connector.connect(FakeRequest(url("dual.test", port)), [], TIMEOUT)
        assert server.accepted == 1
        conn.release()
        await connector.close()
        assert not resolver.closed  # not ours to close


async def test_connection_refused_is_connector_error() -> None:
    async with tcp_server() as (_, port):
        pass  # the port is free again now
    connector = TCPConnector()
    req = FakeRequest(url("127.0.0.1", port))
    with pytest.raises(ClientConnectorError) as info:
        await connector.connect(req, [], TIMEOUT)
    assert info.value.host == "127.0.0.1"
    assert info.value.port == port
    assert isinstance(info.value.os_error, OSError)
    assert "Cannot connect to host 127.0.0.1" in str(info.value)
    await connector.close()


async def test_resolution_failure_is_dns_error() -> None:
    connector = TCPConnector(resolver=MapResolver({}))
    with pytest.raises(ClientConnectorDNSError):
        await connector.connect(FakeRequest(url("nowhere.test", 80)), [], TIMEOUT)
    await connector.close()


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1"])
async def test_non_canonical_numeric_hosts_are_refused(host: str) -> None:
    resolver = MapResolver({})
    connector = TCPConnector(resolver=resolver)
    with pytest.raises(InvalidUrlClientError, match="not a canonical IPv4 address"):
        await connector._resolve_host(host, 80)
    assert resolver.calls == []  # never reached the resolver
    await connector.close()


async def test_ip_literals_skip_the_resolver() -> None:
    resolver = MapResolver({})
    connector = TCPConnector(resolver=resolver)
    [v4] = await connector._resolve_host("127.0.0.1", 80)
    [v6] = await connector._resolve_host("::1", 443)
    assert (v4["host"], v4["family"]) == ("127.0.0.1", socket.AF_INET)
    assert (v6["host"], v6["family"]) == ("::1", socket.AF_INET6)
    assert resolver.calls == []
    await connector.close()


async def test_dns_cache_hits_expires_and_clears() -> None:
    resolver = MapResolver({"a.test": ["127.0.0.1", "127.0.0.2"]})
    connector = TCPConnector(resolver=resolver, ttl_dns_cache=0.05)
    assert connector.use_dns_cache
    first = await connector._resolve_host("a.test", 80)
    second = await connector._resolve_host("a.test", 80)
    assert resolver.calls == ["a.test"]
    assert [r["host"] for r in second] == [r["host"] for r in reversed(first)]
    await asyncio.sleep(0.1)
    await connector._resolve_host("a.test", 80)
    assert resolver.calls == ["a.test", "a.test"]
    connector.clear_dns_cache("a.test", 80)
    await connector._resolve_host("a.test", 80)
    assert len(resolver.calls) == 3
    with pytest.raises(ValueError, match="either both host and port"):
        connector.clear_dns_cache("a.test")
    await connector.close()


async def test_dns_cache_can_be_disabled() -> None:
    resolver = MapResolver({"a.test": ["127.0.0.1"]})
    connector = TCPConnector(resolver=resolver, use_dns_cache=False)
    await connector._resolve_host("a.test", 80)
    await connector._resolve_host("a.test", 80)
    assert resolver.calls == ["a.test", "a.test"]
    await connector.close()


async def test_dns_cache_is_bounded() -> None:
    resolver = MapResolver({f"h{i}.test": ["127.0.0.1"] for i in range(5)})
    connector = TCPConnector(resolver=resolver, dns_cache_max_size=2)
    for i in range(5):
        await connector._resolve_host(f"h{i}.test", 80)
    assert len(connector._cached_hosts) == 2
    await connector.close()


async def test_concurrent_lookups_of_one_name_are_coalesced() -> None:
    resolver = MapResolver({"a.test": ["127.0.0.1"]})
    resolver.gate = asyncio.Event()
    connector = TCPConnector(resolver=resolver)
    lookups = [
        asyncio.create_task(connector._resolve_host("a.test", 80)) for _ in range(5)
    ]
    await asyncio.sleep(0.01)
    resolver.gate.set()
    results = await asyncio.gather(*lookups)
    assert resolver.calls == ["a.test"]
    assert all(r[0]["host"] == "127.0.0.1" for r in results)
    await connector.close()


async def test_a_cancelled_waiter_does_not_fail_the_others_sharing_a_lookup() -> None:
    # As aiohttp: the first request's cancellation (or timeout) leaves the
    # shared lookup running for the others, and its answer is cached.
    resolver = MapResolver({"a.test": ["127.0.0.1"]})
    resolver.gate = asyncio.Event()
    connector = TCPConnector(resolver=resolver)
    first = asyncio.create_task(connector._resolve_host("a.test", 80))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(connector._resolve_host("a.test", 80))
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.sleep(0.01)
    resolver.gate.set()
    [result] = await second
    assert result["host"] == "127.0.0.1"
    assert first.cancelled()
    await connector._resolve_host("a.test", 80)  # from the cache
    assert resolver.calls == ["a.test"]
    await connector.close()


async def test_owned_resolver_is_closed_with_the_connector() -> None:
    connector = TCPConnector()
    assert isinstance(connector._resolver, DefaultResolver)
    await connector.close()


async def test_threaded_resolver_resolves_localhost() -> None:
    results = await ThreadedResolver().resolve("localhost", 8080, socket.AF_INET)
    assert results
    assert results[0]["host"] == "127.0.0.1"
    assert results[0]["port"] == 8080
    assert results[0]["hostname"] == "localhost"


async def test_async_resolver_needs_aiodns() -> None:
    pytest.importorskip("aiodns", reason="the aiodns path is tested when installed")
    resolver = AsyncResolver()
    results = await resolver.resolve("localhost", 80, socket.AF_INET)
    assert results[0]["host"] == "127.0.0.1"
    await resolver.close()


async def test_tls_with_a_trusted_certificate(
    server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    async with tcp_server(ssl_context=server_context) as (server, port):
        connector = TCPConnector(ssl=client_context)
        req = FakeRequest(url("localhost", port, "https"))
        conn = await connector.connect(req, [], TIMEOUT)
        assert conn.transport is not None
        assert conn.transport.get_extra_info("ssl_object") is not None
        conn.release()
        await connector.close()


async def test_tls_with_an_untrusted_ca_fails(server_context: ssl.SSLContext) -> None:
    async with tcp_server(ssl_context=server_context) as (_, port):
        connector = TCPConnector()  # system trust store: trustme's CA is unknown
        req = FakeRequest(url("localhost", port, "https"))
        with pytest.raises(ClientConnectorCertificateError) as info:
            await connector.connect(req, [], TIMEOUT)
        assert isinstance(info.value, ClientSSLError)
        assert isinstance(info.value, ssl.CertificateError)
        # Generic handlers of connector errors read these: they must work.
        verification = info.value.certificate_error
        assert isinstance(verification, ssl.SSLCertVerificationError)
        assert info.value.os_error is verification
        assert info.value.errno == verification.errno == 1
        assert "CERTIFICATE_VERIFY_FAILED" in str(info.value.strerror)
        await connector.close()


async def test_tls_with_the_wrong_host_name_fails(
    server_context: ssl.SSLContext, client_context: ssl.SSLContext
) -> None:
    async with tcp_server(ssl_context=server_context) as (_, port):
        resolver = MapResolver({"wrong.test": ["127.0.0.1"]})
        connector = TCPConnector(ssl=client_context, resolver=resolver)
        req = FakeRequest(url("wrong.test", port, "https"))
        with pytest.raises(ClientConnectorCertificateError):
            await connector.connect(req, [], TIMEOUT)
        # server_hostname makes the same connection verify against another name.
        named = FakeRequest(
            url("wrong.test", port, "https"), server_hostname="example.test"
        )
        conn = await connector.connect(named, [], TIMEOUT)
        conn.release()
        await connector.close()


async def test_ssl_false_skips_verification(server_context: ssl.SSLContext) -> None:
    async with tcp_server(ssl_context=server_context) as (_, port):
        connector = TCPConnector()
        req = FakeRequest(url("localhost", port, "https"), ssl=False)
        conn = await connector.connect(req, [], TIMEOUT)
        conn.release()
        await connector.close()


async def test_plain_server_with_tls_client_is_ssl_error() -> None:
    async with tcp_server() as (server, port):
        connector = TCPConnector()
        req = FakeRequest(url("127.0.0.1", port, "https"), ssl=False)
        task = asyncio.create_task(connector.connect(req, [], TIMEOUT))
        await asyncio.sleep(0.05)
        server.close_clients()  # a plain server hangs up on a TLS hello
        with pytest.raises((ClientConnectorSSLError, ClientConnectorError)):
            await task
        await connector.close()


def _peer_certificate_digest(server_context: ssl.SSLContext, port: int) -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port)) as sock,
        ssl._create_unverified_context().wrap_socket(sock) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return hashlib.sha256(der).digest()


async def test_fingerprint_match_and_mismatch(server_context: ssl.SSLContext) -> None:
    async with tcp_server(ssl_context=server_context) as (_, port):
        loop = asyncio.get_running_loop()
        digest = await loop.run_in_executor(
            None, _peer_certificate_digest, server_context, port
        )
        connector = TCPConnector()
        good = FakeRequest(url("127.0.0.1", port, "https"), ssl=Fingerprint(digest))
        conn = await connector.connect(good, [], TIMEOUT)
        conn.release()
        wrong = Fingerprint(hashlib.sha256(b"another certificate").digest())
        bad = FakeRequest(url("127.0.0.1", port, "https"), ssl=wrong)
        with pytest.raises(ServerFingerprintMismatch) as info:
            await connector.connect(bad, [], TIMEOUT)
        assert isinstance(info.value, FingerprintMismatch)
        assert info.value.expected == wrong.fingerprint
        assert info.value.got == digest
        assert (info.value.host, info.value.port) == ("127.0.0.1", port)
        await connector.close()


async def test_connector_wide_fingerprint_applies_to_default_requests(
    server_context: ssl.SSLContext,
) -> None:
    async with tcp_server(ssl_context=server_context) as (_, port):
        wrong = Fingerprint(hashlib.sha256(b"nope").digest())
        connector = TCPConnector(ssl=wrong)
        req = FakeRequest(url("127.0.0.1", port, "https"))
        with pytest.raises(ServerFingerprintMismatch):
            await connector.connect(req, [], TIMEOUT)
        await connector.close()


async def test_a_connector_pin_holds_against_a_request_setting(
    server_context: ssl.SSLContext,
) -> None:
    # ssl=False or a context on one request chooses the handshake; only a pin
    # of the request's own replaces the connector's pin (as in aiohttp).
    async with tcp_server(ssl_context=server_context) as (_, port):
        loop = asyncio.get_running_loop()
        digest = await loop.run_in_executor(
            None, _peer_certificate_digest, server_context, port
        )
        wrong = Fingerprint(hashlib.sha256(b"nope").digest())
        connector = TCPConnector(ssl=wrong)
        trusting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        trusting.check_hostname = False
        trusting.verify_mode = ssl.CERT_NONE
        for setting in (False, trusting):
            req = FakeRequest(url("127.0.0.1", port, "https"), ssl=setting)
            with pytest.raises(ServerFingerprintMismatch):
                await connector.connect(req, [], TIMEOUT)
        own = FakeRequest(url("127.0.0.1", port, "https"), ssl=Fingerprint(digest))
        conn = await connector.connect(own, [], TIMEOUT)
        conn.release()
        await connector.close()


@pytest.mark.parametrize("value", [1, 0, "yes", b"x", object()])
async def test_a_connector_ssl_of_another_type_is_refused(value: object) -> None:
    # Anything but True would otherwise connect without checking certificates.
    with pytest.raises(TypeError, match="ssl should be SSLContext, bool, Fingerprint"):
        TCPConnector(ssl=value)  # type: ignore[arg-type]


async def test_deprecated_tls_arguments_warn() -> None:
    with pytest.warns(DeprecationWarning, match="verify_ssl is deprecated"):
        connector = TCPConnector(verify_ssl=False)
    assert connector._ssl is False
    await connector.close()
    with (
        pytest.warns(DeprecationWarning, match="fingerprint is deprecated"),
        pytest.raises(ValueError, match="mutually exclusive"),
    ):
        TCPConnector(fingerprint=b"\0" * 32, ssl=False)


@pytest.fixture
def socket_path() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield str(Path(folder) / "http.sock")


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
async def test_unix_connector(socket_path: str) -> None:
    async with unix_server(socket_path) as server:
        connector = UnixConnector(socket_path)
        assert connector.path == socket_path
        conn = await connector.connect(
            FakeRequest(URL("http://localhost/")), [], TIMEOUT
        )
        assert isinstance(conn.protocol, ResponseHandler)
        conn.release()
        await connector.close()
        assert server.accepted == 1


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
async def test_unix_connector_missing_socket(socket_path: str) -> None:
    connector = UnixConnector(socket_path)
    with pytest.raises(UnixClientConnectorError) as info:
        await connector.connect(FakeRequest(URL("http://localhost/")), [], TIMEOUT)
    assert info.value.path == socket_path
    assert "Cannot connect to unix socket" in str(info.value)
    await connector.close()


async def test_named_pipes_need_the_proactor_loop() -> None:
    with pytest.raises(RuntimeError, match="Named Pipes only available"):
        NamedPipeConnector(r"\\.\pipe\aioclient")


async def test_schemes_each_connector_accepts() -> None:
    tcp = TCPConnector()
    assert "https" in tcp.allowed_protocol_schema_set
    assert "tcp" in tcp.allowed_protocol_schema_set
    assert "unix" in UnixConnector.allowed_protocol_schema_set
    assert "npipe" in NamedPipeConnector.allowed_protocol_schema_set
    await tcp.close()


async def test_failed_connection_drops_the_cached_addresses() -> None:
    async with tcp_server() as (_, port):
        pass  # the port is closed now
    resolver = MapResolver({"gone.test": ["127.0.0.1"]})
    connector = TCPConnector(resolver=resolver)
    req = FakeRequest(url("gone.test", port))
    for _ in range(2):
        with pytest.raises(ClientConnectorError):
            await connector.connect(req, [], TIMEOUT)
    # Each failure forgot the entry, so the name was looked up again.
    assert resolver.calls == ["gone.test", "gone.test"]
    await connector.close()


async def test_close_is_a_coroutine_that_can_become_a_task() -> None:
    # aiohttp's TCPConnector.close is `async def`: code passes it to create_task.
    async with tcp_server() as (_, port):
        connector = TCPConnector()
        conn = await connector.connect(
            FakeRequest(url("127.0.0.1", port, "http")), [], TIMEOUT
        )
        protocol = conn.protocol
        conn.release()
        closing = connector.close()
        assert asyncio.iscoroutine(closing)
        assert connector.closed  # closed during the call, as before
        await asyncio.create_task(closing)
        assert protocol is not None
        assert not protocol.is_connected()
