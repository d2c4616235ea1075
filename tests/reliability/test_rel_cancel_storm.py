"""Cancellation storms leave nothing behind (issue 8).

Hypothesis picks a short list of awaiting operations (sleeps, futures, socket
calls, wait_for, gather, Queue, Lock, Event, shield, timeout, TaskGroup, an
executor job).  One task runs them in turn; it is cancelled after k loop
iterations, for every k from 0 until the task finishes before the cancel comes.
After each run the loop must be clean: no pending callback in ``_ready``, no
live timer in ``_scheduled``, no reader or writer but the self-pipe in the
selector, no task left.
"""

from __future__ import annotations

import asyncio
import socket

import hypothesis.strategies as st
from differential.harness import leftovers
from hypothesis import given, settings

import toyloop

DELAY = 0.001
MAX_ITERATIONS = 400


def _resolve(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)


async def op_sleep0(loop) -> None:
    await asyncio.sleep(0)


async def op_sleep(loop) -> None:
    await toyloop.sleep(DELAY)


async def op_future(loop) -> None:
    fut = loop.create_future()
    loop.call_later(DELAY, _resolve, fut)
    await fut


async def op_recv(loop) -> None:
    a, b = socket.socketpair()
    with a, b:
        a.setblocking(False)
        timer = loop.call_later(DELAY, b.send, b"x")
        try:
            assert await loop.sock_recv(a, 10) == b"x"
        finally:
            timer.cancel()  # b is closed on the way out


async def op_recv_into(loop) -> None:
    a, b = socket.socketpair()
    with a, b:
        a.setblocking(False)
        timer = loop.call_later(DELAY, b.send, b"xy")
        try:
            assert await loop.sock_recv_into(a, bytearray(4)) == 2
        finally:
            timer.cancel()


async def op_sendall(loop) -> None:
    a, b = socket.socketpair()
    with a, b:
        a.setblocking(False)
        b.setblocking(False)
        payload = b"z" * (1 << 20)  # far more than the socket buffers: sendall must wait

        async def drain() -> None:
            got = 0
            while got < len(payload):
                got += len(await loop.sock_recv(b, 1 << 16))

        await toyloop.gather(loop.sock_sendall(a, payload), drain())


async def op_accept_connect(loop) -> None:
    with socket.socket() as srv, socket.socket() as client:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.setblocking(False)
        client.setblocking(False)
        accepted = loop.create_task(loop.sock_accept(srv))
        try:
            await loop.sock_connect(client, srv.getsockname())
            conn, _ = await accepted
            conn.close()
        finally:
            if not accepted.done():
                accepted.cancel()
            elif not accepted.cancelled() and accepted.exception() is None:
                accepted.result()[0].close()


async def op_wait_for(loop) -> None:
    try:
        await toyloop.wait_for(toyloop.sleep(2 * DELAY), DELAY)
    except TimeoutError:
        pass


async def op_asyncio_wait_for(loop) -> None:
    try:
        await asyncio.wait_for(asyncio.sleep(2 * DELAY), DELAY)
    except TimeoutError:
        pass


async def op_gather(loop) -> None:
    await toyloop.gather(toyloop.sleep(DELAY), toyloop.sleep(0), op_future(loop))


async def op_queue(loop) -> None:
    q: asyncio.Queue = asyncio.Queue()
    loop.call_later(DELAY, q.put_nowait, 1)
    await q.get()


async def op_lock(loop) -> None:
    lock = asyncio.Lock()
    await lock.acquire()
    loop.call_later(DELAY, lock.release)
    async with lock:
        pass


async def op_event(loop) -> None:
    event = asyncio.Event()
    loop.call_later(DELAY, event.set)
    await event.wait()


async def op_shield(loop) -> None:
    await asyncio.shield(toyloop.sleep(DELAY))


async def op_timeout(loop) -> None:
    try:
        async with asyncio.timeout(DELAY):
            await asyncio.sleep(2 * DELAY)
    except TimeoutError:
        pass


async def op_taskgroup(loop) -> None:
    async with asyncio.TaskGroup() as tg:
        tg.create_task(toyloop.sleep(DELAY))
        tg.create_task(op_future(loop))


async def op_executor(loop) -> None:
    await loop.run_in_executor(None, sum, range(10))


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


class CancelAfter:
    """An instrument: cancel ``task`` at the end of iteration number ``k``."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.iterations = 0
        self.task: asyncio.Task | None = None
        self.fired = False

    def after_run_once(self) -> None:
        self.iterations += 1
        if self.iterations == self.k and self.task is not None and not self.task.done():
            self.fired = self.task.cancel()


def run_once(ops: list[str], k: int) -> bool:
    """Run ``ops`` in one task, cancelled after k iterations; True if the cancel came."""
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    errors: list = []
    loop.set_exception_handler(lambda loop, context: errors.append(context))
    instrument = CancelAfter(k)
    loop.add_instrument(instrument)

    async def body() -> None:
        for name in ops:
            await OPS[name](loop)

    try:
        instrument.task = task = loop.create_task(body())
        if k == 0:
            instrument.fired = task.cancel()
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass
        loop.remove_instrument(instrument)
        # settle: let callbacks that cancellation scheduled (and shielded work) finish
        loop.run_until_complete(toyloop.sleep(10 * DELAY))
        loop.run_until_complete(loop.shutdown_default_executor())
        left = leftovers(loop)
        assert left == {"ready": [], "timers": [], "fds": [], "tasks": []}, (ops, k, left)
        assert errors == [], (ops, k, errors)
        assert task.done() and task.cancelled() == instrument.fired, (ops, k)
    finally:
        loop.close()
    return instrument.fired


def storm(ops: list[str]) -> int:
    """Cancel after k iterations for every k until the task outruns the cancel.

    Returns that k.  k=0 cancels before the first step, so 2 or more means a cancel
    also landed while the operations were suspended.
    """
    for k in range(MAX_ITERATIONS):
        if not run_once(ops, k) and k > 0:
            return k
    raise AssertionError(f"{ops} did not finish within {MAX_ITERATIONS} iterations")


def test_each_operation_alone() -> None:
    for name in OPS:
        assert storm([name]) >= 2, name


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(sorted(OPS)), min_size=1, max_size=5))
def test_cancel_at_every_await_point(ops: list[str]) -> None:
    assert storm(ops) >= 2, ops


def test_leftovers_detects_what_it_should() -> None:
    # The checker itself must be able to fail.
    loop = toyloop.EventLoop()
    a, b = socket.socketpair()
    try:
        loop.call_soon(print)
        loop.call_later(10, print)
        loop.add_reader(a.fileno(), print)
        left = leftovers(loop)
        assert len(left["ready"]) == 1 and len(left["timers"]) == 1
        assert left["fds"] == [a.fileno()]
        loop.remove_reader(a.fileno())
    finally:
        loop.close()
        a.close()
        b.close()
