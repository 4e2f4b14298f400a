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


def test_file_uses_aiohttp_layout(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    populated().save(str(file_path))
    text = file_path.read_text()
    assert text.startswith('{\n  "')  # indent=2, as aiohttp writes it
    assert json.loads(text) == {
        "www.example.com|": {
            "host": {
                "key": "host",
                "value": "1",
                "coded_value": "1",
                "path": "/",
                "domain": "www.example.com",
                "host_only": True,
            },
            "sec": {
                "key": "sec",
                "value": "3",
                "coded_value": "3",
                "path": "/",
                "domain": "www.example.com",
                "secure": True,
                "httponly": True,
                "samesite": "Strict",
                "host_only": True,
            },
            "__Host-id": {
                "key": "__Host-id",
                "value": "q v",
                "coded_value": '"q v"',
                "path": "/",
                "domain": "www.example.com",
                "secure": True,
                "host_only": True,
            },
            # Max-Age and Expires are relative to when they were received;
            # the absolute expiry time is saved instead.
            "exp": {
                "key": "exp",
                "value": "4",
                "coded_value": "4",
                "path": "/",
                "domain": "www.example.com",
                "host_only": True,
                "expires_timestamp": 4102444800.0,
            },
        },
        "example.com|/api": {
            "dom": {
                "key": "dom",
                "value": "2",
                "coded_value": "2",
                "path": "/api",
                "domain": "example.com",
                "expires_timestamp": NOW + 100,
            },
        },
        "|": {
            "shared": {
                "key": "shared",
                "value": "5",
                "coded_value": "5",
                "path": "/",
            },
        },
    }


def test_paths_differing_by_a_trailing_slash_both_survive(
    tmp_path: pathlib.Path,
) -> None:
    # aiohttp's layout keys paths without trailing slashes; the second cookie
    # goes under its full path rather than overwriting the first.
    jar = ClockJar()
    jar.update_cookies_from_headers(
        ["a=short; Path=/p", "a=long; Path=/p/", "a=root; Path=/", "a=2; Path=//"],
        URL("http://example.com/"),
    )
    file_path = tmp_path / "cookies.json"
    jar.save(file_path)
    assert set(json.loads(file_path.read_text())) == {
        "example.com|/p",
        "example.com|/p/",
        "example.com|",
        "example.com|//",
    }
    restored = ClockJar()
    restored.load(file_path)
    assert sorted((m["path"], m.value) for m in restored) == [
        ("/", "root"),
        ("//", "2"),
        ("/p", "short"),
        ("/p/", "long"),
    ]


def test_non_ascii_path_round_trips(tmp_path: pathlib.Path) -> None:
    jar = ClockJar()
    jar.update_cookies_from_headers(["a=1; Path=/é"], URL("http://example.com/"))
    file_path = tmp_path / "cookies.json"
    jar.save(file_path)
    restored = ClockJar()
    restored.load(file_path)
    assert [m["path"] for m in restored] == ["/%C3%A9"]
    assert sent(restored, "http://example.com/é/x") == {"a": "1"}


def write_aiohttp_doc(path: pathlib.Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document))


def entry(name: str = "a", **attributes: Any) -> dict[str, Any]:
    return {"key": name, "value": "1", "coded_value": "1", **attributes}


