"""set_zlib_backend() with the real zlib-compatible libraries from the index."""

from __future__ import annotations

import gzip
import importlib.util
import zlib
from types import ModuleType

import pytest

from aioclient_core import set_zlib_backend
from aioclient_core._http._decompress import ZLibDecompressor
from aioclient_core._http._zlib import ZLibCompressor, get_zlib_backend

BACKENDS = ["zlib_ng.zlib_ng", "isal.isal_zlib"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> ModuleType:
    module = pytest.importorskip(request.param)
    assert isinstance(module, ModuleType)
    return module


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_backend_decodes_and_encodes_interchangeably(
    backend: ModuleType, encoding: str
) -> None:
    data = b"aioclient " * 5000
    set_zlib_backend(backend)
    try:
        assert get_zlib_backend() is backend
        # Bodies compressed by the standard library decode with the backend...
        standard = gzip.compress(data) if encoding == "gzip" else zlib.compress(data)
        decoder = ZLibDecompressor(encoding)
        out = bytearray()
        chunk = decoder.decompress(standard, 4096)
        while chunk:
            out += chunk
            chunk = decoder.decompress(b"", 4096)
        decoder.flush()
        assert bytes(out) == data
        # ...and bodies the backend compresses decode with the standard library.
        compressor = ZLibCompressor(encoding)
        encoded = compressor.compress(data) + compressor.flush()
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        assert zlib.decompress(encoded, wbits) == data
    finally:
        set_zlib_backend(zlib)


def test_backends_are_importable_in_the_test_environment() -> None:
    # The test group installs both, so the parametrized test above really runs.
    for name in BACKENDS:
        assert importlib.util.find_spec(name.split(".")[0]) is not None
