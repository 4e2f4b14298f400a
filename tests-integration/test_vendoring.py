"""A user can copy one leaf into their own project and use it from there.

Each leaf's source is copied under ``someproject._vendor`` in a temporary folder and
exercised in a fresh interpreter in which the installed leaves cannot be imported, so
any absolute self-import or hidden sibling import in the copy fails the test.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

import aioclient_auth
import aioclient_cookies

BLOCK_INSTALLED = """
import sys

class _Blocker:
    # Any import of an installed aioclient distribution fails: the vendored copy
    # must be self-contained.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0].startswith("aioclient"):
            raise ImportError(f"vendored code imported {name}")
        return None

sys.meta_path.insert(0, _Blocker())
"""

AUTH_SCRIPT = """
from someproject._vendor.aioclient_auth import BasicAuth, Fingerprint, encode_basic_auth
import hashlib, yarl

auth = BasicAuth("alice", "s3cr:t")
assert auth.encode() == encode_basic_auth("alice", "s3cr:t", "latin1")
assert BasicAuth.decode(auth.encode()) == auth
url = yarl.URL("http://bob:pw@example.com/")
assert BasicAuth.from_url(url) == ("bob", "pw", "latin1")
digest = hashlib.sha256(b"certificate").digest()
assert Fingerprint(digest).fingerprint == digest
try:
    Fingerprint(hashlib.sha1(b"x").digest())
except ValueError:
    pass
else:
    raise AssertionError("sha1 pin accepted")
print("vendored auth ok")
"""

COOKIES_SCRIPT = """
import os, sys, tempfile
from http.cookies import SimpleCookie
from yarl import URL
from someproject._vendor.aioclient_cookies import CookieJar, DummyCookieJar
from someproject._vendor.aioclient_cookies.abc import AbstractCookieJar

jar = CookieJar()
assert isinstance(jar, AbstractCookieJar)
jar.update_cookies_from_headers(
    ["sid=abc; Path=/; HttpOnly", "pref=dark; Domain=example.com; Path=/app"],
    URL("https://www.example.com/login"),
)
sent = jar.filter_cookies(URL("https://www.example.com/app/page"))
assert {k: m.value for k, m in sent.items()} == {"sid": "abc", "pref": "dark"}, sent
assert "sid" not in jar.filter_cookies(URL("https://other.example.com/app"))
path = os.path.join(tempfile.mkdtemp(), "jar.json")
jar.save(path)
again = CookieJar()
again.load(path)
assert sorted(m.key for m in again) == ["pref", "sid"]
assert len(DummyCookieJar()) == 0
print("vendored cookies ok")
"""


@pytest.mark.parametrize(
    ("package", "script"),
    [(aioclient_auth, AUTH_SCRIPT), (aioclient_cookies, COOKIES_SCRIPT)],
    ids=["auth", "cookies"],
)
def test_leaf_works_when_vendored(
    tmp_path: pathlib.Path, package: object, script: str
) -> None:
    source = pathlib.Path(package.__file__).parent  # type: ignore[attr-defined]
    vendor = tmp_path / "someproject" / "_vendor"
    vendor.mkdir(parents=True)
    (tmp_path / "someproject" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    shutil.copytree(
        source, vendor / source.name, ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_INSTALLED + textwrap.dedent(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "vendored" in result.stdout
