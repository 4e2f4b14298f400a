"""Set one new version on every distribution and every exact sibling pin.

Usage: ``python tools/bump_version.py 1.2.0`` (or ``nox -s bump -- 1.2.0``).
"""

from __future__ import annotations

import re
import sys

from packaging.version import InvalidVersion, Version

from _repo import distributions, requirement_name


def bump(new_version: str) -> None:
    """Rewrite every ``_version.py`` and every sibling pin to ``new_version``."""
    dists = distributions()
    names = {dist.name for dist in dists}
    for dist in dists:
        dist.version_file.write_text(
            re.sub(
                r'^__version__ = "[^"]+"$',
                f'__version__ = "{new_version}"',
                dist.version_file.read_text(encoding="utf-8"),
                flags=re.MULTILINE,
            ),
            encoding="utf-8",
        )
        pyproject = dist.path / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        for requirement in dist.dependencies:
            if requirement_name(requirement) in names:
                pinned = f"{requirement_name(requirement)}=={new_version}"
                text = text.replace(f'"{requirement}"', f'"{pinned}"')
        pyproject.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Validate the argument and bump."""
    if len(argv) != 1:
        print("usage: bump_version.py NEW_VERSION", file=sys.stderr)
        return 2
    try:
        Version(argv[0])
    except InvalidVersion:
        print(f"error: {argv[0]!r} is not a valid version", file=sys.stderr)
        return 2
    bump(argv[0])
    print(f"every distribution is now at {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
