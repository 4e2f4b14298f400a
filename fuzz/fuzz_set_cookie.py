"""Fuzz Set-Cookie parsing and the cookie jar, ``aioclient_cookies``.

Target: ``response_cookies(lines)``, ``CookieJar.update_cookies_from_headers(
lines, response_url)`` and ``CookieJar.filter_cookies(request_url)``.

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
The payload is split on LF into Set-Cookie values, each decoded as the
response parser stores header values (UTF-8 with ``surrogateescape``).
Parameters: the jar options (``unsafe``, ``quote_cookie``,
``treat_as_secure_origin``), the response URL and the request URL (from small
lists of http/https hosts, subdomains, IP literals and paths).

Invariants:

* ``response_cookies``, ``update_cookies_from_headers`` and
  ``filter_cookies`` never raise (their docstrings: malformed lines are skipped
  or ignored, "this never raises for malformed names, values or attributes");
  anything escaping is a finding (tag ``escape``).
* Every morsel ``filter_cookies`` returns can be sent: its name is a non-empty
  cookie token (no CTL, whitespace, ``;``, ``=``, ``,``, ``"``) and its
  ``coded_value`` (what ``ClientRequest.update_cookies`` writes) has no CTL
  and no ``;``; the ``Cookie`` header built from them splits back into exactly
  the same pairs (tag ``inject``). The same holds for the raw ``value`` when
  ``quote_cookie=False``, since it is then sent as is.
* Scope: cookies set by a response from one site are never sent to an
  unrelated site (``other.test``), and with ``unsafe=False`` nothing is stored
  from an IP-literal URL (tag ``scope``). Secure cookies are never sent to a
  plain-http URL that is not listed in ``treat_as_secure_origin`` (tag
  ``secure``).
* ``response_cookies`` only holds names the jar parser accepted (tag
  ``inject``).

Documented exceptions allowed: none. Narrow tag of a known finding:
``inject-raw-semicolon``.
"""

from __future__ import annotations

import re
import warnings
from http.cookies import BaseCookie
from typing import TypedDict

import atheris

with atheris.instrument_imports(include=["aioclient_cookies"]):
    from aioclient_cookies import CookieJar, response_cookies

from _harness import finding, main, seed, split_params, trailer_for
from yarl import URL

warnings.simplefilter("ignore")

RESPONSE_URLS = [
    URL("http://example.com/"),
    URL("https://example.com/a/b/c"),
    URL("http://sub.example.com/dir/page"),
    URL("https://www.example.co.uk/"),
    URL("http://127.0.0.1:8080/x/"),
    URL("http://[::1]/"),
    URL("http://localhost/"),
    URL("https://EXAMPLE.com./Path/"),
    URL("http://xn--bcher-kva.example/"),
    URL(),
]
REQUEST_URLS = [
    URL("http://example.com/"),
    URL("https://example.com/a/b/c/d"),
    URL("http://sub.example.com/dir/page"),
    URL("https://a.sub.example.com/"),
    URL("http://127.0.0.1:8080/x/y"),
    URL("http://localhost/"),
    URL("https://www.example.co.uk/p"),
]
UNRELATED = URL("https://other.test/a/b/c/d")
# Typed as CookieJar's treat_as_secure_origin parameter (whose list is invariant).
SECURE_ORIGINS: list[str | list[str | URL] | None] = [
    None,
    "http://example.com",
    ["http://127.0.0.1:8080", "http://localhost"],
]

_BAD_NAME = re.compile(r'[\x00-\x20\x7f;=,"\\]')
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f;]")


def _check_sendable(cookies: BaseCookie[str], quote: bool, where: str) -> None:
    pairs = []
    for name, morsel in cookies.items():
        if name != morsel.key:
            finding("inject", f"{where}: key {name!r} vs morsel.key {morsel.key!r}")
        if not name or _BAD_NAME.search(name):
            finding("inject", f"{where}: unsendable name {name!r}")
        coded = morsel.coded_value
        if (
            not quote
            and isinstance(coded, str)
            and ";" in coded
            and not _BAD_VALUE.search(coded.replace(";", ""))
        ):
            # Finding 2: with quote_cookie=False a quoted value's escapes
            # (\\073) decode to ";" and the raw value is sent.
            finding(
                "inject-raw-semicolon",
                f"{where}: raw value {coded!r} sent (name {name!r})",
            )
        elif not isinstance(coded, str) or _BAD_VALUE.search(coded):
            finding(
                "inject", f"{where}: unsendable coded_value {coded!r} (name {name!r})"
            )
        if not quote and _BAD_VALUE.search(morsel.value.replace(";", "")):
            finding(
                "inject",
                f"{where}: unsendable raw value {morsel.value!r} (quote_cookie=False)",
            )
        pairs.append((name, coded))
    header = "; ".join(f"{n}={v}" for n, v in pairs)
    if pairs:
        back = [tuple(p.strip().split("=", 1)) for p in header.split(";")]
        if back != [(n, v.strip()) for n, v in pairs] and not any(
            v != v.strip() for _, v in pairs
        ):
            raw_semicolon = not quote and any(";" in v for _, v in pairs)
            finding(
                "inject-raw-semicolon" if raw_semicolon else "inject",
                f"{where}: Cookie header {header!r} splits into {back!r}",
            )


