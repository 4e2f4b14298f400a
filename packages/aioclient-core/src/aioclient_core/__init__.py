"""The aioclient HTTP/1.1 client: session, connectors and the wire protocol.

``aioclient-core`` depends on the three leaves (``aioclient-auth``,
``aioclient-cookies`` and ``aioclient-forms``). The session, connectors and HTTP/1.1
engine arrive with the core work; for now the package provides only its version.
"""

from ._version import __version__

__all__ = ["__version__"]
