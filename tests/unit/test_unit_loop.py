"""Unit tests of toyloop's internals: clocks, instruments, one iteration, the timer heap."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import toyloop
from toyloop.clock import MonotonicClock, VirtualClock


@pytest.fixture
def vloop():
    loop = toyloop.EventLoop(clock=VirtualClock())
    yield loop
    if not loop.is_closed():
        loop.close()


# -- clocks --------------------------------------------------------------------


def test_virtual_clock_jumps_to_the_next_timer(vloop) -> None:
    async def main() -> list:
        stamps = [vloop.time()]
        await asyncio.sleep(3600)
        stamps.append(vloop.time())
        await toyloop.sleep(0.25)
        stamps.append(vloop.time())
        return stamps

    t0 = time.perf_counter()
    assert vloop.run_until_complete(main()) == [0.0, 3600.0, 3600.25]
    assert time.perf_counter() - t0 < 1.0  # an hour of sleep took no real time


def test_virtual_clock_advance_and_start() -> None:
    clock = VirtualClock(start=10)
    assert clock.time() == 10.0
    clock.advance(2.5)
    assert clock.time() == 12.5
    with pytest.raises(ValueError, match="time cannot go backwards"):
        clock.advance(-1)
    assert repr(clock) == "VirtualClock(now=12.5)"


def test_virtual_clock_budget_rules() -> None:
    clock = VirtualClock(autojump_threshold=0.05)
    assert clock.budget(None, False, False) is None       # nothing to jump to
    assert clock.budget(10, False, False) == 0            # only a timer: jump
    assert clock.budget(10, True, False) == 0.05          # a socket may answer first
    assert clock.budget(0.01, True, False) == 0.01
    assert clock.budget(10, False, True) == 10            # a worker thread may answer
    clock.idle(3, got_events=True)
    assert clock.time() == 0.0                            # I/O came: no jump
    clock.idle(3, got_events=False)
    assert clock.time() == 3.0


def test_monotonic_clock_is_real_time() -> None:
    clock = MonotonicClock()
    assert abs(clock.time() - time.monotonic()) < 0.5
    assert clock.budget(7, True, True) == 7


def test_virtual_clock_waits_for_a_socket_before_jumping(vloop) -> None:
    a, b = socket.socketpair()
    a.setblocking(False)

    async def main() -> tuple:
        vloop.call_soon(b.send, b"now")  # data arrives before the timer is due
        data = await asyncio.wait_for(vloop.sock_recv(a, 10), 100)
        return data, vloop.time()

    try:
        assert vloop.run_until_complete(main()) == (b"now", 0.0)
    finally:
        a.close()
        b.close()


def test_virtual_clock_waits_for_worker_threads(vloop) -> None:
    async def main() -> tuple:
        result = await vloop.run_in_executor(None, time.sleep, 0.05)
        return result, vloop.time()

    assert vloop.run_until_complete(main()) == (None, 0.0)  # no jump while a job ran


# -- instruments -----------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list = []

    def before_run_once(self):
        self.calls.append("before_run_once")

    def before_select(self, timeout):
        self.calls.append(("before_select", timeout))

    def after_select(self, events):
        self.calls.append(("after_select", len(events)))

    def timer_fired(self, handle):
        self.calls.append("timer_fired")

    def before_handle(self, handle):
        self.calls.append("before_handle")

    def after_handle(self, handle):
        self.calls.append("after_handle")

    def after_run_once(self):
        self.calls.append("after_run_once")


def test_one_iteration_calls_hooks_in_order(vloop) -> None:
    rec = Recorder()
    vloop.add_instrument(rec)
    vloop.add_instrument(rec)  # adding twice is a no-op
    ran = []
    vloop.call_soon(ran.append, "soon")
    vloop._run_once()  # one iteration, callable on its own
    assert ran == ["soon"]
    assert rec.calls == ["before_run_once", ("before_select", 0), ("after_select", 0),
                         "before_handle", "after_handle", "after_run_once"]
    rec.calls.clear()
    vloop.call_later(5, ran.append, "timer")
    vloop._run_once()
    assert ran == ["soon", "timer"] and vloop.time() == 5.0
    assert rec.calls == ["before_run_once", ("before_select", 5.0), ("after_select", 0),
                         "timer_fired", "before_handle", "after_handle", "after_run_once"]
    vloop.remove_instrument(rec)
    with pytest.raises(KeyError):
        vloop.remove_instrument(rec)
    vloop.call_soon(ran.append, "unwatched")
    vloop._run_once()
    assert len(rec.calls) == 7


def test_task_and_future_hooks(vloop) -> None:
    events = []

    class Watcher:
        def task_created(self, task):
            events.append(("created", task.get_name()))

        def task_done(self, task):
            events.append(("done", task.get_name()))

        def exception_handled(self, context):
            events.append(("exception", context["message"]))

    async def child() -> None:
        vloop.call_soon(_fail)

    vloop.add_instrument(Watcher())
    vloop.set_exception_handler(lambda loop, context: None)
    vloop.run_until_complete(vloop.create_task(child(), name="kid"))
    vloop.run_until_complete(asyncio.sleep(0))
    assert events[:2] == [("created", "kid"), ("done", "kid")]
    reports = [e[1] for e in events if e[0] == "exception"]
    assert len(reports) == 1 and reports[0].startswith("Exception in callback _fail")


def _fail() -> None:
    raise RuntimeError("x")


def test_crashing_instrument_is_removed_and_logged(vloop, caplog) -> None:
    class Broken:
        def before_handle(self, handle):
            raise ValueError("buggy tracer")

    broken = Broken()
    vloop.add_instrument(broken)
    ran = []
    vloop.call_soon(ran.append, 1)
    vloop.call_soon(ran.append, 2)
    with caplog.at_level("ERROR", logger="toyloop"):
        vloop._run_once()
    assert ran == [1, 2]  # the loop went on
    assert "before_handle" not in vloop._hooks
    assert any("removing it" in r.getMessage() for r in caplog.records)


# -- the timer heap and ready queue --------------------------------------------


def test_cancelled_timers_are_purged_when_they_are_the_majority(vloop) -> None:
    timers = [vloop.call_later(10 + i, print) for i in range(200)]
    for t in timers[50:]:
        t.cancel()
    assert vloop._timer_cancelled_count == 150
    vloop.call_soon(lambda: None)
    vloop._run_once()
    assert len(vloop._scheduled) == 50
    assert vloop._timer_cancelled_count == 0
    assert all(not t._scheduled for t in timers[50:])


def test_cancelled_timers_at_the_head_are_dropped_lazily(vloop) -> None:
    first = vloop.call_later(1, print)
    second = vloop.call_later(2, print)
    vloop.call_later(3, print)
    first.cancel()
    second.cancel()
    assert len(vloop._scheduled) == 3
    vloop.call_soon(lambda: None)
    vloop._run_once()
    assert len(vloop._scheduled) == 1
    assert vloop._timer_cancelled_count == 0


def test_timer_ties_run_in_creation_order(vloop) -> None:
    # toyloop's heap holds (when, seq, handle): ties keep FIFO order.  asyncio's heap
    # compares deadlines only and leaves ties undefined.
    ran = []
    for i in range(20):
        vloop.call_at(5, ran.append, i)
    vloop.call_at(5, vloop.stop)
    vloop.run_forever()
    assert ran == list(range(20))


def test_cancelling_a_fired_timer_does_not_count(vloop) -> None:
    timer = vloop.call_later(1, lambda: None)
    vloop.run_until_complete(asyncio.sleep(2))
    timer.cancel()
    assert vloop._timer_cancelled_count == 0


def test_close_clears_queues_and_selector(vloop) -> None:
    a, b = socket.socketpair()
    try:
        vloop.call_soon(print)
        vloop.call_later(1, print)
        vloop.add_reader(a.fileno(), print)
        vloop.close()
        assert not vloop._ready and not vloop._scheduled
        assert vloop.is_closed()
        vloop.close()  # twice is fine
    finally:
        a.close()
        b.close()


def test_sock_calls_unregister_when_done(vloop) -> None:
    a, b = socket.socketpair()
    a.setblocking(False)

    async def main() -> bytes:
        vloop.call_later(0.01, b.send, b"hi")
        data = await vloop.sock_recv(a, 10)
        return data

    try:
        assert vloop.run_until_complete(main()) == b"hi"
        assert a.fileno() not in vloop._selector.get_map()
    finally:
        a.close()
        b.close()


# -- reprs, compared with asyncio's ------------------------------------------------


def _reprs(loop) -> list:
    def f(x):
        pass

    async def c():
        await asyncio.sleep(1)

    out = []
    h = loop.call_soon(f, 1)
    out.append(repr(h))
    out.append(repr(loop.call_at(5, f, 2)))
    fut = loop.create_future()
    out.append(repr(fut))
    fut.set_result(3)
    out.append(repr(fut))
    h.cancel()
    out.append(repr(h))
    task = loop.create_task(c(), name="x")
    out.append(repr(task))
    task.cancel()
    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    out.append(repr(task))
    return out


def test_reprs_match_asyncio() -> None:
    # handles, timers, futures and tasks, pending, done and cancelled
    asyncio_loop = asyncio.SelectorEventLoop()
    toy = toyloop.EventLoop()
    asyncio_loop.set_debug(False)  # under -X dev asyncio starts in debug mode
    toy.set_debug(False)
    try:
        expected, got = _reprs(asyncio_loop), _reprs(toy)
    finally:
        asyncio_loop.close()
        toy.close()
    assert len(expected) == 7
    assert got == expected


@pytest.mark.parametrize("how", ["-X dev", "PYTHONASYNCIODEBUG"])
def test_default_debug_follows_dev_mode(how: str) -> None:
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    args = [sys.executable]
    if how == "-X dev":
        args += ["-X", "dev"]
    else:
        env["PYTHONASYNCIODEBUG"] = "1"
    code = ("import asyncio, toyloop; a = asyncio.new_event_loop(); t = toyloop.EventLoop(); "
            "print(a.get_debug(), t.get_debug()); a.close(); t.close()")
    out = subprocess.run(args + ["-c", code], env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == ["True", "True"]
