"""Chapter 5: transports and protocols, differential against asyncio's own loop.

Each scenario is written once as ``async def scenario() -> list`` that records
what the protocols see (``connection_made``, ``data_received``, ``eof_received``,
``connection_lost`` ...) in a list; ``both(scenario)`` runs it on asyncio's
selector loop and on toyloop's EventLoop and asserts the two lists are equal.
Everything binds 127.0.0.1.  Waits are on events (futures), never on sleeps.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import sys

import pytest
from differential.harness import run_program_on, run_program_on_both

import toyloop
from toyloop.ch5_transports import Server

HOST = "127.0.0.1"
LOOPS = ("asyncio", "toyloop")


run_on = run_program_on
both = run_program_on_both




class Recorder(asyncio.Protocol):
    """Records every callback; consecutive data chunks are merged (TCP has no chunks)."""

    def __init__(self, name: str, log: list, *, keep_open: bool = False) -> None:
        self.name, self.log, self.keep_open = name, log, keep_open
        self.transport = None
        self.made = asyncio.get_running_loop().create_future()
        self.lost = asyncio.get_running_loop().create_future()
        self.data = bytearray()

    def connection_made(self, transport):
        self.transport = transport
        self.log.append((self.name, "connection_made"))
        self.made.set_result(None)

    def data_received(self, data):
        if self.log and self.log[-1][:2] == (self.name, "data_received"):
            self.log[-1] = (self.name, "data_received", self.log[-1][2] + data)
        else:
            self.log.append((self.name, "data_received", data))
        self.data += data

    def eof_received(self):
        self.log.append((self.name, "eof_received"))
        return self.keep_open

    def pause_writing(self):
        self.log.append((self.name, "pause_writing"))

    def resume_writing(self):
        self.log.append((self.name, "resume_writing"))

    def connection_lost(self, exc):
        kind = None if exc is None else "OSError" if isinstance(exc, OSError) else repr(exc)
        self.log.append((self.name, "connection_lost", kind))
        self.lost.set_result(exc)


async def serve(factory, **kwargs):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, HOST, 0, **kwargs)
    return server, server.sockets[0].getsockname()[1]


def only(log: list, name: str) -> list:
    return [event[1:] for event in log if event[0] == name]


class Lazy(Recorder):
    """Does not read at first (pause_reading() in connection_made): the peer's buffers fill."""

    def connection_made(self, transport):
        super().connection_made(transport)
        transport.pause_reading()


async def lazy_server(log: list):
    """A server of ``Lazy("server", log)`` protocols: (server, port, protocols so far)."""
    servers: list = []
    server, port = await serve(lambda: servers.append(Lazy("server", log)) or servers[-1])
    return server, port, servers


# ---------------------------------------------------------------------------
# Ordering of protocol callbacks
# ---------------------------------------------------------------------------


async def _echo_then_close() -> list:
    """Client sends, half-closes; the server echoes and closes on EOF."""
    loop = asyncio.get_running_loop()
    log: list = []
    servers: list = []

    class Echo(Recorder):
        def data_received(self, data):
            super().data_received(data)
            self.transport.write(data.upper())

    def factory():
        proto = Echo("server", log)
        servers.append(proto)
        return proto

    server, port = await serve(factory)
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    log.append(("client", "create_connection returned", client.made.done()))
    transport.write(b"ping ")
    transport.writelines([b"po", b"ng"])
    transport.write_eof()
    await client.lost
    await servers[0].lost
    server.close()
    await server.wait_closed()
    return only(log, "client") + [("--",)] + only(log, "server")


def test_callback_order_echo_and_close():
    log = both(_echo_then_close)
    assert log == [
        ("connection_made",), ("create_connection returned", True),
        ("data_received", b"PING PONG"), ("eof_received",), ("connection_lost", None),
        ("--",),
        ("connection_made",), ("data_received", b"ping pong"), ("eof_received",),
        ("connection_lost", None),
    ]


