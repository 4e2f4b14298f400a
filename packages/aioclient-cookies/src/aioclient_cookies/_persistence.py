"""Reading and writing the jar's data-only JSON files.

``save`` writes the layout of aiohttp 3.14's ``CookieJar.save``, so that jars
move freely between the two libraries; ``load`` reads that layout and the
versioned one earlier aioclient-cookies releases wrote. Either way a file
keeps what RFC 6265 §5.3 stores per cookie (name, value, domain, path,
host-only flag, absolute expiry time, secure and http-only flags) plus the
remaining attributes. It is plain JSON on purpose: loading a file never
executes code. Files are written privately (mode 0o600) and atomically.
"""

import contextlib
import json
import math
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from http.cookies import Morsel
from typing import Any, NamedTuple

from ._parsing import make_morsel

__all__ = [
    "LEGACY_FORMAT_NAME",
    "LEGACY_FORMAT_VERSION",
    "CookieRecord",
    "SavedCookie",
    "read_records",
    "write_cookies",
]

#: Marker of the layout earlier aioclient-cookies releases wrote.
LEGACY_FORMAT_NAME = "aioclient-cookies"
#: The only version of that layout there is.
LEGACY_FORMAT_VERSION = 1

# The Morsel attributes a file may carry (Python 3.14 adds "partitioned").
_MORSEL_ATTRIBUTES = tuple(
    attr
    for attr in (
        "expires",
        "path",
        "comment",
        "domain",
        "max-age",
        "secure",
        "httponly",
        "version",
        "samesite",
        "partitioned",
    )
    if Morsel().isReservedKey(attr)
)
# Relative to the moment they were received: a file holds the absolute
# expiry time instead, as aiohttp's does.
_RELATIVE_EXPIRY = frozenset({"max-age", "expires"})
_SCOPE = frozenset({"domain", "path"})
_UNSUPPORTED = (
    "unsupported cookie file format: {path!r} is not a JSON cookie file as "
    "written by aiohttp 3.14 or aioclient-cookies (pickled jars, as written by "
    "older aiohttp versions, are not supported)"
)


class SavedCookie(NamedTuple):
    """One stored cookie, as the jar hands it over to be saved.

    Attributes:
        domain: The stored domain: the host for host-only cookies, "" if shared.
        path: The stored path.
        name: The cookie name.
        morsel: The stored morsel.
        host_only: The cookie's host-only flag.
        expires: Absolute expiry (seconds since the epoch), ``None`` for a
            session cookie.
    """

    domain: str
    path: str
    name: str
    morsel: "Morsel[str]"
    host_only: bool
    expires: float | None


@dataclass(frozen=True, slots=True)
class CookieRecord:
    """One cookie read from a file, to be replayed through the storage rules.

    A record describes the cookie as if its host had just set it again: the
    jar checks it exactly like a cookie from a response.

    Attributes:
        name: The cookie name.
        value: The decoded value.
        coded_value: The value as sent on the wire.
        host: The host that set the cookie, "" for a shared cookie.
        domain: The ``Domain`` attribute to replay, "" for a host-only cookie.
        path: The ``Path`` attribute ("" or a relative path means "/").
        attributes: The other Morsel attributes (flags as booleans).
        expires: Absolute expiry (seconds since the epoch), ``None`` for a
            session cookie.
        saved_expiry: ``False`` when the file held no absolute expiry time;
            the ``max-age`` and ``expires`` attributes then decide, as for a
            cookie just received.
    """

    name: str
    value: str
    coded_value: str
    host: str
    domain: str
    path: str
    attributes: dict[str, str | bool]
    expires: float | None
    saved_expiry: bool

    def to_morsel(self) -> "Morsel[str]":
        """Build the morsel the jar is to check and store.

        Returns:
            A new morsel with the record's value and attributes.
        """
        morsel = make_morsel(self.name, self.value, self.coded_value)
        for attr, attr_value in self.attributes.items():
            morsel[attr] = attr_value
        morsel["domain"] = self.domain
        morsel["path"] = self.path
        return morsel


