"""Task scenarios: stepping a coroutine, parking it on a future, waking it, cancelling it."""

from __future__ import annotations

import asyncio
import types
from typing import Any

from . import scenario

_T = ("ch2.Task.__step",)


@scenario("your {piece} did not give the other tasks a turn at a bare yield "
          "(asyncio.sleep(0)): the step must be scheduled again with call_soon, behind "
          "what is already ready.", tags=_T + ("ch2.BaseLoop._run_once",))
def tasks_take_turns_at_sleep0(loop: Any, log: Any) -> Any:
    """Two tasks that sleep(0) between steps alternate"""
    async def worker(name: str) -> None:
        for i in range(3):
            log(f"{name}{i}")
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(worker("a"), worker("b"))
    return main()


@scenario("your {piece} did not park the task on the future it awaits and resume it with "
          "the future's result when it is done (add __wakeup as the future's done "
          "callback).", tags=_T)
def task_parks_on_future_and_wakes(loop: Any, log: Any) -> Any:
    """A task awaiting a future wakes when a timer sets its result, and gets the value"""
    async def waiter(fut: Any) -> str:
        log("waiting")
        value = await fut
        log(("woke with", value))
        return value.upper()

    async def main() -> Any:
        fut = loop.create_future()
        task = loop.create_task(waiter(fut))
        loop.call_later(0.01, fut.set_result, "hello")
        await asyncio.sleep(0.001)
        log(("task done while parked", task.done()))
        return await task
    return main()


@scenario("your {piece} did not throw the awaited future's exception into the coroutine "
          "(coro.throw(exc)); the coroutine's except clause must see it.", tags=_T)
def exception_is_thrown_into_coroutine(loop: Any, log: Any) -> Any:
    """A failed future raises inside the awaiting coroutine, which may catch it"""
    async def main() -> str:
        fut = loop.create_future()
        loop.call_soon(fut.set_exception, ValueError("from the future"))
        try:
            await fut
        except ValueError as exc:
            log(("caught", str(exc)))
        fut2 = loop.create_future()
        loop.call_soon(fut2.set_exception, KeyError("unhandled"))
        await fut2
        return "not reached"
    return main()


@scenario("your {piece} did not finish the task with the coroutine's outcome: "
          "StopIteration's value becomes the result, any other exception the task's "
          "exception, through super().set_result / super().set_exception (a Task's own "
          "set_result and set_exception refuse with RuntimeError: only the coroutine may "
          "finish a task).", tags=_T)
def task_result_and_exception(loop: Any, log: Any) -> Any:
    """A task's result is its coroutine's return value; an exception fails the task"""
    async def returns() -> int:
        await asyncio.sleep(0.001)
        return 42

    async def fails() -> None:
        await asyncio.sleep(0.001)
        raise RuntimeError("task failed")

    async def main() -> None:
        ok = loop.create_task(returns())
        bad = loop.create_task(fails())
        await asyncio.sleep(0.01)
        log(("ok done", ok.done(), ok.result()))
        log(("bad done", bad.done(), type(bad.exception()).__name__))
    return main()


@scenario("your {piece} did not cancel a waiting task properly: cancel() cancels the "
          "future the task waits on, which __step must keep in self._fut_waiter when it "
          "parks; that future's wake-up throws CancelledError into the coroutine, and if "
          "the coroutine lets it out, the task ends cancelled (super().cancel()).", tags=_T)
def cancel_a_waiting_task(loop: Any, log: Any) -> Any:
    """Cancelling a task parked on a future throws CancelledError at its await"""
    async def sleeper(fut: Any) -> None:
        try:
            await fut
        except asyncio.CancelledError:
            log("sleeper saw CancelledError")
            raise

    async def main() -> None:
        fut = loop.create_future()
        task = loop.create_task(sleeper(fut))
        await asyncio.sleep(0)
        task.cancel()
        log(("future cancelled", fut.cancelled()))
        try:
            await task
        except asyncio.CancelledError:
            log("awaiting the task raised CancelledError")
        log(("task cancelled", task.cancelled()))
    return main()


