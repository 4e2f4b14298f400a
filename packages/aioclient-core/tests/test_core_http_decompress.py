"""Content decoders: round trips, bounded steps, bombs, members, truncation."""

import gzip
import sys
import zlib
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioclient_core._http import (
    ContentEncodingError,
    Decompressor,
    ZLibCompressor,
    ZLibDecompressor,
    _zlib,
    get_decompressor,
    get_zlib_backend,
    set_zlib_backend,
    supported_encodings,
)
from aioclient_core._http._decompress import DEFAULT_MAX_STEP
from aioclient_core._http._zlib import decoding_backend


@pytest.fixture(autouse=True, params=["default", "stdlib"])
def _decoder_module(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run every test with the default decoder (zlib-ng, which the test group
    installs) and again with the standard library's zlib."""
    if request.param == "stdlib":
        monkeypatch.setattr(_zlib, "_default_decoder", zlib)


def decode_all(
    decoder: Decompressor,
    data: bytes,
    *,
    piece: int = 4096,
    step: int = DEFAULT_MAX_STEP,
) -> tuple[bytes, int]:
    """Stream ``data`` in pieces, draining; return output and the largest step."""
    out: list[bytes] = []
    largest = 0
    for i in range(0, len(data), piece):
        chunk = decoder.decompress(data[i : i + piece], step)
        out.append(chunk)
        largest = max(largest, len(chunk))
        while not decoder.needs_input:
            chunk = decoder.decompress(b"", step)
            out.append(chunk)
            largest = max(largest, len(chunk))
    decoder.flush()
    return b"".join(out), largest


def raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw"],
)
def test_round_trip(encoding: str, compress: object) -> None:
    payload = bytes(range(256)) * 1000
    assert callable(compress)
    decoder = get_decompressor(encoding)
    assert decoder is not None
    assert decoder.encoding == encoding
    out, _ = decode_all(decoder, compress(payload))
    assert out == payload


@settings(max_examples=200, deadline=None)
@given(
    payload=st.binary(max_size=5000),
    encoding=st.sampled_from(["gzip", "deflate"]),
    piece=st.integers(min_value=1, max_value=700),
    step=st.integers(min_value=1, max_value=3000),
)
def test_round_trip_property(
    payload: bytes, encoding: str, piece: int, step: int
) -> None:
    compressor = ZLibCompressor(encoding)
    compressed = compressor.compress(payload) + compressor.flush()
    out, largest = decode_all(
        ZLibDecompressor(encoding), compressed, piece=piece, step=step
    )
    assert out == payload
    assert largest <= step


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_bomb_is_decoded_in_bounded_steps(encoding: str) -> None:
    size = 64 * 1024 * 1024
    compressor = ZLibCompressor(encoding, level=9)
    zeros = b"\0" * (1024 * 1024)
    bomb = b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()
    assert len(bomb) < 100_000
    decoder = ZLibDecompressor(encoding)
    total = 0
    steps = 0
    chunk = decoder.decompress(bomb, DEFAULT_MAX_STEP)
    while True:
        assert len(chunk) <= DEFAULT_MAX_STEP
        total += len(chunk)
        steps += 1
        if decoder.needs_input:
            break
        chunk = decoder.decompress(b"", DEFAULT_MAX_STEP)
    decoder.flush()
    # Valid but highly compressed data still decodes completely.
    assert total == size
    assert steps >= size // DEFAULT_MAX_STEP


def test_concatenated_gzip_members() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"") + gzip.compress(b"second")
    out, _ = decode_all(ZLibDecompressor("gzip"), data, piece=5)
    assert out == b"first second"


