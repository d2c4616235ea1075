"""Chapter 2 exercises: futures and tasks on the chapter 2 loop.

Three exercises, each an :class:`~toyloop.tools.checker.Exercise`, easiest first:

* ``sleep_exercise``    -- ``async def sleep(delay, result=None)``: a future, a timer
  from ``call_later``, and a clean exit when the sleeping task is cancelled;
* ``gather_exercise``   -- ``async def gather(*aws)``: run awaitables concurrently,
  results in argument order, the first exception propagates at once, and
  cancelling the gather cancels the children;
* ``wait_for_exercise`` -- ``async def wait_for(aw, timeout)``: the result if it
  comes in time, else cancel ``aw`` and raise ``TimeoutError``.

Every case runs on a fresh ``BaseLoop`` with a ``VirtualClock`` through
``run_in_loop``, so times are exact, and a spinning or stuck loop is reported
with a message instead of hanging.  Inside the learner's code
``asyncio.get_running_loop()`` returns that loop.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import Callable, Coroutine
from typing import Any

from toyloop.ch2_futures import BaseLoop, CancelledError, ensure_future
from toyloop.ch2_futures import sleep as _sleep_ref
from toyloop.tools.checker import Exercise, run_in_loop

__all__ = ["gather", "gather_exercise", "sleep", "sleep_exercise", "wait_for",
           "wait_for_exercise"]


def _loop() -> BaseLoop:
    return asyncio.get_running_loop()  # type: ignore[return-value]


def _live_timers(loop: BaseLoop) -> list[str]:
    """Timers still waiting in the heap (cancelled ones are skipped lazily), described
    now: the case's cleanup cancels them later, and a message formatted then would show
    them as cancelled."""
    return [repr(entry[2]) for entry in loop._scheduled if not entry[2].cancelled()]


class _Run:
    """Runs a case's main coroutine and remembers the loop, errors and coroutines."""

    def __init__(self, leaks: bool = True) -> None:
        self.leaks = leaks
        self.handles = 0  # callbacks and task steps the loop ran (polling runs many)
        self.loop: BaseLoop | None = None
        self.errors: list[dict] = []
        self.coros: list[Coroutine] = []

    def before_handle(self, handle: Any) -> None:
        """Instrument hook: count every handle the loop runs."""
        self.handles += 1

    def polling(self, limit: int) -> str | None:
        """A sentence for a case whose answer woke the loop far more often than needed."""
        if self.handles <= limit:
            return None
        return (f"the loop ran {self.handles} callbacks and task steps where about a dozen "
                "do: your code wakes up again and again to check (polling, a busy-wait). "
                "Wait on a future that a timer or a done callback completes, once")

    def coro(self, c: Coroutine) -> Coroutine:
        self.coros.append(c)
        return c

    def __call__(self, main: Callable[[], Coroutine]) -> Any:
        def factory(**kwargs: Any) -> BaseLoop:
            self.loop = BaseLoop(**kwargs)
            self.loop.add_instrument(self)
            return self.loop

        try:
            return run_in_loop(main, loop_factory=factory, errors=self.errors,
                               leaks=self.leaks)
        finally:
            for c in self.coros:  # never started by a wrong answer: no "never awaited"
                if c.cr_frame is not None and not c.cr_running:
                    c.close()

    def error_messages(self) -> list[str]:
        out = []
        for context in self.errors:
            exc = context.get("exception")
            out.append(f"{context.get('message')}: {type(exc).__name__}: {exc}"
                       if exc is not None else str(context.get("message")))
        return out


# ---------------------------------------------------------------------------
# Exercise 1: sleep
# ---------------------------------------------------------------------------


