"""Facts about the repository that the tools share: where the distributions are."""

from __future__ import annotations

import pathlib
import re
import tomllib
from dataclasses import dataclass
from typing import Any

__all__ = ["ROOT", "Distribution", "distributions", "requirement_name"]

ROOT = pathlib.Path(__file__).resolve().parent.parent

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Distribution:
    """One distribution under ``packages/``."""

    name: str
    path: pathlib.Path
    import_name: str
    dependencies: tuple[str, ...]

    @property
    def version_file(self) -> pathlib.Path:
        """The ``_version.py`` that holds the distribution's version."""
        return self.path / "src" / self.import_name / "_version.py"

    @property
    def source(self) -> pathlib.Path:
        """The import package's folder."""
        return self.path / "src" / self.import_name


def requirement_name(requirement: str) -> str:
    """Return the normalised project name of a PEP 508 requirement string."""
    match = _NAME.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def distributions() -> list[Distribution]:
    """Every distribution, read from ``packages/*/pyproject.toml``, sorted by name."""
    found = []
    for pyproject in sorted(ROOT.glob("packages/*/pyproject.toml")):
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        wheel = data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
        found.append(
            Distribution(
                name=data["project"]["name"],
                path=pyproject.parent,
                import_name=pathlib.PurePosixPath(wheel[0]).name,
                dependencies=tuple(data["project"].get("dependencies", [])),
            )
        )
    return found
