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
with :class:`ScenarioStuck` instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import selectors
from asyncio import events as _events
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SCENARIOS", "Scenario", "ScenarioStuck", "VirtualSelector", "compare", "expected",
           "outcome", "record", "scenario"]


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


def outcome(call: Callable[[], Any]) -> tuple:
    """What ``call()`` gives, for a scenario's log: ("returns", value) or ("raises", type
    name, text), so a wrong return and a wrong error show up as a difference alike."""
    try:
        return ("returns", call())
    except Exception as exc:  # noqa: BLE001 - the outcome is what we log
        return ("raises", type(exc).__name__, str(exc))


def _short(message: str) -> str:
    """"Exception in callback f(1) at x.py:3" -> "Exception in callback f": no paths."""
    for cut in ("(", " at ", "\n"):
        message = message.split(cut, 1)[0]
    return message.strip()


def _error_event(context: dict) -> tuple:
    exc = context.get("exception")
    return ("error", _short(str(context.get("message", ""))),
            type(exc).__name__ if exc is not None else None)


class ScenarioStuck(BaseException):
    """The guarded loop would never finish its scenario (raised by :class:`_Guard`).

    A BaseException, so that ``except Exception`` in the code under test cannot
    swallow it; :func:`compare` turns it into a message.
    """


SPIN = ("the loop ran {n} iterations without finishing the scenario. Either it never "
        "waits (a select timeout that is always 0 while nothing is ready), or something "
        "keeps rescheduling itself without making progress.")
IDLE = ("the loop was about to wait forever: nothing is ready, no timer is set and nothing "
        "else can wake it, but the scenario has not finished. A callback or a wake-up was "
        "lost on the way.")
READY_BUT_WAITING = ("the loop was about to wait (timeout {timeout!r}) although callbacks "
                     "were ready: when anything is ready, the timeout is 0.")
TIMER_BUT_FOREVER = ("the loop was about to wait with no timeout although a timer is set: "
                     "the timeout is the time left until the first timer.")
PAST_THE_TIMER = ("the loop was about to wait {timeout:g} seconds although the first timer "
                  "is due in {left:g}: the timeout is the time left until the earliest "
                  "timer (its deadline minus self.time()), not a later timer's, and not "
                  "the deadline itself.")
NEGATIVE_TIMEOUT = ("the loop asked select() to wait {timeout:g} seconds: a negative "
                    "timeout makes the selector wait forever. A timer already overdue "
                    "means a timeout of 0 (max(0, when - now)).")


class _Guard:
    """Counts a loop's iterations and refuses a wait that is wrong or endless.

    Installed on the loop object (instance attributes wrapping ``_run_once``
    and ``_select``), so it works whoever wrote those methods, and whatever
    the tools hook into.
    """

    def __init__(self, loop: Any, max_iterations: int) -> None:
        self.loop = loop
        self.max_iterations = max_iterations
        self.iterations = 0
        run_once = loop._run_once
        loop._run_once = lambda: (self.count(), run_once())[1]
        select = getattr(loop, "_select", None)
        if select is not None:
            def guarded(timeout: Any) -> Any:
                self.check_wait(timeout)
                return select(timeout)
            loop._select = guarded
        wait = getattr(loop, "_wait", None)  # chapter 1's Scheduler: no select, a wait
        if wait is not None and select is None:
            def guarded_wait(timeout: float) -> Any:
                self.check_sleep(timeout)
                return wait(timeout)
            loop._wait = guarded_wait

    def count(self) -> None:
        self.iterations += 1
        if self.iterations > self.max_iterations:
            raise ScenarioStuck(SPIN.format(n=self.max_iterations))

    def check_wait(self, timeout: float | None) -> None:
        loop = self.loop
        if timeout is not None and timeout < 0:
            raise ScenarioStuck(NEGATIVE_TIMEOUT.format(timeout=timeout))
        self.check_sleep(timeout)
        if timeout is None:
            if any(not entry[-1]._cancelled for entry in loop._scheduled):
                raise ScenarioStuck(TIMER_BUT_FOREVER)
            if not self._could_be_woken():
                raise ScenarioStuck(IDLE)

    def check_sleep(self, timeout: float | None) -> None:
        """A wait while callbacks are ready, or past the first timer (virtual time only:
        on a real clock time moves between the loop's sum and this check)."""
        loop = self.loop
        if timeout != 0 and any(not getattr(h, "_cancelled", False) for h in loop._ready):
            raise ScenarioStuck(READY_BUT_WAITING.format(timeout=timeout))
        if timeout and getattr(getattr(loop, "_clock", None), "virtual", False):
            deadlines = [e[0] for e in loop._scheduled
                         if not getattr(e[-1], "_cancelled", False)]
            if deadlines:
                left = max(0.0, min(deadlines) - loop.time())
                if timeout > left + 1e-6:
                    raise ScenarioStuck(PAST_THE_TIMER.format(timeout=timeout, left=left))

    def _could_be_woken(self) -> bool:
        loop = self.loop
        selector = getattr(loop, "_selector", None)
        if selector is None:
            return False
        # The loop's own wake-up fds (the self-pipe) cannot bring new work by themselves.
        own = getattr(loop, "_wakeup_fds", getattr(loop, "_internal_fds", 0))
        if len(selector.get_map()) > own:
            return True
        threads_busy = getattr(loop, "_threads_busy", None)
        return bool(threads_busy and threads_busy())


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
        if hasattr(loop, "shutdown_default_executor"):
            shutdown = loop.shutdown_default_executor()
            try:
                loop.run_until_complete(shutdown)
            except BaseException:  # a broken loop: close the coroutine, never awaited
                shutdown.close()
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
        try:
            main = sc.fn(loop, log.append)
        except BaseException as exc:
            exc.partial_log = log  # type: ignore[attr-defined] # what happened before
            raise
        if inspect.iscoroutine(main):
            try:
                log.append(("returned", _run(loop, main)))
            except (KeyboardInterrupt, SystemExit):
                raise
            except NotImplementedError:
                raise  # an untouched stub: the checker says "not attempted yet"
            except (Exception, asyncio.CancelledError) as exc:  # its outcome: logged
                log.append(("raised", type(exc).__name__, str(exc)))
            except BaseException as exc:  # ScenarioStuck: the guard stopped the loop
                exc.partial_log = log  # type: ignore[attr-defined]
                raise
    finally:
        _close(loop)
    return log