async def _half_close() -> list:
    """eof_received returning True keeps the transport open to write the answer."""
    loop = asyncio.get_running_loop()
    log: list = []
    done = loop.create_future()

    class Answer(Recorder):
        def eof_received(self):
            super().eof_received()
            self.log.append(("server", "is_closing after EOF", self.transport.is_closing()))
            loop.call_soon(self.answer)
            return True  # keep our sending half

        def answer(self):
            self.transport.write(b"got %d bytes" % len(self.data))
            self.transport.close()

        def connection_lost(self, exc):
            super().connection_lost(exc)
            done.set_result(None)

    server, port = await serve(lambda: Answer("server", log, keep_open=True))
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    log.append(("client", "can_write_eof", transport.can_write_eof()))
    transport.write(b"hello")
    transport.write_eof()
    with pytest.raises(RuntimeError, match=r"^Cannot call write\(\) after write_eof\(\)$"):
        transport.write(b"more")
    await client.lost
    await done
    server.close()
    await server.wait_closed()
    return only(log, "client") + [("--",)] + only(log, "server")


def test_half_close_eof_received_true():
    log = both(_half_close)
    assert ("is_closing after EOF", False) in log
    assert ("data_received", b"got 5 bytes") in log


async def _buffered_protocol() -> list:
    """BufferedProtocol: the transport reads into get_buffer(), then buffer_updated(n)."""
    loop = asyncio.get_running_loop()
    log: list = []
    received = bytearray()
    lost = loop.create_future()

    class Sink(asyncio.BufferedProtocol):
        def __init__(self):
            self.buf = bytearray(1000)

        def connection_made(self, transport):
            log.append("connection_made")

        def get_buffer(self, sizehint):
            return self.buf

        def buffer_updated(self, nbytes):
            received.extend(self.buf[:nbytes])

        def eof_received(self):
            log.append("eof_received")

        def connection_lost(self, exc):
            log.append(("connection_lost", exc))
            lost.set_result(None)

    server, port = await serve(Sink)
    payload = bytes(range(256)) * 40  # 10 KiB: many get_buffer() rounds of 1000 bytes
    _, writer = await asyncio.open_connection(HOST, port)
    writer.write(payload)
    writer.close()
    await writer.wait_closed()
    await lost
    server.close()
    await server.wait_closed()
    log.append(("received all", bytes(received) == payload))
    return log


def test_buffered_protocol():
    assert both(_buffered_protocol) == [
        "connection_made", "eof_received", ("connection_lost", None), ("received all", True)]


async def _empty_get_buffer() -> list:
    """A BufferedProtocol returning an empty buffer is a fatal error, as in asyncio."""
    loop = asyncio.get_running_loop()
    log: list = []
    lost = loop.create_future()
    loop.set_exception_handler(lambda _loop, ctx: log.append(
        ("handler", ctx["message"], repr(ctx["exception"]))))

    class Empty(asyncio.BufferedProtocol):
        def get_buffer(self, sizehint):
            return bytearray()

        def connection_lost(self, exc):
            log.append(("connection_lost", repr(exc)))
            lost.set_result(None)

    server, port = await serve(Empty)
    _, writer = await asyncio.open_connection(HOST, port)
    writer.write(b"x")
    await lost
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return log


def test_get_buffer_returning_empty_buffer_is_fatal():
    err = "RuntimeError('get_buffer() returned an empty buffer')"
    assert both(_empty_get_buffer) == [
        ("handler", "Fatal error: protocol.get_buffer() call failed.", err),
        ("connection_lost", err)]


# ---------------------------------------------------------------------------
# Flow control
# ---------------------------------------------------------------------------


