"""No file descriptor outlives its use: the connector leaks nothing under stress."""

from __future__ import annotations

import asyncio
import os
import random

import pytest
from _connector_helpers import FakeRequest, tcp_server
from yarl import URL

from aioclient_core._connector import TCPConnector
from aioclient_core._timeouts import ClientTimeout

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="needs /proc to count descriptors"
)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_stress_with_cancellations_leaves_no_descriptor_open() -> None:
    async with tcp_server() as (server, port):
        await asyncio.sleep(0)
        baseline = open_fds()
        connector = TCPConnector(limit=4, limit_per_host=3)
        reqs = [
            FakeRequest(URL(f"http://127.0.0.1:{port}/")),
            FakeRequest(URL(f"http://127.0.0.1:{port}/"), ssl=False),
        ]
        rng = random.Random(99)

        async def worker() -> None:
            conn = await connector.connect(rng.choice(reqs), [], ClientTimeout())
            try:
                await asyncio.sleep(rng.random() / 200)
            finally:
                (conn.close if rng.random() < 0.4 else conn.release)()

        tasks = [asyncio.create_task(worker()) for _ in range(300)]
        for _ in range(80):
            await asyncio.sleep(rng.random() / 1000)
            rng.choice(tasks).cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert connector._slots_total == 0
        await connector.close()
        # Closing is asynchronous on both ends (each transport closes its socket on
        # a later loop turn): give them a bounded moment to finish.
        for _ in range(200):
            if not server.open_writers and open_fds() <= baseline:
                break
            await asyncio.sleep(0.01)
        assert open_fds() == baseline