async def sleep(delay, result=None):
    """Reference: a future that a timer completes; the timer goes if we leave early."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def wake():
        if not future.done():  # the sleeper may have been cancelled meanwhile
            future.set_result(result)

    timer = loop.call_later(max(0, delay), wake)
    try:
        return await future
    finally:
        timer.cancel()


def case_sleep_time_and_result(fn: Any) -> None:
    """sleep(1.5, 'x') returns 'x' after exactly 1.5 s of loop time"""
    run = _Run()

    async def main():
        loop = _loop()
        await _sleep_ref(0.5)  # start at t=0.5, not 0
        start_real = time.perf_counter()
        got = await run.coro(fn(1.5, "x"))
        return got, loop.time(), time.perf_counter() - start_real

    got, now, real = run(main)
    polling = run.polling(20)
    if polling:
        raise AssertionError(polling)
    if now == 0.5 and real >= 1.0:
        raise AssertionError(
            "the loop's clock did not move, but real time did: you called time.sleep(), "
            "which blocks the whole loop. Wait on a future that a timer (call_later) completes")
    if now == 1.5:
        raise AssertionError(
            "started at t=0.5, sleep(1.5) returned at t=1.5 instead of 2.0: the delay is "
            "relative to now. Use loop.call_later(delay, ...), or call_at(loop.time() + delay)")
    assert now == 2.0, (
        f"started at t=0.5, sleep(1.5) returned at loop time {now}, expected 2.0. Use "
        "loop.call_later(delay, ...) to complete a future, and await that future")
    assert got == "x", (
        f"sleep(1.5, 'x') returned {got!r}: return the `result` argument (set it as the "
        "future's result, or return it after the wait)")


def case_sleep_order(fn: Any) -> None:
    """three sleepers wake in deadline order, concurrently"""
    run = _Run()
    woke: list = []

    async def sleeper(name, delay):
        await fn(delay)
        woke.append((name, _loop().time()))

    async def main():
        loop = _loop()
        tasks = [loop.create_task(run.coro(sleeper(n, d))) for n, d in [("c", 3), ("a", 1),
                                                                          ("b", 2)]]
        for t in tasks:
            await t

    run(main)
    assert woke == [("a", 1.0), ("b", 2.0), ("c", 3.0)], (
        f"expected [('a', 1.0), ('b', 2.0), ('c', 3.0)], got {woke}")


def case_sleep_zero_yields(fn: Any) -> None:
    """sleep(0) gives the other ready tasks a turn"""
    run = _Run()
    log: list = []

    async def worker(name):
        for i in range(2):
            log.append(f"{name}{i}")
            await fn(0)

    async def main():
        loop = _loop()
        a = loop.create_task(run.coro(worker("a")))
        b = loop.create_task(run.coro(worker("b")))
        await a
        await b

    run(main)
    assert log == ["a0", "b0", "a1", "b1"], (
        f"two tasks looping over `await sleep(0)` ran in the order {log}; expected "
        "['a0', 'b0', 'a1', 'b1']. sleep(0) must still suspend the task once (don't return "
        "early for a zero delay), so the others get a turn")


def case_sleep_zero_result(fn: Any) -> None:
    """sleep(0, result) and sleep(-1, result) return the result too"""
    run = _Run()

    async def main():
        return await run.coro(fn(0, "zero")), await run.coro(fn(-1, "negative"))

    got = run(main)
    assert got == ("zero", "negative"), (
        f"sleep(0, 'zero') and sleep(-1, 'negative') returned {got!r}: even with nothing to "
        "wait for, sleep returns its `result` argument (a shortcut for a zero delay must "
        "return it too)")


def case_sleep_cancel(fn: Any) -> None:
    """cancelling a sleeping task stops it at once and removes its timer"""
    run = _Run()
    seen: list = []

    async def sleeper():
        try:
            await fn(10)
        except CancelledError:
            seen.append(("cancelled", _loop().time()))
            raise

    async def main():
        loop = _loop()
        task = loop.create_task(run.coro(sleeper()))
        await _sleep_ref(1)
        task.cancel()
        await _sleep_ref(0.5)
        timers = _live_timers(loop)
        await _sleep_ref(20)  # let a forgotten timer fire, if there is one
        return task, timers

    task, timers = run(main)
    errors = run.error_messages()
    if any("InvalidStateError" in e for e in errors):
        raise AssertionError(
            "when the cancelled sleep's timer fired later, it called set_result() on a "
            "cancelled future (InvalidStateError). Cancel the timer when the sleep ends early "
            "(try/finally around the await), or check future.done() in the timer callback")
    if not seen and not task.cancelled():
        raise AssertionError(
            "the sleeping task was cancelled at t=1.0 but never saw CancelledError, and did "
            "not end cancelled: your sleep swallowed the CancelledError. Let it propagate")
    assert seen == [("cancelled", 1.0)], (
        f"the sleeping task should see CancelledError at t=1.0 when cancelled, got {seen}")
    assert task.cancelled(), "the task should end cancelled"
    assert not timers, (
        f"after the sleep was cancelled its timer was still scheduled: {timers}. Cancel it "
        "(timer.cancel() in a finally block) so a cancelled sleep leaves nothing behind")
    assert not errors, f"the loop reported: {errors}"


def case_sleep_no_leftover_timer(fn: Any) -> None:
    """a sleep that ends normally leaves no timer behind"""
    run = _Run()

    async def main():
        await run.coro(fn(2))
        return _live_timers(_loop())

    timers = run(main)
    assert not timers, f"after sleep(2) returned, timers were still scheduled: {timers}"


def _without(name: str, cases: list) -> list:
    """Each case, run while ``asyncio.<name>`` refuses: the exercise is to build it."""
    def wrap(case: Any) -> Any:
        @functools.wraps(case)
        def guarded(fn: Any) -> None:
            original = getattr(asyncio, name)

            def refused(*args: Any, **kwargs: Any) -> Any:
                if name == "sleep" and args and args[0] == 0:
                    return original(*args, **kwargs)  # sleep(0) only yields: allowed
                for arg in args:  # no "coroutine was never awaited" warnings
                    if inspect.iscoroutine(arg):
                        arg.close()
                raise AssertionError(
                    f"your {name} called asyncio.{name}(): this exercise is to build "
                    f"{name} yourself, from a future and the loop's callbacks. See the "
                    "hints")

            setattr(asyncio, name, refused)
            try:
                case(fn)
            finally:
                setattr(asyncio, name, original)
        return guarded
    return [wrap(case) for case in cases]


sleep_exercise = Exercise(
    "sleep",
    cases=_without("sleep", [case_sleep_time_and_result, case_sleep_order,
                             case_sleep_zero_yields, case_sleep_zero_result,
                             case_sleep_cancel, case_sleep_no_leftover_timer]),
    hint=[
        "loop = asyncio.get_running_loop(); make a future with loop.create_future(), and "
        "arrange for a timer (loop.call_later) to set its result; then await the future.",
        "Cancelling the task cancels the future it awaits, and CancelledError comes out of "
        "your `await`. The timer is still in the heap: cancel it in a `finally:` block.",
        "If the timer fires after the future was cancelled, set_result() raises "
        "InvalidStateError: have the callback check future.done() first.",
    ],
    solution=sleep,
)


# ---------------------------------------------------------------------------
# Exercise 2: gather
# ---------------------------------------------------------------------------


async def gather(*aws):
    """Reference: wrap each awaitable in a task; one future finishes when all do."""
    loop = asyncio.get_running_loop()
    children = [ensure_future(aw, loop=loop) for aw in aws]
    if not children:
        return []
    outer = loop.create_future()
    remaining = len(children)

    def child_done(child):
        nonlocal remaining
        if outer.done():  # a later failure: mark it retrieved, gather reported the first
            if not child.cancelled():
                child.exception()
            return
        if child.cancelled():
            outer.set_exception(CancelledError())
        elif child.exception() is not None:
            outer.set_exception(child.exception())
        else:
            remaining -= 1
            if remaining == 0:
                outer.set_result([c.result() for c in children])

    for child in children:
        child.add_done_callback(child_done)
    try:
        return await outer
    except CancelledError:
        if outer.cancelled():  # *we* were cancelled: so are the children
            for child in children:
                child.cancel()
        raise


async def _value_after(delay: float, value: Any) -> Any:
    await _sleep_ref(delay)
    return value


async def _fail_after(delay: float, exc: BaseException) -> Any:
    await _sleep_ref(delay)
    raise exc


def case_gather_order(fn: Any) -> None:
    """results come back in argument order, not finishing order"""
    run = _Run()

    async def main():
        return await fn(run.coro(_value_after(3, "slow")), run.coro(_value_after(1, "fast")),
                        run.coro(_value_after(2, "middle")))

    got = run(main)
    if isinstance(got, list) and None in got and len(got) == 3:
        raise AssertionError(
            f"gather returned {got!r}: a result is None because gather returned before "
            "every child had finished. Count the children that are done, and set outer's "
            "result only when the last one has finished")
    if got == ["fast", "middle", "slow"]:
        raise AssertionError(
            f"got {got}: results are in the order the children finished. Return them in the "
            "order of the arguments: ['slow', 'fast', 'middle']")
    assert got == ["slow", "fast", "middle"], (
        f"gather returned {got!r}, expected ['slow', 'fast', 'middle']"
        + (": return the list of results" if got is None else ""))


def case_gather_concurrent(fn: Any) -> None:
    """children run at the same time: 1 s, 2 s and 3.05 s take 3.05 s"""
    run = _Run()

    async def main():
        await fn(run.coro(_value_after(1, 1)), run.coro(_value_after(2, 2)),
                 run.coro(_value_after(3.05, 3)))
        return _loop().time()

    now = run(main)
    if abs(now - 6.05) < 1e-9:
        raise AssertionError(
            "gather took 6.05 s for sleeps of 1, 2 and 3.05 s: it ran them one after another, "
            "not concurrently. Start them all as tasks first (ensure_future / "
            "loop.create_task), then wait")
    polling = run.polling(60)
    if polling:
        raise AssertionError(polling)
    assert now == 3.05, (
        f"gather finished at t={now}, expected exactly 3.05, when the last child finished. "
        "Are you polling? Wake up from the children's done callbacks instead")


def case_gather_accepts_futures(fn: Any) -> None:
    """gather accepts tasks and futures as well as coroutines"""
    run = _Run()

    async def main():
        loop = _loop()
        fut = loop.create_future()
        loop.call_later(1, fut.set_result, "future")
        task = loop.create_task(run.coro(_value_after(2, "task")))
        return await fn(fut, task, run.coro(_value_after(0.5, "coroutine")))

    try:
        got = run(main)
    except TypeError as error:
        raise AssertionError(
            f"gather(future, task, coroutine) raised TypeError: {error}. create_task() takes "
            "only coroutines: wrap each argument with ensure_future(), which leaves futures and "
            "tasks as they are") from None
    if isinstance(got, list) and len(got) > 3:
        raise AssertionError(
            f"gather was given 3 awaitables and returned {len(got)} results ({got!r}): it "
            "still holds the previous call's results. Create the results list inside "
            "gather, not at module level")
    assert got == ["future", "task", "coroutine"], (
        f"gather(future, task, coroutine) returned {got!r}. Wrap each argument with "
        "ensure_future(), which leaves futures and tasks as they are")


def case_gather_first_exception(fn: Any) -> None:
    """the first exception reaches the caller at once"""
    run = _Run(leaks=False)  # asyncio's gather lets the other children run on

    async def main():
        try:
            await fn(run.coro(_value_after(5, "late")),
                     run.coro(_fail_after(1, ValueError("child failed"))))
        except ValueError as exc:
            return exc, _loop().time()
        return None, _loop().time()

    exc, when = run(main)
    assert exc is not None, (
        "a child raised ValueError('child failed') but gather did not raise it: propagate the "
        "first exception instead of swallowing it")
    assert when == 1, (
        f"gather raised the child's ValueError at t={when}; it should raise at t=1.0, as soon "
        "as that child failed, without waiting for the others")


def case_gather_two_failures(fn: Any) -> None:
    """two children fail: the first error is raised, the second is not an error of gather's"""
    run = _Run(leaks=False)

    async def main():
        try:
            await fn(run.coro(_fail_after(1, ValueError("first"))),
                     run.coro(_fail_after(2, KeyError("second"))))
        except (ValueError, KeyError) as exc:
            caught = exc
        else:
            caught = None
        await _sleep_ref(5)  # the second child fails meanwhile
        return caught

    caught = run(main)
    errors = run.error_messages()
    if any("InvalidStateError" in e for e in errors):
        raise AssertionError(
            "when the second child failed, gather's done callback called set_exception() on "
            "the outer future that the first failure had already completed, and the loop "
            f"logged InvalidStateError ({errors[0]}). In the callback, return early if outer "
            "is already done (outer.done()), after calling child.exception() so that the "
            "second error counts as retrieved")
    assert isinstance(caught, ValueError), (
        f"two children failed, ValueError at t=1 and KeyError at t=2; gather raised "
        f"{caught!r}: raise the first failure, as soon as it happens")
    assert not errors, f"the loop reported errors after gather failed: {errors}"