async def _slow_reader() -> list:
    """A server that does not read: the client's buffer passes the high-water mark."""
    loop = asyncio.get_running_loop()
    log: list = []
    server, port, servers = await lazy_server(log)
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    transport.set_write_buffer_limits(high=64 * 1024)
    log.append(("client", "limits", transport.get_write_buffer_limits()))
    chunk = b"x" * 65536
    sent = 0
    while ("client", "pause_writing") not in log:
        transport.write(chunk)  # the kernel takes what it can, the rest is buffered
        sent += len(chunk)
        assert sent < 64 * 1024 * 1024, "pause_writing never came"
    log.append(("client", "buffer above high", transport.get_write_buffer_size() > 65536))
    await servers[0].made
    log.append(("server", "is_reading", servers[0].transport.is_reading()))
    resumed = loop.create_future()
    client.resume_writing = lambda: (log.append(("client", "resume_writing")),
                                     log.append(("client", "buffer at or below low",
                                                 transport.get_write_buffer_size() <= 16384)),
                                     resumed.set_result(None))
    servers[0].transport.resume_reading()
    await resumed
    transport.close()
    await client.lost
    await servers[0].lost
    server.close()
    await server.wait_closed()
    log.append(("server got everything", len(servers[0].data) == sent))
    result = [e for e in log if e[1] != "data_received"]
    return result


def test_flow_control_pause_then_resume():
    log = both(_slow_reader)
    assert ("server", "is_reading", False) in log  # pause_reading() took effect
    client = only(log, "client")
    assert client[:4] == [("connection_made",), ("limits", (16384, 65536)), ("pause_writing",),
                          ("buffer above high", True)]
    assert ("resume_writing",) in client and ("buffer at or below low", True) in client
    assert log[-1] == ("server got everything", True)


@pytest.mark.parametrize("kind", LOOPS)
def test_set_write_buffer_limits_validates(kind):
    async def main():
        loop = asyncio.get_running_loop()
        server, port = await serve(asyncio.Protocol)
        transport, _ = await loop.create_connection(asyncio.Protocol, HOST, port)
        try:
            with pytest.raises(ValueError) as info:
                transport.set_write_buffer_limits(high=1, low=2)
            transport.set_write_buffer_limits(low=100)
            return str(info.value), transport.get_write_buffer_limits()
        finally:
            transport.close()
            server.close()

    assert run_on(kind, main) == ("high (1) must be >= low (2) must be >= 0", (100, 400))


# ---------------------------------------------------------------------------
# Closing: flush first, lose once; abort; peer reset
# ---------------------------------------------------------------------------


async def _close_flushes_first() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    server, port, servers = await lazy_server(log)
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    payload = b"y" * (4 * 1024 * 1024)
    transport.write(payload)
    transport.close()
    transport.close()  # twice is harmless
    log.append(("client", "closing, still buffered", transport.is_closing(),
                transport.get_write_buffer_size() > 0))
    await servers[0].made
    servers[0].transport.resume_reading()
    await client.lost
    await servers[0].lost
    server.close()
    await server.wait_closed()
    log.append(("server got everything", len(servers[0].data) == len(payload)))
    return [e for e in log if e[1] != "data_received"]


def test_close_flushes_the_buffer_then_loses_once():
    log = both(_close_flushes_first)
    # resume_writing still comes while the closing transport drains its buffer.
    assert only(log, "client") == [
        ("connection_made",), ("pause_writing",), ("closing, still buffered", True, True),
        ("resume_writing",), ("connection_lost", None)]
    assert only(log, "server") == [
        ("connection_made",), ("eof_received",), ("connection_lost", None)]
    assert log[-1] == ("server got everything", True)


async def _abort_drops_buffer() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    server, port, servers = await lazy_server(log)
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    transport.write(b"z" * (4 * 1024 * 1024))
    transport.abort()
    log.append(("client", "after abort", transport.is_closing(),
                transport.get_write_buffer_size()))
    transport.abort()  # connection_lost is called once only
    await client.lost
    for _ in range(3):
        await asyncio.sleep(0)
    log.append(("client", "write after lost is ignored", transport.write(b"late")))
    await servers[0].made
    servers[0].transport.close()
    await servers[0].lost
    server.close()
    await server.wait_closed()
    return only(log, "client")


