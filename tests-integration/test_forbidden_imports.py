"""Library code never imports other HTTP clients or unsafe deserialisers."""

from __future__ import annotations

import pathlib

import pytest

from _repo import distributions, imports_in

FORBIDDEN = {"aiohttp", "httpx", "requests", "pickle", "marshal", "shelve"}


@pytest.mark.parametrize("import_name", sorted(distributions()))
def test_library_code_imports_nothing_forbidden(import_name: str) -> None:
    source = distributions()[import_name].source
    offending = sorted(
        f"{site.path.relative_to(source)}:{site.line} imports {site.module}"
        for site in imports_in(source)
        if site.module.split(".")[0] in FORBIDDEN
    )
    assert offending == []


def test_the_import_reader_sees_lazy_and_type_checking_imports(
    tmp_path: pathlib.Path,
) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import aiohttp\n"
        "def f():\n    import httpx\n"
        "import importlib\nimportlib.import_module('requests')\n"
    )
    sites = {(s.module, s.top_level) for s in imports_in(tmp_path)}
    assert {("aiohttp", True), ("httpx", False), ("requests", True)} <= sites
