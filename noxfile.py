"""The task entry point for the aioclient monorepo.

Every check that CI runs is a session here, so a contributor can run exactly what CI
runs. ``python run.py test`` (the README's test command) runs the default sessions.

Sessions:

* ``tests(package)``: a fresh environment with only that distribution, its in-repo
  dependencies (all editable, installed in one pip call) and the test tools, then the
  distribution's own ``tests/``. This is what proves that a leaf is a leaf.
* ``build``: every sdist, and every wheel built from its sdist, into ``dist/``.
* ``isolation(package)``: a fresh environment with only that distribution's built wheel
  (``--find-links`` to the others), ``pip check``, import, and the distribution's tests
  against the installed wheel rather than the source tree.
* ``integration``: everything installed, then ``tests-integration/``.
* ``mypy``, ``lint``, ``docs``: strict typing, ruff and repository rules, Sphinx.
* ``fuzz``: every atheris harness in ``fuzz/`` for a bounded time each.
* ``demo``, ``dev``, ``changelog``, ``bump``: see their docstrings.
"""

from __future__ import annotations

import dataclasses
import graphlib
import pathlib
import re
import shutil
import sys
from collections.abc import Iterable
from typing import Any

import nox

nox.needs_version = ">=2025.5.1"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "tests",
    "isolation",
    "integration",
    "mypy",
    "lint",
    "docs",
    "fuzz",
]

ROOT = pathlib.Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
DIST_DIR = ROOT / "dist"
SIBLING_PREFIX = "aioclient-"


@dataclasses.dataclass(frozen=True)
class Package:
    """One distribution under ``packages/``, as its pyproject.toml describes it."""

    name: str
    path: pathlib.Path
    import_name: str
    siblings: tuple[str, ...]

    @property
    def tests(self) -> str:
        """The distribution's test directory, relative to the repository root."""
        return str((self.path / "tests").relative_to(ROOT))


def _requirement_name(requirement: str) -> str:
    """Return the project name of a PEP 508 requirement string."""
    for index, char in enumerate(requirement):
        if not (char.isalnum() or char in "-_."):
            return requirement[:index].strip().lower()
    return requirement.strip().lower()


def _discover() -> dict[str, Package]:
    packages: dict[str, Package] = {}
    for pyproject in sorted(ROOT.glob("packages/*/pyproject.toml")):
        data: dict[str, Any] = nox.project.load_toml(pyproject)
        project = data["project"]
        (wheel_package,) = data["tool"]["hatch"]["build"]["targets"]["wheel"][
            "packages"
        ]
        siblings = tuple(
            name
            for name in map(_requirement_name, project.get("dependencies", []))
            if name.startswith(SIBLING_PREFIX)
        )
        packages[project["name"]] = Package(
            name=project["name"],
            path=pyproject.parent,
            import_name=pathlib.PurePosixPath(wheel_package).name,
            siblings=siblings,
        )
    return packages


def _in_graph_order(packages: dict[str, Package]) -> dict[str, Package]:
    """Leaves first, the meta distribution last: the order to test and publish in."""
    sorter = graphlib.TopologicalSorter({p.name: p.siblings for p in packages.values()})
    sorter.prepare()
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered += ready
        sorter.done(*ready)
    return {name: packages[name] for name in ordered}


PACKAGES = _in_graph_order(_discover())


def _closure(name: str) -> list[Package]:
    """The distribution and every in-repo distribution it depends on, transitively."""
    seen: dict[str, Package] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen[current] = PACKAGES[current]
            pending.extend(PACKAGES[current].siblings)
    return sorted(seen.values(), key=lambda package: package.name)


def _group(*names: str) -> list[str]:
    requirements: list[str] = []
    for name in names:
        requirements.extend(nox.project.dependency_groups(PYPROJECT, name))
    return requirements


def _editable(packages: Iterable[Package]) -> list[str]:
    args: list[str] = []
    for package in packages:
        args += ["-e", str(package.path)]
    return args


def _fresh(session: nox.Session) -> list[str]:
    """Installer flags that never reuse a cached build of our own packages.

    Every distribution keeps the version X.Y.Z.devN between releases, and uv keys
    its cache of local builds by version and pyproject.toml only, so without this
    an install could silently use yesterday's code.
    """
    return ["--refresh", "--reinstall"] if session.venv_backend == "uv" else []


def _pip_check(session: nox.Session) -> None:
    if session.venv_backend == "uv":
        session.run("uv", "pip", "check")
    else:
        session.run("python", "-m", "pip", "check")


