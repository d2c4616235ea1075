"""gather, wait_for and asyncio's own helpers on toyloop (issue 2, differential).

gather and wait_for run with both helper sets (toyloop's and asyncio's); TaskGroup,
timeout, Queue, Lock, Event, Semaphore, wait and as_completed exist only in asyncio
and run unchanged on toyloop's loop.
"""

from __future__ import annotations

import asyncio
import sys

import pytest
from differential.harness import TOYLOOP_VARIANTS, Env, run_on_both, run_variant


async def _job(env: Env, name: str, delay: float, fail: bool = False) -> str:
    try:
        await env.h.sleep(delay)
    except asyncio.CancelledError:
        env.log("cancelled", name)
        raise
    if fail:
        env.log("failing", name)
        raise ValueError(name)
    env.log("finished", name)
    return name


async def _swallows_cancel(env: Env, value: str) -> str:
    """Sleeps; when cancelled, logs it and returns ``value`` anyway."""
    try:
        await env.h.sleep(1)
    except asyncio.CancelledError:
        env.log("inner swallowed")
    return value


def _describe_results(results: list) -> list:
    return [(type(r).__name__, str(r)) if isinstance(r, BaseException) else r for r in results]


# -- gather --------------------------------------------------------------------


def test_gather_results_in_argument_order() -> None:
    def scenario(env: Env):
        async def main() -> list:
            fut = env.loop.create_future()
            env.loop.call_later(0.005, fut.set_result, "future")
            coro = _job(env, "same", 0)
            return await env.h.gather(_job(env, "slow", 0.02), _job(env, "fast", 0.01),
                                      fut, coro)

        return main()

    assert run_on_both(scenario) == [
        ("finished", "same"), ("finished", "fast"), ("finished", "slow"),
        ("result", ["slow", "fast", "future", "same"]),
    ]


def test_gather_same_awaitable_twice_and_empty() -> None:
    def scenario(env: Env):
        async def main() -> None:
            task = env.loop.create_task(_job(env, "shared", 0))
            env.log("twice", await env.h.gather(task, task))
            env.log("empty", await env.h.gather())

        return main()

    assert run_on_both(scenario) == [("finished", "shared"), ("twice", ["shared", "shared"]),
                                     ("empty", []), ("result", None)]


def test_gather_return_exceptions() -> None:
    def scenario(env: Env):
        async def main() -> list:
            victim = env.loop.create_task(_job(env, "victim", 1))
            env.loop.call_later(0.005, victim.cancel, "msg")
            results = await env.h.gather(_job(env, "ok", 0.01), _job(env, "bad", 0, fail=True),
                                         victim, return_exceptions=True)
            return _describe_results(results)

        return main()

    assert run_on_both(scenario) == [
        ("failing", "bad"), ("cancelled", "victim"), ("finished", "ok"),
        # asyncio's gather builds a fresh CancelledError from _cancel_message, which a
        # task cancelled through its coroutine does not keep: hence ''.
        ("result", ["ok", ("ValueError", "bad"), ("CancelledError", "")]),
    ]


def test_gather_child_failure_propagates_and_others_keep_running() -> None:
    def scenario(env: Env):
        async def main() -> None:
            release = env.loop.create_future()

            async def slow() -> str:
                await release  # finishes only when main says so: no race with the clock
                env.log("finished", "slow")
                return "slow"

            slow_task = env.loop.create_task(slow())
            try:
                await env.h.gather(slow_task, _job(env, "bad", 0.005, fail=True))
            except ValueError as exc:
                env.log("gather raised", exc.args)
            env.log("slow still running", not slow_task.done())
            release.set_result(None)
            env.log("slow result", await slow_task)

        return main()

    assert run_on_both(scenario) == [
        ("failing", "bad"), ("gather raised", ("bad",)), ("slow still running", True),
        ("finished", "slow"), ("slow result", "slow"), ("result", None),
    ]