def case_gather_child_cancelled(fn: Any) -> None:
    """a child cancelled by someone else: gather raises CancelledError instead of hanging"""
    run = _Run(leaks=False)

    async def main():
        loop = _loop()
        victim = loop.create_task(run.coro(_value_after(10, "never")))
        loop.call_later(1, victim.cancel)  # someone else cancels one child
        try:
            got = await fn(victim, run.coro(_value_after(2, "other")))
        except CancelledError:
            return "CancelledError", loop.time()
        return got, loop.time()

    try:
        what, _when = run(main)
    except AssertionError as error:
        if "went idle" not in str(error) and "iterations" not in str(error):
            raise
        what = None
    errors = run.error_messages()
    if what is None or any("CancelledError" in e for e in errors):
        raise AssertionError(
            "one child was cancelled by someone else, and gather never finished"
            + (f" (the loop logged: {errors[0]})" if errors else "")
            + ". On a cancelled child, child.exception() and child.result() raise "
            "CancelledError inside your done callback. Check child.cancelled() first, "
            "and then fail gather with CancelledError, as asyncio's gather does")
    assert what == "CancelledError", (
        f"one child was cancelled by someone else at t=1, and gather returned {what!r}: "
        "it should raise CancelledError (asyncio's gather does)")


def case_gather_empty(fn: Any) -> None:
    """gather() with no arguments returns []"""
    run = _Run()

    async def main():
        return await fn()

    got = run(main)
    assert got == [], f"gather() returned {got!r}, expected []"


