"""Callbacks, timers and tasks run in asyncio's order (issue 2, differential).

Each scenario runs on asyncio's loop and on toyloop's (both clocks, both helper
sets); ``run_on_both`` asserts the event logs are equal and returns asyncio's, which
each test also pins down so that a scenario which logs nothing cannot pass.
"""

from __future__ import annotations

import contextvars
import socket

from differential.harness import Env, run_on_both


def test_call_soon_is_fifo_and_new_callbacks_wait_for_next_iteration() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        def first() -> None:
            env.log("first")
            loop.call_soon(env.recorder("scheduled-by-first"))

        loop.call_soon(first)
        loop.call_soon(env.recorder("second"), 2)
        loop.call_soon(loop.stop)  # stop() lets this iteration finish, no more
        loop.call_soon(env.recorder("after-stop-same-iteration"))
        loop.run_forever()
        env.log("--- run_forever returned ---")
        loop.call_soon(loop.stop)
        loop.run_forever()

    assert run_on_both(scenario) == [
        "first", ("second", 2), "after-stop-same-iteration",
        "--- run_forever returned ---", "scheduled-by-first",
    ]


def test_cancelled_handles_are_skipped() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        h1 = loop.call_soon(env.recorder("cancelled-soon"))
        loop.call_soon(env.recorder("kept"))
        h2 = loop.call_later(0.001, env.recorder("cancelled-timer"))
        h1.cancel()
        h2.cancel()
        env.log("cancelled?", h1.cancelled(), h2.cancelled())
        loop.call_later(0.01, loop.stop)
        loop.run_forever()

    assert run_on_both(scenario) == [("cancelled?", True, True), "kept"]


def test_timers_fire_in_deadline_order_ties_in_creation_order() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        now = loop.time()
        loop.call_later(0.03, env.recorder("t30"))
        loop.call_later(0.01, env.recorder("t10-a"))
        loop.call_at(now + 0.02, env.recorder("at20"))
        loop.call_later(0.01, env.recorder("t10-b"))  # due just after t10-a
        loop.call_later(0, env.recorder("t0"))
        loop.call_later(-5, env.recorder("negative"))  # in the past: due now
        loop.call_soon(env.recorder("soon"))
        loop.call_later(0.05, loop.stop)
        loop.run_forever()

    assert run_on_both(scenario) == ["soon", "negative", "t0", "t10-a", "t10-b", "at20", "t30"]


def test_timer_scheduled_by_timer_and_soon_by_timer() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        def tick(n: int) -> None:
            env.log("tick", n)
            loop.call_soon(env.recorder("soon-after-tick"), n)
            if n < 3:
                loop.call_later(0.005, tick, n + 1)
            else:
                loop.call_soon(loop.stop)

        loop.call_later(0.005, tick, 1)
        loop.run_forever()

    assert run_on_both(scenario) == [
        ("tick", 1), ("soon-after-tick", 1), ("tick", 2), ("soon-after-tick", 2),
        ("tick", 3), ("soon-after-tick", 3),
    ]


def test_ready_then_io_then_timers_within_one_iteration() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        rsock, wsock = socket.socketpair()
        rsock.setblocking(False)
        wsock.send(b"x")  # readable from the start

        def on_readable() -> None:
            env.log("io", rsock.recv(1))
            loop.remove_reader(rsock.fileno())

        def setup() -> None:
            # Registered in the "wrong" order on purpose: the iteration decides.
            loop.call_later(0, env.recorder("timer"))
            loop.add_reader(rsock.fileno(), on_readable)
            loop.call_soon(env.recorder("ready"))

        try:
            loop.call_soon(setup)
            loop.call_later(0.02, loop.stop)
            loop.run_forever()
        finally:
            rsock.close()
            wsock.close()

    assert run_on_both(scenario) == ["ready", ("io", b"x"), "timer"]


