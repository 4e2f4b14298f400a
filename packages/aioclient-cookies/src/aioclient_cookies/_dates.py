"""Cookie expiry: the ``Expires`` date and ``Max-Age`` attributes.

Implements the cookie-date algorithm of RFC 6265 §5.1.1 exactly (tokenise on
the delimiter set, pick the first time, day-of-month, month and year tokens,
widen two-digit years, reject impossible dates), Max-Age parsing (§5.2.2) and
their precedence (§5.3 step 3). Only ASCII digits count as digits.
"""

import calendar
import datetime
import re
from http.cookies import Morsel
from typing import Any

__all__ = [
    "MAX_TIMESTAMP",
    "cookie_expiry",
    "drop_ignored_expiry",
    "parse_cookie_date",
]

#: 9999-12-31T23:59:59Z, the latest instant a four-digit year can express;
#: every expiry time is clamped to it so arithmetic can never overflow.
MAX_TIMESTAMP = calendar.timegm((9999, 12, 31, 23, 59, 59, 0, 0, 0))

# §5.1.1: delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E. Everything
# else (including non-ASCII) belongs to a date-token.
_DELIMITERS = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+", re.ASCII)

# Each production is "the digits, then optionally a non-digit and anything".
# re.ASCII keeps other scripts' digits out of [0-9]-like classes.
_TIME = re.compile(
    r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[^0-9].*)?", re.ASCII | re.DOTALL
)
_DAY_OF_MONTH = re.compile(r"([0-9]{1,2})(?:[^0-9].*)?", re.ASCII | re.DOTALL)
_YEAR = re.compile(r"([0-9]{2,4})(?:[^0-9].*)?", re.ASCII | re.DOTALL)
# RFC 6265 §5.2.2: max-age-av = "Max-Age=" ["-"] 1*DIGIT, ASCII digits only.
_MAX_AGE = re.compile(r"-?[0-9]+", re.ASCII)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun")
        + ("jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def parse_cookie_date(text: str) -> int | None:
    """Parse a cookie date with the RFC 6265 §5.1.1 algorithm.

    Args:
        text: The value of an ``Expires`` attribute.

    Returns:
        Seconds since the epoch (UTC), or ``None`` if the date is invalid, in
        which case the attribute must be ignored.
    """
    time: tuple[int, int, int] | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    for token in _DELIMITERS.split(text):
        if not token:
            continue
        if time is None and (match := _TIME.fullmatch(token)):
            time = (int(match[1]), int(match[2]), int(match[3]))
        elif day is None and (match := _DAY_OF_MONTH.fullmatch(token)):
            day = int(match[1])
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS[token[:3].lower()]
        elif year is None and (match := _YEAR.fullmatch(token)):
            year = int(match[1])
    if time is None or day is None or month is None or year is None:
        return None
    # §5.1.1 step 3 and 4: two-digit years.
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    hour, minute, second = time
    # §5.1.1 step 5.
    if not 1 <= day <= 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        # Rejects dates that do not exist, such as 31 April or 29 February 2023.
        moment = datetime.datetime(
            year, month, day, hour, minute, second, tzinfo=datetime.UTC
        )
    except ValueError:
        return None
    return calendar.timegm(moment.utctimetuple())


def cookie_expiry(
    max_age: str, expires: str, now: float, max_time: int = MAX_TIMESTAMP
) -> float | None:
    """Compute a cookie's absolute expiry time (RFC 6265 §5.3 step 3).

    Args:
        max_age: The Max-Age attribute, "" when absent. It wins over Expires
            and must be ASCII ``-?[0-9]+`` (RFC 6265 §5.2.2) or it is ignored.
        expires: The Expires attribute, "" when absent or invalid dates
            are ignored (RFC 6265 §5.2.1).
        now: The current time.
        max_time: The latest expiry time; larger ones are clamped to it.

    Returns:
        Seconds since the epoch, at most *max_time*; a value not after *now*
        means "already expired"; ``None`` means a session cookie.
    """
    if max_age and _MAX_AGE.fullmatch(max_age):
        delta = int(max_age)
        if delta <= 0:
            return now
        # Compare before adding: a 1000-digit integer cannot become a float.
        if delta >= max_time:
            return float(max_time)
        return min(now + delta, float(max_time))
    if expires:
        timestamp = parse_cookie_date(expires)
        if timestamp is not None:
            return float(min(timestamp, max_time))
    return None


def drop_ignored_expiry(morsel: "Morsel[Any]") -> None:
    """Blank a ``Max-Age`` or ``Expires`` value the cookie's expiry ignored.

    RFC 6265 §5.2.1 and §5.2.2 ignore a date that does not parse and a
    ``Max-Age`` that is not an integer; the stored cookie then shows only the
    attributes that took effect (as aiohttp's jar does).

    Args:
        morsel: A stored cookie, whose attributes are strings.
    """
    max_age = morsel.get("max-age", "")
    if max_age and not _MAX_AGE.fullmatch(str(max_age)):
        morsel["max-age"] = ""
    expires = morsel.get("expires", "")
    if expires and parse_cookie_date(str(expires)) is None:
        morsel["expires"] = ""
