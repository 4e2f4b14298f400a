"""A small, bounded memory of recent results, keyed by their exact inputs.

Request and response heads repeat: a client polling one endpoint sends the
same head and gets the same answer (until the server's ``Date`` changes), and
a client that alternates between a few endpoints, or follows a redirect to the
same place each time, repeats a few of them in turn. Remembering one result
only covers the first pattern; :class:`RecentResults` keeps a handful, so the
work of serializing or parsing a head is done once per distinct head.

Entries are forgotten oldest-first once the bound is reached: inserting costs
one deletion at most (unless threads race), whatever the sequence of keys, so a
peer sending a different head every time only keeps the memory at its bound.
Event loops running in several threads may share one memory: every operation
is a single dictionary operation, and an insertion that loses a race with
another one looks again instead of failing.

Heads carry credentials (``Authorization``, ``Cookie``, ``Set-Cookie``), and a
process-wide memory outlives the session that sent or received them. So
:func:`forget_all_recent` empties every memory, and a session calls it when it
closes: no secret stays here after the session it belongs to has closed.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["RecentResults", "forget_all_recent"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentResults(Generic[K, V]):
    """At most ``size`` results by key; the oldest entry goes first.

    Args:
        size: How many entries to keep; at least 1.

    Raises:
        ValueError: ``size`` is below 1.
    """

    __slots__ = ("__weakref__", "_entries", "_size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size!r}")
        self._size = size
        # dicts keep insertion order: the first key is the oldest entry.
        self._entries: dict[K, V] = {}
        # Weakly held: a memory that is dropped (in tests) leaves the list.
        _memories.append(weakref.ref(self, _memories.remove))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The result stored for ``key``, or None."""
        return self._entries.get(key)

    def put(self, key: K, value: V) -> None:
        """Store ``value`` for ``key``, forgetting the oldest entry if full."""
        entries = self._entries
        if key not in entries:
            while len(entries) >= self._size:
                try:
                    del entries[next(iter(entries))]
                except (KeyError, RuntimeError, StopIteration):
                    # Event loops in other threads share this memory: another
                    # put() changed it between the look and the deletion.
                    continue
        entries[key] = value

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()


#: Every memory alive, for :func:`forget_all_recent` (a list of weak references:
#: iterating it is cheaper than a WeakSet, and it runs once per closed session).
_memories: list[weakref.ref[RecentResults[Any, Any]]] = []


def forget_all_recent() -> None:
    """Empty every memory of recent results in the process.

    Called when a session closes, so that heads holding its credentials do not
    outlive it. Other sessions only lose a few lookups: each of their heads is
    serialized or parsed once more, then remembered again.
    """
    # A copy: a memory collected meanwhile removes its reference from the list.
    for ref in tuple(_memories):
        memory = ref()
        if memory is not None:
            memory.clear()
