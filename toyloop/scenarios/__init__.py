"""Scenarios: small programs run on asyncio's loop and on another loop, compared.

A scenario is a plain function ``scenario(loop, log)``: it schedules work on
``loop``, records what happens with ``log(event)`` and may return a coroutine,
which is run to completion (its result or exception is logged too).  Events
are plain values (strings, tuples of strings, numbers and booleans), never
times or addresses, so two runs on two loops can be compared with ``==``.

They ship inside the package so that an installed toyloop can check a
learner's piece (the build exercises in :mod:`toyloop.exercises.build`), and
``tests/`` runs the same functions on asyncio and on toyloop.

Each :class:`Scenario` carries ``says``: what it means when a loop logs
something else than asyncio, in the learner's terms ("your ``_run_once`` ran
a callback scheduled during this iteration in the same iteration; asyncio
runs it in the next one").  :func:`compare` returns that, with the first
differing event, or None when the logs agree.

Guarding: the loop under test may be a learner's, so :func:`record` counts its
iterations and notices when it is about to wait forever; both end the run
with :class:`~toyloop.tools.checker.LoopStuck` instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from asyncio import events as _events
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SCENARIOS", "Scenario", "compare", "expected", "record", "scenario"]


@dataclass(frozen=True)
class Scenario:
    """One scenario: the function, what a difference means, what it needs."""

    name: str
    fn: Callable[[Any, Callable[[Any], None]], Any]
    says: str  # "{piece}" is replaced by the piece's name: "your _run_once ran..."
    clock: str = "virtual"  # the candidate's clock: "virtual", or "real" (threads)
    max_iterations: int = 2000
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def title(self) -> str:
        doc = inspect.getdoc(self.fn) or self.name
        return doc.splitlines()[0].rstrip(".")


SCENARIOS: dict[str, Scenario] = {}


def scenario(says: str, *, clock: str = "virtual", max_iterations: int = 2000,
             tags: Iterable[str] = ()) -> Callable:
    """Decorator: register ``fn`` as a scenario named after it."""

    def register(fn: Callable) -> Callable:
        SCENARIOS[fn.__name__] = Scenario(fn.__name__, fn, says, clock, max_iterations,
                                          frozenset(tags))
        return fn

    return register


# ---------------------------------------------------------------------------
# Running one scenario on one loop
# ---------------------------------------------------------------------------


def _short(message: str) -> str:
    """"Exception in callback f(1) at x.py:3" -> "Exception in callback f": no paths."""
    for cut in ("(", " at ", "\n"):
        message = message.split(cut, 1)[0]
    return message.strip()


def _error_event(context: dict) -> tuple:
    exc = context.get("exception")
    return ("error", _short(str(context.get("message", ""))),
            type(exc).__name__ if exc is not None else None)


class _Guard:
    """Counts a loop's iterations and refuses a wait that nothing can end.

    Installed on the loop object (instance attributes wrapping ``_run_once``
    and ``_select``), so it works whoever wrote those methods.
    """

    def __init__(self, loop: Any, max_iterations: int) -> None:
        from toyloop.tools.checker import IterationLimit

        self.limit = IterationLimit(loop, max_iterations)
        run_once = loop._run_once
        loop._run_once = lambda: (self.limit.before_run_once(), run_once())[1]
        select = getattr(loop, "_select", None)
        if select is not None:
            def guarded(timeout: Any) -> Any:
                self.limit.before_select(timeout)
                return select(timeout)
            loop._select = guarded


def _run(loop: Any, main: Any) -> Any:
    """Run ``main`` to the end on ``loop``; a foreign running loop (Jupyter's) steps aside."""
    outer = _events._get_running_loop()
    _events._set_running_loop(None)
    try:
        return loop.run_until_complete(main)
    finally:
        _events._set_running_loop(outer)


def _close(loop: Any) -> None:
    """Cancel what is left, let it unwind, shut the executor, close the loop."""
    outer = _events._get_running_loop()
    _events._set_running_loop(None)
    try:
        with contextlib.suppress(BaseException):
            tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        with contextlib.suppress(BaseException):
            if hasattr(loop, "shutdown_default_executor"):
                loop.run_until_complete(loop.shutdown_default_executor())
        with contextlib.suppress(BaseException):
            loop.close()
    finally:
        _events._set_running_loop(outer)


def record(sc: Scenario | str, loop: Any, *, guard: bool = False) -> list:
    """Run scenario ``sc`` on ``loop`` (closed afterwards) and return its log."""
    sc = SCENARIOS[sc] if isinstance(sc, str) else sc
    log: list = []
    if hasattr(loop, "set_exception_handler"):
        loop.set_exception_handler(lambda _loop, context: log.append(_error_event(context)))
    if guard:
        _Guard(loop, sc.max_iterations)
    try:
        main = sc.fn(loop, log.append)
        if inspect.iscoroutine(main):
            try:
                log.append(("returned", _run(loop, main)))
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:  # the scenario's own outcome, part of the log
                from toyloop.tools.checker import LoopStuck
                if isinstance(exc, LoopStuck):
                    raise
                log.append(("raised", type(exc).__name__, str(exc)))
    finally:
        _close(loop)
    return log


class ReferenceLoop(asyncio.SelectorEventLoop):
    """asyncio's loop with asyncio's pure-Python Future and Task (``_PyFuture``).

    The C versions word a few errors differently ("Result is not set."); toyloop,
    and so the learner, follow the Python ones, which are asyncio's reference code.
    """

    def create_future(self) -> Any:
        return asyncio.futures._PyFuture(loop=self)

    def create_task(self, coro: Any, *, name: Any = None, context: Any = None) -> Any:
        self._check_closed()
        return asyncio.tasks._PyTask(coro, loop=self, name=name, context=context)


_EXPECTED: dict[str, list] = {}


def expected(sc: Scenario | str) -> list:
    """What asyncio's own loop logs for ``sc`` (computed once per process)."""
    sc = SCENARIOS[sc] if isinstance(sc, str) else sc
    if sc.name not in _EXPECTED:
        _EXPECTED[sc.name] = record(sc, ReferenceLoop())
    return _EXPECTED[sc.name]


def _clip(events: list, limit: int = 10) -> str:
    text = ", ".join(repr(e) for e in events[:limit])
    return f"[{text}{', ...' if len(events) > limit else ''}]"


def compare(sc: Scenario | str, loop_factory: Callable[..., Any], piece: str = "loop") -> str | None:
    """None if a loop from ``loop_factory`` logs what asyncio logs, else what went wrong.

    The loop gets a ``VirtualClock`` unless the scenario needs real time.
    """
    sc = SCENARIOS[sc] if isinstance(sc, str) else sc
    want = expected(sc)
    if sc.clock == "virtual":
        from toyloop.clock import VirtualClock
        loop = loop_factory(clock=VirtualClock())
    else:
        loop = loop_factory()
    got = record(sc, loop, guard=True)
    if got == want:
        return None
    index = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                 min(len(want), len(got)))
    if index < len(got) and isinstance(got[index], tuple) and got[index][0] == "raised" and \
            not (index < len(want) and isinstance(want[index], tuple) and want[index][0] == "raised"):
        return (f"Your loop raised {got[index][1]}: {got[index][2]} while running the "
                f"scenario '{sc.title}'; asyncio's did not.")
    first = (f"event {index + 1}: asyncio logged "
             f"{want[index]!r}" if index < len(want) else f"asyncio logged nothing more after "
             f"event {index}")
    first += (f", yours {got[index]!r}" if index < len(got)
              else ", yours logged nothing more")
    return (f"{sc.says.format(piece=piece)}\n\nScenario: {sc.title}.\n"
            f"First difference at {first}.\n"
            f"asyncio: {_clip(want)}\nyours:   {_clip(got)}")


def load_all() -> dict[str, Scenario]:
    """Import every scenario module, so SCENARIOS is complete."""
    from . import futures, io, ordering, tasks, threads, transports  # noqa: F401

    return SCENARIOS
