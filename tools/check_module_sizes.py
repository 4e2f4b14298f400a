"""Fail when a library module is over the hard line budget; warn over the soft one.

The budget (500 lines soft, 800 hard) keeps every module small enough to read in one
sitting; see CONTRIBUTING.md. Only library sources under ``packages/*/src`` count.
"""

from __future__ import annotations

import sys

from _repo import ROOT, distributions

SOFT_LIMIT = 500
HARD_LIMIT = 800


def main() -> int:
    """Report module sizes; return 1 if any module is over the hard limit."""
    failed = False
    for dist in distributions():
        for module in sorted(dist.source.rglob("*.py")):
            with module.open(encoding="utf-8") as handle:
                lines = sum(1 for _ in handle)
            where = module.relative_to(ROOT)
            if lines > HARD_LIMIT:
                print(f"error: {where} has {lines} lines (hard limit {HARD_LIMIT})")
                failed = True
            elif lines > SOFT_LIMIT:
                print(f"warning: {where} has {lines} lines (budget {SOFT_LIMIT})")
    if not failed:
        print(f"module sizes ok (hard limit {HARD_LIMIT} lines)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
