"""Cookies in request and response heads: the Cookie header sent, resp.cookies."""

from __future__ import annotations

from _servers import echo_app, headers_of, serve_app
from aiohttp import web
from yarl import URL

import aioclient


async def test_a_caller_cookie_header_is_merged_not_repeated() -> None:
    # One pair per name: the jar's and cookies='s values replace the pair of
    # that name the caller wrote; the caller's other pairs stay, as written.
    async with (
        serve_app(echo_app()) as url,
        aioclient.ClientSession(cookies={"x": "jar", "b": "2"}) as session,
    ):
        async with session.get(
            url, headers={"Cookie": "x=hdr; keep=1; flag"}, cookies={"a": "1"}
        ) as resp:
            [first] = headers_of(await resp.json(), "Cookie")
        async with session.get(url, headers={"Cookie": "only=mine"}) as resp:
            [second] = headers_of(await resp.json(), "Cookie")
    pairs = first.split("; ")
    assert pairs[:2] == ["keep=1", "flag"]
    assert sorted(pairs[2:]) == ["a=1", "b=2", "x=jar"]
    assert sorted(second.split("; ")) == ["b=2", "only=mine", "x=jar"]


async def test_resp_cookies_keeps_what_the_jar_keeps() -> None:
    # SimpleCookie.load drops a whole line for an attribute it does not know
    # (Partitioned before Python 3.14), a bare flag like "foo" or a name like
    # "c[0]"; the response must still show those cookies, as the jar stores them.
    lines = [
        "chips=1; SameSite=None; Secure; Partitioned; Path=/",
        "flagged=2; foo",
        "c[0]=3",
        "asctime=4; Expires=Wed Oct 21 07:28:00 2099",
        "nameless",
    ]

    async def handler(request: web.Request) -> web.Response:
        resp = web.Response(text="x")
        for line in lines:
            resp.headers.add("Set-Cookie", line)
        return resp

    app = web.Application()
    app.router.add_get("/", handler)
    jar = aioclient.CookieJar(unsafe=True)
    async with (
        serve_app(app) as url,
        aioclient.ClientSession(cookie_jar=jar) as session,
        session.get(url) as resp,
    ):
        cookies = resp.cookies
    assert {name: m.value for name, m in cookies.items()} == {
        "chips": "1",
        "flagged": "2",
        "c[0]": "3",
        "asctime": "4",
    }
    assert cookies["chips"]["secure"] is True
    assert cookies["chips"]["path"] == "/"
    assert {m.key for m in jar} == set(cookies)


async def test_a_request_built_directly_quotes_plain_cookie_values() -> None:
    # As aiohttp's ClientRequest does (SimpleCookie's quoting); morsels from a
    # jar keep the wire form they carry.
    request = aioclient.ClientRequest(
        "GET",
        URL("http://127.0.0.1/"),
        cookies={"slash": "val/one", "plain": "abc", "space": "a b"},
    )
    assert request.headers["Cookie"] == 'slash="val/one"; plain=abc; space="a b"'