def test_empty_member_flood_capped() -> None:
    empty = gzip.compress(b"")
    decoder = ZLibDecompressor("gzip", max_empty_members=10)
    with pytest.raises(
        ContentEncodingError, match="Too many empty gzip members: more than 10"
    ):
        decoder.decompress(empty * 11)
    ok = ZLibDecompressor("gzip", max_empty_members=10)
    assert ok.decompress(empty * 10 + gzip.compress(b"x")) == b"x"


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", b"not gzip at all"),
        ("deflate", b"\x78\x9c garbage garbage"),
        ("gzip", gzip.compress(b"ok") + b"trailing junk"),
    ],
)
def test_corrupt_data(encoding: str, data: bytes) -> None:
    decoder = ZLibDecompressor(encoding)
    with pytest.raises(
        ContentEncodingError, match=f"Can not decode content-encoding: {encoding}"
    ):
        decoder.decompress(data)


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(b"hello world" * 100)[:-4]),
        ("deflate", zlib.compress(b"hello world" * 100)[:-3]),
        ("deflate", b"\x78"),
    ],
)
def test_truncated_stream_detected_on_flush(encoding: str, data: bytes) -> None:
    decoder = ZLibDecompressor(encoding)
    decoder.decompress(data)
    assert decoder.needs_input
    with pytest.raises(ContentEncodingError, match="truncated"):
        decoder.flush()


def test_flush_with_pending_output_is_a_usage_error() -> None:
    decoder = ZLibDecompressor("gzip")
    assert len(decoder.decompress(gzip.compress(b"a" * 1000), 10)) == 10
    assert not decoder.needs_input
    with pytest.raises(RuntimeError, match="still pending"):
        decoder.flush()


def test_empty_body_flushes_cleanly() -> None:
    decoder = ZLibDecompressor("gzip")
    assert decoder.decompress(b"") == b""
    decoder.flush()


def test_invalid_max_length() -> None:
    with pytest.raises(ValueError, match="max_length must be positive"):
        ZLibDecompressor("gzip").decompress(b"x", 0)


def test_unknown_encoding_passes_through() -> None:
    assert get_decompressor("compress") is None
    assert get_decompressor("identity") is None
    with pytest.raises(ValueError, match="Unsupported zlib encoding"):
        ZLibDecompressor("br")
    with pytest.raises(ValueError, match="Unsupported compression encoding"):
        ZLibCompressor("zstd")


def test_supported_encodings_lists_zlib_codings() -> None:
    assert supported_encodings()[:2] == ("gzip", "deflate")


def test_missing_optional_codecs_raise_content_encoding_error() -> None:
    for name in ("br", "zstd"):
        if name in supported_encodings():
            continue
        with pytest.raises(ContentEncodingError, match=f"content-encoding: {name}"):
            get_decompressor(name)


def test_zstd_multi_frame() -> None:
    zstd = pytest.importorskip("backports.zstd")
    data = zstd.compress(b"one ") + zstd.compress(b"two")
    decoder = get_decompressor("zstd")
    assert decoder is not None
    out, _ = decode_all(decoder, data, piece=3)
    assert out == b"one two"


@pytest.mark.parametrize("piece", [1, 3, 7, 9, 200])
@pytest.mark.parametrize("step", [1, 96, DEFAULT_MAX_STEP])
def test_zstd_frame_shorter_than_its_declared_size_is_corrupt(
    piece: int, step: int
) -> None:
    # A frame declaring 1,000,000 bytes with one raw block of 100 and an empty
    # last block: the zstd module can report such a frame finished when its
    # output room is small, so the declared size is checked too, however the
    # input is split (found by fuzzing).
    pytest.importorskip("backports.zstd")
    frame = (
        bytes.fromhex("28b52ffd")
        + bytes([0xA0])  # single segment, 4-byte content size
        + (1_000_000).to_bytes(4, "little")
        + (100 << 3).to_bytes(3, "little")  # raw block of 100 bytes
        + b"x" * 100
        + (1).to_bytes(3, "little")  # empty raw block, the last
    )
    decoder = get_decompressor("zstd")
    assert decoder is not None
    with pytest.raises(ContentEncodingError, match="content-encoding: zstd"):
        decode_all(decoder, frame, piece=piece, step=step)


def test_brotli_round_trip() -> None:
    brotli = pytest.importorskip("brotli")
    decoder = get_decompressor("br")
    assert decoder is not None
    out, largest = decode_all(decoder, brotli.compress(b"\0" * 1_000_000), step=1000)
    assert out == b"\0" * 1_000_000
    assert largest <= 1000


def test_request_compressor() -> None:
    gz = ZLibCompressor("gzip")
    assert (
        gzip.decompress(gz.compress(b"abc") + gz.compress(b"def") + gz.flush())
        == b"abcdef"
    )
    df = ZLibCompressor()
    assert df.encoding == "deflate"
    assert zlib.decompress(df.compress(b"xyz") + df.flush()) == b"xyz"


