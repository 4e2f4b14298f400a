"""The "argument not given" marker, distinct from every real value including None.

Several aiohttp parameters treat "not passed" differently from ``None`` (for example
``keepalive_timeout``: not passed means 15 s, ``None`` means keep forever).
"""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["SENTINEL", "Sentinel"]


class Sentinel(enum.Enum):
    """The type of :data:`SENTINEL` (an enum, so type checkers can narrow on it)."""

    SENTINEL = enum.auto()

    def __repr__(self) -> str:
        return "<sentinel>"


#: Marks a parameter the caller did not pass.
SENTINEL: Final[Literal[Sentinel.SENTINEL]] = Sentinel.SENTINEL