def case_gather_cancel(fn: Any) -> None:
    """cancelling the task awaiting gather cancels every child"""
    run = _Run()
    finished: list = []

    async def child(name, delay):
        await _sleep_ref(delay)
        finished.append(name)

    async def parent():
        await fn(run.coro(child("a", 5)), run.coro(child("b", 6)))

    async def main():
        loop = _loop()
        task = loop.create_task(run.coro(parent()))
        await _sleep_ref(1)
        task.cancel()
        await _sleep_ref(10)
        return task

    task = run(main)
    assert task.cancelled(), "the task awaiting gather should end cancelled"
    assert finished == [], (
        f"after the task awaiting gather was cancelled, children {finished} still ran to the "
        "end. When CancelledError reaches gather because *it* was cancelled, cancel the "
        "children too")


gather_exercise = Exercise(
    "gather",
    cases=_without("gather", [case_gather_order, case_gather_concurrent,
                              case_gather_accepts_futures, case_gather_first_exception,
                              case_gather_empty, case_gather_cancel,
                              case_gather_two_failures, case_gather_child_cancelled]),
    hint=[
        "Turn every argument into a future first: ensure_future(aw) wraps a coroutine in a "
        "Task (which starts it) and returns futures unchanged. Awaiting them one by one "
        "would still be concurrent, but could not report the first error at once.",
        "Make one `outer` future with loop.create_future(). Give every child a done callback "
        "that sets outer's exception if the child failed, and outer's result (the list, in "
        "argument order) when the last child is done. Then `return await outer`.",
        "If awaiting outer raises CancelledError and outer.cancelled() is true, the task "
        "running gather was cancelled: cancel each child, then re-raise.",
    ],
    solution=gather,
)


