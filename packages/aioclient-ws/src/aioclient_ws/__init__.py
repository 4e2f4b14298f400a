"""WebSocket client support for aioclient (RFC 6455, RFC 7692).

``aioclient-ws`` builds on ``aioclient-core``. ``ClientWebSocketResponse`` and the
message types arrive with the websocket work; for now the package provides only its
version.
"""

from ._version import __version__

__all__ = ["__version__"]
