"""Chapter 5: real third-party asyncio libraries, unchanged, on toyloop.

websockets (its ``websockets.asyncio`` implementation, version 13 and later)
and aiohttp each run a server and a client over 127.0.0.1 and exchange
messages.  The same program also runs on asyncio's loop, and the transcripts
must be equal.  Both libraries are optional: the tests skip when one is not
installed.
"""

from __future__ import annotations

import pytest
from differential.harness import run_program_on_both

HOST = "127.0.0.1"


both = run_program_on_both




# ---------------------------------------------------------------------------
# websockets
# ---------------------------------------------------------------------------


def _websockets():
    pytest.importorskip("websockets")
    try:
        from websockets.asyncio.client import connect
        from websockets.asyncio.server import serve
    except ImportError:
        pytest.skip("websockets too old: no websockets.asyncio implementation (needs >= 13)")
    return serve, connect


async def _ws_chat() -> list:
    serve, connect = _websockets()
    log = []

    async def handler(ws):
        async for message in ws:
            await ws.send(f"echo {len(message)}: {message[:10]}")

    async with serve(handler, HOST, 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://{HOST}:{port}") as ws:
            for message in ["hello", "x" * 200_000, "bye"]:  # one large frame too
                await ws.send(message)
                log.append(await ws.recv())
            await ws.send(b"\x00\x01binary")
            log.append(await ws.recv())
            log.append(("latency measured", (await ws.ping()) is not None))
        log.append(("client close code", ws.close_code))
    return log


def test_websockets_server_and_client():
    _websockets()  # skip here, before any loop runs, if websockets is missing
    assert both(_ws_chat) == [
        "echo 5: hello", "echo 200000: xxxxxxxxxx", "echo 3: bye",
        "echo 8: b'\\x00\\x01binary'",
        ("latency measured", True), ("client close code", 1000)]


async def _ws_server_closes() -> list:
    serve, connect = _websockets()

    async def handler(ws):
        await ws.close(code=4000, reason="go away")

    async with serve(handler, HOST, 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://{HOST}:{port}") as ws:
            with pytest.raises(Exception) as info:
                await ws.recv()
        return [type(info.value).__name__, ws.close_code, ws.close_reason]


def test_websockets_server_closes_the_connection():
    _websockets()
    assert both(_ws_server_closes) == ["ConnectionClosedError", 4000, "go away"]


# ---------------------------------------------------------------------------
# aiohttp
# ---------------------------------------------------------------------------


async def _aiohttp_exchange() -> list:
    pytest.importorskip("aiohttp")
    import aiohttp
    from aiohttp import web

    async def hello(request):
        return web.json_response({"name": request.match_info["name"],
                                  "q": request.query.get("q")})

    async def upload(request):
        body = await request.read()
        return web.Response(text=f"{len(body)} bytes")

    async def ws_reverse(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            await ws.send_str(msg.data[::-1])
        return ws

    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    app.router.add_post("/upload", upload)
    app.router.add_get("/ws", ws_reverse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    log = []
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{HOST}:{port}/hello/toy?q=1") as resp:
                log.append((resp.status, await resp.json()))
            async with session.post(f"http://{HOST}:{port}/upload",
                                    data=b"u" * 1_000_000) as resp:
                log.append((resp.status, await resp.text()))
            async with session.get(f"http://{HOST}:{port}/missing") as resp:
                log.append(resp.status)
            async with session.ws_connect(f"http://{HOST}:{port}/ws") as ws:
                await ws.send_str("toyloop")
                log.append((await ws.receive()).data)
    finally:
        await runner.cleanup()
    return log


def test_aiohttp_server_and_client():
    pytest.importorskip("aiohttp")
    assert both(_aiohttp_exchange) == [
        (200, {"name": "toy", "q": "1"}), (200, "1000000 bytes"), 404, "poolyot"]
