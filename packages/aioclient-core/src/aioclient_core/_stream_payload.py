"""A response body sent on as a request body: ``data=resp.content``.

``StreamReader`` is an async iterable, but of *lines* (its ``__aiter__`` is
``readline``), so the generic async-iterable payload would cut a binary body at
every newline and fail on a long line. This payload reads it the way a proxy
would, in whatever blocks arrive (``iter_any``), and registers itself for
``StreamReader`` so ``get_payload`` and the session choose it.
"""

from __future__ import annotations

from typing import Any

from aioclient_forms import AsyncIterablePayload, payload_type

from ._streams import StreamReader

__all__ = ["StreamReaderPayload"]


@payload_type(StreamReader)
class StreamReaderPayload(AsyncIterablePayload):
    """The body of a response (``resp.content``), streamed as it is read.

    Its size is unknown, so it is sent chunked unless the caller declares a
    ``Content-Length``. Like any stream it can be written once.
    """

    def __init__(self, value: StreamReader, *args: Any, **kwargs: Any) -> None:
        super().__init__(value.iter_any(), *args, **kwargs)
