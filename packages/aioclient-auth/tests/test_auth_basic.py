"""BasicAuth and encode_basic_auth (RFC 7617)."""

import base64
import copy
import pickle
import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from aioclient_auth import BasicAuth, encode_basic_auth

COLON_MSG = re.escape('A ":" is not allowed in login (RFC 7617#section-2)')
# The constructor keeps aiohttp's older citation (RFC 1945, the same rule).
CTOR_COLON_MSG = re.escape('A ":" is not allowed in login (RFC 1945#section-11.1)')
CTL_CHARS = [chr(c) for c in range(0x20)] + ["\x7f"]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# --- encode_basic_auth -------------------------------------------------------


def test_encode_basic_auth_known_vector() -> None:
    # RFC 7617 section 2 example: Aladdin / open sesame.
    assert (
        encode_basic_auth("Aladdin", "open sesame")
        == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    )


def test_encode_basic_auth_defaults_to_utf8() -> None:
    # RFC 7617 section 2.1 example: "test" / "123\u00a3" in UTF-8.
    assert encode_basic_auth("test", "123\u00a3") == "Basic dGVzdDoxMjPCow=="


def test_encode_basic_auth_default_password_is_empty() -> None:
    assert encode_basic_auth("user") == "Basic " + _b64(b"user:")


def test_encode_basic_auth_latin1() -> None:
    assert encode_basic_auth("j\u00f6rg", "p\u00e4ss", "latin1") == "Basic " + _b64(
        b"j\xf6rg:p\xe4ss"
    )


def test_encode_basic_auth_password_may_contain_colon() -> None:
    assert encode_basic_auth("u", "a:b:c") == "Basic " + _b64(b"u:a:b:c")


def test_encode_basic_auth_colon_in_login() -> None:
    with pytest.raises(ValueError, match=COLON_MSG):
        encode_basic_auth("us:er", "pass")


@pytest.mark.parametrize("ctl", CTL_CHARS)
def test_encode_basic_auth_refuses_control_chars_in_login(ctl: str) -> None:
    with pytest.raises(
        ValueError, match=r"^Control characters .* not allowed in login"
    ):
        encode_basic_auth(f"us{ctl}er", "pass")


@pytest.mark.parametrize("ctl", CTL_CHARS)
def test_encode_basic_auth_refuses_control_chars_in_password(ctl: str) -> None:
    with pytest.raises(
        ValueError, match=r"^Control characters .* not allowed in password"
    ):
        encode_basic_auth("user", f"pa{ctl}ss")


def test_encode_basic_auth_allows_non_ascii_non_control() -> None:
    # U+0085 (NEL) is a C1 control; RFC 7617 only bans the ASCII CTL set.
    assert encode_basic_auth("u", "\u0085\u00a0") == "Basic " + _b64(
        "u:\u0085\u00a0".encode()
    )


def test_encode_basic_auth_unencodable_does_not_leak_password() -> None:
    with pytest.raises(
        ValueError, match=r"^Credentials cannot be represented in the 'latin1'"
    ) as exc_info:
        encode_basic_auth("user", "s3cr\u20act", "latin1")
    assert "\u20ac" not in str(exc_info.value)
    assert exc_info.value.__cause__ is None
    assert exc_info.value.__suppress_context__


def test_encode_basic_auth_unknown_codec() -> None:
    with pytest.raises(LookupError):
        encode_basic_auth("user", "pass", "no-such-codec")


# --- BasicAuth construction and tuple behaviour ------------------------------


def test_basicauth_defaults() -> None:
    auth = BasicAuth("user")
    assert auth.login == "user"
    assert auth.password == ""
    assert auth.encoding == "latin1"


def test_basicauth_is_a_tuple() -> None:
    auth = BasicAuth("u", "p")
    assert isinstance(auth, tuple)
    assert auth == ("u", "p", "latin1")
    assert len(auth) == 3
    assert auth[0] == "u"
    assert auth[1] == "p"
    assert auth[2] == "latin1"
    login, password, encoding = auth
    assert (login, password, encoding) == ("u", "p", "latin1")
    assert hash(auth) == hash(("u", "p", "latin1"))


