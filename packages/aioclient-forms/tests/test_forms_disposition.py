"""parse_content_disposition and content_disposition_filename."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_forms import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    content_disposition_filename,
    parse_content_disposition,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline", ("inline", {})),
        ("  ATTACHMENT ", ("attachment", {})),
        ("form-data; name=field", ("form-data", {"name": "field"})),
        ('attachment; filename="foo.html"', ("attachment", {"filename": "foo.html"})),
        ('attachment; FILENAME="x"', ("attachment", {"filename": "x"})),
        ('attachment; filename="a \\"q\\" b"', ("attachment", {"filename": 'a "q" b'})),
        ('attachment; filename="a;b"', ("attachment", {"filename": "a;b"})),
        ('attachment; filename="a;b;c"', ("attachment", {"filename": "a;b;c"})),
        (
            'attachment; filename="/etc/passwd"',
            ("attachment", {"filename": "etc/passwd"}),
        ),
        (
            'attachment; filename="\\\\server\\x"',
            ("attachment", {"filename": "serverx"}),
        ),
        (
            "attachment; filename*=UTF-8''%E2%82%AC%20rates",
            ("attachment", {"filename*": "€ rates"}),
        ),
        (
            "attachment; filename*=iso-8859-1'en'%A3%20rates",
            ("attachment", {"filename*": "£ rates"}),
        ),
        ("attachment; filename*=''plain", ("attachment", {"filename*": "plain"})),
        (
            'attachment; filename*0="foo."; filename*1="html"',
            ("attachment", {"filename*0": "foo.", "filename*1": "html"}),
        ),
        (
            'form-data; name="x" ; filename="y"',
            ("form-data", {"name": "x", "filename": "y"}),
        ),
        ("", (None, {})),
        (None, (None, {})),
    ],
)
def test_parse_valid(
    header: str | None, expected: tuple[str | None, dict[str, str]]
) -> None:
    assert parse_content_disposition(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "inline attachment",
        '"inline"',
        "attachment; filename",
        "attachment; a=1; a=2",
        "attachment; filename=a b",
        'attachment; filename="unterminated',
        "attachment; filename=bad\x7f",
        "; filename=x",
    ],
)
def test_bad_header_warns_and_gives_nothing(header: str) -> None:
    with pytest.warns(BadContentDispositionHeader) as record:
        assert parse_content_disposition(header) == (None, {})
    assert isinstance(record[0].message, Warning)
    assert record[0].message.args == (header,)


def test_empty_segment_warns_but_continues() -> None:
    with pytest.warns(BadContentDispositionHeader):
        assert parse_content_disposition("attachment; filename=x;") == (
            "attachment",
            {"filename": "x"},
        )


@pytest.mark.parametrize(
    ("header", "bad_item", "kept"),
    [
        ('attachment; fi"le=x; name=y', ' fi"le=x', {"name": "y"}),
        (
            "attachment; filename*=no-quotes; name=y",
            " filename*=no-quotes",
            {"name": "y"},
        ),
        (
            "attachment; filename*=bogus-charset''%41; name=y",
            " filename*=bogus-charset''%41",
            {"name": "y"},
        ),
        (
            "attachment; filename*=utf-8''%FF; name=y",
            " filename*=utf-8''%FF",
            {"name": "y"},
        ),
        ("attachment; filename*0=a b; name=y", " filename*0=a b", {"name": "y"}),
    ],
)
def test_bad_param_warns_and_is_skipped(
    header: str, bad_item: str, kept: dict[str, str]
) -> None:
    with pytest.warns(BadContentDispositionParam) as record:
        assert parse_content_disposition(header) == ("attachment", kept)
    assert isinstance(record[0].message, Warning)
    assert record[0].message.args == (bad_item,)


@pytest.mark.parametrize(
    ("params", "name", "expected"),
    [
        ({}, "filename", None),
        ({"filename": "plain", "filename*": "ext"}, "filename", "ext"),
        ({"filename": "plain"}, "filename", "plain"),
        ({"name": "n"}, "name", "n"),
        ({"filename*0": "foo.", "filename*1": "html"}, "filename", "foo.html"),
        ({"filename*1": "html"}, "filename", None),
        ({"filename*0": "a", "filename*2": "c"}, "filename", "a"),
        (
            {"filename*0*": "utf-8''%E2%82", "filename*1*": "%AC.txt"},
            "filename",
            "€.txt",
        ),
        ({"filename*0*": "unknown-cs''x"}, "filename", "x"),
        ({"filename*0*": "unknown-cs''%41"}, "filename", None),
        ({"filename*0*": "utf-8''%FF"}, "filename", None),
        ({"other": "x"}, "filename", None),
    ],
)
def test_content_disposition_filename(
    params: dict[str, str], name: str, expected: str | None
) -> None:
    assert content_disposition_filename(params, name) == expected


def test_continuations_are_ordered_numerically() -> None:
    params = {f"filename*{i}": chr(ord("a") + i) for i in range(12)}
    assert content_disposition_filename(params) == "abcdefghijkl"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parser_never_raises(header: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        disptype, params = parse_content_disposition(header)
        content_disposition_filename(params)
        content_disposition_filename(params, "name")
    assert disptype is None or disptype == disptype.lower()
    assert all(key == key.lower() for key in params)


@pytest.mark.parametrize(
    "header",
    [
        "attachment; filename*0=a'b",  # a continuation with one quote
        "attachment; filename*=undefined''%41",  # a codec that cannot decode
        "attachment; filename*=punycode''%5c",
        "attachment; filename*0=\"\xff''%41\"",  # a charset name that is not text
        "attachment; filename*0*=x-no-such''%41",
    ],
)
def test_peer_charsets_never_make_parsing_raise(header: str) -> None:
    # The charset name comes from the peer; whatever it is, the filename is
    # just unknown (found by fuzzing).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        disposition, params = parse_content_disposition(header)
    assert disposition == "attachment"
    assert content_disposition_filename(params) is None
