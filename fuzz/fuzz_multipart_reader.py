"""Fuzz the multipart reader, ``aioclient_forms.MultipartReader`` / ``BodyPartReader``.

Target: ``MultipartReader(headers, stream)`` over a stream that returns the
fuzzed body in fuzzed piece sizes, iterated with ``next()``; each part is
consumed with one of ``read()``, ``read(decode=True)``, ``read_chunk(n)`` in a
loop, ``readline()`` in a loop, ``text()``, ``json()``, ``form()``,
``release()`` or left unread (skipped by the next ``next()``); nested
multipart parts are read recursively. The reader is async: each input runs in
one event loop with a 10 s overall timeout.

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
Parameters: the subtype (``form-data``/``mixed``/``related``), the boundary
(one of a few fixed ones, quoted or not, or taken from the first bytes of the
payload), the stream's piece size, ``client_max_size``, ``max_field_size``,
``max_headers`` and the per-part operations.

Invariants:

* Only documented exceptions escape: ``ValueError`` (with its subclasses
  ``MultipartHeaderError``, ``UnicodeDecodeError``, ``json.JSONDecodeError``;
  ``next()``: "boundary missing or malformed, or the body ends early", header
  errors; ``read_chunk``/``readline``: truncation; ``decode``: corrupt data;
  ``max_size_error_cls`` is ``ValueError``), ``RuntimeError`` (``next()``:
  invalid ``_charset_``; ``decode``: unknown encoding) and, from the
  constructor only, ``AssertionError`` (not ``multipart/*``) (tag ``escape``).
  ``LookupError`` from ``text()``/``json()``/``form()`` with an unknown
  charset has its own tag, ``charset-lookup`` (undocumented; aiohttp does the
  same).
* No hang: at most 20 000 reader calls per input and the 10 s timeout (tags
  ``loop`` and ``hang``).
* Bounded memory: no single result is larger than ``client_max_size`` (when
  set) nor, for undecoded reads, larger than the body (tag ``bound``); the
  look-ahead buffer never holds more than the body (tag ``bound``).

Documented exceptions allowed: ``ValueError`` (and subclasses),
``RuntimeError``, ``AssertionError`` from the constructor.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from typing import TypedDict

import atheris

with atheris.instrument_imports(include=["aioclient_forms"]):
    from aioclient_forms import BodyPartReader, MultipartReader

from _harness import finding, main, seed, split_params, trailer_for

warnings.simplefilter("ignore")

SUBTYPES = ("form-data", "mixed", "related")
BOUNDARIES = ("xyz", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "b", "a b=c")
PIECES = (65536, 1, 2, 3, 7, 64, 1000)
CLIENT_MAX = (2**20, 0, 10, 1000)
FIELD_SIZES = (8190, 1, 16, 64)
MAX_HEADERS = (128, 1, 2)
OPS = (
    "read",
    "read-decode",
    "chunk",
    "readline",
    "text",
    "json",
    "form",
    "release",
    "skip",
)
MAX_CALLS = 20_000
TIMEOUT = 10.0
MAX_OPS = 6


class Stream:
    """A ContentReader returning the body in pieces of at most ``piece`` bytes."""

    def __init__(self, body: bytes, piece: int) -> None:
        self._body = body
        self._pos = 0
        self._piece = piece
        self.calls = 0

    def _tick(self) -> None:
        self.calls += 1
        if self.calls > MAX_CALLS:
            finding("loop", f"more than {MAX_CALLS} reads of the body stream")

    async def read(self, n: int = -1) -> bytes:
        """Return up to ``n`` bytes (all with -1), one piece at a time."""
        self._tick()
        if n < 0:
            n = len(self._body)
        size = min(n, self._piece)
        data = self._body[self._pos : self._pos + size]
        self._pos += len(data)
        return data

    async def readline(self) -> bytes:
        """Return the next line through its LF, or the rest of the body."""
        self._tick()
        end = self._body.find(b"\n", self._pos)
        end = len(self._body) if end < 0 else end + 1
        data = self._body[self._pos : end]
        self._pos = end
        return data


class Budget:
    """Caps the reader calls of one input: running out of it is a hang."""

    def __init__(self) -> None:
        self.calls = 0

    def tick(self) -> None:
        """Count one call; raise once the cap is passed."""
        self.calls += 1
        if self.calls > MAX_CALLS:
            finding("loop", f"more than {MAX_CALLS} reader calls without an end")


async def _consume_part(
    part: BodyPartReader, op: str, budget: Budget, body_len: int, cmax: int
) -> None:
    def check(result: bytes | bytearray | str) -> None:
        size = len(result)
        if op in ("read", "chunk", "readline") and size > body_len:
            finding("bound", f"{op} returned {size} bytes from a {body_len}-byte body")
        if op in ("read", "read-decode") and size > cmax:
            finding("bound", f"{op} returned {size} bytes over client_max_size={cmax}")

    _ = part.name, part.filename, part.get_charset("utf-8")
    if op == "read":
        check(await part.read())
    elif op == "read-decode":
        check(await part.read(decode=True))
    elif op == "chunk":
        while not part.at_eof():
            budget.tick()
            chunk = await part.read_chunk(7)
            check(chunk)
    elif op == "readline":
        while not part.at_eof():
            budget.tick()
            check(await part.readline())
    elif op in ("text", "json", "form"):
        try:
            if op == "text":
                await part.text()
            elif op == "json":
                await part.json()
            else:
                await part.form()
        except LookupError as exc:
            finding(
                "charset-lookup",
                f"{op}() raised {exc!r} for charset {part.get_charset('utf-8')!r}",
            )
    elif op == "release":
        await part.release()


async def _consume(
    reader: MultipartReader,
    ops: list[str],
    budget: Budget,
    body_len: int,
    cmax: int,
    depth: int = 0,
) -> None:
    index = 0
    while True:
        budget.tick()
        part = await reader.next()
        if part is None:
            return
        op = ops[(index + depth) % len(ops)]
        index += 1
        if isinstance(part, MultipartReader):
            if op == "release":
                await part.release()
            elif op != "skip":
                await _consume(part, ops, budget, body_len, cmax, depth + 1)
        elif op != "skip":
            await _consume_part(part, op, budget, body_len, cmax)


class Params(TypedDict):
    """This target's parameters: indexes into the tables above."""

    subtype: int
    boundary: int  # 2 * BOUNDARIES index (+1: quoted), or len(BOUNDARIES) * 2
    piece: int
    cmax: int
    field: int
    headers: int
    ops: list[int]


