"""The RFC 6265 cookie jar used by default by client sessions.

Implements the storage model of RFC 6265 §5.3 (with the name prefixes and size
limits of RFC 6265bis §4.1.3 and §5.6) and the cookie selection of §5.4, with
aiohttp 3.14's ``CookieJar`` API on top.
"""

import asyncio
import os
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from http.cookies import BaseCookie, Morsel, SimpleCookie
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple

from yarl import URL

from ._dates import MAX_TIMESTAMP, cookie_expiry, drop_ignored_expiry
from ._matching import (
    canonical_path,
    default_path,
    domain_match,
    is_ip_literal,
    is_secure_url,
    normalise_origins,
    origin_of,
    path_match,
)
from ._parsing import (
    MAX_ATTRIBUTE_SIZE,
    MAX_NAME_VALUE_SIZE,
    as_morsel,
    attribute_text,
    fits,
    is_valid_name,
    is_valid_value,
    parse_set_cookie,
    stored_morsel,
)
from ._persistence import CookieRecord, SavedCookie, read_records, write_cookies
from ._scope import candidate_domains, cookie_scope, prefix_allows
from ._storage import CookieStorage, Key
from ._types import LooseCookies
from .abc import AbstractCookieJar, ClearCookiePredicate

__all__ = ["CookieJar"]


class _Setter(NamedTuple):
    """Where a cookie came from, as far as the storage rules care."""

    host: str | None  # lower-case host, None for shared cookies
    secure: bool  # the setting origin is secure (https/wss or listed origin)
    default_path: str  # RFC 6265 §5.1.4 default-path of the response URL
    enforce_prefixes: bool  # False only for caller-supplied shared cookies


