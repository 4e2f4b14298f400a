"""Streaming, output-bounded content decoders.

Implements the content codings of RFC 9110 §8.4.1 (gzip, deflate, and br /
zstd when their libraries are importable). Each ``decompress(data,
max_length)`` call returns at most ``max_length`` bytes; input that has not
been decoded yet is kept for the next call, so a decompression bomb only ever
costs one bounded step at a time (security category 4). Decoders are fed
input in slices of :data:`INPUT_STEP` bytes so the work per call stays linear,
concatenated gzip/deflate members and zstd frames are decoded in turn with a
cap on members that produce no output, and :meth:`flush` refuses a truncated
stream. The zlib-compatible module that decodes gzip and deflate is chosen in
:mod:`._zlib`.
"""

import abc
from typing import Any, Protocol

from ._errors import ContentEncodingError
from ._zlib import decoding_backend, optional_module

__all__ = [
    "DEFAULT_MAX_STEP",
    "INPUT_STEP",
    "BrotliDecompressor",
    "Decompressor",
    "ZLibDecompressor",
    "ZstdDecompressor",
    "get_decompressor",
    "supported_encodings",
]

#: Default output bound of one decompress() call (aiohttp 3.14: 256 KiB).
DEFAULT_MAX_STEP = 2**18
#: Largest input slice handed to a decoder at once.
INPUT_STEP = 2**16
#: Default cap on consecutive members/frames that decode to nothing.
DEFAULT_MAX_EMPTY_MEMBERS = 1024


class Decompressor(Protocol):
    """Interface of every content decoder."""

    encoding: str

    @property
    def needs_input(self) -> bool:
        """False when ``decompress(b"")`` could still return more output."""
        ...

    def decompress(self, data: bytes, max_length: int = DEFAULT_MAX_STEP) -> bytes:
        """Decode ``data`` (plus held input), returning at most ``max_length`` bytes."""
        ...

    def flush(self) -> None:
        """Check that the compressed stream ended properly."""
        ...


class _MemberDecoder(abc.ABC):
    """Shared driver: input buffer, member sequencing and output bounds."""

    __slots__ = (
        "_empty_members",
        "_input",
        "_max_empty",
        "_member_output",
        "_more",
        "_obj",
        "_off",
        "encoding",
    )

    def __init__(self, encoding: str, max_empty_members: int) -> None:
        self.encoding = encoding
        self._input = b""
        self._off = 0
        self._obj: Any = None
        self._more = False
        self._member_output = 0
        self._empty_members = 0
        self._max_empty = max_empty_members

    @property
    def needs_input(self) -> bool:
        """False when ``decompress(b"")`` could still return more output."""
        return not self._more

    def decompress(self, data: bytes, max_length: int = DEFAULT_MAX_STEP) -> bytes:
        """Decode ``data`` together with input held from earlier calls.

        Args:
            data: Next compressed bytes (may be empty to drain held input).
            max_length: Maximum number of bytes returned.

        Returns:
            Decoded bytes, at most ``max_length`` of them.

        Raises:
            ContentEncodingError: The data is corrupt.
            ValueError: ``max_length`` is not positive.
        """
        if max_length < 1:
            raise ValueError("max_length must be positive")
        if data:
            if self._off < len(self._input):
                self._input = self._input[self._off :] + data
            else:
                self._input = data
            self._off = 0
        out: list[bytes] = []
        room = max_length
        self._more = False
        while room > 0:
            if self._obj is None and (
                self._off >= len(self._input) or not self._new_member()
            ):
                break
            try:
                piece, progressed = self._step(room)
            except Exception as exc:  # decoder libraries raise assorted types
                raise ContentEncodingError(
                    f"Can not decode content-encoding: {self.encoding} ({exc})"
                ) from exc
            if piece:
                out.append(piece)
                room -= len(piece)
                self._member_output += len(piece)
            if self._member_done():
                self._end_member()
            elif not progressed:
                break
        self._more = room == 0
        return b"".join(out)

    def _end_member(self) -> None:
        """Count a finished member and get ready for a following one."""
        if not self._member_output:
            self._empty_members += 1
            if self._empty_members > self._max_empty:
                raise ContentEncodingError(
                    f"Too many empty {self.encoding} members: "
                    f"more than {self._max_empty}"
                )
        self._obj = None
        self._member_output = 0

    def flush(self) -> None:
        """Check that the compressed stream ended at a member boundary.

        Raises:
            ContentEncodingError: The stream is truncated or has undecodable
                leftover bytes.
            RuntimeError: Decoded output is still pending; drain it first with
                ``decompress(b"")`` until :attr:`needs_input` is True.
        """
        if self._more:
            raise RuntimeError("flush() called while decoded output is still pending")
        if self._obj is not None or self._off < len(self._input):
            raise ContentEncodingError(
                f"Can not decode content-encoding: {self.encoding} "
                "(compressed stream is truncated)"
            )

    def _take(self) -> bytes:
        """Hand out the next input slice (at most INPUT_STEP bytes)."""
        chunk = self._input[self._off : self._off + INPUT_STEP]
        self._off += len(chunk)
        return chunk

    @abc.abstractmethod
    def _new_member(self) -> bool:
        """Start decoding the next member; False when there is none."""

    @abc.abstractmethod
    def _step(self, room: int) -> tuple[bytes, bool]:
        """Decode at most ``room`` bytes: (output, whether anything progressed)."""

    @abc.abstractmethod
    def _member_done(self) -> bool:
        """True when the current member has ended."""


