"""Callbacks that change the loop and then fail: a differential fuzzer (issue 12, hypothesis).

A generated program is a handful of *actors*: a ``call_soon`` callback, a timer,
a reader or a writer on a real socketpair.  Every time an actor runs, it follows
the next step of its script: cancel itself or another actor (cancel the handle,
or ``remove_reader``/``remove_writer``), start one again (reschedule, re-add),
stop the loop, spawn a task (which may fail or raise KeyboardInterrupt), cancel
a task; then it may raise: an ordinary exception, ``CancelledError``, an
exception whose ``__str__`` or ``__repr__`` raises, ``KeyboardInterrupt`` or
``SystemExit``.

The same program runs on asyncio's own ``_run_once`` (``VirtualAsyncioLoop``:
only its clock is virtual) and on toyloop with ``VirtualClock``; the two logs
must be equal:

* which actor ran, in which order, and what ``remove_reader``/``remove_writer``
  and ``Task.cancel`` returned;
* every exception-handler call: message (the full "Exception in callback ..."
  text), context keys, exception type, and the ``repr`` of the handle;
* every KeyboardInterrupt/SystemExit that left ``run_forever`` (the driver then
  runs the loop again: it must still work);
* what is still registered when the program ends (readers, writers, timers,
  ready callbacks, pending tasks), then, after the driver cleans up: nothing at
  all, a loop that still runs a coroutine, and no file descriptor left open.

Left out on purpose, and only this (README, "Known differences"):

* two timers due at the same instant -- toyloop runs them in the order they were
  set, asyncio leaves it to ``heapq``: a new timer's delay is nudged until its
  deadline differs from every live timer's;
* non-callable callbacks -- toyloop rejects them always, asyncio only in debug
  mode: actors only ever schedule real functions.

The driver keeps the tasks a program spawns and logs their outcomes at the end, so no
report waits for the garbage collector (``test_diff_errors.py`` covers those reports).

Examples: ``FUZZ_EXAMPLES`` (300) in ``make test``; set ``TOYLOOP_FUZZ_EXAMPLES`` for more,
and ``TOYLOOP_FUZZ_SEED`` for other programs than the default derandomized ones.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import re
import socket
import sys
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
import pytest
from differential.harness import VirtualAsyncioLoop, young_gc
from hypothesis import HealthCheck, given, seed, settings

import toyloop

FUZZ_EXAMPLES = int(os.environ.get("TOYLOOP_FUZZ_EXAMPLES", "300"))
# The same programs every run (derandomized) unless a seed asks for other ones.
FUZZ_SEED = os.environ.get("TOYLOOP_FUZZ_SEED")
MAX_ACTORS = 6
PAIRS = 2  # socketpairs shared by the readers and writers (two may share an fd)
STEP = 1 / 1024  # dyadic delays: virtual times add up exactly on both loops
DELAYS = (STEP, 2 * STEP, 3 * STEP, 5 * STEP)
END = 1024.0  # the driver's own timer: fires once everything else is idle
MAX_FIRES = 60  # after this many runs, actors only wind down
MAX_ROUNDS = 30  # run_forever calls (stop() and escaping exceptions end one)

RAISES = ("ValueError", "OSError", "CancelledError", "BadStr", "BadRepr",
          "KeyboardInterrupt", "SystemExit")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# Debug-mode reprs say where a handle was created.  For a reader or writer that is
# the loop's own add_reader: asyncio's selector_events.py on one side, toyloop's
# ch3_selectors.py on the other -- the same frame, in each loop's own file.
_LOOP_FILE = re.compile(r"created at \S*/(asyncio|toyloop)/\w+\.py:\d+")


def _normalise_repr(text: str) -> str:
    return _LOOP_FILE.sub("created at <the loop's add_reader/add_writer>",
                          _ADDRESS.sub("0x?", text))


class BadStrError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("__str__ of the exception failed")


class BadReprError(Exception):
    def __repr__(self) -> str:
        raise RuntimeError("__repr__ of the exception failed")


def make_exception(kind: str, actor: int) -> BaseException:
    return {"ValueError": ValueError, "OSError": OSError,
            "CancelledError": asyncio.CancelledError, "BadStr": BadStrError,
            "BadRepr": BadReprError, "KeyboardInterrupt": KeyboardInterrupt,
            "SystemExit": SystemExit}[kind](actor)


# -- Programs ------------------------------------------------------------------

action = st.one_of(
    st.tuples(st.just("cancel"), st.integers(0, MAX_ACTORS - 1)),  # itself, or another
    st.tuples(st.just("start"), st.integers(0, MAX_ACTORS - 1)),
    st.just(("stop",)),
    st.tuples(st.just("spawn"), st.sampled_from(("ok", "ValueError", "KeyboardInterrupt"))),
    st.tuples(st.just("cancel_task"), st.integers(0, 7)),
    st.just(("report",)),  # loop.call_exception_handler({"message": ...}) by hand
)
step = st.tuples(st.lists(action, max_size=3), st.none() | st.sampled_from(RAISES))


@dataclass(frozen=True)
class Actor:
    kind: str  # "soon", "timer", "reader" or "writer"
    pair: int  # which socketpair (readers and writers)
    delay: float  # timers: the delay asked for (nudged to avoid ties)
    script: tuple  # one (actions, raise-or-None) step per run


actors = st.builds(Actor, st.sampled_from(("soon", "timer", "reader", "writer")),
                   st.integers(0, PAIRS - 1), st.sampled_from(DELAYS),
                   st.lists(step, min_size=1, max_size=3).map(tuple))
programs = st.tuples(st.lists(actors, min_size=1, max_size=MAX_ACTORS),
                     st.lists(st.integers(0, MAX_ACTORS - 1), min_size=1, max_size=4),
                     st.booleans(),  # debug mode: source tracebacks, "created at" in reprs
                     st.booleans())  # asyncio's default handler (logging) instead of ours


# -- Running one program on one loop -------------------------------------------


class Program:
    """Runs a program on ``loop``, logging everything the two loops must agree on."""

    def __init__(self, loop: Any, actors: list[Actor]) -> None:
        self.loop, self.actors = loop, actors
        self.events: list[Any] = []
        self.runs = [0] * len(actors)
        self.fires = 0
        self.seq = 0
        self.handles: dict[int, Any] = {}  # actor -> its latest Handle (soon, timer)
        self.timers: dict[int, Any] = {}  # seq -> TimerHandle, until it runs
        self.registered: dict[tuple[int, str], int] = {}  # (pair, kind) -> actor
        self.tasks: list[asyncio.Task] = []
        self.pairs = [socket.socketpair() for _ in range(PAIRS)]
        for a, b in self.pairs:
            a.setblocking(False)
            b.send(b"x")  # never read: every reader stays readable

    def log(self, *event: Any) -> None:
        self.events.append(event)

    def handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc, handle = context.get("exception"), context.get("handle")
        self.log("handler", context.get("message"), tuple(sorted(context)),
                 type(exc).__name__ if exc is not None else None,
                 _normalise_repr(repr(handle)) if handle is not None else None)

    def fd(self, actor: int) -> int:
        return self.pairs[self.actors[actor].pair][0].fileno()

    # -- what an actor can do --------------------------------------------------

    def start(self, j: int) -> None:
        actor, loop = self.actors[j], self.loop
        self.seq += 1
        if actor.kind == "soon":
            self.handles[j] = loop.call_soon(self.fire, j, self.seq)
        elif actor.kind == "timer":
            when = loop.time() + actor.delay
            taken = {END} | {h.when() for h in self.timers.values() if not h.cancelled()}
            while when in taken:  # no two live timers due together (known difference)
                when += STEP
            self.handles[j] = self.timers[self.seq] = loop.call_at(when, self.fire, j, self.seq)
        elif actor.kind == "reader":
            loop.add_reader(self.fd(j), self.fire, j, self.seq)
            self.registered[(actor.pair, "r")] = j
        else:
            loop.add_writer(self.fd(j), self.fire, j, self.seq)
            self.registered[(actor.pair, "w")] = j

    def cancel(self, j: int) -> None:
        actor = self.actors[j]
        if actor.kind in ("soon", "timer"):
            handle = self.handles.get(j)
            if handle is not None:
                handle.cancel()
        elif actor.kind == "reader":
            self.log("remove_reader", j, self.loop.remove_reader(self.fd(j)))
            self.registered.pop((actor.pair, "r"), None)
        else:
            self.log("remove_writer", j, self.loop.remove_writer(self.fd(j)))
            self.registered.pop((actor.pair, "w"), None)

    def do(self, j: int, op: tuple) -> None:
        kind = op[0]
        if kind == "cancel":
            self.cancel(op[1] % len(self.actors))
        elif kind == "start":
            self.start(op[1] % len(self.actors))
        elif kind == "stop":
            self.loop.stop()
        elif kind == "spawn":
            self.tasks.append(self.loop.create_task(self.task_body(len(self.tasks), op[1])))
        elif kind == "cancel_task" and self.tasks:
            i = op[1] % len(self.tasks)
            self.log("cancel_task", i, self.tasks[i].cancel())
        elif kind == "report":
            self.loop.call_exception_handler({"message": f"reported by actor {j}"})

    async def task_body(self, i: int, mode: str) -> str:
        self.log("task", i, "started")
        await asyncio.sleep(0)
        self.log("task", i, "resumed")
        if mode != "ok":
            raise make_exception(mode, -i)
        return "ok"

    def fire(self, j: int, seq: int) -> None:
        """Every actor's callback: run the next step of its script."""
        self.timers.pop(seq, None)
        n = self.runs[j]
        self.runs[j] += 1
        self.fires += 1
        self.log("run", j, n)
        actor = self.actors[j]
        if n >= len(actor.script) or self.fires > MAX_FIRES:
            if actor.kind in ("reader", "writer"):
                self.cancel(j)  # wind down, or the loop never goes idle
            return
        ops, raise_kind = actor.script[n]
        for op in ops:
            self.do(j, op)
        if raise_kind is not None:
            raise make_exception(raise_kind, j)

    # -- the driver ------------------------------------------------------------

    def run(self, starts: list[int]) -> None:
        loop, ended = self.loop, []

        def end() -> None:
            ended.append(True)
            loop.stop()

        loop.call_at(END, end)
        for j in starts:
            self.start(j % len(self.actors))
        for _ in range(MAX_ROUNDS):
            try:
                loop.run_forever()
                self.log("returned")
            except (KeyboardInterrupt, SystemExit) as exc:
                self.log("escaped", type(exc).__name__)
            if ended:
                break
        else:
            self.log("never ended")

    def state(self) -> dict[str, list]:
        """What is still registered on the loop, in the program's own terms."""
        loop = self.loop
        fds = {a.fileno(): i for i, (a, _) in enumerate(self.pairs)}
        io = []
        for key in loop._selector.get_map().values():
            if key.fd not in fds:
                continue  # the loop's self-pipe
            for kind, handle in zip("rw", key.data, strict=True):
                if handle is not None and not handle.cancelled():
                    io.append((fds[key.fd], kind, handle._args[0]))
        scheduled = [e[2] if isinstance(e, tuple) else e for e in loop._scheduled]
        return {
            "io": sorted(io),
            "timers": sorted(h._args[:1] for h in scheduled if not h.cancelled()),
            "ready": [getattr(h, "_args", ())[:1] for h in loop._ready if not h.cancelled()],
            "tasks": sorted(self.tasks.index(t) for t in asyncio.all_tasks(loop)
                            if not t.done() and t in self.tasks),
        }

    def clean_up(self) -> None:
        """Remove what the program left, check the loop still works and holds nothing."""
        loop = self.loop
        for (pair, kind) in list(self.registered):
            self.cancel(self.registered[(pair, kind)])
        for handle in self.handles.values():
            handle.cancel()
        for task in self.tasks:
            task.cancel()
        try:
            self.log("usable", loop.run_until_complete(asyncio.sleep(STEP, "yes")))
        except (KeyboardInterrupt, SystemExit) as exc:  # a task that was still pending
            self.log("escaped", type(exc).__name__)
            self.log("usable", loop.run_until_complete(asyncio.sleep(STEP, "yes")))
        self.log("after clean-up", self.state())
        for i, task in enumerate(self.tasks):
            outcome = ("pending" if not task.done() else "cancelled" if task.cancelled()
                       else type(task.exception()).__name__)
            self.log("task outcome", i, outcome)

    def close(self) -> None:
        for a, b in self.pairs:
            a.close()
            b.close()


