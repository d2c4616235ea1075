"""Random programs give the same event order on asyncio and toyloop (issue 2, hypothesis).

A program is a few task bodies, each a list of operations: ``sleep(0)``, a
short sleep, ``call_soon``, ``call_later``, awaiting a future a timer resolves,
spawning a task, awaiting an earlier task, cancelling a task, raising.  The same
program runs on asyncio's loop with a virtual clock (``VirtualAsyncioLoop``:
asyncio's ``_run_once``, only ``time()`` and the wait replaced) and on toyloop
with ``VirtualClock``, with toyloop's helpers and with asyncio's.

Delays come from a small set of odd milliseconds, so that timers rarely fall
due at the same instant; when two live timers do tie, asyncio's order is
undefined (its heap compares deadlines only), and the example is discarded.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest import mock

import differential.harness as harness
import hypothesis.strategies as st
from differential.harness import (
    TOYLOOP_VARIANTS,
    VIRTUAL_REFERENCE,
    Env,
    VirtualAsyncioLoop,
    run_variant,
)
from hypothesis import HealthCheck, assume, given, settings

DELAYS = (0.003, 0.005, 0.007, 0.011, 0.013)
MAX_TASKS = 10
MAX_EXAMPLES = 200
KINDS = {"sleep0", "sleep", "soon", "later", "future", "spawn", "await", "cancel", "raise"}

op = st.one_of(
    st.just(("sleep0",)),
    st.tuples(st.just("sleep"), st.sampled_from(DELAYS)),
    st.tuples(st.just("soon"), st.integers(0, 9)),
    st.tuples(st.just("later"), st.sampled_from(DELAYS), st.integers(0, 9)),
    st.tuples(st.just("future"), st.sampled_from(DELAYS)),
    st.tuples(st.just("spawn"), st.integers(0, 3)),
    st.tuples(st.just("await"), st.integers(0, 9)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.just(("raise",)),
)
programs = st.tuples(
    st.lists(st.lists(op, min_size=2, max_size=8), min_size=2, max_size=4),  # task bodies
    st.integers(1, 3),  # tasks started by main
)


class _Recorder(VirtualAsyncioLoop):
    """Remembers the deadline of every timer that fired, to spot ties."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: list[float] = []

    def call_at(self, when, callback, *args, context=None):
        return super().call_at(when, self._fire, when, callback, args, context=context)

    def _fire(self, when: float, callback: Any, args: tuple) -> None:
        self.fired.append(when)
        callback(*args)


def make_scenario(bodies: list, n_start: int, seen_loops: list):
    def scenario(env: Env):
        loop, h = env.loop, env.h
        seen_loops.append(loop)
        tasks: list[asyncio.Future] = []

        def spawn(body: int) -> None:
            if len(tasks) >= MAX_TASKS:
                env.log("spawn refused")
                return
            index = len(tasks)
            tasks.append(loop.create_task(run_body(index, bodies[body % len(bodies)])))

        async def run_body(me: int, ops: list) -> str:
            try:
                for n, operation in enumerate(ops):
                    kind = operation[0]
                    env.log(me, n, kind)
                    if kind == "sleep0":
                        await h.sleep(0)
                    elif kind == "sleep":
                        await h.sleep(operation[1])
                    elif kind == "soon":
                        loop.call_soon(env.recorder("soon"), me, operation[1])
                    elif kind == "later":
                        loop.call_later(operation[1], env.recorder("later"), me, operation[2])
                    elif kind == "future":
                        fut = loop.create_future()
                        loop.call_later(operation[1], _resolve, fut, me)
                        env.log(me, "future gave", await fut)
                    elif kind == "spawn":
                        spawn(operation[1])
                    elif kind == "await":
                        if me > 0:  # only earlier tasks: no cycles
                            target = operation[1] % me
                            env.log(me, "awaited", target, await tasks[target])
                    elif kind == "cancel":
                        target = operation[1] % len(tasks)
                        env.log(me, "cancel", target, tasks[target].cancel())
                    elif kind == "raise":
                        raise ValueError(me)
            except asyncio.CancelledError:
                env.log(me, "cancelled")
                raise
            except ValueError as exc:
                env.log(me, "raised", exc.args)
                raise
            env.log(me, "done")
            return f"task{me}"

        async def main() -> None:
            for body in range(n_start):
                spawn(body)
            finished = 0
            while finished < len(tasks):  # tasks may spawn more while we wait
                batch = tasks[finished:]
                results = await h.gather(*batch, return_exceptions=True)
                env.log("gathered", [r if isinstance(r, str) else type(r).__name__
                                     for r in results])
                finished += len(batch)

        return main()

    return scenario


def _resolve(fut: asyncio.Future, value: Any) -> None:
    if not fut.done():
        fut.set_result(value)


def _timer_tie(loop: _Recorder) -> bool:
    return len(loop.fired) != len(set(loop.fired))


def _reference(bodies: list, n_start: int) -> list:
    seen: list = []
    # make_loop builds harness.VirtualAsyncioLoop: have it build the recording subclass
    with mock.patch.object(harness, "VirtualAsyncioLoop", _Recorder):
        events = run_variant(make_scenario(bodies, n_start, seen), VIRTUAL_REFERENCE)
    assume(not _timer_tie(seen[0]))
    return events


VIRTUAL_TOYLOOP = [v for v in TOYLOOP_VARIANTS if v.clock == "virtual"]


def test_random_programs_same_order() -> None:
    compared: list[list] = []  # asyncio's event log of every program compared

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(programs)
    def check(program) -> None:
        bodies, n_start = program
        expected = _reference(bodies, n_start)
        for variant in VIRTUAL_TOYLOOP:
            got = run_variant(make_scenario(bodies, n_start, []), variant)
            assert got == expected, f"{variant}: program {program!r}"
        compared.append(expected)

    check()
    # Programs with tied timers are discarded (assume); max_examples counts only the
    # others, so a filter that discarded nearly everything would end the run early.
    assert len(compared) >= MAX_EXAMPLES
    # Each operation ran (the log records ``(task, step, kind)`` before each one), and
    # some tasks really were awaited by another and cancelled: the runs compared more
    # than sleeps.
    ran = {e[2] for events in compared for e in events
           if isinstance(e, tuple) and len(e) == 3
           and isinstance(e[0], int) and isinstance(e[1], int)}
    assert ran == KINDS
    outcomes = {e[1] for events in compared for e in events
                if isinstance(e, tuple) and isinstance(e[0], int)}
    assert {"awaited", "cancelled", "raised", "done"} <= outcomes
