"""Faults are survived the way asyncio survives them (issue 8).

An exception in a callback, a task or an executor job goes to the exception
handler (or to whoever awaits it) and the loop runs on; nothing else is lost.
KeyboardInterrupt and SystemExit escape run_forever/run_until_complete, and the
loop can be run again afterwards.  Closing: compared with asyncio.
"""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest
from differential.harness import Env, run_on_both

N_CALLBACKS = 1000
N_TASKS = 300


def _maybe_fail(env: Env, i: int) -> None:
    if i % 7 == 3:
        raise ValueError(i)
    env.log(i)


def test_failing_callbacks_lose_nothing() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        for i in range(N_CALLBACKS):
            if i % 2:
                loop.call_soon(_maybe_fail, env, i)
            else:
                loop.call_later(0.00001 * i, _maybe_fail, env, i)  # no two due together
        loop.call_later(0.02, loop.stop)
        loop.run_forever()

    events = run_on_both(scenario)
    ran = sorted(e for e in events if isinstance(e, int))
    reported = [e for e in events if isinstance(e, tuple) and e[0] == "handler"]
    failing = [i for i in range(N_CALLBACKS) if i % 7 == 3]
    assert ran == [i for i in range(N_CALLBACKS) if i % 7 != 3]
    assert sorted(int(r[4]) for r in reported) == failing


def test_failing_tasks_lose_nothing() -> None:
    def scenario(env: Env):
        async def job(i: int) -> int:
            for _ in range(i % 3):
                await env.h.sleep(0)
            if i % 5 == 0:
                raise KeyError(i)
            return i

        async def main() -> None:
            tasks = [env.loop.create_task(job(i)) for i in range(N_TASKS)]
            results = await env.h.gather(*tasks, return_exceptions=True)
            env.log("ok", sum(1 for r in results if isinstance(r, int)))
            env.log("failed", sorted(r.args[0] for r in results if isinstance(r, KeyError)))
            # an unawaited failure is reported, not lost
            env.loop.create_task(job(0))
            await env.h.sleep(0)
            gc.collect()

        return main()

    events = run_on_both(scenario)
    assert events[0] == ("ok", N_TASKS - N_TASKS // 5)
    assert events[1] == ("failed", list(range(0, N_TASKS, 5)))
    assert events[2][:2] == ("handler", "Task exception was never retrieved")


def _explode(*args: object) -> None:
    raise OSError("executor job failed")


def test_failing_executor_jobs_are_reported_and_loop_runs_on() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def main() -> None:
            futs = [loop.run_in_executor(None, _explode if i % 2 else int, i) for i in range(10)]
            results = await env.h.gather(*futs, return_exceptions=True)
            env.log("results", [r if isinstance(r, int) else type(r).__name__ for r in results])
            lost = loop.run_in_executor(None, _explode)  # nobody looks at its exception
            await asyncio.wait([lost])
            # join the worker threads: none of them may still hold the job's future
            await loop.shutdown_default_executor()
            del lost, futs
            gc.collect()
            env.log("still running", await env.h.sleep(0, "yes"))

        return main()

    events = run_on_both(scenario)
    assert events[0] == ("results", [i if i % 2 == 0 else "OSError" for i in range(10)])
    assert events[1][:2] == ("handler", "Future exception was never retrieved")
    assert events[2] == ("still running", "yes")


def _interrupt(kind: type[BaseException]) -> None:
    raise kind("stop now")


@pytest.mark.parametrize("kind", [KeyboardInterrupt, SystemExit])
def test_fatal_exception_in_callback_propagates_and_loop_is_reusable(kind) -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        loop.call_soon(env.recorder("before"))
        loop.call_soon(_interrupt, kind)
        loop.call_soon(env.recorder("after, same iteration"))
        try:
            loop.run_forever()
        except kind as exc:
            env.log("run_forever raised", type(exc).__name__, exc.args)
        env.log("running", loop.is_running(), "closed", loop.is_closed())
        loop.call_soon(loop.stop)
        loop.run_forever()  # the callback left behind runs now
        env.log("again", loop.run_until_complete(env.h.sleep(0.001, "fine")))

    assert run_on_both(scenario) == [
        "before", ("run_forever raised", kind.__name__, ("stop now",)),
        ("running", False, "closed", False), "after, same iteration", ("again", "fine"),
    ]


@pytest.mark.parametrize("kind", [KeyboardInterrupt, SystemExit])
def test_fatal_exception_in_task_propagates_from_run_until_complete(kind) -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        async def doomed() -> None:
            await env.h.sleep(0)
            raise kind("from a task")

        async def bystander() -> str:
            await env.h.sleep(0.005)
            return "bystander done"

        other = loop.create_task(bystander())
        task = loop.create_task(doomed())
        try:
            loop.run_until_complete(task)
        except kind as exc:
            env.log("raised", type(exc).__name__, exc.args)
        env.log("task done", task.done(), type(task.exception()).__name__)
        env.log(loop.run_until_complete(other))

    assert run_on_both(scenario) == [
        ("raised", kind.__name__, ("from a task",)), ("task done", True, kind.__name__),
        "bystander done",
    ]


def test_keyboard_interrupt_in_main_coroutine() -> None:
    def scenario(env: Env) -> None:
        async def main() -> None:
            await env.h.sleep(0)
            raise KeyboardInterrupt

        try:
            env.loop.run_until_complete(main())
        except KeyboardInterrupt:
            env.log("interrupted")
        env.log(env.loop.run_until_complete(env.h.sleep(0, "reusable")))

    assert run_on_both(scenario) == ["interrupted", "reusable"]


def test_close_with_pending_tasks_and_close_twice() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        async def pending() -> None:
            try:
                await env.h.sleep(3600)
            finally:
                env.log("pending task's finally ran")

        task = loop.create_task(pending())
        loop.run_until_complete(env.h.sleep(0.001))
        loop.call_soon(env.recorder("dropped callback"))
        loop.call_later(1, env.recorder("dropped timer"))
        loop.close()
        env.log("closed", loop.is_closed(), "task pending", not task.done())
        loop.close()  # closing twice is allowed
        env.log("closed twice")
        del task
        gc.collect()

    assert run_on_both(scenario) == [
        ("closed", True, "task pending", True), "closed twice",
        "pending task's finally ran",
        ("handler", "Task was destroyed but it is pending!", ("message", "task")),
    ]


def test_close_from_a_callback_is_refused_and_loop_goes_on() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        def try_close() -> None:
            try:
                loop.close()
            except RuntimeError as exc:
                env.log("close refused", str(exc))

        loop.call_soon(try_close)
        loop.call_soon(env.recorder("next callback"))
        loop.call_soon(loop.stop)
        loop.run_forever()
        env.log("closed", loop.is_closed())

    assert run_on_both(scenario) == [("close refused", "Cannot close a running event loop"),
                                     "next callback", ("closed", False)]


def test_stop_from_another_thread_wakes_the_loop() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        started = threading.Event()
        loop.call_soon(started.set)
        thread = threading.Thread(target=lambda: (started.wait(5),
                                                  loop.call_soon_threadsafe(loop.stop)))
        thread.start()
        loop.run_forever()  # nothing scheduled: only the thread can wake it
        thread.join()
        env.log("stopped")

    assert run_on_both(scenario) == ["stopped"]
