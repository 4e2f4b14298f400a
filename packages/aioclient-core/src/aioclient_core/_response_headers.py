"""What a response's headers say, as ``ClientResponse`` properties.

The parsing itself is in ``_response_meta`` (pure functions of header values);
this base class exposes it the way aiohttp's ``ClientResponse`` does, and
``ClientResponse`` (``_response``) inherits it.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, cast

from multidict import CIMultiDictProxy, MultiDictProxy
from yarl import URL

from aioclient_cookies import response_cookies

from . import hdrs
from ._response_meta import (
    ContentDisposition,
    MediaType,
    parse_charset,
    parse_disposition,
    parse_links,
    parse_media_type,
)

if TYPE_CHECKING:
    from ._response import ClientResponse
    from ._session import ClientSession

__all__ = ["ResponseHeaderViews"]


class ResponseHeaderViews:
    """Cookies, media type, charset, length, disposition and links of a response."""

    _headers: CIMultiDictProxy[str]
    _cookies: SimpleCookie | None
    _url: URL
    _body: bytes | None
    _session: ClientSession | None

    @property
    def cookies(self) -> SimpleCookie:
        """Cookies set by this response (one per name; see ``headers``).

        Each ``Set-Cookie`` line is read by the cookie jar's lenient RFC 6265
        parser, so a cookie with an attribute ``SimpleCookie`` does not know
        (``Partitioned``, say) is still here, and this agrees with what the
        session's jar stores.
        """
        if self._cookies is None:
            self._cookies = response_cookies(self._headers.getall(hdrs.SET_COOKIE, ()))
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: SimpleCookie) -> None:
        self._cookies = cookies

    def _media_type(self) -> MediaType:
        raw = self._headers.get(hdrs.CONTENT_TYPE, "") if self._headers else ""
        return parse_media_type(raw)

    @property
    def content_type(self) -> str:
        """The media type, ``application/octet-stream`` when missing or invalid."""
        return self._media_type().mimetype

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of ``Content-Type``, if any."""
        raw = self._headers.get(hdrs.CONTENT_TYPE, "") if self._headers else ""
        return parse_charset(raw)

    @property
    def content_length(self) -> int | None:
        """The ``Content-Length`` value, if present."""
        value = self._headers.get(hdrs.CONTENT_LENGTH) if self._headers else None
        # (ASCII digits only: str.isdigit() also admits "²", which int() refuses.)
        if value is None or not (value.isascii() and value.isdigit()):
            return None
        return int(value)

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The parsed ``Content-Disposition`` header, if present."""
        raw = self._headers.get(hdrs.CONTENT_DISPOSITION) if self._headers else None
        return None if raw is None else parse_disposition(raw)

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The ``Link`` header (RFC 8288), keyed by ``rel`` (or the URL)."""
        values = self._headers.getall(hdrs.LINK, ()) if self._headers else ()
        return parse_links(values, self._url)

    def get_encoding(self) -> str:
        """The body's character encoding (``charset``, else a fallback).

        Raises:
            RuntimeError: The fallback needs the body, which was not read yet.
        """
        media = self._media_type()
        if media.encoding is not None:
            return media.encoding
        if media.utf8:
            return "utf-8"
        if self._body is None:
            raise RuntimeError(
                "Cannot compute fallback encoding of a not yet read body"
            )
        if self._session is None:
            return "utf-8"
        # The session's fallback_charset_resolver is given the response itself:
        # this base class only ever exists as part of a ClientResponse.
        return self._session._resolve_charset(cast("ClientResponse", self), self._body)
