"""How ``Content-Type`` is parsed for ``content_type``, ``charset``, encodings."""

from __future__ import annotations

import pytest

from aioclient_core._response_meta import parse_media_type as _parse_media_type


@pytest.mark.parametrize(
    ("raw", "mimetype", "charset", "encoding"),
    [
        ("", "application/octet-stream", None, None),
        ("text", "application/octet-stream", None, None),  # no subtype
        ("Text/HTML", "text/html", None, None),
        ("text/plain; charset=UTF-8", "text/plain", "UTF-8", "utf-8"),
        ('text/plain; Charset="latin-1"', "text/plain", "latin-1", "iso8859-1"),
        # A repeated parameter: the first one counts, as in aiohttp.
        ("text/plain;charset=utf-8;charset=ascii", "text/plain", "utf-8", "utf-8"),
        ("text/plain; charset=; charset=utf-8", "text/plain", None, None),
        ('text/plain; charset="a;b"', "text/plain", "a;b", None),  # quoted ";"
        ("text/plain; charset=no-such-codec", "text/plain", "no-such-codec", None),
        ("text/plain; format=flowed", "text/plain", None, None),
        (" application/json ; charset=utf-16", "application/json", "utf-16", "utf-16"),
    ],
)
def test_media_types(
    raw: str, mimetype: str, charset: str | None, encoding: str | None
) -> None:
    media = _parse_media_type(raw)
    assert (media.mimetype, media.charset, media.encoding) == (
        mimetype,
        charset,
        encoding,
    )


def test_parsed_values_are_shared_and_immutable() -> None:
    # Memoized across responses: what is shared must not be changeable.
    first = _parse_media_type("text/plain; charset=utf-8")
    assert _parse_media_type("text/plain; charset=utf-8") is first
    with pytest.raises(AttributeError):
        first.charset = "ascii"  # type: ignore[misc]
