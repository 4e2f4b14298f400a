""".netrc lookup: netrc_from_env and basicauth_from_netrc."""

import locale
import logging
import netrc
import os
import re
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aioclient_auth._netrc as netrc_module
from aioclient_auth import BasicAuth, basicauth_from_netrc, netrc_from_env

LOGGER = "aioclient_auth"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home_dir = tmp_path / "home"
    home_dir.mkdir()
    monkeypatch.setenv("HOME", str(home_dir))
    monkeypatch.setenv("USERPROFILE", str(home_dir))
    monkeypatch.delenv("NETRC", raising=False)
    return home_dir


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _parse(tmp_path: Path, text: str) -> netrc.netrc:
    return netrc.netrc(str(_write(tmp_path / "parsed.netrc", text)))


# --- netrc_from_env ----------------------------------------------------------


def test_netrc_env_var_points_to_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "custom", "machine example.com login u password p\n")
    monkeypatch.setenv("NETRC", str(path))
    result = netrc_from_env()
    assert result is not None
    assert result.authenticators("example.com") == ("u", "", "p")


def test_netrc_env_var_wins_over_home_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(home / ".netrc", "machine example.com login home password h\n")
    path = _write(tmp_path / "custom", "machine example.com login env password e\n")
    monkeypatch.setenv("NETRC", str(path))
    result = netrc_from_env()
    assert result is not None
    assert result.authenticators("example.com") == ("env", "", "e")


def test_home_netrc_used_without_env_var(home: Path) -> None:
    _write(home / ".netrc", "machine example.com login u password p\n")
    result = netrc_from_env()
    assert result is not None
    assert basicauth_from_netrc(result, "example.com") == BasicAuth("u", "p")