def _group_key(document: dict[str, dict[str, Any]], cookie: SavedCookie) -> str:
    # aiohttp keys a cookie by "<domain>|<path without trailing slashes>",
    # which merges /foo and /foo/; the jar keeps them apart (RFC 6265
    # §5.1.4), so a clash puts the second under its full path. Such a key
    # always ends with "/", so it cannot clash with a trimmed one.
    key = f"{cookie.domain}|{cookie.path.rstrip('/')}"
    if cookie.name in document.get(key, ()):
        key = f"{cookie.domain}|{cookie.path}"
    return key


def _entry_of(cookie: SavedCookie) -> dict[str, Any]:
    morsel = cookie.morsel
    entry: dict[str, Any] = {
        "key": cookie.name,
        "value": morsel.value,
        "coded_value": morsel.coded_value,
    }
    for attr in _MORSEL_ATTRIBUTES:
        attr_value = morsel.get(attr)
        if attr not in _RELATIVE_EXPIRY and attr_value:
            entry[attr] = attr_value
    # Without the flag aiohttp reloads the cookie as a domain cookie, which
    # would reach every subdomain (RFC 6265 §5.3 step 6).
    if cookie.host_only:
        entry["host_only"] = True
    if cookie.expires is not None:
        entry["expires_timestamp"] = cookie.expires
    return entry


def write_cookies(
    file_path: "str | os.PathLike[str]", cookies: Iterable[SavedCookie]
) -> None:
    """Write *cookies* to *file_path* as private, atomically replaced JSON.

    The layout is aiohttp 3.14's: an object keyed by ``"<domain>|<path>"``
    whose values map each cookie name to its value, coded value, non-empty
    attributes, ``host_only`` flag and absolute ``expires_timestamp``.

    Args:
        file_path: Destination file.
        cookies: The cookies to save.

    Raises:
        OSError: If the file cannot be written.
    """
    path = os.fspath(file_path)
    document: dict[str, dict[str, Any]] = {}
    for cookie in cookies:
        key = _group_key(document, cookie)
        document.setdefault(key, {})[cookie.name] = _entry_of(cookie)
    data = json.dumps(document, ensure_ascii=True, indent=2).encode("ascii")
    # A temporary file next to the target keeps os.replace atomic; O_EXCL
    # with mode 0o600 means the cookies are never readable by other users,
    # not even for a moment.
    temp_path = f"{path}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise
    # Defensive: a umask cannot widen 0o600, but make the contract explicit.
    os.chmod(path, 0o600)


def _timestamp(raw: object) -> float | None:
    # JSON numbers may be booleans in Python, infinite or too large for a float.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        when = float(raw)
    except OverflowError:
        return None
    return when if math.isfinite(when) else None


def _attributes(item: dict[str, Any], *, relative: bool) -> dict[str, str | bool]:
    # Only attributes a Morsel knows; "domain" and "path" travel apart.
    return {
        attr: item[attr]
        for attr in _MORSEL_ATTRIBUTES
        if attr not in _SCOPE
        and (relative or attr not in _RELATIVE_EXPIRY)
        and isinstance(item.get(attr), str | bool)
    }


