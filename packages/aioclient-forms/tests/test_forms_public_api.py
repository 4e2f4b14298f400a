"""The public namespace of aioclient_forms is exactly what __all__ declares."""

import ast
import builtins
import inspect
import types
from pathlib import Path

import aioclient_forms

EXPECTED = [
    "AsyncIterablePayload",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "ContentReader",
    "FileSender",
    "FormData",
    "IOBasePayload",
    "JsonBytesPayload",
    "JsonPayload",
    "LookupError",
    "MultipartHeaderError",
    "MultipartReader",
    "MultipartResponseWrapper",
    "MultipartWriter",
    "Order",
    "PAYLOAD_REGISTRY",
    "Payload",
    "PayloadRegistry",
    "PayloadWriter",
    "ResponseLike",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "__version__",
    "content_disposition_filename",
    "get_payload",
    "parse_content_disposition",
    "parse_mimetype",
    "payload_type",
    "register_payload",
    "streamer",
]

# Every name aiohttp 3.14 exports for this area (api-inventory section 2.3).
AIOHTTP_NAMES = {
    "FormData",
    "MultipartWriter",
    "MultipartReader",
    "BodyPartReader",
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "parse_content_disposition",
    "content_disposition_filename",
    "Payload",
    "BytesPayload",
    "StringPayload",
    "StringIOPayload",
    "IOBasePayload",
    "TextIOPayload",
    "BytesIOPayload",
    "BufferedReaderPayload",
    "JsonPayload",
    "AsyncIterablePayload",
    "PAYLOAD_REGISTRY",
    "get_payload",
    "payload_type",
    "streamer",
    "JsonBytesPayload",
    "MultipartResponseWrapper",
    "LookupError",
    "Order",
}


def _public_names() -> set[str]:
    return {
        name
        for name, value in vars(aioclient_forms).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_has_no_duplicates() -> None:
    # The order is enforced by ruff (RUF022) in the lint session.
    assert len(set(aioclient_forms.__all__)) == len(aioclient_forms.__all__)


def test_all_is_the_documented_list() -> None:
    assert sorted(aioclient_forms.__all__) == sorted(EXPECTED)


def test_all_matches_public_namespace() -> None:
    assert set(aioclient_forms.__all__) - {"__version__"} == _public_names()


def test_every_aiohttp_name_is_exported() -> None:
    assert set(aioclient_forms.__all__) >= AIOHTTP_NAMES


def test_public_names_have_docstrings() -> None:
    for name in _public_names() - {"PAYLOAD_REGISTRY"}:
        assert inspect.getdoc(getattr(aioclient_forms, name)), name


def test_public_methods_and_properties_have_docstrings() -> None:
    for name in _public_names():
        cls = getattr(aioclient_forms, name)
        if not inspect.isclass(cls) or issubclass(cls, BaseException):
            continue
        for attr, value in vars(cls).items():
            if attr.startswith("_") or not (
                isinstance(value, classmethod | staticmethod | property)
                or callable(value)
            ):
                continue
            if inspect.isclass(value):
                continue
            assert inspect.getdoc(getattr(cls, attr)), f"{name}.{attr}"


def test_lookup_error_is_its_own_class() -> None:
    # aiohttp.payload.LookupError is a plain Exception subclass, not the builtin.
    exported: object = aioclient_forms.LookupError
    assert exported is not builtins.LookupError
    assert issubclass(aioclient_forms.LookupError, Exception)
    assert not issubclass(aioclient_forms.LookupError, builtins.LookupError)


def test_warning_classes_are_runtime_warnings() -> None:
    assert issubclass(aioclient_forms.BadContentDispositionHeader, RuntimeWarning)
    assert issubclass(aioclient_forms.BadContentDispositionParam, RuntimeWarning)
    assert issubclass(aioclient_forms.MultipartHeaderError, ValueError)


def test_classes_live_in_the_package() -> None:
    for name in _public_names():
        value = getattr(aioclient_forms, name)
        if inspect.isclass(value):
            assert value.__module__.startswith("aioclient_forms"), name


def test_modules_are_private_with_all() -> None:
    src = Path(aioclient_forms.__file__).parent
    for path in src.glob("*.py"):
        if path.name == "__init__.py":
            continue
        assert path.name.startswith("_"), path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), path.name
        names: list[object] = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for node in [node.value]
            if isinstance(node, ast.List)
            for node in node.elts
            if isinstance(node, ast.Constant)
        ]
        assert names, path.name
        assert len(set(names)) == len(names), path.name


def test_no_sibling_or_forbidden_imports() -> None:
    # aioclient-forms is a leaf: stdlib + multidict + yarl only.
    allowed_third_party = {"multidict", "yarl"}
    forbidden = {
        "aiohttp",
        "httpx",
        "requests",
        "pickle",
        "aioclient",
        "aioclient_core",
        "aioclient_auth",
        "aioclient_cookies",
        "aioclient_ws",
    }
    import sys

    stdlib = set(sys.stdlib_module_names)
    src = Path(aioclient_forms.__file__).parent
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
                assert root in stdlib | allowed_third_party | {"__future__"}, root
