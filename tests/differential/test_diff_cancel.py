"""Cancellation behaves as in asyncio (issue 2, differential)."""

from __future__ import annotations

import asyncio
import sys

import pytest
from differential.harness import Env, run_on_both


def _outcome(task) -> tuple:
    if task.cancelled():
        return ("cancelled",)
    if task.exception() is not None:
        return ("exception", type(task.exception()).__name__)
    return ("result", task.result())


@pytest.mark.parametrize("when", ["before-first-step", "at-sleep0", "at-future", "at-sleep",
                                  "after-done"])
def test_cancel_at_various_points(when: str) -> None:
    def scenario(env: Env):
        loop = env.loop
        gate = loop.create_future()

        async def victim() -> str:
            env.log("started")
            try:
                await env.h.sleep(0)
                env.log("after sleep0")
                await gate
                env.log("after gate")
                # long unless the test waits for the end: a busy machine cannot finish
                # the sleep before the cancel comes
                await env.h.sleep(0.001 if when == "after-done" else 3600)
                env.log("after sleep")
            except asyncio.CancelledError:
                env.log("caught CancelledError")
                raise
            return "finished"

        async def main() -> None:
            task = loop.create_task(victim())
            steps = {"before-first-step": 0, "at-sleep0": 1, "at-future": 2}
            if when in steps:
                for _ in range(steps[when]):
                    await env.h.sleep(0)
            else:
                gate.set_result(None)
                if when == "at-sleep":
                    for _ in range(4):
                        await env.h.sleep(0)
                else:
                    await task
            env.log("cancel() returned", task.cancel())
            env.log("cancelling()", task.cancelling())
            try:
                await task
            except asyncio.CancelledError:
                env.log("awaiting raised CancelledError")
            env.log("outcome", _outcome(task))

        return main()

    events = run_on_both(scenario)
    expected = ("result", "finished") if when == "after-done" else ("cancelled",)
    assert ("outcome", expected) in events


def test_cancel_message_reaches_the_coroutine_and_the_awaiter() -> None:
    def scenario(env: Env):
        async def victim() -> None:
            try:
                await env.h.sleep(1)
            except asyncio.CancelledError as exc:
                env.log("inside", exc.args)
                raise

        async def main() -> None:
            task = env.loop.create_task(victim())
            await env.h.sleep(0)
            task.cancel("first message")
            try:
                await task
            except asyncio.CancelledError as exc:
                env.log("awaiter", exc.args)
            try:
                task.result()
            except asyncio.CancelledError as exc:
                env.log("result()", exc.args)

        return main()

    # The saved CancelledError (with its message) is handed out once; later
    # result() calls build a fresh one without it -- asyncio's
    # Future._make_cancelled_error.
    assert run_on_both(scenario)[:3] == [("inside", ("first message",)),
                                         ("awaiter", ("first message",)),
                                         ("result()", ())]


def test_cancelling_and_uncancel_counts() -> None:
    def scenario(env: Env):
        async def victim() -> None:
            task = env.h.current_task()
            try:
                await env.h.sleep(1)
            except asyncio.CancelledError:
                env.log("caught, cancelling()", task.cancelling())
                env.log("uncancel()", task.uncancel())
                env.log("uncancel()", task.uncancel())
                env.log("uncancel() at zero", task.uncancel())
            await env.h.sleep(0)
            env.log("survived, cancelling()", task.cancelling())
            return "swallowed"

        async def main() -> None:
            task = env.loop.create_task(victim())
            await env.h.sleep(0)
            env.log("cancel #1", task.cancel())
            env.log("cancel #2", task.cancel())
            env.log("cancelling()", task.cancelling())
            env.log("got", await task)
            env.log("cancel after done", task.cancel(), task.cancelling())

        return main()

    events = run_on_both(scenario)
    assert ("caught, cancelling()", 2) in events


def test_uncancel_to_zero_forgets_pending_cancel_on_313() -> None:
    # A task that cancels itself has no future to cancel: the request is kept until
    # its next await.  Python 3.13 made uncancel() reaching zero forget it.
    def scenario(env: Env):
        async def victim() -> None:
            task = env.h.current_task()
            task.cancel()
            env.log("uncancel()", task.uncancel())
            try:
                await env.h.sleep(0)
                env.log("not cancelled")
            except asyncio.CancelledError:
                env.log("cancelled anyway")

        return victim()

    events = run_on_both(scenario)
    assert events[1] == ("not cancelled" if sys.version_info >= (3, 13) else "cancelled anyway")