@nox.session
@nox.parametrize("package", list(PACKAGES))
def tests(session: nox.Session, package: str) -> None:
    """Run one distribution's tests with only it and its in-repo dependencies."""
    session.install(*_group("test"), *_editable(_closure(package)))
    session.run("pytest", PACKAGES[package].tests, *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build every sdist, and every wheel from its sdist, into dist/."""
    session.install(*_group("release"))
    shutil.rmtree(DIST_DIR, ignore_errors=True)
    for package in PACKAGES.values():
        # Without --sdist/--wheel, build makes the sdist first and the wheel from it,
        # so a file missing from the sdist breaks the wheel (and this session).
        session.run(
            "python", "-m", "build", "--no-isolation", "--outdir", str(DIST_DIR),
            str(package.path), silent=True,
        )  # fmt: skip
    session.run("twine", "check", "--strict", *map(str, sorted(DIST_DIR.iterdir())))


@nox.session(requires=["build"])
@nox.parametrize("package", list(PACKAGES))
def isolation(session: nox.Session, package: str) -> None:
    """Install only one built wheel and run its tests against the installed copy."""
    target = PACKAGES[package]
    (wheel,) = DIST_DIR.glob(f"{target.name.replace('-', '_')}-*.whl")
    session.install(str(wheel), "--find-links", str(DIST_DIR), *_fresh(session))
    _pip_check(session)
    session.run(
        "python", "-c",
        f"import {target.import_name} as m; "
        "assert 'site-packages' in m.__file__, m.__file__; print(m.__file__)",
    )  # fmt: skip
    session.install(*_group("test"))
    # pytest's importlib mode leaves sys.path alone and src/ is not on it, so the tests
    # can only import the installed wheel (the assertion above checks the same).
    session.run("pytest", target.tests, "-p", "no:cacheprovider", *session.posargs)


@nox.session
def integration(session: nox.Session) -> None:
    """Install every distribution and run tests-integration/."""
    session.install(
        *_group("integration"),
        *(str(p.path) for p in PACKAGES.values()),
        *_fresh(session),
    )
    session.run("pytest", "tests-integration", *session.posargs)


@nox.session
def mypy(session: nox.Session) -> None:
    """Type-check every package, every test folder and the tooling with --strict."""
    session.install(*_group("typing"), *_editable(PACKAGES.values()))
    sources = [str(p.path / "src" / p.import_name) for p in PACKAGES.values()]
    session.run("mypy", *sources, "noxfile.py", "run.py", "tools", "examples")
    # Folders of scripts and tests are checked one at a time: each is its own
    # top-level namespace (conftest.py, benchmarks/run.py beside ./run.py), which
    # mypy cannot mix in one run.
    folders = [
        *(p.tests for p in PACKAGES.values()),
        "tests-integration",
        "benchmarks",
        "fuzz",
    ]
    for folder in folders:
        session.run("mypy", folder)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff check and format, module sizes, lockstep versions, exact sibling pins."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "tools/check_module_sizes.py")
    session.run("python", "tools/check_versions.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors."""
    session.install(*_group("docs"), *_editable(PACKAGES.values()))
    out = ROOT / "docs" / "_build" / "html"
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", str(out))


#: Findings the fuzzers may still report that are accepted (each harness
#: documents its tags; fuzz/README.md says why): a body part in an unknown
#: charset raises LookupError from text()/json()/form(), as in aiohttp; the
#: zstd module's streaming decoder accepts some corrupt frames that decode to
#: nothing, depending on how the input is split (frames that would deliver
#: fewer bytes than they declare are refused by aioclient).
FUZZ_ACCEPTED = "charset-lookup,zstd-eof-quirk"


@nox.session
def fuzz(session: nox.Session) -> None:
    """Run every harness in ``fuzz/``, one after another: ``nox -s fuzz -- 300``.

    The argument is the seconds per harness (default 15, what CI runs); corpora,
    logs and crash inputs go under the session's temporary directory, printed
    at the end of a failing harness's log.
    """
    session.install(*_group("fuzz"), *_editable(PACKAGES.values()))
    seconds = session.posargs[0] if session.posargs else "15"
    out = session.create_tmp()
    session.run(
        "bash",
        "fuzz/run_all.sh",
        seconds,
        "python",
        env={"FUZZ_OUT": out, "FUZZ_IGNORE": FUZZ_ACCEPTED},
        external=True,
    )


@nox.session
def changelog(session: nox.Session) -> None:
    """Render the pending changelog fragments without consuming them."""
    session.install(*_group("release"))
    session.run("towncrier", "build", "--draft", "--version", _version())


@nox.session
def demo(session: nox.Session) -> None:
    """Install aioclient (every distribution) and run the demo."""
    session.install(*(str(p.path) for p in PACKAGES.values()), *_fresh(session))
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session(venv_backend="none")
def dev(session: nox.Session) -> None:
    """Create .venv with every distribution editable and every tool, for IDEs."""
    venv = ROOT / ".venv"
    session.run(sys.executable, "-m", "venv", "--clear", str(venv))
    python = venv / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    groups = ["integration", "typing", "lint", "docs", "release"]
    # One pip call with one -e per package: `pip install -e packages/*` would make
    # only the first one editable.
    session.run(
        str(python), "-m", "pip", "install", *_group(*groups),
        *_editable(PACKAGES.values()),
    )  # fmt: skip
    session.log(f"Activate with: source {venv.relative_to(ROOT)}/bin/activate")


@nox.session(venv_backend="none")
def bump(session: nox.Session) -> None:
    """Set one new version everywhere: ``nox -s bump -- 1.2.0``."""
    if len(session.posargs) != 1:
        session.error("usage: nox -s bump -- NEW_VERSION")
    session.run(sys.executable, "tools/bump_version.py", session.posargs[0])


def _version() -> str:
    version_file = ROOT / "packages/aioclient-all/src/aioclient/_version.py"
    match = re.search(r'^__version__ = "([^"]+)"$', version_file.read_text(), re.M)
    if match is None:
        raise RuntimeError(f"no __version__ in {version_file}")
    return match.group(1)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark aioclient against aiohttp and httpx: ``nox -s bench -- --quick``.

    Installs every distribution (editable; aioclient-core with its speedups
    extra) and the ``bench`` group, then runs
    ``benchmarks/run.py`` with the arguments after ``--``; without any, every
    scenario, five rounds, on asyncio's loop and on uvloop. Not a default session.
    """
    others = [pkg for name, pkg in PACKAGES.items() if name != "aioclient-core"]
    core = PACKAGES["aioclient-core"].path
    session.install(*_group("bench"), *_editable(others), "-e", f"{core}[speedups]")
    session.run("python", "benchmarks/run.py", *session.posargs)
