"""Read the repository's own layout: distributions, their sources and their imports.

The graph tests read files rather than trusting installed metadata, so they see what
the code really imports (including imports under ``TYPE_CHECKING``).
"""

from __future__ import annotations

import ast
import pathlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["ROOT", "Distribution", "ImportSite", "distributions", "imports_in"]

ROOT = pathlib.Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Distribution:
    """A distribution under packages/, as its pyproject.toml declares it."""

    name: str
    import_name: str
    source: pathlib.Path
    siblings: frozenset[str]


@dataclass(frozen=True)
class ImportSite:
    """One imported module name and where the import statement sits."""

    module: str
    path: pathlib.Path
    line: int
    top_level: bool


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match is not None, requirement
    return match.group(1).lower().replace("_", "-")


def distributions() -> dict[str, Distribution]:
    """Every distribution keyed by its import name."""
    found: dict[str, Distribution] = {}
    for pyproject in sorted(ROOT.glob("packages/*/pyproject.toml")):
        data: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        wheel = data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"][0]
        import_name = pathlib.PurePosixPath(wheel).name
        deps = {_requirement_name(r) for r in data["project"].get("dependencies", [])}
        found[import_name] = Distribution(
            name=data["project"]["name"],
            import_name=import_name,
            source=pyproject.parent / "src" / import_name,
            siblings=frozenset(d for d in deps if d.startswith("aioclient")),
        )
    return found


def _walk(
    node: ast.AST, path: pathlib.Path, *, top_level: bool
) -> Iterator[ImportSite]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield ImportSite(alias.name, path, child.lineno, top_level)
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            yield ImportSite(child.module, path, child.lineno, top_level)
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute | ast.Name)
            and getattr(child.func, "attr", getattr(child.func, "id", ""))
            in {"import_module", "__import__"}
            and child.args
            and isinstance(child.args[0], ast.Constant)
            and isinstance(child.args[0].value, str)
        ):
            # importlib.import_module("x") hides an import from the statements above.
            yield ImportSite(child.args[0].value, path, child.lineno, top_level)
        inner = top_level and not isinstance(
            child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
        )
        yield from _walk(child, path, top_level=inner)


def imports_in(source: pathlib.Path) -> list[ImportSite]:
    """Every absolute import in every module under ``source``.

    ``top_level`` is False only for imports inside a function body (lazy imports);
    imports under ``if TYPE_CHECKING:`` count as top level.
    """
    sites: list[ImportSite] = []
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        sites.extend(_walk(tree, path, top_level=True))
    return sites