def test_cancelling_gather_cancels_children() -> None:
    def scenario(env: Env):
        async def main() -> None:
            outer = env.h.gather(_job(env, "a", 1), _job(env, "b", 1))
            await env.h.sleep(0)
            env.log("cancel()", outer.cancel("stop"))
            try:
                await outer
            except asyncio.CancelledError as exc:
                env.log("outer raised CancelledError", exc.args)
            env.log("outer cancelled()", outer.cancelled())
            env.log("cancel() again", outer.cancel())

        return main()

    assert run_on_both(scenario)[:4] == [("cancel()", True), ("cancelled", "a"),
                                         ("cancelled", "b"),
                                         ("outer raised CancelledError", ("stop",))]


def test_gather_child_cancelled_makes_gather_raise() -> None:
    def scenario(env: Env):
        async def main() -> None:
            child = env.loop.create_task(_job(env, "child", 1))
            other = env.loop.create_task(_job(env, "other", 3600))
            env.loop.call_later(0.005, child.cancel)
            try:
                await env.h.gather(child, other)
            except asyncio.CancelledError:
                env.log("gather raised CancelledError")
            env.log("other still running", not other.done())
            other.cancel()
            await env.h.gather(other, return_exceptions=True)

        return main()

    assert run_on_both(scenario) == [("cancelled", "child"), "gather raised CancelledError",
                                     ("other still running", True), ("cancelled", "other"),
                                     ("result", None)]


# -- wait_for --------------------------------------------------------------------


def test_wait_for_result_timeout_and_none() -> None:
    def scenario(env: Env):
        async def main() -> None:
            env.log("in time", await env.h.wait_for(_job(env, "quick", 0.005), 1))
            env.log("no timeout", await env.h.wait_for(_job(env, "none", 0.005), None))
            try:
                await env.h.wait_for(_job(env, "slow", 1), 0.01)
            except TimeoutError as exc:
                env.log("timed out", type(exc).__name__, type(exc.__cause__).__name__)
            try:
                await env.h.wait_for(_job(env, "zero", 0.01), 0)
            except TimeoutError:
                env.log("zero timeout")
            done = env.loop.create_future()
            done.set_result("ready")
            env.log("zero timeout, done future", await env.h.wait_for(done, 0))

        return main()

    events = run_on_both(scenario)
    assert events[:5] == [("finished", "quick"), ("in time", "quick"), ("finished", "none"),
                          ("no timeout", "none"), ("cancelled", "slow")]
    assert ("timed out", "TimeoutError", "CancelledError") in events


def test_wait_for_inner_swallows_cancel_on_timeout() -> None:
    def scenario(env: Env):
        async def main() -> None:
            try:
                env.log("wait_for returned",
                        await env.h.wait_for(_swallows_cancel(env, "late value"), 0.01))
            except TimeoutError:
                env.log("TimeoutError")

        return main()

    assert run_on_both(scenario)[0] == "inner swallowed"


def test_wait_for_outer_cancelled_while_inner_swallows() -> None:
    # 3.11's wait_for (toyloop's design) re-raises CancelledError; 3.12's timeout-based
    # wait_for lets the swallowed value through.
    def scenario(env: Env):
        async def outer() -> None:
            try:
                env.log("wait_for returned",
                        await env.h.wait_for(_swallows_cancel(env, "value"), 10))
            except asyncio.CancelledError:
                env.log("wait_for raised CancelledError")
                raise

        async def main() -> None:
            task = env.loop.create_task(outer())
            await env.h.sleep(0.005)
            task.cancel()
            await env.h.gather(task, return_exceptions=True)

        return main()

    if sys.version_info < (3, 12):
        assert run_on_both(scenario) == ["inner swallowed", "wait_for raised CancelledError",
                                         ("result", None)]
        return
    # 3.12+: asyncio.wait_for on toyloop's loop behaves as on asyncio's ...
    asyncio_helpers = [v for v in TOYLOOP_VARIANTS if v.helpers == "asyncio"]
    assert run_on_both(scenario, variants=asyncio_helpers) == [
        "inner swallowed", ("wait_for returned", "value"), ("result", None)]
    # ... while toyloop.wait_for keeps the 3.11 design (see ch2_futures' docstring).
    for variant in TOYLOOP_VARIANTS:
        if variant.helpers == "toyloop":
            assert run_variant(scenario, variant) == [
                "inner swallowed", "wait_for raised CancelledError", ("result", None)]


