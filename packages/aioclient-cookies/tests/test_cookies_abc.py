import asyncio
from collections.abc import Iterator, Mapping
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType

import pytest
from yarl import URL

from aioclient_cookies import AbstractCookieJar, DummyCookieJar, LooseCookies
from aioclient_cookies.abc import ClearCookiePredicate

EMPTY_URL = URL()


class RecordingJar(AbstractCookieJar):
    """The smallest complete jar: it records what it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[list[tuple[str, str, str]], URL]] = []

    @property
    def unsafe(self) -> bool:
        return False

    @property
    def quote_cookie(self) -> bool:
        return True

    @property
    def cookies(self) -> "MappingProxyType[tuple[str, str], SimpleCookie]":
        return MappingProxyType({})

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str]]:
        return frozenset()

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> "Iterator[Morsel[str]]":
        return iter(())

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        return None

    def clear_domain(self, domain: str) -> None:
        return None

    def update_cookies(
        self, cookies: LooseCookies, response_url: URL = EMPTY_URL
    ) -> None:
        pairs = cookies.items() if isinstance(cookies, Mapping) else cookies
        summary: list[tuple[str, str, str]] = []
        for name, morsel in pairs:
            assert isinstance(morsel, Morsel)
            summary.append((name, morsel.value, morsel["path"]))
        self.calls.append((summary, response_url))

    def filter_cookies(self, request_url: URL) -> "BaseCookie[str]":
        return SimpleCookie()


ABSTRACT_MEMBERS = [
    "unsafe",
    "quote_cookie",
    "cookies",
    "host_only_cookies",
    "clear",
    "clear_domain",
    "update_cookies",
    "filter_cookies",
]


def test_abstract_members() -> None:
    assert AbstractCookieJar.__abstractmethods__ >= set(ABSTRACT_MEMBERS)


@pytest.mark.parametrize("missing", ABSTRACT_MEMBERS)
def test_subclass_missing_a_member_cannot_be_instantiated(missing: str) -> None:
    namespace = {
        name: value
        for name, value in vars(RecordingJar).items()
        if name != missing and not name.startswith("__")
    }
    namespace["__len__"] = RecordingJar.__len__
    namespace["__iter__"] = RecordingJar.__iter__
    incomplete = type("Incomplete", (AbstractCookieJar,), namespace)
    with pytest.raises(TypeError, match=f"abstract.*{missing}"):
        incomplete()


def test_treat_as_secure_origin_is_concrete_and_empty_by_default() -> None:
    assert "treat_as_secure_origin" not in AbstractCookieJar.__abstractmethods__
    assert RecordingJar().treat_as_secure_origin == frozenset()


def test_update_cookies_from_headers_on_a_minimal_subclass() -> None:
    jar = RecordingJar()
    url = URL("http://example.com/x")
    jar.update_cookies_from_headers(
        ["a=1; Path=/p", "garbage", "b=2", "c=\x00", "a=3; Path=/q"], url
    )
    assert jar.calls == [([("a", "1", "/p"), ("b", "2", ""), ("a", "3", "/q")], url)]


def test_update_cookies_from_headers_with_nothing_valid_does_not_call() -> None:
    jar = RecordingJar()
    jar.update_cookies_from_headers(["", "=x", "no equals"], URL("http://a.test/"))
    assert jar.calls == []


def test_abc_stores_loop_without_requiring_one() -> None:
    assert RecordingJar()._loop is None
    loop = asyncio.new_event_loop()
    try:
        jar = DummyCookieJar(loop=loop)
        assert jar._loop is loop
    finally:
        loop.close()


# -- DummyCookieJar ---------------------------------------------------------------


def test_dummy_cookie_jar_stores_nothing() -> None:
    jar = DummyCookieJar()
    jar.update_cookies({"a": "1"})
    jar.update_cookies({"b": "2"}, URL("http://example.com/"))
    jar.update_cookies_from_headers(["c=3"], URL("http://example.com/"))
    assert len(jar) == 0
    assert list(jar) == []
    assert jar.unsafe is False
    assert jar.quote_cookie is True
    assert dict(jar.cookies) == {}
    assert isinstance(jar.cookies, MappingProxyType)
    assert jar.host_only_cookies == frozenset()
    assert jar.treat_as_secure_origin == frozenset()
    result = jar.filter_cookies(URL("http://example.com/"))
    assert isinstance(result, SimpleCookie)
    assert len(result) == 0
    jar.clear()
    jar.clear(lambda m: True)
    jar.clear_domain("example.com")
    assert len(jar) == 0


def test_dummy_filter_returns_fresh_objects() -> None:
    jar = DummyCookieJar()
    first = jar.filter_cookies(URL("http://example.com/"))
    first["x"] = "1"
    assert len(jar.filter_cookies(URL("http://example.com/"))) == 0