class ZLibDecompressor(_MemberDecoder):
    """Streaming ``gzip`` / ``deflate`` decoder using the selected zlib backend.

    ``deflate`` accepts both the zlib wrapper (RFC 1950, what RFC 9110
    specifies) and raw deflate data (RFC 1951, which some servers send),
    chosen from the first two bytes.

    Args:
        encoding: ``"gzip"`` or ``"deflate"``.
        max_empty_members: Cap on members that decode to no output.

    Raises:
        ValueError: Unknown encoding.
    """

    __slots__ = ("_wbits", "_zlib")

    def __init__(
        self,
        encoding: str = "deflate",
        *,
        max_empty_members: int = DEFAULT_MAX_EMPTY_MEMBERS,
    ) -> None:
        if encoding not in ("gzip", "deflate"):
            raise ValueError(f"Unsupported zlib encoding {encoding!r}")
        super().__init__(encoding, max_empty_members)
        self._zlib = decoding_backend()
        max_wbits: int = self._zlib.MAX_WBITS
        self._wbits: int | None = 16 + max_wbits if encoding == "gzip" else None

    def _new_member(self) -> bool:
        if self._wbits is None:
            if len(self._input) - self._off < 2:
                return False  # need both header bytes to tell the variants apart
            cmf, flg = self._input[self._off], self._input[self._off + 1]
            zlib_wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            max_wbits: int = self._zlib.MAX_WBITS
            self._wbits = max_wbits if zlib_wrapped else -max_wbits
        self._obj = self._zlib.decompressobj(wbits=self._wbits)
        return True

    def _step(self, room: int) -> tuple[bytes, bool]:
        obj = self._obj
        chunk = self._take()
        piece: bytes = obj.decompress(chunk, room)
        # Give back what the decoder did not take (limit hit or member end).
        # At the end of a member the leftover is in unused_data (CPython may
        # also leave a stale copy in unconsumed_tail, so never add both).
        held = len(obj.unused_data) if obj.eof else len(obj.unconsumed_tail)
        self._off -= held
        return piece, bool(piece) or len(chunk) > held

    def _member_done(self) -> bool:
        done: bool = self._obj.eof
        return done


def _zstd_module() -> Any:
    """The zstd module with a max_length-aware decoder, if importable."""
    return optional_module("compression.zstd", "backports.zstd")


def _brotli_module() -> Any:
    """A brotli binding whose ``process`` can bound its output, if importable."""
    for name in ("brotli", "brotlicffi"):
        module = optional_module(name)
        decoder = getattr(module, "Decompressor", None)
        if decoder is not None and hasattr(decoder, "can_accept_more_data"):
            return module
    return None


#: Longest zstd frame header: magic, descriptor, window, dictionary ID, size.
_ZSTD_MAX_HEADER = 18


