import pytest

from aioclient_cookies._parsing import (
    attribute_text,
    is_valid_name,
    make_morsel,
    parse_set_cookie,
)


def test_basic_line_with_attributes() -> None:
    parsed = parse_set_cookie(
        "sid=abc123; Path=/app; Domain=.Example.com; Max-Age=60; "
        "Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly; SameSite=Lax"
    )
    assert parsed is not None
    name, morsel = parsed
    assert name == "sid"
    assert morsel.key == "sid"
    assert morsel.value == "abc123"
    assert morsel.coded_value == "abc123"
    assert morsel["path"] == "/app"
    assert morsel["domain"] == ".Example.com"  # normalised later by the jar
    assert morsel["max-age"] == "60"
    assert morsel["expires"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"


def test_whitespace_is_trimmed_and_attribute_names_are_case_insensitive() -> None:
    parsed = parse_set_cookie("  a  =  b c \t;  pATH = /x ;SECURE")
    assert parsed is not None
    name, morsel = parsed
    assert (name, morsel.value) == ("a", "b c")
    assert morsel["path"] == "/x"
    assert morsel["secure"] is True


def test_last_attribute_occurrence_wins() -> None:
    parsed = parse_set_cookie("a=b; Path=/one; Path=/two")
    assert parsed is not None
    assert parsed[1]["path"] == "/two"


def test_quoted_value_keeps_coded_form() -> None:
    parsed = parse_set_cookie('a="hello world"; Path=/')
    assert parsed is not None
    morsel = parsed[1]
    assert morsel.value == "hello world"
    assert morsel.coded_value == '"hello world"'


def test_quoted_value_escapes_are_decoded() -> None:
    parsed = parse_set_cookie(r'a="x\"y\\z\073"')
    assert parsed is not None
    assert parsed[1].value == 'x"y\\z;'


def test_value_may_contain_equals_and_be_empty() -> None:
    parsed = parse_set_cookie("token=a=b==")
    assert parsed is not None
    assert parsed[1].value == "a=b=="
    parsed = parse_set_cookie("empty=; Path=/")
    assert parsed is not None
    assert parsed[1].value == ""


@pytest.mark.parametrize(
    "line",
    [
        "",
        "novalue",
        "=value",
        "   =value",
        "a b=c",  # whitespace inside the name
        'a"b=c',
        "a\\b=c",
        "a,b=c",
        "a=b\x00c",
        "a=b\nSet-Cookie: evil=1",
        "a=b\rc",
        "a\x01=b",
        "a=b; Path=/\x7f",  # a control character anywhere drops the line
        "a=\x85",  # C1 control
        "n\u00e4me=value",  # non-ASCII name
        "a=" + "x" * 4096,  # name + value > 4096 bytes
        "a=" + "\u00e9" * 2048,  # 4096 characters, but more UTF-8 bytes
    ],
)
def test_rejected_lines(line: str) -> None:
    assert parse_set_cookie(line) is None


def test_name_and_value_at_the_size_limit_are_kept() -> None:
    parsed = parse_set_cookie("a=" + "x" * 4096 + "; Path=/")
    assert parsed is None
    parsed = parse_set_cookie("a=" + "x" * 4095 + "; Path=/")
    assert parsed is not None
    assert len(parsed[1].value) == 4095


@pytest.mark.parametrize(
    "name", ["a[0]", "x(y)", "{k}", "<a>", "user@host", "q?", "a/b", "ns:key", "_-.~"]
)
def test_practical_names_are_accepted(name: str) -> None:
    assert is_valid_name(name)
    parsed = parse_set_cookie(f"{name}=v")
    assert parsed is not None
    assert parsed[0] == name
    assert parsed[1].key == name


@pytest.mark.parametrize("name", ["", "a b", "a;b", "a=b", "a,b", 'a"', "a\\", "a\tb"])
def test_invalid_names(name: str) -> None:
    assert not is_valid_name(name)


def test_oversized_attribute_values_are_ignored() -> None:
    parsed = parse_set_cookie("a=b; Path=/" + "p" * 1024 + "; Domain=example.com")
    assert parsed is not None
    assert parsed[1]["path"] == ""
    assert parsed[1]["domain"] == "example.com"
    parsed = parse_set_cookie("a=b; Path=/" + "p" * 1023)
    assert parsed is not None
    assert parsed[1]["path"] == "/" + "p" * 1023


def test_empty_domain_attribute_is_ignored() -> None:
    parsed = parse_set_cookie("a=b; Domain=; Path=/")
    assert parsed is not None
    assert parsed[1]["domain"] == ""


def test_unknown_and_obsolete_attributes_are_ignored() -> None:
    parsed = parse_set_cookie("a=b; Comment=hi; Version=1; Foo=bar; ; =x")
    assert parsed is not None
    morsel = parsed[1]
    assert morsel["comment"] == ""
    assert morsel["version"] == ""
    assert "foo" not in morsel


def test_make_morsel_accepts_names_morsel_set_rejects() -> None:
    morsel = make_morsel("a[1]", "v", '"v"')
    assert (morsel.key, morsel.value, morsel.coded_value) == ("a[1]", "v", '"v"')
    assert morsel.OutputString() == 'a[1]="v"'


def test_attribute_text() -> None:
    morsel = make_morsel("a", "b", "b")
    assert attribute_text(morsel, "path") == ""
    morsel["max-age"] = 10
    assert attribute_text(morsel, "max-age") == "10"
    morsel["path"] = "/ok\n"
    assert attribute_text(morsel, "path") == ""
    morsel["domain"] = "d" * 1025
    assert attribute_text(morsel, "domain") == ""
