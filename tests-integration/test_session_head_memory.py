"""A session's credentials do not stay in the process-wide memories of heads.

The client remembers recent request and response heads for the whole process
(a repeated head is serialized or parsed once). Heads hold ``Authorization``,
``Cookie`` and ``Set-Cookie`` values, so closing or detaching a session empties
those memories: nothing of the session's secrets is left there afterwards.
"""

from __future__ import annotations

import pytest
from _servers import serve_app
from aiohttp import web

import aioclient
from aioclient_core import _writer
from aioclient_core._http import _parser

SECRET = "s3cr3t-token-7f1d"


async def _set_cookie(request: web.Request) -> web.Response:
    response = web.Response(text="ok")
    response.set_cookie("sid", SECRET)
    return response


def _remembered() -> str:
    """Everything both memories hold, as one string to search."""
    entries = [*_writer._recent_heads._entries, *_parser._recent_heads._entries]
    return repr(entries)


async def _use(session: aioclient.ClientSession, url: object) -> None:
    for _ in range(2):  # the second time, both heads come from the memories
        async with session.get(url, headers={"Authorization": f"Bearer {SECRET}"}) as r:
            assert await r.text() == "ok"


@pytest.mark.parametrize("end", ["close", "detach"])
async def test_ending_a_session_forgets_the_heads_it_saw(end: str) -> None:
    app = web.Application()
    app.router.add_get("/", _set_cookie)
    async with serve_app(app) as base:
        connector = aioclient.TCPConnector()
        session = aioclient.ClientSession(connector=connector)
        await _use(session, base)
        # While the session is open its heads are remembered (that is the point
        # of the memories): the request's Authorization, the Set-Cookie answer
        # and, on the second request, the Cookie sent back.
        held = _remembered()
        assert f"Bearer {SECRET}" in held
        assert f"sid={SECRET}" in held
        if end == "close":
            await session.close()
        else:
            session.detach()
        assert SECRET not in _remembered()
        await connector.close()


async def test_other_sessions_go_on_when_one_closes() -> None:
    app = web.Application()
    app.router.add_get("/", _set_cookie)
    async with serve_app(app) as base:
        async with aioclient.ClientSession() as other:
            async with aioclient.ClientSession() as short:
                await _use(short, base)
            assert SECRET not in _remembered()
            # The other session works on, and fills the memories again.
            await _use(other, base)
            assert f"Bearer {SECRET}" in _remembered()
        assert SECRET not in _remembered()