def test_abort_drops_buffer_and_loses_once():
    log = both(_abort_drops_buffer)
    assert [e for e in log if e != ("pause_writing",)] == [
        ("connection_made",), ("after abort", True, 0), ("connection_lost", None),
        ("write after lost is ignored", None)]


async def _peer_reset() -> list:
    """The server resets the connection (SO_LINGER 0) while the client writes."""
    loop = asyncio.get_running_loop()
    log: list = []

    class Resetter(asyncio.Protocol):
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()  # close() with linger 0 sends RST, not FIN

    server, port = await serve(Resetter)
    transport, client = await loop.create_connection(lambda: Recorder("client", log), HOST, port)
    transport.set_write_buffer_limits(high=1 << 30)  # no pause: keep writing into the reset
    while not client.lost.done():
        transport.write(b"w" * 65536)
        await asyncio.sleep(0)
    exc = await client.lost
    log.append(("client", "reset-like", type(exc).__name__ in
                ("ConnectionResetError", "BrokenPipeError")))
    server.close()
    await server.wait_closed()
    return only(log, "client")


def test_peer_reset_mid_write_gives_connection_lost_with_exception():
    assert both(_peer_reset) == [
        ("connection_made",), ("connection_lost", "OSError"), ("reset-like", True)]


async def _protocol_raises() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    loop.set_exception_handler(lambda _loop, ctx: log.append(
        ("handler", ctx["message"], sorted(ctx), repr(ctx["exception"]))))

    class Faulty(Recorder):
        def data_received(self, data):
            raise ZeroDivisionError("bad protocol")

    server, port = await serve(lambda: Faulty("server", log))
    _, writer = await asyncio.open_connection(HOST, port)
    writer.write(b"boom")
    await writer.drain()
    data = await writer.transport.get_protocol()._stream_reader.read()
    log.append(("client read", data))
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return log


def test_protocol_exception_goes_to_handler_and_closes():
    assert both(_protocol_raises) == [
        ("server", "connection_made"),
        ("handler", "Fatal error: protocol.data_received() call failed.",
         ["exception", "message", "protocol", "transport"], "ZeroDivisionError('bad protocol')"),
        ("server", "connection_lost", "ZeroDivisionError('bad protocol')"),
        ("client read", b""),
    ]


# ---------------------------------------------------------------------------
# Extra info, fds owned by transports, connect_accepted_socket, local_addr
# ---------------------------------------------------------------------------


async def _extra_info() -> list:
    loop = asyncio.get_running_loop()
    server, port = await serve(asyncio.Protocol)
    transport, _ = await loop.create_connection(asyncio.Protocol, HOST, port,
                                                local_addr=(HOST, 0))
    sock = transport.get_extra_info("socket")
    result = [
        transport.get_extra_info("peername") == (HOST, port),
        transport.get_extra_info("sockname") == sock.getsockname(),
        sock.getsockname()[0] == HOST,
        transport.get_extra_info("nothing", "default"),
        sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
        transport.is_reading(),
        type(transport.get_protocol()).__name__,
    ]
    with pytest.raises(RuntimeError) as info:
        loop.add_reader(sock.fileno(), print)
    result.append(str(info.value).startswith(f"File descriptor {sock.fileno()} is used by "
                                             "transport <"))
    with pytest.raises(RuntimeError):
        loop.remove_writer(sock.fileno())
    transport.close()
    loop.add_reader(sock.fileno(), print)  # a closing transport no longer owns it
    result.append(loop.remove_reader(sock.fileno()))
    server.close()
    await server.wait_closed()
    return result


def test_extra_info_and_fd_ownership():
    assert both(_extra_info) == [True, True, True, "default", True, True, "Protocol", True,
                                 True]


