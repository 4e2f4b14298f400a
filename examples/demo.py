"""A tour of what aioclient can do so far, written the way aiohttp users write code.

Run it with ``python run.py demo`` (which installs aioclient into a fresh
environment first) or, inside any environment with aioclient installed,
``python examples/demo.py``. It grows as the client grows.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import http.server
import importlib.metadata
import io
import json
import os
import stat
import tempfile
import threading
from pathlib import Path

from yarl import URL

import aioclient as aiohttp


def heading(title: str) -> None:
    """Print a section title."""
    print(f"\n== {title} ==")


def show_distributions() -> None:
    """List the installed aioclient distributions and their versions."""
    heading("installed distributions")
    for name in ("auth", "cookies", "forms", "core", "ws", "all"):
        dist = f"aioclient-{name}"
        print(f"  {dist:<18} {importlib.metadata.version(dist)}")
    exported = [n for n in aiohttp.__all__ if n != "__version__"]
    print(f"  aioclient exports {len(exported)} names so far: {', '.join(exported)}")


def show_basic_auth() -> None:
    """Encode, decode and parse credentials the way aiohttp.BasicAuth does."""
    heading("BasicAuth (aioclient-auth)")
    auth = aiohttp.BasicAuth("alice", "pa:ss word", encoding="utf-8")
    header = auth.encode()
    print(f"  {auth!r} -> Authorization: {header}")
    print(f"  decoded back: {aiohttp.BasicAuth.decode(header, encoding='utf-8')!r}")
    from_url = aiohttp.BasicAuth.from_url(URL("https://bob:s%40fe@example.com/"))
    assert from_url is not None
    print(f"  from a URL's userinfo: login={from_url.login!r} (password hidden)")
    for bad in ("user:name", None):
        try:
            aiohttp.BasicAuth(bad)  # type: ignore[arg-type]
        except ValueError as exc:
            print(f"  BasicAuth({bad!r}) refused: {exc}")


def show_fingerprint() -> None:
    """Pin a certificate by its SHA-256 digest; weak digests are refused."""
    heading("Fingerprint (aioclient-auth)")
    pin = aiohttp.Fingerprint(hashlib.sha256(b"certificate DER bytes").digest())
    print(f"  pinned sha256: {pin.fingerprint.hex()[:32]}...")
    try:
        aiohttp.Fingerprint(hashlib.sha1(b"certificate DER bytes").digest())
    except ValueError as exc:
        print(f"  sha1 pin refused: {exc}")


def show_cookie_jar(folder: Path) -> None:
    """Scope, secure-only delivery, hostile input and safe persistence."""
    heading("CookieJar (aioclient-cookies)")
    jar = aiohttp.CookieJar()
    jar.update_cookies_from_headers(
        [
            "session=abc123; Path=/; Secure; HttpOnly",
            "theme=dark; Domain=example.com; Path=/",
            "cart=3; Path=/shop",
            "evil=1; Domain=attacker.test",  # not the responding host: dropped
            "bad\x00name=1",  # control character: dropped, the others survive
        ],
        URL("https://www.example.com/login"),
    )
    print(f"  stored {len(jar)} cookies: {sorted(m.key for m in jar)}")
    for url in (
        "https://www.example.com/shop/item",
        "http://www.example.com/",
        "https://api.example.com/",
    ):
        sent = jar.filter_cookies(URL(url))
        print(f"  {url:<36} gets {sorted(sent)}")
    path = folder / "cookies.json"
    jar.save(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    restored = aiohttp.CookieJar()
    restored.load(path)
    print(
        f"  saved as JSON with mode {mode:o}; reloaded {len(restored)} cookies, "
        f"host-only kept: {sorted(restored.host_only_cookies)}"
    )


class _Collector:
    """Receives a body: any object with ``async write(chunk)`` will do."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.data += chunk


