"""The zlib-compatible backend for gzip and deflate, and the request-body compressor.

aiohttp's ``set_zlib_backend()`` lets a program swap the standard library's
``zlib`` for a faster module with the same API (``zlib_ng.zlib_ng``,
``isal.isal_zlib``). The choice lives here, in one place, for the decoders of
:mod:`._decompress` and for :class:`ZLibCompressor`, which compresses request
bodies (``compress=``).
"""

import importlib
import zlib
from types import ModuleType
from typing import Any

__all__ = [
    "ZLibCompressor",
    "decoding_backend",
    "get_zlib_backend",
    "optional_module",
    "set_zlib_backend",
]

_REQUIRED_ZLIB_ATTRS = (
    "compressobj",
    "decompressobj",
    "MAX_WBITS",
    "Z_DEFAULT_COMPRESSION",
    "Z_FINISH",
    "Z_SYNC_FLUSH",
)
_zlib_backend: ModuleType = zlib
#: True once the program chose a backend with set_zlib_backend().
_backend_chosen = False
#: The module decoders use while nobody chose one (see decoding_backend()).
_default_decoder: ModuleType | None = None
#: Tried in order for decoding when no backend was chosen: zlib-ng inflates
#: about twice as fast as zlib and yields the same bytes (decoding has exactly
#: one correct output), so choosing it is invisible except for speed.
_FAST_DECODERS = ("zlib_ng.zlib_ng",)


def set_zlib_backend(new_zlib_backend: ModuleType) -> None:
    """Use another zlib-compatible module (e.g. ``zlib_ng.zlib_ng``) for gzip/deflate.

    Affects decoders and compressors created afterwards. Once a module is set
    (even ``zlib`` itself), responses are decoded with it too, instead of the
    default that :func:`decoding_backend` describes.

    Args:
        new_zlib_backend: Module exposing zlib's ``compressobj`` and
            ``decompressobj`` API and constants.

    Raises:
        TypeError: The module lacks part of the zlib API.
    """
    missing = _missing_zlib_parts(new_zlib_backend)
    if missing:
        raise TypeError(
            f"{getattr(new_zlib_backend, '__name__', new_zlib_backend)!r} "
            "is not a zlib-compatible module: "
            f"missing {', '.join(missing)}"
        )
    global _zlib_backend, _backend_chosen
    _zlib_backend = new_zlib_backend
    _backend_chosen = True


def get_zlib_backend() -> ModuleType:
    """Return the zlib-compatible module currently in use.

    Returns:
        The module set by :func:`set_zlib_backend` (``zlib`` by default):
        what compresses request bodies, and what decodes responses once a
        module was set (see :func:`decoding_backend` for the default).
    """
    return _zlib_backend


def decoding_backend() -> ModuleType:
    """Return the module that decodes ``gzip`` and ``deflate`` responses.

    The module passed to :func:`set_zlib_backend`, once one was. Until then,
    ``zlib_ng.zlib_ng`` when it is importable (``aioclient-core[speedups]``
    installs it), else the standard library's ``zlib``. Compression keeps
    using :func:`get_zlib_backend`, so request bodies are byte-for-byte what
    ``zlib`` produces unless the program chose otherwise.

    Returns:
        A zlib-compatible module.
    """
    if _backend_chosen:
        return _zlib_backend
    global _default_decoder
    if _default_decoder is None:
        found = optional_module(*_FAST_DECODERS)
        usable = found is not None and not _missing_zlib_parts(found)
        _default_decoder = found if usable else zlib
    return _default_decoder


def _missing_zlib_parts(module: object) -> list[str]:
    """The parts of the zlib API the coders use that ``module`` lacks."""
    return [name for name in _REQUIRED_ZLIB_ATTRS if not hasattr(module, name)]


def optional_module(*names: str) -> Any:
    """Import the first importable module among ``names`` (or return None)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


class ZLibCompressor:
    """Compresses a request body for ``Content-Encoding: deflate`` or ``gzip``.

    Args:
        encoding: ``"deflate"`` (zlib wrapper, RFC 1950) or ``"gzip"``.
        level: Compression level; the backend's default when None.

    Raises:
        ValueError: Unknown encoding.
    """

    __slots__ = ("_obj", "encoding")

    def __init__(self, encoding: str = "deflate", level: int | None = None) -> None:
        if encoding not in ("gzip", "deflate"):
            raise ValueError(f"Unsupported compression encoding {encoding!r}")
        backend = _zlib_backend
        max_wbits: int = backend.MAX_WBITS
        self.encoding = encoding
        self._obj: Any = backend.compressobj(
            level=backend.Z_DEFAULT_COMPRESSION if level is None else level,
            wbits=16 + max_wbits if encoding == "gzip" else max_wbits,
        )

    def compress(self, data: bytes) -> bytes:
        """Compress the next part of the body.

        Args:
            data: Uncompressed bytes.

        Returns:
            Compressed bytes produced so far (may be empty).
        """
        out: bytes = self._obj.compress(data)
        return out

    def flush(self) -> bytes:
        """Finish the stream.

        Returns:
            The remaining compressed bytes, including the stream trailer.
        """
        out: bytes = self._obj.flush(_zlib_backend.Z_FINISH)
        return out
