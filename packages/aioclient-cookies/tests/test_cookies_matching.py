import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from aioclient_cookies._matching import (
    canonical_path,
    default_path,
    domain_match,
    is_ip_literal,
    is_secure_url,
    normalise_origins,
    path_match,
)
from aioclient_cookies._scope import (
    candidate_domains,
    cookie_scope,
    prefix_allows,
)


@pytest.mark.parametrize(
    ("host", "domain", "expected"),
    [
        ("example.com", "example.com", True),
        ("www.example.com", "example.com", True),
        ("a.b.example.com", "example.com", True),
        ("badexample.com", "example.com", False),
        ("example.com", "www.example.com", False),
        ("example.com", "com", True),  # the test itself; policy lives elsewhere
        ("example.com", "", False),
        ("127.0.0.1", "127.0.0.1", True),
        ("127.0.0.1", "0.0.1", False),
        ("10.127.0.0.1", "0.0.1", False),
        ("::1", "::1", True),
        ("a.example.com.", "example.com.", True),
    ],
)
def test_domain_match(host: str, domain: str, expected: bool) -> None:
    assert domain_match(host, domain) is expected


@pytest.mark.parametrize(
    ("request_path", "cookie_path", "expected"),
    [
        ("/", "/", True),
        ("", "/", True),
        ("/foo", "/", True),
        ("/foo", "/foo", True),
        ("/foo/", "/foo", True),
        ("/foo/bar", "/foo", True),
        ("/foo/bar", "/foo/", True),
        ("/foobar", "/foo", False),
        ("/fo", "/foo", False),
        ("/foo", "/foo/", False),
        ("/Foo", "/foo", False),  # case-sensitive
        ("/foo/bar/baz", "/foo/bar", True),
    ],
)
def test_path_match(request_path: str, cookie_path: str, expected: bool) -> None:
    assert path_match(request_path, cookie_path) is expected


@pytest.mark.parametrize(
    ("uri_path", "expected"),
    [
        ("", "/"),
        ("relative", "/"),
        ("/", "/"),
        ("/foo", "/"),
        ("/foo/", "/foo"),
        ("/foo/bar", "/foo"),
        ("/foo/bar/baz", "/foo/bar"),
    ],
)
def test_default_path(uri_path: str, expected: str) -> None:
    assert default_path(uri_path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "/"),
        ("/foo/bar", "/foo/bar"),
        ("/é", "/%C3%A9"),
        ("/%c3%a9", "/%C3%A9"),
        ("/%C3%A9", "/%C3%A9"),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),
        ("/%41%7e%3a", "/A~:"),  # characters a path holds need no escape
        ("/a%2fb%2B", "/a%2Fb%2B"),  # but "/" and "+" keep theirs
        ("/100%", "/100%25"),
        ("/%zz%4", "/%25zz%254"),
        ('/a"b[c]|d\\e', "/a%22b%5Bc%5D%7Cd%5Ce"),
        ("/€𝄞", "/%E2%82%AC%F0%9D%84%9E"),
        ("/a/../b/./c", "/a/../b/./c"),  # RFC 6265 compares plain strings
        ("/!$&'()*+,;=:@~", "/!$&'()*+,;=:@~"),
    ],
)
def test_canonical_path(path: str, expected: str) -> None:
    assert canonical_path(path) == expected
    assert canonical_path(expected) == expected


# Control characters never reach a stored path (the parser drops them) and
# URL parsing strips some of them, so they are left out.
PATH_TEXT = st.text(
    st.sampled_from(list("aZ09-._~!$&'()*+,;=:@/%% \"[]|^`{}<>cCfF\\"))
    | st.characters(exclude_categories=("Cc", "Cs")),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(text=PATH_TEXT)
def test_canonical_path_agrees_with_request_urls(text: str) -> None:
    # A cookie path must compare equal to the raw_path of the URL it names,
    # and yarl builds that raw_path.
    path = "/" + text.replace("?", "").replace("#", "")
    canonical = canonical_path(path)
    assert canonical_path(canonical) == canonical
    assert canonical.isascii()
    segments = canonical.split("/")
    if "." in segments or ".." in segments:
        return  # yarl also resolves dot segments in request URLs
    assert URL("http://example.com" + path).raw_path == canonical


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("2001:db8::1", True),
        ("127.1", True),  # legacy shorthand IPv4
        ("0x7f.1", True),
        ("2130706433", True),
        ("example.com", False),
        ("1.example.com", False),
        ("example.123x", False),
        ("localhost", False),
        ("", False),
    ],
)
def test_is_ip_literal(host: str, expected: bool) -> None:
    assert is_ip_literal(host) is expected


