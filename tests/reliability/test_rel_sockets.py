"""Misbehaving peers and many connections leave nothing open (issue 8).

Peers that reset mid-write (SO_LINGER 0 close), half-close, or never read; and
10,000 connect/close cycles on 127.0.0.1.  File descriptors are counted in
/proc/self/fd before and after; loop registrations are checked as in the
cancellation storm.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from differential.harness import leftovers

import toyloop

CYCLES = 10_000

PROC_FD = Path("/proc/self/fd")
pytestmark = pytest.mark.skipif(not PROC_FD.exists(), reason="needs /proc/self/fd (Linux)")


def open_fds() -> set[int]:
    return {int(name) for name in os.listdir(PROC_FD)}


@pytest.fixture
def loop() -> Iterator[toyloop.EventLoop]:
    before = open_fds()
    loop = toyloop.EventLoop()
    yield loop
    assert leftovers(loop)["fds"] == [], "a reader or writer was left registered"
    loop.close()
    leaked = open_fds() - before
    assert not leaked, f"file descriptors left open: {sorted(leaked)}"


def listener() -> socket.socket:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(512)
    srv.setblocking(False)
    return srv


async def connected_pair(loop) -> tuple[socket.socket, socket.socket]:
    with listener() as srv:
        client = socket.socket()
        client.setblocking(False)
        accepting = loop.create_task(loop.sock_accept(srv))
        await loop.sock_connect(client, srv.getsockname())
        conn, _ = await accepting
    return client, conn


def reset(sock: socket.socket) -> None:
    """Close so that the peer gets RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_peer_resets_while_we_send(loop) -> None:
    async def main() -> str:
        client, conn = await connected_pair(loop)
        with conn:
            payload = b"x" * (8 << 20)  # much more than the buffers hold
            sending = loop.create_task(loop.sock_sendall(conn, payload))
            await asyncio.sleep(0.01)
            assert not sending.done()  # blocked: the peer does not read
            reset(client)
            try:
                await sending
            except (ConnectionResetError, BrokenPipeError) as exc:
                return type(exc).__name__
            return "no error"

    assert loop.run_until_complete(main()) in {"ConnectionResetError", "BrokenPipeError"}


def test_peer_resets_while_we_receive(loop) -> None:
    async def main() -> str:
        client, conn = await connected_pair(loop)
        with conn:
            receiving = loop.create_task(loop.sock_recv(conn, 100))
            await asyncio.sleep(0.005)
            reset(client)
            try:
                return repr(await receiving)
            except ConnectionResetError:
                return "ConnectionResetError"

    assert loop.run_until_complete(main()) == "ConnectionResetError"


def test_half_close_is_seen_as_end_of_data_and_reply_still_arrives(loop) -> None:
    async def main() -> bytes:
        client, conn = await connected_pair(loop)
        with client, conn:
            await loop.sock_sendall(client, b"question")
            client.shutdown(socket.SHUT_WR)  # "I am done sending"
            received = b""
            while chunk := await loop.sock_recv(conn, 3):
                received += chunk
            await loop.sock_sendall(conn, received[::-1])
            conn.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := await loop.sock_recv(client, 100):
                answer += chunk
            return answer

    assert loop.run_until_complete(main()) == b"noitseuq"


def test_peer_that_never_reads_times_out_cleanly(loop) -> None:
    async def main() -> str:
        client, conn = await connected_pair(loop)
        with client, conn:
            try:
                await asyncio.wait_for(loop.sock_sendall(conn, b"y" * (8 << 20)), 0.05)
            except TimeoutError:
                pass
            assert leftovers(loop)["fds"] == []  # the writer went with the cancelled send
            # the connection still works in the other direction
            await loop.sock_sendall(client, b"ping")
            return await loop.sock_recv(conn, 4)

    assert loop.run_until_complete(main()) == b"ping"


def test_connect_close_cycles_leak_no_fd(loop) -> None:
    accepted = 0

    async def server(srv: socket.socket) -> None:
        nonlocal accepted
        while True:
            conn, _ = await loop.sock_accept(srv)
            conn.close()
            accepted += 1

    async def main() -> None:
        with listener() as srv:
            server_task = loop.create_task(server(srv))
            address = srv.getsockname()
            for _ in range(CYCLES):
                with socket.socket() as sock:
                    sock.setblocking(False)
                    await loop.sock_connect(sock, address)
            while accepted < CYCLES:
                await asyncio.sleep(0.001)
            server_task.cancel()
            await asyncio.gather(server_task, return_exceptions=True)

    before = open_fds()
    loop.run_until_complete(main())
    assert accepted == CYCLES
    assert not open_fds() - before  # fds of ours still open; others' may close meanwhile


def test_refused_connections_leak_no_fd(loop) -> None:
    with listener() as srv:
        address = srv.getsockname()  # closed below: nobody listens there

    async def main() -> int:
        refused = 0
        for _ in range(500):
            with socket.socket() as sock:
                sock.setblocking(False)
                try:
                    await loop.sock_connect(sock, address)
                except ConnectionRefusedError:
                    refused += 1
        return refused

    assert loop.run_until_complete(main()) == 500


def test_writer_to_a_peer_that_never_reads_stays_bounded(loop) -> None:
    """Streams over toyloop's transports: drain() holds a writer back at the high-water mark."""
    chunk = b"z" * 65536
    sizes: list[int] = []

    async def main() -> bool:
        held = asyncio.Event()

        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.transport.set_write_buffer_limits(high=256 * 1024)
            try:
                for _ in range(400):  # 25 MiB offered, far more than the kernel buffers hold
                    writer.write(chunk)
                    sizes.append(writer.transport.get_write_buffer_size())
                    await asyncio.wait_for(writer.drain(), 0.2)
            except TimeoutError:
                held.set()  # the peer never reads: drain() did not return, as it should
            finally:
                writer.transport.abort()

        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        async with server:
            reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
            try:
                await asyncio.wait_for(held.wait(), 10)
            except TimeoutError:
                return False
            finally:
                writer.close()
                await writer.wait_closed()
        return True

    assert loop.run_until_complete(main()), "drain() never held the writer back"
    assert len(sizes) < 400
    assert max(sizes) <= 256 * 1024 + len(chunk)  # high-water mark plus one write