def test_basicauth_keyword_arguments() -> None:
    auth = BasicAuth(login="u", password="p", encoding="utf-8")
    assert auth == ("u", "p", "utf-8")


def test_basicauth_equality() -> None:
    assert BasicAuth("u", "p") == BasicAuth("u", "p")
    assert BasicAuth("u", "p") != BasicAuth("u", "q")
    assert BasicAuth("u", "p") != BasicAuth("u", "p", "utf-8")


def test_basicauth_is_immutable() -> None:
    auth = BasicAuth("u", "p")
    with pytest.raises(AttributeError):
        auth.login = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        auth.extra = 1  # type: ignore[attr-defined]


def test_basicauth_fields() -> None:
    assert BasicAuth._fields == ("login", "password", "encoding")
    assert BasicAuth("u", "p")._asdict() == {
        "login": "u",
        "password": "p",
        "encoding": "latin1",
    }


def test_basicauth_replace_validates() -> None:
    auth = BasicAuth("u", "p")
    replaced = auth._replace(password="new:pw")
    assert type(replaced) is BasicAuth
    assert replaced == ("u", "new:pw", "latin1")
    with pytest.raises(ValueError, match=CTOR_COLON_MSG):
        auth._replace(login="a:b")
    with pytest.raises(ValueError, match="None is not allowed as password value"):
        auth._replace(password=None)  # type: ignore[arg-type]


def test_basicauth_make_validates() -> None:
    assert BasicAuth._make(["u", "p", "utf-8"]) == ("u", "p", "utf-8")
    with pytest.raises(ValueError, match=CTOR_COLON_MSG):
        BasicAuth._make(["a:b", "p", "latin1"])


def test_basicauth_no_warning_on_construction() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BasicAuth("u", "p")
        BasicAuth("u", "p", "utf-8")


def test_basicauth_login_none() -> None:
    with pytest.raises(ValueError, match="^None is not allowed as login value$"):
        BasicAuth(None)  # type: ignore[arg-type]


def test_basicauth_password_none() -> None:
    with pytest.raises(ValueError, match="^None is not allowed as password value$"):
        BasicAuth("u", None)  # type: ignore[arg-type]


def test_basicauth_colon_in_login() -> None:
    with pytest.raises(ValueError, match=f"^{CTOR_COLON_MSG}$"):
        BasicAuth("us:er", "p")


def test_basicauth_colon_in_password_allowed() -> None:
    assert BasicAuth("u", "p:a:s:s").password == "p:a:s:s"


@pytest.mark.parametrize("bad", ["a\r\nX-Injected: 1", "a\x00", "a\tb", "\x7f"])
def test_basicauth_refuses_control_chars(bad: str) -> None:
    with pytest.raises(ValueError, match="not allowed in login"):
        BasicAuth(bad, "p")
    with pytest.raises(ValueError, match="not allowed in password"):
        BasicAuth("u", bad)


def test_basicauth_non_str_login() -> None:
    with pytest.raises(TypeError, match="login and password must be str"):
        BasicAuth(b"user")  # type: ignore[arg-type]


def test_basicauth_repr_masks_password() -> None:
    auth = BasicAuth("alice", "hunter2", "utf-8")
    text = repr(auth)
    assert "hunter2" not in text
    assert text == "BasicAuth(login='alice', password='***', encoding='utf-8')"
    assert "hunter2" not in str(auth)
    assert "hunter2" not in f"{auth!r} {[auth]} {(auth,)}"


def test_basicauth_repr_empty_password() -> None:
    assert repr(BasicAuth("bob")) == (
        "BasicAuth(login='bob', password='', encoding='latin1')"
    )


def test_basicauth_subclass_repr_uses_subclass_name() -> None:
    class MyAuth(BasicAuth):
        __slots__ = ()

    assert repr(MyAuth("u", "p")).startswith("MyAuth(login='u', password='***'")


def test_basicauth_copy_and_pickle() -> None:
    auth = BasicAuth("u", "p:w", "utf-8")
    assert copy.copy(auth) == auth
    assert copy.deepcopy(auth) == auth
    restored = pickle.loads(pickle.dumps(auth))
    assert restored == auth
    assert type(restored) is BasicAuth


# --- encode / decode ---------------------------------------------------------