def test_aiohttp_layout_scopes(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    write_aiohttp_doc(
        file_path,
        {
            "www.example.com|": {
                "flagged": entry(domain="www.example.com", host_only=True, path="/"),
                # No host_only flag (aiohttp 3.13 wrote none) but a domain:
                # reloaded as a domain cookie, as aiohttp does.
                "unflagged": entry(domain="www.example.com", path="/"),
                # Neither: host-only for the host of the key.
                "bare": entry(path="/"),
            },
            "example.com|/api": {"dom": entry(domain="example.com", path="/api")},
            # Shared cookies sit under an empty domain.
            "|": {"shared": entry(path="/")},
        },
    )
    jar = ClockJar()
    jar.update_cookies({"old": "1"})
    jar.load(file_path)
    assert jar.host_only_cookies == {
        ("www.example.com", "flagged"),
        ("www.example.com", "bare"),
    }
    assert set(sent(jar, "http://www.example.com/api")) == {
        "flagged",
        "unflagged",
        "bare",
        "dom",
        "shared",
    }
    assert set(sent(jar, "http://sub.www.example.com/")) == {"unflagged", "shared"}
    assert set(sent(jar, "http://elsewhere.org/")) == {"shared"}


def test_aiohttp_layout_expiry(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    write_aiohttp_doc(
        file_path,
        {
            "example.com|": {
                "session": entry(path="/"),
                "later": entry(path="/", expires_timestamp=NOW + 50),
                "gone": entry(path="/", expires_timestamp=NOW - 1),
                "far": entry(path="/", expires_timestamp=1e300),
                # No absolute time: the relative attributes count from now.
                "relative": entry(path="/", **{"max-age": "30"}),
                "dated": entry(path="/", expires="Fri, 01 Jan 2100 00:00:00 GMT"),
                # With an absolute time they are ignored.
                "both": entry(
                    path="/", expires_timestamp=NOW + 70, **{"max-age": "30"}
                ),
            }
        },
    )
    jar = ClockJar()
    jar.load(file_path)
    assert jar._expirations == {
        ("example.com", "/", "later"): NOW + 50,
        ("example.com", "/", "far"): CookieJar.MAX_TIME,
        ("example.com", "/", "relative"): NOW + 30,
        ("example.com", "/", "dated"): 4102444800.0,
        ("example.com", "/", "both"): NOW + 70,
    }
    assert sorted(m.key for m in jar) == [
        "both",
        "dated",
        "far",
        "later",
        "relative",
        "session",
    ]
    (both,) = [m for m in jar if m.key == "both"]
    assert both["max-age"] == ""


def test_aiohttp_layout_revalidates_entries(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    write_aiohttp_doc(
        file_path,
        {
            "example.com|": {
                "ok": entry(path="/", samesite="Lax", secure=True, comment="c"),
                "bad name": entry(path="/"),
                "ctl": {**entry(path="/"), "value": "a\nb", "coded_value": "a\nb"},
                "novalue": {"key": "novalue", "coded_value": "1"},
                "numvalue": {**entry(), "value": 1},
                "wrongflag": entry(host_only="yes"),
                "wrongexp": entry(expires_timestamp="soon"),
                "boolexp": entry(expires_timestamp=True),
                "__Host-x": entry(path="/", secure=True, domain="example.com"),
                "__Secure-y": entry(path="/"),
                "tld": entry(path="/", domain="com"),
                "foreign": entry(path="/", domain="other.org"),
                "relative": entry(path="relative"),
                "junk": "junk",
                "odd": entry(unknown="ignored", version=1, httponly=[1]),
            },
            "127.0.0.1|": {"ip": entry(path="/", host_only=True)},
        },
    )
    jar = ClockJar()
    jar.load(file_path)
    assert sorted(m.key for m in jar) == ["odd", "ok", "relative"]
    (ok,) = [m for m in jar if m.key == "ok"]
    assert (ok["secure"], ok["samesite"], ok["comment"]) == (True, "Lax", "c")
    (odd,) = [m for m in jar if m.key == "odd"]
    assert (odd["version"], odd["httponly"]) == ("", "")
    assert sent(jar, "http://example.com/x") == {"odd": "1", "relative": "1"}
    unsafe = ClockJar(unsafe=True)
    unsafe.load(file_path)
    assert sent(unsafe, "http://127.0.0.1/") == {"ip": "1"}


def test_huge_integer_expiry_is_skipped(tmp_path: pathlib.Path) -> None:
    # Too large for a float: skipped like any malformed entry, in both layouts.
    huge = "1" + "0" * 400
    file_path = tmp_path / "cookies.json"
    document = {"h.com|": {"a": entry(expires_timestamp=NOW + 1), "b": entry()}}
    file_path.write_text(json.dumps(document).replace(str(NOW + 1), huge))
    jar = ClockJar()
    jar.load(file_path)
    assert [m.key for m in jar] == ["b"]
    write_doc(file_path, [record(expires=NOW + 1), record(name="b")])
    file_path.write_text(file_path.read_text().replace(str(NOW + 1), huge))
    jar.load(file_path)
    assert [m.key for m in jar] == ["b"]


def test_empty_object_is_an_empty_jar(tmp_path: pathlib.Path) -> None:
    file_path = tmp_path / "cookies.json"
    file_path.write_text("{}")
    jar = CookieJar()
    jar.update_cookies({"old": "1"})
    jar.load(file_path)
    assert len(jar) == 0


LEGACY_FILE = """{
 "format": "aioclient-cookies",
 "version": 1,
 "cookies": [
  {
   "name": "host",
   "value": "1",
   "coded_value": "1",
   "domain": "www.example.com",
   "path": "/",
   "host_only": true,
   "expires": null,
   "secure": true,
   "httponly": true,
   "samesite": "Strict",
   "attributes": {}
  },
  {
   "name": "dom",
   "value": "q v",
   "coded_value": "\\"q v\\"",
   "domain": "example.com",
   "path": "/api",
   "host_only": false,
   "expires": 1700000100.0,
   "secure": false,
   "httponly": false,
   "samesite": "",
   "attributes": {
    "max-age": "100"
   }
  },
  {
   "name": "shared",
   "value": "5",
   "coded_value": "5",
   "domain": "",
   "path": "/",
   "host_only": false,
   "expires": null,
   "secure": false,
   "httponly": false,
   "samesite": "",
   "attributes": {}
  }
 ]
}"""


def test_files_of_earlier_releases_still_load(tmp_path: pathlib.Path) -> None:
    # The layout aioclient-cookies wrote before it switched to aiohttp's.
    file_path = tmp_path / "cookies.json"
    file_path.write_text(LEGACY_FILE)
    jar = ClockJar()
    jar.load(file_path)
    assert jar.host_only_cookies == {("www.example.com", "host")}
    assert jar._expirations == {("example.com", "/api", "dom"): NOW + 100}
    assert sent(jar, "https://www.example.com/api") == {
        "host": "1",
        "dom": '"q v"',
        "shared": "5",
    }
    assert sent(jar, "https://sub.example.com/api") == {"dom": '"q v"', "shared": "5"}
    (host,) = [m for m in jar if m.key == "host"]
    assert (host["secure"], host["httponly"], host["samesite"]) == (
        True,
        True,
        "Strict",
    )
    # Saving again writes aiohttp's layout.
    jar.save(file_path)
    assert "format" not in json.loads(file_path.read_text())


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
        "",
        "null",
        '"text"',
        "1",
        '{"no-bar": {}}',
        '{"example.com|/": []}',
        '{"example.com|/": {}, "other": {}}',
        '{"example.com|/": "a=1"}',
        b"\xff\xfe{}",
    ],
)
def test_foreign_json_is_refused(tmp_path: pathlib.Path, content: str | bytes) -> None:
    file_path = tmp_path / "cookies.json"
    if isinstance(content, str):
        file_path.write_text(content)
    else:
        file_path.write_bytes(content)
    jar = CookieJar()
    jar.update_cookies({"keep": "1"})
    with pytest.raises(ValueError, match="unsupported cookie file format"):
        jar.load(file_path)
    assert [m.key for m in jar] == ["keep"]


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