def test_normalise_origins_accepts_str_url_and_lists() -> None:
    assert normalise_origins(None) == frozenset()
    assert normalise_origins("http://127.0.0.1:8080/some/path") == {
        URL("http://127.0.0.1:8080")
    }
    assert normalise_origins(URL("HTTP://Example.COM/x?q")) == {
        URL("http://example.com")
    }
    assert normalise_origins(["http://a.test", URL("http://b.test:81")]) == {
        URL("http://a.test"),
        URL("http://b.test:81"),
    }


def test_normalise_origins_rejects_relative() -> None:
    with pytest.raises(ValueError, match="must be absolute URLs, got '/relative'"):
        normalise_origins("/relative")


def test_is_secure_url() -> None:
    origins = frozenset({("http", "127.0.0.1", 8080)})
    assert is_secure_url(URL("https://x.test/"), frozenset())
    assert is_secure_url(URL("wss://x.test/"), frozenset())
    assert not is_secure_url(URL("http://x.test/"), frozenset())
    assert not is_secure_url(URL("ws://x.test/"), frozenset())
    assert is_secure_url(URL("http://127.0.0.1:8080/a"), origins)
    assert not is_secure_url(URL("http://127.0.0.1:8081/a"), origins)
    assert not is_secure_url(URL(), origins)


# -- storage scope (aioclient_cookies._scope) ------------------------------------


@pytest.mark.parametrize(
    ("host", "domain_attribute", "unsafe", "expected"),
    [
        ("www.example.com", "", False, ("www.example.com", True)),
        ("www.example.com", "example.com", False, ("example.com", False)),
        ("www.example.com", ".Example.COM", False, ("example.com", False)),
        ("www.example.com", "example.com.", False, ("www.example.com", True)),
        ("www.example.com", ".", False, ("www.example.com", True)),
        ("www.example.com", "..example.com", False, None),
        ("www.example.com", "com", False, None),
        ("www.example.com", "other.com", False, None),
        ("www.example.com", "sub.www.example.com", False, None),
        ("localhost", "localhost", False, ("localhost", True)),
        ("127.0.0.1", "", True, ("127.0.0.1", True)),
        ("127.0.0.1", "127.0.0.1", True, ("127.0.0.1", True)),
        ("127.0.0.1", "0.0.1", True, None),
        ("127.0.0.1", "", False, None),
        ("::1", "", True, ("::1", True)),
        (None, "", False, ("", False)),
        (None, "example.com", False, ("example.com", False)),
        (None, "com", False, None),
        (None, "example.com.", False, None),
        (None, "10.0.0.1", False, None),
        (None, "10.0.0.1", True, ("10.0.0.1", True)),
    ],
)
def test_cookie_scope(
    host: str | None,
    domain_attribute: str,
    unsafe: bool,
    expected: tuple[str, bool] | None,
) -> None:
    assert cookie_scope(host, domain_attribute, unsafe) == expected


def test_candidate_domains() -> None:
    assert candidate_domains("a.b.example.com", False) == [
        "",
        "a.b.example.com",
        "b.example.com",
        "example.com",
        "com",
    ]
    assert candidate_domains("", False) == [""]
    assert candidate_domains("127.0.0.1", False) == [""]
    assert candidate_domains("127.0.0.1", True) == ["", "127.0.0.1"]
    assert candidate_domains("a..b.", False) == ["", "a..b.", ".b.", "b."]
    long_host = "a." * 200 + "example.com"
    assert candidate_domains(long_host, False) == ["", long_host]


@pytest.mark.parametrize(
    ("name", "secure", "secure_origin", "domain", "path", "expected"),
    [
        ("plain", False, False, "x.com", "/p", True),
        ("__Secure-a", True, True, "x.com", "/p", True),
        ("__secure-a", True, False, "", "", False),
        ("__SECURE-a", False, True, "", "", False),
        ("__Host-a", True, True, "", "/", True),
        ("__host-a", True, True, "x.com", "/", False),
        ("__HOST-a", True, True, "", "/p", False),
        ("__Host-a", True, True, "", "", False),
        ("__Host-a", False, True, "", "/", False),
        ("__Host-a", True, False, "", "/", False),
    ],
)
def test_prefix_allows(
    name: str, secure: bool, secure_origin: bool, domain: str, path: str, expected: bool
) -> None:
    assert prefix_allows(name, secure, secure_origin, domain, path) is expected
