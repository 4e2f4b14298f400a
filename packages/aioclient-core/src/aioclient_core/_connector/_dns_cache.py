"""A bounded, time-limited cache of resolved addresses, keyed by ``(host, port)``.

Entries expire after ``ttl`` seconds (``None``: never) and the cache holds at most
``max_size`` keys, evicting the least recently used (security category 10: no
unbounded growth from a stream of distinct host names). Each hit rotates the
address list, so consecutive connections spread over a host's addresses.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable

from .._resolver import ResolveResult

__all__ = ["DNSCache"]

_Key = tuple[str, int]


class DNSCache:
    """LRU + TTL cache of resolver results.

    Args:
        ttl: Seconds an entry stays valid; ``None`` keeps it until evicted.
        max_size: Most keys kept; the least recently used is evicted first.
        clock: Monotonic time source (tests replace it).
    """

    def __init__(
        self,
        ttl: float | None = 10,
        max_size: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_size = max(1, max_size)
        self._clock = clock
        self._entries: collections.OrderedDict[
            _Key, tuple[list[ResolveResult], float]
        ] = collections.OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: _Key, addrs: list[ResolveResult]) -> None:
        """Store ``addrs`` for ``key`` (replacing what was there)."""
        self._entries[key] = (list(addrs), self._clock())
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)

    def get(self, key: _Key) -> list[ResolveResult] | None:
        """Return ``key``'s addresses, rotated by one; None if absent or stale."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        addrs, stored_at = entry
        if self._ttl is not None and self._clock() - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        if len(addrs) > 1:
            addrs.append(addrs.pop(0))
        return list(addrs)

    def remove(self, key: _Key) -> None:
        """Forget ``key`` (for example after connecting to its addresses failed)."""
        self._entries.pop(key, None)

    def remove_address(self, key: _Key, host: str) -> None:
        """Forget one address of ``key``; forget the key if none is left."""
        entry = self._entries.get(key)
        if entry is None:
            return
        kept = [addr for addr in entry[0] if addr["host"] != host]
        if kept:
            self._entries[key] = (kept, entry[1])
        else:
            del self._entries[key]

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
