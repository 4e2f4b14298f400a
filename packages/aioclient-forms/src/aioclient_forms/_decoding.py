"""Decoding of received body-part content.

Implements Content-Transfer-Encoding (RFC 2045 section 6: base64,
quoted-printable, 7bit, 8bit, binary) and the gzip/deflate Content-Encodings of
RFC 9110 section 8.4.1.2-3, with every decompression step bounded in output size
so that a small compressed part cannot expand into unbounded memory at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

__all__ = [
    "decode_transfer",
    "decompress_async",
    "decompress_sync",
]

# Concatenated gzip members are decoded one after another (RFC 1952 section 2.2);
# a run of members that produce nothing is an amplification trick, so it is capped.
_MAX_EMPTY_MEMBERS: Final = 32
# Above this many compressed bytes each decompression step runs in the executor.
_OFFLOAD_THRESHOLD: Final = 2**18


def decode_transfer(data: bytes, encoding: str) -> bytes:
    """Undo a Content-Transfer-Encoding.

    Raises:
        RuntimeError: The encoding is unknown.
        ValueError: The base64 text is malformed.
    """
    if encoding == "base64":
        try:
            return base64.b64decode(data)
        except binascii.Error as exc:
            raise ValueError(f"Invalid base64 data in body part: {exc}") from None
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    if encoding in ("binary", "8bit", "7bit"):
        return data
    raise RuntimeError(f"unknown content transfer encoding: {encoding}")


def _new_decompressor(encoding: str) -> zlib._Decompress:
    # Multipart parts use gzip framing or raw deflate, as aiohttp writes them.
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else -zlib.MAX_WBITS
    return zlib.decompressobj(wbits=wbits)


def _steps(data: bytes, encoding: str, max_length: int) -> Iterator[bytes]:
    """Yield decompressed output in pieces of at most ``max_length`` bytes."""
    if encoding not in ("gzip", "deflate"):
        raise RuntimeError(f"unknown content encoding: {encoding}")
    decomp = _new_decompressor(encoding)
    pending = data
    empty_members = 0
    produced = False
    try:
        while True:
            out = decomp.decompress(pending, max_length)
            pending = decomp.unconsumed_tail
            if out:
                produced = True
                yield out
            if pending:
                continue
            if not decomp.eof:
                if decomp.unconsumed_tail or out:
                    continue
                raise ValueError(f"Truncated {encoding} data in body part")
            rest = decomp.unused_data
            if not rest:
                return
            if encoding != "gzip":
                raise ValueError(f"Trailing data after {encoding} stream in body part")
            empty_members = 0 if produced else empty_members + 1
            if empty_members > _MAX_EMPTY_MEMBERS:
                raise ValueError("Too many empty gzip members in body part")
            produced = False
            decomp = _new_decompressor(encoding)
            pending = rest
    except zlib.error as exc:
        raise ValueError(
            f"Can not decode content-encoding: {encoding} ({exc})"
        ) from None


def decompress_sync(data: bytes, encoding: str, max_length: int, limit: int) -> bytes:
    """Decompress all of ``data``, in bounded steps, refusing more than ``limit`` bytes.

    Raises:
        ValueError: Corrupt or truncated data.
        OverflowError: The output would exceed ``limit`` (callers map it).
        RuntimeError: Unknown encoding.
    """
    out = bytearray()
    for piece in _steps(data, encoding, max_length):
        out += piece
        if len(out) > limit:
            raise OverflowError(limit)
    return bytes(out)


def _next_piece(steps: Iterator[bytes]) -> bytes | None:
    return next(steps, None)


async def decompress_async(
    data: bytes, encoding: str, max_length: int
) -> AsyncIterator[bytes]:
    """Yield decompressed pieces of at most ``max_length`` bytes.

    Large inputs are decompressed step by step in the default executor so that
    the event loop stays responsive.
    """
    steps = _steps(data, encoding, max_length)
    if len(data) <= _OFFLOAD_THRESHOLD:
        for piece in steps:
            yield piece
        return
    loop = asyncio.get_running_loop()
    while True:
        out = await loop.run_in_executor(None, _next_piece, steps)
        if out is None:
            return
        yield out
