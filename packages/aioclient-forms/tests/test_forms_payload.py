"""Payload classes and the payload registry."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import io
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from _forms_helpers import MemoryWriter, body_of
from multidict import CIMultiDict

import aioclient_forms as forms
from aioclient_forms import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    JsonBytesPayload,
    JsonPayload,
    Order,
    Payload,
    PayloadRegistry,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
)


def consumed(payload: Payload) -> bool:
    # A call, so that mypy does not keep the narrowing from an earlier assert.
    return payload.consumed


async def agen(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


# -- registry ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (b"x", BytesPayload),
        (bytearray(b"x"), BytesPayload),
        (memoryview(b"x"), BytesPayload),
        ("x", StringPayload),
        (io.StringIO("x"), StringIOPayload),
        (io.BytesIO(b"x"), BytesIOPayload),
    ],
)
def test_registry_picks_the_class_for_the_type(value: Any, cls: type[Payload]) -> None:
    assert type(get_payload(value)) is cls


async def test_registry_async_iterable_is_tried_last() -> None:
    gen = agen(b"a")
    payload = get_payload(gen)
    assert type(payload) is AsyncIterablePayload
    assert await payload.as_bytes() == b"a"


def test_registry_files(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    with path.open("rb") as binary, path.open("r", encoding="utf-8") as text:
        assert type(get_payload(binary)) is BufferedReaderPayload
        assert type(get_payload(text)) is TextIOPayload
    with path.open("r+b") as random_access:
        assert type(get_payload(random_access)) is BufferedReaderPayload
    raw = path.open("rb", buffering=0)
    try:
        assert type(get_payload(raw)) is IOBasePayload
    finally:
        raw.close()


def test_registry_returns_existing_payload_unchanged() -> None:
    payload = BytesPayload(b"x")
    assert get_payload(payload) is payload


def test_registry_unknown_type_raises_payload_lookup_error() -> None:
    with pytest.raises(forms.LookupError):
        get_payload(object())
    with pytest.raises(forms.LookupError):
        get_payload(12)


def test_registry_order_and_errors() -> None:
    class Thing:
        pass

    class SubThing(Thing):
        pass

    class ThingPayload(BytesPayload):
        def __init__(self, value: Thing, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"thing", *args, **kwargs)

    class FirstPayload(BytesPayload):
        def __init__(self, value: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"first", *args, **kwargs)

    registry = PayloadRegistry()
    registry.register(ThingPayload, Thing)
    assert type(registry.get(SubThing())) is ThingPayload  # isinstance fallback
    registry.register(FirstPayload, bytes, order=Order.try_first)
    assert type(registry.get(b"x")) is FirstPayload
    with pytest.raises(ValueError, match="Unsupported order"):
        registry.register(ThingPayload, Thing, order="bogus")  # type: ignore[arg-type]
    assert Order.try_last == "try_last"


def test_registry_accepts_any_iterable_of_types() -> None:
    """aiohttp takes a class or any iterable of classes, in every order."""

    class Thing:
        pass

    class SubThing(Thing):
        pass

    class Other:
        pass

    class Color(enum.Enum):  # a class that is itself iterable: still one type
        RED = 1

    class ThingPayload(BytesPayload):
        def __init__(self, value: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"thing", *args, **kwargs)

    for order in Order:
        registry = PayloadRegistry()
        registry.register(ThingPayload, [Thing, Other], order=order)
        registry.register(ThingPayload, (t for t in [Color]), order=order)
        for value in (Thing(), SubThing(), Other(), Color.RED):
            assert type(registry.get(value)) is ThingPayload, (order, value)
        enum_only = PayloadRegistry()
        enum_only.register(ThingPayload, Color, order=order)
        assert type(enum_only.get(Color.RED)) is ThingPayload
    with pytest.raises(ValueError, match="Unsupported order"):
        PayloadRegistry().register(ThingPayload, [Thing], order="normal")  # type: ignore[arg-type]


def test_register_payload_and_decorator_accept_a_list() -> None:
    class Listed:
        pass

    class AlsoListed:
        pass

    @forms.payload_type([Listed])
    class ListedPayload(BytesPayload):
        def __init__(self, value: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"listed", *args, **kwargs)

    forms.register_payload(ListedPayload, {AlsoListed})
    assert type(get_payload(Listed())) is ListedPayload
    assert type(get_payload(AlsoListed())) is ListedPayload


def test_payload_type_decorator_registers_globally() -> None:
    class Marker:
        pass

    @forms.payload_type(Marker)
    class MarkerPayload(BytesPayload):
        def __init__(self, value: Marker, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"marker", *args, **kwargs)

    assert type(get_payload(Marker())) is MarkerPayload
    assert type(PAYLOAD_REGISTRY.get(Marker())) is MarkerPayload


# -- base behaviour ------------------------------------------------------------


def test_content_type_explicit_then_guessed_then_default() -> None:
    assert StringPayload("x", content_type="text/x").content_type == "text/x"
    assert (
        IOBasePayload(io.BytesIO(b""), filename="a.json").content_type
        == "application/json"
    )
    assert IOBasePayload(io.BytesIO(b""), filename="a.zzz-unknown").content_type == (
        "application/octet-stream"
    )
    assert IOBasePayload(io.BytesIO(b"")).content_type == "application/octet-stream"
    # BytesPayload always defaults explicitly, so the filename is not used.
    assert (
        BytesPayload(b"", filename="a.png").content_type == "application/octet-stream"
    )


def test_headers_are_case_insensitive_and_merged() -> None:
    payload = BytesPayload(b"x", headers={"X-Test": "1"})
    assert isinstance(payload.headers, CIMultiDict)
    assert payload.headers["x-test"] == "1"
    assert payload.headers["content-type"] == "application/octet-stream"
    pairs = BytesPayload(b"x", headers=[("A", "1"), ("A", "2")])
    assert pairs.headers.getall("a") == ["1", "2"]


def test_set_content_disposition_quotes_and_encodes() -> None:
    payload = BytesPayload(b"")
    payload.set_content_disposition("attachment", filename='say "hi".txt')
    assert payload.headers["Content-Disposition"] == (
        'attachment; filename="say \\"hi\\".txt"'
    )
    payload.set_content_disposition("form-data", name="naïve", filename="résumé.pdf")
    assert payload.headers["Content-Disposition"] == (
        "form-data; name=\"na%C3%AFve\"; name*=utf-8''na%C3%AFve; "
        "filename=\"r%C3%A9sum%C3%A9.pdf\"; filename*=utf-8''r%C3%A9sum%C3%A9.pdf"
    )
    payload.set_content_disposition("form-data", quote_fields=False, name="naïve")
    assert payload.headers["Content-Disposition"] == 'form-data; name="naïve"'


@pytest.mark.parametrize(
    "bad", ["a\r\nX-Injected: 1", "a\nb", "a\x00b", "a\x7fb", "\x1b"]
)
def test_set_content_disposition_refuses_control_characters(bad: str) -> None:
    payload = BytesPayload(b"")
    with pytest.raises(ValueError, match="Forbidden control character"):
        payload.set_content_disposition("form-data", name=bad)
    with pytest.raises(ValueError, match="Forbidden control character"):
        payload.set_content_disposition("form-data", quote_fields=False, filename=bad)


def test_set_content_disposition_validates_type_and_keys() -> None:
    payload = BytesPayload(b"")
    with pytest.raises(ValueError, match="bad content disposition type"):
        payload.set_content_disposition("form data")
    with pytest.raises(ValueError, match="bad content disposition type"):
        payload.set_content_disposition("")
    bad_key: dict[str, Any] = {"na me": "x"}
    with pytest.raises(ValueError, match="bad content disposition parameter"):
        payload.set_content_disposition("form-data", **bad_key)


def test_header_injection_through_edited_headers_is_refused() -> None:
    payload = BytesPayload(b"")
    payload.headers["X-Evil"] = "a\r\nInjected: yes"
    with pytest.raises(ValueError, match="Forbidden control character"):
        _ = payload._binary_headers
    payload = BytesPayload(b"")
    payload.headers["Bad Name"] = "x"
    with pytest.raises(ValueError, match="Invalid header name"):
        _ = payload._binary_headers


# -- bytes and strings ---------------------------------------------------------


async def test_bytes_payload() -> None:
    payload = BytesPayload(bytearray(b"hello"))
    assert payload.size == 5
    assert payload.autoclose
    assert not payload.consumed
    assert await payload.as_bytes() == b"hello"
    assert payload.decode() == "hello"
    assert await body_of(payload) == b"hello"
    assert await body_of(payload) == b"hello"  # reusable
    writer = MemoryWriter()
    await payload.write_with_length(writer, 3)
    assert writer.data == b"hel"
    assert BytesPayload(memoryview(b"abcd")[1:]).size == 3


def test_bytes_payload_buffer_is_the_value_itself() -> None:
    value = bytearray(b"hello")
    assert BytesPayload(value).buffer is value  # not a copy
    assert JsonPayload({"a": 1}).buffer == b'{"a": 1}'


def test_bytes_payload_type_error() -> None:
    with pytest.raises(TypeError, match="value argument must be byte-ish"):
        BytesPayload("text")  # type: ignore[arg-type]


def test_bytes_payload_large_body_warns() -> None:
    with pytest.warns(ResourceWarning, match="io.BytesIO"):
        BytesPayload(b"x" * (2**20 + 1))
    BytesPayload(b"x" * 2**20)  # exactly 1 MiB does not warn


async def test_string_payload_encodings() -> None:
    default = StringPayload("é")
    assert default.content_type == "text/plain; charset=utf-8"
    assert default.encoding == "utf-8"
    assert await default.as_bytes() == "é".encode()
    latin = StringPayload("é", encoding="latin-1")
    assert latin.content_type == "text/plain; charset=latin-1"
    assert await body_of(latin) == b"\xe9"
    from_ct = StringPayload("é", content_type="text/html; charset=latin-1")
    assert from_ct.encoding == "latin-1"
    assert await from_ct.as_bytes() == b"\xe9"
    no_charset = StringPayload("é", content_type="text/html")
    assert no_charset.encoding == "utf-8"
    assert no_charset.size == 2


async def test_string_io_payload() -> None:
    payload = StringIOPayload(io.StringIO("abc"))
    assert payload.content_type == "text/plain; charset=utf-8"
    assert await body_of(payload) == b"abc"


async def test_json_payloads() -> None:
    payload = JsonPayload({"a": [1, "é"]})
    assert payload.content_type == "application/json"
    assert json.loads(await payload.as_bytes()) == {"a": [1, "é"]}
    custom = JsonPayload([1], dumps=lambda v: "CUSTOM", content_type="application/x")
    assert await custom.as_bytes() == b"CUSTOM"
    assert custom.content_type == "application/x"
    raw = JsonBytesPayload({"b": 2}, dumps=lambda v: json.dumps(v).encode())
    assert raw.content_type == "application/json"
    assert await raw.as_bytes() == b'{"b": 2}'


# -- async iterables -----------------------------------------------------------


async def test_async_iterable_streams_once_and_then_refuses() -> None:
    payload = AsyncIterablePayload(agen(b"ab", b"cd"))
    assert payload.size is None
    assert payload.content_type == "application/octet-stream"
    assert not payload.consumed
    assert await body_of(payload) == b"abcd"
    assert consumed(payload)
    with pytest.raises(RuntimeError, match="already streamed"):
        await body_of(payload)
    with pytest.raises(RuntimeError, match="already streamed"):
        await payload.as_bytes()


async def test_async_iterable_as_bytes_caches_and_replays() -> None:
    payload = AsyncIterablePayload(agen(b"ab", b"cd"))
    with pytest.raises(TypeError, match="not cached"):
        payload.decode()
    assert await payload.as_bytes() == b"abcd"
    assert not payload.consumed
    assert payload.decode() == "abcd"
    assert await body_of(payload) == b"abcd"
    assert await body_of(payload) == b"abcd"
    writer = MemoryWriter()
    await payload.write_with_length(writer, 3)
    assert writer.data == b"abc"


async def test_async_iterable_write_with_length_stops() -> None:
    payload = AsyncIterablePayload(agen(b"ab", b"cd", b"ef"))
    writer = MemoryWriter()
    await payload.write_with_length(writer, 3)
    assert writer.data == b"abc"


class KeepingWriter:
    """Keeps each chunk as given, as a transport that queues views would."""

    def __init__(self) -> None:
        self.kept: list[bytes | bytearray | memoryview] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.kept.append(chunk)


async def test_async_iterable_chunks_cannot_change_once_written() -> None:
    # A producer that refills one buffer must not change bytes already handed
    # over (a transport may still be holding them).
    buffer = bytearray(b"aaaa")

    async def refilled() -> AsyncIterator[bytearray | memoryview]:
        yield buffer
        buffer[:] = b"bbbb"
        yield memoryview(buffer)
        buffer[:] = b"cccc"

    writer = KeepingWriter()
    await AsyncIterablePayload(refilled()).write(writer)
    assert [bytes(chunk) for chunk in writer.kept] == [b"aaaa", b"bbbb"]


async def test_async_iterable_keeps_read_only_views_and_counts_bytes() -> None:
    data = bytes(range(16))

    async def typed() -> AsyncIterator[memoryview]:
        yield memoryview(data).cast("i")  # 4 items, 16 bytes

    writer = KeepingWriter()
    await AsyncIterablePayload(typed()).write_with_length(writer, 6)
    (chunk,) = writer.kept
    assert isinstance(chunk, memoryview)
    assert chunk.obj is data  # not copied
    assert bytes(chunk) == data[:6]  # a length in bytes, not in ints


def test_async_iterable_type_error() -> None:
    with pytest.raises(TypeError, match="AsyncIterable interface"):
        AsyncIterablePayload([b"x"])  # type: ignore[arg-type]


# -- files ---------------------------------------------------------------------


class RecordingWriter(MemoryWriter):
    """Checks that file reads never happen on the event loop thread."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.sizes.append(len(chunk))
        await super().write(chunk)