def test_cancelled_error_propagates_down_and_up_a_chain() -> None:
    def scenario(env: Env):
        loop = env.loop
        leaf_future = loop.create_future()

        async def level(name: str, inner) -> None:
            try:
                await inner
            except asyncio.CancelledError:
                env.log("cancelled", name)
                raise
            finally:
                env.log("finally", name)

        async def main() -> None:
            c = loop.create_task(level("c", leaf_future))
            b = loop.create_task(level("b", c))
            a = loop.create_task(level("a", b))
            await env.h.sleep(0)
            a.cancel()  # travels down: a waits on b, b on c, c on the future
            await env.h.gather(a, return_exceptions=True)
            env.log("states", a.cancelled(), b.cancelled(), c.cancelled(),
                    leaf_future.cancelled())
            # the other way: cancelling the innermost propagates up
            f2 = loop.create_future()
            z = loop.create_task(level("z", f2))
            y = loop.create_task(level("y", z))
            await env.h.sleep(0)
            f2.cancel()
            await env.h.gather(y, return_exceptions=True)
            env.log("states", y.cancelled(), z.cancelled())

        return main()

    events = run_on_both(scenario)
    assert events[:6] == [("cancelled", "c"), ("finally", "c"), ("cancelled", "b"),
                          ("finally", "b"), ("cancelled", "a"), ("finally", "a")]


def test_cancel_during_sleep_cancels_the_timer() -> None:
    def scenario(env: Env):
        loop = env.loop

        async def sleeper() -> None:
            try:
                await env.h.sleep(3600)
            except asyncio.CancelledError:
                env.log("sleep cancelled")
                raise

        async def main() -> None:
            task = loop.create_task(sleeper())
            loop.call_later(0.01, task.cancel)
            await env.h.gather(task, return_exceptions=True)
            env.log("cancelled", task.cancelled())

        return main()

    assert run_on_both(scenario) == ["sleep cancelled", ("cancelled", True), ("result", None)]


def test_shield_protects_inner_from_outer_cancel() -> None:
    def scenario(env: Env):
        loop = env.loop
        release = loop.create_future()

        async def precious() -> str:
            await release
            env.log("precious finished")
            return "kept"

        async def outer(inner) -> None:
            try:
                await env.h.shield(inner)
            except asyncio.CancelledError:
                env.log("outer cancelled")
                raise

        async def main() -> None:
            inner = loop.create_task(precious())
            task = loop.create_task(outer(inner))
            await env.h.sleep(0)
            task.cancel()
            await env.h.gather(task, return_exceptions=True)
            env.log("outer", task.cancelled(), "inner done", inner.done())
            release.set_result(None)
            env.log("inner result", await inner)

        return main()

    assert run_on_both(scenario) == [
        "outer cancelled", ("outer", True, "inner done", False), "precious finished",
        ("inner result", "kept"), ("result", None),
    ]


def test_task_that_refuses_cancellation_finishes_normally() -> None:
    def scenario(env: Env):
        async def stubborn() -> str:
            try:
                await env.h.sleep(1)
            except asyncio.CancelledError:
                env.log("refusing")
            await env.h.sleep(0)
            return "done anyway"

        async def main() -> None:
            task = env.loop.create_task(stubborn())
            await env.h.sleep(0)
            task.cancel()
            env.log("result", await task, task.cancelled())

        return main()

    assert run_on_both(scenario)[:2] == ["refusing", ("result", "done anyway", False)]


def test_cancel_from_inside_while_running_takes_effect_at_next_await() -> None:
    def scenario(env: Env):
        async def selfish() -> None:
            env.h.current_task().cancel("self")
            env.log("still running")
            try:
                await env.h.sleep(0)
            except asyncio.CancelledError as exc:
                env.log("at await", exc.args)
                raise

        return selfish()

    assert run_on_both(scenario) == ["still running", ("at await", ("self",)),
                                     ("raised", "CancelledError", "self")]


def test_cancelled_main_coroutine_raises_from_run_until_complete() -> None:
    def scenario(env: Env):
        async def main() -> None:
            env.loop.call_soon(env.h.current_task().cancel)
            await env.h.sleep(1)

        return main()

    assert run_on_both(scenario) == [("raised", "CancelledError", "")]
