"""Fail unless every distribution has the same version and pins its siblings exactly.

Versions move in lockstep (DESIGN.md): each ``_version.py`` holds the same version,
and every requirement on another ``aioclient-*`` distribution is ``==`` that version.
"""

from __future__ import annotations

import re
import sys

from _repo import distributions, requirement_name

_VERSION = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


def read_version(text: str) -> str | None:
    """Return the version assigned in a ``_version.py`` text, if any."""
    match = _VERSION.search(text)
    return match.group(1) if match else None


def problems() -> list[str]:
    """Every disagreement between versions and sibling pins."""
    found: list[str] = []
    dists = distributions()
    names = {dist.name for dist in dists}
    versions = {
        dist.name: read_version(dist.version_file.read_text(encoding="utf-8"))
        for dist in dists
    }
    distinct = set(versions.values())
    if None in distinct:
        found += [f"{name}: no __version__" for name, v in versions.items() if not v]
    if len(distinct) != 1:
        found.append(f"versions are not in lockstep: {versions}")
    expected = next(iter(distinct))
    for dist in dists:
        for requirement in dist.dependencies:
            name = requirement_name(requirement)
            if name not in names:
                continue
            specifier = requirement[len(name) :].replace(" ", "")
            if specifier != f"=={expected}":
                found.append(
                    f"{dist.name}: sibling requirement {requirement!r} "
                    f"is not an exact pin '{name}=={expected}'"
                )
    return found


def main() -> int:
    """Print problems; return 1 if there are any."""
    found = problems()
    for problem in found:
        print(f"error: {problem}")
    if not found:
        print(f"versions ok: {len(distributions())} distributions in lockstep")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
