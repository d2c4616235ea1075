"""Thread scenarios: waking a sleeping loop from another thread, and executors.

These run on real time (a virtual clock would jump over the wait they check).
A *safety timer* bounds every wait: a loop that is never woken runs it first,
and the log shows it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import socket
import threading
from typing import Any

from . import scenario

_TS = ("ch4.ThreadLoop.call_soon_threadsafe",)
_EX = ("ch4.ThreadLoop.run_in_executor",)
SAFETY = 1.0  # seconds: how long a loop nobody wakes sleeps in these scenarios


def _safety(loop: Any, log: Any, message: str, delay: float = SAFETY) -> Any:
    """A timer that, if nobody woke the loop in time, logs ``message`` and gives up.

    Giving up cancels the scenario's main task, so a result that never comes
    back ends the run (the log shows why) instead of leaving it waiting.
    """
    task = asyncio.current_task()

    def give_up() -> None:
        log(message)
        task.cancel()

    return loop.call_later(delay, give_up)


def _when_selecting(loop: Any) -> threading.Event:
    """An event set once the loop blocks in its selector (a wait longer than 0).

    The thread in the scenario waits for it, so its call really comes while
    the loop sleeps: a call that came earlier would be found without a wake-up.
    """
    entered = threading.Event()
    selector = loop._selector
    select = selector.select

    def watched(timeout: float | None = None) -> Any:
        if timeout is None or timeout > 0:
            entered.set()
        return select(timeout)

    selector.select = watched
    return entered


@scenario("your {piece} did not wake the loop: a callback queued from another thread "
          "waited until a timer ended the select. Queue one Handle (it runs once, in the "
          "loop's thread), then write a byte to the self-pipe (_write_to_self).", clock="real",
          tags=_TS)
def threadsafe_call_wakes_the_loop(loop: Any, log: Any) -> Any:
    """A thread's call_soon_threadsafe wakes a loop asleep in select"""
    selecting = _when_selecting(loop)
    loop_thread = threading.get_ident()

    def callback(value: str) -> None:
        log(("callback runs in the loop's thread", threading.get_ident() == loop_thread))
        done.set_result(value)

    def thread() -> None:
        if selecting.wait(SAFETY):
            loop.call_soon_threadsafe(callback, "from the thread")

    async def main() -> None:
        safety = _safety(loop, log, "safety timer: nobody woke the loop")
        worker = threading.Thread(target=thread)
        worker.start()
        log(("callback ran", await done))
        safety.cancel()
        worker.join()

    done = loop.create_future()
    return main()


@scenario("your {piece} lost or repeated callbacks sent from several threads at once: "
          "each must run exactly once, in the loop's thread.", clock="real", tags=_TS)
def threadsafe_calls_from_many_threads(loop: Any, log: Any) -> Any:
    """Four threads each send 100 callbacks; every one runs once, in the loop thread"""
    loop_thread = threading.get_ident()
    seen: list = []
    wrong_thread: list = []

    def callback(n: int) -> None:
        seen.append(n)
        if threading.get_ident() != loop_thread:
            wrong_thread.append(n)
        if len(seen) == 400:
            done.set_result(None)

    def thread(base: int) -> None:
        for i in range(100):
            loop.call_soon_threadsafe(callback, base + i)

    async def main() -> None:
        safety = _safety(loop, log, "safety timer: callbacks missing", SAFETY * 3)
        threads = [threading.Thread(target=thread, args=(k * 100,)) for k in range(4)]
        for t in threads:
            t.start()
        await done
        safety.cancel()
        for t in threads:
            t.join()
        log(("each ran once", sorted(seen) == list(range(400))))
        log(("ran in another thread", len(wrong_thread)))

    done = loop.create_future()
    return main()


@scenario("your {piece} did not behave like call_soon from the loop's own thread: it "
          "queues behind what call_soon queued before (the ready queue, not "
          "a timer), and returns the Handle, so the caller can cancel it.", clock="real",
          tags=_TS)
def threadsafe_call_is_fifo_with_call_soon(loop: Any, log: Any) -> Any:
    """call_soon and call_soon_threadsafe from the loop thread share one FIFO queue"""
    async def main() -> None:
        loop.call_soon(log, "call_soon 1")
        handle = loop.call_soon_threadsafe(log, "threadsafe")
        loop.call_soon(log, "call_soon 2")
        cancelled = loop.call_soon_threadsafe(log, "cancelled: never runs")
        cancelled.cancel()
        log(("returns a handle", hasattr(handle, "cancel")))
        await asyncio.sleep(0.01)
    return main()


def _where() -> str:
    return "loop thread" if threading.current_thread() is threading.main_thread() \
        else "worker thread"


@scenario("your {piece} did not run the function in a worker thread of the given "
          "executor (the default pool for None), or did not bring "
          "its result (or exception) back as a loop future, waking the loop when it is "
          "done (call_soon_threadsafe; asyncio.wrap_future does it).", clock="real",
          tags=_EX)
