"""Shared setup for aioclient-core's tests.

pytest runs in importlib mode, which leaves sys.path alone; test helper modules
that live beside the tests (``_connector_helpers.py``) are made importable here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture(autouse=True)
def _restore_zlib_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo set_zlib_backend() and the cached default decoder after each test."""
    from aioclient_core._http import _zlib

    for name in ("_zlib_backend", "_backend_chosen", "_default_decoder"):
        monkeypatch.setattr(_zlib, name, getattr(_zlib, name))
