"""A FIFO byte buffer made of the received chunks, with resumable separator search.

This is the storage behind ``StreamReader`` (security category 5: no quadratic work
on hostile chunkings). Received ``bytes`` objects are kept as they are in a deque;
an offset records how much of the first one was consumed. Appending never copies,
consuming copies only what is returned, and :meth:`ChunkBuffer.find` remembers how
far an unsuccessful search got, so a long line that arrives in many small pieces is
scanned once rather than once per piece.

A chunk may also be a read-only ``memoryview`` of received ``bytes`` (large pieces
of a chunked body, see ``_http._body.ChunkedReader.feed``): it is copied to ``bytes``
when it is taken, or when a separator search first looks into it.
"""

from __future__ import annotations

import collections

__all__ = ["ChunkBuffer"]


class ChunkBuffer:
    """FIFO of byte chunks with cheap append, partial consumption and search.

    ``len()`` is the number of unread bytes; the buffer is falsy when empty.
    """

    __slots__ = ("_chunks", "_offset", "_scan", "_size")

    def __init__(self) -> None:
        self._chunks: collections.deque[bytes | memoryview] = collections.deque()
        self._offset = 0  # bytes of _chunks[0] already consumed
        self._size = 0  # unread bytes
        # Progress of the last unsuccessful search: (separator, ruled_out_until,
        # chunk_index, chunk_start); positions count from the first unread byte.
        self._scan: tuple[bytes, int, int, int] | None = None

    def __len__(self) -> int:
        return self._size

    def __bool__(self) -> bool:
        return self._size > 0

    def append(self, data: bytes | memoryview) -> None:
        """Add *data* at the end (empty data is ignored).

        Args:
            data: The bytes, or a view of ``bytes``, to add; the object is
                stored, not copied.
        """
        if data:
            self._chunks.append(data)
            self._size += len(data)

    def prepend(self, data: bytes) -> None:
        """Put *data* back in front of the unread bytes.

        Args:
            data: The bytes to make readable again.
        """
        if not data:
            return
        if self._offset:
            self._chunks[0] = self._chunks[0][self._offset :]
            self._offset = 0
        self._chunks.appendleft(data)
        self._size += len(data)
        self._scan = None

    def take_first(self, n: int = -1) -> bytes:
        """Consume up to *n* bytes (``-1``: no limit) from the first chunk only.

        Args:
            n: Maximum number of bytes.

        Returns:
            The bytes (the stored object itself when a whole chunk is taken);
            ``b""`` when the buffer is empty.
        """
        if not self._chunks:
            return b""
        first = self._chunks[0]
        offset = self._offset
        if n != -1 and len(first) - offset > n:
            data = first[offset : offset + n]
            self._offset += n
        else:
            self._chunks.popleft()
            data = first[offset:] if offset else first
            self._offset = 0
        self._size -= len(data)
        self._scan = None
        # (The one copy of a view's bytes; a bytes slice is already a copy.)
        return data if type(data) is bytes else bytes(data)

    def take_stored(self) -> bytes | memoryview:
        """Consume the whole first chunk as stored: a view is not copied.

        For a caller that joins what it takes (one copy in all). The buffer
        must not be empty.
        """
        first = self._chunks.popleft()
        if self._offset:
            first = memoryview(first)[self._offset :]
            self._offset = 0
        self._size -= len(first)
        self._scan = None
        return first

    def take(self, n: int) -> bytes:
        """Consume up to *n* bytes (``-1``: all), across chunks if needed.

        Each returned byte is copied once: the pieces of a read that spans
        chunks are joined from views, not sliced to ``bytes`` first (a chunked
        body split by network reads makes most fixed-size reads span two).

        Args:
            n: Maximum number of bytes, or ``-1``.

        Returns:
            The bytes (the stored object itself when exactly one whole chunk is
            taken); ``b""`` when the buffer is empty.
        """
        chunks = self._chunks
        if not chunks:
            return b""
        if n == -1:
            n = self._size
        if len(chunks[0]) - self._offset >= n:
            return self.take_first(n)
        parts: list[bytes | memoryview] = []
        need = n
        while need and chunks:
            chunk, offset = chunks[0], self._offset
            avail = len(chunk) - offset
            if avail <= need:
                chunks.popleft()
                self._offset = 0
                parts.append(memoryview(chunk)[offset:] if offset else chunk)
                need -= avail
            else:
                parts.append(memoryview(chunk)[offset : offset + need])
                self._offset = offset + need
                need = 0
        data = b"".join(parts)
        self._size -= len(data)
        self._scan = None
        return data

    def peek(self, n: int) -> bytes:
        """Return up to *n* unread bytes without consuming them.

        Args:
            n: Maximum number of bytes.

        Returns:
            The first unread bytes.
        """
        return self._gather(0, self._offset, n)

    def _gather(self, index: int, start: int, n: int) -> bytes:
        """Collect up to *n* bytes from chunk *index* (at *start*) onwards."""
        parts: list[bytes | memoryview] = []
        need = n
        chunks = self._chunks
        while need > 0 and index < len(chunks):
            piece = chunks[index][start : start + need]
            parts.append(piece)
            need -= len(piece)
            index += 1
            start = 0
        return b"".join(parts)

    def find(self, sep: bytes) -> int:
        """Return the offset just past the first *sep* in the unread bytes, or -1.

        A search that fails records how far it got; the next search for the same
        separator continues from there (any consumption resets it). Each byte is
        therefore examined a bounded number of times whatever the chunking, and
        separators spanning chunk boundaries are found.

        Args:
            sep: The separator; must not be empty.

        Returns:
            The number of bytes up to and including the separator, or -1.
        """
        seplen = len(sep)
        if self._scan is not None and self._scan[0] == sep:
            _, pos, index, base = self._scan
        else:
            pos = index = base = 0
        chunks = self._chunks
        while index < len(chunks):
            chunk = chunks[index]
            if type(chunk) is not bytes:
                # A view has no find(): it becomes bytes now, once; taking it
                # later slices those bytes.
                chunk = chunks[index] = bytes(chunk)
            skip = self._offset if index == 0 else 0
            local = pos - base + skip
            found = chunk.find(sep, local)
            if found != -1:
                return base + found - skip + seplen
            if seplen > 1:
                # The separator may start near the end of this chunk and finish
                # in the following ones.
                tail = max(local, len(chunk) - seplen + 1)
                window = chunk[tail:] + self._gather(index + 1, 0, seplen - 1)
                found = window.find(sep)
                if found != -1:
                    return base + tail - skip + found + seplen
                if len(window) < len(chunk) - tail + seplen - 1:
                    # Too little data after this chunk to rule its tail out yet.
                    pos = base + tail - skip
                    break
            base += len(chunk) - skip
            pos = base
            index += 1
        self._scan = (sep, pos, index, base)
        return -1
