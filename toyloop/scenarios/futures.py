"""Future scenarios: results, exceptions, done callbacks and ``await`` on a future.

Every future comes from ``loop.create_future()``, so on a loop with a
learner's ``Future`` plugged in they exercise the learner's class.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

from . import scenario

_F = ("ch2.Future",)


def _outcome(fn: Any, message: bool = True) -> Any:
    """What calling ``fn()`` gives: its value, or the exception's type (and message)."""
    try:
        return ("value", fn())
    except BaseException as exc:  # noqa: BLE001 - the outcome is what we log
        return ("raises", type(exc).__name__) + ((str(exc),) if message else ())


@scenario("your {piece} did not schedule the done callbacks the way asyncio does: "
          "set_result hands each one to loop.call_soon(callback, future), in the order "
          "they were added, so whoever calls set_result finishes first, and each callback "
          "runs in a later iteration with the future as its only argument.", tags=_F)
def done_callbacks_go_through_call_soon(loop: Any, log: Any) -> Any:
    """set_result schedules the done callbacks with call_soon, in the order added"""
    async def main() -> None:
        fut = loop.create_future()
        fut.add_done_callback(lambda f: log(("callback 1 sees", f.result())))
        fut.add_done_callback(lambda f: log(("callback 2 sees", f.result())))
        fut.set_result(42)
        log("set_result returned")
        await asyncio.sleep(0)
        log("one iteration later")
    return main()


@scenario("your {piece} mishandled a callback added to a future that was already done: "
          "asyncio schedules it at once with loop.call_soon (it is neither called inline "
          "nor stored for a completion that will never come again), exactly as if it had "
          "been added before.", tags=_F)
def callback_added_after_done_is_scheduled(loop: Any, log: Any) -> Any:
    """add_done_callback on a done future schedules the callback, it does not call it"""
    async def main() -> None:
        fut = loop.create_future()
        fut.set_result("ready")
        fut.add_done_callback(lambda f: log(("callback sees", f.result())))
        log("add_done_callback returned")
        await asyncio.sleep(0)
    return main()


@scenario("your {piece} answered result()/exception() wrongly for some state. asyncio: "
          "pending -> InvalidStateError (\"Result is not ready.\" / \"Exception is not "
          "set.\"); done -> the result, or the exception raised; set twice -> "
          "InvalidStateError.", tags=_F)
def result_and_exception_by_state(loop: Any, log: Any) -> None:
    """result(), exception() and done() before and after set_result/set_exception"""
    fut = loop.create_future()
    log(("pending done()", fut.done()))
    log(("pending result()", _outcome(fut.result)))
    log(("pending exception()", _outcome(fut.exception)))
    fut.set_result(7)
    log(("done()", fut.done()))
    log(("result()", _outcome(fut.result)))
    log(("exception()", _outcome(fut.exception)))
    log(("set_result again", _outcome(lambda: fut.set_result(8), False)))
    log(("set_exception after result", _outcome(lambda: fut.set_exception(ValueError()), False)))
    bad = loop.create_future()
    bad.set_exception(ValueError("boom"))
    log(("failed done()", bad.done()))
    log(("failed result()", _outcome(bad.result)))
    log(("failed exception()", _outcome(lambda: repr(bad.exception()))))
    cls = loop.create_future()
    cls.set_exception(KeyError)  # a class is instantiated, as asyncio does
    log(("set_exception(KeyError) gives", type(cls.exception()).__name__))


@scenario("your {piece}'s __await__ did not hand the future to the task and resume with "
          "its result: a pending future yields itself (with _asyncio_future_blocking = "
          "True), and once woken returns result(), which raises a failed future's exception; "
          "a done future returns (or raises) at once.",
          tags=_F)
