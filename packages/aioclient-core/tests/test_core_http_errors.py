"""Exception family, value types and the private package's export lists."""

import importlib
import inspect

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aioclient_core import _http
from aioclient_core._http import (
    BadHttpMessage,
    BadHttpMethod,
    BadStatusLine,
    ContentEncodingError,
    ContentLengthError,
    DecompressSizeError,
    HttpBadRequest,
    HttpProcessingError,
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    PayloadEncodingError,
    RawResponseMessage,
    ResponseParser,
    TransferEncodingError,
)

MODULES = [
    "_abnf",
    "_body",
    "_decompress",
    "_errors",
    "_fields",
    "_models",
    "_parser",
    "_writer",
    "_zlib",
]


@pytest.mark.parametrize(
    ("cls", "base"),
    [
        (BadHttpMessage, HttpProcessingError),
        (HttpBadRequest, BadHttpMessage),
        (PayloadEncodingError, BadHttpMessage),
        (ContentEncodingError, PayloadEncodingError),
        (TransferEncodingError, PayloadEncodingError),
        (ContentLengthError, PayloadEncodingError),
        (DecompressSizeError, PayloadEncodingError),
        (LineTooLong, BadHttpMessage),
        (InvalidHeader, BadHttpMessage),
        (BadStatusLine, BadHttpMessage),
        (BadHttpMethod, BadStatusLine),
        (InvalidURLError, BadHttpMessage),
    ],
)
def test_hierarchy_and_default_code(
    cls: type[Exception], base: type[Exception]
) -> None:
    assert cls.__bases__ == (base,)
    assert getattr(cls, "code", None) == 400


def test_http_processing_error() -> None:
    headers = CIMultiDictProxy(CIMultiDict({"X": "1"}))
    err = HttpProcessingError(code=500, message="line one\nline two", headers=headers)
    assert err.code == 500
    assert err.message == "line one\nline two"
    assert err.headers is headers
    assert str(err) == "500, message:\n  line one\n  line two"
    assert repr(err) == "<HttpProcessingError: 500, message='line one\\nline two'>"
    assert HttpProcessingError().code == 0


def test_bad_http_message() -> None:
    err = BadHttpMessage("broken")
    assert err.code == 400
    assert err.args == ("broken",)
    assert str(err) == "400, message:\n  broken"


def test_line_too_long() -> None:
    err = LineTooLong("status line", 8190, 9000)
    assert err.message == "Got more than 8190 bytes (9000) when reading status line."
    assert err.args == ("status line", 8190, 9000)
    assert LineTooLong("x").message == "Got more than Unknown bytes when reading x."


def test_invalid_header_quotes_bounded_slice() -> None:
    err = InvalidHeader(b"X: " + b"\xff" * 10_000)
    assert err.message.startswith("Invalid HTTP header: b'X: \\xff")
    assert err.message.endswith("...")
    assert len(err.message) < 600
    assert err.hdr.startswith("X: \\xff")
    text = InvalidHeader("Name", reason="why")
    assert text.message == "Invalid HTTP header: 'Name' (why)"
    assert text.hdr == "Name"


def test_bad_status_line() -> None:
    err = BadStatusLine("ICY 200 OK")
    assert err.message == "Bad status line 'ICY 200 OK'"
    assert err.line == "ICY 200 OK"
    assert err.args == ("ICY 200 OK",)
    assert BadStatusLine(b"x", "custom").message == "custom"
    assert "Bad HTTP method" in BadHttpMethod("G ET").message


def test_parser_error_messages_are_bounded() -> None:
    parser = ResponseParser(max_line_size=100_000)
    parser.expect_response("GET")
    with pytest.raises(BadStatusLine) as info:
        parser.feed_data(b"HTTP/1.1 200 \x00" + b"A" * 50_000 + b"\r\n")
    assert len(info.value.message) < 300


def test_versions_and_response_message() -> None:
    assert HttpVersion10 == (1, 0)
    assert HttpVersion11 == HttpVersion(major=1, minor=1)
    assert RawResponseMessage._fields == (
        "version",
        "code",
        "reason",
        "headers",
        "should_close",
        "compression",
        "upgrade",
        "chunked",
    )


@pytest.mark.parametrize("name", MODULES)
def test_module_all_complete(name: str) -> None:
    module = importlib.import_module(f"aioclient_core._http.{name}")
    exported = module.__all__
    # Order is ruff's job (RUF022); here: no duplicates.
    assert len(set(exported)) == len(exported)
    for item in exported:
        assert hasattr(module, item), item
    assert module.__doc__


def test_package_all_matches_namespace() -> None:
    public = {
        n
        for n, v in vars(_http).items()
        if not n.startswith("_") and not inspect.ismodule(v)
    }
    assert sorted(_http.__all__) == sorted(public)


@pytest.mark.parametrize("name", _http.__all__)
def test_public_names_documented(name: str) -> None:
    obj = getattr(_http, name)
    if isinstance(obj, bytes | tuple) or name == "Event":
        return  # constants and type aliases are documented in their module
    assert inspect.getdoc(obj)
