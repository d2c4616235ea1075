"""Chapter 7: TLS, the same program on asyncio's loop and toyloop's.

A certificate authority and a server certificate for ``localhost`` are made at
test time by ``trustme``; every server binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import socket
import ssl

import pytest
from differential.ch7_common import both, outcome, tls_contexts

pytest.importorskip("trustme")
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def contexts():
    return tls_contexts("localhost")


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


def _port(server) -> int:
    return server.sockets[0].getsockname()[1]


def test_tls_echo_with_streams(contexts):
    server_ctx, client_ctx = contexts
    payload = bytes(range(256)) * 4096  # 1 MiB: TLS records, flow control both ways

    async def main():
        server = await asyncio.start_server(_echo, HOST, 0, ssl=server_ctx)
        reader, writer = await asyncio.open_connection(HOST, _port(server), ssl=client_ctx,
                                                       server_hostname="localhost")
        ssl_object = writer.get_extra_info("ssl_object")
        log = [ssl_object.server_hostname, ssl_object.version() in ("TLSv1.2", "TLSv1.3"),
               writer.get_extra_info("peercert")["subjectAltName"],
               writer.get_extra_info("cipher") is not None,
               writer.transport.get_extra_info("sslcontext") is client_ctx]

        async def send():
            writer.write(payload)
            await writer.drain()
            writer.write_eof() if writer.can_write_eof() else None

        received = b""
        sender = asyncio.ensure_future(send())
        while len(received) < len(payload):
            received += await reader.read(65536)
        await sender
        log += [received == payload, writer.can_write_eof()]
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return log

    assert both(main) == ["localhost", True, (("DNS", "localhost"),), True, True, True,
                          False]


def test_start_tls_upgrades_a_plain_connection(contexts):
    server_ctx, client_ctx = contexts

    async def handler(reader, writer):
        assert await reader.readline() == b"STARTTLS\n"
        writer.write(b"go ahead\n")
        await writer.drain()
        await writer.start_tls(server_ctx)
        line = await reader.readline()
        writer.write(b"secret received: " + line)
        await writer.drain()
        writer.close()

    async def main():
        server = await asyncio.start_server(handler, HOST, 0)
        reader, writer = await asyncio.open_connection(HOST, _port(server))
        writer.write(b"STARTTLS\n")
        log = [await reader.readline(), writer.get_extra_info("ssl_object")]
        await writer.start_tls(client_ctx, server_hostname="localhost")
        log.append(writer.get_extra_info("ssl_object").server_hostname)
        writer.write(b"hunter2\n")
        log.append(await reader.readline())
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return log

    assert both(main) == [b"go ahead\n", None, "localhost", b"secret received: hunter2\n"]


def test_connect_accepted_socket_with_tls(contexts):
    server_ctx, client_ctx = contexts

    async def main():
        loop = asyncio.get_running_loop()
        listener = socket.socket()
        listener.bind((HOST, 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        client = asyncio.ensure_future(asyncio.open_connection(
            HOST, port, ssl=client_ctx, server_hostname="localhost"))
        conn, _ = await loop.sock_accept(listener)
        listener.close()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_accepted_socket(
            lambda: asyncio.StreamReaderProtocol(reader), conn, ssl=server_ctx)
        creader, cwriter = await client
        cwriter.write(b"over an accepted socket\n")
        log = [await reader.readline(), transport.get_extra_info("ssl_object").server_side]
        transport.write(b"reply\n")
        log.append(await creader.readline())
        cwriter.close()
        transport.close()
        await cwriter.wait_closed()
        return log

    assert both(main) == [b"over an accepted socket\n", True, b"reply\n"]


def test_untrusted_certificate_fails_the_same_way(contexts):
    server_ctx, _ = contexts

    async def main():
        server = await asyncio.start_server(_echo, HOST, 0, ssl=server_ctx)
        stranger = ssl.create_default_context()  # does not trust our test CA
        result = await outcome(asyncio.open_connection(HOST, _port(server), ssl=stranger,
                                                       server_hostname="localhost"))
        wrong_name = ssl.create_default_context()
        wrong_name.load_verify_locations(cadata=None, cafile=None) if False else None
        server.close()
        await server.wait_closed()
        return [result]

    [(kind, message)] = both(main)
    assert kind == "SSLCertVerificationError" and "certificate verify failed" in message


def test_wrong_hostname_fails_the_same_way(contexts):
    server_ctx, client_ctx = contexts

    async def main():
        server = await asyncio.start_server(_echo, HOST, 0, ssl=server_ctx)
        result = await outcome(asyncio.open_connection(HOST, _port(server), ssl=client_ctx,
                                                       server_hostname="example.org"))
        server.close()
        await server.wait_closed()
        return [result]

    [(kind, message)] = both(main)
    assert kind == "SSLCertVerificationError" and "Hostname mismatch" in message


def test_handshake_timeout(contexts):
    _, client_ctx = contexts

    async def silent(reader, writer):
        await reader.read()  # a plain-text server: never answers the ClientHello
        writer.close()

    async def main():
        server = await asyncio.start_server(silent, HOST, 0)
        result = await outcome(asyncio.open_connection(
            HOST, _port(server), ssl=client_ctx, server_hostname="localhost",
            ssl_handshake_timeout=0.2))
        server.close()
        await server.wait_closed()
        return [result]

    assert both(main) == [("ConnectionAbortedError",
                           "SSL handshake is taking longer than 0.2 seconds: aborting the "
                           "connection")]


def test_tls_bad_input(contexts):
    server_ctx, client_ctx = contexts

    async def main():
        loop = asyncio.get_running_loop()
        proto = asyncio.Protocol
        plain = await asyncio.start_server(_echo, HOST, 0)
        sock = socket.socket()
        ssl_sock = client_ctx.wrap_socket(socket.socket(), server_hostname="x",
                                          do_handshake_on_connect=False)
        udp, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol,
                                                     local_addr=(HOST, 0))
        _, writer = await asyncio.open_connection(HOST, _port(plain))
        try:
            results = [
                await outcome(loop.create_connection(proto, HOST, 1, server_hostname="x")),
                await outcome(loop.create_connection(proto, sock=sock, ssl=client_ctx)),
                await outcome(loop.create_connection(proto, HOST, 1,
                                                     ssl_handshake_timeout=1)),
                await outcome(loop.create_connection(proto, HOST, 1,
                                                     ssl_shutdown_timeout=1)),
                await outcome(loop.create_connection(proto, sock=ssl_sock)),
                await outcome(loop.create_server(proto, HOST, 0, ssl=True)),
                await outcome(loop.create_server(proto, HOST, 0, ssl_handshake_timeout=1)),
                await outcome(loop.create_server(proto, HOST, 0, ssl_shutdown_timeout=1)),
                await outcome(loop.connect_accepted_socket(proto, sock,
                                                           ssl_handshake_timeout=1)),
                await outcome(loop.connect_accepted_socket(proto, ssl_sock)),
                await outcome(loop.start_tls(writer.transport, writer.transport.get_protocol(),
                                             "not a context")),
                await outcome(loop.start_tls(udp, asyncio.Protocol(), client_ctx)),
                await outcome(loop.create_connection(proto, HOST, 1, ssl=client_ctx,
                                                     ssl_handshake_timeout=-1)),
            ]
        finally:
            sock.close()
            ssl_sock.close()
            udp.close()
            writer.close()
            plain.close()
            await plain.wait_closed()
        return [(kind, msg.split("<")[0]) for kind, msg in results]

    results = both(main)
    assert results[0] == ("ValueError", "server_hostname is only meaningful with ssl")
    assert results[1] == ("ValueError",
                          "You must set server_hostname when using ssl without a host")
    assert results[4] == ("TypeError", "Socket cannot be of type SSLSocket")
    assert results[5] == ("TypeError", "ssl argument must be an SSLContext or None")
    assert results[11] == ("TypeError", "transport ")
