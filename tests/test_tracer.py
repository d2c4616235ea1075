"""The tracer records what asyncio would do, and prints it the same way every run."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import threading

import pytest

pytest.importorskip("rich")

from differential.harness import VirtualAsyncioLoop  # noqa: E402
from rich.console import Console  # noqa: E402

import toyloop  # noqa: E402
from toyloop.tools.tracer import Tracer, run_traced, trace  # noqa: E402

# ---------------------------------------------------------------------------
# One scenario, run on asyncio and on toyloop: which tasks and callbacks ran in
# which iteration.  It uses only asyncio's public API, so the same code runs on
# both loops.
# ---------------------------------------------------------------------------


def _scenario(log):
    def note(what):
        log.append(f"note({what!r})")

    async def worker(delay):
        me = asyncio.current_task().get_name()
        log.append(me)
        await asyncio.sleep(0)
        log.append(me)
        await asyncio.sleep(delay)
        log.append(me)
        asyncio.get_running_loop().call_soon(note, me)
        await asyncio.sleep(0)
        log.append(me)
        return delay

    async def main():
        log.append("main")
        loop = asyncio.get_running_loop()
        loop.call_soon(note, "soon")
        loop.call_later(0.25, note, "later")
        a = loop.create_task(worker(0.5), name="A")
        b = loop.create_task(worker(0.25), name="B")
        results = await asyncio.gather(a, b, worker_c(), return_exceptions=True)
        log.append("main")
        return results

    async def worker_c():
        log.append("C")
        await asyncio.sleep(0.5)
        log.append("C")
        raise ValueError("c failed")

    return main


def _asyncio_iterations():
    """Run the scenario on asyncio; split the log wherever an iteration starts.

    asyncio's loop runs on virtual time (harness.VirtualAsyncioLoop), as toyloop's
    tracer does: on a real clock a loaded machine can let two timers set 0.25 s
    apart fall due in different iterations, and the comparison would flake.
    """
    log: list = []
    loop = VirtualAsyncioLoop()
    original = loop._run_once

    def run_once():
        log.append("|")
        original()

    loop._run_once = run_once  # run_forever calls self._run_once()
    try:
        loop.run_until_complete(_name_c(_scenario(log))())
    finally:
        loop.close()
    iterations: list[list[str]] = []
    for entry in log:
        if entry == "|":
            iterations.append([])
        elif iterations:
            iterations[-1].append(entry)
    return iterations


class _KeepNameAsyncio(asyncio.Task):
    """A task that ignores ``set_name(None)``: from 3.13 on, ``create_task`` calls
    ``task.set_name(name)`` after a custom factory even when ``name`` is None (both loops
    do), which would rename the factory's "C" to "None"."""

    def set_name(self, value):
        if value is not None:
            super().set_name(value)


class _KeepNameToyloop(toyloop.Task):
    __doc__ = _KeepNameAsyncio.__doc__

    def set_name(self, value):
        if value is not None:
            super().set_name(value)


def _name_c(main_factory):
    """Run the scenario as a task named main, and name the task gather() makes C.

    The wrapper's own steps are not logged, so the comparison leaves them out.
    """
    async def main():
        loop = asyncio.get_running_loop()
        factory = loop.get_task_factory()

        def named(loop, coro, **kwargs):
            kwargs.setdefault("name", None)
            if getattr(coro, "__qualname__", "").endswith("worker_c"):
                kwargs["name"] = "C"
            if factory is None:
                task_class = _KeepNameAsyncio if isinstance(
                    loop, asyncio.BaseEventLoop) else _KeepNameToyloop
                return task_class(coro, loop=loop, **kwargs)
            return factory(loop, coro, **kwargs)

        loop.set_task_factory(named)
        return await loop.create_task(main_factory(), name="main")

    return main


def _tracer_iterations(tracer):
    """Per iteration: task steps by name and our ``note`` callbacks, in run order."""
    out = []
    for it in tracer.iterations:
        row = []
        for cb in it.callbacks:
            if cb.task in ("main", "A", "B", "C"):  # not the wrapper task
                row.append(cb.task)
            elif cb.label.startswith("_scenario.note("):
                row.append(cb.label.removeprefix("_scenario."))
        out.append(row)
    return out


