import json
import os
import pathlib
import stat
import sys
from typing import Any

import pytest
from yarl import URL

from aioclient_cookies import CookieJar

NOW = 1_700_000_000.0


class ClockJar(CookieJar):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = NOW

    def _now(self) -> float:
        return self.now


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


def populated() -> ClockJar:
    jar = ClockJar()
    jar.update_cookies_from_headers(
        [
            "host=1",
            "dom=2; Domain=example.com; Path=/api; Max-Age=100",
            "sec=3; Secure; HttpOnly; SameSite=Strict",
            '__Host-id="q v"; Secure; Path=/',
            "exp=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        ],
        URL("https://www.example.com/"),
    )
    jar.update_cookies({"shared": "5"})
    return jar


def write_doc(path: pathlib.Path, cookies: list[Any]) -> None:
    path.write_text(
        json.dumps({"format": "aioclient-cookies", "version": 1, "cookies": cookies})
    )


def record(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "a",
        "value": "1",
        "coded_value": "1",
        "domain": "example.com",
        "path": "/",
        "host_only": True,
        "expires": None,
        "secure": False,
        "httponly": False,
        "samesite": "",
        "attributes": {},
    }
    base.update(overrides)
    return base


def test_round_trip_preserves_scope_and_expiry(tmp_path: pathlib.Path) -> None:
    jar = populated()
    file_path = tmp_path / "cookies.json"
    jar.save(file_path)
    restored = ClockJar()
    restored.load(file_path)
    assert restored.host_only_cookies == jar.host_only_cookies
    assert restored.host_only_cookies == {
        ("www.example.com", "host"),
        ("www.example.com", "sec"),
        ("www.example.com", "__Host-id"),
        ("www.example.com", "exp"),
    }
    assert restored._expirations == jar._expirations
    assert restored._expirations[("example.com", "/api", "dom")] == NOW + 100
    assert restored._expirations[("www.example.com", "/", "exp")] == 4102444800.0
    for url in (
        "https://www.example.com/api",
        "http://www.example.com/",
        "https://other.example.com/api/x",
        "https://elsewhere.org/",
    ):
        assert sent(restored, url) == sent(jar, url), url
    assert sent(restored, "https://www.example.com/")["__Host-id"] == '"q v"'
    (sec,) = [m for m in restored if m.key == "sec"]
    assert sec["secure"] is True
    assert sec["httponly"] is True
    assert sec["samesite"] == "Strict"
    # Absolute expiry: time passes between save and load.
    later = ClockJar()
    later.now = NOW + 100
    later.load(file_path)
    assert "dom" not in {m.key for m in later}
    assert len(later) == len(jar) - 1


def test_file_format_is_versioned_json(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    populated().save(str(file_path))
    document = json.loads(file_path.read_text())
    assert document["format"] == "aioclient-cookies"
    assert document["version"] == 1
    by_name = {item["name"]: item for item in document["cookies"]}
    assert by_name["dom"]["host_only"] is False
    assert by_name["dom"]["expires"] == NOW + 100
    assert by_name["host"]["host_only"] is True
    assert by_name["host"]["expires"] is None
    assert by_name["shared"]["domain"] == ""
    assert by_name["__Host-id"]["coded_value"] == '"q v"'
    assert by_name["__Host-id"]["value"] == "q v"
    assert set(by_name["sec"]) >= {
        "name",
        "value",
        "coded_value",
        "domain",
        "path",
        "host_only",
        "expires",
        "secure",
        "httponly",
        "samesite",
    }


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saved_file_is_private(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    populated().save(file_path)
    assert stat.S_IMODE(os.stat(file_path).st_mode) == 0o600
    # An existing world-readable file is tightened as well.
    file_path.chmod(0o644)
    populated().save(file_path)
    assert stat.S_IMODE(os.stat(file_path).st_mode) == 0o600
    # No temporary files are left behind.
    assert [p.name for p in tmp_path.iterdir()] == ["cookies.json"]


def test_save_creates_the_file_private_from_the_start(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mode is given to os.open itself, so there is no window in which the
    # file exists with wider permissions.
    modes: list[int] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777) -> int:
        modes.append(mode)
        assert flags & os.O_EXCL
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", spy)
    populated().save(tmp_path / "cookies.json")
    assert modes == [0o600]


def test_load_replaces_contents(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    source = CookieJar()
    source.update_cookies({"from_file": "1"}, URL("http://example.com/"))
    source.save(file_path)
    jar = CookieJar()
    jar.update_cookies({"old": "1"}, URL("http://example.com/"))
    jar.load(file_path)
    assert [m.key for m in jar] == ["from_file"]


def test_load_revalidates_hand_edited_files(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    write_doc(
        file_path,
        [
            record(name="ok"),
            record(name="dom", domain="Example.COM", host_only=False),
            record(name="tld", domain="com", host_only=False),  # host-only at most
            record(name="ip", domain="127.0.0.1"),
            record(name="bad name"),
            record(name="ctl", value="a\nb", coded_value="a\nb"),
            record(name="old", expires=NOW - 1),
            record(name="__Host-x", secure=True, host_only=False),
            record(name="__Secure-y", secure=False),
            record(name="p", path="relative"),
            record(name="wrongtype", host_only="yes"),
            record(name="wrongexp", expires="soon"),
            record(name="nan", expires=float("inf")),
            {"not": "a cookie"},
            "junk",
        ],
    )
    jar = ClockJar()
    jar.load(file_path)
    assert sorted(m.key for m in jar) == ["dom", "ok", "p", "tld"]
    assert sent(jar, "http://www.example.com/") == {"dom": "1"}
    assert sent(jar, "http://example.com/") == {"ok": "1", "dom": "1", "p": "1"}
    assert jar.host_only_cookies == {
        ("example.com", "ok"),
        ("example.com", "p"),
        ("com", "tld"),
    }
    unsafe = ClockJar(unsafe=True)
    unsafe.load(file_path)
    assert sent(unsafe, "http://127.0.0.1/") == {"ip": "1"}


def test_load_clamps_far_future_expiry(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    write_doc(file_path, [record(expires=1e300)])
    jar = ClockJar()
    jar.load(file_path)
    assert jar._expirations[("example.com", "/", "a")] == CookieJar.MAX_TIME


def test_pickle_files_are_refused(tmp_path: pathlib.Path) -> None:
    # The bytes of a pickle (protocol 4) of a dict; never unpickled.
    file_path = tmp_path / "cookies.pickle"
    file_path.write_bytes(
        b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s."
    )
    jar = CookieJar()
    jar.update_cookies({"keep": "1"})
    with pytest.raises(
        ValueError, match="unsupported cookie file format.*not supported"
    ):
        jar.load(file_path)
    assert [m.key for m in jar] == ["keep"]  # a failed load changes nothing


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"cookies": []}',
        '{"format": "other", "version": 1, "cookies": []}',
        '{"format": "aioclient-cookies", "version": 1, "cookies": {}}',
        "not json",
    ],
)
def test_foreign_json_is_refused(tmp_path: pathlib.Path, content: str) -> None:
    file_path = tmp_path / "cookies.json"
    file_path.write_text(content)
    with pytest.raises(ValueError, match="unsupported cookie file format"):
        CookieJar().load(file_path)


@pytest.mark.parametrize("version", [2, True, "1", None])
def test_unknown_version_is_refused(tmp_path: pathlib.Path, version: object) -> None:
    file_path = tmp_path / "cookies.json"
    file_path.write_text(
        json.dumps({"format": "aioclient-cookies", "version": version, "cookies": []})
    )
    with pytest.raises(ValueError, match="unsupported cookie file version"):
        CookieJar().load(file_path)


def test_missing_file_raises_os_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        CookieJar().load(tmp_path / "absent.json")


def test_ip_cookies_round_trip_only_when_unsafe(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    jar = CookieJar(unsafe=True)
    jar.update_cookies_from_headers(["a=1"], URL("http://[::1]:8080/"))
    jar.save(file_path)
    safe = CookieJar()
    safe.load(file_path)
    assert len(safe) == 0
    unsafe = CookieJar(unsafe=True)
    unsafe.load(file_path)
    assert unsafe.host_only_cookies == {("::1", "a")}