def test_wait_for_inner_exception_propagates() -> None:
    def scenario(env: Env):
        async def main() -> None:
            await env.h.wait_for(_job(env, "bad", 0.001, fail=True), 1)

        return main()

    assert run_on_both(scenario) == [("failing", "bad"), ("raised", "ValueError", "bad")]


# -- asyncio-only helpers, unchanged on toyloop --------------------------------


def test_taskgroup_collects_results_and_cancels_on_failure() -> None:
    def scenario(env: Env):
        async def main() -> None:
            async with asyncio.TaskGroup() as tg:
                t1 = tg.create_task(_job(env, "one", 0.01))
                t2 = tg.create_task(_job(env, "two", 0.005))
            env.log("results", t1.result(), t2.result())
            try:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(_job(env, "long", 1))
                    tg.create_task(_job(env, "broken", 0.005, fail=True))
            except* ValueError as eg:
                env.log("group raised", [str(e) for e in eg.exceptions])
            env.log("cancelling()", asyncio.current_task().cancelling())

        return main()

    assert run_on_both(scenario) == [
        ("finished", "two"), ("finished", "one"), ("results", "one", "two"),
        ("failing", "broken"), ("cancelled", "long"), ("group raised", ["broken"]),
        # 3.13's TaskGroup uncancels the parent it cancelled; 3.11/3.12 leave 1.
        ("cancelling()", 0 if sys.version_info >= (3, 13) else 1), ("result", None),
    ]


def test_asyncio_timeout_context_manager() -> None:
    def scenario(env: Env):
        async def main() -> None:
            try:
                async with asyncio.timeout(0.01) as cm:
                    await _job(env, "slow", 1)
            except TimeoutError:
                env.log("timeout expired", cm.expired())
            async with asyncio.timeout(1) as cm:
                await _job(env, "quick", 0.001)
            env.log("not expired", cm.expired())
            async with asyncio.timeout(None) as cm:
                cm.reschedule(asyncio.get_running_loop().time() + 0.005)
                try:
                    await _job(env, "rescheduled", 1)
                except asyncio.CancelledError:
                    env.log("inside sees CancelledError")
                    raise
            env.log("unreachable")

        return main()

    assert run_on_both(scenario) == [
        ("cancelled", "slow"), ("timeout expired", True), ("finished", "quick"),
        ("not expired", False), ("cancelled", "rescheduled"), "inside sees CancelledError",
        ("raised", "TimeoutError", ""),
    ]


def test_queue_producer_consumer() -> None:
    def scenario(env: Env):
        async def producer(q: asyncio.Queue) -> None:
            for i in range(5):
                await q.put(i)
                env.log("put", i)
            await q.put(None)

        async def consumer(q: asyncio.Queue) -> None:
            while (item := await q.get()) is not None:
                env.log("got", item)
                q.task_done()
                await env.h.sleep(0.001)
            q.task_done()

        async def main() -> None:
            q: asyncio.Queue = asyncio.Queue(maxsize=2)
            await env.h.gather(producer(q), consumer(q))
            await q.join()
            env.log("empty", q.empty())
            try:
                q.get_nowait()
            except asyncio.QueueEmpty:
                env.log("QueueEmpty")

        return main()

    events = run_on_both(scenario)
    assert [e for e in events if e[0] == "got"] == [("got", i) for i in range(5)]