def test_callback_order_matches_asyncio():
    expected = _asyncio_iterations()
    log: list = []
    _, tracer = run_traced(_name_c(_scenario(log)))
    got = _tracer_iterations(tracer)
    assert log == [x for row in expected for x in row]  # the program itself agrees
    assert got == expected
    assert len(tracer.iterations) == len(expected)


# ---------------------------------------------------------------------------
# What the recorder captures
# ---------------------------------------------------------------------------


async def worker(delay):
    await toyloop.sleep(delay)
    return delay * 10


async def two_workers():
    loop = asyncio.get_running_loop()
    slow = loop.create_task(worker(1.0))
    return await toyloop.gather(worker(0.5), slow)


def test_clock_timeouts_timers_and_notes():
    result, t = run_traced(two_workers)
    assert result == [5.0, 10.0]
    assert t.preamble == ["created Task-1 two_workers()"]
    first = t.iterations[0]
    assert first.index == 1 and first.clock == 0.0 and first.timeout == 0
    assert first.callbacks[0].label == "Task-1 step -> two_workers() starts"
    assert first.callbacks[0].notes == ["created Task-2 worker()", "created Task-3 worker()"]
    assert first.callbacks[0].outcome.startswith("suspended at line ")
    assert first.callbacks[0].outcome.endswith("awaiting <_GatheringFuture pending>")
    # Iteration 3: nothing was ready, so select waited 0.5 s for the first timer.
    third = t.iterations[2]
    assert (third.clock, third.timeout) == (0.5, 0.5)
    assert third.timers == ["_set_result_unless_cancelled(<Future pending awaited by Task-3>, "
                            "None)"]
    assert third.callbacks[0].notes == ["Future finished result=None -> wakes Task-3"]
    fourth = t.iterations[3]
    assert fourth.tasks_run == ["Task-3"]
    assert fourth.callbacks[0].label.startswith("Task-3 wakeup -> worker() at line ")
    assert fourth.callbacks[0].line == worker.__code__.co_firstlineno + 1
    assert fourth.callbacks[0].notes == ["Task-3 done, result=5.0"]
    assert t.task_sequence()[-2:] == [["Task-1"], []]
    assert t.callback_sequence()[-1] == ["_run_until_complete_cb(<Task Task-1>)"]


def test_exceptions_handled_are_noted():
    def boom():
        raise RuntimeError("kaput")

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda loop, context: None)  # keep the log quiet
        loop.call_soon(boom)
        await asyncio.sleep(0)

    _, t = run_traced(main)
    label = "test_exceptions_handled_are_noted.boom()"
    ran = [cb for it in t.iterations for cb in it.callbacks if cb.label == label]
    assert len(ran) == 1
    assert ran[0].notes == ["exception handler called: Exception in callback "
                            "test_exceptions_handled_are_noted.<locals>.boom() "
                            f"at test_tracer.py:{boom.__code__.co_firstlineno}: "
                            "RuntimeError: kaput"]


def test_failed_and_cancelled_tasks():
    async def fails():
        raise KeyError("k")

    async def sleeper():
        await asyncio.sleep(10)

    async def main():
        loop = asyncio.get_running_loop()
        bad = loop.create_task(fails(), name="bad")
        zzz = loop.create_task(sleeper(), name="zzz")
        await asyncio.sleep(0)
        zzz.cancel()
        await asyncio.gather(bad, zzz, return_exceptions=True)

    _, t = run_traced(main)
    notes = [n for it in t.iterations for n in it.all_notes()]
    assert "bad failed with KeyError: 'k'" in notes
    assert "zzz cancelled" in notes


class _Blocking:
    """An instrument that says when the loop is about to wait with no timeout."""

    def __init__(self):
        self.event = threading.Event()

    def before_select(self, timeout):
        if timeout is None:
            self.event.set()


