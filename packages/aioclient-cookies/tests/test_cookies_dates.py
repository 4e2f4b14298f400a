import calendar

import pytest

from aioclient_cookies._dates import MAX_TIMESTAMP, parse_cookie_date


def ts(*fields: int) -> int:
    year, month, day, hour, minute, second = fields
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", ts(1994, 11, 6, 8, 49, 37)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", ts(1994, 11, 6, 8, 49, 37)),
        ("Sun Nov  6 08:49:37 1994", ts(1994, 11, 6, 8, 49, 37)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", ts(2015, 10, 21, 7, 28, 0)),
        # Case-insensitive month, full month name, any order of tokens.
        ("08:49:37 NOVEMBER 6 1994", ts(1994, 11, 6, 8, 49, 37)),
        ("1994 nov 6 8:9:7", ts(1994, 11, 6, 8, 9, 7)),
        # Two-digit years: 70-99 -> 19xx, 00-69 -> 20xx.
        ("01 Jan 70 00:00:00", ts(1970, 1, 1, 0, 0, 0)),
        ("01 Jan 99 00:00:00", ts(1999, 1, 1, 0, 0, 0)),
        ("01 Jan 00 00:00:00", ts(2000, 1, 1, 0, 0, 0)),
        ("01 Jan 69 00:00:00", ts(2069, 1, 1, 0, 0, 0)),
        # Trailing garbage after the digits of a token is allowed.
        ("01st Jan 2030 10:00:00xyz", ts(2030, 1, 1, 10, 0, 0)),
        # Unknown tokens are ignored.
        ("foo 01 bar Jan baz 2030 qux 10:00:00", ts(2030, 1, 1, 10, 0, 0)),
        ("29 Feb 2024 00:00:00", ts(2024, 2, 29, 0, 0, 0)),
        ("31 Dec 9999 23:59:59", MAX_TIMESTAMP),
        ("01 Jan 1601 00:00:00", ts(1601, 1, 1, 0, 0, 0)),
    ],
)
def test_valid_dates(text: str, expected: int) -> None:
    assert parse_cookie_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "Sun, 06 Nov 1994 GMT",  # no time
        "Sun, Nov 1994 08:49:37 GMT",  # no day of month
        "Sun, 06 1994 08:49:37 GMT",  # no month
        "Sun, 06 Nov 08:49:37 GMT",  # no year
        "32 Jan 2030 00:00:00",  # day > 31
        "00 Jan 2030 00:00:00",  # day < 1
        "01 Jan 1600 00:00:00",  # year < 1601
        "01 Jan 2030 24:00:00",  # hour > 23
        "01 Jan 2030 00:60:00",  # minute > 59
        "01 Jan 2030 00:00:60",  # second > 59
        "31 Apr 2030 00:00:00",  # date that does not exist
        "29 Feb 2023 00:00:00",  # not a leap year
        "01 Jan 2030 000:00:00",  # three-digit time field
        "01 Jan 12345 00:00:00",  # five-digit year is not a year token
        # Non-ASCII digits are not digits (Arabic-Indic, fullwidth, Devanagari).
        "\u0660\u0661 Jan 2030 00:00:00",
        "01 Jan \uff12\uff10\uff13\uff10 00:00:00",
        "01 Jan 2030 \u0966\u0967:00:00",
    ],
)
def test_invalid_dates(text: str) -> None:
    assert parse_cookie_date(text) is None


def test_tokens_are_assigned_in_rfc_order() -> None:
    # Once the time is found, "11:11:11" is tried as a day-of-month ("11"
    # followed by a non-digit), then "01" can only be the year (2001).
    assert parse_cookie_date("10:00:00 11:11:11 01 Jan 2030") == ts(
        2001, 1, 11, 10, 0, 0
    )


def test_year_digits_followed_by_digit_is_not_a_year() -> None:
    # "2030x1" is a year token (non-digit then anything), "20301" is not.
    assert parse_cookie_date("01 Jan 2030x1 00:00:00") == ts(2030, 1, 1, 0, 0, 0)