class _LogRecorder(logging.Handler):
    """The default exception handler's output, in the program's log."""

    def __init__(self, prog: Program) -> None:
        super().__init__(logging.ERROR)  # debug mode's "Executing ... took" warnings vary
        self.prog = prog

    def emit(self, record: logging.LogRecord) -> None:
        # Top lines only ("message", "handle: <...>", "source_traceback: Object created
        # at..."): the indented stack lines below them show each loop's own frames.
        lines = [_normalise_repr(line) for line in record.getMessage().splitlines()
                 if not line.startswith(" ")]
        formatted = logging.Formatter().format(record)  # the traceback, as a log file gets it
        self.prog.log("logged", record.levelname, lines,
                      record.exc_info[0].__name__ if record.exc_info else None,
                      formatted.splitlines()[-1] if record.exc_info else None)


def run_program(loop: Any, program: tuple) -> list:
    """Run ``program`` on ``loop``, then close it; its log, with any unraisable errors."""
    unraisable: list = []
    old_hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        events = _run_program(loop, program)
    finally:
        sys.unraisablehook = old_hook
    # "Exception ignored in ...": a __del__ or a callback that failed with nobody to
    # report to.  asyncio's and toyloop's must be the same (normally: none at all).
    events += [("unraisable", type(u.exc_value).__name__, u.err_msg,
                type(u.object).__name__) for u in unraisable]
    return events


