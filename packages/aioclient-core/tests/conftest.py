"""Shared setup for aioclient-core's tests.

pytest runs in importlib mode, which leaves sys.path alone; test helper modules
that live beside the tests (``_connector_helpers.py``) are made importable here.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
