"""The cookie jar against the real aiohttp: exchanged files and what is sent."""

import pathlib
from http.cookies import Morsel
from typing import Any

import aiohttp
import pytest
from yarl import URL

from aioclient_cookies import CookieJar

RESPONSE_URL = URL("https://www.example.com/")
SET_COOKIES = [
    "host=1",
    "dom=2; Domain=example.com; Path=/api; Max-Age=100",
    "sec=3; Secure; HttpOnly; SameSite=Strict",
    'quoted="q v"',
    'lead="x',
    "exp=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    "deep=5; Path=/api/",
    "lax=6; SameSite=Lax; Path=/",
]
REQUEST_URLS = [
    "https://www.example.com/",
    "https://www.example.com/api/x",
    "http://www.example.com/api",
    "https://sub.www.example.com/api/",
    "https://example.com/api",
    "https://elsewhere.org/api/",
]


def fill(jar: Any) -> None:
    jar.update_cookies_from_headers(SET_COOKIES, RESPONSE_URL)
    jar.update_cookies({"shared": "v w"})  # shared: no response URL


def sent(jar: Any, url: str) -> dict[str, str]:
    cookies = jar.filter_cookies(URL(url))
    return {name: morsel.coded_value for name, morsel in cookies.items()}


def flags(jar: Any) -> dict[str, tuple[Any, ...]]:
    morsels: list[Morsel[str]] = list(jar)
    return {
        m.key: (m.value, m.coded_value, m["secure"], m["httponly"], m["samesite"])
        for m in morsels
    }


def expiries(jar: Any) -> dict[str, float]:
    # Both jars keep {(domain, path, name): absolute time}; aiohttp's path
    # has no trailing slash, so compare by name.
    table: dict[tuple[str, str, str], float] = jar._expirations
    return {name: when for (_, _, name), when in table.items()}


def assert_same_jar(ours: CookieJar, theirs: Any) -> None:
    assert ours.host_only_cookies == theirs.host_only_cookies
    assert len(ours) == len(theirs) == len(SET_COOKIES) + 1
    assert flags(ours) == flags(theirs)
    mine, other = expiries(ours), expiries(theirs)
    assert mine.keys() == other.keys() == {"dom", "exp"}
    assert mine["exp"] == other["exp"] == 4102444800
    assert abs(mine["dom"] - other["dom"]) < 5
    for url in REQUEST_URLS:
        assert sent(ours, url) == sent(theirs, url), url


async def test_aiohttp_loads_a_saved_jar(tmp_path: pathlib.Path) -> None:
    ours = CookieJar()
    fill(ours)
    file_path = tmp_path / "cookies.json"
    ours.save(file_path)
    theirs = aiohttp.CookieJar()
    theirs.load(file_path)
    assert_same_jar(ours, theirs)
    assert ("www.example.com", "host") in theirs.host_only_cookies
    assert sent(theirs, "https://www.example.com/api/x")["lead"] == '"x'


async def test_a_jar_saved_by_aiohttp_loads(tmp_path: pathlib.Path) -> None:
    theirs = aiohttp.CookieJar()
    fill(theirs)
    file_path = tmp_path / "cookies.json"
    theirs.save(file_path)
    ours = CookieJar()
    ours.update_cookies({"replaced": "1"})
    ours.load(file_path)
    assert_same_jar(ours, theirs)
    assert "replaced" not in sent(ours, "https://www.example.com/")


async def test_ip_host_cookies_cross_over_with_unsafe(tmp_path: pathlib.Path) -> None:
    theirs = aiohttp.CookieJar(unsafe=True)
    theirs.update_cookies_from_headers(["ip=1"], URL("http://127.0.0.1/"))
    file_path = tmp_path / "cookies.json"
    theirs.save(file_path)
    safe, unsafe = CookieJar(), CookieJar(unsafe=True)
    safe.load(file_path)
    unsafe.load(file_path)
    assert len(safe) == 0
    assert sent(unsafe, "http://127.0.0.1/") == {"ip": "1"}
    unsafe.save(file_path)
    again = aiohttp.CookieJar(unsafe=True)
    again.load(file_path)
    assert again.host_only_cookies == {("127.0.0.1", "ip")}


async def test_empty_files_agree(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    CookieJar().save(file_path)
    assert file_path.read_text() == "{}"
    theirs = aiohttp.CookieJar()
    theirs.load(file_path)
    assert len(theirs) == 0


async def test_filtered_cookies_output_like_aiohttp() -> None:
    line = "c=1; Path=/; HttpOnly; Secure; Max-Age=100; SameSite=Lax; Domain=h.com"
    results = []
    for jar in (CookieJar(), aiohttp.CookieJar()):
        jar.update_cookies_from_headers([line], URL("https://h.com/"))
        filtered = jar.filter_cookies(URL("https://h.com/"))
        header = filtered.output(header="Cookie:")
        results.append((header, filtered["c"].OutputString()))
    assert results[0] == results[1] == ("Cookie: c=1", "c=1")


@pytest.mark.parametrize(
    "line",
    ['c="x', 'c="a b"', 'c=""', 'c="', 'c="a\\"b"', 'c="\\351"', "c=plain"],
)
@pytest.mark.parametrize("quote_cookie", [True, False])
async def test_values_are_sent_like_aiohttp(line: str, quote_cookie: bool) -> None:
    results = []
    for jar in (
        CookieJar(quote_cookie=quote_cookie),
        aiohttp.CookieJar(quote_cookie=quote_cookie),
    ):
        jar.update_cookies_from_headers([line], URL("http://h.com/"))
        morsel = jar.filter_cookies(URL("http://h.com/"))["c"]
        results.append((morsel.value, morsel.coded_value))
    assert results[0] == results[1]
