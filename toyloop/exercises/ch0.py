"""Chapter 0's warm-up, ``double_later(x)``: its checker, importable.

The welcome notebook shows a small version of this checker in a cell, so a
learner can read what a case is.  This module is the full one: several
inputs (a constant answer fails), loop times compared with a tolerance (ten
``asyncio.sleep(0.1)`` add up to 0.9999999999999999 s, which is right), and
the blocking watchdog (``time.sleep(1)`` holds the loop's thread).
"""

from __future__ import annotations

import asyncio
import inspect
import math
from typing import Any

from toyloop.tools.checker import Exercise, run_in_loop

__all__ = ["double_later", "warm_up"]


async def double_later(x):
    """Reference: wait one second of loop time, then return twice x."""
    await asyncio.sleep(1)
    return 2 * x


def case_is_a_coroutine_function(fn: Any) -> None:
    """double_later is a coroutine function (async def)"""
    assert inspect.iscoroutinefunction(fn), (
        "double_later should be defined with `async def`, so that calling it gives a "
        "coroutine the loop can run; it is a plain function (`def`)")


def case_returns_twice_x(fn: Any) -> None:
    """double_later(x) returns 2 * x for several x"""
    for x, expected in ((21, 42), (5, 10), (-3, -6), (0, 0), (2.5, 5.0)):
        got = run_in_loop(fn(x))
        assert got == expected, (
            f"double_later({x!r}) returned {got!r}; it should return {expected!r}, twice "
            "its argument" + (": return `2 * x`, not a constant" if got == 42 else ""))


def case_waits_one_second(fn: Any) -> None:
    """double_later(21) waits one second of loop time"""
    async def timed():
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0.25)  # start at t=0.25: the delay counts from now
        start = loop.time()
        await fn(21)
        return loop.time() - start

    took = run_in_loop(timed)
    if math.isclose(took, 0.0, abs_tol=1e-9):
        raise AssertionError(
            "it returned at once (0 s of loop time): `await asyncio.sleep(1)` before "
            "returning")
    assert math.isclose(took, 1.0, rel_tol=1e-6), (
        f"it returned after {took:.1f} s of loop time, not 1.0 s: `await "
        "asyncio.sleep(1)`, once")


def case_others_run_meanwhile(fn: Any) -> None:
    """while double_later waits, other tasks run"""
    async def main():
        loop = asyncio.get_running_loop()
        ticks: list[float] = []

        async def ticker():
            for _ in range(3):
                await asyncio.sleep(0.25)
                ticks.append(loop.time())

        other = loop.create_task(ticker())
        await fn(1)
        await other
        return ticks

    ticks = run_in_loop(main)
    assert len(ticks) == 3 and math.isclose(ticks[-1], 0.75), (
        f"a task ticking every 0.25 s ticked at {ticks} while double_later waited; "
        "it should tick at 0.25, 0.5 and 0.75")


def case_can_be_cancelled(fn: Any) -> None:
    """cancelling double_later while it waits stops it"""
    async def main():
        loop = asyncio.get_running_loop()
        task = loop.create_task(fn(21))
        await asyncio.sleep(0.5)
        task.cancel()
        await asyncio.sleep(1)
        return task

    task = run_in_loop(main)
    assert task.cancelled(), (
        "double_later was cancelled while it waited, yet it "
        + (f"went on and returned {task.result()!r}" if task.done() and not
           task.exception() else "did not end cancelled")
        + ": your code swallowed the CancelledError. Let it propagate: do not wrap the "
        "await in `except BaseException:` or a bare `except:`")


warm_up = Exercise(
    "warm-up: double_later",
    cases=[case_is_a_coroutine_function, case_returns_twice_x, case_waits_one_second,
           case_others_run_meanwhile, case_can_be_cancelled],
    hint=["Waiting must not block the loop: which asyncio function waits a number of "
          "seconds, and what must you write in front of it?",
          "Wait first, then compute: the value comes back after the wait."],
    solution=double_later,
)
