"""Fuzz the HTTP/1.1 response parser, ``aioclient_core._http.ResponseParser``.

Target: ``ResponseParser(**limits)``, ``expect_response(method,
read_until_eof=...)``, ``feed_data`` and ``feed_eof``, driven as
``packages/aioclient-core/tests/test_core_http_parser.py`` drives it.

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
Fuzzed parameters (read from the trailer): the request method (GET,
HEAD, CONNECT, POST), ``read_until_eof``, whether ``feed_eof`` is called, the
limits (defaults, or small ``max_line_size`` / ``max_field_size`` /
``max_headers`` / ``max_interim_responses``), and up to 8 split offsets. The
payload is the bytes the "server" sends.

Invariants:

* Only ``HttpProcessingError`` subclasses escape (documented by
  ``feed_data``/``feed_eof``); anything else is a finding (tag ``escape``).
* Errors are sticky: after an error, ``feed_data`` and ``feed_eof`` raise the
  same type again, and the parser is not reusable (tag ``sticky``).
* Split invariance: feeding the bytes whole, split at the fuzzed offsets, and
  one byte per call (inputs up to 2 KiB) gives the same events (adjacent body
  pieces merged, as the test's ``normalize`` does), the same error type and the
  same ``reusable`` (tag ``split``). The whole input is also fed a second time
  so that the module-level cache of recently parsed heads is exercised and
  must agree too (tag ``cache``).
* Bounded output: body bytes plus ``Upgraded`` bytes never exceed the input
  size (tag ``bound``); exception messages stay short (tag ``message``).

Documented exceptions allowed: ``HttpProcessingError`` and its subclasses
(``BadHttpMessage``, ``BadStatusLine``, ``InvalidHeader``, ``LineTooLong``,
``TransferEncodingError``, ``ContentLengthError`` ...).

Run: ``python fuzz/fuzz_response_parser.py [libFuzzer flags] [corpus dir]``;
set ``FUZZ_IGNORE=tag,...`` to silence known findings (``split-status-toolong``
is the narrow tag of a known split disagreement on the status line).
"""

from __future__ import annotations

from collections.abc import Callable

import atheris

with atheris.instrument_imports(include=["aioclient_core"]):
    from aioclient_core._http import (
        ChunkEnd,
        HttpProcessingError,
        InterimResponse,
        MessageEnd,
        RawResponseMessage,
        ResponseParser,
        Upgraded,
    )

from _harness import finding, main, seed, split_at, split_params

METHODS = ("GET", "HEAD", "CONNECT", "POST")
MAX_MESSAGE = 2000
BYTEWISE_MAX = 2048


def _head_key(head: RawResponseMessage) -> tuple[object, ...]:
    return (
        tuple(head.version),
        head.code,
        head.reason,
        tuple(head.headers.items()),
        head.should_close,
        head.compression,
        head.upgrade,
        head.chunked,
    )


def _canon(events: list[object]) -> list[object]:
    """Comparable events, with adjacent body pieces (and upgrades) merged."""
    out: list[object] = []
    for event in events:
        if isinstance(event, memoryview):
            event = bytes(event)
        if isinstance(event, bytes):
            if not event:
                continue
            if out and isinstance(out[-1], bytearray):
                out[-1] += event
            else:
                out.append(bytearray(event))
        elif isinstance(event, Upgraded):
            if out and isinstance(out[-1], tuple) and out[-1][0] == "upgraded":
                out[-1] = ("upgraded", out[-1][1] + event.data)
            else:
                out.append(("upgraded", bytes(event.data)))
        elif isinstance(event, RawResponseMessage):
            out.append(("head", _head_key(event)))
        elif isinstance(event, InterimResponse):
            out.append(("interim", _head_key(event.head)))
        elif isinstance(event, ChunkEnd):
            out.append(("chunk-end",))
        elif isinstance(event, MessageEnd):
            out.append(
                (
                    "end",
                    tuple(event.trailers.items()),
                    tuple(event.raw_trailers),
                    event.should_close,
                )
            )
        else:
            finding("type", f"unexpected event {event!r}")
    return [bytes(e) if isinstance(e, bytearray) else e for e in out]