# ---------------------------------------------------------------------------
# Exercise 3: wait_for
# ---------------------------------------------------------------------------


async def wait_for(aw, timeout):
    """Reference: a waiter released by the child or the timer, whichever comes first.

    Simplified from asyncio 3.11's: if our own task is cancelled while the child
    winds down after a timeout, it still reports TimeoutError.
    """
    loop = asyncio.get_running_loop()
    fut = ensure_future(aw, loop=loop)
    if timeout is None:
        return await fut
    waiter = loop.create_future()

    def release(*_):
        if not waiter.done():
            waiter.set_result(None)

    timer = loop.call_later(timeout, release)
    fut.add_done_callback(release)
    try:
        try:
            await waiter
        except CancelledError:  # we were cancelled: take the child with us
            fut.cancel()
            raise
        if fut.done():
            return fut.result()
        fut.remove_done_callback(release)
        fut.cancel()  # too late: cancel it, and wait until it has wound down
        try:
            return await fut  # it may refuse to be cancelled and finish anyway
        except CancelledError:
            raise TimeoutError from None
    finally:
        timer.cancel()


async def _child_of_10_s(log: list) -> None:
    """Sleeps 10 s, and logs whether it finished or was cancelled."""
    try:
        await _sleep_ref(10)
        log.append("child finished")
    except CancelledError:
        log.append("child cancelled")
        raise


