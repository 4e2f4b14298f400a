"""Fuzz ``aioclient_auth.BasicAuth.decode`` and ``BasicAuth.from_url``.

Target: ``BasicAuth.decode(header, encoding)`` on a fuzzed ``Authorization``
value (decoded as the response parser stores header values, UTF-8 with
``surrogateescape``), and ``BasicAuth.from_url(URL(text))`` on a fuzzed URL
(``yarl.URL`` construction errors are yarl's, not the target's, and are
skipped), then ``encode()`` of every instance obtained.

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
Parameters: the ``encoding`` (latin1, utf-8, ascii, cp1252, utf-16) and whether
the payload is used as is, prefixed with ``"Basic "``, or base64-encoded
behind ``"Basic "`` (so that decoding gets past base64 often).

Invariants:

* ``decode`` raises only ``ValueError`` (documented: no credentials part,
  other scheme, bad base64, undecodable, no colon, refused values); note
  ``UnicodeError`` is a ``ValueError``. ``from_url`` raises only ``TypeError``
  / ``ValueError``; ``encode`` only ``ValueError`` / ``LookupError``
  (tag ``escape``).
* Every instance obtained satisfies the constructor's rules: no ``:`` in the
  login, no CTL in login or password (tag ``invalid``).
* Round trip: ``decode(x.encode(), x.encoding) == x`` whenever ``encode``
  succeeds (tag ``roundtrip``).
* ``repr`` never shows a non-empty password (tag ``repr``).
* Exception messages stay short (no unbounded echo of the header; tag
  ``message``).

Documented exceptions allowed: ``ValueError`` (decode); ``TypeError``,
``ValueError`` (from_url); ``ValueError``, ``LookupError`` (encode).
"""

from __future__ import annotations

import base64
import re
from typing import TypedDict

import atheris

with atheris.instrument_imports(include=["aioclient_auth"]):
    from aioclient_auth import BasicAuth

from _harness import finding, main, seed, split_params, trailer_for
from yarl import URL

ENCODINGS = ("latin1", "utf-8", "ascii", "cp1252", "utf-16")
_CTL = re.compile(r"[\x00-\x1f\x7f]")
MAX_MESSAGE = 300


def _check(auth: BasicAuth, where: str) -> None:
    if ":" in auth.login or _CTL.search(auth.login) or _CTL.search(auth.password):
        finding("invalid", f"{where} gave {tuple(auth)!r}")
    shown = repr(auth)
    for fixed in ("BasicAuth(", "login=", "password=", "encoding=", "'***'"):
        shown = shown.replace(fixed, "")
    if (
        auth.password
        and len(auth.password) >= 4
        and auth.password in shown
        and auth.password not in auth.login
        and auth.password not in auth.encoding
    ):
        finding("repr", f"{where}: repr shows the password: {auth!r}")
    try:
        header = auth.encode()
    except (ValueError, LookupError):
        return
    except Exception as exc:
        finding("escape", f"{where}: encode() raised {exc!r}")
        return
    try:
        back = BasicAuth.decode(header, auth.encoding)
    except Exception as exc:
        finding(
            "roundtrip", f"{where}: decode(encode()) raised {exc!r} for {tuple(auth)!r}"
        )
        return
    if back != auth:
        finding(
            "roundtrip", f"{where}: {tuple(auth)!r} -> {header!r} -> {tuple(back)!r}"
        )


class Params(TypedDict):
    """This target's parameters: indexes into ``ENCODINGS`` and the mode."""

    encoding: int
    mode: int


def read_params(fdp: atheris.FuzzedDataProvider) -> Params:
    """Read this target's parameters from the input's 32-byte trailer."""
    return {
        "encoding": fdp.ConsumeIntInRange(0, len(ENCODINGS) - 1),
        "mode": fdp.ConsumeIntInRange(0, 2),
    }


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    params = read_params(fdp)
    encoding = ENCODINGS[params["encoding"]]
    mode = params["mode"]
    if mode == 0:
        header = payload.decode("utf-8", "surrogateescape")
    elif mode == 1:
        header = "Basic " + payload.decode("utf-8", "surrogateescape")
    else:
        header = "Basic " + base64.b64encode(payload).decode("ascii")
    try:
        auth = BasicAuth.decode(header, encoding)
    except ValueError as exc:
        if len(str(exc)) > MAX_MESSAGE:
            finding("message", f"{len(str(exc))}-char message: {str(exc)[:200]!r}")
    except Exception as exc:
        finding("escape", f"decode({header!r}, {encoding!r}) raised {exc!r}")
    else:
        _check(auth, f"decode({header!r}, {encoding!r})")

    text = payload.decode("utf-8", "surrogateescape")
    try:
        url = URL(text)
    except Exception:
        return
    try:
        auth2 = BasicAuth.from_url(url, encoding=encoding)
    except (TypeError, ValueError):
        return
    except Exception as exc:
        finding("escape", f"from_url({url!r}) raised {exc!r}")
        return
    if auth2 is not None:
        _check(auth2, f"from_url({text!r})")


def _t(**wanted: object) -> bytes:
    return trailer_for(read_params, **wanted)


SEEDS = [
    seed(b"Basic dXNlcjpwYXNz", _t(mode=0)),
    seed(b"basic   dTpw", _t(mode=0, encoding=1)),
    seed(b"user:pass", _t(mode=2)),
    seed(b"\xc3\xa9:p\xc3\xa4ss:word", _t(mode=2, encoding=1)),
    seed(b"u\x00:p", _t(mode=2)),
    seed(b"http://us%3Aer:p%0Aw@example.com/", _t(mode=0)),
    seed(b"http://user:p%C3%A4ss@example.com:8080/x", _t(mode=0, encoding=1)),
    seed(b"Bearer abc", _t(mode=0)),
]

if __name__ == "__main__":
    main(TestOneInput, "basic_auth", SEEDS)
