"""TLS settings: the default contexts and which setting wins for a request.

``ssl=True`` means a verified context (system trust store, hostname checked);
``ssl=False`` and a ``Fingerprint`` mean an unverified context (the pin, when
given, replaces chain verification); an ``SSLContext`` is used as given. A
request's own non-default setting wins over the connector's, and every such
setting is part of the pool key, so a connection made with weakened
verification is never reused by a request that asked for the default
(security category 9).
"""

from __future__ import annotations

import ssl
import warnings

from aioclient_auth import Fingerprint

from .._sentinel import SENTINEL, Sentinel

__all__ = [
    "SSLSetting",
    "merge_ssl_params",
    "ssl_context_for",
    "unverified_context",
    "verified_context",
]

#: What ``ssl=`` accepts on requests and connectors.
SSLSetting = ssl.SSLContext | bool | Fingerprint

# Only HTTP/1.1 is spoken; advertising it lets servers that insist on ALPN agree.
_ALPN = ["http/1.1"]

_verified: ssl.SSLContext | None = None
_unverified: ssl.SSLContext | None = None


def verified_context() -> ssl.SSLContext:
    """The shared default context: trust store, hostname and chain verified."""
    # Built once, on first use: loading the trust store is slow.
    global _verified
    if _verified is None:
        context = ssl.create_default_context()
        context.set_alpn_protocols(_ALPN)
        _verified = context
    return _verified


def unverified_context() -> ssl.SSLContext:
    """The shared context for ``ssl=False`` and pinned certificates."""
    global _unverified
    if _unverified is None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.options |= ssl.OP_NO_COMPRESSION  # CRIME (CVE-2012-4929)
        context.set_alpn_protocols(_ALPN)
        _unverified = context
    return _unverified


def ssl_context_for(setting: SSLSetting) -> ssl.SSLContext | None:
    """The context to connect with for an effective ``ssl`` setting.

    Args:
        setting: ``True``, ``False``, a ``Fingerprint`` or an ``SSLContext``.
    """
    if isinstance(setting, ssl.SSLContext):
        return setting
    if setting is True:
        return verified_context()
    return unverified_context()


def merge_ssl_params(
    ssl_setting: SSLSetting | None,
    verify_ssl: bool | None | Sentinel = SENTINEL,
    ssl_context: ssl.SSLContext | None = None,
    fingerprint: bytes | None = None,
) -> SSLSetting:
    """Fold aiohttp's deprecated TLS arguments into one ``ssl`` setting.

    Raises:
        TypeError: ``ssl_setting`` is of another type: anything but ``True``
            would otherwise connect unverified.
        ValueError: More than one of the arguments was given.
    """
    if ssl_setting is None:
        ssl_setting = True  # aiohttp still accepts ssl=None as "default"
    elif not isinstance(ssl_setting, ssl.SSLContext | bool | Fingerprint):
        raise TypeError(
            "ssl should be SSLContext, bool, Fingerprint or None, "
            f"got {ssl_setting!r} instead."
        )
    given: list[str] = []
    result: SSLSetting = ssl_setting
    if verify_ssl is not SENTINEL and verify_ssl is not None and not verify_ssl:
        _deprecated("verify_ssl", "ssl=False")
        given.append("verify_ssl")
        result = False
    if ssl_context is not None:
        _deprecated("ssl_context", "ssl=context")
        given.append("ssl_context")
        result = ssl_context
    if fingerprint is not None:
        _deprecated("fingerprint", "ssl=aiohttp.Fingerprint(digest)")
        given.append("fingerprint")
        result = Fingerprint(fingerprint)
    if not given:
        return ssl_setting
    if len(given) > 1 or ssl_setting is not True:
        raise ValueError(
            "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually "
            "exclusive"
        )
    return result


def _deprecated(name: str, replacement: str) -> None:
    warnings.warn(
        f"{name} is deprecated, use {replacement}", DeprecationWarning, stacklevel=4
    )
