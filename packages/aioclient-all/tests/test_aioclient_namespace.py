import importlib.metadata

import aioclient
import aioclient.abc
import aioclient_auth
import aioclient_cookies
import aioclient_cookies.abc


def test_version_matches_installed_distribution() -> None:
    assert aioclient.__version__ == importlib.metadata.version("aioclient-all")


def test_reexports_are_the_leaf_objects_themselves() -> None:
    # Re-exports must be the same objects, not copies or subclasses: isinstance
    # checks and pickling across `aioclient` and the leaves depend on it.
    assert aioclient.BasicAuth is aioclient_auth.BasicAuth
    assert aioclient.Fingerprint is aioclient_auth.Fingerprint
    assert aioclient.encode_basic_auth is aioclient_auth.encode_basic_auth
    assert aioclient.CookieJar is aioclient_cookies.CookieJar
    assert aioclient.DummyCookieJar is aioclient_cookies.DummyCookieJar
    assert aioclient.abc.AbstractCookieJar is aioclient_cookies.abc.AbstractCookieJar


def test_pins_every_sibling_exactly() -> None:
    requires = importlib.metadata.requires("aioclient-all") or []
    version = aioclient.__version__
    siblings = sorted(r.replace(" ", "") for r in requires if r.startswith("aioclient"))
    assert siblings == [
        f"aioclient-{name}=={version}"
        for name in ("auth", "cookies", "core", "forms", "ws")
    ]


def test_import_aioclient_as_aiohttp_works_for_existing_names() -> None:
    import aioclient as aiohttp

    auth = aiohttp.BasicAuth("user", "pass")
    assert auth.encode() == "Basic dXNlcjpwYXNz"
    jar = aiohttp.CookieJar()
    assert len(jar) == 0
