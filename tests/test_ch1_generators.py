"""Chapter 1's generator scheduler: turns, timers, results, errors."""

from __future__ import annotations

import pytest

from toyloop.ch1_generators import Scheduler, Task, sleep
from toyloop.clock import MonotonicClock, VirtualClock


def virtual() -> Scheduler:
    return Scheduler(clock=VirtualClock())


def test_tasks_take_turns_round_robin():
    log = []

    def ticker(name, n):
        for i in range(n):
            log.append(f"{name}{i}")
            yield

    s = virtual()
    s.create_task(ticker("a", 3))
    s.create_task(ticker("b", 2))
    s.run(ticker("main", 0))  # finishes at once; run more turns by hand
    while s._ready:
        s._run_once()
    assert log == ["a0", "b0", "a1", "b1", "a2"]


def test_run_returns_the_generators_return_value():
    def main():
        yield
        return 42

    assert virtual().run(main()) == 42


def test_run_raises_the_tasks_exception():
    def main():
        yield
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        virtual().run(main())


def test_sleepers_wake_in_deadline_order_at_exact_virtual_times():
    s = virtual()
    log = []

    def sleeper(name, delay):
        yield from sleep(delay)
        log.append((name, s.time()))

    def main():
        tasks = [s.create_task(sleeper(n, d)) for n, d in [("c", 3), ("a", 1), ("b", 2)]]
        while not all(t.done() for t in tasks):
            yield from sleep(0.5)

    s.run(main())
    assert log == [("a", 1.0), ("b", 2.0), ("c", 3.0)]


def test_equal_deadlines_run_in_the_order_they_were_set():
    s = virtual()
    log = []
    for name in "xyz":
        s.call_later(1, log.append, name)
    s.call_later(1, s.stop)
    s.run_forever()
    assert log == ["x", "y", "z"]
    # The heap never had to compare two callbacks (functions are not orderable).
    assert s._scheduled == []


def test_sleep_zero_is_a_bare_yield():
    gen = sleep(0)
    assert next(gen) is None
    with pytest.raises(StopIteration):
        next(gen)


def test_sleep_asks_for_a_timer():
    s = virtual()
    request = next(sleep(2))
    task = Task(iter(()), s, "t")
    request(task)
    assert [(when, cb) for when, _, cb, _ in s._scheduled] == [(2.0, task.step)]


def test_real_clock_really_waits():
    s = Scheduler()
    assert isinstance(s._clock, MonotonicClock)

    def main():
        start = s.time()
        yield from sleep(0.02)
        return s.time() - start

    assert s.run(main()) >= 0.02


def test_callbacks_added_during_a_turn_wait_for_the_next_turn():
    s = virtual()
    log = []

    def first():
        log.append("first")
        s.call_soon(log.append, "added by first")

    s.call_soon(first)
    s.call_soon(log.append, "second")
    s._run_once()
    assert log == ["first", "second"]
    s._run_once()
    assert log == ["first", "second", "added by first"]


def test_done_callbacks_are_scheduled_not_called_inline():
    s = virtual()
    log = []

    def child():
        yield
        log.append("child returns")
        return "x"

    task = s.create_task(child())
    task.add_done_callback(lambda: log.append("done callback"))
    s._run_once()  # first step: child yields
    s._run_once()  # second step: child returns; the callback is only queued
    assert log == ["child returns"]
    assert task.done() and task.result() == "x"
    s._run_once()
    assert log == ["child returns", "done callback"]


def test_done_callback_on_a_finished_task_still_goes_through_call_soon():
    s = virtual()
    task = s.create_task(iter(()))
    s._run_once()
    called = []
    task.add_done_callback(lambda: called.append(True))
    assert called == []
    s._run_once()
    assert called == [True]


def test_a_bad_yield_is_thrown_back_into_the_generator():
    s = virtual()

    def main():
        try:
            yield 42
        except TypeError as exc:
            return str(exc)

    message = s.run(main())
    assert "yielded 42" in message and "yield nothing, or a function" in message


def test_result_before_done_is_an_error():
    s = virtual()
    task = s.create_task(sleep(1))
    with pytest.raises(RuntimeError, match="has not finished yet"):
        task.result()
    assert repr(task) == "<Task Task-1 pending>"


def test_idle_scheduler_refuses_to_wait_forever():
    s = virtual()

    def main():
        yield lambda task: None  # parks and arranges nothing: nobody wakes it

    with pytest.raises(RuntimeError, match="would wait forever"):
        s.run(main())


def test_a_blocking_call_delays_every_other_task():
    clock = VirtualClock()
    s = Scheduler(clock=clock)
    ticks = []

    def ticker():
        for _ in range(3):
            ticks.append(s.time())
            yield from sleep(1)

    def blocker():
        yield from sleep(1.5)
        clock.advance(3)  # stands in for time.sleep(3): holds the thread, no yield

    s.create_task(blocker())
    s.run(ticker())
    assert ticks == [0.0, 1.0, 4.5]


def test_stop_ends_run_forever_after_the_current_turn():
    s = virtual()
    log = []
    s.call_soon(s.stop)
    s.call_soon(log.append, "same turn")
    s.run_forever()
    assert log == ["same turn"]
    assert s._stopping is False
