"""Fuzz the content decoders, ``aioclient_core._http._decompress.get_decompressor``.

Target: the ``Decompressor`` returned by ``get_decompressor(name)`` for
``gzip``, ``deflate``, ``br`` and ``zstd`` (the last two when Brotli /
backports.zstd are installed), driven exactly as
``aioclient_core._http._decoding.BodyDecoding.run`` drives it for the
protocol: the received pieces are fed one by one; whenever ``needs_input`` is
False the decoder is drained with ``decompress(b"", max_length)``; at the end
``flush()`` checks that the stream ended properly.

Input: ``payload + 32-byte parameter trailer`` (see ``_harness.split_params``).
Parameters: the coding, ``max_length`` (the protocol's ``DEFAULT_MAX_STEP`` or
a small value), and up to 8 split offsets of the payload (the compressed body
as received).

Invariants:

* Only ``ContentEncodingError`` escapes ``decompress`` / ``flush`` (documented:
  "The data is corrupt" / "truncated"); ``flush`` may also raise its documented
  ``RuntimeError`` only while ``needs_input`` is False, which this driver never
  does (tag ``escape`` for anything else).
* Every ``decompress`` call returns at most ``max_length`` bytes (documented
  bound of one step, tag ``bound``), and a drain loop ends (tag ``hang``: more
  than 2 * (output cap / max_length) + input size consecutive drain calls).
* Split invariance: the same compressed bytes fed whole and split give the same
  success/failure and, on success, the same output (tag ``split``).
* Differential: on success the output equals the reference decoder's
  (``zlib`` member loop, ``brotli.decompress``, ``zstd.decompress``), and a
  stream the reference decodes is decoded too (tag ``diff``). Output is capped
  at 8 MiB per run (valid bombs are not decoded to the end).

Documented exceptions allowed: ``ContentEncodingError``.

Narrow tag of a known finding: ``zstd-eof-quirk`` (a zstd frame that declares
a content size but has an empty last block is reported finished, without an
error, by ``backports.zstd`` when the output room is smaller than the declared
size, so aioclient accepts it or not depending on the step boundaries). The
reference checks each frame's declared size itself (RFC 8878 §3.1.1.1.4), as
aioclient does, so a frame that decodes to another size is an error for both.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import atheris

with atheris.instrument_imports(include=["aioclient_core"]):
    from aioclient_core._http import ContentEncodingError
    from aioclient_core._http._decompress import (
        DEFAULT_MAX_STEP,
        get_decompressor,
        supported_encodings,
    )

from _harness import finding, main, seed, split_at, split_params

try:
    import brotli
except ImportError:  # pragma: no cover - optional
    brotli = None
zstd: ModuleType | None
try:
    from backports import zstd
except ImportError:  # pragma: no cover - optional
    # compression.zstd is in the standard library from Python 3.14 on.
    if sys.version_info >= (3, 14):
        try:
            from compression import zstd
        except ImportError:
            zstd = None
    else:
        zstd = None

ENCODINGS = supported_encodings()
OUTPUT_CAP = 8 * 2**20
STEPS = (DEFAULT_MAX_STEP, 1, 7, 100, 4096)


class _Capped(Exception):
    """The output cap was reached: stop comparing this input."""


def _drive(encoding: str, chunks: list[bytes], max_length: int) -> bytes:
    decoder = get_decompressor(encoding)
    assert decoder is not None
    out = bytearray()
    for chunk in chunks + [b""]:
        data = chunk
        drains = 0
        while True:
            piece = decoder.decompress(data, max_length)
            if len(piece) > max_length:
                finding(
                    "bound",
                    f"{encoding}: {len(piece)} bytes from one call (max {max_length})",
                )
            out += piece
            if len(out) > OUTPUT_CAP:
                raise _Capped
            if decoder.needs_input:
                break
            data = b""
            drains += 1
            if drains > 2 * OUTPUT_CAP // max_length + len(chunk) + 8:
                finding("hang", f"{encoding}: drain loop does not end")
    decoder.flush()
    return bytes(out)


def _members(
    payload: bytes,
    new_decoder: Callable[[], Any],
    declared_size: Callable[[bytes], int | None] = lambda member: None,
) -> bytes:
    """Decode member after member (gzip, zstd frames); raise if one is cut off.

    ``declared_size`` reads the size a member's header declares, if any; a
    member that decodes to another size is corrupt.
    """
    out = bytearray()
    rest = payload
    while rest:
        declared = declared_size(rest)
        decoder = new_decoder()
        piece = decoder.decompress(rest, OUTPUT_CAP + 1 - len(out))
        out += piece
        if len(out) > OUTPUT_CAP:
            raise _Capped
        if not decoder.eof:
            raise ValueError("truncated")
        if declared is not None and len(piece) != declared:
            raise ValueError(f"decoded {len(piece)} bytes, header declares {declared}")
        rest = decoder.unused_data
    return bytes(out)


def _zstd_declared_size(frame: bytes) -> int | None:
    """The content size a zstd frame header declares (RFC 8878 §3.1.1.1.4).

    The module's decoder does not always check it (see ``zstd-eof-quirk``);
    aioclient does, and so does this reference.
    """
    assert zstd is not None
    try:
        size: int | None = zstd.get_frame_info(frame).decompressed_size
    except Exception:  # a skippable frame, or a header cut short
        return None
    return size


def _reference(encoding: str, payload: bytes) -> bytes:
    """Decode with the libraries directly; raises on corrupt data."""
    if encoding in ("gzip", "deflate"):
        if encoding == "gzip":
            wbits = 16 + zlib.MAX_WBITS
        else:
            if len(payload) < 2:
                if payload:
                    raise ValueError("truncated")
                return b""
            cmf, flg = payload[0], payload[1]
            wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        return _members(payload, lambda: zlib.decompressobj(wbits=wbits))
    if encoding == "br":
        d = brotli.Decompressor()
        out: bytes = d.process(payload, output_buffer_limit=OUTPUT_CAP + 1)
        if len(out) > OUTPUT_CAP:
            raise _Capped
        if payload and not d.is_finished():
            raise ValueError("truncated")
        return out
    if encoding == "zstd":
        # ENCODINGS lists zstd only when aioclient found a zstd module, and it
        # looks for the same two modules as the imports above.
        assert zstd is not None
        return _members(payload, zstd.ZstdDecompressor, _zstd_declared_size)
    raise AssertionError(encoding)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    return [chunk for chunk in split_at(data, cuts) if chunk]


def _outcome(encoding: str, chunks: list[bytes], max_length: int) -> tuple[str, bytes]:
    try:
        return "ok", _drive(encoding, chunks, max_length)
    except ContentEncodingError:
        return "error", b""


def TestOneInput(data: bytes) -> None:
    """Run one fuzz input through the target and check the invariants."""
    payload, fdp = split_params(data)
    encoding = ENCODINGS[fdp.ConsumeIntInRange(0, len(ENCODINGS) - 1)]
    max_length = STEPS[fdp.ConsumeIntInRange(0, len(STEPS) - 1)]
    cuts = [
        fdp.ConsumeIntInRange(0, 0xFFFF) for _ in range(fdp.ConsumeIntInRange(0, 8))
    ]
    try:
        whole = _outcome(encoding, [payload] if payload else [], max_length)
        split = _outcome(encoding, _split(payload, cuts), max_length)
    except _Capped:
        return
    quirk = "zstd-eof-quirk" if encoding == "zstd" else None
    if whole != split:
        finding(
            quirk
            if quirk and "ok" in (whole[0], split[0]) and whole[0] != split[0]
            else "split",
            f"{encoding} max_length={max_length}: whole={whole[0]} {len(whole[1])}B, "
            f"split={split[0]} {len(split[1])}B",
        )
    try:
        expected: tuple[str, bytes] = ("ok", _reference(encoding, payload))
    except _Capped:
        return
    except Exception:
        expected = ("error", b"")
    if whole != expected:
        finding(
            quirk if quirk and whole[0] == "ok" and expected[0] == "error" else "diff",
            f"{encoding}: aioclient {whole[0]} {len(whole[1])}B, reference "
            f"{expected[0]} {len(expected[1])}B",
        )


def _param(encoding: str, step: int = 0) -> bytes:
    # Trailer bytes are read from its end: coding index last, then the step index.
    return bytes([step, ENCODINGS.index(encoding)]) if encoding in ENCODINGS else b""


_TEXT = b"hello hello hello, a body that compresses " * 4
SEEDS = [
    seed(gzip.compress(_TEXT), _param("gzip")),
    seed(gzip.compress(b"a") + gzip.compress(b"b"), _param("gzip")),
    seed(gzip.compress(b""), _param("gzip", 1)),
    seed(zlib.compress(_TEXT), _param("deflate")),
    seed(zlib.compress(_TEXT)[2:-4], _param("deflate")),
    seed(zlib.compress(b"x" * 5000, 9), _param("deflate", 2)),
]
if brotli is not None:
    SEEDS += [
        seed(brotli.compress(_TEXT), _param("br")),
        seed(brotli.compress(b""), _param("br")),
    ]
if zstd is not None:
    SEEDS += [
        seed(zstd.compress(_TEXT), _param("zstd")),
        seed(zstd.compress(b"a") + zstd.compress(b""), _param("zstd", 1)),
    ]

if __name__ == "__main__":
    main(TestOneInput, "decompress", SEEDS)
