"""Bodies streamed from async iterables arrive byte for byte, whatever the chunks.

A transport may keep a view of a written chunk until its socket takes it
(uvloop always does; asyncio from Python 3.12 does), and the large chunks of a
chunked body go to the transport uncopied in one gathered write. So a producer
that refills one buffer for every chunk, chunks of every size around the
writer's thresholds, and typed views must all reach the server unchanged, on
the default loop and on uvloop, chunked and with a ``Content-Length``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from _servers import serve_app
from _uploads import digest_app, upload
from aiohttp import web
from yarl import URL

#: Bytes per body: more than the kernel's socket buffers on both ends take.
_TOTAL = 16 * 2**20


def _count(size: int) -> int:
    return _TOTAL // size


def _fill(index: int, size: int) -> bytes:
    return bytes([index % 251]) * size


def _expected(size: int) -> bytes:
    return b"".join(_fill(i, size) for i in range(_count(size)))


async def _reused_bytearray(size: int) -> AsyncIterator[bytearray]:
    buffer = bytearray(size)
    for index in range(_count(size)):
        buffer[:] = _fill(index, size)  # refilled while the last may be queued
        yield buffer


async def _reused_view(size: int) -> AsyncIterator[memoryview]:
    buffer = bytearray(size)
    view = memoryview(buffer)
    for index in range(_count(size)):
        buffer[:] = _fill(index, size)
        yield view


async def _typed_views(size: int) -> AsyncIterator[memoryview]:
    for index in range(_count(size)):
        yield memoryview(_fill(index, size)).cast("i")  # len() counts ints


async def _fresh_bytes(size: int) -> AsyncIterator[bytes]:
    for index in range(_count(size)):
        yield _fill(index, size)


_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_Producer = Callable[[int], AsyncIterator[bytes | bytearray | memoryview]]
#: Producers, each with the chunk sizes it is sent with: joined with their
#: framing (4 KiB), gathered (20 and 64 KiB), and sliced (300 KiB).
_BODIES: dict[str, tuple[_Producer, tuple[int, ...]]] = {
    "reused-bytearray": (_reused_bytearray, (4096, 65536)),
    "reused-view": (_reused_view, (4096, 65536)),
    "typed-view": (_typed_views, (65536,)),
    "bytes": (_fresh_bytes, (4096, 20480, 65536, 300 * 1024)),
}


async def check_all(url: URL) -> dict[str, object]:
    """Upload every body both ways; map each case to what went wrong, or "ok"."""
    results: dict[str, object] = {}
    for name, (producer, sizes) in _BODIES.items():
        for size in sizes:
            expected = _expected(size)
            want = {
                "length": len(expected),
                "sha256": hashlib.sha256(expected).hexdigest(),
            }
            for framing in ("chunked", "length"):
                headers = {}
                if framing == "length":
                    headers["Content-Length"] = str(len(expected))
                got = await upload(url, producer(size), headers=headers)
                case = f"{name}-{size}-{framing}"
                seen = {key: got[key] for key in want}
                chunked = got["chunked"] == (framing == "chunked")
                results[case] = "ok" if seen == want and chunked else got
    return results


async def _check_served() -> dict[str, object]:
    app = digest_app()
    app.middlewares.append(_late_reader)
    async with serve_app(app) as url:
        return await check_all(url)


@web.middleware
async def _late_reader(request: web.Request, handler: _Handler) -> web.StreamResponse:
    # The server stops reading for a moment: the socket buffers fill, and the
    # client's transport has to queue what it was given.
    await asyncio.sleep(0.05)
    return await handler(request)


async def test_streamed_chunks_arrive_unchanged_on_the_default_loop() -> None:
    results = await _check_served()
    assert {case: result for case, result in results.items() if result != "ok"} == {}
    assert len(results) == 18


_ON_UVLOOP = """
import json, sys
import uvloop
sys.path.insert(0, sys.argv[1])
import test_session_stream_chunks as cases
print(json.dumps(uvloop.run(cases._check_served())))
"""


def test_streamed_chunks_arrive_unchanged_on_uvloop() -> None:
    # uvloop's transport keeps views of what it could not send at once: a
    # refilled buffer would change bytes still queued. (Its own interpreter, as
    # users run uvloop, not inside pytest-asyncio's loop.)
    pytest.importorskip("uvloop")
    done = subprocess.run(
        [sys.executable, "-c", _ON_UVLOOP, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert {case: result for case, result in results.items() if result != "ok"} == {}
    assert len(results) == 18
