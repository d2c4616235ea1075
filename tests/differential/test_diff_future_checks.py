"""Future and Task check their arguments as asyncio's C implementation does (issue 12).

The error types and words are rows of tests/differential/misuse_table.py; these
tests pin what the table cannot see: the future's state after a refused call,
``get_stack``/``print_stack`` output, and no noise from a half-built future.
"""

from __future__ import annotations

import io
import sys

import pytest
from differential.harness import REFERENCE, TOYLOOP_VARIANTS, Env, closing_loop, run_on_both


def test_set_exception_refuses_a_non_exception_and_stays_pending() -> None:
    def scenario(env: Env) -> None:
        fut = env.loop.create_future()
        for bad in ("not an exception", None, int):
            try:
                fut.set_exception(bad)
            except TypeError as exc:
                env.log("refused", str(exc), fut.done())
        fut.set_exception(ValueError("real"))
        env.log("then", type(fut.exception()).__name__)

    assert run_on_both(scenario) == [("refused", "invalid exception object", False)] * 3 + [
        ("then", "ValueError")]


async def _inner() -> None:
    raise KeyError("inner")


async def _outer(env: Env, fut) -> None:
    await fut
    await _inner()


def _stack_names(env: Env, task, limit=None) -> list[str]:
    # A failed task's stack is its exception's traceback.  toyloop's Task is Python,
    # so that traceback starts in Task.__step (asyncio's _PyTask shows its own step
    # frame too; the C Task has none): leave that frame out, keep the coroutine's.
    frames = task.get_stack(limit=None if limit is None else limit + 1)
    names = [frame.f_code.co_name for frame in frames if frame.f_code.co_name != "__step"]
    return names if limit is None else names[:limit]


def test_get_stack_and_print_stack_match_asyncio() -> None:
    def scenario(env: Env) -> None:
        loop = env.loop
        fut = loop.create_future()
        task = loop.create_task(_outer(env, fut))
        loop.run_until_complete(env.h.sleep(0))
        env.log("pending", _stack_names(env, task), _stack_names(env, task, 0))
        out = io.StringIO()
        task.print_stack(file=out)
        env.log("printed", out.getvalue().splitlines()[0].split(" for ")[0])
        fut.set_result(None)
        loop.run_until_complete(env.h.gather(task, return_exceptions=True))
        env.log("failed", _stack_names(env, task), _stack_names(env, task, 1))

    events = run_on_both(scenario)
    assert events[0] == ("pending", ["_outer"], [])
    assert events[2][0] == "failed" and events[2][1][-1] == "_inner"


@pytest.mark.parametrize("variant", [REFERENCE, TOYLOOP_VARIANTS[0]], ids=str)
def test_half_built_future_is_dropped_quietly(variant) -> None:
    unraisable = []
    old_hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with closing_loop(variant) as loop:
            with pytest.raises(TypeError):
                type(loop.create_future())(loop)  # loop passed positionally
    finally:
        sys.unraisablehook = old_hook
    assert unraisable == []


async def _noop() -> None:
    pass


@pytest.mark.parametrize("variant", [REFERENCE, TOYLOOP_VARIANTS[0]], ids=str)
def test_debug_source_traceback_ends_at_the_caller(variant) -> None:
    # Debug mode records where a handle or task was made; asyncio trims its own
    # frames so the last one is the caller's ("created at" in reprs and reports).
    # toyloop's call_later, call_soon_threadsafe and create_task left theirs in.
    with closing_loop(variant) as loop:
        loop.set_debug(True)
        made = {
            "call_soon": loop.call_soon(print),
            "call_later": loop.call_later(1, print),
            "call_at": loop.call_at(1, print),
            "call_soon_threadsafe": loop.call_soon_threadsafe(print),
            "create_task": loop.create_task(_noop()),
        }
        last = {name: obj._source_traceback[-1].name for name, obj in made.items()}
        loop.run_until_complete(made["create_task"])
    assert last == dict.fromkeys(made, "test_debug_source_traceback_ends_at_the_caller")
