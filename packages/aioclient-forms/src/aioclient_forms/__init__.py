"""Request payloads, form data and multipart bodies for aioclient.

This distribution is a leaf: it imports no other aioclient distribution, so it can be
installed alone or vendored. Its contents (``Payload`` and the payload registry,
``FormData``, ``MultipartWriter``/``MultipartReader``) arrive with the forms work; for
now it provides only its version.
"""

from ._version import __version__

__all__ = ["__version__"]