def test_lock_event_semaphore_condition() -> None:
    def scenario(env: Env):
        async def main() -> None:
            lock, event, sem = asyncio.Lock(), asyncio.Event(), asyncio.Semaphore(2)
            cond = asyncio.Condition()

            async def locked(name: str) -> None:
                async with lock:
                    env.log("lock", name)
                    await env.h.sleep(0.001)

            async def waiter(name: str) -> None:
                await event.wait()
                env.log("event", name)

            async def limited(name: str) -> None:
                async with sem:
                    env.log("sem in", name)
                    await env.h.sleep(0.002)
                    env.log("sem out", name)

            async def cond_waiter(name: str) -> None:
                async with cond:
                    await cond.wait()
                    env.log("notified", name)

            await env.h.gather(locked("a"), locked("b"), locked("c"))
            waiters = [env.loop.create_task(waiter(n)) for n in "xy"]
            await env.h.sleep(0)
            event.set()
            await env.h.gather(*waiters)
            await env.h.gather(*(limited(n) for n in "pqr"))
            cws = [env.loop.create_task(cond_waiter(n)) for n in "uv"]
            await env.h.sleep(0)
            async with cond:
                cond.notify_all()
            await env.h.gather(*cws)

        return main()

    events = run_on_both(scenario)
    assert events[:3] == [("lock", "a"), ("lock", "b"), ("lock", "c")]
    assert events[-1] == ("result", None)


def test_asyncio_wait_and_as_completed() -> None:
    # Real-clock gaps of 40-80 ms, so a busy machine cannot reorder the timers.
    def scenario(env: Env):
        def start() -> list:
            return [env.loop.create_task(_job(env, n, d)) for n, d in
                    (("t3", 0.15), ("t1", 0.01), ("t2", 0.05))]

        async def main() -> None:
            tasks = start()
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            env.log("first", sorted(t.result() for t in done), len(pending))
            done, pending = await asyncio.wait(tasks, timeout=0.06)
            env.log("by timeout", sorted(t.result() for t in done), len(pending))
            await asyncio.wait(tasks)
            env.log("as_completed", [await f for f in asyncio.as_completed(start())])

        return main()

    assert run_on_both(scenario)[-2:] == [("as_completed", ["t1", "t2", "t3"]), ("result", None)]


def test_async_generators_are_finalised() -> None:
    def scenario(env: Env):
        async def ticker():
            try:
                for i in range(10):
                    yield i
                    await env.h.sleep(0)
            finally:
                env.log("ticker closed")

        async def main() -> None:
            async for i in ticker():
                env.log("tick", i)
                if i == 2:
                    break
            agen = ticker()
            env.log("first", await agen.__anext__())
            # left suspended: shutdown_asyncgens() must close it

        return main()

    events = run_on_both(scenario)
    # the abandoned generator is closed by a task the finalizer hook schedules, so its
    # "finally" runs an iteration later, after "first"
    assert events[:3] == [("tick", 0), ("tick", 1), ("tick", 2)]
    assert events.count("ticker closed") == 2, events


@pytest.mark.parametrize("eager", [False, True], ids=["lazy", "eager"])
def test_task_factory_is_used(eager: bool) -> None:
    if eager and not hasattr(asyncio, "eager_task_factory"):
        pytest.skip("asyncio.eager_task_factory is new in 3.12")

    def scenario(env: Env):
        async def child() -> str:
            env.log("child runs")
            return "child"

        async def main() -> None:
            if eager:
                env.loop.set_task_factory(asyncio.eager_task_factory)
            else:
                env.loop.set_task_factory(
                    lambda loop, coro, **kw: asyncio.Task(coro, loop=loop, **kw))
            task = env.loop.create_task(child())
            env.log("created", type(task).__name__)
            env.log("awaited", await task)
            env.loop.set_task_factory(None)

        return main()

    expected_first = "child runs" if eager else ("created", "Task")
    assert run_on_both(scenario)[0] == expected_first


def test_shutdown_asyncgens_closes_suspended_generators() -> None:
    def scenario(env: Env):
        async def ticker():
            try:
                for i in range(10):
                    yield i
            finally:
                env.log("ticker closed")

        async def main() -> None:
            env.kept = ticker()  # still referenced: only shutdown_asyncgens() closes it
            env.log("first", await env.kept.__anext__())

        return main()

    assert run_on_both(scenario) == [("first", 0), ("result", None), "ticker closed"]
