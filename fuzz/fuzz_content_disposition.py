r"""Fuzz Content-Disposition parsing, ``aioclient_forms`` and ``aioclient_core``.

Target: ``aioclient_forms.parse_content_disposition(value)``,
``aioclient_forms.content_disposition_filename(params, name)`` and
``aioclient_core._response_meta.parse_disposition(value)`` (what
``ClientResponse.content_disposition`` and ``BodyPartReader.filename`` use).

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``);
the payload is the field value, decoded as the response parser stores header
values (UTF-8 with ``surrogateescape``). The trailer picks which parameter name
``content_disposition_filename`` looks up.

Invariants:

* Nothing raises: the module docstring says "Malformed input never raises: it
  is reported with the warnings below" (``BadContentDispositionHeader``,
  ``BadContentDispositionParam``, both ``RuntimeWarning``). Warnings are
  ignored here; any exception is a finding (tag ``escape``; the message says
  whether the value could come through the response parser, i.e. has no
  control character other than HTAB).
* Result types: ``(str | None, dict[str, str])`` with lower-case type and
  parameter names; ``content_disposition_filename`` gives ``str | None``;
  ``parse_disposition`` gives a ``ContentDisposition`` whose ``parameters`` is
  a read-only mapping (tag ``type``).
* A quoted plain ``filename`` never starts with ``/`` or ``\\`` (the docstring
  of ``_parse_value``: "a received filename can never be an absolute path";
  tag ``path``).

Documented exceptions allowed: none (warnings only). Narrow tags of known
findings: ``cd-unpack`` (ValueError from a continuation value with a single
``'``), ``cd-codec`` (UnicodeError / ValueError from the charset of an
RFC 8187 or RFC 2231 value: ``undefined``, ``punycode``, a byte that is not
UTF-8, a NUL).
"""

from __future__ import annotations

import re
import warnings
from types import MappingProxyType

import atheris

with atheris.instrument_imports(
    include=["aioclient_forms", "aioclient_core._response_meta"]
):
    from aioclient_core._response_meta import ContentDisposition, parse_disposition
    from aioclient_forms import content_disposition_filename, parse_content_disposition

from _harness import as_object, finding, main, reachable, seed, split_params

warnings.simplefilter("ignore")

NAMES = ("filename", "name", "x", "")


def _tag(exc: BaseException) -> str:
    """``escape``, or the narrow tag of a known finding."""
    if isinstance(exc, ValueError) and "values to unpack" in str(exc):
        return "cd-unpack"  # finding: a continuation value with one "'"
    if isinstance(exc, UnicodeError) or "embedded null" in str(exc):
        # finding: the RFC 8187 / RFC 2231 charset is handed to the codec
        # machinery unchecked ("undefined", "punycode", a surrogate, a NUL).
        return "cd-codec"
    return "escape"


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    name = NAMES[fdp.ConsumeIntInRange(0, len(NAMES) - 1)]
    value = payload.decode("utf-8", "surrogateescape")
    try:
        dtype, params = parse_content_disposition(value)
    except Exception as exc:
        finding(
            _tag(exc),
            f"parse_content_disposition({value!r}) raised {exc!r} ({reachable(value)})",
        )
        return
    if not (dtype is None or isinstance(as_object(dtype), str)) or not isinstance(
        as_object(params), dict
    ):
        finding("type", f"parse_content_disposition({value!r}) -> {(dtype, params)!r}")
    if dtype is not None and dtype != dtype.lower():
        finding("type", f"type not lower-case: {dtype!r}")
    for key, val in params.items():
        if (
            not isinstance(as_object(key), str)
            or not isinstance(as_object(val), str)
            or key != key.lower()
        ):
            finding("type", f"param {key!r}={val!r}")
    if value.count('"') and "filename" in params:
        plain = params["filename"]
        if plain[:1] in ("/", "\\") and re.search(r'filename\s*=\s*"', value, re.I):
            finding("path", f"filename {plain!r} from {value!r}")
    for lookup in {name, "filename"}:
        try:
            got = content_disposition_filename(params, lookup)
        except Exception as exc:
            finding(
                _tag(exc),
                f"content_disposition_filename({params!r}, {lookup!r}) raised {exc!r} "
                f"(value {value!r}, {reachable(value)})",
            )
            return
        if got is not None and not isinstance(as_object(got), str):
            finding("type", f"content_disposition_filename -> {got!r}")
    try:
        cd = parse_disposition(value)
    except Exception as exc:
        finding(
            _tag(exc),
            f"parse_disposition({value!r}) raised {exc!r} ({reachable(value)})",
        )
        return
    if not isinstance(as_object(cd), ContentDisposition) or not isinstance(
        as_object(cd.parameters), MappingProxyType
    ):
        finding("type", f"parse_disposition -> {cd!r}")


SEEDS = [
    seed(b'attachment; filename="report.pdf"'),
    seed(b"attachment; filename*=UTF-8''%e2%82%ac%20rates.txt"),
    seed(b"attachment; filename*=iso-8859-1'en'%A3%20rates"),
    seed(b'form-data; name="field"; filename="a;b\\".txt"'),
    seed(b'attachment; filename*0="foo."; filename*1="html"'),
    seed(b"attachment; filename*0*=UTF-8''%e2%82; filename*1*=%ac"),
    seed(b'inline; filename="/etc/passwd"'),
    seed(b"attachment; filename=token; size=123;"),
    seed(b'attachment; filename="\xc3\xa9\xff"; FILENAME=dup'),
]

if __name__ == "__main__":
    main(TestOneInput, "content_disposition", SEEDS, dictionary="header_params.dict")
