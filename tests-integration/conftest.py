"""Shared setup for the integration tests.

pytest runs in importlib mode, which leaves sys.path alone; the helpers that live
beside the tests (``_repo.py`` and friends) are made importable here.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from yarl import URL

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def upload_file(tmp_path: Path) -> Path:
    """A file of ``_uploads.SIZE`` bytes of ``_uploads.content()``."""
    from _uploads import content

    path = tmp_path / "upload.bin"
    path.write_bytes(content())
    return path


@pytest.fixture
async def digest_url() -> AsyncIterator[URL]:
    """The base URL of a running ``_uploads.digest_app()`` server."""
    from _servers import serve_app
    from _uploads import digest_app

    async with serve_app(digest_app()) as base:
        yield base
