"""Chapter 7: real libraries, unchanged, over TLS on toyloop and on asyncio.

* aiohttp serves HTTPS (``ssl_context=``) and its client fetches from it
  (``ssl=``): both sides go through ``loop.create_server(ssl=...)`` and
  ``loop.create_connection(ssl=..., server_hostname=...)``;
* httpx's ``AsyncClient`` fetches from that server.  httpx runs on asyncio
  through anyio and does its TLS itself (anyio's TLS stream over
  ``ssl.MemoryBIO``, over the loop's plain TCP transport), so the test also
  checks that anyio really picked up the running toyloop loop.

The certificate authority and the ``localhost`` certificate are made at test
time by trustme; the server binds 127.0.0.1.  Every program runs on both
loops and the transcripts must be equal.
"""

from __future__ import annotations

import asyncio
import ssl

import pytest
from differential.ch7_common import tls_contexts

import toyloop

pytest.importorskip("trustme")
aiohttp = pytest.importorskip("aiohttp")
from aiohttp import web  # noqa: E402 - after the importorskip

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def contexts():
    return tls_contexts("localhost", HOST)


def run_on(kind: str, main, timeout: float = 20.0):
    factory = toyloop.EventLoop if kind == "toyloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(asyncio.wait_for(main(), timeout))


async def _https_app(server_ctx: ssl.SSLContext):
    """An aiohttp app on 127.0.0.1:<free port> over TLS; returns (runner, url, loops)."""
    loops_seen: list[str] = []

    async def hello(request: web.Request) -> web.Response:
        loops_seen.append(type(asyncio.get_running_loop()).__module__.split(".")[0])
        body = await request.read()
        return web.json_response({"path": request.path, "secure": request.secure,
                                  "got": len(body)})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0, ssl_context=server_ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"https://localhost:{port}", loops_seen


def test_aiohttp_https_server_and_client(contexts):
    server_ctx, client_ctx = contexts

    async def main():
        runner, url, loops_seen = await _https_app(server_ctx)
        log = []
        try:
            connector = aiohttp.TCPConnector(ssl=client_ctx, resolver=_LocalResolver())
            async with aiohttp.ClientSession(connector=connector) as session:
                async with session.get(f"{url}/hello") as resp:
                    log.append((resp.status, await resp.json()))
                async with session.post(f"{url}/upload", data=b"x" * 300_000) as resp:
                    log.append((resp.status, await resp.json()))
                # a client that does not trust our CA is refused by TLS, not by HTTP
                try:
                    async with session.get(f"{url}/", ssl=ssl.create_default_context()):
                        pass
                except aiohttp.ClientConnectorCertificateError as exc:
                    log.append(("refused", type(exc.certificate_error).__name__))
        finally:
            await runner.cleanup()
        log.append(("server ran on", sorted(set(loops_seen))))
        return log

    expected, actual = run_on("asyncio", main), run_on("toyloop", main)
    assert expected[:3] == [(200, {"path": "/hello", "secure": True, "got": 0}),
                            (200, {"path": "/upload", "secure": True, "got": 300_000}),
                            ("refused", "SSLCertVerificationError")]
    assert actual[:3] == expected[:3]
    # each server really ran on the loop it was meant to
    assert expected[3] == ("server ran on", ["asyncio"])
    assert actual[3] == ("server ran on", ["toyloop"])


class _LocalResolver(aiohttp.abc.AbstractResolver):
    """'localhost' is 127.0.0.1, without asking the system (and never IPv6)."""

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list:
        import socket
        return [{"hostname": host, "host": HOST, "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        pass


def test_httpx_https_client(contexts):
    httpx = pytest.importorskip("httpx")
    server_ctx, client_ctx = contexts

    async def main():
        runner, url, _ = await _https_app(server_ctx)
        port = int(url.rsplit(":", 1)[1])
        loop = asyncio.get_running_loop()
        # Watch the running loop's create_connection: anyio's asyncio backend must
        # open httpx's connection through it (not through some loop of its own).
        connects: list = []
        original = loop.create_connection

        def create_connection(*args, **kwargs):
            connects.append(args[1:3])
            return original(*args, **kwargs)

        loop.create_connection = create_connection
        log = []
        try:
            async with httpx.AsyncClient(verify=client_ctx) as client:
                resp = await client.get(f"https://{HOST}:{port}/httpx",
                                        headers={"Host": f"localhost:{port}"},
                                        extensions={"sni_hostname": "localhost"})
                log.append((resp.status_code, resp.json(), resp.http_version))
        finally:
            del loop.create_connection
            await runner.cleanup()
        log.append(("connections through the running loop", connects))
        log.append(type(loop).__module__)
        return log

    expected = run_on("asyncio", main)
    port_free = [(HOST, "PORT")]
    assert expected[0] == (200, {"path": "/httpx", "secure": True, "got": 0}, "HTTP/1.1")
    actual = run_on("toyloop", main)
    assert actual[0] == expected[0]
    for log in (expected, actual):
        name, connects = log[1]
        assert [(host, "PORT") for host, _ in connects] == port_free
    assert expected[2].startswith("asyncio.") and actual[2].startswith("toyloop.")
