import inspect
import types

import aioclient_cookies
import aioclient_cookies.abc
from aioclient_cookies import (
    AbstractCookieJar,
    CookieJar,
    DummyCookieJar,
    LooseCookies,
    __version__,
)


def _public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_is_sorted_and_complete() -> None:
    exported = aioclient_cookies.__all__
    assert exported == sorted(exported)
    assert set(exported) == _public_names(aioclient_cookies) | {"__version__"}
    assert exported == [
        "AbstractCookieJar",
        "CookieJar",
        "DummyCookieJar",
        "LooseCookies",
        "__version__",
        "response_cookies",
    ]


def test_abc_module_exports() -> None:
    exported = aioclient_cookies.abc.__all__
    assert exported == sorted(exported)
    assert exported == ["AbstractCookieJar", "ClearCookiePredicate"]
    assert aioclient_cookies.abc.AbstractCookieJar is AbstractCookieJar


def test_every_public_name_is_documented() -> None:
    for name in aioclient_cookies.__all__:
        obj = getattr(aioclient_cookies, name)
        if inspect.isclass(obj):
            assert inspect.getdoc(obj), name
            for member_name, member in vars(obj).items():
                if member_name.startswith("_"):
                    continue
                if callable(member) or isinstance(member, property):
                    assert inspect.getdoc(member), f"{name}.{member_name}"
    assert aioclient_cookies.__doc__
    assert aioclient_cookies.abc.__doc__


def test_version_is_a_string() -> None:
    assert isinstance(__version__, str)
    assert __version__ == aioclient_cookies.__version__


def test_loose_cookies_is_a_runtime_type_alias() -> None:
    # core imports the alias; it must be a real typing object, not a string.
    assert isinstance(LooseCookies, types.UnionType)
    assert "Mapping" in repr(LooseCookies)
    assert "BaseCookie" in repr(LooseCookies)


def test_jars_implement_the_abc() -> None:
    assert issubclass(CookieJar, AbstractCookieJar)
    assert issubclass(DummyCookieJar, AbstractCookieJar)


def test_private_modules_declare_all() -> None:
    from aioclient_cookies import (
        _dates,
        _dummy,
        _jar,
        _matching,
        _parsing,
        _persistence,
        _scope,
        _types,
    )

    modules = (_dates, _dummy, _jar, _matching, _parsing, _persistence, _scope, _types)
    for module in modules:
        assert module.__doc__, module.__name__
        # Order is enforced by ruff (RUF022); here: present, unique, defined.
        assert len(set(module.__all__)) == len(module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)


def test_library_does_not_import_forbidden_modules() -> None:
    import pathlib

    source_dir = pathlib.Path(aioclient_cookies.__file__).parent
    for path in source_dir.glob("*.py"):
        text = path.read_text()
        for forbidden in ("aiohttp", "pickle", "httpx", "requests", "aioclient_"):
            assert f"import {forbidden}" not in text, (path.name, forbidden)
            assert f"from {forbidden}" not in text, (path.name, forbidden)