def test_tasks_interleave_round_robin_at_sleep0() -> None:
    def scenario(env: Env):
        async def worker(name: str, n: int) -> str:
            for i in range(n):
                env.log(name, i)
                await env.h.sleep(0)
            return name

        async def main():
            tasks = [env.loop.create_task(worker(name, n)) for name, n in
                     (("a", 3), ("b", 1), ("c", 2))]
            env.log("created")
            return [await t for t in tasks]

        return main()

    assert run_on_both(scenario) == [
        "created", ("a", 0), ("b", 0), ("c", 0), ("a", 1), ("c", 1), ("a", 2),
        ("result", ["a", "b", "c"]),
    ]


def test_task_first_step_runs_after_callbacks_already_queued() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def child() -> None:
            env.log("child step 1")
            await env.h.sleep(0)
            env.log("child step 2")

        async def main() -> None:
            loop.call_soon(env.recorder("soon-before-task"))
            task = loop.create_task(child())
            loop.call_soon(env.recorder("soon-after-task"))
            env.log("parent continues")
            await env.h.sleep(0)
            env.log("parent resumed")
            await task
            env.log("child awaited", task.done())

        return main()

    assert run_on_both(scenario) == [
        "parent continues", "soon-before-task", "child step 1", "soon-after-task",
        "parent resumed", "child step 2", ("child awaited", True), ("result", None),
    ]


def test_future_done_callbacks_are_scheduled_in_registration_order() -> None:
    def scenario(env: Env):
        loop = env.loop
        fut = loop.create_future()

        async def waiter(name: str) -> None:
            env.log("got", name, await fut)

        async def main() -> None:
            tasks = [loop.create_task(waiter(n)) for n in ("w1", "w2")]
            await env.h.sleep(0)
            fut.add_done_callback(lambda f: env.log("callback", f.result()))
            fut.set_result("value")
            env.log("set_result returned")  # callbacks did not run inline
            await env.h.gather(*tasks)
            fut.add_done_callback(lambda f: env.log("late callback", f.result()))
            await env.h.sleep(0)

        return main()

    assert run_on_both(scenario) == [
        "set_result returned", ("got", "w1", "value"), ("got", "w2", "value"),
        ("callback", "value"), ("late callback", "value"), ("result", None),
    ]


def test_sleep_returns_its_result_and_orders_by_duration() -> None:
    def scenario(env: Env):
        async def sleeper(delay: float) -> None:
            env.log("woke", await env.h.sleep(delay, result=delay))

        async def main() -> None:
            await env.h.gather(sleeper(0.03), sleeper(0.01), sleeper(0), sleeper(0.02))

        return main()

    assert run_on_both(scenario) == [
        ("woke", 0), ("woke", 0.01), ("woke", 0.02), ("woke", 0.03), ("result", None),
    ]


def test_run_until_complete_returns_and_leaves_other_tasks_pending() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        async def slow() -> None:
            try:
                await env.h.sleep(10)
            finally:
                env.log("slow finally")

        async def quick(n: int) -> int:
            await env.h.sleep(0)
            return n * 2

        task = loop.create_task(slow())
        env.log("quick", loop.run_until_complete(quick(21)))
        env.log("slow pending", not task.done())
        task.cancel()
        env.log("cancel ran", loop.run_until_complete(env.h.gather(task, return_exceptions=True))
                [0].__class__.__name__)

    assert run_on_both(scenario) == [
        ("quick", 42), ("slow pending", True), "slow finally", ("cancel ran", "CancelledError"),
    ]


def test_contextvars_follow_tasks_and_callbacks() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    def scenario(env: Env):
        loop = env.loop

        async def child(value: str) -> None:
            var.set(value)
            await env.h.sleep(0)
            env.log("child sees", var.get())

        async def main() -> None:
            var.set("main")
            ctx = contextvars.copy_context()
            ctx.run(var.set, "in-ctx")
            loop.call_soon(lambda: env.log("callback sees", var.get()))
            loop.call_soon(lambda: env.log("ctx callback sees", var.get()), context=ctx)
            await env.h.gather(child("a"), child("b"))
            env.log("main still sees", var.get())

        return main()

    assert run_on_both(scenario) == [
        ("callback sees", "main"), ("ctx callback sees", "in-ctx"), ("child sees", "a"),
        ("child sees", "b"), ("main still sees", "main"), ("result", None),
    ]
