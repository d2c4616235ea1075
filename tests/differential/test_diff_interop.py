"""Interop matrix: toyloop's Future and Task on any asyncio loop, asyncio's on toyloop's.

Every combination of

* the loop: asyncio's own or toyloop's ``EventLoop``;
* the outer task (the one that awaits): toyloop's ``Task`` or asyncio's;
* the inner task (the one awaited): toyloop's or asyncio's;
* the future the inner task awaits: toyloop's ``Future`` or asyncio's

runs one scenario -- a result, an exception, a cancelled future, a task
cancelled while it waits (with its message), done callbacks, a task awaited
by two others -- and must record exactly what the all-asyncio combination
records on asyncio's loop, with nothing reported to the exception handler.
This is the future protocol of chapter 5 (``_asyncio_future_blocking``,
``get_loop``, ``add_done_callback``) and the promise that observation lives
outside Future and Task (a toyloop Task on asyncio's loop used to fail with
``AttributeError: ... has no attribute '_hooks'``).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import itertools
from typing import Any

import pytest

import toyloop

LOOPS = {"asyncio": asyncio.new_event_loop, "toyloop": toyloop.EventLoop}
TASKS = {"asyncio": asyncio.Task, "toyloop": toyloop.Task}
FUTURES = {"asyncio": asyncio.Future, "toyloop": toyloop.Future}
COMBINATIONS = list(itertools.product(LOOPS, TASKS, TASKS, FUTURES))


async def _wait(fut: Any) -> Any:
    return await fut


async def _outcome(aw: Any) -> tuple:
    try:
        return ("result", await aw)
    except asyncio.CancelledError as exc:
        return ("cancelled", exc.args)
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))


async def _scenario(task_cls: type, fut_cls: type) -> list:
    """Run inside the outer task: inner tasks of ``task_cls`` await ``fut_cls`` futures."""
    loop = asyncio.get_running_loop()
    log: list = []

    def inner(fut: Any) -> Any:
        return task_cls(_wait(fut), loop=loop)

    # A result, an exception, a cancelled future (its message reaches the awaiter).
    for finish in (lambda f: f.set_result(42), lambda f: f.set_exception(ValueError("boom")),
                   lambda f: f.cancel("future said no")):
        fut = fut_cls(loop=loop)
        fut.add_done_callback(lambda f: log.append(("done callback", f.cancelled())))
        task = inner(fut)
        loop.call_soon(finish, fut)
        log.append(await _outcome(task))
        log.append(("task state", task.done(), task.cancelled()))

    # The inner task is cancelled while it waits: the future is cancelled with it.
    fut = fut_cls(loop=loop)
    task = inner(fut)
    await asyncio.sleep(0)  # it starts and parks on fut
    log.append(("cancel accepted", task.cancel("task said stop")))
    log.append(await _outcome(task))
    log.append(("after cancel", task.cancelled(), fut.cancelled()))

    # One task awaited by two others of the other kind, and by gather.
    fut = fut_cls(loop=loop)
    shared = inner(fut)
    other_cls = asyncio.Task if task_cls is toyloop.Task else toyloop.Task
    watchers = [other_cls(_wait(shared), loop=loop) for _ in range(2)]
    loop.call_later(0.01, fut.set_result, "shared")
    log.append(("gather", await asyncio.gather(*watchers, shared)))

    # The outer task cancels itself through a foreign future it awaits.
    fut = fut_cls(loop=loop)
    me = asyncio.current_task()
    loop.call_soon(me.cancel, "outer stop")
    log.append(await _outcome(_wait(fut)))
    log.append(("uncancel", me.uncancel(), fut.cancelled()))
    return log


def _run(loop_kind: str, outer: str, inner: str, future: str) -> list:
    loop = LOOPS[loop_kind]()
    reports: list = []
    loop.set_exception_handler(lambda _loop, context: reports.append(context["message"]))
    try:
        outer_task = TASKS[outer](_scenario(TASKS[inner], FUTURES[future]), loop=loop)
        log = loop.run_until_complete(outer_task)
        log.append(("outer is", type(outer_task).__module__.split(".")[0]))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
    del outer_task
    gc.collect()  # a future whose exception nobody retrieved would report now
    return log + [("reported", reports)]


@functools.cache
def _reference(outer: str) -> tuple:
    return tuple(_run("asyncio", outer, "asyncio", "asyncio"))


@pytest.mark.parametrize("loop_kind,outer,inner,future", COMBINATIONS,
                         ids=["-".join(c) for c in COMBINATIONS])
def test_futures_and_tasks_interoperate(loop_kind: str, outer: str, inner: str,
                                        future: str) -> None:
    got = _run(loop_kind, outer, inner, future)
    assert got == list(_reference(outer))


def test_the_reference_records_every_outcome() -> None:
    """The scenario must exercise what it claims, or the matrix passes trivially."""
    log = list(_reference("asyncio"))
    assert ("result", 42) in log
    assert ("raised", "ValueError", "boom") in log
    assert ("cancelled", ("future said no",)) in log
    assert ("cancelled", ("task said stop",)) in log
    assert ("after cancel", True, True) in log
    assert ("gather", ["shared", "shared", "shared"]) in log
    assert ("cancelled", ("outer stop",)) in log
    assert log[-1] == ("reported", [])


def test_a_toyloop_task_on_asyncios_loop_reports_nothing() -> None:
    """The issue's failure: toyloop's Task and Future read the loop's hooks."""
    async def main():
        loop = asyncio.get_running_loop()
        fut = toyloop.Future(loop=loop)
        loop.call_soon(fut.set_result, "ok")
        return await toyloop.Task(_wait(fut), loop=loop)

    reports: list = []
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, context: reports.append(context))
    try:
        assert loop.run_until_complete(main()) == "ok"
    finally:
        loop.close()
    assert reports == []
