"""Settle the C allocator's size thresholds once, before bodies stream.

Reading a response keeps short-lived blocks of a few hundred KiB to a few MiB
alive: socket reads of up to 256 KiB, a streamed body's buffer (up to the
high-water mark plus one read), decoder output, and the joined result of
``read()``. glibc's ``malloc`` serves blocks of that size from the heap only
after its *dynamic* mmap threshold has been raised (which happens when a
memory-mapped block larger than the threshold is freed), and it gives the top
of the heap back to the kernel whenever more than twice that threshold is free
there. Left to chance, the threshold ends where the program's import history
put it. Measured in processes that had never freed a large block: a 256 MiB
download handed the top of the heap back and faulted it in again some ten
thousand times (about 40 MiB of page faults, up to a third of its CPU), and
each 1 MiB gzip response cost about 350 page faults, doubling its time. The
same code in a process that had once freed a large block made no such round
trips.

:func:`settle_allocator` makes that the normal case by allocating and freeing
one block of :data:`SETTLE_BLOCK` bytes, once per process. While the threshold
is below that size, the block is calloc'ed and memory-mapped, so no page of it
is touched and the cost is one ``mmap``/``munmap`` pair. Afterwards glibc
serves blocks under 4 MiB from the heap and keeps up to 8 MiB of freed heap for
reuse instead of returning it at once. The threshold only ever rises, and
glibc leaves it alone when the program fixed it (``mallopt`` or the
``MALLOC_MMAP_THRESHOLD_`` environment variable), so an explicit setting always
wins. With other allocators this is an allocation and a free, nothing more.
"""

from __future__ import annotations

__all__ = ["SETTLE_BLOCK", "settle_allocator"]

#: Size of the block allocated and freed once (see the module docstring).
SETTLE_BLOCK = 4 * 2**20

_settled = False


def settle_allocator() -> None:
    """Allocate and free one :data:`SETTLE_BLOCK`-byte block, the first time only.

    Called when a connection is made; later calls return at once. Two threads
    racing here may both free a block, which is harmless.
    """
    global _settled
    if _settled:
        return
    _settled = True
    # bytes(n) asks for zeroed memory (calloc); glibc maps a block this large
    # directly and knows fresh mappings are zero, so no page is written.
    block = bytes(SETTLE_BLOCK)
    del block
