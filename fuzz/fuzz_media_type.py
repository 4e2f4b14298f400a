"""Fuzz the response header parsers of ``aioclient_core._response_meta``.

Target: ``parse_media_type(value)`` and ``parse_charset(value)`` (behind
``ClientResponse.content_type`` / ``charset`` / ``get_encoding``),
``aioclient_forms.parse_mimetype(value)`` (which both use, as does the
multipart reader), and ``parse_links(values, base)`` (``ClientResponse.links``).

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
The payload is decoded as the response parser stores header values (UTF-8 with
``surrogateescape``); for ``parse_links`` it is split on LF into several
``Link`` field values. The trailer picks the base URL.

Invariants:

* ``parse_mimetype``: "never raises"; returns ``(str, str, dict[str, str])``
  with lower-case type, subtype and parameter names (tag ``mimetype``).
* ``parse_media_type``: no exception; ``MediaType(mimetype: str, encoding: str
  | None, utf8: bool)``; ``mimetype`` is lower-case and holds exactly one
  ``/`` or is ``application/octet-stream``; ``encoding`` is a name
  ``codecs.lookup`` accepts (tag ``media``).
* ``parse_charset``: no exception; ``str | None`` (tag ``charset``).
* ``parse_links``: no exception (nothing is documented; values that are not
  ``<target>`` links "are skipped"); a ``MultiDictProxy`` of ``MultiDictProxy``
  each holding a ``url`` that is a ``yarl.URL`` (tag ``links``; tag
  ``links-valueerror`` when the escaping exception is the ``ValueError``
  ``yarl.URL`` raises for an invalid target, which aiohttp also lets escape).

Narrow tags of known findings: ``charset-indexerror``, ``charset-codec``,
``links-valueerror``, ``links-url-param``.

Each finding message says whether the value could come through the response
parser (no control character other than HTAB).

Documented exceptions allowed: none.
"""

from __future__ import annotations

import codecs
import warnings

import atheris

with atheris.instrument_imports(
    include=["aioclient_forms", "aioclient_core._response_meta"]
):
    from aioclient_core._response_meta import (
        MediaType,
        parse_charset,
        parse_links,
        parse_media_type,
    )
    from aioclient_forms import parse_mimetype

from _harness import as_object, finding, main, reachable, seed, split_params
from multidict import MultiDictProxy
from yarl import URL

warnings.simplefilter("ignore")

BASES = (
    URL("http://example.com/a/b?q=1"),
    URL("https://user:pw@example.com:8443/"),
    URL("http://[::1]/x/"),
    URL("http://127.0.0.1/"),
)


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    base = BASES[fdp.ConsumeIntInRange(0, len(BASES) - 1)]
    text = payload.decode("utf-8", "surrogateescape")
    where = reachable(text)

    try:
        mtype, subtype, params = parse_mimetype(text)
    except Exception as exc:
        finding("mimetype", f"parse_mimetype({text!r}) raised {exc!r} ({where})")
    else:
        if not (
            isinstance(as_object(mtype), str)
            and isinstance(as_object(subtype), str)
            and isinstance(as_object(params), dict)
        ):
            finding(
                "mimetype", f"parse_mimetype({text!r}) -> {(mtype, subtype, params)!r}"
            )
        if mtype != mtype.lower() or subtype != subtype.lower():
            finding("mimetype", f"not lower-case: {mtype!r}/{subtype!r}")
        for key, val in params.items():
            if not isinstance(as_object(val), str) or key != key.lower():
                finding("mimetype", f"param {key!r}={val!r}")

    try:
        media = parse_media_type(text)
    except Exception as exc:
        finding("media", f"parse_media_type({text!r}) raised {exc!r} ({where})")
    else:
        if not isinstance(as_object(media), MediaType) or not isinstance(
            as_object(media.utf8), bool
        ):
            finding("media", f"parse_media_type -> {media!r}")
        mt = media.mimetype
        if mt != "application/octet-stream" and (
            mt.count("/") != 1 or mt != mt.lower()
        ):
            finding("media", f"mimetype {mt!r} from {text!r}")
        if media.encoding is not None:
            try:
                codecs.lookup(media.encoding)
            except LookupError:
                finding("media", f"encoding {media.encoding!r} not a codec")

    try:
        charset = parse_charset(text)
    except Exception as exc:
        # Known finding: the email package's RFC 2231 parser raises IndexError
        # on a parameter name ending in "*" without "=" ("x; charset*").
        # Known finding 2: an RFC 2231 charset* value whose charset the codec
        # machinery refuses ("undefined", "punycode", NUL) raises.
        tag = (
            "charset-indexerror"
            if isinstance(exc, IndexError)
            else "charset-codec"
            if isinstance(exc, UnicodeError) or "embedded null" in str(exc)
            else "charset"
        )
        finding(tag, f"parse_charset({text!r}) raised {exc!r} ({where})")
    else:
        if charset is not None and not isinstance(as_object(charset), str):
            finding("charset", f"parse_charset({text!r}) -> {charset!r}")

    values = text.split("\n")
    try:
        links = parse_links(values, base)
    except ValueError as exc:
        finding(
            "links-valueerror",
            f"parse_links({values!r}, {base}) raised {exc!r} ({where})",
        )
        return
    except Exception as exc:
        finding("links", f"parse_links({values!r}, {base}) raised {exc!r} ({where})")
        return
    if not isinstance(as_object(links), MultiDictProxy):
        finding("links", f"parse_links -> {type(links)}")
    for key, link in links.items():
        if not isinstance(as_object(key), str) or not isinstance(
            as_object(link), MultiDictProxy
        ):
            finding("links", f"link {key!r}: {link!r}")
        if not isinstance(link.get("url"), URL):
            # Known finding: a "url" link parameter is added before the
            # resolved target, so link["url"] is the peer's string.
            tag = (
                "links-url-param"
                if any(isinstance(u, URL) for u in link.getall("url"))
                else "links"
            )
            finding(tag, f"link {key!r} has no URL first: {link!r}")


SEEDS = [
    seed(b"text/html; charset=utf-8"),
    seed(b'application/json; charset="UTF-8"; q=1'),
    seed(b"multipart/form-data; boundary=----x; charset*=utf-8''latin1"),
    seed(b"text/plain; charset='x' (comment)"),
    seed(b"TEXT/"),
    seed(b'<https://example.com/p2>; rel="next", </p0>; rel=prev; title="a, b"'),
    seed(b"<//other.example/x>; REL=canonical\n<?page=3>; rel=last"),
    seed(b"application/ld+json;charset=\xc3\xa9"),
]

if __name__ == "__main__":
    main(TestOneInput, "media_type", SEEDS, dictionary="header_params.dict")