class CountingZlib(ModuleType):
    """A zlib-compatible module that records use."""

    def __init__(self) -> None:
        super().__init__("counting_zlib")
        self.calls = 0
        self.MAX_WBITS = zlib.MAX_WBITS
        self.Z_DEFAULT_COMPRESSION = zlib.Z_DEFAULT_COMPRESSION
        self.Z_FINISH = zlib.Z_FINISH
        self.Z_SYNC_FLUSH = zlib.Z_SYNC_FLUSH

    def compressobj(self, **kwargs: Any) -> "zlib._Compress":
        self.calls += 1
        return zlib.compressobj(**kwargs)

    def decompressobj(self, **kwargs: Any) -> "zlib._Decompress":
        self.calls += 1
        return zlib.decompressobj(**kwargs)


def test_set_zlib_backend() -> None:
    backend = CountingZlib()
    previous = get_zlib_backend()
    assert previous is zlib
    set_zlib_backend(backend)
    try:
        assert get_zlib_backend() is backend
        compressor = ZLibCompressor("gzip")
        data = compressor.compress(b"payload") + compressor.flush()
        assert ZLibDecompressor("gzip").decompress(data) == b"payload"
        assert backend.calls == 2
    finally:
        set_zlib_backend(previous)
    assert get_zlib_backend() is zlib


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> CountingZlib:
    """A counting module installed as the only fast decoder, not chosen yet."""
    module = CountingZlib()
    monkeypatch.setitem(sys.modules, "aioclient_test_fast_zlib", module)
    monkeypatch.setattr(_zlib, "_FAST_DECODERS", ("aioclient_test_fast_zlib",))
    monkeypatch.setattr(_zlib, "_default_decoder", None)
    return module


def test_default_decoder_is_the_fast_module_and_compression_stays_zlib(
    fast: CountingZlib,
) -> None:
    assert decoding_backend() is fast
    assert ZLibDecompressor("gzip").decompress(gzip.compress(b"payload")) == b"payload"
    assert fast.calls == 1
    # Request bodies are still compressed by zlib, byte for byte.
    compressor = ZLibCompressor("deflate")
    body = compressor.compress(b"payload" * 100) + compressor.flush()
    assert body == zlib.compress(b"payload" * 100)
    assert get_zlib_backend() is zlib
    assert fast.calls == 1


@pytest.mark.parametrize("installed", ["missing", "incomplete"])
def test_default_decoder_falls_back_to_zlib(
    monkeypatch: pytest.MonkeyPatch, installed: str
) -> None:
    if installed == "incomplete":
        partial = ModuleType("aioclient_test_partial_zlib")
        partial.decompressobj = zlib.decompressobj  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, partial.__name__, partial)
        name = partial.__name__
    else:
        name = "aioclient_test_no_such_module"
    monkeypatch.setattr(_zlib, "_FAST_DECODERS", (name,))
    monkeypatch.setattr(_zlib, "_default_decoder", None)
    assert decoding_backend() is zlib
    assert ZLibDecompressor("gzip").decompress(gzip.compress(b"x" * 99)) == b"x" * 99


def test_a_chosen_backend_decodes_even_when_it_is_zlib(fast: CountingZlib) -> None:
    set_zlib_backend(zlib)
    assert decoding_backend() is zlib
    ZLibDecompressor("deflate").decompress(zlib.compress(b"payload"))
    assert fast.calls == 0


def test_zlib_ng_decodes_by_default_when_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test group installs zlib-ng (as aioclient-core[speedups] does).
    zlib_ng = pytest.importorskip("zlib_ng.zlib_ng")
    monkeypatch.setattr(_zlib, "_default_decoder", None)
    assert decoding_backend() is zlib_ng
    decoder = ZLibDecompressor("gzip")
    assert decoder.decompress(gzip.compress(b"payload")) == b"payload"


def test_set_zlib_backend_validates_module() -> None:
    bogus = ModuleType("bogus")
    bogus.compressobj = zlib.compressobj  # type: ignore[attr-defined]
    with pytest.raises(
        TypeError, match="not a zlib-compatible module: missing decompressobj"
    ):
        set_zlib_backend(bogus)
    assert get_zlib_backend() is zlib
