"""Sphinx configuration for the aioclient documentation site."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VERSION_FILE = ROOT / "packages/aioclient-all/src/aioclient/_version.py"
_match = re.search(r'__version__ = "([^"]+)"', _VERSION_FILE.read_text())
assert _match is not None

project = "aioclient"
author = "The aioclient developers"
copyright = "2026, The aioclient developers"
release = _match.group(1)
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}

# Docstrings follow the Google convention (ruff's pydocstyle setting).
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_class_signature = "separated"
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"aioclient {release}"
exclude_patterns = ["_build"]
# The build must never reach the network (CI has none), so no intersphinx.
