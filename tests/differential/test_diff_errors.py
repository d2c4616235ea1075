"""Exceptions reach the same places as in asyncio (issue 2, differential).

The harness logs every exception-handler call as
``("handler", message, context keys, exception type, str(exception))``.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import re

import pytest
from differential.harness import (
    REFERENCE,
    TOYLOOP_VARIANTS,
    Env,
    closing_loop,
    run_on_both,
    run_variant,
    short_callback_message,
)


def _boom(what: str) -> None:
    raise ValueError(what)


def test_exception_in_callback_goes_to_handler_and_loop_goes_on() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        loop.call_soon(_boom, "soon")
        loop.call_soon(env.recorder("next"))
        loop.call_later(0.001, _boom, "timer")
        loop.call_later(0.005, env.recorder("later"))
        loop.call_later(0.01, loop.stop)
        loop.run_forever()
        env.log("handles", [type(c["handle"]).__name__ for c in env.contexts])

    assert run_on_both(scenario) == [
        ("handler", "Exception in callback _boom", ("exception", "handle", "message"),
         "ValueError", "soon"),
        "next",
        ("handler", "Exception in callback _boom", ("exception", "handle", "message"),
         "ValueError", "timer"),
        "later",
        ("handles", ["Handle", "TimerHandle"]),
    ]


def _raise(n: int) -> None:
    raise KeyError(n)


def _partial_target(a: int, b: int) -> None:
    raise ZeroDivisionError(a, b)


def _callback_messages_scenario(env: Env) -> None:
    loop = env.loop
    loop.call_soon(_raise, 1)
    loop.call_soon(functools.partial(_partial_target, 1), 2)
    loop.call_soon(loop.stop)
    loop.run_forever()


def test_callback_exception_short_message() -> None:
    assert run_on_both(_callback_messages_scenario) == [
        ("handler", "Exception in callback _raise", ("exception", "handle", "message"),
         "KeyError", "1"),
        ("handler", "Exception in callback _partial_target",
         ("exception", "handle", "message"), "ZeroDivisionError", "(1, 2)"),
    ]


@pytest.mark.parametrize("debug", [False, True], ids=["nodebug", "debug"])
def test_callback_exception_message_matches(debug: bool) -> None:
    # Messages only: debug mode adds a source_traceback key (see the next test).
    expected = [e[1] for e in run_variant(_callback_messages_scenario, REFERENCE, debug=debug,
                                          compare_callback_sources=True)]
    for variant in TOYLOOP_VARIANTS:
        got = run_variant(_callback_messages_scenario, variant, debug=debug,
                          compare_callback_sources=True)
        assert [e[1] for e in got] == expected, variant
    assert expected[0].startswith("Exception in callback _raise(")
    assert expected[0].endswith(f" at {__file__}:{_raise.__code__.co_firstlineno}")


def test_debug_mode_context_has_source_traceback() -> None:
    events = run_on_both(_callback_messages_scenario, debug=True)
    assert len(events) == 2  # both callbacks reported: all() below is not vacuous
    assert all("source_traceback" in e[2] for e in events)


def test_exception_in_task_propagates_to_awaiter() -> None:
    def scenario(env: Env):
        async def failing() -> None:
            await env.h.sleep(0)
            raise LookupError("inner")

        async def main() -> None:
            task = env.loop.create_task(failing())
            try:
                await task
            except LookupError as exc:
                env.log("caught", exc.args, exc is task.exception())
            raise RuntimeError("outer")

        return main()

    assert run_on_both(scenario) == [("caught", ("inner",), True),
                                     ("raised", "RuntimeError", "outer")]


def test_task_exception_never_retrieved_is_reported() -> None:
    def scenario(env: Env):
        async def failing() -> None:
            raise ValueError("nobody looks at me")

        async def retrieved() -> None:
            raise ValueError("looked at")

        async def main() -> None:
            env.loop.create_task(failing())
            seen = env.loop.create_task(retrieved())
            for _ in range(3):
                await env.h.sleep(0)
            gc.collect()
            env.log("seen", seen.exception().args)
            del seen
            gc.collect()
            env.log("after gc")

        return main()

    assert run_on_both(scenario) == [
        ("handler", "Task exception was never retrieved", ("exception", "future", "message"),
         "ValueError", "nobody looks at me"),
        ("seen", ("looked at",)),
        "after gc", ("result", None),
    ]


def test_task_exception_reported_as_soon_as_task_is_dropped() -> None:
    def scenario(env: Env):
        async def failing() -> None:
            raise ValueError("dropped")

        async def main() -> None:
            gc.disable()
            try:
                env.loop.create_task(failing())
                for _ in range(3):
                    await env.h.sleep(0)
                env.log("before gc")
            finally:
                gc.enable()

        return main()

    assert run_on_both(scenario)[0][:2] == ("handler", "Task exception was never retrieved")


def test_future_exception_never_retrieved_is_reported() -> None:
    def scenario(env: Env) -> None:
        fut = env.loop.create_future()
        fut.set_exception(OSError("lost"))
        fut2 = env.loop.create_future()
        fut2.set_exception(OSError("retrieved"))
        fut2.exception()
        fut3 = env.loop.create_future()
        fut3.set_exception(OSError("cancel() clears the flag"))
        fut3.cancel()
        del fut, fut2, fut3
        gc.collect()

    assert run_on_both(scenario) == [
        ("handler", "Future exception was never retrieved",
         ("exception", "future", "message"), "OSError", "lost"),
    ]


def test_pending_task_destroyed_is_reported() -> None:
    def scenario(env: Env):
        async def forever() -> None:
            try:
                await env.loop.create_future()  # nobody else holds this future
            finally:
                env.log("coroutine closed")

        async def main() -> None:
            env.loop.create_task(forever())
            await env.h.sleep(0)
            await env.h.sleep(0)
            gc.collect()
            env.log("after gc")

        return main()

    assert run_on_both(scenario) == [
        "coroutine closed",
        ("handler", "Task was destroyed but it is pending!", ("message", "task")),
        "after gc", ("result", None),
    ]


def test_exception_handler_context_for_run_until_complete_failure() -> None:
    # run_until_complete re-raises; the exception is retrieved and never reported.
    def scenario(env: Env):
        async def main() -> None:
            await env.h.sleep(0)
            raise ArithmeticError("to the caller")

        return main()

    assert run_on_both(scenario) == [("raised", "ArithmeticError", "to the caller")]


def test_base_exception_subclass_in_task_is_kept() -> None:
    class Custom(BaseException):
        pass

    def scenario(env: Env):
        async def odd() -> None:
            raise Custom("custom")

        async def main() -> None:
            task = env.loop.create_task(odd())
            await env.h.gather(task, return_exceptions=True)
            env.log("exception", type(task.exception()).__name__)

        return main()

    assert run_on_both(scenario) == [("exception", "Custom"), ("result", None)]


def test_failing_exception_handler_falls_back_to_default(caplog) -> None:
    def scenario(env: Env) -> None:
        loop = env.loop

        def bad_handler(loop, context) -> None:
            env.log("bad handler called", short_callback_message(context["message"]))
            raise RuntimeError("handler broke")

        loop.set_exception_handler(bad_handler)
        loop.call_soon(_raise, 7)
        loop.call_soon(env.recorder("still running"))
        loop.call_soon(loop.stop)
        loop.run_forever()

    with caplog.at_level("ERROR", logger="asyncio"):
        events = run_on_both(scenario)
    assert events == [("bad handler called", "Exception in callback _raise"),
                      "still running"]
    messages = [r.getMessage().splitlines()[0] for r in caplog.records]
    assert messages == ["Unhandled error in exception handler"] * 5


def test_exception_in_done_callback_is_reported() -> None:
    def scenario(env: Env):
        async def main() -> None:
            fut = env.loop.create_future()
            fut.add_done_callback(lambda f: _raise(f.result()))
            fut.add_done_callback(lambda f: env.log("second callback ran"))
            fut.set_result(3)
            await env.h.sleep(0)

        return main()

    events = run_on_both(scenario)
    assert events[0][:2] == ("handler", "Exception in callback "
                             "test_exception_in_done_callback_is_reported.<locals>.scenario."
                             "<locals>.main.<locals>.<lambda>")
    assert events[1:] == ["second callback ran", ("result", None)]


def test_cancelled_error_in_callback_is_reported_like_asyncio() -> None:
    def cancelling_callback() -> None:
        raise asyncio.CancelledError("from a callback")

    def scenario(env: Env) -> None:
        env.loop.call_soon(cancelling_callback)
        env.loop.call_soon(env.loop.stop)
        env.loop.run_forever()

    events = run_on_both(scenario)
    assert events[0][2:] == (("exception", "handle", "message"), "CancelledError",
                             "from a callback")


def _default_handler_log(variant, caplog) -> list:
    caplog.clear()
    with closing_loop(variant) as loop, caplog.at_level("ERROR", logger="asyncio"):
        loop.set_debug(False)
        loop.call_soon(_raise, 5)
        fut = loop.create_future()
        fut.set_exception(OSError("dropped"))
        del fut
        gc.collect()
        loop.call_soon(loop.stop)
        loop.run_forever()
    return [(r.levelname, re.sub(r"0x[0-9a-f]+", "0x?", r.getMessage()),
             r.exc_info[0].__name__ if r.exc_info else None) for r in caplog.records]


def test_default_exception_handler_logs_like_asyncio(caplog) -> None:
    expected = _default_handler_log(REFERENCE, caplog)
    assert [e[0] for e in expected] == ["ERROR", "ERROR"]
    assert _default_handler_log(TOYLOOP_VARIANTS[0], caplog) == expected
