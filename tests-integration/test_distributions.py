"""Every installed distribution is well-formed: typed, documented, importable alone."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import pathlib
import pkgutil
import subprocess
import sys
import types

import pytest

from _repo import distributions

DISTS = distributions()


def _modules(import_name: str) -> list[str]:
    package = importlib.import_module(import_name)
    prefix = f"{import_name}."
    names = [info.name for info in pkgutil.walk_packages(package.__path__, prefix)]
    return sorted([import_name, *names])


ALL_MODULES = [name for imp in sorted(DISTS) for name in _modules(imp)]


@pytest.mark.parametrize("import_name", sorted(DISTS))
def test_installed_version_and_py_typed(import_name: str) -> None:
    module = importlib.import_module(import_name)
    version = importlib.metadata.version(DISTS[import_name].name)
    assert module.__version__ == version
    assert (pathlib.Path(module.__file__ or "").parent / "py.typed").is_file()


@pytest.mark.parametrize("module_name", ALL_MODULES)
def test_module_imports_alone_in_a_fresh_interpreter(module_name: str) -> None:
    # Catches import cycles that only show when a module is the first one imported.
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", f"import {module_name}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module_name", ALL_MODULES)
def test_module_declares_all_and_a_docstring(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no module docstring"
    if module_name.rsplit(".", 1)[-1] in {"_version"} or module_name.endswith(
        "__main__"
    ):
        return
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{module_name} has no __all__"
    # The order is ruff's job (RUF022, in the lint session); names must exist.
    assert len(set(exported)) == len(exported)
    for name in exported:
        assert hasattr(module, name), f"{module_name}.__all__ names missing {name}"


@pytest.mark.parametrize("import_name", sorted(DISTS))
def test_package_all_lists_exactly_the_public_names(import_name: str) -> None:
    # Submodules are reached by import, not listed (aiohttp lists only `hdrs`,
    # which the meta package will list too), so modules are left out both ways.
    package = importlib.import_module(import_name)
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    exported = {
        name
        for name in package.__all__
        if not isinstance(getattr(package, name), types.ModuleType)
    }
    assert exported - {"__version__"} == public


@pytest.mark.parametrize("import_name", sorted(DISTS))
def test_every_public_name_has_a_docstring(import_name: str) -> None:
    package = importlib.import_module(import_name)
    undocumented = [
        name
        for name in package.__all__
        if name != "__version__"
        and (
            inspect.isclass(getattr(package, name))
            or inspect.isroutine(getattr(package, name))
        )
        and not getattr(package, name).__doc__
    ]
    assert undocumented == []