def test_basicauth_encode_latin1_default() -> None:
    auth = BasicAuth("j\u00f6rg", "\u00fcber")
    assert auth.encode() == "Basic " + _b64(b"j\xf6rg:\xfcber")


def test_basicauth_encode_utf8() -> None:
    auth = BasicAuth("j\u00f6rg", "\u00fcber\u20ac", "utf-8")
    assert auth.encode() == "Basic " + _b64("j\u00f6rg:\u00fcber\u20ac".encode())


def test_basicauth_encode_unencodable_in_latin1() -> None:
    with pytest.raises(ValueError, match="cannot be represented in the 'latin1'"):
        BasicAuth("u", "\u20ac").encode()


@pytest.mark.parametrize(
    ("login", "password", "encoding"),
    [
        ("user", "pass", "latin1"),
        ("j\u00f6rg", "p\u00e4ss:w\u00f6rd", "latin1"),
        ("\u0436\u0435\u043d\u044f", "\u5bc6\u7801:\U0001f511", "utf-8"),
        ("", "", "latin1"),
        ("", "only-password", "utf-8"),
        ("only-login", "", "utf-8"),
        ("u", ":", "latin1"),
    ],
)
def test_basicauth_round_trip(login: str, password: str, encoding: str) -> None:
    auth = BasicAuth(login, password, encoding)
    decoded = BasicAuth.decode(auth.encode(), encoding)
    assert decoded == auth
    assert type(decoded) is BasicAuth


def test_decode_splits_on_first_colon() -> None:
    header = "Basic " + _b64(b"user:pa:ss:word")
    assert BasicAuth.decode(header) == ("user", "pa:ss:word", "latin1")


def test_decode_default_encoding_is_latin1() -> None:
    header = "Basic " + _b64("\u00e9:\u00e8".encode())
    # UTF-8 bytes read as latin1 yield mojibake, not an error.
    assert BasicAuth.decode(header) == ("\u00c3\u00a9", "\u00c3\u00a8", "latin1")
    assert BasicAuth.decode(header, "utf-8") == ("\u00e9", "\u00e8", "utf-8")


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_decode_scheme_case_insensitive(scheme: str) -> None:
    assert BasicAuth.decode(f"{scheme} {_b64(b'u:p')}") == ("u", "p", "latin1")


def test_decode_strips_surrounding_whitespace() -> None:
    assert BasicAuth.decode(f"  Basic {_b64(b'u:p')}\t \r\n") == ("u", "p", "latin1")


def test_decode_accepts_several_spaces_after_scheme() -> None:
    assert BasicAuth.decode(f"Basic   {_b64(b'u:p')}") == ("u", "p", "latin1")


@pytest.mark.parametrize("header", ["", "   ", "Basic", "Basic   ", "dTpw"])
def test_decode_unparsable(header: str) -> None:
    with pytest.raises(ValueError, match=r"^Could not parse authorization header\.$"):
        BasicAuth.decode(header)


def test_decode_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="^Unknown authorization method Digest$"):
        BasicAuth.decode("Digest username=x")


def test_decode_unknown_scheme_message_is_bounded() -> None:
    with pytest.raises(ValueError, match="^Unknown authorization method") as exc_info:
        BasicAuth.decode("X" * 100_000 + " abc")
    assert len(str(exc_info.value)) < 200


@pytest.mark.parametrize(
    "credentials",
    ["not base64!", "dT=pw", "dTp", "dT pw", "d\u00e9pw", "d\tpw", "===="],
)
def test_decode_invalid_base64(credentials: str) -> None:
    with pytest.raises(ValueError, match=r"^Invalid base64 encoding\.$"):
        BasicAuth.decode(f"Basic {credentials}")


def test_decode_invalid_text_encoding() -> None:
    header = "Basic " + _b64(b"\xff\xfe:\xfa")
    with pytest.raises(
        ValueError, match="^Could not decode credentials with the 'utf-8' encoding"
    ) as exc_info:
        BasicAuth.decode(header, "utf-8")
    assert exc_info.value.__cause__ is None
    assert exc_info.value.__suppress_context__


def test_decode_missing_colon() -> None:
    with pytest.raises(ValueError, match=r"^Invalid credentials\.$"):
        BasicAuth.decode("Basic " + _b64(b"nocolon"))


