"""Undoing a body's content coding in bounded steps, paced by its reader.

The protocol hands received (compressed) bytes to :class:`BodyDecoding` and
asks it to :meth:`~BodyDecoding.run` whenever the body stream may take more.
Each step decodes at most ``DEFAULT_MAX_STEP`` bytes, and no step starts while
the stream is over its high-water mark (the protocol's reading is paused), so
a decompression bomb costs at most one step of memory beyond the stream's
limit (security category 4, principle 7).
"""

from __future__ import annotations

import collections

from .._dataqueue import FlowControlProtocol
from .._streams import StreamReader
from ._decompress import DEFAULT_MAX_STEP, Decompressor

__all__ = ["BodyDecoding"]


class BodyDecoding:
    """One body's decoder and the compressed input waiting for it.

    Args:
        decoder: The decoder for the body's content coding.
    """

    __slots__ = ("_decoder", "_pending")

    def __init__(self, decoder: Decompressor) -> None:
        self._decoder = decoder
        self._pending: collections.deque[bytes] = collections.deque()

    @property
    def has_input(self) -> bool:
        """True while received bytes wait to be decoded."""
        return bool(self._pending)

    def push(self, data: bytes | memoryview) -> None:
        """Queue received bytes for decoding."""
        # (Decoders keep and join their input: they get bytes.)
        self._pending.append(data if type(data) is bytes else bytes(data))

    def run(
        self, payload: StreamReader, flow: FlowControlProtocol, ended: bool
    ) -> bool:
        """Decode into ``payload`` until input runs out or reading is paused.

        Args:
            payload: The body stream that receives the decoded bytes.
            flow: The protocol whose ``reading_paused`` stops the decoding.
            ended: All of the body's bytes have been received.

        Returns:
            True once the body is wholly decoded and its coding ended properly.

        Raises:
            ContentEncodingError: The bytes are not valid in the coding, or the
                coded stream is truncated.
        """
        decoder, pending = self._decoder, self._pending
        while not flow.reading_paused:
            if decoder.needs_input:
                if not pending:
                    break
                data = pending.popleft()
                if payload.total_compressed_bytes is not None:
                    payload.total_compressed_bytes += len(data)
            else:
                data = b""
            out = decoder.decompress(data, DEFAULT_MAX_STEP)
            if out:
                payload.feed_data(out)
        if not ended or pending or flow.reading_paused or not decoder.needs_input:
            return False  # more input, room or output is still to come
        decoder.flush()
        return True
