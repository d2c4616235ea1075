"""An echo server on 127.0.0.1 serves 1,000 concurrent clients correctly (issue 2).

Server and clients are tasks on one toyloop EventLoop using only the sock_* calls.
Every client sends its own message (some larger than a socket buffer) and checks
that exactly that comes back.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import socket

import pytest

import toyloop

N_CLIENTS = 1000
FDS_NEEDED = 2 * N_CLIENTS + 64  # a client and a server socket per connection, plus slack


@pytest.fixture
def enough_fds():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < FDS_NEEDED:
        if hard != resource.RLIM_INFINITY and hard < FDS_NEEDED:
            pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {FDS_NEEDED}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _message(i: int) -> bytes:
    size = 200_000 if i % 100 == 0 else 10 + i % 50  # every 100th does not fit a buffer
    return (f"client {i}:".encode() + bytes(range(256)) * (size // 256 + 1))[:size]


@pytest.mark.parametrize("clock", ["monotonic", "virtual"])
def test_echo_server_with_1000_concurrent_clients(enough_fds, clock: str) -> None:
    gc.collect()  # close what earlier tests left for the collector before counting
    fds_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock() if clock == "virtual" else None)

    async def handle(conn: socket.socket) -> None:
        with conn:
            while data := await loop.sock_recv(conn, 65536):
                await loop.sock_sendall(conn, data)

    async def server(srv: socket.socket, handlers: list) -> None:
        while True:
            conn, _ = await loop.sock_accept(srv)
            handlers.append(loop.create_task(handle(conn)))

    async def client(address, i: int) -> bool:
        message = _message(i)
        with socket.socket() as sock:
            sock.setblocking(False)
            await loop.sock_connect(sock, address)
            await loop.sock_sendall(sock, message)
            sock.shutdown(socket.SHUT_WR)
            received = bytearray()
            while chunk := await loop.sock_recv(sock, 65536):
                received += chunk
        return bytes(received) == message

    async def main() -> list:
        handlers: list = []
        with socket.socket() as srv:
            srv.bind(("127.0.0.1", 0))
            srv.listen(N_CLIENTS)
            srv.setblocking(False)
            accepting = loop.create_task(server(srv, handlers))
            results = await asyncio.gather(*(client(srv.getsockname(), i)
                                             for i in range(N_CLIENTS)))
            accepting.cancel()
            await asyncio.gather(accepting, *handlers, return_exceptions=True)
        assert len(handlers) == N_CLIENTS
        assert all(h.done() and not h.cancelled() and h.exception() is None for h in handlers)
        return results

    try:
        results = loop.run_until_complete(main())
    finally:
        loop.close()
    assert results.count(True) == N_CLIENTS
    if fds_before is not None:
        # "<=": other tests' garbage (e.g. a notebook kernel client) may close its fds
        # while this test runs; what must not happen is an fd of ours staying open.
        assert len(os.listdir("/proc/self/fd")) <= fds_before