def test_decode_refuses_control_chars() -> None:
    with pytest.raises(ValueError, match="not allowed in password"):
        BasicAuth.decode("Basic " + _b64(b"u:p\r\nX: y"))


# --- from_url ----------------------------------------------------------------


def test_from_url_user_and_password() -> None:
    auth = BasicAuth.from_url(URL("http://user:pass@example.com/path"))
    assert auth == ("user", "pass", "latin1")
    assert type(auth) is BasicAuth


def test_from_url_user_only() -> None:
    assert BasicAuth.from_url(URL("http://user@example.com")) == ("user", "", "latin1")


def test_from_url_password_only() -> None:
    assert BasicAuth.from_url(URL("http://:pass@example.com")) == ("", "pass", "latin1")


def test_from_url_no_userinfo() -> None:
    assert BasicAuth.from_url(URL("http://example.com/a?b=c")) is None
    assert BasicAuth.from_url(URL("http://@example.com")) is None


def test_from_url_percent_encoded_userinfo() -> None:
    url = URL("http://j%C3%B6rg:p%40ss%3Aw%2Fd@example.com")
    assert BasicAuth.from_url(url) == ("j\u00f6rg", "p@ss:w/d", "latin1")


def test_from_url_encoding_keyword() -> None:
    auth = BasicAuth.from_url(URL("http://u:p@example.com"), encoding="utf-8")
    assert auth == ("u", "p", "utf-8")


def test_from_url_encoding_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        BasicAuth.from_url(URL("http://u:p@example.com"), "utf-8")  # type: ignore[call-arg]


def test_from_url_encoded_colon_in_user_is_refused() -> None:
    with pytest.raises(ValueError, match=CTOR_COLON_MSG):
        BasicAuth.from_url(URL("http://a%3Ab:p@example.com"))


def test_from_url_encoded_crlf_is_refused() -> None:
    with pytest.raises(ValueError, match="not allowed in password"):
        BasicAuth.from_url(URL("http://u:p%0D%0AX@example.com"))


@pytest.mark.parametrize("value", ["http://u:p@example.com", None, b"http://u@h"])
def test_from_url_requires_yarl_url(value: object) -> None:
    with pytest.raises(TypeError, match="^url should be yarl.URL instance$"):
        BasicAuth.from_url(value)  # type: ignore[arg-type]


# --- property tests ----------------------------------------------------------

_CTL = "".join(CTL_CHARS)
_login_text = st.text(
    st.characters(codec="utf-8", exclude_characters=":" + _CTL), max_size=40
)
_password_text = st.text(
    st.characters(codec="utf-8", exclude_characters=_CTL), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(login=_login_text, password=_password_text)
def test_property_utf8_round_trip(login: str, password: str) -> None:
    auth = BasicAuth(login, password, "utf-8")
    header = auth.encode()
    assert header.startswith("Basic ")
    assert header.isascii()
    assert BasicAuth.decode(header, "utf-8") == auth
    assert encode_basic_auth(login, password) == header


@settings(max_examples=200, deadline=None)
@given(header=st.text(max_size=200))
def test_property_decode_arbitrary_header_only_raises_value_error(
    header: str,
) -> None:
    try:
        auth = BasicAuth.decode(header)
    except ValueError:
        return
    assert isinstance(auth, BasicAuth)
    assert ":" not in auth.login


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=100))
def test_property_decode_arbitrary_bytes(raw: bytes) -> None:
    try:
        auth = BasicAuth.decode("Basic " + _b64(raw), "utf-8")
    except ValueError:
        return
    # Whatever was accepted must encode back to the same header.
    assert auth.encode() == "Basic " + _b64(raw)


@settings(max_examples=200, deadline=None)
@given(
    prefix=_password_text,
    ctl=st.sampled_from(CTL_CHARS),
    suffix=_password_text,
)
def test_property_control_chars_always_refused(
    prefix: str, ctl: str, suffix: str
) -> None:
    with pytest.raises(ValueError, match="Control characters"):
        encode_basic_auth("user", prefix + ctl + suffix)
    with pytest.raises(ValueError, match="Control characters"):
        BasicAuth("user", prefix + ctl + suffix)
