import asyncio
from collections.abc import Iterable
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType
from typing import Any

import pytest
from yarl import URL

from aioclient_cookies import CookieJar

NOW = 1_700_000_000.0


class ClockJar(CookieJar):
    """A jar whose clock the test moves by hand."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = NOW

    def _now(self) -> float:
        return self.now


def set_cookies(jar: CookieJar, url: str, *lines: str) -> None:
    jar.update_cookies_from_headers(list(lines), URL(url))


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


def names(jar: Iterable["Morsel[str]"]) -> list[str]:
    return sorted(m.key for m in jar)


# -- scope: host-only and domain cookies ---------------------------------------


def test_cookie_without_domain_is_host_only() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://www.example.com/") == {}
    assert sent(jar, "http://com/") == {}
    assert jar.host_only_cookies == {("example.com", "a")}
    assert set(jar.cookies) == {("example.com", "")}


def test_domain_cookie_reaches_subdomains_only() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.example.com/", "a=1; Domain=example.com")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://www.example.com/") == {"a": "1"}
    assert sent(jar, "http://deep.sub.example.com/") == {"a": "1"}
    assert sent(jar, "http://badexample.com/") == {}
    assert sent(jar, "http://example.org/") == {}
    assert jar.host_only_cookies == frozenset()


def test_domain_leading_dot_and_case_are_normalised() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.Example.com/", "a=1; Domain=.EXAMPLE.Com")
    assert set(jar.cookies) == {("example.com", "")}
    (morsel,) = list(jar)
    assert morsel["domain"] == "example.com"
    assert sent(jar, "http://other.example.com/") == {"a": "1"}


def test_only_one_leading_dot_is_stripped() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.example.com/", "a=1; Domain=..example.com")
    assert len(jar) == 0


def test_trailing_dot_domain_is_host_only() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.example.com/", "a=1; Domain=example.com.")
    assert jar.host_only_cookies == {("www.example.com", "a")}
    assert sent(jar, "http://www.example.com/") == {"a": "1"}
    assert sent(jar, "http://example.com/") == {}
    assert sent(jar, "http://x.www.example.com/") == {}


@pytest.mark.parametrize("domain", ["127.0.0.1.", "example.com.", "127.0.0.2."])
def test_trailing_dot_domain_from_an_ip_host_is_host_only(domain: str) -> None:
    # As for a host name: the Domain attribute is ignored, not the cookie.
    jar = CookieJar(unsafe=True)
    set_cookies(jar, "http://127.0.0.1/", f"a=1; Domain={domain}")
    assert jar.host_only_cookies == {("127.0.0.1", "a")}
    assert sent(jar, "http://127.0.0.1/") == {"a": "1"}
    assert sent(jar, "http://127.0.0.2/") == {}


@pytest.mark.parametrize(
    ("response_url", "domain"),
    [
        ("http://example.com/", "other.com"),
        ("http://example.com/", "www.example.com"),  # cannot set for a child
        ("http://badexample.com/", "example.com"),
        ("http://example.com/", "com"),  # single label: public suffix
        ("http://www.example.com/", "com"),
        ("http://example.com/", "b\u00fccher.com"),  # non-ASCII domain
    ],
)
def test_foreign_or_public_suffix_domains_are_rejected(
    response_url: str, domain: str
) -> None:
    jar = CookieJar()
    set_cookies(jar, response_url, f"a=1; Domain={domain}", "keep=1")
    assert names(jar) == ["keep"]


def test_single_label_domain_equal_to_host_is_host_only() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://localhost:8080/", "a=1; Domain=localhost")
    assert jar.host_only_cookies == {("localhost", "a")}
    assert sent(jar, "http://localhost/") == {"a": "1"}
    assert sent(jar, "http://sub.localhost/") == {}


def test_domain_equal_to_host_is_a_domain_cookie() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1; Domain=example.com")
    assert jar.host_only_cookies == frozenset()
    assert sent(jar, "http://www.example.com/") == {"a": "1"}


def test_domain_cookie_replaces_host_only_cookie_and_back() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1")
    set_cookies(jar, "http://example.com/", "a=2; Domain=example.com")
    assert len(jar) == 1
    assert jar.host_only_cookies == frozenset()
    assert sent(jar, "http://www.example.com/") == {"a": "2"}
    set_cookies(jar, "http://example.com/", "a=3")
    assert len(jar) == 1
    assert jar.host_only_cookies == {("example.com", "a")}
    assert sent(jar, "http://www.example.com/") == {}
    assert sent(jar, "http://example.com/") == {"a": "3"}


def test_subdomain_cannot_touch_parent_host_only_cookie() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=parent")
    set_cookies(jar, "http://evil.example.com/", "a=child")
    assert sent(jar, "http://example.com/") == {"a": "parent"}
    assert sent(jar, "http://evil.example.com/") == {"a": "child"}
    assert jar.host_only_cookies == {("example.com", "a"), ("evil.example.com", "a")}


# -- paths ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response_url", "path_attr", "stored_path"),
    [
        ("http://example.com/", "", "/"),
        ("http://example.com/foo", "", "/"),
        ("http://example.com/foo/", "", "/foo"),
        ("http://example.com/foo/bar", "", "/foo"),
        ("http://example.com/foo/bar", "; Path=relative", "/foo"),
        ("http://example.com/foo/bar", "; Path=", "/foo"),
        ("http://example.com/foo/bar", "; Path=/x/y", "/x/y"),
        ("http://example.com/foo/bar", "; Path=/", "/"),
    ],
)
def test_stored_path(response_url: str, path_attr: str, stored_path: str) -> None:
    jar = CookieJar()
    set_cookies(jar, response_url, "a=1" + path_attr)
    assert [morsel["path"] for morsel in jar] == [stored_path]
    # The `cookies` view keys paths without trailing slashes, as aiohttp does.
    assert set(jar.cookies) == {("example.com", stored_path.rstrip("/"))}


@pytest.mark.parametrize(
    ("request_path", "expected"),
    [
        ("/", False),
        ("/foo", True),
        ("/foo/", True),
        ("/foo/bar", True),
        ("/foobar", False),
        ("/fo", False),
        ("/FOO", False),
    ],
)
def test_path_matching_on_requests(request_path: str, expected: bool) -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1; Path=/foo")
    assert (sent(jar, "http://example.com" + request_path) == {"a": "1"}) is expected


def test_path_with_trailing_slash_matches_children_only() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1; Path=/foo/")
    assert sent(jar, "http://example.com/foo") == {}
    assert sent(jar, "http://example.com/foo/") == {"a": "1"}
    assert sent(jar, "http://example.com/foo/x/y") == {"a": "1"}


# -- same name in several scopes -------------------------------------------------


def test_same_name_different_scopes_are_kept_apart() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=root; Path=/", "a=deep; Path=/x")
    set_cookies(jar, "http://other.com/", "a=other")
    assert len(jar) == 3
    assert sent(jar, "http://example.com/") == {"a": "root"}
    assert sent(jar, "http://other.com/x") == {"a": "other"}


def test_longest_path_wins() -> None:
    jar = CookieJar()
    set_cookies(
        jar,
        "http://www.example.com/",
        "a=domain-root; Domain=example.com; Path=/",
        "a=host-deep; Path=/x/y",
        "a=host-mid; Path=/x",
    )
    assert sent(jar, "http://www.example.com/x/y/z") == {"a": "host-deep"}
    assert sent(jar, "http://www.example.com/x/other") == {"a": "host-mid"}
    assert sent(jar, "http://www.example.com/") == {"a": "domain-root"}


def test_host_only_beats_domain_cookie_at_equal_path() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.example.com/", "a=domain; Domain=example.com")
    set_cookies(jar, "http://www.example.com/", "a=host")
    assert len(jar) == 2
    assert sent(jar, "http://www.example.com/") == {"a": "host"}
    assert sent(jar, "http://api.example.com/") == {"a": "domain"}


def test_more_specific_domain_beats_parent_domain() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://a.b.example.com/", "x=parent; Domain=example.com")
    set_cookies(jar, "http://a.b.example.com/", "x=child; Domain=b.example.com")
    assert sent(jar, "http://a.b.example.com/") == {"x": "child"}
    assert sent(jar, "http://c.example.com/") == {"x": "parent"}


def test_host_cookie_beats_shared_cookie() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "shared"})
    set_cookies(jar, "http://example.com/", "a=host")
    assert sent(jar, "http://example.com/") == {"a": "host"}
    assert sent(jar, "http://other.com/") == {"a": "shared"}


# -- expiry ----------------------------------------------------------------------


def test_max_age_expires_with_the_clock() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1; Max-Age=10", "b=2")
    jar.now = NOW + 9.5
    assert sent(jar, "http://example.com/") == {"a": "1", "b": "2"}
    assert len(jar) == 2
    jar.now = NOW + 10
    assert sent(jar, "http://example.com/") == {"b": "2"}
    assert len(jar) == 1
    assert names(jar) == ["b"]


def test_expires_attribute_with_the_clock() -> None:
    jar = ClockJar()
    jar.now = 1_445_412_000.0  # 2015-10-21T07:20:00Z
    set_cookies(
        jar, "http://example.com/", "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT"
    )
    assert len(jar) == 1
    jar.now = 1_445_412_480.0  # 07:28:00 exactly
    assert len(jar) == 0
    assert list(jar) == []


def test_max_age_takes_precedence_over_expires() -> None:
    jar = ClockJar()
    set_cookies(
        jar,
        "http://example.com/",
        "a=1; Expires=Thu, 01 Jan 1998 00:00:00 GMT; Max-Age=100",
        "b=2; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        "c=3; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=100",
    )
    assert names(jar) == ["a", "c"]
    jar.now = NOW + 100
    assert names(jar) == []


@pytest.mark.parametrize("max_age", ["abc", "+5", "1.5", "1e3", "\u0663", " ", "0x10"])
def test_invalid_max_age_is_ignored(max_age: str) -> None:
    jar = ClockJar()
    set_cookies(
        jar,
        "http://example.com/",
        f"a=1; Max-Age={max_age}; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        f"b=1; Max-Age={max_age}",
    )
    assert names(jar) == ["a", "b"]
    jar.now = 4_102_444_800.0  # 2100-01-01: the Expires of "a" applies
    assert names(jar) == ["b"]


@pytest.mark.parametrize("attribute", ["Max-Age=0", "Max-Age=-1", "Max-Age=-0"])
def test_max_age_zero_or_negative_deletes(attribute: str) -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1", "a=2; Path=/other", "b=1")
    set_cookies(jar, "http://example.com/", f"a=; {attribute}")
    assert names(jar) == ["a", "b"]
    (morsel,) = [m for m in jar if m.key == "a"]
    assert morsel["path"] == "/other"  # only the same (domain, path, name) went


def test_past_expires_deletes() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://www.example.com/", "a=1; Domain=example.com")
    set_cookies(
        jar,
        "http://www.example.com/",
        "a=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    )
    assert len(jar) == 0


def test_invalid_expires_is_ignored() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1; Expires=31 Apr 2100 00:00:00")
    assert len(jar) == 1
    jar.now = NOW + 10**9
    assert len(jar) == 1  # a session cookie never expires by time


def test_huge_max_age_is_clamped() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1; Max-Age=" + "9" * 1000)
    set_cookies(jar, "http://example.com/", "b=1; Max-Age=" + str(2**64))
    assert names(jar) == ["a", "b"]
    jar.now = float(CookieJar.MAX_TIME) - 1
    assert names(jar) == ["a", "b"]
    jar.now = float(CookieJar.MAX_TIME)
    assert names(jar) == []


def test_max_age_from_a_morsel_set_by_the_caller() -> None:
    jar = ClockJar()
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "1", "1")
    morsel["max-age"] = 5
    jar.update_cookies({"a": morsel}, URL("http://example.com/"))
    assert len(jar) == 1
    jar.now = NOW + 5
    assert len(jar) == 0


def test_updating_a_cookie_replaces_its_expiry() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1; Max-Age=5")
    set_cookies(jar, "http://example.com/", "a=2")
    jar.now = NOW + 10
    assert sent(jar, "http://example.com/") == {"a": "2"}


def test_expiry_heap_stays_bounded() -> None:
    jar = ClockJar()
    for i in range(2000):
        set_cookies(jar, "http://example.com/", f"a={i}; Max-Age={1000 + i}")
    assert len(jar) == 1
    assert len(jar._expiry_heap) <= 2 * len(jar._expirations) + 64


# -- Secure ----------------------------------------------------------------------


def test_secure_cookies_only_over_secure_channels() -> None:
    jar = CookieJar()
    set_cookies(jar, "https://example.com/", "s=1; Secure", "p=2")
    assert sent(jar, "http://example.com/") == {"p": "2"}
    assert sent(jar, "ws://example.com/") == {"p": "2"}
    assert sent(jar, "https://example.com/") == {"s": "1", "p": "2"}
    assert sent(jar, "wss://example.com/") == {"s": "1", "p": "2"}


def test_shared_secure_cookie_is_not_sent_over_http() -> None:
    jar = CookieJar()
    morsel: Morsel[str] = Morsel()
    morsel.set("s", "1", "1")
    morsel["secure"] = True
    cookies: dict[str, str | Morsel[str]] = {"s": morsel, "p": "2"}
    jar.update_cookies(cookies)
    assert sent(jar, "http://example.com/") == {"p": "2"}
    assert sent(jar, "https://example.com/") == {"s": "1", "p": "2"}


@pytest.mark.parametrize(
    "origins",
    [
        "http://127.0.0.1:8080",
        URL("http://127.0.0.1:8080/ignored/path"),
        ["http://example.test", URL("http://127.0.0.1:8080")],
    ],
)
def test_treat_as_secure_origin(origins: "str | URL | list[str | URL]") -> None:
    jar = CookieJar(unsafe=True, treat_as_secure_origin=origins)
    set_cookies(jar, "http://127.0.0.1:8080/", "s=1; Secure", "__Secure-x=2; Secure")
    assert sent(jar, "http://127.0.0.1:8080/") == {"s": "1", "__Secure-x": "2"}
    assert sent(jar, "http://127.0.0.1:8081/") == {}


def test_treat_as_secure_origin_property() -> None:
    jar = CookieJar(
        treat_as_secure_origin=["http://a.test:8080/x", URL("http://b.test")]
    )
    assert jar.treat_as_secure_origin == {
        URL("http://a.test:8080"),
        URL("http://b.test"),
    }
    assert CookieJar().treat_as_secure_origin == frozenset()
    # The default port is the same origin whether or not it is spelled out.
    jar = CookieJar(treat_as_secure_origin="http://b.test:80")
    set_cookies(jar, "http://b.test/", "s=1; Secure")
    assert sent(jar, "http://b.test/") == {"s": "1"}


def test_treat_as_secure_origin_rejects_relative_urls() -> None:
    with pytest.raises(ValueError, match="must be absolute URLs"):
        CookieJar(treat_as_secure_origin=["/relative"])


# -- IP addresses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://127.1/",
        "http://[2001:db8::1]/",
    ],
)
def test_ip_hosts_are_ignored_without_unsafe(url: str) -> None:
    jar = CookieJar()
    set_cookies(jar, url, "a=1")
    jar.update_cookies({"b": "2"}, URL(url))
    assert len(jar) == 0
    assert sent(jar, url) == {}


def test_unsafe_ipv4_is_host_only_and_exact() -> None:
    jar = CookieJar(unsafe=True)
    set_cookies(
        jar,
        "http://127.0.0.1:8080/",
        "a=1",
        "b=2; Domain=127.0.0.1",
        "c=3; Domain=0.0.1",
    )
    assert names(jar) == ["a", "b"]
    assert jar.host_only_cookies == {("127.0.0.1", "a"), ("127.0.0.1", "b")}
    assert sent(jar, "http://127.0.0.1/") == {"a": "1", "b": "2"}
    assert sent(jar, "http://127.0.0.2/") == {}
    assert sent(jar, "http://10.127.0.0.1/") == {}


def test_unsafe_ipv6_is_host_only_and_exact() -> None:
    jar = CookieJar(unsafe=True)
    set_cookies(jar, "http://[::1]:8080/", "a=1")
    assert jar.host_only_cookies == {("::1", "a")}
    assert sent(jar, "http://[::1]/") == {"a": "1"}
    assert sent(jar, "http://[::2]/") == {}


def test_ip_requests_get_shared_but_not_host_cookies_without_unsafe() -> None:
    jar = CookieJar()
    jar.update_cookies({"shared": "1"})
    morsel: Morsel[str] = Morsel()
    morsel.set("d", "2", "2")
    morsel["domain"] = "example.com"
    jar.update_cookies({"d": morsel})
    assert sent(jar, "http://127.0.0.1/") == {"shared": "1"}
    assert sent(jar, "http://example.com/") == {"shared": "1", "d": "2"}


# -- shared cookies and input forms ------------------------------------------------


def test_shared_cookies_go_everywhere() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "1"})
    assert set(jar.cookies) == {("", "")}
    assert sent(jar, "http://example.com/any/path") == {"a": "1"}
    assert sent(jar, "https://other.org/") == {"a": "1"}
    assert jar.filter_cookies(URL("/relative"))["a"].value == "1"


def test_update_cookies_input_forms() -> None:
    jar = CookieJar()
    url = URL("http://example.com/")
    jar.update_cookies({"m": "1"}, url)
    jar.update_cookies([("i", "2"), ("i2", "3")], url)
    jar.update_cookies(SimpleCookie("b=4; c=5"), url)
    morsel: Morsel[str] = Morsel()
    morsel.set("ignored-key", "6", "6")
    jar.update_cookies({"mo": morsel}, url)
    jar.update_cookies({"n": 7}, url)  # type: ignore[arg-type]
    assert sent(jar, "http://example.com/") == {
        "m": "1",
        "i": "2",
        "i2": "3",
        "b": "4",
        "c": "5",
        "mo": "6",
        "n": "7",
    }


def test_bad_cookies_are_dropped_one_by_one() -> None:
    jar = CookieJar()
    bad: Morsel[str] = Morsel()
    bad.set("x", "v", "v")
    bad.__setstate__({"key": "x", "value": "a\nb", "coded_value": "a\nb"})  # type: ignore[attr-defined]
    jar.update_cookies(
        [("ok", "1"), ("a b", "2"), ("x", bad), ("semi;", "3"), ("ok2", "4")],
        URL("http://example.com/"),
    )
    assert names(jar) == ["ok", "ok2"]


def test_control_characters_drop_only_that_header() -> None:
    jar = CookieJar()
    set_cookies(
        jar,
        "http://example.com/",
        "a=1",
        "b=2\r\nSet-Cookie: c=3",
        "d=4\x00",
        "e=5; Path=/\x1b",
        "f=6",
    )
    assert names(jar) == ["a", "f"]


def test_update_cookies_from_headers_keeps_same_name_in_different_paths() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1; Path=/x", "a=2; Path=/y")
    assert len(jar) == 2


# -- filter_cookies details ----------------------------------------------------------


def test_filter_cookies_returns_a_simple_cookie() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "1"})
    result = jar.filter_cookies(URL("http://example.com/"))
    assert isinstance(result, BaseCookie)
    assert isinstance(result, SimpleCookie)
    assert result["a"].key == "a"


def test_filter_cookies_with_str_warns() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "1"}, URL("http://example.com/"))
    with pytest.warns(DeprecationWarning, match="filter_cookies expects a yarl.URL"):
        result = jar.filter_cookies("http://example.com/")  # type: ignore[arg-type]
    assert result["a"].value == "1"


def test_filter_results_are_copies() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "1"})
    jar.filter_cookies(URL("http://example.com/"))["a"]["path"] = "/mutated"
    (morsel,) = list(jar)
    assert morsel["path"] == "/"


# -- quoting -----------------------------------------------------------------------


def test_quote_cookie_true_requotes_like_simple_cookie() -> None:
    jar = CookieJar()
    jar.update_cookies({"a": "b c", "plain": "x"})
    set_cookies(jar, "http://example.com/", "srv=a,b", 'q="kept as sent"')
    assert sent(jar, "http://example.com/") == {
        "a": '"b c"',
        "plain": "x",
        "srv": SimpleCookie().value_encode("a,b")[1],
        "q": '"kept as sent"',
    }
    assert sent(jar, "http://example.com/")["srv"] == '"a\\054b"'


def test_quote_cookie_false_sends_raw_values() -> None:
    jar = CookieJar(quote_cookie=False)
    jar.update_cookies({"a": "b c"})
    set_cookies(jar, "http://example.com/", "srv=a,b", 'q="was quoted"')
    assert sent(jar, "http://example.com/") == {
        "a": "b c",
        "srv": "a,b",
        "q": "was quoted",
    }


# -- name prefixes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "line", "kept"),
    [
        ("https://example.com/", "__Secure-a=1; Secure", True),
        ("https://example.com/", "__Secure-a=1", False),
        ("http://example.com/", "__Secure-a=1; Secure", False),
        ("https://example.com/", "__SECURE-a=1", False),  # case-insensitive
        ("https://example.com/", "__secure-a=1; Secure", True),
        ("https://example.com/", "__Host-a=1; Secure; Path=/", True),
        ("https://example.com/", "__host-a=1; Path=/", False),
        ("http://example.com/", "__Host-a=1; Secure; Path=/", False),
        (
            "https://example.com/",
            "__Host-a=1; Secure; Path=/; Domain=example.com",
            False,
        ),
        ("https://example.com/", "__Host-a=1; Secure; Path=/x", False),
        ("https://example.com/a/b", "__Host-a=1; Secure", False),  # default path /a
        ("https://example.com/", "__Host-a=1; Secure", False),  # no Path attribute
        (
            "https://example.com/",
            "__HoSt-a=1; Secure; Path=/; Domain=example.com",
            False,
        ),
    ],
)
def test_name_prefixes(url: str, line: str, kept: bool) -> None:
    jar = CookieJar()
    set_cookies(jar, url, line)
    assert (len(jar) == 1) is kept


def test_prefixes_not_applied_to_caller_supplied_shared_cookies() -> None:
    jar = CookieJar()
    jar.update_cookies({"__Host-a": "1", "__Secure-b": "2"})
    assert sent(jar, "http://example.com/") == {"__Host-a": "1", "__Secure-b": "2"}


# -- clear, clear_domain, len, iter, properties ---------------------------------------


def test_clear_with_predicate() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1", "b=2", "c=3")
    jar.clear(lambda morsel: morsel.value in {"1", "3"})
    assert names(jar) == ["b"]
    jar.clear()
    assert len(jar) == 0
    assert dict(jar.cookies) == {}
    assert jar.host_only_cookies == frozenset()


def test_clear_with_predicate_purges_expired() -> None:
    jar = ClockJar()
    set_cookies(jar, "http://example.com/", "a=1; Max-Age=1", "b=2")
    jar.now = NOW + 1
    seen: list[str] = []

    def record(morsel: "Morsel[str]") -> bool:
        seen.append(morsel.key)
        return False

    jar.clear(record)
    assert seen == ["b"]
    assert ("example.com", "") in jar.cookies
    assert list(jar.cookies[("example.com", "")]) == ["b"]


def test_clear_domain_removes_domain_and_subdomains() -> None:
    jar = CookieJar()
    jar.update_cookies({"shared": "1"})
    set_cookies(jar, "http://example.com/", "a=1")
    set_cookies(jar, "http://www.example.com/", "b=1", "c=1; Domain=example.com")
    set_cookies(jar, "http://badexample.com/", "d=1")
    set_cookies(jar, "http://other.org/", "e=1")
    jar.clear_domain(".Example.com")
    assert names(jar) == ["d", "e", "shared"]


def test_len_and_iter_yield_morsels() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1", "b=2; Path=/x")
    items = list(jar)
    assert len(jar) == 2
    assert all(isinstance(m, Morsel) for m in items)
    assert {(m.key, m.value, m["domain"], m["path"]) for m in items} == {
        ("a", "1", "example.com", "/"),
        ("b", "2", "example.com", "/x"),
    }


def test_properties() -> None:
    jar = CookieJar(unsafe=True, quote_cookie=False)
    assert jar.unsafe is True
    assert jar.quote_cookie is False
    default = CookieJar()
    assert default.unsafe is False
    assert default.quote_cookie is True
    assert isinstance(default.cookies, MappingProxyType)
    with pytest.raises(TypeError):
        default.cookies[("x", "/")] = SimpleCookie()  # type: ignore[index]


def test_jar_does_not_need_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    jar = CookieJar()
    assert len(jar) == 0
    loop = asyncio.new_event_loop()
    try:
        assert len(CookieJar(loop=loop)) == 0
    finally:
        loop.close()


async def test_jar_inside_a_running_loop() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", "a=1")
    assert sent(jar, "http://example.com/") == {"a": "1"}


# -- limits ----------------------------------------------------------------------------


def test_limits_are_documented_class_attributes() -> None:
    assert CookieJar.MAX_COOKIES_PER_DOMAIN == 180
    assert CookieJar.MAX_COOKIES == 3000
    assert CookieJar.MAX_NAME_VALUE_SIZE == 4096
    assert CookieJar.MAX_ATTRIBUTE_SIZE == 1024
    assert CookieJar.MAX_TIME == 253402300799


def test_per_domain_limit_evicts_oldest() -> None:
    jar = CookieJar()
    lines = [f"c{i}={i}" for i in range(CookieJar.MAX_COOKIES_PER_DOMAIN + 5)]
    set_cookies(jar, "http://example.com/", *lines)
    set_cookies(jar, "http://other.com/", "o=1")
    assert len(jar) == CookieJar.MAX_COOKIES_PER_DOMAIN + 1
    kept = {m.key for m in jar}
    assert {"c0", "c1", "c2", "c3", "c4"}.isdisjoint(kept)
    assert {"c5", "c184", "o"} <= kept


def test_total_limit_evicts_oldest() -> None:
    jar = CookieJar()
    for i in range(CookieJar.MAX_COOKIES + 2):
        set_cookies(jar, f"http://host{i}.example/", f"c{i}=1")
    assert len(jar) == CookieJar.MAX_COOKIES
    kept = {m.key for m in jar}
    assert "c0" not in kept
    assert "c1" not in kept
    assert "c2" in kept


class SmallJar(ClockJar):
    MAX_COOKIES_PER_DOMAIN = 3
    MAX_COOKIES = 5


def test_eviction_prefers_expired_cookies() -> None:
    jar = SmallJar()
    set_cookies(jar, "http://example.com/", "old=1", "short=1; Max-Age=5", "mid=1")
    jar.now = NOW + 6
    set_cookies(jar, "http://example.com/", "new=1")
    assert names(jar) == ["mid", "new", "old"]


def test_updating_a_cookie_makes_it_the_newest() -> None:
    jar = SmallJar()
    set_cookies(jar, "http://example.com/", "a=1", "b=1", "c=1", "a=2", "d=1")
    assert names(jar) == ["a", "c", "d"]


# -- linear time on hostile URLs ------------------------------------------------


@pytest.mark.timeout(10)
def test_long_request_paths_and_hosts_stay_linear() -> None:
    jar = CookieJar()
    set_cookies(jar, "http://www.example.com/", "a=1; Domain=example.com; Path=/")
    set_cookies(jar, "http://www.example.com/", "b=1; Path=/x/")
    long_path = "/x" + "/" * 200_000
    for _ in range(20):
        assert sent(jar, "http://www.example.com" + long_path) == {"a": "1", "b": "1"}
    long_host = "a." * 100_000 + "example.com"
    for _ in range(20):
        assert sent(jar, f"http://{long_host}/") == {}


def test_an_ignored_max_age_or_expires_is_not_shown_on_the_stored_cookie() -> None:
    # RFC 6265 §5.2.1-2 ignore them; the stored morsel shows what took effect.
    jar = CookieJar()
    jar.update_cookies_from_headers(
        [
            "a=1; Max-Age=string; Path=/",
            "b=2; Expires=string; Path=/",
            "c=3; Max-Age=100",
            "d=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        ],
        URL("http://h.com/"),
    )
    shown = {m.key: (m["max-age"], m["expires"]) for m in jar}
    assert shown == {
        "a": ("", ""),
        "b": ("", ""),
        "c": ("100", ""),
        "d": ("", "Fri, 01 Jan 2100 00:00:00 GMT"),
    }


def test_sent_morsels_are_shared_and_follow_the_stored_cookie() -> None:
    # Each stored cookie's name-and-value morsel is made once (as in aiohttp);
    # replacing the cookie, or changing its stored morsel, must still show.
    jar = CookieJar()
    url = URL("http://example.com/")
    set_cookies(jar, "http://example.com/", "a=1; Path=/; HttpOnly")
    first = jar.filter_cookies(url)["a"]
    assert jar.filter_cookies(url)["a"] is first
    assert first.output(header="Cookie:") == "Cookie: a=1"
    set_cookies(jar, "http://example.com/", "a=2; Path=/")
    assert jar.filter_cookies(url)["a"].value == "2"
    for morsel in jar:
        morsel.set("a", "3", "3")
    assert jar.filter_cookies(url)["a"].value == "3"
    jar.clear()
    assert "a" not in jar.filter_cookies(url)


@pytest.mark.parametrize("quote_cookie", [True, False])
def test_a_semicolon_in_a_value_never_goes_raw(quote_cookie: bool) -> None:
    # 'q="a\073b"' decodes to 'a;b': sent raw it would add a cookie "b" to the
    # request (found by fuzzing; aiohttp sends it raw with quote_cookie=False).
    jar = CookieJar(quote_cookie=quote_cookie)
    set_cookies(jar, "http://example.com/", 'q="a\\073b"', "r=plain")
    header = jar.filter_cookies(URL("http://example.com/")).output(
        header="Cookie:", sep=";"
    )
    assert "a;b" not in header
    assert 'q="a\\073b"' in header
    assert "r=plain" in header
    jar.update_cookies({"s": "x;y"})
    morsel = jar.filter_cookies(URL("http://example.com/"))["s"]
    assert ";" not in morsel.coded_value