def _run_program(loop: Any, program: tuple) -> list:
    actor_list, starts, debug, default_handler = program
    loop.set_debug(debug)
    prog = Program(loop, actor_list)
    recorder, logger = _LogRecorder(prog), logging.getLogger("asyncio")
    propagate = logger.propagate
    if default_handler:
        logger.addHandler(recorder)
        # Not to the root logger as well: pytest's capture would keep every record, its
        # traceback and so every program's loop alive until the test ends.
        logger.propagate = False
    else:
        loop.set_exception_handler(prog.handler)
    try:
        prog.run(starts)
        prog.log("at the end", prog.state())
        prog.clean_up()
    finally:
        logger.removeHandler(recorder)
        logger.propagate = propagate
        loop.close()
        prog.close()
    events = prog.events
    del prog
    gc.collect()
    return events


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def check_program(program: tuple) -> list:
    """Run ``program`` on asyncio and on toyloop; the logs must match. Returns asyncio's."""
    fds_before = _open_fds()
    with young_gc():  # gc.collect() after each run looks only at the program's objects
        expected = run_program(VirtualAsyncioLoop(), program)
        got = run_program(toyloop.EventLoop(clock=toyloop.VirtualClock(autojump_threshold=0)),
                          program)
    assert got == expected, _first_difference(expected, got)
    assert _open_fds() == fds_before, "a file descriptor was left open"
    final = next(e for e in expected if e[0] == "after clean-up")[1]
    assert final == {"io": [], "timers": [], "ready": [], "tasks": []}, final
    assert [e for e in expected if e[0] == "unraisable"] == []
    return expected