def case_wf_in_time(fn: Any) -> None:
    """a child that finishes in time: its result, as soon as it is ready"""
    run = _Run()

    async def main():
        got = await fn(run.coro(_value_after(1, "on time")), 5)
        return got, _loop().time()

    got, when = run(main)
    assert got == "on time", f"wait_for returned {got!r}, expected the child's result 'on time'"
    assert when == 1, (
        f"wait_for returned at t={when}, but the child finished at t=1.0: return as soon as "
        "the child is done, don't wait for the whole timeout")


def case_wf_timeout(fn: Any) -> None:
    """a child that is too slow: TimeoutError exactly at the timeout"""
    run = _Run()

    async def main():
        try:
            await fn(run.coro(_value_after(10, "too late")), 2)
        except TimeoutError:
            return "TimeoutError", _loop().time()
        except CancelledError:
            return "CancelledError", _loop().time()
        return "nothing", _loop().time()

    what, when = run(main)
    polling = run.polling(40)
    if polling:
        raise AssertionError(polling)
    assert what != "CancelledError", (
        "wait_for let CancelledError out after the timeout: the caller was not cancelled, "
        "so turn the child's cancellation into TimeoutError")
    assert what == "TimeoutError", (
        f"a child taking 10 s with timeout=2 should raise TimeoutError; wait_for returned "
        f"normally at t={when}")
    assert when == 2, f"TimeoutError came at t={when}, expected t=2.0"


def case_wf_cancels_child(fn: Any) -> None:
    """after a timeout the child is cancelled, and has wound down before TimeoutError"""
    run = _Run()
    log: list = []

    async def main():
        try:
            await fn(run.coro(_child_of_10_s(log)), 2)
        except TimeoutError:
            log.append(f"TimeoutError at {_loop().time()}")
        await _sleep_ref(20)

    run(main)
    assert "child finished" not in log, (
        "the child kept running after the timeout and finished at t=10: cancel it when the "
        "time is up")
    assert log == ["child cancelled", "TimeoutError at 2.0"], (
        f"events: {log}. Expected the child to be cancelled (and to finish cancelling) "
        "before wait_for raises TimeoutError at t=2.0: cancel it, then await it")