def test_empty_env_var_means_default_location(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(home / ".netrc", "machine example.com login u password p\n")
    monkeypatch.setenv("NETRC", "")
    result = netrc_from_env()
    assert result is not None
    assert result.authenticators("example.com") == ("u", "", "p")


def test_windows_uses_underscore_netrc(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(home / ".netrc", "machine example.com login dot password d\n")
    _write(home / "_netrc", "machine example.com login underscore password u\n")
    monkeypatch.setattr(netrc_module, "sys", types.SimpleNamespace(platform="win32"))
    result = netrc_from_env()
    assert result is not None
    assert result.authenticators("example.com") == ("underscore", "", "u")


def test_missing_home_file_is_silent(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert netrc_from_env() is None
    assert caplog.records == []


def test_missing_file_named_by_env_warns(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    missing = tmp_path / "does-not-exist"
    monkeypatch.setenv("NETRC", str(missing))
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert netrc_from_env() is None
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.name == LOGGER
    assert "Could not read .netrc file" in record.getMessage()
    assert str(missing) in record.getMessage()


def test_env_var_pointing_to_directory_warns(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path))
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert netrc_from_env() is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs a non-root POSIX user for permission errors",
)
def test_unreadable_home_file_warns(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(home / ".netrc", "machine example.com login u password p\n")
    path.chmod(0)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    try:
        assert netrc_from_env() is None
    finally:
        path.chmod(0o600)
    [record] = caplog.records
    assert "Could not read .netrc file" in record.getMessage()


def test_malformed_file_warns_and_returns_none(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(home / ".netrc", "machine example.com login u password p\nbogus token\n")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert netrc_from_env() is None
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "Could not parse .netrc file" in message
    assert str(home / ".netrc") in message
    assert "line 2" in message


def test_malformed_file_warning_does_not_leak_secret(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Forgetting the "password" keyword makes the secret a "bad follower token",
    # which the stdlib puts in its error message.
    _write(home / ".netrc", "machine example.com login u Sup3rS3cret\n")
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert netrc_from_env() is None
    assert caplog.records
    assert all("Sup3rS3cret" not in r.getMessage() for r in caplog.records)
    assert "Sup3rS3cret" not in caplog.text


@pytest.mark.skipif(
    locale.getencoding().lower().replace("-", "") != "utf8",
    reason="the stdlib retries with the locale encoding, which must reject it",
)
def test_undecodable_file_warns(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    (home / ".netrc").write_bytes(b"machine example.com login \xff\xfe password p\n")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert netrc_from_env() is None
    [record] = caplog.records
    assert "Could not decode .netrc file" in record.getMessage()


def test_home_directory_unknown_returns_none(
    home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    caplog.set_level(logging.WARNING, logger=LOGGER)
    assert netrc_from_env() is None
    assert caplog.records == []


# --- basicauth_from_netrc ----------------------------------------------------


def test_basicauth_from_login_and_password(tmp_path: Path) -> None:
    obj = _parse(tmp_path, "machine example.com login alice password s3cr:et\n")
    auth = basicauth_from_netrc(obj, "example.com")
    assert type(auth) is BasicAuth
    assert auth == ("alice", "s3cr:et", "latin1")


def test_basicauth_account_used_when_login_empty(tmp_path: Path) -> None:
    obj = _parse(tmp_path, "machine example.com account acct password pw\n")
    assert basicauth_from_netrc(obj, "example.com") == BasicAuth("acct", "pw")


def test_basicauth_login_preferred_over_account(tmp_path: Path) -> None:
    obj = _parse(tmp_path, "machine example.com login lg account acct password pw\n")
    assert basicauth_from_netrc(obj, "example.com") == BasicAuth("lg", "pw")


def test_basicauth_missing_password_is_empty(tmp_path: Path) -> None:
    obj = _parse(tmp_path, "machine example.com login lg\n")
    assert basicauth_from_netrc(obj, "example.com") == BasicAuth("lg", "")


def test_basicauth_from_none_raises_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"^No \.netrc file found$"):
        basicauth_from_netrc(None, "example.com")


def test_basicauth_no_entry_raises_lookup_error(tmp_path: Path) -> None:
    obj = _parse(tmp_path, "machine other.example login u password p\n")
    with pytest.raises(
        LookupError,
        match=re.escape("No entry for example.com found in the `.netrc` file."),
    ):
        basicauth_from_netrc(obj, "example.com")


def test_basicauth_default_entry_applies_to_other_hosts(tmp_path: Path) -> None:
    obj = _parse(
        tmp_path,
        "machine example.com login specific password s\n"
        "default login fallback password f\n",
    )
    assert basicauth_from_netrc(obj, "example.com") == BasicAuth("specific", "s")
    assert basicauth_from_netrc(obj, "unrelated.test") == BasicAuth("fallback", "f")


NETRC_TWO_HOSTS = (
    "machine example.com login good password g\n"
    "machine example.com.evil login evil password e\n"
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", BasicAuth("good", "g")),
        ("example.com.evil", BasicAuth("evil", "e")),
    ],
)
def test_exact_host_match(tmp_path: Path, host: str, expected: BasicAuth) -> None:
    obj = _parse(tmp_path, NETRC_TWO_HOSTS)
    assert basicauth_from_netrc(obj, host) == expected


@pytest.mark.parametrize(
    ("entry", "host"),
    [
        ("example.com", "example.com.evil"),
        ("example.com.evil", "example.com"),
        ("example.com", "sub.example.com"),
        ("sub.example.com", "example.com"),
        ("example.com", "example.com."),
        ("example.com", "evil-example.com"),
        ("example.com", "example.co"),
        ("example.com", "user@example.com"),
        ("example.com", "example.com:443"),
    ],
)
def test_no_prefix_or_suffix_matching(tmp_path: Path, entry: str, host: str) -> None:
    obj = _parse(tmp_path, f"machine {entry} login u password p\n")
    with pytest.raises(LookupError, match="No entry for"):
        basicauth_from_netrc(obj, host)


def test_entry_with_control_chars_is_refused(tmp_path: Path) -> None:
    obj = _parse(tmp_path, 'machine example.com login u password "a\tb"\n')
    assert obj.authenticators("example.com") == ("u", "", "a\tb")
    with pytest.raises(ValueError, match="not allowed in password"):
        basicauth_from_netrc(obj, "example.com")


def test_end_to_end_with_env(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "n", "machine api.example.com login bot password t0k\n")
    monkeypatch.setenv("NETRC", str(path))
    auth = basicauth_from_netrc(netrc_from_env(), "api.example.com")
    assert auth.encode() == BasicAuth("bot", "t0k").encode()


_hostname = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,3}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(entry=_hostname, host=_hostname)
def test_property_lookup_is_exact(entry: str, host: str) -> None:
    obj = netrc.netrc.__new__(netrc.netrc)
    obj.hosts = {entry: ("u", "", "p")}
    obj.macros = {}
    if host == entry:
        assert basicauth_from_netrc(obj, host) == BasicAuth("u", "p")
    else:
        with pytest.raises(LookupError):
            basicauth_from_netrc(obj, host)
