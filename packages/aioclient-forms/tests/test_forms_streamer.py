"""The deprecated @streamer decorator and the Payload base class contract."""

from __future__ import annotations

import pytest
from _forms_helpers import MemoryWriter, body_of

from aioclient_forms import (
    ContentReader,
    MultipartWriter,
    Payload,
    PayloadWriter,
    ResponseLike,
    get_payload,
    streamer,
)


def make_streamer() -> streamer:
    with pytest.warns(
        DeprecationWarning, match="@streamer is deprecated, use async generators"
    ):

        @streamer
        async def produce(
            writer: PayloadWriter, count: int, *, fill: bytes = b"x"
        ) -> None:
            for _ in range(count):
                await writer.write(fill)

    return produce


async def test_streamer_warns_and_produces_a_payload() -> None:
    produce = make_streamer()
    payload = get_payload(produce(3, fill=b"ab"))
    assert payload.content_type == "application/octet-stream"
    assert payload.size is None
    assert await body_of(payload) == b"ababab"
    with pytest.raises(TypeError, match="Unable to decode"):
        payload.decode()


async def test_streamer_body_is_produced_again_for_every_write() -> None:
    """Each write calls the producer anew (as aiohttp), so a 307/308 can resend."""
    calls: list[bytes] = []
    with pytest.warns(DeprecationWarning, match="@streamer is deprecated"):

        @streamer
        async def produce(writer: PayloadWriter, tag: bytes = b"bare") -> None:
            calls.append(tag)
            await writer.write(tag + b"-" + str(len(calls)).encode())

    bound = get_payload(produce(b"bound"))  # StreamWrapperPayload
    assert await body_of(bound) == b"bound-1"
    assert not bound.consumed
    assert await body_of(bound) == b"bound-2"
    assert not bound.consumed
    bare = get_payload(produce)  # StreamPayload: the decorated object itself
    assert await body_of(bare) == b"bare-3"
    assert await body_of(bare) == b"bare-4"
    assert not bare.consumed
    assert calls == [b"bound", b"bound", b"bare", b"bare"]
    writer = MultipartWriter(boundary="s")
    writer.append(produce(b"part"))
    first, second = await body_of(writer), await body_of(writer)
    assert b"\r\n\r\npart-5\r\n--s--\r\n" in first
    assert b"\r\n\r\npart-6\r\n--s--\r\n" in second
    assert not writer.consumed


async def test_uncalled_streamer_object_is_a_payload_too() -> None:
    with pytest.warns(DeprecationWarning, match="@streamer is deprecated"):

        @streamer
        async def produce(writer: PayloadWriter) -> None:
            await writer.write(b"solo")

    assert await body_of(get_payload(produce)) == b"solo"


async def test_streamer_as_a_multipart_part() -> None:
    produce = make_streamer()
    writer = MultipartWriter(boundary="s")
    writer.append(produce(2))
    assert writer.size is None
    assert b"\r\n\r\nxx\r\n--s--\r\n" in await body_of(writer)


def test_payload_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Payload(b"")  # type: ignore[abstract]


async def test_base_write_with_length_and_as_bytes_use_write_and_decode() -> None:
    class Upper(Payload):
        def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
            return str(self._value).upper()

        async def write(self, writer: PayloadWriter) -> None:
            await writer.write(self.decode().encode())

    payload = Upper("abc", encoding="ascii")
    out = MemoryWriter()
    await payload.write_with_length(out, 1)  # the base class ignores the limit
    assert out.data == b"ABC"
    assert await payload.as_bytes() == b"ABC"
    assert payload.encoding == "ascii"
    assert not payload.autoclose
    await payload.close()  # a no-op by default


def test_protocols_are_runtime_checkable() -> None:
    from _forms_helpers import ChunkedReader, FakeResponse

    assert isinstance(MemoryWriter(), PayloadWriter)
    assert isinstance(ChunkedReader(b""), ContentReader)
    assert isinstance(FakeResponse("multipart/mixed; boundary=x", b""), ResponseLike)
    assert not isinstance(object(), PayloadWriter)
