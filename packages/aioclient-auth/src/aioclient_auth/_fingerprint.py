"""TLS certificate pinning by the SHA-256 digest of the peer certificate.

This module owns one thing: deciding whether the certificate a TLS peer presented
is the one the caller pinned. The digest is computed over the DER encoding of the
end-entity certificate (RFC 5280 section 4.1, encoded per X.690), with SHA-256
(FIPS 180-4). MD5 and SHA-1 pins are refused because both hashes have practical
collision attacks (RFC 6151, RFC 6194).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from hashlib import md5, sha1, sha256
from typing import Any, ClassVar, Protocol

__all__ = ["Fingerprint", "FingerprintMismatch", "TransportLike"]


class TransportLike(Protocol):
    """The part of an asyncio transport that :meth:`Fingerprint.check` reads.

    ``asyncio.BaseTransport`` satisfies it, as does any object with a
    compatible ``get_extra_info`` method.
    """

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """Return transport information such as ``"ssl_object"``.

        Args:
            name: The name of the information item.
            default: The value returned when the item is not available.
        """
        ...


class FingerprintMismatch(Exception):
    """The peer certificate does not have the pinned digest.

    The client package derives its ``ServerFingerprintMismatch`` from this
    class, so the constructor keeps exactly four positional parameters and
    cooperates with multiple inheritance. Instances can be pickled.

    Args:
        expected: The pinned digest.
        got: The digest of the certificate the peer presented; empty when the
            peer presented no certificate.
        host: The peer address, when known.
        port: The peer port, when known.

    Attributes:
        expected: The pinned digest.
        got: The digest of the certificate the peer presented.
        host: The peer address, or ``None``.
        port: The peer port, or ``None``.
    """

    def __init__(
        self, expected: bytes, got: bytes, host: str | None, port: int | None
    ) -> None:
        # Pass all four arguments up so that ``args`` reproduces the call; the
        # default BaseException pickling protocol relies on it.
        super().__init__(expected, got, host, port)
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port

    def __str__(self) -> str:
        got = self.got.hex() if self.got else "no certificate"
        return (
            f"TLS certificate fingerprint mismatch for {self.host}:{self.port}: "
            f"expected sha256 {self.expected.hex()}, got {got}"
        )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} got={self.got!r} "
            f"host={self.host!r} port={self.port!r}>"
        )


def _peer_address(peername: object) -> tuple[str | None, int | None]:
    """Extract host and port from a transport's ``peername`` information.

    Args:
        peername: ``None``, an ``(host, port)`` pair, an IPv6
            ``(host, port, flowinfo, scope_id)`` tuple, or a Unix socket path.

    Returns:
        The host and the port; either is ``None`` when not available.
    """
    if isinstance(peername, tuple) and len(peername) >= 2:
        host, port = peername[0], peername[1]
        return (
            host if isinstance(host, str) else None,
            port if isinstance(port, int) else None,
        )
    if isinstance(peername, str):
        return peername, None
    return None, None


class Fingerprint:
    """A pin on the SHA-256 digest of a server's TLS certificate.

    Pass it as ``ssl=Fingerprint(digest)`` to the client. The digest is the
    SHA-256 of the DER-encoded certificate, the value shown by
    ``openssl x509 -noout -fingerprint -sha256`` (without the colons).

    Fingerprints compare equal, and hash equally, when their digests are equal.

    Args:
        fingerprint: The 32-byte SHA-256 digest (``bytes``, ``bytearray`` or
            ``memoryview``).

    Raises:
        TypeError: *fingerprint* is not bytes-like.
        ValueError: *fingerprint* has the length of an MD5 or SHA-1 digest,
            which are not accepted, or any other length than 32.
    """

    HASHFUNC_BY_DIGESTLEN: ClassVar[dict[int, Callable[..., Any]]] = {
        16: md5,
        20: sha1,
        32: sha256,
    }
    """Digest length to hash constructor, kept for compatibility; only 32 works."""

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes | bytearray | memoryview) -> None:
        # A str of 32 characters (say, a hex prefix) would otherwise be
        # accepted and silently never match.
        value: object = fingerprint
        if not isinstance(value, bytes | bytearray | memoryview):
            raise TypeError("fingerprint must be bytes")
        digest = bytes(fingerprint)
        hashfunc = self.HASHFUNC_BY_DIGESTLEN.get(len(digest))
        if hashfunc is None:
            raise ValueError("fingerprint has invalid length")
        if hashfunc is not sha256:
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        self._fingerprint = digest

    @property
    def fingerprint(self) -> bytes:
        """The pinned SHA-256 digest."""
        return self._fingerprint

    def __repr__(self) -> str:
        return f"<{type(self).__name__} sha256={self._fingerprint.hex()}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return self._fingerprint == other._fingerprint

    def __hash__(self) -> int:
        return hash((Fingerprint, self._fingerprint))

    def digest(self, der_cert: bytes) -> bytes:
        """Compute the digest this pin is compared with.

        Args:
            der_cert: A certificate in DER form.

        Returns:
            The SHA-256 digest of *der_cert*.
        """
        return sha256(der_cert).digest()

    def matches(self, der_cert: bytes | None) -> bool:
        """Tell whether a certificate has the pinned digest.

        The comparison runs in constant time.

        Args:
            der_cert: The peer certificate in DER form, or ``None`` when the
                peer presented none (which never matches).

        Returns:
            ``True`` when the SHA-256 of *der_cert* equals the pin.
        """
        if not der_cert:
            return False
        return hmac.compare_digest(self.digest(der_cert), self._fingerprint)

    def check(self, transport: TransportLike) -> None:
        """Verify the certificate of the peer connected through *transport*.

        A transport without TLS (its ``"sslcontext"`` information is empty)
        is accepted without a check. On a TLS transport, a peer that presented
        no certificate fails the check.

        Args:
            transport: The connected transport.

        Raises:
            FingerprintMismatch: The certificate digest differs from the pin,
                or there is no peer certificate.
        """
        if not transport.get_extra_info("sslcontext"):
            return
        ssl_object = transport.get_extra_info("ssl_object")
        der_cert = None
        if ssl_object is not None:
            der_cert = ssl_object.getpeercert(binary_form=True)
        if self.matches(der_cert):
            return
        got = self.digest(der_cert) if der_cert else b""
        host, port = _peer_address(transport.get_extra_info("peername"))
        raise FingerprintMismatch(self._fingerprint, got, host, port)
