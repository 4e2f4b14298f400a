"""Shared setup for the integration tests.

pytest runs in importlib mode, which leaves sys.path alone; the helpers that live
beside the tests (``_repo.py`` and friends) are made importable here.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
