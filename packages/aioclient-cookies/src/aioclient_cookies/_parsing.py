"""Lenient parsing of ``Set-Cookie`` header values into morsels.

Implements the parsing half of RFC 6265 §5.2 (as refined by RFC 6265bis §5.6):
split the name-value pair from the attributes, trim whitespace, keep the last
occurrence of each attribute and ignore unknown ones. The checks on names,
values and sizes, and the conversions between caller values, morsels and the
value sent back in a ``Cookie`` header, live here too so that cookies given
directly to the jar are held to the same rules.
"""

import re
from collections.abc import Iterable
from http.cookies import BaseCookie, Morsel, SimpleCookie
from typing import Any, Protocol, cast

__all__ = [
    "MAX_ATTRIBUTE_SIZE",
    "MAX_NAME_VALUE_SIZE",
    "as_morsel",
    "attribute_text",
    "fits",
    "is_valid_name",
    "is_valid_value",
    "make_morsel",
    "parse_set_cookie",
    "response_cookies",
    "stored_morsel",
    "wire_value",
]

#: RFC 6265bis §5.6: name plus value longer than this is ignored.
MAX_NAME_VALUE_SIZE = 4096
#: RFC 6265bis §5.6: attribute values longer than this are ignored.
MAX_ATTRIBUTE_SIZE = 1024

# RFC 6265 token characters plus the separators servers use in practice
# ("[", "]", "(", ")", "{", "}", "<", ">", "@", "?", "/", ":"). Whitespace, ";",
# "=", ",", '"', "\" and every control character stay out: they would change
# how the Cookie header we send is split.
_NAME = re.compile(r"[!#$%&'()*+\-./0-9:<>?@A-Z\[\]^_`a-z{|}~]+", re.ASCII)
# RFC 6265bis §5.6 step 1 drops strings with CTLs other than HTAB; we also drop
# C1 controls and lone surrogates, which cannot be sent in a header either.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
_QUOTED_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))", re.DOTALL)
_WHITESPACE = " \t"
# Only used for SimpleCookie's quoting rules; it holds no state.
_ENCODER = SimpleCookie()
# Attributes we keep, mapped to the Morsel key they are stored under. Flags
# (no value) map to True. Obsolete "Comment"/"Version" are ignored (RFC 6265).
_VALUE_ATTRIBUTES = {
    "expires": "expires",
    "max-age": "max-age",
    "domain": "domain",
    "path": "path",
    "samesite": "samesite",
}
_FLAG_ATTRIBUTES = {"secure": "secure", "httponly": "httponly"}
if Morsel().isReservedKey("partitioned"):  # Python 3.14+ knows the CHIPS flag.
    _FLAG_ATTRIBUTES["partitioned"] = "partitioned"
_SCOPE_ATTRIBUTES = frozenset({"domain", "path"})


class _SupportsSetState(Protocol):
    def __setstate__(self, state: dict[str, str]) -> None: ...


def _byte_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def is_valid_name(name: str) -> bool:
    """Tell whether *name* is acceptable as a cookie name.

    Args:
        name: A candidate cookie name.

    Returns:
        ``True`` for non-empty names made of token characters or the common
        extra punctuation listed in the module.
    """
    return _NAME.fullmatch(name) is not None


def is_valid_value(value: str) -> bool:
    """Tell whether *value* may be stored and sent back.

    Args:
        value: A cookie value (decoded or coded).

    Returns:
        ``False`` if it contains control characters or lone surrogates.
    """
    return _FORBIDDEN.search(value) is None


def fits(name: str, value: str) -> bool:
    """Tell whether name plus value respect the RFC 6265bis size bound.

    Args:
        name: The cookie name.
        value: The value as it would be sent.

    Returns:
        ``True`` when together they are at most 4096 bytes of UTF-8.
    """
    if len(name) + len(value) > MAX_NAME_VALUE_SIZE:
        return False
    return _byte_length(name) + _byte_length(value) <= MAX_NAME_VALUE_SIZE


