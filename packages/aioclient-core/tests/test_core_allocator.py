"""The once-per-process allocator settling that streamed bodies rely on.

Each check runs in a fresh interpreter: glibc's dynamic mmap threshold only
ever rises, so the test process itself (which has freed many large blocks by
now) cannot show whether settling happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# A fresh interpreter prints how many memory-mapped blocks glibc used while a
# 2 MiB bytes object was alive: 1 while the threshold is still at its 128 KiB
# default, 0 once blocks of that size come from the heap.
_PROBE = textwrap.dedent(
    """
    import asyncio, ctypes, sys

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    mode = sys.argv[1]
    if mode == "settle":
        from aioclient_core._allocator import settle_allocator
        settle_allocator()
        settle_allocator()  # a second call must do nothing different
    elif mode == "connection":
        from aioclient_core._http.protocol import ResponseHandler
        ResponseHandler(asyncio.new_event_loop())
    before = libc.mallinfo2().hblks
    block = bytes(2 * 2**20)
    print(libc.mallinfo2().hblks - before)
    """
)


def _mapped_blocks(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        # Without the caller's MALLOC_* settings, which fix the threshold.
        env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")},
    )
    return int(result.stdout)


@pytest.fixture(scope="module")
def glibc_default_threshold() -> None:
    """Skip unless a fresh interpreter maps a 2 MiB block (glibc defaults)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc malloc only")
    try:
        control = _mapped_blocks("control")
    except (subprocess.CalledProcessError, ValueError):
        pytest.skip("mallinfo2() is not available (not glibc 2.33+)")
    if control != 1:
        pytest.skip("this interpreter's start-up already raised the threshold")


@pytest.mark.usefixtures("glibc_default_threshold")
@pytest.mark.parametrize("mode", ["settle", "connection"])
def test_blocks_of_a_few_mib_come_from_the_heap_once_settled(mode: str) -> None:
    # Read buffers, body buffers and a 1 MiB body joined by read() are then
    # reused from the heap instead of being mapped or trimmed and faulted in.
    assert _mapped_blocks(mode) == 0