def _run(
    chunks: list[bytes],
    method: str,
    read_until_eof: bool,
    eof: bool,
    limits: dict[str, int],
) -> tuple[list[object], type[BaseException] | None, bool]:
    parser = ResponseParser(**limits)
    parser.expect_response(method, read_until_eof=read_until_eof)
    events: list[object] = []
    error: HttpProcessingError | None = None
    try:
        for chunk in chunks:
            events += parser.feed_data(chunk)
        if eof:
            events += parser.feed_eof()
    except HttpProcessingError as exc:
        error = exc
        events += parser.events_before_error
    if error is not None:
        if len(str(error)) > MAX_MESSAGE or len(repr(error)) > MAX_MESSAGE:
            finding("message", f"{len(str(error))}-char message: {str(error)[:300]!r}")
        calls: tuple[Callable[[], object], ...] = (
            lambda: parser.feed_data(b"HTTP/1.1 200 OK\r\n\r\n"),
            parser.feed_eof,
        )
        for call in calls:
            try:
                call()
            except HttpProcessingError as again:
                if type(again) is not type(error):
                    finding(
                        "sticky", f"{type(error).__name__} then {type(again).__name__}"
                    )
            else:
                finding("sticky", f"no error after {type(error).__name__}")
        if parser.reusable:
            finding("sticky", "reusable after an error")
    return _canon(events), (type(error) if error else None), parser.reusable


def _split_tag(whole: tuple[object, ...], other: tuple[object, ...]) -> str:
    """``split``, or a narrower tag for a disagreement already reported."""
    names = {getattr(whole[1], "__name__", None), getattr(other[1], "__name__", None)}
    if whole[0] == other[0] and names == {"LineTooLong", "BadStatusLine"}:
        # Finding 1: an over-long first line is LineTooLong when whole but
        # BadStatusLine when its first bytes arrive alone.
        return "split-status-toolong"
    return "split"


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    method = METHODS[fdp.ConsumeIntInRange(0, len(METHODS) - 1)]
    read_until_eof = not fdp.ConsumeBool()
    eof = not fdp.ConsumeBool()
    limits: dict[str, int] = {}
    if fdp.ConsumeIntInRange(0, 3) == 3:
        limits = {
            "max_line_size": fdp.ConsumeIntInRange(1, 64),
            "max_field_size": fdp.ConsumeIntInRange(1, 64),
            "max_headers": fdp.ConsumeIntInRange(1, 8),
            "max_interim_responses": fdp.ConsumeIntInRange(1, 4),
        }
    cuts = [
        fdp.ConsumeIntInRange(0, 0xFFFF) for _ in range(fdp.ConsumeIntInRange(0, 8))
    ]
    args = (method, read_until_eof, eof, limits)

    whole = _run([payload], *args)
    events, _, _ = whole
    produced = sum(
        len(e) if isinstance(e, bytes) else len(e[1])
        for e in events
        if isinstance(e, bytes) or (isinstance(e, tuple) and e[0] == "upgraded")
    )
    if produced > len(payload):
        finding(
            "bound", f"{produced} body/upgrade bytes from {len(payload)} input bytes"
        )

    variants = [("split", split_at(payload, cuts))]
    if len(payload) <= BYTEWISE_MAX:
        variants.append(("bytewise", [payload[i : i + 1] for i in range(len(payload))]))
    for name, chunks in variants:
        other = _run(chunks, *args)
        if other != whole:
            finding(
                _split_tag(whole, other),
                f"{name} feeding disagrees with whole feeding for {args}:\n"
                f" chunks={chunks!r}\n whole={whole!r}\n {name}={other!r}",
            )
    again = _run([payload], *args)
    if again != whole:
        finding(
            "cache", f"second whole run differs:\n first={whole!r}\n again={again!r}"
        )


SEEDS = [
    seed(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    seed(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"
    ),
    seed(
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\n\r\nbody until eof"
    ),
    seed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: y\r\n\r\n"),
    seed(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00"
    ),
    seed(b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01", b"\x02"),
    seed(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Encoding: gzip\r\n\r\nabc",
        b"\x01",
    ),
    seed(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"),
    seed(b"HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\nA:  b \t\r\n\r\nx"),
    seed(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n00a\r\n0123456789\r\n0\r\n\r\n"
    ),
    seed(
        b"HTTP/1.1 200 \xc3\xa9t\xc3\xa9\r\nD:\xc3\xa9 \xff\r\nContent-Length: 0\r\n\r\n"
    ),
    seed(b"HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n"),
]

if __name__ == "__main__":
    main(TestOneInput, "response_parser", SEEDS, dictionary="http.dict")