def case_wf_exception(fn: Any) -> None:
    """the child's own exception passes through unchanged"""
    run = _Run()

    async def main():
        try:
            await fn(run.coro(_fail_after(1, KeyError("inner"))), 5)
        except KeyError as exc:
            return exc, _live_timers(_loop())
        except BaseException as exc:  # noqa: B036 - reported below
            return exc, []
        return None, []

    exc, timers = run(main)
    assert isinstance(exc, KeyError), (
        f"the child raised KeyError('inner'); wait_for gave {exc!r}. Let the child's "
        "exception through: return fut.result(), which raises it")
    assert not timers, (
        "the child failed with KeyError and wait_for passed it on, but the timeout's timer "
        f"stayed scheduled ({timers}). Cancel the timer however wait_for ends: in a "
        "`finally` block")


def case_wf_timer_cancelled(fn: Any) -> None:
    """when the child wins, the timeout timer is cancelled"""
    run = _Run()

    async def main():
        await fn(run.coro(_value_after(1, "x")), 100)
        timers = _live_timers(_loop())
        await _sleep_ref(200)
        return timers

    timers = run(main)
    errors = run.error_messages()
    assert not timers and not errors, (
        "the child finished in time but the timeout's timer stayed scheduled "
        f"({timers or errors}). Cancel the timer when wait_for returns (try/finally)")


def case_wf_caller_cancelled(fn: Any) -> None:
    """cancelling the task in wait_for cancels the child too"""
    run = _Run()
    log: list = []

    async def main():
        loop = _loop()
        task = loop.create_task(run.coro(fn(run.coro(_child_of_10_s(log)), 5)))
        await _sleep_ref(1)
        task.cancel()
        await _sleep_ref(20)
        return task

    task = run(main)
    assert task.cancelled(), "the task running wait_for should end cancelled"
    assert log == ["child cancelled"], (
        f"events: {log}. When the task running wait_for is cancelled, cancel the child too")


def case_wf_task_and_future(fn: Any) -> None:
    """wait_for accepts a Task or a Future as well as a coroutine"""
    run = _Run()

    async def main():
        loop = _loop()
        task = loop.create_task(run.coro(_value_after(1, "task")))
        fut = loop.create_future()
        loop.call_later(1, fut.set_result, "future")
        return await fn(task, 5), await fn(fut, 5)

    try:
        got = run(main)
    except TypeError as error:
        raise AssertionError(
            f"wait_for(task, 5) raised TypeError: {error}. create_task() takes only "
            "coroutines: use ensure_future(aw), which wraps a coroutine and leaves tasks "
            "and futures as they are") from None
    assert got == ("task", "future"), (
        f"wait_for(task, 5) and wait_for(future, 5) returned {got!r}, expected "
        "('task', 'future')")


def case_wf_none(fn: Any) -> None:
    """timeout=None waits as long as it takes"""
    run = _Run()

    async def main():
        return await fn(run.coro(_value_after(1000, "patience")), None)

    try:
        got = run(main)
    except TypeError as error:
        raise AssertionError(
            f"wait_for(aw, None) raised TypeError: {error}. timeout=None means no time limit: "
            "just await the child") from None
    assert got == "patience", f"wait_for(aw, None) returned {got!r}, expected 'patience'"


wait_for_exercise = Exercise(
    "wait_for",
    cases=_without("wait_for", [case_wf_in_time, case_wf_timeout, case_wf_cancels_child,
                                case_wf_exception, case_wf_timer_cancelled,
                                case_wf_caller_cancelled, case_wf_none,
                                case_wf_task_and_future]),
    hint=[
        "Make the child a future (ensure_future). You need to wake up on whichever comes "
        "first, the child finishing or the timeout: a `waiter` future that both a "
        "call_later timer and the child's done callback try to complete.",
        "After `await waiter`: if the child is done, return fut.result(). Otherwise the "
        "timer won: cancel the child, await it so that its cleanup runs, and raise "
        "TimeoutError instead of its CancelledError.",
        "Wrap it all in try/finally to cancel the timer; and if `await waiter` itself raises "
        "CancelledError, cancel the child before re-raising.",
    ],
    solution=wait_for,
)