@scenario("your {piece} lost a cancel() that came while the task awaited no future "
          "(before its first step, or during a bare yield): cancel() then only sets "
          "self._must_cancel, and the next __step must turn it into a CancelledError "
          "thrown into the coroutine (and clear the flag).", tags=_T)
def cancel_before_first_step(loop: Any, log: Any) -> Any:
    """A task cancelled before its first step, or at a sleep(0), ends cancelled"""
    async def body(name: str) -> None:
        try:
            log((name, "started"))
            await asyncio.sleep(0)
            log((name, "went on after the cancel"))
        except asyncio.CancelledError:
            log((name, "saw CancelledError"))
            raise

    async def main() -> None:
        early = loop.create_task(body("early"))
        early.cancel()  # before its first step: the coroutine never starts
        await asyncio.sleep(0)
        log(("early cancelled", early.cancelled()))
        mid = loop.create_task(body("mid"))
        await asyncio.sleep(0)  # mid ran to its sleep(0): a bare yield, no future
        mid.cancel()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        log(("mid cancelled", mid.cancelled()))
    return main()


@types.coroutine
def _bad_yield(value: Any) -> Any:
    yield value


@scenario("your {piece} did not reject a bad yield: when the coroutine yields something "
          "that is not a future (or None), asyncio throws RuntimeError('Task got bad "
          "yield: ...') into it.", tags=_T)
def bad_yield_is_refused(loop: Any, log: Any) -> Any:
    """A coroutine that yields 42 gets a RuntimeError thrown back in"""
    async def main() -> None:
        try:
            await _bad_yield(42)
        except RuntimeError as exc:
            log(("RuntimeError", str(exc)))
        log("still running")
    return main()


@scenario("your {piece} did not make the task current while its coroutine runs: "
          "asyncio.current_task() must answer the task (asyncio's _enter_task and "
          "_leave_task around the send).", tags=_T)
def current_task_inside_step(loop: Any, log: Any) -> Any:
    """asyncio.current_task() inside a task's coroutine is that task"""
    async def child() -> Any:
        await asyncio.sleep(0)
        return asyncio.current_task()

    async def main() -> None:
        task = loop.create_task(child())
        log(("current_task is the task", (await task) is task))
        log(("outside any task step", asyncio.current_task(loop) is asyncio.current_task()))
    return main()


@scenario("your {piece} did not honour a cancel() that came while the task itself was "
          "running: cancel() then only sets self._must_cancel. If the coroutine goes on "
          "to await a future, __step cancels that future as it parks on it (so "
          "CancelledError comes at the await); if the coroutine returns, the task ends "
          "cancelled (super().cancel()), not with the result.", tags=_T)
def cancel_from_inside_the_task(loop: Any, log: Any) -> Any:
    """A task that cancels itself is cancelled at its next await, or when it returns"""
    async def parks() -> None:
        asyncio.current_task().cancel()
        fut = loop.create_future()
        try:
            await fut
        except asyncio.CancelledError:
            log(("CancelledError at the await; the future cancelled", fut.cancelled()))
            raise

    async def returns() -> str:
        log(("cancel() during the last step says", asyncio.current_task().cancel()))
        return "a result"

    async def main() -> None:
        for coro in (parks(), returns()):
            task = loop.create_task(coro)
            try:
                log(("result", await task))
            except asyncio.CancelledError:
                log(("task cancelled", task.cancelled()))
    return main()


@scenario("your {piece} lost the message given to cancel(msg): when the CancelledError "
          "comes out of the coroutine, keep it (self._cancelled_exc = the exception) "
          "before super().cancel(), so that awaiting the task raises it, message and all.",
          tags=_T)
def cancel_message_reaches_the_awaiter(loop: Any, log: Any) -> Any:
    """task.cancel("shutting down"): the awaiter's CancelledError carries the message"""
    async def main() -> None:
        task = loop.create_task(asyncio.sleep(10))
        await asyncio.sleep(0)
        task.cancel("shutting down")
        try:
            await task
        except asyncio.CancelledError as exc:
            log(("awaiting the task raised CancelledError with", exc.args))
    return main()

