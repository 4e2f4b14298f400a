"""Run the project's tasks from a fresh clone with nothing but Python and pip.

Usage::

    python run.py demo            # install aioclient and run the demo
    python run.py test            # every test session CI runs
    python run.py nox -- ARGS     # any nox invocation, e.g. `python run.py nox -- -l`

The first run creates ``.tools-venv/`` with the pinned task runner
(``tools/requirements-nox.txt``); later runs reuse it and refresh it only when that
file changes. Everything else (test servers, packages, linters) is installed by the
nox sessions themselves, into their own environments.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import venv

ROOT = pathlib.Path(__file__).resolve().parent
TOOLS_VENV = ROOT / ".tools-venv"
REQUIREMENTS = ROOT / "tools" / "requirements-nox.txt"
STAMP = TOOLS_VENV / "requirements.sha256"
# The sessions CI runs: keep in sync with nox.options.sessions in noxfile.py.
TEST_SESSIONS = ["tests", "isolation", "integration", "mypy", "lint", "docs", "fuzz"]


def _venv_python() -> pathlib.Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return TOOLS_VENV / folder / ("python.exe" if os.name == "nt" else "python")


def _ensure_tools() -> pathlib.Path:
    """Create or refresh the task-runner environment; return its interpreter."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = _venv_python()
    if python.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return python
    print(f"run.py: preparing {TOOLS_VENV.name}/ with {REQUIREMENTS.name}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS_VENV)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS], check=True
    )
    STAMP.write_text(digest)
    return python


def _summarise(report: pathlib.Path) -> tuple[int, int]:
    """Print one line per session from nox's JSON report; return (passed, failed)."""
    results = json.loads(report.read_text())["sessions"]
    passed = sum(1 for item in results if item["result"] in {"success", "skipped"})
    failed = len(results) - passed
    for item in results:
        print(f"  {item['result']:<8} {item['signatures'][0]}")
    return passed, failed


def main(argv: list[str]) -> int:
    """Dispatch ``demo``, ``test`` or ``nox``."""
    # Checked at run time on purpose: this script must explain itself on old Pythons.
    if sys.version_info < (3, 11):  # noqa: UP036
        print("aioclient needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"demo", "test", "nox"}:
        print(__doc__, file=sys.stderr)
        return 2
    nox = [str(_ensure_tools()), "-m", "nox", "--noxfile", str(ROOT / "noxfile.py")]
    command, rest = argv[0], [arg for arg in argv[1:] if arg != "--"]
    if command == "demo":
        return subprocess.call([*nox, "-s", "demo", *rest], cwd=ROOT)
    if command == "nox":
        return subprocess.call([*nox, *rest], cwd=ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        report = pathlib.Path(scratch) / "nox-report.json"
        code = subprocess.call(
            [*nox, "-s", *TEST_SESSIONS, "--report", str(report), *rest], cwd=ROOT
        )
        if report.exists():
            print("nox sessions:")
            passed, failed = _summarise(report)
            # A plain closing line that CI understands whatever the runner.
            print(f"sessions: {passed} passed, {failed} failed")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
