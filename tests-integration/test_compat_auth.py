"""aioclient_auth behaves like aiohttp's auth helpers on the same inputs.

aiohttp is installed here as a test-only reference. Where aioclient is deliberately
stricter (docs page "Differences from aiohttp"), the inputs are left out on purpose.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from yarl import URL

import aioclient

# Left out on purpose (see "Differences from aiohttp"): surrounding whitespace, which
# aioclient trims as RFC 9110 section 5.5 does for field values, and a login holding
# an encoded ":" in a URL, which aioclient refuses instead of sending ambiguous
# credentials.
HEADERS = [
    "Basic dXNlcjpwYXNz",
    "basic dXNlcjpwYXNz",
    "BASIC dXNlcjpwYXNz",
    "Basic dXNlcjo=",
    "Basic OnBhc3M=",
    "Basic dXNlcjpwOmE6c3M=",
    "Basic w6k6w6k=",
    "Basic",
    "Bearer abc",
    "Digest dXNlcjpwYXNz",
    "Basic not*base64",
    "Basic dXNlcg==",
    "Basic ZGl2aWRlcg",
    "",
]


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    with warnings.catch_warnings():
        # aiohttp 3.14 deprecates building BasicAuth; aioclient does not.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            result = call()
        except Exception as exc:
            return type(exc).__name__, str(exc)
    return "ok", tuple(result) if isinstance(result, tuple) else result


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("encoding", ["latin1", "utf-8"])
def test_decode_matches_aiohttp(header: str, encoding: str) -> None:
    ours = _outcome(lambda: aioclient.BasicAuth.decode(header, encoding=encoding))
    theirs = _outcome(lambda: aiohttp.BasicAuth.decode(header, encoding=encoding))
    assert ours == theirs


@pytest.mark.parametrize(
    ("login", "password", "encoding"),
    [
        ("user", "pass", "latin1"),
        ("user", "", "latin1"),
        ("", "pass", "utf-8"),
        ("üser", "pässwörd", "utf-8"),
        ("üser", "pässwörd", "latin1"),
        ("user", "p:a:ss", "utf-8"),
        ("us:er", "pass", "latin1"),
    ],
)
def test_construction_and_encoding_match_aiohttp(
    login: str, password: str, encoding: str
) -> None:
    ours = _outcome(lambda: aioclient.BasicAuth(login, password, encoding).encode())
    theirs = _outcome(lambda: aiohttp.BasicAuth(login, password, encoding).encode())
    assert ours == theirs
    assert _outcome(
        lambda: aioclient.encode_basic_auth(login, password, encoding)
    ) == _outcome(lambda: aiohttp.encode_basic_auth(login, password, encoding))


@pytest.mark.parametrize(
    "url",
    [
        "http://user:pass@example.com/",
        "http://user@example.com/",
        "http://:pass@example.com/",
        "http://user:p%40ss%3Aword@example.com/",
        "http://example.com/",
    ],
)
def test_from_url_matches_aiohttp(url: str) -> None:
    ours = _outcome(lambda: aioclient.BasicAuth.from_url(URL(url)))
    theirs = _outcome(lambda: aiohttp.BasicAuth.from_url(URL(url)))
    assert ours == theirs


@pytest.mark.parametrize("length", [0, 16, 20, 31, 32, 33, 64])
def test_fingerprint_lengths_match_aiohttp(length: int) -> None:
    digest = hashlib.sha512(b"x").digest()[:length]
    ours = _outcome(lambda: aioclient.Fingerprint(digest).fingerprint)
    theirs = _outcome(lambda: aiohttp.Fingerprint(digest).fingerprint)
    assert ours == theirs
