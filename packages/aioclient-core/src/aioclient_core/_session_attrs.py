"""The documented read-only properties of ``ClientSession``, on a base class.

``ClientSession`` (``_session``) sets every attribute declared here in its
constructor and inherits these properties; keeping them apart keeps the session
module about what a session does rather than what it exposes.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict, istr

from aioclient_auth import BasicAuth
from aioclient_cookies.abc import AbstractCookieJar

from ._connector import BaseConnector
from ._http._models import HttpVersion
from ._timeouts import ClientTimeout

if TYPE_CHECKING:
    from ._response import ClientResponse

__all__ = ["RaiseForStatus", "SessionAttributes"]

#: A ``raise_for_status`` setting: a flag, or an async callable run on the response.
RaiseForStatus = bool | Callable[["ClientResponse"], Awaitable[None]]


class SessionAttributes:
    """The settings a session exposes, as aiohttp's ``ClientSession`` does."""

    _connector: BaseConnector | None
    _cookie_jar: AbstractCookieJar
    _version: HttpVersion
    _requote_redirect_url: bool
    _loop: asyncio.AbstractEventLoop
    _timeout: ClientTimeout
    _default_headers: CIMultiDict[str]
    _skip_auto_headers: frozenset[istr]
    _auth: BasicAuth | None
    _json_serialize: Callable[[Any], str]
    _connector_owner: bool
    _raise_for_status: RaiseForStatus
    _auto_decompress: bool
    _trust_env: bool
    _trace_configs: list[Any]

    @property
    def closed(self) -> bool:
        """True once the session was closed or detached."""
        return self._connector is None or self._connector.closed

    @property
    def connector(self) -> BaseConnector | None:
        """The connector, or None once closed or detached."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The session's cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> HttpVersion:
        """The HTTP version requests use."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect targets are re-quoted (see ``yarl.URL``)."""
        return self._requote_redirect_url

    @requote_redirect_url.setter
    def requote_redirect_url(self, value: bool) -> None:
        warnings.warn(
            "session.requote_redirect_url modification is deprecated #2778",
            DeprecationWarning,
            stacklevel=2,
        )
        self._requote_redirect_url = value

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The session's loop (deprecated)."""
        warnings.warn(
            "client.loop property is deprecated", DeprecationWarning, stacklevel=2
        )
        return self._loop

    @property
    def timeout(self) -> ClientTimeout:
        """The default timeouts."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """Default headers (mutable: changes apply to later requests)."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[istr]:
        """Default headers never sent automatically."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The session's Basic credentials."""
        return self._auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        """The JSON encoder for ``json=`` bodies."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes the connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> RaiseForStatus:
        """The default ``raise_for_status``."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether response bodies are decompressed."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether ``.netrc`` (and, later, proxy variables) are consulted."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[Any]:
        """The tracing configurations."""
        return self._trace_configs
