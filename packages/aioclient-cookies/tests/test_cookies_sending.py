"""What a request carries, as RFC 6265 §5.1.4 and §5.4 describe it.

Cookie paths compare with request paths percent-encoded, filtered morsels hold
only names and values, and values go back as they were received.
"""

import pytest
from yarl import URL

from aioclient_cookies import CookieJar


def set_cookies(jar: CookieJar, url: str, *lines: str) -> None:
    jar.update_cookies_from_headers(list(lines), URL(url))


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


@pytest.mark.parametrize(
    ("path_attr", "stored_path"),
    [
        ("/é", "/%C3%A9"),
        ("/%c3%a9", "/%C3%A9"),
        ("/%C3%A9", "/%C3%A9"),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),
    ],
)
def test_path_attribute_is_stored_as_request_paths_are_compared(
    path_attr: str, stored_path: str
) -> None:
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", f"a=1; Path={path_attr}")
    assert [morsel["path"] for morsel in jar] == [stored_path]
    target = stored_path.replace("%C3%A9", "é").replace("%20", " ")
    for url in (
        URL("http://example.com" + target),
        URL("http://example.com" + stored_path, encoded=True),
        URL("http://example.com" + stored_path.lower(), encoded=True),
        URL("http://example.com" + target + "/below"),
    ):
        assert set(jar.filter_cookies(url)) == {"a"}, url
    for other in ("http://example.com/", "http://example.com" + target + "x"):
        assert sent(jar, other) == {}, other


def test_default_path_of_an_encoded_response_url_is_canonical() -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(
        ["a=1"], URL("http://example.com/%c3%a9/page", encoded=True)
    )
    assert [morsel["path"] for morsel in jar] == ["/%C3%A9"]
    assert sent(jar, "http://example.com/é/x") == {"a": "1"}


def test_filtered_morsels_carry_only_name_and_value() -> None:
    # Callers build the Cookie header with output()/OutputString().
    jar = CookieJar()
    set_cookies(
        jar,
        "https://h.com/",
        "c=1; Path=/; HttpOnly; Secure; Max-Age=100; SameSite=Lax; Domain=h.com",
        'q="a b"',
    )
    filtered = jar.filter_cookies(URL("https://h.com/"))
    assert filtered.output(header="Cookie:") == 'Cookie: c=1\r\nCookie: q="a b"'
    assert filtered["c"].OutputString() == "c=1"
    assert sorted((m.key, m.value, m.coded_value) for m in filtered.values()) == [
        ("c", "1", "1"),
        ("q", "a b", '"a b"'),
    ]
    assert not any(value for m in filtered.values() for value in m.values())
    (stored,) = [m for m in jar if m.key == "c"]
    assert (stored["httponly"], stored["max-age"]) == (True, "100")


@pytest.mark.parametrize(
    ("line", "value", "coded"),
    [
        ('q="x', '"x', '"x'),
        ('q="', '"', '"'),
        ('q=""', "", '""'),
        ('q="a"b', '"a"b', '"a"b'),
        ('q="a\\"b"', 'a"b', '"a\\"b"'),
    ],
)
def test_value_starting_with_a_quote_is_sent_as_received(
    line: str, value: str, coded: str
) -> None:
    # RFC 6265 §5.4: the cookie-value goes back as the server sent it.
    jar = CookieJar()
    set_cookies(jar, "http://example.com/", line)
    assert [(m.value, m.coded_value) for m in jar] == [(value, coded)]
    morsel = jar.filter_cookies(URL("http://example.com/"))["q"]
    assert (morsel.value, morsel.coded_value) == (value, coded)