def attribute_text(morsel: "Morsel[Any]", key: str) -> str:
    """Read a morsel attribute as text, ignoring oversized or unsafe values.

    Args:
        morsel: The morsel to read.
        key: A reserved attribute name such as ``"domain"``.

    Returns:
        The attribute as a string, or ``""`` when it is unset, longer than
        1024 characters (RFC 6265bis §5.6) or contains control characters.
    """
    raw = morsel.get(key, "")
    if raw is None or raw is False or raw == "":
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) > MAX_ATTRIBUTE_SIZE or not is_valid_value(text):
        return ""
    return text


def make_morsel(name: str, value: str, coded_value: str) -> "Morsel[str]":
    """Build a morsel without ``Morsel.set``'s narrow name check.

    ``Morsel.set`` only accepts the RFC 2068 token alphabet, which rejects
    names like ``a[0]`` that servers send every day. The pickling protocol
    (``__setstate__``) is the public way to build a morsel from validated
    parts, so the global name check stays untouched.

    Args:
        name: An already validated name.
        value: The decoded value.
        coded_value: The value as it appears on the wire.

    Returns:
        A new morsel with no attributes.
    """
    # Morsel() would set every reserved attribute to "" one by one; copying
    # them from one blank morsel is the same result for a fraction of the cost.
    morsel: Morsel[str] = Morsel.__new__(Morsel)
    dict.update(morsel, _BLANK_ATTRIBUTES)
    state = {"key": name, "value": value, "coded_value": coded_value}
    cast(_SupportsSetState, morsel).__setstate__(state)
    return morsel


#: Every reserved attribute of a new morsel, each "".
_BLANK_ATTRIBUTES: dict[str, Any] = dict(Morsel())


def stored_morsel(
    name: str, morsel: "Morsel[Any]", domain: str, path: str
) -> "Morsel[str]":
    """Copy a validated cookie into the morsel the jar keeps.

    The copy shares nothing with the caller's morsel: flags become ``True``,
    other attributes their text (empty, oversized or unsafe ones are left
    out), and the domain and path are the resolved scope.

    Args:
        name: The validated cookie name.
        morsel: The cookie as received; its value and coded value are
            already validated strings.
        domain: The stored domain ("" for a shared cookie).
        path: The stored path.

    Returns:
        A new morsel.
    """
    stored = make_morsel(name, morsel.value, morsel.coded_value)
    # (dict's own __setitem__: the keys are a morsel's reserved ones already.)
    for attr, raw in morsel.items():
        if raw is None or raw is False or raw == "" or attr in _SCOPE_ATTRIBUTES:
            continue  # unset (most of them), or the scope set below
        if attr in _FLAG_ATTRIBUTES:
            if raw:
                dict.__setitem__(stored, attr, True)
        elif text := attribute_text(morsel, attr):
            dict.__setitem__(stored, attr, text)
    dict.__setitem__(stored, "domain", domain)
    dict.__setitem__(stored, "path", path)
    return stored


def _unquote(coded: str) -> str:
    # A value the server wrapped in double quotes is sent back as it came, but
    # its decoded form drops the quotes and the escapes SimpleCookie would add.
    # A value with only an opening quote ('"x') is not a quoted string: it is
    # its own decoded form, and goes back as received like any '"'-led value.
    if len(coded) < 2 or coded[0] != '"' or coded[-1] != '"':
        return coded

    def replace(match: "re.Match[str]") -> str:
        octal = match[1]
        return chr(int(octal, 8)) if octal else match[2]

    return _QUOTED_ESCAPE.sub(replace, coded[1:-1])


def _apply_attributes(morsel: "Morsel[str]", unparsed: str) -> None:
    # RFC 6265 §5.2 steps: split on ";", split each on the first "=", trim, and
    # let a later occurrence of an attribute replace an earlier one.
    for part in unparsed.split(";"):
        attr_name, _, attr_value = part.partition("=")
        attr_name = attr_name.strip(_WHITESPACE).lower()
        attr_value = attr_value.strip(_WHITESPACE)
        if attr_name in _FLAG_ATTRIBUTES:
            morsel[_FLAG_ATTRIBUTES[attr_name]] = True
        elif attr_name in _VALUE_ATTRIBUTES:
            if len(attr_value) > MAX_ATTRIBUTE_SIZE:
                continue
            if attr_name == "domain" and not attr_value:
                # §5.2.3: an empty Domain is ignored rather than meaning "host".
                continue
            morsel[_VALUE_ATTRIBUTES[attr_name]] = attr_value


