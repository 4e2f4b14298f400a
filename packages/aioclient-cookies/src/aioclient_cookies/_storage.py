"""Where the cookie jar keeps its cookies: indexes, expiry and eviction.

The storage side of :class:`~aioclient_cookies.CookieJar` (RFC 6265 §5.3's
replacement, expiry and eviction rules, and the per-domain indexes that cookie
selection walks), kept apart from the jar's validation and API.
"""

import heapq
from http.cookies import Morsel, SimpleCookie
from typing import ClassVar

from ._parsing import make_morsel, wire_value

__all__ = ["CookieStorage", "Key"]


Key = tuple[str, str, str]  # (domain, path, name): the RFC 6265 §5.3 identity


class CookieStorage:
    """Stored cookies and their indexes; the base of ``CookieJar``."""

    MAX_COOKIES_PER_DOMAIN: ClassVar[int]
    MAX_COOKIES: ClassVar[int]
    _quote_cookie: bool

    def _init_storage(self) -> None:
        self._cookies: dict[tuple[str, str], SimpleCookie] = {}
        self._host_only: set[Key] = set()
        self._expirations: dict[Key, float] = {}
        self._expiry_heap: list[tuple[float, Key]] = []
        # Insertion order doubles as "oldest set first" for eviction.
        self._order: dict[Key, None] = {}
        self._domain_order: dict[str, dict[Key, None]] = {}
        # The paths holding cookies, per domain: what filter_cookies walks.
        self._domain_paths: dict[str, set[str]] = {}
        # The name-and-value morsel sent for each stored cookie, with the
        # stored morsel, value and coded value it was made from (checked by
        # identity, so a stored morsel changed in place is not sent stale).
        self._wire: dict[Key, tuple[Morsel[str], str, str, Morsel[str]]] = {}

    def _clear_storage(self) -> None:
        self._cookies.clear()
        self._host_only.clear()
        self._expirations.clear()
        self._expiry_heap.clear()
        self._order.clear()
        self._domain_order.clear()
        self._domain_paths.clear()
        self._wire.clear()

    def _wire_morsel(self, key: Key, morsel: "Morsel[str]") -> "Morsel[str]":
        """The morsel sent for a stored cookie: its name and value only.

        RFC 6265 §5.4 step 4: a ``Cookie`` header carries only names and
        values; the stored attributes stay in the jar. Made once per stored
        cookie and shared by every ``filter_cookies`` result, as aiohttp does.
        """
        value, coded = morsel.value, morsel.coded_value
        cached = self._wire.get(key)
        if (
            cached is not None
            and cached[0] is morsel
            and cached[1] is value
            and cached[2] is coded
        ):
            return cached[3]
        wire = make_morsel(key[2], value, wire_value(morsel, self._quote_cookie))
        self._wire[key] = (morsel, value, coded, wire)
        return wire

    def _store(
        self,
        key: Key,
        morsel: "Morsel[str]",
        host_only: bool,
        expiry: float | None,
        now: float,
    ) -> None:
        # RFC 6265 §5.3 step 11: the new cookie replaces any cookie with the
        # same (domain, path, name), host-only flag included.
        self._remove(key)
        domain, path, name = key
        self._cookies.setdefault((domain, path), SimpleCookie())[name] = morsel
        self._domain_paths.setdefault(domain, set()).add(path)
        if host_only:
            self._host_only.add(key)
        if expiry is not None:
            self._expirations[key] = expiry
            heapq.heappush(self._expiry_heap, (expiry, key))
            if len(self._expiry_heap) > 2 * len(self._expirations) + 64:
                # Replaced cookies leave stale heap entries; keep it bounded.
                self._expiry_heap = [(w, k) for k, w in self._expirations.items()]
                heapq.heapify(self._expiry_heap)
        self._order[key] = None
        self._domain_order.setdefault(domain, {})[key] = None
        self._enforce_limits(domain, now)

    def _enforce_limits(self, domain: str, now: float) -> None:
        # RFC 6265 §5.3 closing paragraphs: evict expired cookies first, then
        # the oldest ones of an overfull domain, then the oldest overall.
        per_domain = self._domain_order.get(domain, {})
        if len(per_domain) <= self.MAX_COOKIES_PER_DOMAIN and (
            len(self._order) <= self.MAX_COOKIES
        ):
            return
        self._expire(now)
        per_domain = self._domain_order.get(domain, {})
        while len(per_domain) > self.MAX_COOKIES_PER_DOMAIN:
            self._remove(next(iter(per_domain)))
        while len(self._order) > self.MAX_COOKIES:
            self._remove(next(iter(self._order)))

    def _remove(self, key: Key) -> None:
        domain, path, name = key
        bucket = self._cookies.get((domain, path))
        if bucket is not None:
            bucket.pop(name, None)
            if not bucket:
                del self._cookies[(domain, path)]
                paths = self._domain_paths[domain]
                paths.discard(path)
                if not paths:
                    del self._domain_paths[domain]
        self._wire.pop(key, None)
        self._host_only.discard(key)
        self._expirations.pop(key, None)
        self._order.pop(key, None)
        per_domain = self._domain_order.get(domain)
        if per_domain is not None:
            per_domain.pop(key, None)
            if not per_domain:
                del self._domain_order[domain]

    def _expire(self, now: float) -> None:
        heap = self._expiry_heap
        while heap and heap[0][0] <= now:
            when, key = heapq.heappop(heap)
            if self._expirations.get(key) == when:
                self._remove(key)
