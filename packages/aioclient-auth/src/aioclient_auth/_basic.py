"""HTTP Basic authentication credentials (RFC 7617).

This module owns one thing: turning a user-id and password into the value of an
``Authorization`` header and back again. It implements RFC 7617 section 2 (the
``Basic`` scheme, the ``user-pass`` syntax and the ban on control characters) and
the ``token68`` framing of RFC 7235 section 2.1.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any, NamedTuple, Self

from yarl import URL

__all__ = ["BasicAuth", "encode_basic_auth"]

# Exact wording used by aiohttp; callers match on it, so keep it byte for byte.
# aiohttp cites RFC 7617 from encode_basic_auth() and the older HTTP/1.0 text
# (RFC 1945 section 11.1, the same rule) from the BasicAuth constructor.
_COLON_IN_LOGIN = 'A ":" is not allowed in login (RFC 7617#section-2)'
_COLON_IN_LOGIN_LEGACY = 'A ":" is not allowed in login (RFC 1945#section-11.1)'

# RFC 5234 appendix B.1: CTL = %x00-1F / %x7F. RFC 7617 section 2 forbids them in
# both the user-id and the password.
_CTL = frozenset(chr(code) for code in (*range(0x20), 0x7F))

# Error messages quote at most this many characters of a received scheme name so
# that a hostile header cannot produce an unbounded exception message.
_MAX_SCHEME_IN_ERROR = 64


def _has_ctl(text: str) -> bool:
    """Tell whether *text* contains an RFC 5234 control character."""
    return not _CTL.isdisjoint(text)


def _validate(
    login: object, password: object, colon_message: str = _COLON_IN_LOGIN
) -> None:
    """Refuse credentials that can never be sent as Basic credentials.

    Args:
        login: The candidate user-id.
        password: The candidate password.
        colon_message: The message for a colon in *login*.

    Raises:
        ValueError: *login* or *password* is ``None``, *login* contains a colon,
            or either contains a control character.
    """
    if login is None:
        raise ValueError("None is not allowed as login value")
    if password is None:
        raise ValueError("None is not allowed as password value")
    if not isinstance(login, str) or not isinstance(password, str):
        raise TypeError("login and password must be str")
    # RFC 7617 section 2: the first colon separates user-id from password, so a
    # colon in the user-id would move the split point.
    if ":" in login:
        raise ValueError(colon_message)
    if _has_ctl(login):
        raise ValueError(
            "Control characters (U+0000-U+001F, U+007F) are not allowed in login "
            "(RFC 7617#section-2)"
        )
    if _has_ctl(password):
        raise ValueError(
            "Control characters (U+0000-U+001F, U+007F) are not allowed in password "
            "(RFC 7617#section-2)"
        )


def encode_basic_auth(login: str, password: str = "", encoding: str = "utf-8") -> str:
    """Build the value of an ``Authorization`` header for the Basic scheme.

    The user-id and password are joined with a colon, encoded with *encoding*
    and base64-encoded, as RFC 7617 section 2 describes.

    Args:
        login: The user-id. It must not contain a colon.
        password: The password. It may contain colons.
        encoding: The character encoding applied before base64. UTF-8 is the
            only value RFC 7617 section 2.1 lets a server advertise.

    Returns:
        A string such as ``"Basic dXNlcjpwYXNz"``.

    Raises:
        ValueError: *login* contains a colon, either argument is ``None`` or
            contains a control character (U+0000 to U+001F or U+007F), or the
            credentials cannot be represented in *encoding*.
        LookupError: *encoding* is not a known codec.
    """
    _validate(login, password)
    try:
        user_pass = f"{login}:{password}".encode(encoding)
    except UnicodeEncodeError:
        # Suppress the cause: UnicodeEncodeError carries the clear-text
        # credentials and its message quotes one of their characters.
        raise ValueError(
            f"Credentials cannot be represented in the {encoding!r} encoding."
        ) from None
    return "Basic " + base64.b64encode(user_pass).decode("ascii")


class _BasicAuthFields(NamedTuple):
    """The three fields of :class:`BasicAuth`, in tuple order."""

    login: str
    password: str
    encoding: str


class BasicAuth(_BasicAuthFields):
    """Credentials for HTTP Basic authentication (RFC 7617).

    A ``BasicAuth`` is an immutable 3-tuple ``(login, password, encoding)``: it
    compares equal to a plain tuple with the same items and can be unpacked.
    Every instance holds credentials that :meth:`encode` can send, because the
    constructor refuses values RFC 7617 forbids.

    The ``repr()`` never shows the password.

    Args:
        login: The user-id. It must not contain a colon.
        password: The password. It may contain colons.
        encoding: The character encoding applied to ``login:password`` before
            base64 in :meth:`encode`.

    Raises:
        ValueError: *login* or *password* is ``None``, *login* contains a colon,
            or either contains a control character.

    Attributes:
        login: The user-id.
        password: The password.
        encoding: The character encoding used by :meth:`encode`.
    """

    __slots__ = ()

    def __new__(cls, login: str, password: str = "", encoding: str = "latin1") -> Self:
        """Validate the credentials and build the tuple (see the class docs)."""
        _validate(login, password, _COLON_IN_LOGIN_LEGACY)
        return super().__new__(cls, login, password, encoding)

    # mypy synthesizes NamedTuple._make as a plain generic function and then
    # reports any classmethod override as incompatible, although this one has
    # the same runtime signature.
    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]
        # namedtuple's _make (and therefore _replace) builds the tuple directly;
        # route it through __new__ so replaced values are validated as well.
        return cls(*iterable)

    def __repr__(self) -> str:
        shown = "***" if self.password else ""
        return (
            f"{type(self).__name__}(login={self.login!r}, password={shown!r}, "
            f"encoding={self.encoding!r})"
        )

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> Self:
        """Parse the value of an ``Authorization: Basic ...`` header.

        Args:
            auth_header: The header value, for example ``"Basic dTpw"``.
            encoding: The character encoding of the decoded ``user-pass``.

        Returns:
            The credentials carried by the header.

        Raises:
            ValueError: The header has no credentials part, the scheme is not
                ``Basic``, the credentials are not valid base64, cannot be
                decoded with *encoding*, contain no colon, or hold values the
                constructor refuses.
        """
        scheme, sep, credentials = auth_header.strip().partition(" ")
        if not sep:
            raise ValueError("Could not parse authorization header.")
        # RFC 9110 section 11.1: auth-scheme names are case-insensitive.
        if scheme.lower() != "basic":
            if len(scheme) > _MAX_SCHEME_IN_ERROR:
                scheme = scheme[:_MAX_SCHEME_IN_ERROR] + "..."
            raise ValueError(f"Unknown authorization method {scheme}")
        # RFC 7235 section 2.1: 1*SP separates the scheme from the token68.
        credentials = credentials.lstrip(" ")
        try:
            raw = base64.b64decode(credentials.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise ValueError("Invalid base64 encoding.") from None
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            # Suppress the cause: UnicodeDecodeError carries the raw credentials.
            raise ValueError(
                f"Could not decode credentials with the {encoding!r} encoding."
            ) from None
        login, sep, password = decoded.partition(":")
        if not sep:
            raise ValueError("Invalid credentials.")
        return cls(login, password, encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> Self | None:
        """Take the credentials from the user information part of a URL.

        The user and password are percent-decoded, as ``yarl.URL.user`` and
        ``yarl.URL.password`` return them.

        Args:
            url: The URL to read.
            encoding: The encoding stored in the returned credentials.

        Returns:
            The credentials, or ``None`` when the URL has neither a user nor a
            password. A missing half becomes an empty string.

        Raises:
            TypeError: *url* is not a ``yarl.URL``.
            ValueError: The decoded user contains a colon or either part
                contains a control character.
        """
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        if url.raw_user is None and url.raw_password is None:
            return None
        return cls(url.user or "", url.password or "", encoding)

    def encode(self) -> str:
        """Build the ``Authorization`` header value for these credentials.

        Returns:
            ``"Basic "`` followed by the base64 of ``login:password`` encoded
            with :attr:`encoding`.

        Raises:
            ValueError: The credentials cannot be represented in
                :attr:`encoding`.
            LookupError: :attr:`encoding` is not a known codec.
        """
        return encode_basic_auth(self.login, self.password, self.encoding)
