import calendar
import datetime
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from aioclient_cookies import CookieJar, DummyCookieJar
from aioclient_cookies._dates import parse_cookie_date
from aioclient_cookies._matching import path_match
from aioclient_cookies._parsing import parse_set_cookie

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

NAME_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "!#$%&'*+-.^_`|~[](){}<>@?/:"
)
# cookie-octet without DQUOTE, so values need no quoting decisions.
VALUE_ALPHABET = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '";\\,')
names = st.text(NAME_ALPHABET, min_size=1, max_size=20).filter(
    lambda n: not n.lower().startswith(("__host-", "__secure-"))
)
values = st.text(VALUE_ALPHABET, max_size=40)
segments = st.text("abcdefghij0123456789-_~", min_size=1, max_size=6)
paths = st.lists(segments, max_size=4).map(lambda parts: "/" + "/".join(parts))

MANY_URLS = [
    URL("http://example.com/"),
    URL("https://www.example.com/a/b"),
    URL("http://127.0.0.1:8080/x"),
    URL("http://[::1]/"),
    URL(),
]


@SETTINGS
@given(lines=st.lists(st.text(max_size=300), max_size=5), unsafe=st.booleans())
def test_arbitrary_text_never_raises(lines: list[str], unsafe: bool) -> None:
    jar = CookieJar(unsafe=unsafe)
    for url in MANY_URLS:
        jar.update_cookies_from_headers(lines, url)
        DummyCookieJar().update_cookies_from_headers(lines, url)
    for url in MANY_URLS:
        for morsel in jar.filter_cookies(url).values():
            assert "\n" not in morsel.coded_value
            assert "\r" not in morsel.coded_value
    assert len(jar) == len(list(jar))


@SETTINGS
@given(data=st.lists(st.binary(max_size=300), max_size=5))
def test_arbitrary_bytes_never_raise(data: list[bytes]) -> None:
    jar = CookieJar(unsafe=True)
    lines = [raw.decode("utf-8", "surrogateescape") for raw in data]
    lines += [raw.decode("latin-1") for raw in data]
    jar.update_cookies_from_headers(lines, URL("https://example.com/p/q"))
    jar.filter_cookies(URL("https://example.com/p/q"))


attribute = st.sampled_from(
    ["Path", "Domain", "Expires", "Max-Age", "Secure", "HttpOnly", "SameSite", "X"]
)
attribute_value = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.sampled_from([".example.com", "example.com.", "com", "127.0.0.1", "/"]),
)


@SETTINGS
@given(
    name=st.text(max_size=20),
    value=st.text(max_size=40),
    attrs=st.lists(st.tuples(attribute, attribute_value), max_size=6),
)
def test_structured_hostile_lines_never_raise(
    name: str, value: str, attrs: list[tuple[str, str]]
) -> None:
    line = f"{name}={value}" + "".join(f"; {k}={v}" for k, v in attrs)
    jar = CookieJar()
    jar.update_cookies_from_headers([line], URL("https://www.example.com/a/"))
    jar.update_cookies({name: value}, URL("http://example.com/"))
    jar.update_cookies([(name, value)])
    jar.filter_cookies(URL("https://www.example.com/a/b"))


@SETTINGS
@given(
    name=names,
    value=values,
    path=paths,
    max_age=st.integers(min_value=1, max_value=10**9),
    secure=st.booleans(),
    httponly=st.booleans(),
)
def test_valid_cookies_round_trip(
    name: str, value: str, path: str, max_age: int, secure: bool, httponly: bool
) -> None:
    line = f"{name}={value}; Path={path}; Max-Age={max_age}"
    line += "; Secure" * secure + "; HttpOnly" * httponly
    parsed = parse_set_cookie(line)
    assert parsed is not None
    parsed_name, morsel = parsed
    assert parsed_name == name
    assert morsel.value == value
    assert morsel.coded_value == value
    assert morsel["path"] == path
    assert morsel["max-age"] == str(max_age)
    assert bool(morsel["secure"]) is secure
    assert bool(morsel["httponly"]) is httponly

    jar = CookieJar(quote_cookie=False)
    jar.update_cookies_from_headers([line], URL("https://example.com/"))
    got = jar.filter_cookies(URL("https://example.com" + path))
    assert got[name].value == value
    assert got[name].coded_value == value
    if secure:
        assert name not in jar.filter_cookies(URL("http://example.com" + path))


@SETTINGS
@given(stored=st.lists(paths, min_size=1, max_size=6), request=paths)
def test_candidate_paths_agree_with_path_match(stored: list[str], request: str) -> None:
    jar = CookieJar(quote_cookie=False)
    lines = [f"c{i}={p}; Path={p}" for i, p in enumerate(stored)]
    jar.update_cookies_from_headers(lines, URL("http://example.com/"))
    got = set(jar.filter_cookies(URL("http://example.com" + request)))
    expected = {f"c{i}" for i, p in enumerate(stored) if path_match(request, p)}
    assert got == expected


@SETTINGS
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1601, 1, 1),
        max_value=datetime.datetime(9999, 12, 31),
    )
)
def test_http_dates_parse(moment: datetime.datetime) -> None:
    moment = moment.replace(microsecond=0)
    text = (
        moment.strftime("%a, %d %b ")
        + f"{moment.year:04d}"
        + moment.strftime(" %H:%M:%S GMT")
    )
    assert parse_cookie_date(text) == calendar.timegm(moment.timetuple())


@SETTINGS
@given(
    cookies=st.lists(
        st.tuples(names, values, st.booleans(), st.sampled_from(["/", "/a", "/a/b"])),
        max_size=8,
    )
)
def test_save_load_round_trip(cookies: list[tuple[str, str, bool, str]]) -> None:
    jar = CookieJar()
    for name, value, domain_cookie, path in cookies:
        line = f"{name}={value}; Path={path}"
        if domain_cookie:
            line += "; Domain=example.com"
        jar.update_cookies_from_headers([line], URL("http://www.example.com/"))
    with tempfile.TemporaryDirectory() as directory:
        file_path = os.path.join(directory, "jar.json")
        jar.save(file_path)
        restored = CookieJar()
        restored.load(file_path)
    assert restored.host_only_cookies == jar.host_only_cookies
    assert {
        (d, p, n, m.value, m.coded_value)
        for (d, p), bucket in restored.cookies.items()
        for n, m in bucket.items()
    } == {
        (d, p, n, m.value, m.coded_value)
        for (d, p), bucket in jar.cookies.items()
        for n, m in bucket.items()
    }
