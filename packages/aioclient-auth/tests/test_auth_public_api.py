"""The public namespace of aioclient_auth is exactly what __all__ declares."""

import ast
import inspect
import re
import types
from pathlib import Path

import aioclient_auth

EXPECTED = [
    "BasicAuth",
    "Fingerprint",
    "FingerprintMismatch",
    "__version__",
    "basicauth_from_netrc",
    "encode_basic_auth",
    "netrc_from_env",
]


def _public_names() -> set[str]:
    return {
        name
        for name, value in vars(aioclient_auth).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_is_sorted() -> None:
    assert aioclient_auth.__all__ == sorted(aioclient_auth.__all__)


def test_all_is_the_documented_list() -> None:
    assert aioclient_auth.__all__ == EXPECTED


def test_all_matches_public_namespace() -> None:
    assert set(aioclient_auth.__all__) - {"__version__"} == _public_names()


def test_every_name_in_all_resolves() -> None:
    for name in aioclient_auth.__all__:
        assert hasattr(aioclient_auth, name), name


def test_public_names_have_docstrings() -> None:
    for name in _public_names():
        doc = inspect.getdoc(getattr(aioclient_auth, name))
        assert doc, f"{name} has no docstring"


def test_public_methods_and_properties_have_docstrings() -> None:
    for class_name in ("BasicAuth", "Fingerprint", "FingerprintMismatch"):
        cls = getattr(aioclient_auth, class_name)
        for attr, value in vars(cls).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, classmethod | staticmethod | property) or callable(
                value
            ):
                assert inspect.getdoc(getattr(cls, attr)), f"{class_name}.{attr}"


def test_package_has_module_docstring() -> None:
    assert aioclient_auth.__doc__
    assert aioclient_auth.__doc__.strip()


def test_version_is_a_pep440_string() -> None:
    assert isinstance(aioclient_auth.__version__, str)
    assert re.fullmatch(
        r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?",
        aioclient_auth.__version__,
    )


def test_classes_are_exported_from_the_package() -> None:
    # The repr and pickling rely on the public module path, not the private one.
    for name in ("BasicAuth", "Fingerprint", "FingerprintMismatch"):
        cls = getattr(aioclient_auth, name)
        assert cls.__name__ == name
        assert cls.__module__.startswith("aioclient_auth")


def test_no_sibling_or_forbidden_imports() -> None:
    # aioclient-auth is a leaf: stdlib + yarl only.
    forbidden = (
        "aiohttp",
        "httpx",
        "requests",
        "pickle",
        "aioclient",
        "aioclient_core",
        "aioclient_cookies",
        "aioclient_forms",
        "aioclient_ws",
    )
    src = Path(aioclient_auth.__file__).parent
    for path in src.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                assert root not in forbidden, f"{path.name} imports {root}"