class VirtualSelector(selectors.DefaultSelector):
    """Never really waits for a timer: polls, then moves the loop's virtual time on.

    ``loop`` is any loop whose ``time()`` returns its ``virtual_now`` (ReferenceLoop
    here; tests/differential/harness.py gives asyncio's plain loop one too).
    """

    loop: Any

    def select(self, timeout: float | None = None) -> list:
        if timeout is None:
            return super().select(None)
        events = super().select(0)
        if not events and timeout > 0:
            self.loop.virtual_now += timeout
        return events


class ReferenceLoop(asyncio.SelectorEventLoop):
    """asyncio's loop, with asyncio's pure-Python Future and Task (``_PyFuture``).

    The C versions word a few errors differently ("Result is not set."); toyloop,
    and so the learner, follow the Python ones, which are asyncio's reference code.
    With ``virtual=True`` its time jumps to the next timer instead of passing (as
    CPython's test ``TestLoop`` does): only ``time()`` and the wait change, every
    decision is asyncio's ``_run_once``, and a busy machine cannot reorder timers.
    """

    def __init__(self, virtual: bool = False) -> None:
        self.virtual = virtual
        self.virtual_now = 0.0
        selector = None
        if virtual:
            selector = VirtualSelector()
            selector.loop = self
        super().__init__(selector)

    def time(self) -> float:
        return self.virtual_now if self.virtual else super().time()

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
        _EXPECTED[sc.name] = record(sc, ReferenceLoop(virtual=sc.clock == "virtual"))
    return _EXPECTED[sc.name]


def _clip(events: list, limit: int = 10) -> str:
    text = ", ".join(repr(e) for e in events[:limit])
    return f"[{text}{', ...' if len(events) > limit else ''}]"


def compare(sc: Scenario | str, loop_factory: Callable[..., Any],
            piece: str = "loop") -> str | None:
    """None if a loop from ``loop_factory`` logs what asyncio logs, else what went wrong.

    The loop gets a ``VirtualClock`` unless the scenario needs real time.
    """
    sc = SCENARIOS[sc] if isinstance(sc, str) else sc
    want = expected(sc)
    if sc.clock == "virtual":
        from toyloop.clock import VirtualClock
        # Not 0: a loop that mistakes a deadline for a delay waits 100 s too long.
        loop = loop_factory(clock=VirtualClock(start=100.0))
    else:
        loop = loop_factory()
    try:
        got = record(sc, loop, guard=True)
    except NotImplementedError:
        raise  # a stub (or a feature toyloop lacks): the checker tells which
    except (ScenarioStuck, Exception) as exc:  # not CaseTimeout: the checker reports that
        return _failed_run(sc, piece, want, exc)
    if got == want:
        return None
    return _difference(sc, piece, want, got)