def _first_difference(expected: list, got: list) -> str:
    for i, (e, g) in enumerate(zip(expected, got, strict=False)):
        if e != g:
            return f"event {i}: asyncio {e!r}, toyloop {g!r}"
    return f"lengths differ: asyncio {len(expected)}, toyloop {len(got)}"


# pytest-timeout's 120 s per test fits the default count; a long run gets time to match.
@pytest.mark.timeout(max(120, FUZZ_EXAMPLES // 2))
def test_callbacks_that_change_the_loop_and_fail() -> None:
    compared: list[list] = []

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=FUZZ_SEED is None,
              database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(programs)
    def check(program: tuple) -> None:
        compared.append(check_program(program))

    if FUZZ_SEED is not None:
        check = seed(int(FUZZ_SEED))(check)

    check()
    assert len(compared) >= FUZZ_EXAMPLES
    # The programs exercised what they claim: every exception kind reached the
    # handler or escaped run_forever, and readers and writers removed themselves.
    seen = {e[3] for events in compared for e in events if e[0] in ("handler", "logged")}
    seen |= {e[1] for events in compared for e in events if e[0] == "escaped"}
    assert {"ValueError", "OSError", "CancelledError", "BadStrError", "BadReprError",
            "KeyboardInterrupt", "SystemExit"} <= seen, seen
    kinds = {e[0] for events in compared for e in events}
    assert {"remove_reader", "remove_writer", "cancel_task", "task", "logged"} <= kinds, kinds
    reports = sum(e[0] in ("handler", "logged") for events in compared for e in events)
    escapes = sum(e[0] == "escaped" for events in compared for e in events)
    print(f"\n{len(compared)} programs, identical on asyncio and toyloop: "
          f"{reports} exception reports, {escapes} KeyboardInterrupt/SystemExit escapes")
