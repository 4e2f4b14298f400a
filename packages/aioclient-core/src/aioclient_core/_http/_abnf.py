"""RFC 9110 / RFC 9112 grammar as precompiled regular expressions.

Byte patterns are for parsing what the peer sent; ``str`` patterns validate
what the caller asks us to send, or split received text that is already
decoded (field values, a validated head). Patterns are anchored by the caller
through ``fullmatch``/``match`` or only split input a pattern has already
validated, and contain no nested quantifiers that could backtrack
super-linearly.
"""

import re

__all__ = [
    "CHUNK_SIZE_LINE",
    "CONTENT_LENGTH_VALUE",
    "FIELD_LINES",
    "FIELD_NAME_COLON",
    "FIELD_VALUE_FORBIDDEN",
    "FORBIDDEN_CONTROL",
    "PLAIN_CHUNK_BOUNDARY",
    "PLAIN_CHUNK_SIZE_LINE",
    "REQUEST_TARGET",
    "STATUS_LINE",
    "TOKEN",
    "TOKEN_BYTES",
    "TOKEN_LIST",
    "TRANSFER_CODING",
    "VALIDATED_FIELD_LINE_TEXT",
    "VERSION_LOOSE",
]

# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
# "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. Spelled out: \w or
# str.isalnum() would admit non-ASCII letters and digits.
_TCHAR = r"!#$%&'*+\-.^_`|~0-9A-Za-z"
_TOKEN = f"[{_TCHAR}]+"

#: A token (text, for outgoing methods and field names).
TOKEN = re.compile(_TOKEN)
#: A token (bytes).
TOKEN_BYTES = re.compile(_TOKEN.encode())
#: Several tokens separated by ``\n`` (to validate many names in one call).
TOKEN_LIST = re.compile(f"{_TOKEN}(?:\n{_TOKEN})*")

# RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ],
# HTTP-version = "HTTP" "/" DIGIT "." DIGIT, status-code = 3DIGIT (first digit
# 1-5 per RFC 9110 §15, but clients must accept unknown codes of any class, so
# we accept 100-999), reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ).
# RFC 9112 §4 also asks clients to tolerate a missing SP before an empty
# reason, hence the optional group. Only HTTP/1.x is accepted here.
#: Complete HTTP/1.x status line (groups: minor, code, reason).
STATUS_LINE = re.compile(
    rb"HTTP/1\.([0-9]) ([1-9][0-9][0-9])(?: ([\t\x20-\x7e\x80-\xff]*))?"
)
#: An ``HTTP/<digit>.<digit> `` prefix of another major version (for the error).
VERSION_LOOSE = re.compile(rb"HTTP/[02-9]\.[0-9] ")

# RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, with no
# whitespace allowed between the name and the colon (§5.1).
#: A field name immediately followed by its colon.
FIELD_NAME_COLON = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:")
# The same two rules as whole lines, for heads parsed in one piece: CRLF, a
# name, its colon, then only bytes allowed in a value (OWS included).
_FIELD_LINE = rb"\r\n([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([\t\x20-\x7e\x80-\xff]*)"
#: Any number of field lines, each after its CRLF, and nothing else.
FIELD_LINES = re.compile(b"(?:" + _FIELD_LINE + b")*")
# Once FIELD_LINES has validated a head, these split it without re-checking:
# the value group starts after leading OWS and runs to the CR (trailing OWS
# included; it is rare, and the parser strips it only when present).
_VALIDATED_LINE = r"\r\n([^:]+):[ \t]*([^\r]*)"
#: Field lines (groups: name, value) of a validated head decoded as UTF-8 with
#: ``surrogateescape``: CR, LF, SP, HTAB and ":" are ASCII, so decoding the
#: whole head and splitting it gives exactly the fields that decoding each
#: name and value would.
VALIDATED_FIELD_LINE_TEXT = re.compile(_VALIDATED_LINE)
# RFC 9110 §5.5: field-value bytes are VCHAR / obs-text / SP / HTAB; CR, LF and
# NUL MUST be rejected, other controls are invalid too.
#: Any byte that may not appear in a received field value.
FIELD_VALUE_FORBIDDEN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")

#: Any character that may not be sent in a header value or name (HTAB allowed).
FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

# RFC 9112 §3.2: the request-target is a URI form; all of them are visible
# ASCII only (no SP, no controls, no raw non-ASCII).
#: A request target in any of the four forms.
REQUEST_TARGET = re.compile(r"[\x21-\x7e]+")

# RFC 9110 §8.6: Content-Length = 1*DIGIT (ASCII digits only, no sign).
#: One Content-Length list member.
CONTENT_LENGTH_VALUE = re.compile(r"[0-9]+")

# RFC 9112 §7: transfer-coding = token *( OWS ";" OWS transfer-parameter ),
# transfer-parameter = token BWS "=" BWS ( token / quoted-string ).
_QUOTED = r'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_PARAM_VALUE = f"(?:{_TOKEN}|{_QUOTED})"
#: One transfer-coding list member with optional parameters (text).
TRANSFER_CODING = re.compile(
    f"({_TOKEN})(?:[ \t]*;[ \t]*{_TOKEN}[ \t]*=[ \t]*{_PARAM_VALUE})*"
)

# RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG;
# chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
# Whitespace before the CRLF is outside the grammar but harmless (the size is
# still unambiguous), real servers send it, and aiohttp and llhttp accept it.
#: A chunk-size line without its CRLF (group 1: the hex size).
CHUNK_SIZE_LINE = re.compile(
    (
        f"([0-9A-Fa-f]+)(?:[ \t]*;[ \t]*{_TOKEN}(?:[ \t]*=[ \t]*{_PARAM_VALUE})?)*"
        "[ \t]*"
    ).encode()
)
#: The usual chunk-size line with its CRLF: at most 16 hex digits, no extension.
PLAIN_CHUNK_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})\r\n")
#: The CRLF ending a chunk's data followed by such a line (the next chunk's size).
PLAIN_CHUNK_BOUNDARY = re.compile(rb"\r\n([0-9A-Fa-f]{1,16})\r\n")