class CookieJar(CookieStorage, AbstractCookieJar):
    """A cookie store following RFC 6265 with aiohttp's ``CookieJar`` API.

    When several stored cookies with the same name match a request, only one
    can be sent; the jar picks the one with the longest path, then prefers a
    host-only cookie over a domain cookie, then the longest domain (shared
    cookies lose to every host cookie).

    Args:
        unsafe: Accept cookies from, and send cookies to, IP-address hosts.
            Such cookies are always host-only.
        quote_cookie: Quote outgoing values the way ``SimpleCookie`` does,
            except a value received in a form starting with a double quote,
            which is sent back as received. With ``False`` the raw value is
            sent.
        treat_as_secure_origin: An origin (``str`` or ``URL``), or a list of
            them, whose plain ``http`` requests still receive ``Secure``
            cookies, e.g. ``"http://127.0.0.1:8080"``.
        loop: Accepted for compatibility; no running loop is required.

    Attributes:
        MAX_COOKIES_PER_DOMAIN: Most cookies kept for one domain (or host).
        MAX_COOKIES: Most cookies kept in total.
        MAX_NAME_VALUE_SIZE: Longest accepted name plus value, in bytes
            (fixed by RFC 6265bis; informational, not meant to be changed).
        MAX_ATTRIBUTE_SIZE: Longer attribute values are ignored (fixed by
            RFC 6265bis; informational, not meant to be changed).
        MAX_TIME: Expiry times are clamped to this timestamp (end of year 9999).

    Raises:
        ValueError: If an entry of ``treat_as_secure_origin`` is not an
            absolute URL.
    """

    MAX_COOKIES_PER_DOMAIN: ClassVar[int] = 180
    MAX_COOKIES: ClassVar[int] = 3000
    MAX_NAME_VALUE_SIZE: ClassVar[int] = MAX_NAME_VALUE_SIZE
    MAX_ATTRIBUTE_SIZE: ClassVar[int] = MAX_ATTRIBUTE_SIZE
    MAX_TIME: ClassVar[int] = MAX_TIMESTAMP

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: "str | URL | list[str | URL] | None" = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(loop=loop)
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        self._secure_origin_urls = normalise_origins(treat_as_secure_origin)
        self._secure_origins = frozenset(
            origin
            for url in self._secure_origin_urls
            if (origin := origin_of(url)) is not None
        )
        self._init_storage()

    def _now(self) -> float:
        """Return the current time; tests override this to control the clock.

        Returns:
            Seconds since the epoch.
        """
        return time.time()

    @property
    def unsafe(self) -> bool:
        """Whether cookies from and for IP-address hosts are accepted."""
        return self._unsafe

    @property
    def quote_cookie(self) -> bool:
        """Whether outgoing values are quoted like ``SimpleCookie`` does."""
        return self._quote_cookie

    @property
    def cookies(self) -> "MappingProxyType[tuple[str, str], SimpleCookie]":
        """A read-only view of the stored cookies keyed by ``(domain, path)``.

        The domain is the host for host-only cookies and "" for shared ones. As
        in aiohttp, the path in the key has its trailing slashes removed, so
        cookies for ``/`` are under ``(domain, "")``; cookies whose paths differ
        only by a trailing slash share one entry in this view (the jar itself
        keeps them apart).
        """
        view: dict[tuple[str, str], SimpleCookie] = {}
        for (domain, path), bucket in self._cookies.items():
            key = (domain, path.rstrip("/"))
            merged = view.get(key)
            if merged is None:
                view[key] = bucket
            else:
                combined = SimpleCookie()
                dict.update(combined, merged)
                dict.update(combined, bucket)
                view[key] = combined
        return MappingProxyType(view)

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """The origins given as ``treat_as_secure_origin``, as origin URLs."""
        return self._secure_origin_urls

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str]]:
        """The ``(domain, name)`` pairs of cookies bound to one exact host."""
        return frozenset((domain, name) for domain, _, name in self._host_only)

    def __len__(self) -> int:
        self._expire(self._now())
        return sum(len(bucket) for bucket in self._cookies.values())

    def __iter__(self) -> "Iterator[Morsel[str]]":
        self._expire(self._now())
        morsels = [m for bucket in self._cookies.values() for m in bucket.values()]
        return iter(morsels)

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove cookies; expired cookies are always removed as well.

        Args:
            predicate: Called with each stored morsel; the cookie is removed
                when it returns ``True``. Without a predicate every cookie is
                removed.
        """
        if predicate is None:
            self._clear_storage()
            return
        self._expire(self._now())
        doomed = [
            (domain, path, name)
            for (domain, path), bucket in self._cookies.items()
            for name, morsel in bucket.items()
            if predicate(morsel)
        ]
        for key in doomed:
            self._remove(key)

    def clear_domain(self, domain: str) -> None:
        """Remove every cookie of *domain* and of its subdomains.

        Args:
            domain: A domain name such as ``"example.com"``; case and a
                leading dot are ignored.
        """
        domain = domain.lower()
        if domain.startswith("."):
            domain = domain[1:]
        doomed = [key for key in self._order if domain_match(key[0], domain)]
        for key in doomed:
            self._remove(key)
        self._expire(self._now())

    def update_cookies(
        self,
        cookies: LooseCookies,
        response_url: URL = URL(),  # noqa: B008  (yarl.URL is immutable)
    ) -> None:
        """Store cookies received from *response_url*.

        Cookies that break a storage rule are dropped one by one; this never
        raises for malformed names, values or attributes.

        Args:
            cookies: A mapping of names to values or morsels, an iterable of
                ``(name, value)`` pairs, or a ``BaseCookie``.
            response_url: The URL of the response that set them. An empty URL
                makes them "shared" cookies that are sent to every host.
        """
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        self._update(items, response_url, owned=False)

    def update_cookies_from_headers(
        self, headers: Sequence[str], response_url: URL
    ) -> None:
        """As :meth:`AbstractCookieJar.update_cookies_from_headers`.

        The morsels the parser makes are the jar's own, so they are stored
        without the copy :meth:`update_cookies` makes of a caller's morsels.
        """
        parsed = [cookie for line in headers if (cookie := parse_set_cookie(line))]
        if parsed:
            self._update(parsed, response_url, owned=True)

    def _update(
        self, items: "Iterable[tuple[str, Any]]", response_url: URL, *, owned: bool
    ) -> None:
        """Store cookies; ``owned``: the morsels are the jar's to keep."""
        host = response_url.raw_host.lower() if response_url.raw_host else None
        if host is not None and not self._unsafe and is_ip_literal(host):
            return
        setter = _Setter(
            host=host,
            secure=is_secure_url(response_url, self._secure_origins),
            default_path=default_path(canonical_path(response_url.raw_path)),
            enforce_prefixes=bool(response_url),
        )
        now = self._now()
        self._expire(now)
        for name, item in items:
            morsel = as_morsel(name, item)
            if morsel is not None:
                self._admit(name, morsel, setter, now, owned=owned)

    def filter_cookies(
        self,
        request_url: URL = URL(),  # noqa: B008  (yarl.URL is immutable)
    ) -> "BaseCookie[str]":
        """Select the cookies to send with a request (RFC 6265 §5.4).

        Args:
            request_url: The URL about to be requested. Passing a ``str`` is
                deprecated and emits a :class:`DeprecationWarning`.

        Returns:
            A ``SimpleCookie`` with at most one morsel per name, chosen by the
            most-specific rule described on the class. Each morsel holds
            only the name, the value and the value to send (``coded_value``),
            so ``output()`` gives a ``Cookie`` header. As in aiohttp, a
            stored cookie's morsel is made once and shared by every result:
            treat it as read-only.
        """
        if not isinstance(request_url, URL):
            warnings.warn(  # type: ignore[unreachable]
                "filter_cookies expects a yarl.URL; passing "
                f"{type(request_url).__name__} is deprecated and will stop "
                "working in a future release",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = URL(request_url)
        filtered: SimpleCookie = SimpleCookie()
        self._expire(self._now())
        if not self._cookies:
            return filtered
        secure = is_secure_url(request_url, self._secure_origins)
        host = (request_url.raw_host or "").lower()
        request_path = canonical_path(request_url.raw_path) or "/"
        ranked: list[tuple[tuple[int, int, int], Key, Morsel[str]]] = []
        for domain in candidate_domains(host, self._unsafe):
            # At most MAX_COOKIES_PER_DOMAIN paths per domain: testing each
            # stays linear in the request path's length.
            for path in self._domain_paths.get(domain, ()):
                if not path_match(request_path, path):
                    continue
                for name, morsel in self._cookies[(domain, path)].items():
                    key = (domain, path, name)
                    host_only = key in self._host_only
                    if host_only and domain != host:
                        continue
                    if morsel.get("secure") and not secure:
                        continue
                    rank = (len(path), int(host_only), len(domain))
                    ranked.append((rank, key, morsel))
        ranked.sort(key=lambda entry: entry[0], reverse=True)
        for _, key, morsel in ranked:
            if key[2] not in filtered:
                dict.__setitem__(filtered, key[2], self._wire_morsel(key, morsel))
        return filtered

    def save(self, file_path: "str | os.PathLike[str]") -> None:
        """Save the cookies to a private JSON file in aiohttp 3.14's layout.

        aiohttp's ``CookieJar.load`` reads the file, and so does :meth:`load`.
        The file is created with mode ``0o600`` (an existing file is replaced
        by one with that mode) and holds host-only flags and absolute expiry
        times, so loading restores exactly the same scopes.

        Args:
            file_path: Where to write.
        """
        self._expire(self._now())
        write_cookies(
            file_path,
            (
                SavedCookie(
                    domain,
                    path,
                    name,
                    morsel,
                    (domain, path, name) in self._host_only,
                    self._expirations.get((domain, path, name)),
                )
                for (domain, path), bucket in self._cookies.items()
                for name, morsel in bucket.items()
            ),
        )

    def load(self, file_path: "str | os.PathLike[str]") -> None:
        """Replace the jar's contents with the cookies of a saved JSON file.

        Reads files written by :meth:`save`, by aiohttp 3.14's
        ``CookieJar.save`` and by earlier aioclient-cookies releases. Every
        cookie goes through the same checks as one received from a server;
        entries that fail them, or have expired, are skipped.

        Args:
            file_path: The file to read.

        Raises:
            ValueError: If the file is not such a JSON file, for example a
                pickle written by older aiohttp versions (never unpickled).
                The jar is then left unchanged.
        """
        records = read_records(file_path)
        self.clear()
        now = self._now()
        for record in records:
            self._admit_record(record, now)

    # -- internals ---------------------------------------------------------

    def _admit(
        self,
        name: str,
        morsel: "Morsel[Any]",
        setter: _Setter,
        now: float,
        expiry_override: tuple[float | None] | None = None,
        *,
        owned: bool = False,
    ) -> None:
        """Validate one cookie and store (or delete) it.

        ``owned``: the morsel was made by the jar's own ``Set-Cookie`` parser
        (whose attributes are already checked), so it is stored itself rather
        than copied away from a caller.
        """
        value, coded = morsel.value, morsel.coded_value
        if not isinstance(value, str) or not isinstance(coded, str):
            return
        if not is_valid_name(name) or not fits(name, coded):
            return
        if not is_valid_value(value) or not is_valid_value(coded):
            return
        domain_attr = attribute_text(morsel, "domain")
        path_attr = attribute_text(morsel, "path")
        secure = bool(morsel.get("secure"))
        if setter.enforce_prefixes and not prefix_allows(
            name, secure, setter.secure, domain_attr, path_attr
        ):
            return
        scope = cookie_scope(setter.host, domain_attr, self._unsafe)
        if scope is None:
            return
        domain, host_only = scope
        # RFC 6265 §5.2.4: a Path not starting with "/" means default-path.
        # Stored percent-encoded, the form request paths are compared in.
        if path_attr.startswith("/"):
            path = canonical_path(path_attr)
        else:
            path = setter.default_path
        key = (domain, path, name)
        if expiry_override is None:
            expiry = cookie_expiry(
                attribute_text(morsel, "max-age"),
                attribute_text(morsel, "expires"),
                now,
                self.MAX_TIME,
            )
        elif expiry_override[0] is None:
            expiry = None
        else:
            expiry = min(expiry_override[0], float(self.MAX_TIME))
        if expiry is not None and expiry <= now:
            self._remove(key)  # RFC 6265 §5.3 step 11 then immediate eviction
            return
        if owned:
            stored = morsel
            dict.__setitem__(stored, "domain", domain)
            dict.__setitem__(stored, "path", path)
        else:
            stored = stored_morsel(name, morsel, domain, path)
        drop_ignored_expiry(stored)
        self._store(key, stored, host_only, expiry, now)

    def _admit_record(self, record: CookieRecord, now: float) -> None:
        morsel = record.to_morsel()
        host = record.host.lower() or None
        # The saved scope is replayed as if the cookie's own host had just
        # set it, so every storage rule (IP hosts included) applies again.
        setter = _Setter(host, bool(morsel.get("secure")), "/", host is not None)
        expiry = (record.expires,) if record.saved_expiry else None
        self._admit(record.name, morsel, setter, now, expiry)
