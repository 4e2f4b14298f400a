"""Fingerprint (TLS certificate pinning) and FingerprintMismatch."""

import asyncio
import copy
import hashlib
import pickle
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_auth import Fingerprint, FingerprintMismatch
from aioclient_auth._fingerprint import TransportLike

CERT = b"0\x82\x01\n-fake DER certificate bytes-" * 4
OTHER_CERT = b"0\x82\x01\n-another certificate-" * 4
CERT_SHA256 = hashlib.sha256(CERT).digest()
OTHER_SHA256 = hashlib.sha256(OTHER_CERT).digest()
WEAK_MSG = re.escape("md5 and sha1 are insecure and not supported. Use sha256.")


class FakeSSLObject:
    def __init__(self, cert: bytes | None) -> None:
        self.cert = cert
        self.calls: list[bool] = []

    def getpeercert(self, binary_form: bool = False) -> bytes | None:
        self.calls.append(binary_form)
        return self.cert


class FakeTransport:
    def __init__(self, **info: Any) -> None:
        self.info = info

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.info.get(name, default)


def tls_transport(
    cert: bytes | None, peername: Any = ("192.0.2.1", 443)
) -> FakeTransport:
    return FakeTransport(
        sslcontext=object(), ssl_object=FakeSSLObject(cert), peername=peername
    )


# --- construction ------------------------------------------------------------


def test_sha256_accepted() -> None:
    fp = Fingerprint(CERT_SHA256)
    assert fp.fingerprint == CERT_SHA256
    assert type(fp.fingerprint) is bytes


@pytest.mark.parametrize("digest", [bytearray(CERT_SHA256), memoryview(CERT_SHA256)])
def test_bytes_like_accepted(digest: bytearray | memoryview) -> None:
    fp = Fingerprint(digest)
    assert fp.fingerprint == CERT_SHA256
    assert type(fp.fingerprint) is bytes


@pytest.mark.parametrize("algo", ["md5", "sha1"])
def test_weak_digests_refused(algo: str) -> None:
    digest = hashlib.new(algo, CERT).digest()
    with pytest.raises(ValueError, match=f"^{WEAK_MSG}$"):
        Fingerprint(digest)


@pytest.mark.parametrize("length", [0, 1, 15, 17, 19, 21, 28, 31, 33, 48, 64])
def test_invalid_lengths_refused(length: int) -> None:
    with pytest.raises(ValueError, match="^fingerprint has invalid length$"):
        Fingerprint(b"\x01" * length)


def test_hex_string_refused() -> None:
    with pytest.raises(TypeError, match="fingerprint must be bytes"):
        Fingerprint("a" * 32)  # type: ignore[arg-type]


def test_hashfunc_by_digestlen() -> None:
    table = Fingerprint.HASHFUNC_BY_DIGESTLEN
    assert set(table) == {16, 20, 32}
    assert table[16] is hashlib.md5
    assert table[20] is hashlib.sha1
    assert table[32] is hashlib.sha256


def test_fingerprint_property_is_read_only() -> None:
    fp = Fingerprint(CERT_SHA256)
    with pytest.raises(AttributeError):
        fp.fingerprint = OTHER_SHA256  # type: ignore[misc]


def test_equality_and_hash() -> None:
    a = Fingerprint(CERT_SHA256)
    b = Fingerprint(bytearray(CERT_SHA256))
    c = Fingerprint(OTHER_SHA256)
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert a != CERT_SHA256
    assert len({a, b, c}) == 2


def test_repr_shows_hex_digest() -> None:
    assert repr(Fingerprint(CERT_SHA256)) == (
        f"<Fingerprint sha256={CERT_SHA256.hex()}>"
    )


# --- digest / matches --------------------------------------------------------


def test_digest_is_sha256() -> None:
    assert Fingerprint(CERT_SHA256).digest(OTHER_CERT) == OTHER_SHA256


def test_matches() -> None:
    fp = Fingerprint(CERT_SHA256)
    assert fp.matches(CERT) is True
    assert fp.matches(OTHER_CERT) is False
    assert fp.matches(None) is False
    assert fp.matches(b"") is False


# --- check -------------------------------------------------------------------


def test_check_match_passes() -> None:
    transport = tls_transport(CERT)
    Fingerprint(CERT_SHA256).check(transport)
    # The DER form of the certificate must be the one that is hashed.
    assert transport.info["ssl_object"].calls == [True]


def test_check_mismatch_raises() -> None:
    fp = Fingerprint(CERT_SHA256)
    with pytest.raises(FingerprintMismatch) as exc_info:
        fp.check(tls_transport(OTHER_CERT, ("203.0.113.5", 8443)))
    exc = exc_info.value
    assert exc.expected == CERT_SHA256
    assert exc.got == OTHER_SHA256
    assert exc.host == "203.0.113.5"
    assert exc.port == 8443
    assert exc.args == (CERT_SHA256, OTHER_SHA256, "203.0.113.5", 8443)


def test_check_mismatch_ipv6_peername() -> None:
    fp = Fingerprint(CERT_SHA256)
    with pytest.raises(FingerprintMismatch) as exc_info:
        fp.check(tls_transport(OTHER_CERT, ("2001:db8::1", 443, 0, 0)))
    assert exc_info.value.host == "2001:db8::1"
    assert exc_info.value.port == 443


