"""Build exercises: the learner writes the loop's own pieces, and their loop runs them.

One exercise per piece of :data:`~toyloop.exercises.pieces.PIECES` (chapter 1's
scheduler turn, chapter 2's ``Future``, ``Task.__step`` and ``_run_once``,
chapter 3's ``_process_events`` and ``sock_recv``, chapter 4's
``call_soon_threadsafe`` and ``run_in_executor``, chapter 5's transport read and
write paths).  Each one:

* checks a candidate by plugging it into a loop (everything else toyloop's)
  and running the scenarios of :mod:`toyloop.scenarios` tagged with that piece,
  on asyncio's loop and on that loop; the first difference is reported in the
  learner's terms;
* saves a passing candidate in the *mine* folder (:mod:`.mine`), so every later
  chapter's showcase runs on the learner's own loop;
* shows toyloop's own code as the solution: the reference IS the module's code.

``AssembledLoop`` is a loop made only of the reference pieces, plugged in by
the same mechanism: ``asyncio.Runner(loop_factory=AssembledLoop)`` works.

Usage in a notebook::

    from toyloop.exercises.build import exercise
    ex = exercise("ch2.Task.__step")
    ex.check(Task)        # the class you wrote __step and __wakeup in
    ex.hint(); ex.solution()
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from toyloop.scenarios import SCENARIOS, compare, load_all
from toyloop.tools.checker import NOT_ATTEMPTED, CheckResult, Exercise

from .mine import _path, forget, save_piece
from .pieces import PIECES, Piece, assemble, assemble_scheduler, methods_of, piece

__all__ = ["AssembledLoop", "AssembledScheduler", "BuildExercise", "exercise", "loop_with"]

AssembledLoop = assemble(reference=True, name="AssembledLoop", owner="reference")
AssembledLoop.__module__ = __name__
AssembledLoop.__doc__ = ("A toyloop EventLoop made only of the build exercises' reference "
                         "pieces, plugged in exactly as a learner's pieces are.")
AssembledScheduler = assemble_scheduler(reference=True, name="AssembledScheduler",
                                        owner="reference")


def loop_with(name: str, candidate: Any) -> type:
    """A loop class (a Scheduler for chapter 1) with ``candidate`` as piece ``name``."""
    p = piece(name)
    if p.target == "scheduler":
        return assemble_scheduler({name: candidate})
    return assemble({name: candidate})


def _scenario_case(name: str, scenario_name: str) -> Callable[[Any], None]:
    sc = SCENARIOS[scenario_name]
    label = PIECES[name].short

    def case(candidate: Any) -> None:
        loop_cls = loop_with(name, candidate)
        problem = compare(sc, loop_cls, piece=label)
        if problem:
            raise AssertionError(problem)

    case.__doc__ = sc.title
    case.__name__ = f"case_{scenario_name}"
    return case


def _is_stub(fn: Any) -> bool:
    """A method whose source still says ``raise NotImplementedError`` (the notebook's stub)."""
    fn = getattr(fn, "__func__", fn)
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return False
    return "raise NotImplementedError" in source


def _not_attempted() -> None:
    """Raise NotImplementedError from outside the package: the checker's "not attempted"."""
    exec(compile("raise NotImplementedError('a stub')", "<your stub>", "exec"))  # noqa: S102


def _shape_case(name: str) -> Callable[[Any], None]:
    p = PIECES[name]

    def case(candidate: Any) -> None:
        try:
            methods = methods_of(p, candidate)
        except TypeError as exc:
            raise AssertionError(str(exc)) from None
        if any(_is_stub(methods[p.attribute(m)]) for m in p.methods):
            _not_attempted()

    case.__doc__ = f"the piece has {', '.join(p.methods)}"
    return case


class BuildExercise:
    """An Exercise for one piece, which also saves a passing answer as yours."""

    def __init__(self, name: str, hints: list[str]) -> None:
        load_all()
        self.piece: Piece = piece(name)
        tagged = [s.name for s in SCENARIOS.values() if name in s.tags]
        first = [s for s in _FIRST.get(name, ()) if s in tagged]
        # The simplest scenarios first: the first failure names the most basic mistake.
        self.scenarios = first + [s for s in tagged if s not in first]
        cases = [_shape_case(name)] + [_scenario_case(name, s) for s in self.scenarios]
        reference = tuple(self.piece.reference().values())
        self.exercise = Exercise(f"build {self.piece.name}", cases, hint=hints,
                                 solution=reference, timeout=5.0,
                                 label=f"exercise({name!r})")  # "Stuck? exercise(...).hint()"

    def __repr__(self) -> str:
        return f"<BuildExercise {self.piece.name}: {len(self.exercise.cases)} cases>"

    @property
    def name(self) -> str:
        return self.piece.name

    def run(self, candidate: Any) -> CheckResult:
        """The check's result, showing nothing and saving nothing."""
        return self.exercise.run(candidate)

    def check(self, candidate: Any, *, save: bool = True) -> CheckResult:
        """Check ``candidate``; if it passes (and ``save``), it becomes your piece."""
        result = self.exercise.check(candidate)
        if result.passed and save:
            save_piece(self.name, candidate)
            print(f"Saved as your {self.piece.short} (mine/{self.name}.py): your loop uses "
                  f"it from now on, in this chapter and the next ones.")
        elif result.status != NOT_ATTEMPTED and _path(self.name).exists():
            print(f"Your saved {self.piece.short} from an earlier check is still the one "
                  f"your loop uses.")
        return result

    def hint(self, n: int | None = None) -> None:
        self.exercise.hint(n)

    def solution(self) -> None:
        """toyloop's own code for this piece (the chapter module's)."""
        self.exercise.solution()

    def solution_source(self) -> str:
        return self.exercise.solution_source()

    def forget(self) -> bool:
        """Use toyloop's piece again (deletes your saved one)."""
        return forget(self.name)


_FIRST: dict[str, tuple[str, ...]] = {
    "ch2.Task.__step": ("task_result_and_exception", "task_parks_on_future_and_wakes",
                        "exception_is_thrown_into_coroutine", "tasks_take_turns_at_sleep0"),
}

_FIRST["ch4.ThreadLoop.run_in_executor"] = ("executor_returns_result_and_exception",
                                             "executor_result_wakes_the_loop")

_FIRST["ch5._SelectorSocketTransport.write"] = (
    "write_path_small_write_goes_out_at_once", "write_path_sends_everything_in_order",
    "write_path_flush_then_idle_then_close", "write_path_flow_control")

_HINTS: dict[str, list[str]] = {
    "ch1.Scheduler._run_once": [
        "Four phases: how long to wait (0 if anything is ready), wait, move the due timers "
        "from the heap to the ready queue, run the ready callbacks.",
        "Count first: `for _ in range(len(self._ready))`, so callbacks added now wait a turn.",
        "Each heap entry is (when, seq, callback, args); heapq.heappop takes the earliest.",
    ],
    "ch2.Future": [
        "Keep the state in self._state ('PENDING', 'CANCELLED', 'FINISHED'), the outcome "
        "in self._result / self._exception, the callbacks in self._callbacks as "
        "(fn, context) pairs.",
        "Done callbacks never run inside set_result: hand each to "
        "self._loop.call_soon(fn, self, context=ctx).",
        "__await__: if not done, set self._asyncio_future_blocking = True and `yield self`; "
        "then return self.result().",
    ],
    "ch2.Task.__step": [
        "__step: resume the coroutine with coro.send(None), or coro.throw(exc) if an "
        "exception is given; StopIteration carries the return value.",
        "A yielded future: check _asyncio_future_blocking, reset it to False, "
        "add self.__wakeup as its done callback and remember it in self._fut_waiter.",
        "A bare yield (None) means 'let the others run': call_soon(self.__step). "
        "Anything else: call_soon(self.__step, RuntimeError(f'Task got bad yield: {result!r}')).",
        "Call _enter_task(self._loop, self) before the send and _leave_task after, so "
        "asyncio.current_task() answers this task.",
    ],
    "ch2.BaseLoop._run_once": [
        "Phases: drop cancelled timers at the top of the heap; timeout = 0 if anything is "
        "ready (or stopping), else the time to the first timer, else None; "
        "event_list = self._select(timeout); self._process_events(event_list); move due "
        "timers to the ready queue; run the ready handles.",
        "Count first: `for _ in range(len(self._ready))`; skip cancelled handles; "
        "run with handle._run().",
        "Heap entries are (when, seq, TimerHandle); a timer is due when "
        "when < self.time() + self._clock_resolution. Set timer._scheduled = False when "
        "you pop it.",
    ],
    "ch3.SelectorLoop._process_events": [
        "Each (key, mask) from select: key.data is (reader, writer), each a Handle or None.",
        "If mask has EVENT_READ and there is a reader, append it to self._ready (unless "
        "it was cancelled: then remove the reader). Same for writers.",
        "_add_reader registers (or modifies) the fd with data (handle, writer); "
        "_remove_reader modifies it back or unregisters it, and cancels the old handle.",
    ],
    "ch3.SelectorLoop.sock_recv": [
        "Try sock.recv(n) first: it often succeeds at once. Only on BlockingIOError wait.",
        "To wait: a future, and a reader (self._add_reader) that retries recv and sets the "
        "future's result or exception.",
        "Remove the reader in a done callback of the future, so cancelling the task "
        "leaves nothing registered.",
    ],
    "ch4.ThreadLoop.call_soon_threadsafe": [
        "Make a Handle, append it to self._ready (deque.append is thread-safe)...",
        "... then wake the selector: self._write_to_self() sends one byte to the self-pipe.",
    ],
    "ch4.ThreadLoop.run_in_executor": [
        "executor None means the default ThreadPoolExecutor (create it once, keep it in "
        "self._default_executor).",
        "executor.submit(func, *args) gives a concurrent.futures.Future; wrap_future turns "
        "it into a loop future whose result crosses over with call_soon_threadsafe.",
        "On a virtual clock the loop must know a job is running: add 1 to "
        "self._jobs_in_flight, and subtract it in a done callback.",
    ],
    "ch5._SelectorSocketTransport.read": [
        "recv(MAX_RECV_SIZE); BlockingIOError means a spurious wake-up: just return.",
        "b'' means EOF: call protocol.eof_received(); if it returns a true value, stop "
        "reading (self._loop._remove_reader(self._sock_fd)), else self.close().",
        "Any other error: self._fatal_error(exc, 'Fatal read error on socket transport'). "
        "Call protocol methods through self._protocol_call('data_received', data).",
    ],
    "ch5._SelectorSocketTransport.write": [
        "write(): with an empty buffer try self._sock.send(data) at once; buffer what is "
        "left and add a writer (self._loop._add_writer(self._sock_fd, self._write_ready)).",
        "_write_ready(): send from the buffer, delete what went out, and once it is empty "
        "remove the writer (and finish a pending close: self._call_connection_lost(None)).",
        "Flow control: after the buffer grows, pause_writing() once it is above "
        "self._high_water; after it shrinks, resume_writing() once it is at or below "
        "self._low_water (self._maybe_pause_protocol / _maybe_resume_protocol).",
    ],
}


@functools.cache
def exercise(name: str) -> BuildExercise:
    """The build exercise for piece ``name`` (made once, on first use)."""
    return BuildExercise(name, _HINTS[name])
