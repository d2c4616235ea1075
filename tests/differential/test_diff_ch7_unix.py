"""Chapter 7: Unix sockets and pipes, the same program on asyncio's loop and toyloop's.

Socket paths live in a fresh temporary directory per run; abstract-namespace
names carry the pid and a counter so the two loops never collide.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import socket
import sys
import tempfile

import pytest
from differential.ch7_common import both, outcome, outcome_sync

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs AF_UNIX")
PY313 = sys.version_info >= (3, 13)
_names = itertools.count()


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(b"echo " + line)
        await writer.drain()
    writer.close()


async def _talk(path: str, lines: list[bytes], **kwargs) -> list[bytes]:
    reader, writer = await asyncio.open_unix_connection(path, **kwargs)
    got = []
    for line in lines:
        writer.write(line)
        got.append(await reader.readline())
    writer.write_eof()
    got.append(await reader.read())  # the server closed after our EOF
    writer.close()
    await writer.wait_closed()
    return got


def test_start_unix_server_and_open_unix_connection():
    async def main():
        log = []
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "echo.sock")
            server = await asyncio.start_unix_server(_echo, path)
            log.append(("listening", server.sockets[0].getsockname() == path,
                        server.sockets[0].family == socket.AF_UNIX))
            log.append(await _talk(path, [b"one\n", b"x" * 100_000 + b"\n"]))
            log.append(await asyncio.gather(*[_talk(path, [b"%d\n" % i]) for i in range(5)]))
            server.close()
            await server.wait_closed()
            # 3.13 removes the file it made (cleanup_socket); 3.11/3.12 leave it
            log.append(("file after close", os.path.exists(path)))
        return log

    log = both(main)
    assert log[1][0] == b"echo one\n" and log[1][2] == b""
    assert log[-1] == ("file after close", not PY313)


def test_stale_socket_file_is_replaced_and_other_files_are_not():
    async def main():
        log = []
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "s")
            stale = socket.socket(socket.AF_UNIX)
            stale.bind(path)  # a server that died without removing its file
            stale.close()
            server = await asyncio.start_unix_server(_echo, path)
            log.append(await _talk(path, [b"after stale\n"]))
            server.close()
            await server.wait_closed()
            plain = os.path.join(tmp, "plain")
            with open(plain, "w") as fh:
                fh.write("not a socket")
            err = await outcome(asyncio.start_unix_server(_echo, plain))
            log.append((err[0], err[1].replace(tmp, "TMP")))
            log.append(("plain file kept", os.path.exists(plain)))
        return log

    assert both(main)[1] == ("OSError", "[Errno 98] Address 'TMP/plain' is already in use")


def test_abstract_namespace():
    if not sys.platform.startswith("linux"):
        pytest.skip("abstract socket names are Linux-only")

    async def main():
        name = f"\0toyloop-ch7-{os.getpid()}-{next(_names)}"
        server = await asyncio.start_unix_server(_echo, name)
        got = await _talk(name, [b"abstract\n"])
        server.close()
        await server.wait_closed()
        return [got, server.sockets]

    assert both(main) == [[b"echo abstract\n", b""], ()]


def test_cleanup_socket_false_keeps_the_file():
    if not PY313:
        async def main():
            loop = asyncio.get_running_loop()
            kind, msg = outcome_sync(loop.create_unix_server, asyncio.Protocol, "/x",
                                     cleanup_socket=False)
            return [(kind, msg.split(".", 1)[1])]  # drop the loop's class name
        assert both(main) == [("TypeError", "create_unix_server() got an unexpected "
                                            "keyword argument 'cleanup_socket'")]
        return

    async def main():
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "kept")
            server = await asyncio.start_unix_server(_echo, path, cleanup_socket=False)
            server.close()
            await server.wait_closed()
            return [os.path.exists(path)]

    assert both(main) == [True]


def test_unix_server_on_a_given_socket():
    async def main():
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "given")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(path)
            server = await asyncio.start_unix_server(_echo, sock=sock)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(path)
            got = await _talk_sock(client)
            server.close()
            await server.wait_closed()
            return [got]

    async def _talk_sock(client):
        reader, writer = await asyncio.open_unix_connection(sock=client)
        writer.write(b"by sock\n")
        line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        return line

    assert both(main) == [b"echo by sock\n"]


def test_unix_bad_input():
    async def main():
        loop = asyncio.get_running_loop()
        udp = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            results = [
                await outcome(loop.create_unix_connection(asyncio.Protocol)),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/x", sock=tcp)),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/x",
                                                          server_hostname="h")),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/x", ssl=True)),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/x",
                                                          ssl_handshake_timeout=1)),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/x",
                                                          ssl_shutdown_timeout=1)),
                await outcome(loop.create_unix_connection(asyncio.Protocol, "/nonexistent/x")),
                await outcome(loop.create_unix_server(asyncio.Protocol)),
                await outcome(loop.create_unix_server(asyncio.Protocol, "/x", sock=tcp)),
                await outcome(loop.create_unix_server(asyncio.Protocol, "/x", ssl=True)),
                await outcome(loop.create_unix_server(asyncio.Protocol, "/x",
                                                      ssl_handshake_timeout=1)),
                await outcome(loop.create_unix_server(asyncio.Protocol, "/nonexistent/x")),
                await outcome(loop.create_datagram_endpoint(
                    asyncio.DatagramProtocol, local_addr=("a", 1), family=socket.AF_UNIX)),
            ]
            for sock in (udp, tcp):
                results.append(await outcome(loop.create_unix_server(asyncio.Protocol,
                                                                     sock=sock)))
                results.append(await outcome(loop.create_unix_connection(asyncio.Protocol,
                                                                         sock=sock)))
        finally:
            udp.close()
            tcp.close()
        # socket reprs carry fds and addresses: compare the message up to them
        return [(kind, msg.split("<")[0]) for kind, msg in results]

    results = both(main)
    assert results[0] == ("ValueError", "no path and sock were specified")
    assert results[3] == ("ValueError", "you have to pass server_hostname when using ssl")
    assert results[6][0] == "FileNotFoundError"
    assert results[-1] == ("ValueError", "A UNIX Domain Stream Socket was expected, got ")


class _DatagramRecorder(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.got: asyncio.Queue = asyncio.Queue()

    def datagram_received(self, data: bytes, addr) -> None:
        self.got.put_nowait((data, addr))


def test_unix_datagram_endpoints():
    async def main():
        loop = asyncio.get_running_loop()
        with tempfile.TemporaryDirectory() as tmp:
            server_path, client_path = os.path.join(tmp, "srv"), os.path.join(tmp, "cli")
            server_t, server_p = await loop.create_datagram_endpoint(
                _DatagramRecorder, local_addr=server_path, family=socket.AF_UNIX)
            client_t, client_p = await loop.create_datagram_endpoint(
                _DatagramRecorder, local_addr=client_path, remote_addr=server_path,
                family=socket.AF_UNIX)
            client_t.sendto(b"ping")
            data, addr = await server_p.got.get()
            server_t.sendto(data.upper(), addr)
            reply = await client_p.got.get()
            log = [(data, addr == client_path), (reply[0], reply[1] == server_path),
                   client_t.get_extra_info("peername") == server_path]
            client_t.close()
            server_t.close()
            # A stale datagram socket file at local_addr is removed, as for servers.
            again, _ = await loop.create_datagram_endpoint(
                _DatagramRecorder, local_addr=server_path, family=socket.AF_UNIX)
            log.append(again.get_extra_info("sockname") == server_path)
            again.close()
            await asyncio.sleep(0)
            log.append(await outcome(loop.create_datagram_endpoint(
                _DatagramRecorder, remote_addr=("h", 1), family=socket.AF_UNIX)))
        return log

    assert both(main) == [(b"ping", True), (b"PING", True), True, True,
                          ("TypeError", "string is expected")]


def test_sock_calls_on_a_unix_socketpair():
    async def main():
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        left.setblocking(False)
        right.setblocking(False)
        try:
            await loop.sock_sendall(left, b"hello " * 50_000)
            got = b""
            while len(got) < 300_000:
                got += await loop.sock_recv(right, 65536)
            buf = bytearray(10)
            await loop.sock_sendall(right, b"back")
            n = await loop.sock_recv_into(left, buf)
            return [len(got), bytes(buf[:n])]
        finally:
            left.close()
            right.close()

    async def concurrent_main():
        # sock_sendall of 300 kB cannot finish before the peer reads: run both at once
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        left.setblocking(False)
        right.setblocking(False)
        try:
            async def reader():
                got = b""
                while len(got) < 300_000:
                    got += await loop.sock_recv(right, 65536)
                return len(got)
            sent, got = await asyncio.gather(loop.sock_sendall(left, b"hello " * 50_000),
                                             reader())
            await loop.sock_sendall(right, b"back")
            buf = bytearray(10)
            n = await loop.sock_recv_into(left, buf)
            return [sent, got, bytes(buf[:n])]
        finally:
            left.close()
            right.close()

    assert both(concurrent_main) == [None, 300_000, b"back"]


class _PipeReader(asyncio.Protocol):
    def __init__(self) -> None:
        self.events: list = []
        self.done = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.events.append("made")

    def data_received(self, data: bytes) -> None:
        self.events.append(data)

    def eof_received(self) -> None:
        self.events.append("eof")

    def connection_lost(self, exc) -> None:
        self.events.append(("lost", exc))
        self.done.set_result(None)


def test_read_and_write_pipes():
    async def main():
        loop = asyncio.get_running_loop()
        rfd, wfd = os.pipe()
        rpipe, wpipe = open(rfd, "rb", buffering=0), open(wfd, "wb", buffering=0)
        rtrans, reader = await loop.connect_read_pipe(_PipeReader, rpipe)
        wtrans, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, wpipe)
        wtrans.write(b"first ")
        wtrans.writelines([b"second ", b"third"])
        log = [wtrans.can_write_eof(), wtrans.get_write_buffer_size(),
               rtrans.get_extra_info("pipe") is rpipe]
        await asyncio.sleep(0.05)
        wtrans.close()
        await reader.done
        data = b"".join(e for e in reader.events if isinstance(e, bytes))
        log += [reader.events[0], data, reader.events[-2:], rtrans.is_closing()]
        return log

    assert both(main) == [True, 0, True, "made", b"first second third",
                          ["eof", ("lost", None)], True]


def test_pipe_bad_input():
    async def main():
        loop = asyncio.get_running_loop()
        with tempfile.TemporaryFile() as regular:
            return [await outcome(loop.connect_read_pipe(asyncio.Protocol, regular)),
                    await outcome(loop.connect_write_pipe(asyncio.Protocol, regular))]

    assert both(main) == [("ValueError", "Pipe transport is for pipes/sockets only."),
                          ("ValueError", "Pipe transport is only for pipes, sockets and "
                                         "character devices")]


def test_unbound_unix_datagram_endpoint():
    async def main():
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol,
                                                           family=socket.AF_UNIX)
        sock = transport.get_extra_info("socket")
        result = [sock.family == socket.AF_UNIX, sock.type == socket.SOCK_DGRAM,
                  transport.get_extra_info("sockname")]
        transport.close()
        return result

    assert both(main) == [True, True, ""]


def test_chapter_5_stubs_are_all_replaced():
    """Nothing of toyloop.EventLoop still raises chapter 5's NotImplementedError."""
    import toyloop
    from toyloop.ch5_asyncio import EventLoop as Chapter5Loop
    stubs = ["create_unix_connection", "create_unix_server", "start_tls",
             "connect_read_pipe", "connect_write_pipe", "subprocess_exec",
             "subprocess_shell", "create_connection", "create_server",
             "connect_accepted_socket", "create_datagram_endpoint", "sock_sendfile",
             "sendfile"]
    assert [name for name in stubs
            if getattr(toyloop.EventLoop, name) is getattr(Chapter5Loop, name)] == []


def test_native_sendfile_without_fallback():
    """os.sendfile: file -> socket in the kernel, so fallback=False works (chapter 5's didn't)."""
    async def main():
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair()
        left.setblocking(False)
        right.setblocking(False)
        with left, right, tempfile.TemporaryFile() as file:
            file.write(bytes(range(256)) * 1000)
            file.flush()

            async def receive(n):
                got = b""
                while len(got) < n:
                    got += await loop.sock_recv(right, 65536)
                return got

            sent, got = await asyncio.gather(
                loop.sock_sendfile(left, file, offset=1000, count=100_000, fallback=False),
                receive(100_000))
            position = file.tell()
            with open(os.devnull, "rb") as devnull:  # size 0: "empty", nothing sent
                result = await outcome(loop.sock_sendfile(left, devnull, fallback=False))
            result = (*result, await outcome(loop.sock_sendfile(left, io.BytesIO(b"x"),
                                                                fallback=False)))
        return [sent, got == (bytes(range(256)) * 1000)[1000:101_000], position, result]

    assert both(main) == [100_000, True, 101_000,
                          ("ok", 0, ("SendfileNotAvailableError", "not a regular file"))]