def read_params(fdp: atheris.FuzzedDataProvider) -> Params:
    """Read this target's parameters from the input's 32-byte trailer."""
    return {
        "subtype": fdp.ConsumeIntInRange(0, len(SUBTYPES) - 1),
        "boundary": fdp.ConsumeIntInRange(0, len(BOUNDARIES) * 2),
        "piece": fdp.ConsumeIntInRange(0, len(PIECES) - 1),
        "cmax": fdp.ConsumeIntInRange(0, len(CLIENT_MAX) - 1),
        "field": fdp.ConsumeIntInRange(0, len(FIELD_SIZES) - 1),
        "headers": fdp.ConsumeIntInRange(0, len(MAX_HEADERS) - 1),
        "ops": [fdp.ConsumeIntInRange(0, len(OPS) - 1) for _ in range(MAX_OPS)],
    }


async def _run(payload: bytes, params: Params) -> None:
    b = params["boundary"]
    body = payload
    if b == len(BOUNDARIES) * 2:
        # The boundary is the payload up to its first LF (a fuzzed boundary).
        first, _, body = payload.partition(b"\n")
        ctype = f"multipart/{SUBTYPES[params['subtype']]}; boundary={first.decode('latin-1')}"
    else:
        boundary = BOUNDARIES[b // 2]
        quoted = f'"{boundary}"' if b % 2 else boundary
        ctype = f"multipart/{SUBTYPES[params['subtype']]}; boundary={quoted}"
    cmax = CLIENT_MAX[params["cmax"]]
    stream = Stream(body, PIECES[params["piece"]])
    try:
        reader = MultipartReader(
            {"Content-Type": ctype},
            stream,
            client_max_size=cmax,
            max_field_size=FIELD_SIZES[params["field"]],
            max_headers=MAX_HEADERS[params["headers"]],
        )
    except (ValueError, AssertionError):
        return
    ops = [OPS[i] for i in params["ops"]]
    with contextlib.suppress(ValueError, RuntimeError):
        await _consume(reader, ops, Budget(), len(body), cmax)
    buffered = len(reader._content.buffer)
    if buffered > len(body):
        finding(
            "bound", f"look-ahead holds {buffered} bytes of a {len(body)}-byte body"
        )


_LOOP = asyncio.new_event_loop()


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    params = read_params(fdp)
    try:
        _LOOP.run_until_complete(asyncio.wait_for(_run(payload, params), TIMEOUT))
    except TimeoutError:
        finding(
            "hang", f"reader did not finish within {TIMEOUT} s for params {params!r}"
        )


def _t(**wanted: object) -> bytes:
    return trailer_for(read_params, **wanted)


_FORM = (
    b"--xyz\r\n"
    b'Content-Disposition: form-data; name="a"\r\n\r\n'
    b"value\r\n"
    b"--xyz\r\n"
    b'Content-Disposition: form-data; name="f"; filename="x.txt"\r\n'
    b"Content-Type: text/plain; charset=latin-1\r\n\r\n"
    b"line1\nline2\r\n"
    b"--xyz--\r\n"
)
_MIXED = (
    b"preamble\r\n--xyz\r\n"
    b"Content-Type: application/json\r\nContent-Length: 7\r\n\r\n"
    b'{"a":1}\r\n'
    b"--xyz\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    b"aGVsbG8=\r\n"
    b"--xyz\r\n"
    b"Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
    b"--inner\r\n\r\nnested\r\n--inner--\r\n"
    b"--xyz\r\n"
    b"Content-Encoding: deflate\r\n\r\n"
    b"\xcbH\xcd\xc9\xc9\x07\x00\r\n"
    b"--xyz--\r\nepilogue"
)
SEEDS = [
    seed(_FORM, _t(subtype=0, boundary=0)),
    seed(_FORM, _t(subtype=0, boundary=1, piece=1, ops=[2, 3, 4, 0, 1, 7])),
    seed(_MIXED, _t(subtype=1, boundary=0, ops=[1, 4, 5, 2, 3, 6])),
    seed(_MIXED, _t(subtype=1, boundary=0, piece=2, ops=[3, 1, 1, 1, 1, 1])),
    seed(
        b'--xyz\r\nContent-Disposition: form-data; name="_charset_"\r\n\r\nlatin1\r\n--xyz\r\n\r\n\xe9\r\n--xyz--',
        _t(subtype=0, boundary=0, ops=[4, 4, 4, 4, 4, 4]),
    ),
    seed(
        b"bnd\n--bnd\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\r\n--bnd--",
        _t(subtype=1, boundary=len(BOUNDARIES) * 2, ops=[1, 1, 1, 1, 1, 1]),
    ),
]

if __name__ == "__main__":
    main(TestOneInput, "multipart_reader", SEEDS, dictionary="header_params.dict")