def parse_set_cookie(line: str) -> "tuple[str, Morsel[str]] | None":
    """Parse one ``Set-Cookie`` header value.

    Args:
        line: The header value, exactly one cookie (RFC 6265 §3 forbids folding
            several cookies into one line).

    Returns:
        ``(name, morsel)`` with the attributes found, or ``None`` when the line
        must be ignored: no "=", an empty or invalid name, control characters
        anywhere in the line, or a name plus value longer than 4096 bytes.
    """
    if _FORBIDDEN.search(line):
        return None
    pair, _, unparsed = line.partition(";")
    name, equals, coded = pair.partition("=")
    if not equals:
        return None
    name = name.strip(_WHITESPACE)
    coded = coded.strip(_WHITESPACE)
    if not is_valid_name(name) or not fits(name, coded):
        return None
    morsel = make_morsel(name, _unquote(coded), coded)
    if unparsed:
        _apply_attributes(morsel, unparsed)
    return name, morsel


def response_cookies(lines: Iterable[str]) -> SimpleCookie:
    """Collect the cookies a response sets, as ``ClientResponse.cookies`` shows them.

    Each line is read with the jar's own parser (:func:`parse_set_cookie`), so a
    response's ``cookies`` and what the jar stores from it agree; lines that
    parser ignores are left out. A later cookie of the same name replaces an
    earlier one.

    Args:
        lines: The response's ``Set-Cookie`` header values.

    Returns:
        A new ``SimpleCookie`` holding one morsel per cookie name.
    """
    cookies = SimpleCookie()
    for line in lines:
        parsed = parse_set_cookie(line)
        if parsed is not None:
            # dict's own __setitem__: the morsel is already validated, and
            # SimpleCookie's would re-check the name with Morsel.set's rules.
            dict.__setitem__(cookies, parsed[0], parsed[1])
    return cookies


def wire_value(morsel: "Morsel[str]", quote: bool) -> str:
    """Return the value to put in a ``Cookie`` request header.

    Args:
        morsel: A stored cookie.
        quote: The jar's ``quote_cookie`` setting.

    Returns:
        The raw value when *quote* is false (unless it holds a ``;``);
        otherwise the coded value as received if it starts with a double
        quote, else the value quoted the way ``SimpleCookie`` quotes values.
    """
    value: str = morsel.value
    if not quote and ";" not in value:
        return value
    # RFC 6265 §4.1.1: ";" ends a cookie-pair. Sent raw (quote_cookie=False,
    # a value like "a\073b" received quoted) it would start another cookie in
    # the request, so such a value always goes quoted.
    coded: str = morsel.coded_value
    if coded.startswith('"') and ";" not in coded:
        # RFC 6265 §5.4 step 4 sends the cookie-value as it was received;
        # re-quoting '"x' would send '"\\"x"' instead. A coded value made by
        # SimpleCookie starts with '"' only when it is quoted, so it is kept.
        return coded
    return _ENCODER.value_encode(value)[1]


def as_morsel(name: str, item: object) -> "Morsel[Any] | None":
    """Turn one value given to ``update_cookies`` into a morsel.

    Args:
        name: The cookie name it was given under.
        item: A morsel, a cookie container holding *name*, or any value.

    Returns:
        The morsel to validate, or ``None`` when a container lacks *name*.
    """
    if isinstance(item, Morsel):
        return item
    if isinstance(item, BaseCookie):
        inner = item.get(name)
        return inner if isinstance(inner, Morsel) else None
    # Like SimpleCookie, anything else is stored as its str() form.
    value, coded = _ENCODER.value_encode(str(item))
    return make_morsel(name, value, coded)
