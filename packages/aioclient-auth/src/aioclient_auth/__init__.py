"""Authentication helpers for aioclient.

HTTP Basic credentials (RFC 7617), TLS certificate pinning by SHA-256 digest and
credential lookup in ``.netrc``. The package depends only on the standard library
and ``yarl``, so it can be used without the rest of aioclient.
"""

from ._basic import BasicAuth, encode_basic_auth
from ._fingerprint import Fingerprint, FingerprintMismatch
from ._netrc import basicauth_from_netrc, netrc_from_env
from ._version import __version__

__all__ = [
    "BasicAuth",
    "Fingerprint",
    "FingerprintMismatch",
    "__version__",
    "basicauth_from_netrc",
    "encode_basic_auth",
    "netrc_from_env",
]
