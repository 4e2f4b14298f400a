"""Reading and writing the jar's data-only JSON file format.

The format keeps what RFC 6265 §5.3 stores per cookie (name, value, domain,
path, host-only flag, absolute expiry time, secure and http-only flags) plus
the remaining attributes. It is plain JSON on purpose: loading a file never
executes code. Files are written privately (mode 0o600) and atomically.
"""

import contextlib
import json
import math
import os
import secrets
from dataclasses import dataclass, field
from http.cookies import Morsel
from typing import Any

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "CookieRecord",
    "read_records",
    "record_of",
    "write_records",
]

#: Marker stored in every file so foreign JSON is recognised as such.
FORMAT_NAME = "aioclient-cookies"
#: Bumped when the record layout changes incompatibly.
FORMAT_VERSION = 1

# Attributes with a field of their own in a record.
_RECORD_FIELDS = frozenset({"domain", "path", "secure", "httponly", "samesite"})
_UNSUPPORTED = (
    "unsupported cookie file format: {path!r} is not an aioclient-cookies JSON "
    "file (pickled jars, as written by older aiohttp versions, are not supported)"
)


@dataclass(frozen=True, slots=True)
class CookieRecord:
    """One persisted cookie, with field types already checked.

    Attributes:
        name: The cookie name.
        value: The decoded value.
        coded_value: The value as sent on the wire.
        domain: The domain, or the host for host-only cookies, "" if shared.
        path: The cookie path.
        host_only: Whether the cookie is bound to exactly ``domain``.
        expires: Absolute expiry (seconds since the epoch) or ``None`` for a
            session cookie.
        secure: The Secure flag.
        httponly: The HttpOnly flag.
        samesite: The SameSite attribute, "" when absent.
        attributes: Any other attributes, as strings or ``True`` for flags.
    """

    name: str
    value: str
    coded_value: str
    domain: str
    path: str
    host_only: bool
    expires: float | None
    secure: bool
    httponly: bool
    samesite: str
    attributes: dict[str, str | bool] = field(default_factory=dict)


def record_of(
    key: tuple[str, str, str],
    morsel: "Morsel[str]",
    host_only: bool,
    expires: float | None,
) -> CookieRecord:
    """Describe a stored cookie as a record.

    Args:
        key: The cookie's ``(domain, path, name)``.
        morsel: The stored morsel.
        host_only: The cookie's host-only flag.
        expires: Its absolute expiry time, ``None`` for a session cookie.

    Returns:
        The record to save.
    """
    domain, path, name = key
    attributes: dict[str, str | bool] = {
        attr: attr_value
        for attr, attr_value in morsel.items()
        if attr not in _RECORD_FIELDS
        and isinstance(attr_value, str | bool)
        and attr_value != ""
    }
    samesite = morsel.get("samesite", "")
    return CookieRecord(
        name=name,
        value=morsel.value,
        coded_value=morsel.coded_value,
        domain=domain,
        path=path,
        host_only=host_only,
        expires=expires,
        secure=bool(morsel.get("secure")),
        httponly=bool(morsel.get("httponly")),
        samesite=samesite if isinstance(samesite, str) else "",
        attributes=attributes,
    )


def _record_to_json(record: CookieRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "value": record.value,
        "coded_value": record.coded_value,
        "domain": record.domain,
        "path": record.path,
        "host_only": record.host_only,
        "expires": record.expires,
        "secure": record.secure,
        "httponly": record.httponly,
        "samesite": record.samesite,
        "attributes": record.attributes,
    }


def _record_from_json(item: object) -> CookieRecord | None:
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
    if expires is not None:
        if isinstance(expires, bool) or not isinstance(expires, int | float):
            return None
        if not math.isfinite(expires):
            return None
    samesite = item.get("samesite", "")
    raw_attributes = item.get("attributes", {})
    if not isinstance(samesite, str) or not isinstance(raw_attributes, dict):
        return None
    attributes = {
        key: value
        for key, value in raw_attributes.items()
        if isinstance(key, str) and isinstance(value, str | bool)
    }
    return CookieRecord(
        name=item["name"],
        value=item["value"],
        coded_value=item["coded_value"],
        domain=item["domain"],
        path=item["path"],
        host_only=item.get("host_only", False),
        expires=None if expires is None else float(expires),
        secure=item.get("secure", False),
        httponly=item.get("httponly", False),
        samesite=samesite,
        attributes=attributes,
    )


def write_records(
    file_path: "str | os.PathLike[str]", records: list[CookieRecord]
) -> None:
    """Write *records* to *file_path* as private, atomically replaced JSON.

    Args:
        file_path: Destination file.
        records: The cookies to save.

    Raises:
        OSError: If the file cannot be written.
    """
    path = os.fspath(file_path)
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "cookies": [_record_to_json(record) for record in records],
    }
    data = json.dumps(document, ensure_ascii=True, indent=1).encode("ascii")
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


def read_records(file_path: "str | os.PathLike[str]") -> list[CookieRecord]:
    """Read a cookie file written by :func:`write_records`.

    Args:
        file_path: The file to read.

    Returns:
        The well-formed records; malformed entries are left out.

    Raises:
        ValueError: If the file is not an aioclient-cookies JSON document (for
            example an aiohttp pickle) or has an unknown version.
        OSError: If the file cannot be read.
    """
    path = os.fspath(file_path)
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError(_UNSUPPORTED.format(path=path)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError(_UNSUPPORTED.format(path=path))
    version = document.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ValueError(
            f"unsupported cookie file version {version!r} in {path!r}; "
            f"this release reads version {FORMAT_VERSION}"
        )
    items = document.get("cookies")
    if not isinstance(items, list):
        raise ValueError(_UNSUPPORTED.format(path=path))
    return [record for item in items if (record := _record_from_json(item)) is not None]