def await_a_future(loop: Any, log: Any) -> Any:
    """await waits for a pending future, returns a done one's result at once"""
    async def main() -> Any:
        done = loop.create_future()
        done.set_result("already")
        loop.call_soon(log, "a callback queued before the await")
        log(("await done future", await done))  # no suspension: before the callback
        pending = loop.create_future()
        loop.call_later(0.01, pending.set_result, "later")
        log(("await pending future", await pending))
        failed = loop.create_future()
        failed.set_exception(KeyError("failed already"))
        try:
            await failed
        except KeyError:
            log("await failed future raised KeyError at once")
        failing = loop.create_future()
        loop.call_soon(failing.set_exception, ValueError("failed"))
        try:
            await failing
        except ValueError as exc:
            log(("await failing future raised", str(exc)))
        return "main done"
    return main()


@scenario("your {piece} mishandled cancel(): a cancelled future runs its done callbacks "
          "(through call_soon), and result() and exception() then both raise "
          "CancelledError (a cancelled future has no exception to return).", tags=_F)
def cancelled_future(loop: Any, log: Any) -> Any:
    """cancel() runs the done callbacks and makes result() raise CancelledError"""
    async def main() -> None:
        fut = loop.create_future()
        fut.add_done_callback(lambda f: log(("callback; cancelled()", f.cancelled())))
        log(("cancel()", fut.cancel()))
        log(("cancel() again", fut.cancel()))
        log(("result()", _outcome(fut.result)))
        log(("exception()", _outcome(fut.exception)))
        await asyncio.sleep(0)
    return main()


@scenario("your {piece} lost a result or an exception on the way to a task awaiting it.",
          tags=_F)
def future_results_reach_tasks(loop: Any, log: Any) -> Any:
    """Two tasks await futures set by timers, one with a result, one with an exception"""
    async def waiter(name: str, fut: Any) -> None:
        try:
            log((name, "got", await fut))
        except Exception as exc:
            log((name, "raised", type(exc).__name__))

    async def main() -> None:
        ok, bad = loop.create_future(), loop.create_future()
        loop.call_later(0.02, ok.set_result, "fine")
        loop.call_later(0.01, bad.set_exception, OSError("nope"))
        await asyncio.gather(waiter("first", ok), waiter("second", bad))
    return main()


_WHO = contextvars.ContextVar("toyloop_scenario_who", default="nobody")


@scenario("your {piece} ran a done callback in the wrong contextvars context: "
          "add_done_callback keeps the context it is given (else a copy of the current "
          "one, copy_context()) with the callback, and the callback runs in it, whoever "
          "completes the future and from whichever context.", tags=_F)
def done_callbacks_run_in_their_context(loop: Any, log: Any) -> Any:
    """A done callback sees the context it was added in, or the one it was given"""
    async def main() -> None:
        given = contextvars.copy_context()
        given.run(_WHO.set, "the context given")
        fut = loop.create_future()
        _WHO.set("the adder")
        fut.add_done_callback(lambda f: log(("callback without context sees", _WHO.get())))
        fut.add_done_callback(lambda f: log(("callback with context sees", _WHO.get())),
                              context=given)
        _WHO.set("the one who completes it")
        fut.set_result(None)
        await asyncio.sleep(0)
        done = loop.create_future()
        done.set_result(None)
        done.add_done_callback(lambda f: log(("late callback with context sees", _WHO.get())),
                               context=given)
        await asyncio.sleep(0)
    return main()


@scenario("your {piece} never reported a failed future whose exception nobody retrieved: "
          "set_exception sets self.__log_traceback = True, result() and exception() set "
          "it back to False, and a future garbage-collected with the flag still True "
          "calls the loop's exception handler ('Future exception was never retrieved').",
          tags=_F)
def unretrieved_exception_is_reported(loop: Any, log: Any) -> None:
    """A failed future dropped unread is reported; one whose exception was read is not"""
    # No gc.collect() (it costs a third of a second here): a future is in no reference
    # cycle, so the del frees it at once, and its __del__ runs before the next line.
    read = loop.create_future()
    read.set_exception(ValueError("read"))
    read.exception()
    del read
    log("dropped the future whose exception was read")
    unread = loop.create_future()
    unread.set_exception(ValueError("never read"))
    del unread
    log("dropped the future whose exception was not read")