def test_io_events_and_self_pipe():
    blocking = _Blocking()
    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)

    async def main():
        loop = asyncio.get_running_loop()
        got = loop.create_future()

        def on_read():
            loop.remove_reader(rsock)
            got.set_result(rsock.recv(10))

        loop.add_reader(rsock, on_read)
        wsock.send(b"ping")
        data = await got
        # A thread wakes the loop through the self-pipe, once the loop blocks in select.
        woken = loop.create_future()
        loop.add_instrument(blocking)

        def wake():
            assert blocking.event.wait(5)
            loop.call_soon_threadsafe(woken.set_result, "hi")

        threading.Thread(target=wake).start()
        return data, await woken

    try:
        result, t = run_traced(main)
    finally:
        rsock.close()
        wsock.close()
    assert result == (b"ping", "hi")
    events = [e for it in t.iterations for e in it.events]
    assert ("fd#1", "READ") in events
    assert ("self-pipe", "READ") in events
    labels = [cb.label for it in t.iterations for cb in it.callbacks]
    assert "test_io_events_and_self_pipe.main.on_read()" in labels
    assert "drain self-pipe" in labels


def test_trace_context_manager_detaches():
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        with pytest.raises(ZeroDivisionError), trace(loop) as t:
            loop.run_until_complete(worker(0.25))
            raise ZeroDivisionError
        assert loop._hooks == {} and loop._hooks.instruments == []  # cheap when off again
        assert [it.timeout for it in t.iterations][:2] == [0, 0.25]
        loop.run_until_complete(worker(0.25))
        assert len(t.iterations) == 4  # nothing recorded after the block
    finally:
        loop.close()


def test_manual_instrument():
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    t = Tracer()
    loop.add_instrument(t)
    try:
        loop.run_until_complete(worker(1))
    finally:
        loop.remove_instrument(t)
        loop.close()
    assert t.iterations[1].clock == 1.0
    assert "Task-1 step -> worker() starts" in t.text()


def test_max_iterations_stops_a_runaway_program():
    async def spin():
        while True:
            await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="Event loop stopped before Future completed") as err:
        run_traced(spin, max_iterations=30)
    t = err.value.tracer
    assert t.truncated and len(t.iterations) == 30
    assert "stopped after 30 iterations" in t.text()


# ---------------------------------------------------------------------------
# Rendering: deterministic, readable, path- and address-free
# ---------------------------------------------------------------------------


def test_rendering_is_deterministic():
    _, first = run_traced(two_workers)
    _, second = run_traced(two_workers)  # the global task counter has moved on meanwhile
    assert first.text() == second.text()
    assert first.text(compact=True) == second.text(compact=True)
    text = first.text()
    assert "iteration 3  t=0.500  select(timeout=0.5)" in text
    assert "ran Task-2 step -> worker() starts" in text
    assert "└── Future finished result=None -> wakes Task-3" in text
    assert not re.search(r"0x[0-9a-f]{4,}", text)
    assert "/" not in text.replace("select(", "")  # no file paths anywhere


def test_compact_is_one_line_per_iteration():
    _, t = run_traced(two_workers)
    lines = t.text(compact=True).rstrip("\n").splitlines()
    assert lines[0].split() == ["#", "clock", "timeout", "I/O", "timers", "ran"]
    assert len(lines) == 1 + len(t.iterations)
    assert lines[3].split()[:5] == ["3", "0.500", "0.5", "-", "1"]
    assert "Task-2 worker():start · Task-3 worker():start" in lines[2]
    assert all(len(line) <= 100 for line in lines)


def test_stable_names_off_shows_real_names():
    async def main():
        return asyncio.current_task().get_name()

    name, t = run_traced(main, stable_names=False)
    assert t.preamble == [f"created {name} test_stable_names_off_shows_real_names.main()"]
    _, t2 = run_traced(main)
    assert t2.preamble == ["created Task-1 test_stable_names_off_shows_real_names.main()"]


def test_print_to_a_console_and_a_slice():
    _, t = run_traced(two_workers)
    buffer = io.StringIO()
    t.print(console=Console(file=buffer, width=100, color_system=None), first=3, last=4)
    out = buffer.getvalue()
    assert out.startswith("iteration 3 ")
    assert "iteration 4 " in out and "iteration 5 " not in out and "iteration 2 " not in out