# Errors whose text says little to a learner, and what usually causes them.
_NOT_AN_EXCEPTION = (
    "Something that is not an exception was thrown into a coroutine: coro.throw() needs "
    "an exception (does __wakeup pass the future, or its result, to __step?).")
_KNOWN_ERRORS = {
    "derive from BaseException": _NOT_AN_EXCEPTION,
    "deriving BaseException": _NOT_AN_EXCEPTION,
    "deriving from BaseException": _NOT_AN_EXCEPTION,
    "deque mutated during iteration":
        "The ready queue changed while a for loop went over it: callbacks add to it as "
        "they run. Count first, then popleft() that many.",
    "yield was used instead of yield from":
        "A future reached the task with _asyncio_future_blocking False: Future.__await__ "
        "sets self._asyncio_future_blocking = True just before `yield self`, so the task "
        "knows an await sent it.",
    "await wasn't used with future":
        "A coroutine was resumed before the future it awaits was done: park the task "
        "(add __wakeup as the future's done callback) instead of stepping it again at once.",
    "object has no attribute '_cancelled'":
        "The ready queue holds Handles, and only Handles: a key's data is (reader, "
        "writer), each a Handle or None; queue the Handle itself, never its callback "
        "or None.",
    "can't be used in 'await' expression":
        "Only awaitables can be awaited: hand back a loop future (loop.create_future, "
        "asyncio.wrap_future), not a concurrent.futures.Future.",
    "is already registered":
        "The fd was registered twice: when the selector already has a key for it "
        "(selector.get_key), modify it instead.",
}


def _explain(text: str) -> str:
    for key, explanation in _KNOWN_ERRORS.items():
        if key in text:
            return f" {explanation}"
    return ""


def _first_difference(want: list, got: list) -> int | None:
    for i, (a, b) in enumerate(zip(want, got, strict=False)):
        if a != b:
            return i
    return None if len(want) == len(got) else min(len(want), len(got))


def _difference(sc: Scenario, piece: str, want: list, got: list) -> str:
    index = _first_difference(want, got)
    assert index is not None
    if index < len(got) and isinstance(got[index], tuple) and got[index][0] == "raised" and \
            not (index < len(want) and isinstance(want[index], tuple) and
                 want[index][0] == "raised"):
        return (f"Your loop raised {got[index][1]}: {got[index][2]} while running the "
                f"scenario '{sc.title}'; asyncio's did not.{_explain(got[index][2])} "
                f"If that is no typo: {sc.says.format(piece=piece)}")
    first = (f"asyncio logged {want[index]!r}" if index < len(want)
             else f"asyncio logged nothing more after event {index}")
    first += f", yours {got[index]!r}" if index < len(got) else ", yours logged nothing more"
    return (f"{sc.says.format(piece=piece)}\n\nScenario: {sc.title}.\n"
            f"First difference at event {index + 1}: {first}.\n"
            f"asyncio: {_clip(want)}\nyours:   {_clip(got)}")


def _failed_run(sc: Scenario, piece: str, want: list, exc: BaseException) -> str:
    """The loop stopped (guard) or raised: say so, after any difference before that."""
    try:  # where in the learner's code it happened, if the checker can tell
        from toyloop.tools.checker import _learner_frame
    except ImportError:  # pragma: no cover - a checker without the helper
        def _learner_frame(exc: BaseException) -> str:
            return ""

    got = getattr(exc, "partial_log", [])
    index = _first_difference(want, got)
    if isinstance(exc, ScenarioStuck):
        ending = f"Then your loop never finished the scenario: {exc}"
    else:
        ending = (f"Then your loop raised {type(exc).__name__}: {exc}"
                  f"{_learner_frame(exc)}.")
    if index is not None and index < len(got):
        return f"{_difference(sc, piece, want, got)}\n{ending}"
    if isinstance(exc, ScenarioStuck):
        return (f"Your loop never finished the scenario '{sc.title}': {exc}\n\n"
                f"What the scenario checks: {sc.says.format(piece=piece)}\n\n"
                f"asyncio logged: {_clip(want)}\nyours, until then: {_clip(got)}")
    return (f"Your loop raised {type(exc).__name__}: {exc}{_learner_frame(exc)} while "
            f"running the scenario '{sc.title}'; asyncio's did not.{_explain(str(exc))} "
            f"If that is no typo: {sc.says.format(piece=piece)}")


def load_all() -> dict[str, Scenario]:
    """Import every scenario module, so SCENARIOS is complete."""
    from . import ordering, futures, tasks, io, threads, transports  # noqa: F401, I001

    return SCENARIOS
