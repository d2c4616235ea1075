"""Ordering scenarios: the ready queue, the timer heap, one iteration at a time.

They use only ``call_soon``, ``call_later``, ``time``, ``run_forever`` and
``stop``, so they run on chapter 1's Scheduler as well as on asyncio's loop.
"""

from __future__ import annotations

from typing import Any

from . import scenario

_RO = ("ch1.Scheduler._run_once", "ch2.BaseLoop._run_once")
_RO2 = ("ch2.BaseLoop._run_once",)  # scenarios that need Handles (chapter 2 on)


@scenario("your {piece} did not run callbacks in the order call_soon queued them: "
          "the ready queue is first in, first out.", tags=_RO)
def callbacks_run_in_call_soon_order(loop: Any, log: Any) -> None:
    """Three call_soon callbacks run in the order they were queued"""
    for name in "abc":
        loop.call_soon(log, name)
    loop.call_soon(loop.stop)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} ran a callback scheduled during this iteration in the same "
          "iteration; asyncio runs it in the next one (count the ready callbacks first, "
          "then run only that many).", tags=_RO)
def callback_added_during_iteration_waits(loop: Any, log: Any) -> None:
    """A callback scheduled by a running callback waits for the next iteration"""
    def first() -> None:
        log("first")
        loop.call_soon(second)
        loop.stop()  # stop after *this* iteration: second must not have run yet

    def second() -> None:
        log("second")
        loop.stop()

    loop.call_soon(first)
    loop.run_forever()
    log("run_forever returned")
    loop.run_forever()
    log("run_forever returned again")


@scenario("your {piece} ran the timers in the wrong order: the one due first runs first, "
          "whatever order they were set in (the timer heap is ordered by deadline).",
          tags=_RO)
def timers_run_in_deadline_order(loop: Any, log: Any) -> None:
    """Timers set for 0.03, 0.01 and 0.02 s run in deadline order"""
    loop.call_later(0.03, log, "0.03")
    loop.call_later(0.01, log, "0.01")
    loop.call_later(0.02, log, "0.02")
    loop.call_later(0.04, loop.stop)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} ran a timer before it was due. Wait (select with a timeout) "
          "until the first deadline, and move to the ready queue only the timers whose "
          "deadline has passed.", tags=_RO)
def timer_runs_only_when_due(loop: Any, log: Any) -> None:
    """A 0.05 s timer runs after 0.05 s, and after the callbacks already ready"""
    start = loop.time()

    def due() -> None:
        log(("timer ran; waited long enough", loop.time() - start >= 0.045))
        loop.stop()

    loop.call_later(0.05, due)
    loop.call_later(0.5, log, "later timer")  # must not run: the loop stops at 0.05
    loop.call_soon(lambda: log(("ready callback, no time passed", loop.time() - start < 0.01)))
    loop.run_forever()
    log("stopped")


@scenario("your {piece} ran a due timer ahead of callbacks that were already waiting in "
          "the ready queue. Due timers are appended to the ready queue, behind what is "
          "there, and run in the same pass.", tags=_RO)
def due_timers_join_the_back_of_the_queue(loop: Any, log: Any) -> None:
    """A timer falling due runs after the callbacks queued before it"""
    def at_timer() -> None:
        log("timer")
        loop.call_soon(log, "soon, from the timer")
        loop.call_later(0, log, "timer 0, from the timer")
        loop.call_later(0.01, loop.stop)

    loop.call_later(0.01, at_timer)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} never got to the timer: a chain of callbacks that each schedule "
          "the next must not starve a due timer, because each iteration runs only the "
          "callbacks that were ready when it began.", tags=_RO)
def callback_chain_does_not_starve_timers(loop: Any, log: Any) -> None:
    """A callback that reschedules itself forever still lets a due timer run"""
    count = 0

    def again() -> None:
        nonlocal count
        count += 1
        if not timer_ran and count < 1000:  # bounded, so a wrong loop still ends
            loop.call_soon(again)

    timer_ran: list = []

    def timer() -> None:
        timer_ran.append(True)
        log(("timer ran after this many links of the chain", count))
        loop.stop()

    loop.call_later(0, timer)
    loop.call_soon(again)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} waited although stop() had been called: a loop that is stopping "
          "polls (timeout 0), runs what is ready and returns, without waiting for timers.",
          tags=_RO)
def stop_before_run_forever_does_not_wait(loop: Any, log: Any) -> None:
    """stop() then run_forever(): one iteration that does not wait for a timer"""
    loop.call_later(0.5, log, "timer (too early to run)")
    loop.stop()
    loop.run_forever()
    log("run_forever returned")
    loop.call_later(0.6, loop.stop)
    loop.run_forever()
    log("stopped after the timers")


@scenario("your {piece} mishandled an overdue timer: a deadline already in the past "
          "means 'run it now' (timeout 0), never a negative wait.", tags=_RO)
def overdue_timer_runs_at_once(loop: Any, log: Any) -> None:
    """A timer set with a negative delay runs at once, before a 0.01 s one"""
    loop.call_later(0.01, log, "0.01 s timer")
    loop.call_later(-1, log, "overdue timer")
    loop.call_later(0.02, loop.stop)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} ran a cancelled callback or timer: skip a handle whose "
          "cancelled() is true.", tags=_RO2)
def cancelled_handles_are_skipped(loop: Any, log: Any) -> None:
    """Cancelled call_soon callbacks and timers never run"""
    loop.call_soon(log, "kept 1")
    loop.call_soon(log, "cancelled callback").cancel()
    loop.call_later(0.01, log, "cancelled timer").cancel()
    loop.call_later(0.02, log, "kept timer")
    loop.call_soon(log, "kept 2")
    loop.call_later(0.03, loop.stop)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} let a failing callback escape: run each handle with "
          "handle._run(), which reports an exception to the loop's exception handler "
          "and lets the next callbacks run.", tags=_RO2)
def failing_callback_is_reported(loop: Any, log: Any) -> None:
    """A callback that raises is reported; the callbacks after it still run"""
    def boom() -> None:
        raise ZeroDivisionError("boom")

    loop.call_soon(log, "before")
    loop.call_soon(boom)
    loop.call_soon(log, "after")
    loop.call_soon(loop.stop)
    loop.run_forever()
    log("stopped")


@scenario("your {piece} left a due timer for a later iteration: every timer whose "
          "deadline has passed moves to the ready queue in the same iteration.", tags=_RO)
def timers_due_together_run_together(loop: Any, log: Any) -> None:
    """Two timers due at the same moment run in one iteration, before what they schedule"""
    when = loop.time() + 0.01

    def first() -> None:
        log("first timer")
        loop.call_soon(log, "scheduled by the first timer")

    loop.call_at(when, first)
    loop.call_at(when, log, "second timer")
    loop.call_at(when + 0.01, loop.stop)
    loop.run_forever()
    log("stopped")