async def _accepted_socket() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    with socket.create_server((HOST, 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()
    transport, proto = await loop.connect_accepted_socket(lambda: Recorder("accepted", log),
                                                          conn)
    client.sendall(b"raw bytes")
    client.shutdown(socket.SHUT_WR)
    await proto.lost
    client.close()
    return log


def test_connect_accepted_socket():
    assert both(_accepted_socket) == [
        ("accepted", "connection_made"), ("accepted", "data_received", b"raw bytes"),
        ("accepted", "eof_received"), ("accepted", "connection_lost", None)]


@pytest.mark.parametrize("kind", LOOPS)
def test_connection_refused(kind):
    async def main():
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]  # bound, never listening: refused
            with pytest.raises(ConnectionRefusedError):
                await asyncio.get_running_loop().create_connection(asyncio.Protocol, HOST, port)
        return "refused"

    assert run_on(kind, main) == "refused"


# ---------------------------------------------------------------------------
# Server objects
# ---------------------------------------------------------------------------


async def _server_lifecycle() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    servers: list = []
    server = await loop.create_server(lambda: servers.append(Recorder("s", log)) or servers[-1],
                                      HOST, 0, start_serving=False, backlog=5,
                                      reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    log.append(("serving before start", server.is_serving(), server.get_loop() is loop))
    await server.start_serving()
    log.append(("serving", server.is_serving()))
    transport, client = await loop.create_connection(lambda: Recorder("c", log), HOST, port)
    await servers[0].made
    server.close()
    log.append(("after close", server.is_serving(), server.sockets))
    waiter = asyncio.ensure_future(server.wait_closed())
    await asyncio.sleep(0)
    with pytest.raises(ConnectionRefusedError):
        await loop.create_connection(asyncio.Protocol, HOST, port)
    servers[0].transport.close()  # the last client goes: wait_closed may return
    await client.lost
    await waiter
    log.append(("wait_closed returned",))
    await server.wait_closed()  # again: returns at once
    server.close()  # twice is harmless
    return log


def test_server_close_and_wait_closed():
    assert both(_server_lifecycle) == [
        ("serving before start", False, True), ("serving", True),
        ("s", "connection_made"), ("c", "connection_made"),
        ("after close", False, ()),
        ("s", "connection_lost", None), ("c", "eof_received"), ("c", "connection_lost", None),
        ("wait_closed returned",)]


@pytest.mark.parametrize("kind", LOOPS)
def test_wait_closed_waits_for_clients(kind):
    """toyloop waits on every Python; asyncio only from 3.12.1 on."""
    if kind == "asyncio" and sys.version_info < (3, 12, 1):
        pytest.skip("asyncio < 3.12.1 let wait_closed() return with clients alive")

    async def main():
        loop = asyncio.get_running_loop()
        servers: list = []
        server = await loop.create_server(
            lambda: servers.append(Recorder("s", [])) or servers[-1], HOST, 0)
        port = server.sockets[0].getsockname()[1]
        transport, _ = await loop.create_connection(asyncio.Protocol, HOST, port)
        await servers[0].made
        server.close()
        waiter = asyncio.ensure_future(server.wait_closed())
        for _ in range(5):
            await asyncio.sleep(0)
        early = waiter.done()
        transport.close()
        await waiter
        return early

    assert run_on(kind, main) is False


@pytest.mark.parametrize("kind", LOOPS)
def test_serve_forever_cancelled_closes(kind):
    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(asyncio.Protocol, HOST, 0, start_serving=False)
        task = asyncio.ensure_future(server.serve_forever())
        await asyncio.sleep(0)
        serving = server.is_serving()
        with pytest.raises(RuntimeError, match="is already being awaited on serve_forever"):
            await server.serve_forever()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(RuntimeError, match=r"^server <.*> is closed$"):
            await server.serve_forever()
        return serving, server.is_serving()

    assert run_on(kind, main) == (True, False)


@pytest.mark.parametrize("kind", LOOPS)
def test_server_async_with(kind):
    async def main():
        loop = asyncio.get_running_loop()
        async with await loop.create_server(asyncio.Protocol, HOST, 0) as server:
            inside = server.is_serving()
        return inside, server.is_serving(), server.sockets

    assert run_on(kind, main) == (True, False, ())


def test_server_is_toyloops_own():
    async def main():
        return await asyncio.get_running_loop().create_server(asyncio.Protocol, HOST, 0)

    with asyncio.Runner(loop_factory=toyloop.EventLoop) as runner:
        server = runner.run(main())
        assert isinstance(server, Server) and isinstance(server, asyncio.AbstractServer)
        assert repr(server).startswith("<Server sockets=(<asyncio.TransportSocket")
        server.close()
        runner.run(server.wait_closed())


# ---------------------------------------------------------------------------
# UDP
# ---------------------------------------------------------------------------


class Datagrams(asyncio.DatagramProtocol):
    def __init__(self, name: str, log: list, echo: bool = False) -> None:
        self.name, self.log, self.echo = name, log, echo
        self.got = asyncio.get_running_loop().create_future()
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        self.log.append((self.name, "connection_made"))

    def datagram_received(self, data, addr):
        self.log.append((self.name, "datagram_received", data, addr[0]))
        if self.echo:
            self.transport.sendto(data.upper(), addr)
        elif not self.got.done():
            self.got.set_result(data)

    def error_received(self, exc):
        self.log.append((self.name, "error_received", type(exc).__name__))
        if not self.got.done():
            self.got.set_result(exc)

    def connection_lost(self, exc):
        self.log.append((self.name, "connection_lost", exc))
        self.lost.set_result(None)


async def _udp_echo() -> list:
    loop = asyncio.get_running_loop()
    log: list = []
    server_t, server = await loop.create_datagram_endpoint(
        lambda: Datagrams("server", log, echo=True), local_addr=(HOST, 0))
    addr = server_t.get_extra_info("sockname")
    client_t, client = await loop.create_datagram_endpoint(
        lambda: Datagrams("client", log), remote_addr=addr)
    log.append(("client peername ok", client_t.get_extra_info("peername") == addr))
    client_t.sendto(b"hello udp")
    await client.got
    with pytest.raises(ValueError, match=r"^Invalid address: must be None or "):
        client_t.sendto(b"x", (HOST, 9))
    with pytest.raises(TypeError, match="data argument must be a bytes-like object, not 'str'"):
        client_t.sendto("text")
    log.append(("buffer", client_t.get_write_buffer_size()))
    server_t.close()
    await server.lost  # the socket itself closes in connection_lost's callback
    # Nobody listens now: a connected UDP socket hears ECONNREFUSED (ICMP unreachable).
    client.got = loop.create_future()
    client_t.sendto(b"anyone?")
    await client.got
    client_t.close()
    await client.lost
    return log


def test_udp_echo():
    assert both(_udp_echo) == [
        ("server", "connection_made"), ("client", "connection_made"),
        ("client peername ok", True),
        ("server", "datagram_received", b"hello udp", HOST),
        ("client", "datagram_received", b"HELLO UDP", HOST),
        ("buffer", 0), ("server", "connection_lost", None),
        ("client", "error_received", "ConnectionRefusedError"),
        ("client", "connection_lost", None)]


@pytest.mark.parametrize("kind", LOOPS)
def test_datagram_endpoint_argument_errors(kind):
    async def main():
        loop = asyncio.get_running_loop()
        messages = []
        for kwargs in ({}, {"local_addr": "127.0.0.1"}):
            with pytest.raises((ValueError, TypeError)) as info:
                await loop.create_datagram_endpoint(asyncio.DatagramProtocol, **kwargs)
            messages.append(str(info.value))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            with pytest.raises(ValueError) as info:
                await loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=sock,
                                                    local_addr=(HOST, 0))
            messages.append(str(info.value))
        return messages

    assert run_on(kind, main) == [
        "unexpected address family", "2-tuple is expected",
        "socket modifier keyword arguments can not be used when sock is specified. "
        "(local_addr=('127.0.0.1', 0))"]


def test_close_inside_resume_writing_loses_once():
    """close() from resume_writing() with an empty buffer: connection_lost exactly once.

    asyncio (3.11-3.13) calls it twice here -- once scheduled by close(), once
    directly by _write_ready -- and the second call crashes into the exception
    handler; toyloop guards on ``_conn_lost``.  So this test runs on toyloop only.
    """
    async def main():
        loop = asyncio.get_running_loop()
        log: list = []
        loop.set_exception_handler(lambda _loop, ctx: log.append(("handler", ctx["message"])))
        gate = asyncio.Event()
        handler_done = asyncio.Event()

        async def late_reader(reader, writer):
            await gate.wait()
            await reader.read()
            writer.close()
            handler_done.set()

        server = await asyncio.start_server(late_reader, HOST, 0)
        port = server.sockets[0].getsockname()[1]

        class CloseOnResume(Recorder):
            def pause_writing(self):
                super().pause_writing()
                gate.set()

            def resume_writing(self):
                super().resume_writing()
                self.transport.close()

        transport, client = await loop.create_connection(
            lambda: CloseOnResume("client", log), HOST, port)
        transport.set_write_buffer_limits(high=65536, low=0)  # resume only when empty
        while not gate.is_set():
            transport.write(b"x" * 65536)
        await client.lost
        for _ in range(5):
            await asyncio.sleep(0)
        transport.abort()  # after the loss: a no-op, not a crash
        await handler_done.wait()
        server.close()
        return log

    assert run_on("toyloop", main) == [
        ("client", "connection_made"), ("client", "pause_writing"),
        ("client", "resume_writing"), ("client", "connection_lost", None)]


@pytest.mark.parametrize("method", ["close_clients", "abort_clients"])
def test_server_close_clients_and_abort_clients(method):
    """Python 3.13's Server.close_clients()/abort_clients(), on every Python.

    Each server transport holds unsent data when the method is called:
    close_clients() flushes it first, abort_clients() drops it.
    """
    size = 4 * 1024 * 1024

    async def main():
        loop = asyncio.get_running_loop()
        log: list = []
        servers: list = []
        server, port = await serve(lambda: servers.append(Recorder("s", log)) or servers[-1])
        clients = [await loop.create_connection(lambda: Lazy("c", log), HOST, port)
                   for _ in range(3)]
        while len(servers) < 3:
            await asyncio.sleep(0)
        for proto in servers:
            await proto.made
            proto.transport.set_write_buffer_limits(high=2 * size)  # no pause_writing
            proto.transport.write(b"s" * size)  # the clients do not read yet
        buffered = [proto.transport.get_write_buffer_size() > 0 for proto in servers]
        server.close()
        getattr(server, method)()
        after = [(proto.transport.is_closing(), proto.transport.get_write_buffer_size() > 0)
                 for proto in servers]
        for transport, _ in clients:
            transport.resume_reading()
        await server.wait_closed()
        for _, client in clients:
            await client.lost
        received = [len(client.data) for _, client in clients]
        return sorted(only(log, "s")), only(log, "c"), buffered, after, received

    server_events, client_events, buffered, after, received = run_on("toyloop", main)
    assert server_events == [("connection_lost", None)] * 3 + [("connection_made",)] * 3
    assert len(client_events) >= 6  # each client: made, (eof), lost
    assert client_events.count(("connection_made",)) == 3
    assert sum(event[0] == "connection_lost" for event in client_events) == 3
    assert buffered == [True] * 3
    if method == "close_clients":
        assert after == [(True, True)] * 3  # closing, still flushing
        assert received == [size] * 3
    else:
        assert after == [(True, False)] * 3  # the buffer is gone at once
        assert all(n < size for n in received), received
