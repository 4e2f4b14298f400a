"""``response_cookies``: a response's Set-Cookie lines as ClientResponse.cookies."""

from yarl import URL

from aioclient_cookies import CookieJar, response_cookies


def test_lines_simplecookie_refuses_are_kept() -> None:
    cookies = response_cookies(
        [
            "chips=1; Secure; Partitioned; SameSite=None",
            "c[0]=2; foo",
            'q="a b"; Path=/x',
        ]
    )
    assert [(m.key, m.value, m.coded_value) for m in cookies.values()] == [
        ("chips", "1", "1"),
        ("c[0]", "2", "2"),
        ("q", "a b", '"a b"'),
    ]
    assert cookies["chips"]["secure"] is True
    assert cookies["chips"]["samesite"] == "None"
    assert cookies["q"]["path"] == "/x"


def test_ignored_lines_and_repeats() -> None:
    cookies = response_cookies(["nameless", "=v", "bad\x01=1", "a=1", "a=2"])
    assert {name: m.value for name, m in cookies.items()} == {"a": "2"}
    assert len(response_cookies([])) == 0


def test_agrees_with_what_the_jar_stores() -> None:
    lines = ["a=1; foo", "b=x, c=2", "d=1; Partitioned"]
    jar = CookieJar()
    jar.update_cookies_from_headers(lines, URL("http://example.com/"))
    stored = {m.key: m.value for m in jar}
    assert stored == {n: m.value for n, m in response_cookies(lines).items()}
