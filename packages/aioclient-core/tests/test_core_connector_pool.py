"""BaseConnector's pool: reuse, limits, FIFO waiting, cancellation, keep-alive, close.

Every test runs against a real loopback server; the pool is exercised through
TCPConnector with a minimal protocol so that only pool behaviour is under test.
"""

from __future__ import annotations

import asyncio
import gc
import random
from collections.abc import AsyncIterator

import pytest
from _connector_helpers import (
    FakeRequest,
    PlainProtocol,
    tcp_server,
    use_plain_protocol,
)
from yarl import URL

from aioclient_core._connector import BaseConnector, Connection, TCPConnector
from aioclient_core._exceptions import ClientConnectionError
from aioclient_core._timeouts import ClientTimeout

TIMEOUT = ClientTimeout()


class RecordingTrace:
    """Records which connector signals fired, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def send_connection_queued_start(self) -> None:
        self.events.append("queued_start")

    async def send_connection_queued_end(self) -> None:
        self.events.append("queued_end")

    async def send_connection_create_start(self) -> None:
        self.events.append("create_start")

    async def send_connection_create_end(self) -> None:
        self.events.append("create_end")

    async def send_connection_reuseconn(self) -> None:
        self.events.append("reuse")

    async def send_dns_resolvehost_start(self, host: str) -> None:
        self.events.append("dns_start")

    async def send_dns_resolvehost_end(self, host: str) -> None:
        self.events.append("dns_end")

    async def send_dns_cache_hit(self, host: str) -> None:
        self.events.append("dns_hit")

    async def send_dns_cache_miss(self, host: str) -> None:
        self.events.append("dns_miss")


@pytest.fixture
async def server_port() -> AsyncIterator[int]:
    async with tcp_server() as (_, port):
        yield port


def make_connector(**kwargs: object) -> TCPConnector:
    connector = TCPConnector(**kwargs)  # type: ignore[arg-type]
    use_plain_protocol(connector)
    return connector


def in_use(connector: TCPConnector) -> int:
    return connector._slots_total


async def test_released_connection_is_reused(server_port: int) -> None:
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    trace = RecordingTrace()
    first = await connector.connect(req, [trace], TIMEOUT)
    protocol = first.protocol
    first.release()
    second = await connector.connect(req, [trace], TIMEOUT)
    assert second.protocol is protocol
    assert trace.events == ["create_start", "create_end", "reuse"]
    second.release()
    await connector.close()


async def test_different_keys_never_share_a_connection(server_port: int) -> None:
    connector = make_connector()
    plain = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    unverified = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"), ssl=False)
    first = await connector.connect(plain, [], TIMEOUT)
    protocol = first.protocol
    first.release()
    second = await connector.connect(unverified, [], TIMEOUT)
    assert second.protocol is not protocol
    second.release()
    await connector.close()


async def test_should_close_connection_is_not_pooled(server_port: int) -> None:
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    protocol = conn.protocol
    assert isinstance(protocol, PlainProtocol)
    protocol.should_close = True
    conn.release()
    assert not protocol.is_connected()
    again = await connector.connect(req, [], TIMEOUT)
    assert again.protocol is not protocol
    again.close()
    await connector.close()


async def test_closed_connection_is_not_pooled(server_port: int) -> None:
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    protocol = conn.protocol
    conn.close()
    assert conn.closed
    assert conn.transport is None
    assert in_use(connector) == 0
    again = await connector.connect(req, [], TIMEOUT)
    assert again.protocol is not protocol
    again.release()
    await connector.close()


async def test_force_close_closes_after_each_request(server_port: int) -> None:
    connector = make_connector(force_close=True)
    assert connector.force_close
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    protocol = conn.protocol
    assert protocol is not None
    conn.release()
    assert not protocol.is_connected()
    await connector.close()


async def test_keepalive_timeout_with_force_close_is_refused() -> None:
    with pytest.raises(ValueError, match="keepalive_timeout cannot be set"):
        TCPConnector(force_close=True, keepalive_timeout=10)


async def test_idle_connection_expires_after_keepalive_timeout() -> None:
    async with tcp_server() as (server, port):
        connector = make_connector(keepalive_timeout=0.05)
        req = FakeRequest(URL(f"http://127.0.0.1:{port}/"))
        conn = await connector.connect(req, [], TIMEOUT)
        protocol = conn.protocol
        assert protocol is not None
        conn.release()
        await asyncio.wait_for(server.disconnected.wait(), 5)
        assert not protocol.is_connected()
        again = await connector.connect(req, [], TIMEOUT)
        assert again.protocol is not protocol
        assert server.accepted == 2
        again.release()
        await connector.close()


async def test_connection_closed_by_server_while_idle_is_replaced() -> None:
    async with tcp_server() as (server, port):
        connector = make_connector()
        req = FakeRequest(URL(f"http://127.0.0.1:{port}/"))
        conn = await connector.connect(req, [], TIMEOUT)
        protocol = conn.protocol
        assert isinstance(protocol, PlainProtocol)
        conn.release()
        server.close_clients()
        await asyncio.wait_for(protocol.closed, 5)
        again = await connector.connect(req, [], TIMEOUT)
        assert again.protocol is not protocol
        assert again.protocol is not None
        assert again.protocol.is_connected()
        again.release()
        await connector.close()


async def test_limit_bounds_connections_in_use_and_serves_fifo(
    server_port: int,
) -> None:
    connector = make_connector(limit=2)
    assert connector.limit == 2
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    holders = [await connector.connect(req, [], TIMEOUT) for _ in range(2)]
    order: list[int] = []
    peak = 0

    async def worker(n: int) -> None:
        nonlocal peak
        conn = await connector.connect(req, [], TIMEOUT)
        order.append(n)
        peak = max(peak, in_use(connector))
        await asyncio.sleep(0.001)
        conn.release()

    tasks = [asyncio.create_task(worker(n)) for n in range(6)]
    await asyncio.sleep(0.01)
    assert order == []  # every slot is held
    for conn in holders:
        conn.release()
    await asyncio.gather(*tasks)
    assert order == list(range(6))
    assert peak <= 2
    assert in_use(connector) == 0
    await connector.close()


async def test_limit_per_host_applies_per_key(server_port: int) -> None:
    connector = make_connector(limit=0, limit_per_host=1)
    assert connector.limit_per_host == 1
    a = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    b = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"), ssl=False)
    held = await connector.connect(a, [], TIMEOUT)
    # Another key is not blocked by the first key's limit.
    other = await asyncio.wait_for(connector.connect(b, [], TIMEOUT), 5)
    trace = RecordingTrace()
    waiting = asyncio.create_task(connector.connect(a, [trace], TIMEOUT))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    assert trace.events == ["queued_start"]
    held.release()
    conn = await asyncio.wait_for(waiting, 5)
    assert trace.events == ["queued_start", "queued_end", "reuse"]
    conn.release()
    other.release()
    await connector.close()


async def test_cancelled_waiter_leaks_no_slot(server_port: int) -> None:
    connector = make_connector(limit=1)
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    held = await connector.connect(req, [], TIMEOUT)
    waiter = asyncio.create_task(connector.connect(req, [], TIMEOUT))
    await asyncio.sleep(0.01)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    held.release()
    assert in_use(connector) == 0
    conn = await asyncio.wait_for(connector.connect(req, [], TIMEOUT), 5)
    conn.release()
    await connector.close()


async def test_waiter_cancelled_after_being_woken_passes_the_slot_on(
    server_port: int,
) -> None:
    connector = make_connector(limit=1)
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    held = await connector.connect(req, [], TIMEOUT)
    first = asyncio.create_task(connector.connect(req, [], TIMEOUT))
    second = asyncio.create_task(connector.connect(req, [], TIMEOUT))
    await asyncio.sleep(0.01)
    held.release()  # wakes `first` ...
    first.cancel()  # ... which leaves before it runs again
    with pytest.raises(asyncio.CancelledError):
        await first
    conn = await asyncio.wait_for(second, 5)
    assert in_use(connector) == 1
    conn.release()
    assert in_use(connector) == 0
    await connector.close()


async def test_random_cancellations_keep_exact_accounting(server_port: int) -> None:
    connector = make_connector(limit=3, limit_per_host=2)
    reqs = [
        FakeRequest(URL(f"http://127.0.0.1:{server_port}/")),
        FakeRequest(URL(f"http://127.0.0.1:{server_port}/"), ssl=False),
    ]
    rng = random.Random(1234)
    peak = 0

    async def worker() -> None:
        nonlocal peak
        conn = await connector.connect(rng.choice(reqs), [], TIMEOUT)
        try:
            peak = max(peak, in_use(connector))
            await asyncio.sleep(rng.random() / 500)
        finally:
            if rng.random() < 0.3:
                conn.close()
            else:
                conn.release()

    tasks = [asyncio.create_task(worker()) for _ in range(200)]
    for _ in range(60):
        await asyncio.sleep(rng.random() / 1000)
        rng.choice(tasks).cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert peak <= 3, "peak"
    assert in_use(connector) == 0
    assert connector._waiters == {}
    assert connector._in_use == {}
    idle = sum(len(q) for q in connector._idle.values())
    await connector.close()
    # A connection is made only when its key has no idle one, so each key keeps
    # at most limit_per_host (2) connections: two keys, at most 4 idle. (Idle
    # connections do not count toward `limit`, as in aiohttp.)
    assert idle <= 4, "idle"


async def test_close_fails_waiters_and_closes_everything(server_port: int) -> None:
    connector = make_connector(limit=1)
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    held = await connector.connect(req, [], TIMEOUT)
    protocol = held.protocol
    assert protocol is not None
    waiter = asyncio.create_task(connector.connect(req, [], TIMEOUT))
    await asyncio.sleep(0.01)
    await connector.close()
    assert connector.closed
    with pytest.raises(ClientConnectionError, match="Connector is closed"):
        await waiter
    assert not protocol.is_connected()
    held.release()  # harmless after close
    with pytest.raises(ClientConnectionError, match="Connector is closed"):
        await connector.connect(req, [], TIMEOUT)


async def test_close_that_is_not_awaited_warns() -> None:
    # TCPConnector.close() returns a coroutine (aiohttp's is `async def`):
    # Python itself reports one never awaited. The connector is closed anyway.
    connector = make_connector()
    closing = connector.close()
    assert connector.closed
    with pytest.warns(RuntimeWarning, match="was never awaited"):
        del closing  # CPython reports it as the last reference goes
    # BaseConnector.close() returns an awaitable that says what to do.
    base = BaseConnector()
    waiter = base.close()
    with pytest.warns(DeprecationWarning, match="please use await connector.close"):
        del waiter


async def test_async_context_manager_closes(server_port: int) -> None:
    async with make_connector() as connector:
        req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
        (await connector.connect(req, [], TIMEOUT)).release()
    assert connector.closed


async def test_connection_handle_api(server_port: int) -> None:
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    assert isinstance(conn, Connection)
    assert bool(conn) is True
    open_before_release = not conn.closed
    assert open_before_release
    assert conn.transport is not None
    with pytest.warns(DeprecationWarning, match="loop"):
        assert conn.loop is asyncio.get_running_loop()
    calls: list[str] = []
    conn.add_callback(lambda: calls.append("released"))
    conn.release()
    conn.release()  # a second release does nothing
    assert calls == ["released"]
    assert conn.closed
    assert conn.protocol is None
    await connector.close()


async def test_unclosed_connection_warns_and_is_not_pooled(server_port: int) -> None:
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    protocol = conn.protocol
    assert protocol is not None
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(lambda _loop, ctx: reported.append(ctx["message"]))
    with pytest.warns(ResourceWarning, match="Unclosed connection"):
        del conn
    loop.set_exception_handler(None)
    assert reported == ["Unclosed connection"]
    assert not protocol.is_connected()
    assert in_use(connector) == 0
    await connector.close()


async def test_a_dropped_connector_with_idle_connections_is_reported(
    server_port: int,
) -> None:
    """Its keep-alive timer must not keep it alive: it is collected and reported."""
    connector = make_connector()
    req = FakeRequest(URL(f"http://127.0.0.1:{server_port}/"))
    conn = await connector.connect(req, [], TIMEOUT)
    protocol = conn.protocol
    assert protocol is not None
    conn.release()  # pooled: the keep-alive expiry timer is now scheduled
    assert protocol.is_connected()
    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, ctx: reported.append(ctx))
    with pytest.warns(ResourceWarning, match="Unclosed connector"):  # noqa: PT031
        del conn, connector
        gc.collect()  # (in case a reference cycle holds it)
    loop.set_exception_handler(None)
    assert [ctx["message"] for ctx in reported] == ["Unclosed connector"]
    assert len(reported[0]["connections"]) == 1  # type: ignore[arg-type]
    assert not protocol.is_connected()  # the idle connection was closed
