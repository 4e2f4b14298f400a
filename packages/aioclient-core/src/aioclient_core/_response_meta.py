"""What a response's headers say about its body: media type, disposition, links.

Pure functions of header values, kept apart from ``ClientResponse`` so that each
parser can be read (and tested) on its own.
"""

from __future__ import annotations

import codecs
import contextlib
import email.parser
import email.policy
import functools
import re
from collections.abc import Iterable
from email.utils import collapse_rfc2231_value
from types import MappingProxyType
from typing import NamedTuple

from multidict import MultiDict, MultiDictProxy
from yarl import URL

from aioclient_forms import (
    content_disposition_filename,
    parse_content_disposition,
    parse_mimetype,
)

__all__ = [
    "ContentDisposition",
    "MediaType",
    "parse_charset",
    "parse_disposition",
    "parse_links",
    "parse_media_type",
]


class MediaType(NamedTuple):
    """A parsed ``Content-Type``: what ``ClientResponse`` needs of it."""

    mimetype: str
    #: The codec name for the ``charset`` parameter; None when absent or unknown.
    encoding: str | None
    #: A JSON or RDAP type, whose text is UTF-8 unless it says otherwise.
    utf8: bool


@functools.lru_cache(maxsize=64)
def parse_media_type(raw: str) -> MediaType:
    """Parse a ``Content-Type`` value (RFC 9110 §8.3.1).

    Memoized: a client sees the same few values again and again, and
    ``text()`` and ``json()`` each ask for them. The result is immutable, so
    sharing it is safe.

    The media type is what precedes the first ``;`` when it holds exactly one
    ``/`` (as aiohttp reads it: ``text/`` is kept, ``a/b/c`` is not), else
    ``application/octet-stream`` (RFC 9110 §8.3).
    """
    main = raw.partition(";")[0].strip().lower()
    mimetype = main if main.count("/") == 1 else "application/octet-stream"
    mtype, subtype, params = parse_mimetype(raw)
    charset = params.get("charset")
    encoding = None
    if charset:
        with contextlib.suppress(LookupError, ValueError):
            encoding = codecs.lookup(charset).name
    # RFC 8259 §8.1 (JSON) and RFC 9083 §4 (RDAP): always UTF-8.
    utf8 = mtype == "application" and subtype.partition("+")[0] in ("json", "rdap")
    return MediaType(mimetype, encoding, utf8)


_HEADER_PARSER = email.parser.HeaderParser(policy=email.policy.HTTP)
# The usual shape, "type/subtype; charset=token", read without the email
# package (whose parse costs about 100 us).
_PLAIN_CHARSET = re.compile(
    r"[A-Za-z0-9/.+-]*\s*;\s*(?i:charset)=([A-Za-z0-9_.+-]+)\s*"
)


@functools.lru_cache(maxsize=64)
def parse_charset(raw: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, as aiohttp reads it.

    Parameters are read by the standard library's MIME rules (RFC 2045 §5.1,
    RFC 2231 extended values, comments dropped, the first of repeated names),
    so odd values give what aiohttp gives: ``charset=""`` is ``""`` and
    ``charset='x'`` (not HTTP quoting) is no charset.
    """
    plain = _PLAIN_CHARSET.fullmatch(raw)
    if plain is not None:
        return plain.group(1)
    if "charset" not in raw.lower():
        return None
    return _mime_charset(raw)


def _mime_charset(raw: str) -> str | None:
    """:func:`parse_charset` by the email package alone."""
    try:
        message = _HEADER_PARSER.parsestr(f"Content-Type: {raw}")
        params = dict(message.get_params((), header="content-type")[1:])
    except Exception:  # the email package fails in assorted ways on junk
        return None
    # (An RFC 2231 value may come as a (charset, language, text) triple.)
    value: object = params.get("charset")
    if isinstance(value, tuple):
        try:
            return collapse_rfc2231_value(value)
        except (LookupError, ValueError):  # the peer's charset name
            return None
    return value if isinstance(value, str) else None


class ContentDisposition(NamedTuple):
    """A parsed ``Content-Disposition`` header (RFC 6266).

    Attributes:
        type: The disposition type, lower-cased (``attachment``, ``inline``...).
        parameters: Every parameter, read-only.
        filename: The file name from ``filename*`` or ``filename``, if any.
    """

    type: str | None
    parameters: MappingProxyType[str, str]
    filename: str | None


def parse_disposition(raw: str) -> ContentDisposition:
    """Parse a ``Content-Disposition`` value (RFC 6266 §4)."""
    disposition, params = parse_content_disposition(raw)
    return ContentDisposition(
        disposition, MappingProxyType(params), content_disposition_filename(params)
    )


# Links are separated by commas, but a comma may also sit inside a quoted
# parameter: split only before the next "<".
_LINK_SPLIT = re.compile(r",(?=\s*<)")
_LINK_PARAM = re.compile(r"\s*;\s*([^=;\s]+)\s*=\s*(\"[^\"]*\"|[^;,\s]*)")


def parse_links(
    values: Iterable[str], base: URL
) -> MultiDictProxy[MultiDictProxy[str | URL]]:
    """Parse ``Link`` header values (RFC 8288 §3), keyed by ``rel`` (or the URL).

    Args:
        values: Every ``Link`` field value, in order.
        base: The response's URL; relative targets are resolved against it.
    """
    links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
    for value in values:
        for item in _LINK_SPLIT.split(value):
            item = item.strip()
            if not item.startswith("<") or ">" not in item:
                continue  # not a link-value ("<" URI-Reference ">"): skipped
            target, _, rest = item[1:].partition(">")
            try:
                url = base.join(URL(target))
            except ValueError:
                continue  # not a URI-Reference (e.g. "http://[", port 99999)
            link: MultiDict[str | URL] = MultiDict()
            for key, param in _LINK_PARAM.findall(rest):
                # Parameter names are case-insensitive (RFC 8288 §3); "url" is
                # this mapping's own key for the target, never the peer's.
                if key.lower() != "url":
                    link.add(key.lower(), param.strip('"'))
            link.add("url", url)
            links.add(str(link.get("rel", target)), MultiDictProxy(link))
    return MultiDictProxy(links)
