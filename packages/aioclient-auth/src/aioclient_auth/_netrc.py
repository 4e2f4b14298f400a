"""Credential lookup in the user's ``.netrc`` file.

This module owns one thing: finding the ``.netrc`` file the environment points
to and turning its entry for a host into Basic credentials (RFC 7617 section 2).
The file format is the one the standard library ``netrc`` module parses (the
ftp(1) format: ``machine``, ``default``, ``login``, ``account``, ``password``).
"""

from __future__ import annotations

import logging
import netrc
import os
import sys
from pathlib import Path

from ._basic import BasicAuth

__all__ = ["basicauth_from_netrc", "logger", "netrc_from_env"]

logger = logging.getLogger("aioclient_auth")
"""Logger that reports unreadable or malformed ``.netrc`` files as warnings."""


def _netrc_path() -> tuple[Path, bool] | None:
    """Choose the ``.netrc`` file to read.

    Returns:
        The path and whether the ``NETRC`` environment variable named it, or
        ``None`` when no home directory can be determined.
    """
    from_env = os.environ.get("NETRC")
    # An empty NETRC is treated as unset rather than as the current directory.
    if from_env:
        return Path(from_env), True
    try:
        home = Path.home()
    except (RuntimeError, KeyError) as exc:
        logger.debug("Cannot find the home directory to look for .netrc: %s", exc)
        return None
    name = "_netrc" if sys.platform == "win32" else ".netrc"
    return home / name, False


def netrc_from_env() -> netrc.netrc | None:
    """Load the ``.netrc`` file selected by the environment.

    The ``NETRC`` environment variable gives the path of the file. When it is
    unset or empty, ``~/.netrc`` is used (``~/_netrc`` on Windows).

    A missing default file is normal and produces no log record. A file named
    by ``NETRC`` that cannot be read, or an existing file that cannot be read
    or parsed, is reported as a warning on the ``aioclient_auth`` logger. The
    warning names the file and the line, never the offending token, which may
    be a password.

    Returns:
        The parsed file, or ``None`` when there is no usable file.
    """
    chosen = _netrc_path()
    if chosen is None:
        return None
    path, from_env = chosen
    try:
        # Passing the path explicitly (as the NETRC convention requires) means
        # the stdlib skips its POSIX ownership/permission check for ~/.netrc.
        return netrc.netrc(os.fspath(path))
    except netrc.NetrcParseError as exc:
        # exc.msg can quote a token from the file, i.e. possibly a secret.
        logger.warning(
            "Could not parse .netrc file %s (line %s); ignoring it",
            exc.filename,
            exc.lineno,
        )
    except UnicodeError:
        logger.warning("Could not decode .netrc file %s; ignoring it", path)
    except OSError as exc:
        try:
            exists = path.is_file()
        except OSError:
            exists = False
        if from_env or exists:
            logger.warning(
                "Could not read .netrc file %s: %s", path, exc.strerror or exc
            )
    return None


def basicauth_from_netrc(netrc_obj: netrc.netrc | None, host: str) -> BasicAuth:
    """Build Basic credentials from the ``.netrc`` entry for *host*.

    *host* is compared with the ``machine`` names exactly (case-sensitively,
    no suffix or prefix matching). Pass the host the connection will actually
    be made to, as ``yarl.URL.host`` returns it, never a raw string taken from
    user input: credentials belong to one origin. As with
    :meth:`netrc.netrc.authenticators`, a ``default`` entry, when the file has
    one, supplies credentials for every host without its own entry.

    Args:
        netrc_obj: The parsed file, typically from :func:`netrc_from_env`.
        host: The host name to look up.

    Returns:
        Credentials whose login is the entry's ``login`` (or its ``account``
        when ``login`` is empty) and whose password is the entry's
        ``password`` (an empty string when there is none).

    Raises:
        LookupError: *netrc_obj* is ``None`` or has no entry for *host* and no
            ``default`` entry.
        ValueError: The entry holds a login or password that Basic
            authentication cannot carry (see :class:`BasicAuth`).
    """
    if netrc_obj is None:
        raise LookupError("No .netrc file found")
    entry = netrc_obj.authenticators(host)
    if entry is None:
        raise LookupError(f"No entry for {host!s} found in the `.netrc` file.")
    login, account, password = entry
    # Older parsers report missing fields as None rather than "".
    username = login or account or ""
    return BasicAuth(username, password or "")
