"""Observation from outside (toyloop/observe.py): the tools see any correct piece.

The chapter pieces carry no hooks.  These tests plug in pieces written
differently from toyloop's (a learner's ``_run_once``, asyncio's pure-Python
Task) and check that the tracer records exactly what it records for
toyloop's own, that an unwatched loop wears no wrappers, and that watching
never loses a handle another thread queues.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import threading
from asyncio import tasks as asyncio_tasks

import pytest

import toyloop
from toyloop.ch6_performance import ListReadyLoop

pytest.importorskip("rich")

from toyloop.tools.tracer import Tracer, run_traced  # noqa: E402


def learner_run_once(self) -> None:
    """A correct ``_run_once`` written the way a learner might: no locals, one list."""
    while self._scheduled and self._scheduled[0][2].cancelled():
        self._timer_cancelled_count -= 1
        heapq.heappop(self._scheduled)[2]._scheduled = False
    if self._ready or self._stopping:
        timeout = 0.0
    elif self._scheduled:
        timeout = max(0.0, self._scheduled[0][0] - self.time())
    else:
        timeout = None
    self._process_events(self._select(timeout))
    deadline = self.time() + self._clock_resolution
    while self._scheduled and self._scheduled[0][0] < deadline:
        _, _, timer = heapq.heappop(self._scheduled)
        timer._scheduled = False
        self._ready.append(timer)
    batch = [self._ready.popleft() for _ in range(len(self._ready))]
    for handle in batch:  # taken out first, run afterwards: still one iteration's worth
        if not handle.cancelled():
            handle._run()


LearnerLoop = type("LearnerLoop", (toyloop.EventLoop,), {"_run_once": learner_run_once})


async def worker(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return name


async def program() -> list:
    loop = asyncio.get_running_loop()
    rsock, wsock = __import__("socket").socketpair()
    rsock.setblocking(False)
    try:
        slow = loop.create_task(worker("slow", 1.0))
        loop.call_later(0.25, wsock.send, b"ping")
        data = await loop.sock_recv(rsock, 10)
        fut = loop.create_future()
        loop.call_later(0.5, fut.set_result, "timer")
        got = await asyncio.gather(worker("fast", 0.5), slow, fut)
        cancelled = loop.create_task(worker("never", 5))
        await asyncio.sleep(0)
        cancelled.cancel()
        try:
            await cancelled
        except asyncio.CancelledError:
            got.append("cancelled")
        return [data, *got]
    finally:
        rsock.close()
        wsock.close()


def traced_on(loop_class: type) -> tuple[object, Tracer]:
    tracer = Tracer()
    loop = loop_class(clock=toyloop.VirtualClock())
    tracer.attach(loop)
    try:
        result = loop.run_until_complete(program())
    finally:
        tracer.detach()
        loop.close()
    return result, tracer


def test_a_learners_run_once_is_traced_like_toyloops() -> None:
    expected, theirs = traced_on(toyloop.EventLoop)
    result, ours = traced_on(LearnerLoop)
    assert result == expected == [b"ping", "fast", "slow", "timer", "cancelled"]
    assert len(ours.iterations) == len(theirs.iterations) > 5
    assert ours.text() == theirs.text()
    assert ours.text(compact=True) == theirs.text(compact=True)
    text = ours.text()
    assert "timer fired" in text and "fd#1 READ" in text
    assert "Future finished result=None -> wakes" in text
    assert "cancelled" in text


def test_asyncios_python_task_is_seen_as_a_task() -> None:
    """Task events are derived from the handles, so any Python Task is seen."""
    def factory(loop, coro, **kwargs):
        return asyncio_tasks._PyTask(coro, loop=loop, **kwargs)

    async def main():
        asyncio.get_running_loop().set_task_factory(factory)
        return await asyncio.get_running_loop().create_task(worker("py", 0.5))

    result, tracer = run_traced(main)
    assert result == "py"
    notes = [n for it in tracer.iterations for n in it.all_notes()]
    assert any(n.startswith("created Task-") and "worker()" in n for n in notes)
    assert any(n.endswith("done, result='py'") for n in notes)


def test_watching_a_list_ready_queue() -> None:
    """The observed queue subclasses whatever queue type the loop uses."""
    result, tracer = traced_on(ListReadyLoop)
    assert result[0] == b"ping" and tracer.iterations


def test_debug_mode_warns_about_slow_callbacks_and_unwraps_when_off(caplog) -> None:
    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    try:
        loop.slow_callback_duration = 0.0  # every callback is slow
        loop.set_debug(True)
        assert "_run_once" in vars(loop)
        with caplog.at_level(logging.WARNING, logger="asyncio"):
            loop.run_until_complete(toyloop.sleep(0))
        assert any(r.getMessage().startswith("Executing <") for r in caplog.records)
        loop.set_debug(False)
        assert "_run_once" not in vars(loop) and loop._observer is None
        assert type(loop._ready) is __import__("collections").deque
    finally:
        loop.close()


def test_instrument_removed_mid_run_unwraps_at_the_iteration_boundary() -> None:
    seen = []

    class Once:
        def before_run_once(self):
            seen.append(1)

    loop = toyloop.EventLoop(clock=toyloop.VirtualClock())
    loop.set_debug(False)  # debug mode (python -X dev) keeps the observer on purpose
    once = Once()

    async def main():
        await asyncio.sleep(0)
        loop.remove_instrument(once)   # inside an iteration: wrappers stay until its end
        await asyncio.sleep(0)
        return "ok"

    try:
        loop.add_instrument(once)
        assert loop.run_until_complete(main()) == "ok"
        assert loop._observer is None and "_run_once" not in vars(loop)
        assert 1 <= len(seen) <= 3
    finally:
        loop.close()


def test_no_handle_from_another_thread_is_lost_while_attaching_and_detaching() -> None:
    """call_soon_threadsafe from threads while instruments come and go."""
    loop = toyloop.EventLoop()
    n_threads, per_thread = 4, 2000
    count = 0
    done = loop.create_future()

    def bump() -> None:
        nonlocal count
        count += 1
        if count == n_threads * per_thread:
            done.set_result(None)

    def producer() -> None:
        for _ in range(per_thread):
            loop.call_soon_threadsafe(bump)

    class Watch:
        def after_run_once(self) -> None:
            pass

    watch = Watch()

    def toggle() -> None:
        if done.done():
            return
        if loop._observer is None:
            loop.add_instrument(watch)
        else:
            loop.remove_instrument(watch)
        loop.call_soon(toggle)

    threads = [threading.Thread(target=producer) for _ in range(n_threads)]
    try:
        loop.call_soon(toggle)
        for t in threads:
            t.start()
        loop.run_until_complete(asyncio.wait_for(done, 30))
        assert count == n_threads * per_thread
    finally:
        for t in threads:
            t.join()
        loop.close()


def test_futures_and_tasks_never_ask_the_loop_for_hooks() -> None:
    """The chapter pieces hold no observation code (the issue's AttributeError)."""
    import inspect

    from toyloop import ch2_futures

    for piece in (ch2_futures.Future, ch2_futures.Task, ch2_futures.Handle,
                  ch2_futures.BaseLoop._run_once):
        assert "_hooks" not in inspect.getsource(piece)
