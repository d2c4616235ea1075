"""Sockets and executors behave as in asyncio (issue 2, differential)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import errno
import multiprocessing
import operator
import socket
import threading

import pytest
from differential.harness import Env, run_on_both

REQUEST_VAR: contextvars.ContextVar[str] = contextvars.ContextVar("request", default="-")


def _listener() -> socket.socket:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    srv.setblocking(False)
    return srv


def test_socket_echo_with_sock_calls() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def serve_one(conn: socket.socket) -> None:
            with conn:
                while data := await loop.sock_recv(conn, 1024):
                    await loop.sock_sendall(conn, data.upper())

        async def server(srv: socket.socket, n: int) -> None:
            handlers = []
            for _ in range(n):
                conn, _addr = await loop.sock_accept(srv)
                handlers.append(loop.create_task(serve_one(conn)))
            await env.h.gather(*handlers)

        async def client(port: int, i: int) -> bytes:
            with socket.socket() as sock:
                sock.setblocking(False)
                await loop.sock_connect(sock, ("127.0.0.1", port))
                payload = f"hello {i} ".encode() * (1 + 5000 * (i == 0))  # one big message
                await loop.sock_sendall(sock, payload)
                sock.shutdown(socket.SHUT_WR)
                chunks = []
                while chunk := await loop.sock_recv(sock, 65536):
                    chunks.append(chunk)
                reply = b"".join(chunks)
                return reply == payload.upper(), len(reply)

        async def recv_into(port: int) -> int:
            with socket.socket() as sock:
                sock.setblocking(False)
                await loop.sock_connect(sock, ("127.0.0.1", port))
                await loop.sock_sendall(sock, b"into")
                buf = bytearray(16)
                n = await loop.sock_recv_into(sock, buf)
                return bytes(buf[:n])

        async def main() -> None:
            with _listener() as srv:
                port = srv.getsockname()[1]
                server_task = loop.create_task(server(srv, 6))
                replies = await env.h.gather(*(client(port, i) for i in range(5)),
                                             recv_into(port))
                env.log("replies", replies)
                await server_task

        return main()

    events = run_on_both(scenario)
    assert events[0][0] == "replies"
    assert all(ok for ok, _n in events[0][1][:5])
    assert events[0][1][5] == b"INTO"


def test_sock_connect_refused() -> None:
    def scenario(env: Env):
        async def main() -> None:
            with _listener() as srv:
                port = srv.getsockname()[1]
            # the port is closed now: nobody listens
            with socket.socket() as sock:
                sock.setblocking(False)
                try:
                    await env.loop.sock_connect(sock, ("127.0.0.1", port))
                except ConnectionRefusedError as exc:
                    env.log("refused", exc.errno)

        return main()

    assert run_on_both(scenario)[0] == ("refused", errno.ECONNREFUSED)


def test_cancelled_sock_recv_leaves_socket_usable() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def main() -> None:
            a, b = socket.socketpair()
            with a, b:
                a.setblocking(False)
                task = loop.create_task(loop.sock_recv(a, 10))
                await env.h.sleep(0.001)
                task.cancel()
                await env.h.gather(task, return_exceptions=True)
                env.log("cancelled", task.cancelled())
                b.send(b"after")
                env.log("recv", await loop.sock_recv(a, 10))

        return main()

    assert run_on_both(scenario) == [("cancelled", True), ("recv", b"after"), ("result", None)]


def test_add_reader_and_writer_callbacks() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        a, b = socket.socketpair()
        a.setblocking(False)
        b.setblocking(False)

        def on_writable() -> None:
            env.log("writable")
            loop.remove_writer(a.fileno())
            a.send(b"ping")

        def on_readable() -> None:
            env.log("readable", b.recv(10))
            env.log("remove_reader", loop.remove_reader(b.fileno()),
                    loop.remove_reader(b.fileno()))
            loop.stop()

        try:
            loop.add_reader(b.fileno(), on_readable)
            loop.add_writer(a.fileno(), on_writable)
            loop.run_forever()
        finally:
            a.close()
            b.close()

    assert run_on_both(scenario) == ["writable", ("readable", b"ping"),
                                     ("remove_reader", True, False)]


# -- executors -------------------------------------------------------------------


def _in_thread(x: int) -> tuple:
    return x * 2, threading.current_thread() is threading.main_thread(), REQUEST_VAR.get()


def _failing_job() -> None:
    raise ZeroDivisionError("in a worker")


def test_run_in_executor_threads_and_to_thread() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def main() -> None:
            REQUEST_VAR.set("req-1")
            env.log("default pool", await loop.run_in_executor(None, _in_thread, 1))
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                results = await env.h.gather(*(loop.run_in_executor(pool, _in_thread, i)
                                               for i in range(4)))
            env.log("own pool", results)
            # to_thread copies the context; run_in_executor does not
            env.log("to_thread", await asyncio.to_thread(_in_thread, 5))
            try:
                await loop.run_in_executor(None, _failing_job)
            except ZeroDivisionError as exc:
                env.log("worker raised", exc.args)

        return main()

    assert run_on_both(scenario) == [
        ("default pool", (2, False, "-")),
        ("own pool", [(0, False, "-"), (2, False, "-"), (4, False, "-"), (6, False, "-")]),
        ("to_thread", (10, False, "req-1")),
        ("worker raised", ("in a worker",)),
        ("result", None),
    ]


def test_run_in_executor_with_process_pool() -> None:
    # "spawn": no fork of a threaded test process; operator.mul pickles by reference.
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("spawn"))

    def scenario(env: Env):
        loop = env.loop

        async def main() -> list:
            return await env.h.gather(*(loop.run_in_executor(pool, operator.mul, i, i)
                                        for i in range(6)))

        return main()

    try:
        assert run_on_both(scenario) == [("result", [0, 1, 4, 9, 16, 25])]
    finally:
        pool.shutdown(wait=True)


def test_wrap_future_and_cancel_of_pending_job() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def main() -> None:
            gate = threading.Event()
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                blocker = pool.submit(gate.wait, 5)
                queued = pool.submit(_in_thread, 3)
                wrapped = asyncio.wrap_future(queued, loop=loop)
                wrapped.cancel()
                await env.h.sleep(0)
                env.log("concurrent future cancelled", queued.cancelled())
                gate.set()
                env.log("blocker", await asyncio.wrap_future(blocker, loop=loop))

        return main()

    assert run_on_both(scenario) == [("concurrent future cancelled", True), ("blocker", True),
                                     ("result", None)]


@pytest.mark.parametrize("n", [1, 50])
def test_call_soon_threadsafe_wakes_a_loop_blocked_in_select(n: int) -> None:
    def scenario(env: Env):
        loop = env.loop

        async def main() -> int:
            done = loop.create_future()
            got = []

            def from_thread() -> None:
                for i in range(n):
                    loop.call_soon_threadsafe(got.append, i)
                loop.call_soon_threadsafe(done.set_result, None)

            thread = threading.Thread(target=from_thread)
            thread.start()
            await done  # nothing else to do: the loop sleeps in select() until woken
            thread.join()
            return got == list(range(n))

        return main()

    assert run_on_both(scenario) == [("result", True)]
