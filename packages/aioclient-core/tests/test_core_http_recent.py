"""RecentResults: a bounded memory that forgets its oldest entry first."""

import pytest

from aioclient_core._http._recent import RecentResults


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
    assert len(recent) == 0 and recent.get("a") is None
    with pytest.raises(ValueError, match="at least 1"):
        RecentResults(0)
