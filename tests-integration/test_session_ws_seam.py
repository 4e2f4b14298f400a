"""ws_connect lives on the session and loads aioclient-ws only when called."""

from __future__ import annotations

import subprocess
import sys

import pytest

import aioclient


async def test_ws_connect_says_websockets_are_not_there_yet() -> None:
    async with aioclient.ClientSession() as session:
        with pytest.raises(NotImplementedError, match="WebSocket support"):
            session.ws_connect("ws://127.0.0.1:9/")


def test_core_imports_without_loading_the_websocket_package() -> None:
    code = "import sys, aioclient_core; assert 'aioclient_ws' not in sys.modules"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_ws_connect_without_the_package_names_the_distribution() -> None:
    code = """
import asyncio, sys
sys.modules["aioclient_ws"] = None  # as if aioclient-ws were not installed
import aioclient_core

async def main():
    async with aioclient_core.ClientSession() as session:
        try:
            session.ws_connect("ws://127.0.0.1:9/")
        except ModuleNotFoundError as exc:
            assert "pip install aioclient-ws" in str(exc), exc
        else:
            raise AssertionError("no error")

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