@pytest.mark.parametrize(
    ("peername", "host", "port"),
    [(None, None, None), ("/run/sock", "/run/sock", None), ((), None, None)],
)
def test_check_mismatch_unusual_peername(
    peername: Any, host: str | None, port: int | None
) -> None:
    with pytest.raises(FingerprintMismatch) as exc_info:
        Fingerprint(CERT_SHA256).check(tls_transport(OTHER_CERT, peername))
    assert exc_info.value.host == host
    assert exc_info.value.port == port


def test_check_missing_peer_certificate_is_a_mismatch() -> None:
    with pytest.raises(FingerprintMismatch) as exc_info:
        Fingerprint(CERT_SHA256).check(tls_transport(None))
    assert exc_info.value.got == b""
    assert exc_info.value.expected == CERT_SHA256
    assert "no certificate" in str(exc_info.value)


def test_check_missing_ssl_object_is_a_mismatch() -> None:
    transport = FakeTransport(sslcontext=object(), peername=("192.0.2.1", 443))
    with pytest.raises(FingerprintMismatch):
        Fingerprint(CERT_SHA256).check(transport)


@pytest.mark.parametrize("sslcontext", [None, False, 0])
def test_check_non_tls_transport_is_noop(sslcontext: Any) -> None:
    transport = FakeTransport(
        sslcontext=sslcontext, ssl_object=FakeSSLObject(OTHER_CERT)
    )
    Fingerprint(CERT_SHA256).check(transport)
    assert transport.info["ssl_object"].calls == []


def test_check_accepts_asyncio_transport() -> None:
    # A real (non-TLS) asyncio transport satisfies the protocol and is skipped.
    transport: TransportLike = asyncio.Transport(extra={"peername": ("::1", 80)})
    Fingerprint(CERT_SHA256).check(transport)


def test_check_uses_constant_time_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    Fingerprint(CERT_SHA256).check(tls_transport(CERT))
    assert seen == [(CERT_SHA256, CERT_SHA256)]


@settings(max_examples=200, deadline=None)
@given(cert=st.binary(min_size=1, max_size=512))
def test_property_check_passes_only_for_pinned_cert(cert: bytes) -> None:
    fp = Fingerprint(hashlib.sha256(cert).digest())
    fp.check(tls_transport(cert))
    if cert != CERT:
        with pytest.raises(FingerprintMismatch):
            fp.check(tls_transport(CERT))


# --- FingerprintMismatch -----------------------------------------------------


def test_mismatch_attributes_and_args() -> None:
    exc = FingerprintMismatch(b"\x01" * 32, b"\x02" * 32, "example.com", 443)
    assert exc.expected == b"\x01" * 32
    assert exc.got == b"\x02" * 32
    assert exc.host == "example.com"
    assert exc.port == 443
    assert exc.args == (b"\x01" * 32, b"\x02" * 32, "example.com", 443)
    assert isinstance(exc, Exception)


def test_mismatch_repr() -> None:
    exc = FingerprintMismatch(b"\x01", b"\x02", "example.com", 443)
    assert repr(exc) == (
        "<FingerprintMismatch expected=b'\\x01' got=b'\\x02' "
        "host='example.com' port=443>"
    )


def test_mismatch_str() -> None:
    exc = FingerprintMismatch(b"\xab" * 32, b"\xcd" * 32, "example.com", 443)
    assert str(exc) == (
        "TLS certificate fingerprint mismatch for example.com:443: "
        f"expected sha256 {'ab' * 32}, got {'cd' * 32}"
    )


def test_mismatch_pickle_and_copy() -> None:
    exc = FingerprintMismatch(CERT_SHA256, OTHER_SHA256, "::1", 8443)
    for restored in (pickle.loads(pickle.dumps(exc)), copy.copy(exc)):
        assert type(restored) is FingerprintMismatch
        assert restored.expected == CERT_SHA256
        assert restored.got == OTHER_SHA256
        assert restored.host == "::1"
        assert restored.port == 8443
        assert restored.args == exc.args


class ConnectionProblem(Exception):
    """Stands in for the client's ServerConnectionError base."""


class ServerFingerprintMismatch(ConnectionProblem, FingerprintMismatch):
    """Shape of the subclass the client package defines."""


class CooperativeSubclass(ConnectionProblem, FingerprintMismatch):
    def __init__(
        self, expected: bytes, got: bytes, host: str | None, port: int | None
    ) -> None:
        super().__init__(expected, got, host, port)
        self.extra = "kept"


@pytest.mark.parametrize("cls", [ServerFingerprintMismatch, CooperativeSubclass])
def test_mismatch_multiple_inheritance(cls: type[FingerprintMismatch]) -> None:
    exc = cls(b"e" * 32, b"g" * 32, "h", 1)
    assert isinstance(exc, ConnectionProblem)
    assert isinstance(exc, FingerprintMismatch)
    assert (exc.expected, exc.got, exc.host, exc.port) == (b"e" * 32, b"g" * 32, "h", 1)
    assert exc.args == (b"e" * 32, b"g" * 32, "h", 1)
    assert repr(exc).startswith(f"<{cls.__name__} expected=")
    restored = pickle.loads(pickle.dumps(exc))
    assert type(restored) is cls
    assert restored.args == exc.args
    assert restored.port == 1
    with pytest.raises(ConnectionProblem):
        raise exc
