"""What a response's headers say about its body: media type, disposition, links.

Pure functions of header values, kept apart from ``ClientResponse`` so that each
parser can be read (and tested) on its own.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from collections.abc import Iterable
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
    "parse_disposition",
    "parse_links",
    "parse_media_type",
]


class MediaType(NamedTuple):
    """A parsed ``Content-Type``: what ``ClientResponse`` needs of it."""

    mimetype: str
    charset: str | None
    #: The codec name for ``charset``; None when absent or unknown.
    encoding: str | None


@functools.lru_cache(maxsize=64)
def parse_media_type(raw: str) -> MediaType:
    """Parse a ``Content-Type`` value (RFC 9110 §8.3.1).

    Memoized: a client sees the same few values again and again, and
    ``text()`` and ``json()`` each ask for them. The result is immutable, so
    sharing it is safe.
    """
    mtype, subtype, params = parse_mimetype(raw)
    mimetype = f"{mtype}/{subtype}" if subtype else "application/octet-stream"
    charset = params.get("charset") or None
    encoding = None
    if charset:
        with contextlib.suppress(LookupError, ValueError):
            encoding = codecs.lookup(charset).name
    return MediaType(mimetype, charset, encoding)


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
            link: MultiDict[str | URL] = MultiDict()
            for key, param in _LINK_PARAM.findall(rest):
                # Parameter names are case-insensitive (RFC 8288 §3).
                link.add(key.lower(), param.strip('"'))
            link.add("url", base.join(URL(target)))
            links.add(str(link.get("rel", target)), MultiDictProxy(link))
    return MultiDictProxy(links)
