"""Chapter 7's teaching TLS layer, ``MiniTLSProtocol``, against a real TLS peer.

The peer is asyncio's own TLS (``start_server(ssl=...)``, i.e. ``sslproto``); the
client is ``MiniTLSProtocol`` over a plain ``create_connection`` transport.  The
same program runs on asyncio's loop and on toyloop's, and must give the same
transcript; a client that does not trust the server's CA must fail its handshake.
"""

from __future__ import annotations

import asyncio
import ssl

import pytest
from differential.ch7_common import both, tls_contexts

from toyloop.ch7_tls import MiniTLSProtocol

pytest.importorskip("trustme")
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def contexts():
    return tls_contexts("localhost")


class _App(asyncio.Protocol):
    """The application on top of the TLS layer: records what it is told."""

    def __init__(self) -> None:
        self.events: list = []
        self.got = bytearray()
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.events.append("connection_made")

    def data_received(self, data: bytes) -> None:
        self.got += data

    def eof_received(self) -> None:
        self.events.append("eof_received")

    def connection_lost(self, exc) -> None:
        self.events.append(("connection_lost", exc))
        if not self.closed.done():
            self.closed.set_result(None)


async def _tls_server(server_ctx):
    async def handler(reader, writer):
        line = await reader.readline()
        writer.write(b"tls says: " + line + b"x" * 200_000 + b"\n")  # many TLS records
        await writer.drain()
        writer.close()  # sslproto sends close_notify, then closes TCP

    return await asyncio.start_server(handler, HOST, 0, ssl=server_ctx)


async def _connect(client_ctx, port: int):
    loop = asyncio.get_running_loop()
    app = _App()
    handshake = loop.create_future()
    transport, tls = await loop.create_connection(
        lambda: MiniTLSProtocol(client_ctx, app, server_hostname="localhost",
                                handshake_done=handshake), HOST, port)
    return app, handshake, transport, tls


def test_mini_tls_client_talks_to_a_real_tls_server(contexts):
    server_ctx, client_ctx = contexts

    async def main():
        server = await _tls_server(server_ctx)
        app, handshake, transport, tls = await _connect(client_ctx,
                                                        server.sockets[0].getsockname()[1])
        tls.write(b"written before the handshake finished\n")  # queued, sent after
        await handshake
        ssl_object = app.transport.get_extra_info("ssl_object")
        log = [app.events[:], ssl_object.server_hostname,
               ssl_object.getpeercert()["subjectAltName"]]
        await app.closed
        log += [bytes(app.got[:48]), len(app.got), app.events]
        server.close()
        await server.wait_closed()
        return log

    log = both(main)
    assert log[:3] == [["connection_made"], "localhost", (("DNS", "localhost"),)]
    assert log[3] == b"tls says: written before the handshake finished\n"
    assert log[4] == 48 + 200_001
    assert log[5][0] == "connection_made" and "eof_received" in log[5]


def test_mini_tls_refuses_an_untrusted_certificate(contexts):
    server_ctx, _ = contexts

    async def main():
        server = await _tls_server(server_ctx)
        stranger = ssl.create_default_context()  # does not trust the test CA
        app, handshake, transport, tls = await _connect(stranger,
                                                        server.sockets[0].getsockname()[1])
        try:
            await handshake
            result = "handshake succeeded?!"
        except ssl.SSLCertVerificationError as exc:
            result = exc.verify_message
        await asyncio.sleep(0)
        log = [result, app.events, transport.is_closing()]
        server.close()
        await server.wait_closed()
        return log

    assert both(main) == ["unable to get local issuer certificate", [], True]