class _Stream:
    """Hands a body back in small reads, as a socket would."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, n: int = -1) -> bytes:
        size = 7 if n < 0 else min(n, 7)
        out, self._data = self._data[:size], self._data[size:]
        return out

    async def readline(self) -> bytes:
        end = self._data.find(b"\n") + 1 or len(self._data)
        out, self._data = self._data[:end], self._data[end:]
        return out


async def _forms_round_trip() -> None:
    form = aiohttp.FormData()
    form.add_field("title", "Quarterly report")
    form.add_field("report", io.BytesIO(b"a,b\n1,2\n"), filename="résumé.csv")
    body = form()
    sink = _Collector()
    await body.write(sink)
    print(f"  {body.content_type.split(';')[0]} body of {len(sink.data)} bytes")
    reader = aiohttp.MultipartReader(
        {"Content-Type": body.content_type}, _Stream(bytes(sink.data))
    )
    async for part in reader:
        assert isinstance(part, aiohttp.BodyPartReader)
        data = await part.read()
        print(f"  part {part.name!r} filename={part.filename!r}: {bytes(data)!r}")


def show_forms() -> None:
    """Build a multipart form and read it back, as a server would."""
    heading("FormData and multipart (aioclient-forms)")
    urlencoded = aiohttp.FormData({"q": "aioclient", "page": "2"})()
    print(f"  urlencoded: {urlencoded.decode()}")
    asyncio.run(_forms_round_trip())
    try:
        aiohttp.FormData().add_field("evil\r\nX-Injected: 1", "value")
    except ValueError as exc:
        print(f"  header injection refused: {exc}")


class _DemoHandler(http.server.BaseHTTPRequestHandler):
    """A tiny local HTTP server for the tour (standard library only)."""

    protocol_version = "HTTP/1.1"  # keep-alive, so connections get reused

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""

    def _reply(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Answer the tour's GET requests."""
        if self.path.startswith("/old"):
            self._reply(302, b"", Location="/json?from=redirect")
        elif self.path.startswith("/json"):
            payload = {"path": self.path, "cookie": self.headers.get("Cookie")}
            body = json.dumps(payload).encode()
            self._reply(200, body, Content_Type="application/json")
        elif self.path == "/gzip":
            self._reply(
                200, gzip.compress(b"squeezed " * 1000), Content_Encoding="gzip"
            )
        else:
            self._reply(200, b"hello", Set_Cookie="visit=1; Path=/")

    def do_POST(self) -> None:
        """Echo what was posted."""
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        kind = self.headers.get("Content-Type", "")
        self._reply(200, f"{len(body)} bytes of {kind}".encode())


async def _http_tour(base: str) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # the demo server is an IP address
    timeout = aiohttp.ClientTimeout(total=10)
    counts = {"new": 0, "reused": 0}
    tracing = aiohttp.TraceConfig()

    async def on_create(session: object, ctx: object, params: object) -> None:
        counts["new"] += 1

    async def on_reuse(session: object, ctx: object, params: object) -> None:
        counts["reused"] += 1

    tracing.on_connection_create_end.append(on_create)
    tracing.on_connection_reuseconn.append(on_reuse)
    async with aiohttp.ClientSession(
        cookie_jar=jar, timeout=timeout, trace_configs=[tracing]
    ) as session:
        async with session.get(f"{base}/") as resp:
            print(f"  GET /          -> {resp.status} {await resp.text()!r}")
        async with session.get(f"{base}/json", params={"q": "1"}) as resp:
            print(f"  GET /json      -> {await resp.json()}")
        async with session.get(f"{base}/old") as resp:
            hops = [r.status for r in resp.history]
            print(f"  GET /old       -> {resp.status} after {hops} at {resp.url.path}")
        async with session.get(f"{base}/gzip") as resp:
            text = await resp.text()
            print(f"  GET /gzip      -> {len(text)} characters, decompressed")
        async with session.post(f"{base}/echo", json={"a": 1}) as resp:
            print(f"  POST json      -> {await resp.text()}")
        form = aiohttp.FormData({"name": "value"})
        async with session.post(f"{base}/echo", data=form) as resp:
            print(f"  POST form      -> {await resp.text()}")
    print(
        f"  connections    -> {counts['new']} opened, {counts['reused']} reuses "
        "(TraceConfig)"
    )
    try:
        async with aiohttp.request("GET", "http://127.0.0.1:9/") as resp:
            pass
    except aiohttp.ClientConnectorError as exc:
        print(f"  closed port    -> {type(exc).__name__}: {exc}")


def show_http() -> None:
    """Real requests against a local server (aioclient-core)."""
    heading("ClientSession against a local server (aioclient-core)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DemoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        asyncio.run(_http_tour(f"http://127.0.0.1:{server.server_address[1]}"))
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    """Run every part of the tour."""
    print(f"aioclient {aiohttp.__version__}: import aioclient as aiohttp")
    show_distributions()
    show_basic_auth()
    show_fingerprint()
    with tempfile.TemporaryDirectory() as scratch:
        show_cookie_jar(Path(scratch))
    show_forms()
    show_http()
    print("\nNext: proxies, digest authentication and websockets.")


if __name__ == "__main__":
    main()