class ZstdDecompressor(_MemberDecoder):
    """Streaming ``zstd`` decoder (RFC 8878), multi-frame aware.

    Needs ``compression.zstd`` (Python 3.14) or ``backports.zstd``; the
    ``zstandard`` package is not used because its streaming decoder cannot
    bound the output of one call.

    Args:
        max_empty_members: Cap on frames that decode to no output.

    Raises:
        ContentEncodingError: No suitable zstd module is installed.
    """

    __slots__ = ("_declared", "_head", "_module")

    def __init__(self, *, max_empty_members: int = DEFAULT_MAX_EMPTY_MEMBERS) -> None:
        super().__init__("zstd", max_empty_members)
        self._declared: int | None = None
        self._head: bytes | None = None  # a frame header being gathered
        self._module = _zstd_module()
        if self._module is None:
            raise ContentEncodingError(
                "Can not decode content-encoding: zstd (install backports.zstd)"
            )

    def _new_member(self) -> bool:
        self._obj = self._module.ZstdDecompressor()
        self._declared = None
        self._head = b""
        return True

    def _step(self, room: int) -> tuple[bytes, bool]:
        obj = self._obj
        # The decoder keeps unread input itself; only feed it when it asks.
        chunk = self._take() if obj.needs_input else b""
        if chunk and self._head is not None:
            self._learn_declared_size(chunk)
        piece: bytes = obj.decompress(chunk, room)
        if obj.eof:
            self._off -= len(obj.unused_data)
        return piece, bool(piece) or bool(chunk)

    def _learn_declared_size(self, chunk: bytes) -> None:
        """Read the frame's declared content size (RFC 8878 §3.1.1.1.4).

        The decoder can report the end of a frame whose blocks fall short of
        that size when its output room is smaller than the size, so the count
        is checked against it when the frame ends (:meth:`_member_done`).
        """
        assert self._head is not None
        head = self._head + chunk[:_ZSTD_MAX_HEADER]
        try:
            info = self._module.get_frame_info(head)
        except Exception:  # header not whole yet, or a skippable frame
            self._head = head if len(head) < _ZSTD_MAX_HEADER else None
            return
        self._declared = info.decompressed_size
        self._head = None

    def _member_done(self) -> bool:
        done: bool = self._obj.eof
        if done and self._declared not in (None, self._member_output):
            raise ContentEncodingError(
                "Can not decode content-encoding: zstd (a frame decoded to "
                f"{self._member_output} bytes, its header declares {self._declared})"
            )
        return done


class BrotliDecompressor(_MemberDecoder):
    """Streaming ``br`` decoder (RFC 7932).

    Needs a ``brotli``/``brotlicffi`` release whose decoder can bound its
    output (``process(..., output_buffer_limit=)``); older releases are not
    used because one call could expand without limit.

    Raises:
        ContentEncodingError: No suitable brotli module is installed.
    """

    __slots__ = ("_finished", "_module", "_pending")

    def __init__(self) -> None:
        super().__init__("br", 0)
        self._module = _brotli_module()
        self._finished = False
        # Brotli's output limit is approximate (it stops growing its buffer once
        # past the limit, in steps of about 32 KiB): what exceeds the caller's
        # room is kept here for the next call, so each call stays bounded.
        self._pending = b""
        if self._module is None:
            raise ContentEncodingError(
                "Can not decode content-encoding: br (install Brotli >= 1.2)"
            )

    def _new_member(self) -> bool:
        if self._finished:
            # A brotli stream is a single unit; bytes after it are corrupt.
            raise ContentEncodingError(
                "Can not decode content-encoding: br (data after end of stream)"
            )
        self._obj = self._module.Decompressor()
        return True

    def _step(self, room: int) -> tuple[bytes, bool]:
        if self._pending:
            piece, self._pending = self._pending[:room], self._pending[room:]
            return piece, True
        obj = self._obj
        chunk = self._take() if obj.can_accept_more_data() else b""
        produced: bytes = obj.process(chunk, output_buffer_limit=room)
        piece, self._pending = produced[:room], produced[room:]
        return piece, bool(piece) or bool(chunk)

    def _member_done(self) -> bool:
        if self._pending:
            return False
        if self._obj.is_finished():
            self._finished = True
            self._member_output = 1  # a finished stream is never an "empty member"
            return True
        return False


def supported_encodings() -> tuple[str, ...]:
    """Content codings this installation can decode, in preference order.

    Returns:
        ``("gzip", "deflate")`` plus ``"br"`` and ``"zstd"`` when available.
    """
    names = ["gzip", "deflate"]
    if _brotli_module() is not None:
        names.append("br")
    if _zstd_module() is not None:
        names.append("zstd")
    return tuple(names)


def get_decompressor(encoding: str) -> Decompressor | None:
    """Return a fresh decoder for a content coding.

    Args:
        encoding: Content coding name (case-insensitive).

    Returns:
        A decoder, or None when the coding is unknown (pass it through).

    Raises:
        ContentEncodingError: The coding is known but its library is missing.
    """
    name = encoding.strip().lower()
    if name in ("gzip", "deflate"):
        return ZLibDecompressor(name)
    if name == "br":
        return BrotliDecompressor()
    if name == "zstd":
        return ZstdDecompressor()
    return None
