"""The distribution graph of DESIGN.md, checked from pyprojects and real imports."""

from __future__ import annotations

import graphlib

import pytest

from _repo import distributions, imports_in

DISTS = distributions()
BY_NAME = {dist.name: dist for dist in DISTS.values()}
DISTS_BY_DIST_NAME = {dist.name: imp for imp, dist in DISTS.items()}
LEAVES = ("aioclient_auth", "aioclient_cookies", "aioclient_forms")

# The graph DESIGN.md fixes. A change here is a design change, not a test fix.
EXPECTED = {
    "aioclient-auth": set(),
    "aioclient-cookies": set(),
    "aioclient-forms": set(),
    "aioclient-core": {"aioclient-auth", "aioclient-cookies", "aioclient-forms"},
    "aioclient-ws": {"aioclient-core"},
    "aioclient-all": {
        "aioclient-auth",
        "aioclient-cookies",
        "aioclient-core",
        "aioclient-forms",
        "aioclient-ws",
    },
}


def test_declared_graph_is_the_designed_one() -> None:
    assert {name: set(d.siblings) for name, d in BY_NAME.items()} == EXPECTED


def test_declared_graph_has_no_cycles() -> None:
    sorter = graphlib.TopologicalSorter(
        {name: dist.siblings for name, dist in BY_NAME.items()}
    )
    order = list(sorter.static_order())  # raises CycleError on a cycle
    assert order.index("aioclient-core") > order.index("aioclient-auth")


def _sibling_imports(import_name: str) -> dict[str, list[str]]:
    """Sibling import names used by a distribution, with where they happen."""
    found: dict[str, list[str]] = {}
    for site in imports_in(DISTS[import_name].source):
        top = site.module.split(".")[0]
        if top in DISTS and top != import_name:
            where = f"{site.path.name}:{site.line}{'' if site.top_level else ' (lazy)'}"
            found.setdefault(top, []).append(where)
    return found


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_no_sibling(leaf: str) -> None:
    # Not even under TYPE_CHECKING, and not lazily: a leaf must work alone.
    assert _sibling_imports(leaf) == {}


@pytest.mark.parametrize("import_name", sorted(DISTS))
def test_imports_follow_declared_dependencies(import_name: str) -> None:
    dist = DISTS[import_name]
    allowed = {DISTS_BY_DIST_NAME[name] for name in dist.siblings}
    used = _sibling_imports(import_name)
    undeclared = {
        top: where
        for top, where in used.items()
        if top not in allowed and not _is_allowed_lazy(import_name, top, where)
    }
    assert undeclared == {}


def _is_allowed_lazy(importer: str, imported: str, where: list[str]) -> bool:
    # DESIGN.md: ClientSession.ws_connect lives in core and imports aioclient_ws
    # lazily; that is the only import against the graph's direction.
    return (
        importer == "aioclient_core"
        and imported == "aioclient_ws"
        and all(w.endswith("(lazy)") for w in where)
    )


def test_ws_reaches_core_internals_only_through_the_sibling_api() -> None:
    private = sorted(
        f"{site.module} at {site.path.name}:{site.line}"
        for site in imports_in(DISTS["aioclient_ws"].source)
        if site.module.startswith("aioclient_core._")
        and site.module != "aioclient_core._sibling_api"
    )
    assert private == []