class ThreadCheckingFile(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reader_threads: set[int] = set()

    def read(self, size: int | None = -1) -> bytes:
        self.reader_threads.add(threading.get_ident())
        return super().read(size)


async def test_file_is_read_in_bounded_chunks_in_executor(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 4096 + b"tail"  # 1 MiB + 4
    path.write_bytes(data)
    with path.open("rb") as fh:
        payload = get_payload(fh)
        assert payload.filename == "big.bin"
        assert payload.size == len(data)
        assert (
            payload.headers["Content-Disposition"] == 'attachment; filename="big.bin"'
        )
        writer = RecordingWriter()
        await payload.write(writer)
        assert writer.data == data
        assert max(writer.sizes) <= 2**18
        assert len(writer.sizes) >= 5
        # Re-sendable from the remembered start position (redirect/retry).
        again = RecordingWriter()
        await payload.write(again)
        assert again.data == data
        assert not payload.consumed
        assert not payload.autoclose
        await payload.close()
        assert fh.closed
        assert payload.consumed


async def test_file_reads_run_off_the_loop_thread() -> None:
    fh = ThreadCheckingFile(b"x" * 100)
    payload = IOBasePayload(fh)
    await body_of(payload)
    assert threading.get_ident() not in fh.reader_threads


async def test_file_start_position_and_length_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    with path.open("rb") as fh:
        fh.seek(4)
        payload = BufferedReaderPayload(fh)
        assert payload.size == 6
        assert await body_of(payload) == b"456789"
        writer = MemoryWriter()
        await payload.write_with_length(writer, 2)
        assert writer.data == b"45"
        assert await payload.as_bytes() == b"456789"
        assert payload.decode() == "456789"


async def test_unseekable_file_is_consumed_after_first_use() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._data = b"stream"

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            n = min(len(buffer), len(self._data))
            buffer[:n] = self._data[:n]
            self._data = self._data[n:]
            return n

        def tell(self) -> int:
            raise OSError("unseekable")

    payload = IOBasePayload(cast(Any, Pipe()))
    assert payload.size is None
    assert await body_of(payload) == b"stream"
    assert payload.consumed


async def test_pseudo_file_names_are_ignored() -> None:
    fh = io.BytesIO(b"x")
    fh.name = "<stdin>"
    payload = BytesIOPayload(fh)
    assert payload.filename is None
    assert "Content-Disposition" not in payload.headers
    named = io.BytesIO(b"x")
    named.name = "/some/dir/photo.png"
    photo = BytesIOPayload(named)
    assert photo.filename == "photo.png"
    assert photo.content_type == "image/png"
    inline = BytesIOPayload(named, disposition="inline")
    assert inline.headers["Content-Disposition"] == 'inline; filename="photo.png"'


async def test_bytes_io_payload() -> None:
    buf = io.BytesIO(b"abcdef")
    buf.seek(2)
    payload = BytesIOPayload(buf)
    assert payload.size == 4
    assert payload.autoclose
    assert await body_of(payload) == b"cdef"
    assert await body_of(payload) == b"cdef"
    assert await payload.as_bytes() == b"cdef"
    assert payload.decode() == "cdef"
    writer = MemoryWriter()
    await payload.write_with_length(writer, 3)
    assert writer.data == b"cde"
    await payload.close()
    assert not buf.closed


async def test_large_bytes_io_is_streamed_in_slices() -> None:
    payload = BytesIOPayload(io.BytesIO(b"y" * (3 * 2**16 + 1)))
    writer = RecordingWriter()
    await payload.write(writer)
    assert writer.sizes == [2**16, 2**16, 2**16, 1]


async def test_text_io_payload(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("héllo", encoding="latin-1")
    with path.open("r", encoding="latin-1") as fh:
        payload = TextIOPayload(fh, encoding="latin-1")
        assert payload.content_type == "text/plain; charset=latin-1"
        assert await body_of(payload) == "héllo".encode("latin-1")
        assert await payload.as_bytes() == "héllo".encode("latin-1")
        assert payload.decode() == "héllo"
    with path.open("r", encoding="latin-1") as fh:
        ct = TextIOPayload(fh, content_type="text/csv; charset=utf-8")
        assert ct.encoding == "utf-8"
        assert await body_of(ct) == "héllo".encode()


async def test_close_is_safe_under_cancellation(tmp_path: Path) -> None:
    path = tmp_path / "c.bin"
    path.write_bytes(b"x")
    fh = path.open("rb")
    payload = BufferedReaderPayload(fh)
    task = asyncio.ensure_future(payload.close())
    await asyncio.sleep(0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    for _ in range(100):
        if fh.closed:
            break
        await asyncio.sleep(0.01)
    assert fh.closed
    await payload.close()  # idempotent
