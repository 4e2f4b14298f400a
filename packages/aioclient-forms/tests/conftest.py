"""Make the helper module beside the tests importable.

pytest runs in importlib mode, which leaves sys.path alone; ``_forms_helpers``
holds the stream test doubles shared by the test modules.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
