"""RecentResults: a bounded memory that forgets its oldest entry first."""

import sys
import threading

import pytest

from aioclient_core._http._recent import RecentResults, forget_all_recent


def test_keeps_at_most_size_entries_and_forgets_the_oldest() -> None:
    recent: RecentResults[str, int] = RecentResults(3)
    for n, key in enumerate("abcd"):
        recent.put(key, n)
    assert len(recent) == 3
    assert recent.get("a") is None
    assert [recent.get(key) for key in "bcd"] == [1, 2, 3]


def test_storing_a_known_key_again_forgets_nothing() -> None:
    recent: RecentResults[str, int] = RecentResults(2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("a", 3)
    assert (recent.get("a"), recent.get("b"), len(recent)) == (3, 2, 2)


def test_clear_and_size_check() -> None:
    recent: RecentResults[str, int] = RecentResults(1)
    recent.put("a", 1)
    recent.clear()
    assert len(recent) == 0
    assert recent.get("a") is None
    with pytest.raises(ValueError, match="at least 1"):
        RecentResults(0)


def test_threads_sharing_one_memory_keep_it_bounded() -> None:
    recent: RecentResults[tuple[int, int], int] = RecentResults(8)
    errors: list[BaseException] = []

    def fill(thread: int) -> None:
        try:
            for n in range(20_000):
                recent.put((thread, n), n)
                recent.get((thread, n - 1))
        except BaseException as exc:  # pragma: no cover - the failure reported
            errors.append(exc)

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=fill, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert errors == []
    assert len(recent) <= 8


def test_forget_all_recent_empties_every_memory() -> None:
    first: RecentResults[str, int] = RecentResults(4)
    second: RecentResults[str, int] = RecentResults(4)
    first.put("a", 1)
    second.put("b", 2)
    forget_all_recent()
    assert len(first) == 0
    assert len(second) == 0
    first.put("a", 3)  # still usable afterwards
    assert first.get("a") == 3