def _aiohttp_record(host: str, name: str, item: object) -> CookieRecord | None:
    # A hand-edited or corrupted entry is skipped instead of failing the load.
    if not isinstance(item, dict):
        return None
    texts = [item.get(key, "") for key in ("value", "coded_value", "domain", "path")]
    if "value" not in item or "coded_value" not in item:
        return None
    if not all(isinstance(text, str) for text in texts):
        return None
    value, coded_value, domain, path = texts
    host_only = item.get("host_only", False)
    if not isinstance(host_only, bool):
        return None
    expires = item.get("expires_timestamp")
    if expires is not None and (expires := _timestamp(expires)) is None:
        return None
    return CookieRecord(
        name=name,
        value=value,
        coded_value=coded_value,
        host=host,
        # As in aiohttp: a cookie without the flag is a domain cookie when the
        # file names a domain for it (files of aiohttp 3.13 had no flag), and
        # host-only otherwise.
        domain="" if host_only else domain,
        path=path,
        # Without an absolute time, relative attributes count from now (as
        # aiohttp does with files written before it saved that time).
        attributes=_attributes(item, relative="expires_timestamp" not in item),
        expires=expires,
        saved_expiry="expires_timestamp" in item,
    )


def _aiohttp_records(document: dict[str, Any]) -> list[CookieRecord] | None:
    records: list[CookieRecord] = []
    for key, group in document.items():
        host, bar, _ = key.partition("|")
        if not bar or not isinstance(group, dict):
            return None  # not aiohttp's layout at all
        for name, item in group.items():
            if (record := _aiohttp_record(host, name, item)) is not None:
                records.append(record)
    return records


def _legacy_record(item: object) -> CookieRecord | None:
    # A hand-edited or corrupted entry is skipped instead of failing the load.
    if not isinstance(item, dict):
        return None
    strings = ("name", "value", "coded_value", "domain", "path")
    if not all(isinstance(item.get(key), str) for key in strings):
        return None
    flags = ("host_only", "secure", "httponly")
    if not all(isinstance(item.get(key, False), bool) for key in flags):
        return None
    expires = item.get("expires")
    if expires is not None and (expires := _timestamp(expires)) is None:
        return None
    samesite = item.get("samesite", "")
    extra = item.get("attributes", {})
    if not isinstance(samesite, str) or not isinstance(extra, dict):
        return None
    attributes = _attributes(extra, relative=False)
    attributes.update(
        secure=item.get("secure", False),
        httponly=item.get("httponly", False),
        samesite=samesite,
    )
    return CookieRecord(
        name=item["name"],
        value=item["value"],
        coded_value=item["coded_value"],
        host=item["domain"],
        domain="" if item.get("host_only", False) else item["domain"],
        path=item["path"],
        attributes=attributes,
        expires=expires,
        saved_expiry=True,
    )


def _legacy_records(document: dict[str, Any], path: str) -> list[CookieRecord]:
    if document["format"] != LEGACY_FORMAT_NAME:
        raise ValueError(_UNSUPPORTED.format(path=path))
    version = document.get("version")
    if version != LEGACY_FORMAT_VERSION or isinstance(version, bool):
        raise ValueError(
            f"unsupported cookie file version {version!r} in {path!r}; "
            f"this release reads version {LEGACY_FORMAT_VERSION}"
        )
    items = document.get("cookies")
    if not isinstance(items, list):
        raise ValueError(_UNSUPPORTED.format(path=path))
    return [record for item in items if (record := _legacy_record(item)) is not None]


def read_records(file_path: "str | os.PathLike[str]") -> list[CookieRecord]:
    """Read a cookie file written by aiohttp 3.14 or by aioclient-cookies.

    Args:
        file_path: The file to read.

    Returns:
        The well-formed records; malformed entries are left out. An empty
        JSON object gives no records.

    Raises:
        ValueError: If the file is in neither layout (for example an aiohttp
            pickle) or has an unknown version.
        OSError: If the file cannot be read.
    """
    path = os.fspath(file_path)
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError(_UNSUPPORTED.format(path=path)) from None
    if not isinstance(document, dict):
        raise ValueError(_UNSUPPORTED.format(path=path))
    # aiohttp's keys all hold a "|", so "format" marks the older layout.
    if "format" in document:
        return _legacy_records(document, path)
    records = _aiohttp_records(document)
    if records is None:
        raise ValueError(_UNSUPPORTED.format(path=path))
    return records
