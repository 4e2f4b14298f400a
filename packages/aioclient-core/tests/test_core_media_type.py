"""How ``Content-Type`` is parsed for ``content_type``, ``charset``, encodings."""

from __future__ import annotations

import pytest

from aioclient_core._response_meta import _mime_charset, parse_charset
from aioclient_core._response_meta import parse_media_type as _parse_media_type


# Expected values are aiohttp 3.14's: ``content_type``, ``charset`` and the
# codec ``get_encoding()`` finds in the header ("fallback": none, the body's
# fallback charset decides).
@pytest.mark.parametrize(
    ("raw", "mimetype", "charset", "encoding"),
    [
        ("", "application/octet-stream", None, "fallback"),
        ("text", "application/octet-stream", None, "fallback"),  # no subtype
        ("Text/HTML", "text/html", None, "fallback"),
        ("text/plain; charset=UTF-8", "text/plain", "UTF-8", "utf-8"),
        ('text/plain; Charset="latin-1"', "text/plain", "latin-1", "iso8859-1"),
        ("text/plain;charset=utf-8;charset=ascii", "text/plain", "utf-8", "utf-8"),
        ("text/plain; charset=; charset=utf-8", "text/plain", "utf-8", "fallback"),
        ('text/plain; charset="a;b"', "text/plain", "a;b", "fallback"),
        ("text/plain; charset=nosuchcodec", "text/plain", "nosuchcodec", "fallback"),
        ("text/plain; format=flowed", "text/plain", None, "fallback"),
        (" application/json ; charset=utf-16", "application/json", "utf-16", "utf-16"),
        ("text/", "text/", None, "fallback"),
        ("/", "/", None, "fallback"),
        ("a/b/c", "application/octet-stream", None, "fallback"),
        ("application/json,text/html", "application/octet-stream", None, "fallback"),
        ('text/plain; charset=""', "text/plain", "", "fallback"),
        ("text/plain;charset", "text/plain", "", "fallback"),
        ("text/plain; charset='utf-8'", "text/plain", None, "utf-8"),
        ('text/plain; charset="utf-8', "text/plain", "utf-8", "utf-8"),
        ("text/plain; charset=utf-8 (comment)", "text/plain", "utf-8", "fallback"),
        ("text/plain; charset*=utf-8''latin1", "text/plain", "latin1", "fallback"),
        ("application/rdap+json", "application/rdap+json", None, "utf-8"),
        ("application/json+x", "application/json+x", None, "utf-8"),
        (
            "application/vnd.api+json; charset=ascii",
            "application/vnd.api+json",
            "ascii",
            "ascii",
        ),  # fmt: skip
        ("text/plain; charset=ascii; charset=utf-8", "text/plain", "ascii", "ascii"),
        ("TEXT/PLAIN ; CHARSET = UTF-8", "text/plain", "UTF-8", "utf-8"),
    ],
)
def test_media_types(
    raw: str, mimetype: str, charset: str | None, encoding: str
) -> None:
    media = _parse_media_type(raw)
    found = media.encoding or ("utf-8" if media.utf8 else "fallback")
    assert (media.mimetype, parse_charset(raw), found) == (mimetype, charset, encoding)


@pytest.mark.parametrize(
    "raw",
    [
        "text/html;charset=ISO-8859-1",
        "text/html; charset=utf-8 ",
        "text/html ;charset=Windows-1252",
        "application/vnd.a+json; charset=a_b.c+d-e",
        "x/y; charset=a:b",  # ":" ends a MIME token
        "text/plain; charset=utf-8; format=flowed",
        "text/html; Charset=UTF-8",
        "TEXT/HTML;CHARSET=utf-8",
    ],
)
def test_the_plain_charset_shortcut_agrees_with_the_mime_rules(raw: str) -> None:
    assert parse_charset(raw) == _mime_charset(raw)


def test_parsed_values_are_shared_and_immutable() -> None:
    # Memoized across responses: what is shared must not be changeable.
    first = _parse_media_type("text/plain; charset=utf-8")
    assert _parse_media_type("text/plain; charset=utf-8") is first
    with pytest.raises(AttributeError):
        first.encoding = "ascii"  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw",
    [
        "text/plain; charset*",  # the email package raises IndexError here
        "text/plain; charset*=undefined''%41",  # a codec that cannot decode
    ],
)
def test_charset_of_junk_is_none_not_an_error(raw: str) -> None:
    assert parse_charset(raw) is None  # found by fuzzing
