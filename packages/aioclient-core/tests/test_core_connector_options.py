"""TCPConnector's address, socket and TLS-shutdown options against real sockets."""

from __future__ import annotations

import asyncio
import socket
import ssl

import pytest
import trustme
from _connector_helpers import FakeRequest, tcp_server
from aiohappyeyeballs import AddrInfoType
from yarl import URL

from aioclient_core._connector import TCPConnector
from aioclient_core._resolver import AbstractResolver, ResolveResult
from aioclient_core._timeouts import ClientTimeout

TIMEOUT = ClientTimeout()


class DualResolver(AbstractResolver):
    """Answers every name with ::1 and 127.0.0.1, filtered by the asked family."""

    def __init__(self) -> None:
        self.families: list[int] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.families.append(family)
        answers = [("::1", socket.AF_INET6), ("127.0.0.1", socket.AF_INET)]
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=fam,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address, fam in answers
            if family in (socket.AF_UNSPEC, fam)
        ]

    async def close(self) -> None:
        return None


async def test_family_restricts_resolution_and_connection() -> None:
    async with tcp_server("127.0.0.1") as (server, port):
        resolver = DualResolver()
        connector = TCPConnector(resolver=resolver, family=socket.AF_INET)
        assert connector.family == socket.AF_INET
        conn = await connector.connect(
            FakeRequest(URL(f"http://dual.test:{port}/")), [], TIMEOUT
        )
        assert resolver.families == [socket.AF_INET]
        assert conn.transport is not None
        assert conn.transport.get_extra_info("peername")[0] == "127.0.0.1"
        conn.release()
        await connector.close()
        assert server.accepted == 1


async def test_local_addr_binds_the_outgoing_socket() -> None:
    async with tcp_server("127.0.0.1") as (_, port):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        local_port = probe.getsockname()[1]
        probe.close()
        connector = TCPConnector(local_addr=("127.0.0.1", local_port))
        conn = await connector.connect(
            FakeRequest(URL(f"http://127.0.0.1:{port}/")), [], TIMEOUT
        )
        assert conn.transport is not None
        assert conn.transport.get_extra_info("sockname")[1] == local_port
        conn.close()
        await connector.close()


async def test_socket_factory_makes_each_socket() -> None:
    made: list[AddrInfoType] = []

    def factory(addr_info: AddrInfoType) -> socket.socket:
        made.append(addr_info)
        family, type_, proto, _, _ = addr_info
        sock = socket.socket(family=family, type=type_, proto=proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        return sock

    async with tcp_server("127.0.0.1") as (_, port):
        connector = TCPConnector(socket_factory=factory)
        conn = await connector.connect(
            FakeRequest(URL(f"http://127.0.0.1:{port}/")), [], TIMEOUT
        )
        assert len(made) == 1
        assert conn.transport is not None
        sock = conn.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        conn.release()
        await connector.close()


async def test_interleave_and_delay_are_accepted_for_sequential_attempts() -> None:
    async with tcp_server("127.0.0.1") as (server, port):
        # happy_eyeballs_delay=None tries the addresses one after another: ::1 has
        # no listener, so the connection lands on 127.0.0.1.
        connector = TCPConnector(
            resolver=DualResolver(), happy_eyeballs_delay=None, interleave=1
        )
        conn = await connector.connect(
            FakeRequest(URL(f"http://dual.test:{port}/")), [], TIMEOUT
        )
        assert conn.transport is not None
        assert conn.transport.get_extra_info("peername")[0] == "127.0.0.1"
        conn.release()
        await connector.close()
        assert server.accepted == 1


async def test_clean_tls_shutdown_when_a_timeout_is_given() -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    async with tcp_server("127.0.0.1", ssl_context=server_context) as (server, port):
        with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
            connector = TCPConnector(ssl=client_context, ssl_shutdown_timeout=2.0)
        req = FakeRequest(URL(f"https://127.0.0.1:{port}/"))
        conn = await connector.connect(req, [], TIMEOUT)
        conn.release()
        await asyncio.wait_for(connector.close(), 5)
        await asyncio.wait_for(server.disconnected.wait(), 5)