class Params(TypedDict):
    """This target's parameters: the jar options and list indexes."""

    unsafe: bool
    quote: bool
    origins: int
    url: int


def read_params(fdp: atheris.FuzzedDataProvider) -> Params:
    """Read this target's parameters from the input's 32-byte trailer."""
    return {
        "unsafe": fdp.ConsumeBool(),
        "quote": not fdp.ConsumeBool(),
        "origins": fdp.ConsumeIntInRange(0, len(SECURE_ORIGINS) - 1),
        "url": fdp.ConsumeIntInRange(0, len(RESPONSE_URLS) - 1),
    }


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    params = read_params(fdp)
    unsafe, quote = params["unsafe"], params["quote"]
    origins = SECURE_ORIGINS[params["origins"]]
    response_url = RESPONSE_URLS[params["url"]]
    lines = [line.decode("utf-8", "surrogateescape") for line in payload.split(b"\n")]

    parsed = response_cookies(lines)
    for name in parsed:
        if not name or _BAD_NAME.search(name):
            finding("inject", f"response_cookies kept name {name!r}")

    jar = CookieJar(unsafe=unsafe, quote_cookie=quote, treat_as_secure_origin=origins)
    jar.update_cookies_from_headers(lines, response_url)
    host = response_url.raw_host or ""
    is_ip = host.replace(".", "").isdigit() or ":" in host
    if is_ip and not unsafe and len(jar):
        finding(
            "scope",
            f"{len(jar)} cookies stored from IP URL {response_url} with unsafe=False",
        )
    for request_url in REQUEST_URLS + [response_url]:
        got = jar.filter_cookies(request_url)
        _check_sendable(got, quote, f"filter_cookies({request_url})")
        if request_url.scheme == "http" and request_url.raw_host:
            listed = (
                origins if isinstance(origins, list) else [origins] if origins else []
            )
            if not any(str(request_url).startswith(str(o)) for o in listed):
                for name, morsel in got.items():
                    for stored in jar:
                        if (
                            stored.key == name
                            and stored.value == morsel.value
                            and stored.get("secure")
                        ):
                            others = [
                                m for m in jar if m.key == name and not m.get("secure")
                            ]
                            if not others:
                                finding(
                                    "secure",
                                    f"Secure cookie {name!r} sent to {request_url}",
                                )
    if response_url.raw_host:
        leaked = jar.filter_cookies(UNRELATED)
        if leaked:
            finding(
                "scope",
                f"cookies {list(leaked)} from {response_url} sent to {UNRELATED}",
            )


def _params(url_index: int, quote: bool = True, unsafe: bool = False) -> bytes:
    return trailer_for(
        read_params, url=url_index, quote=quote, unsafe=unsafe, origins=0
    )


SEEDS = [
    seed(b"a=b", _params(0)),
    seed(
        b"sid=abc; Path=/; HttpOnly; Secure\nlang=en; Max-Age=3600; Domain=example.com",
        _params(1),
    ),
    seed(
        b'q="a\\073b"; Path=/a\nx=1; Expires=Thu, 01 Jan 2037 00:00:00 GMT',
        _params(1, quote=False),
    ),
    seed(
        b"__Host-id=1; Secure; Path=/\n__Secure-x=2; Secure; Domain=example.com",
        _params(1),
    ),
    seed(b"a[0]=b; Domain=.example.com; SameSite=Lax\nb=c; domain=com", _params(2)),
    seed(b"ip=1; Path=/x", _params(4, unsafe=True)),
    seed(b"bad\x01=v\nok=\xc3\xa9\xff; Max-Age=-1", _params(0)),
    seed(b'e="; Max-Age=99999999999999999999; Partitioned', _params(7)),
]

if __name__ == "__main__":
    main(TestOneInput, "set_cookie", SEEDS, dictionary="cookie.dict")