def executor_returns_result_and_exception(loop: Any, log: Any) -> Any:
    """run_in_executor runs in a worker thread and returns the result or raises"""
    def work(x: int) -> tuple:
        return (x * 2, _where())

    def fail() -> None:
        raise ValueError("in the thread")

    async def main() -> None:
        # Bounds every wait: a result that never comes back ends in the log, not a hang.
        safety = _safety(loop, log, "safety timer: a result never came back")
        fut = loop.run_in_executor(None, work, 21)
        log(("is a future", asyncio.isfuture(fut)))
        log(("result", await fut))
        try:
            await loop.run_in_executor(None, fail)
        except ValueError as exc:
            log(("raised", str(exc)))
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mine") as pool:
            name = await loop.run_in_executor(pool, lambda: threading.current_thread().name)
            log(("ran in the given executor", name.startswith("mine")))
        safety.cancel()
    return main()


@scenario("your {piece} blocked the loop: while the function runs in its thread, the "
          "loop must go on running timers and callbacks (submit it to the executor; "
          "never call it directly).", clock="real", tags=_EX)
def executor_does_not_block_the_loop(loop: Any, log: Any) -> Any:
    """A job waits for an event that only a loop timer sets"""
    event = threading.Event()

    def job() -> bool:
        return event.wait(SAFETY)

    async def main() -> None:
        loop.call_later(0.01, event.set)
        log(("job saw the timer's event", await loop.run_in_executor(None, job)))
    return main()


@scenario("your {piece} did not wake the loop when the job finished: the result must "
          "cross to the loop thread with call_soon_threadsafe (asyncio.wrap_future "
          "does this), or the loop sleeps on.", clock="real", tags=_EX)
def executor_result_wakes_the_loop(loop: Any, log: Any) -> Any:
    """A finished job wakes a loop that has nothing else to do"""
    selecting = _when_selecting(loop)

    def job() -> str:
        selecting.wait(SAFETY)  # finish only once the loop sleeps: it must be woken
        return "result"

    async def main() -> None:
        safety = _safety(loop, log, "safety timer: the result never woke the loop")
        log(("got", await loop.run_in_executor(None, job)))
        safety.cancel()
    return main()


def _refusal(call: Any) -> tuple:
    """("accepted",) if ``call()`` returns, else the exception's type and text."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the refusal is what we log
        return ("refused", type(exc).__name__, str(exc))
    return ("accepted",)


_WHO = contextvars.ContextVar("toyloop_threadsafe_who", default="nobody")


@scenario("your {piece} ran the callback in the wrong contextvars context: the "
          "context argument goes into the Handle (Handle(callback, args, self, context)); "
          "without one, the Handle copies the caller's context.", tags=_TS)
def threadsafe_call_keeps_its_context(loop: Any, log: Any) -> Any:
    """call_soon_threadsafe runs the callback in the context it was given"""
    async def main() -> None:
        given = contextvars.copy_context()
        given.run(_WHO.set, "the context given")
        _WHO.set("the caller")
        loop.call_soon_threadsafe(lambda: log(("with context, sees", _WHO.get())),
                                  context=given)
        loop.call_soon_threadsafe(lambda: log(("without context, sees", _WHO.get())))
        _WHO.set("changed after the call")
        await asyncio.sleep(0.001)
    return main()


@scenario("your {piece} accepted a call on a closed loop: check first "
          "(self._check_closed() raises RuntimeError('Event loop is closed')), so the "
          "caller learns at once that the callback will never run.", tags=_TS)
def threadsafe_call_on_a_closed_loop(loop: Any, log: Any) -> None:
    """call_soon_threadsafe on a closed loop raises RuntimeError"""
    log(("while open", _refusal(lambda: loop.call_soon_threadsafe(lambda: None).cancel())))
    loop.close()
    log(("once closed", _refusal(lambda: loop.call_soon_threadsafe(print))))


@scenario("your {piece} misbehaved in debug mode (loop.set_debug(True)): it must check "
          "that the callback is callable (self._check_callback(callback, "
          "'call_soon_threadsafe'), TypeError at once), and must not go through "
          "call_soon, whose debug-mode thread check refuses calls from other threads: "
          "make the Handle and append it to self._ready yourself, then _write_to_self().",
          clock="real", tags=_TS)
def threadsafe_call_in_debug_mode(loop: Any, log: Any) -> Any:
    """In debug mode: a non-callable is refused, a thread's call reaches the loop"""
    loop.set_debug(True)
    ours, theirs = socket.socketpair()
    ours.setblocking(False)

    outcome: list = []

    def thread() -> None:
        outcome.append(_refusal(
            lambda: loop.call_soon_threadsafe(log, "the thread's callback ran")))
        theirs.send(b"x")  # wakes main through the reference sock_recv, in any case

    async def main() -> None:
        log(("not callable", _refusal(lambda: loop.call_soon_threadsafe("not a function"))))
        worker = threading.Thread(target=thread)
        worker.start()
        await loop.sock_recv(ours, 10)
        worker.join()  # it has sent its byte: it is finishing
        await asyncio.sleep(0)  # the thread's callback, queued before us, runs first
        log(("the thread's call", outcome[0]))
        ours.close()
        theirs.close()
    return main()
