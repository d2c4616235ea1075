"""Exercise checker for the notebooks: ``check()``, ``hint()`` and ``solution()``.

In the spirit of Kaggle's learntools: an exercise is a list of behaviour tests
("cases"); ``check(candidate)`` runs them against the learner's code and says
one of three things, in a box drawn with rich:

* **correct** -- every case passed;
* **incorrect** -- the first failing case, and a message pointing at the mistake;
* **not attempted yet** -- the stub still raises ``NotImplementedError``.

A case is a plain function ``case(candidate) -> None`` that raises
``AssertionError("what went wrong, and what to look at")``; its docstring's first
line names it in the report.  Any other exception from the learner's code is
reported with its type, message and the line it came from.

Nothing the learner writes can hang the notebook, and what goes wrong is named
(``watchdog.py`` does the watching, from a daemon thread):

* a **blocking call**: every callback and task step of a loop the case runs is
  timed; one that holds the loop's thread longer than ``BLOCK_BUDGET`` (wall time,
  less the time the kernel kept the thread waiting for a CPU and garbage
  collection) stops the loop with "your code blocked the loop for 1.0 s at line 5:
  `time.sleep(1)` ...".  Starting a process or thread pool is not blocking;
* a **time limit** per case (``timeout``): the loop is stopped between two
  handles, from its own frame, so no learner task sees the stop as an exception;
  only code that never returns to the loop is interrupted, again and again if a
  bare ``except:`` swallows it, and the report names that handler's line;
* a loop that **spins** (``max_iterations``) or **goes idle** with nothing that
  could wake it (``IterationLimit``);
* **leaks**, once the behaviour cases pass: sockets and other fds the case
  opened, threads and processes still running, readers, writers, timers and
  tasks the learner's code left on the loop -- each with the line that made it.

The report is deterministic (fixed width, no timings), so a committed
"not attempted yet" output validates under nbval.  Like every learner tool this
module stays outside the core: the loop never imports it.

Usage::

    ex = Exercise("sleep", cases=[case_one, case_two], hint="...", solution=sleep)
    ex.check(my_sleep)   # shows the report; returns a CheckResult (truthy if correct)
    ex.hint()            # shows the next hint
    ex.solution()        # shows the reference solution's source
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import linecache
import os
import signal
import sys
import textwrap
import threading
import traceback
import warnings
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from toyloop.tools.watchdog import (
    BLOCK_BUDGET,
    CaseGuard,
    CaseTimeout,
    LoopBlocked,
    LoopIdle,
    LoopStopped,
    LoopWatch,
    busy_pool_worker,
    catch_all_notes,
    collect_unclosed,
    current_guard,
    leak_report,
    loop_leftovers,
    run_guarded,
    snapshot,
    socket_sites,
    task_location,
)

__all__ = [
    "CORRECT", "INCORRECT", "NOT_ATTEMPTED", "TIMED_OUT", "WIDTH",
    "CaseTimeout", "CheckResult", "Exercise", "IterationLimit", "LoopStuck",
    "LoopBlocked", "call_with_timeout", "run_in_loop",
]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
TIMED_OUT = "timed out"
_LEAKED = "leaked"  # a case passed but left things behind: reported after the others

# Reports are rendered at this width everywhere, so notebook outputs never
# depend on the browser window or the terminal that ran nbval.
WIDTH = 88

_HEADLINES = {
    CORRECT: "correct",
    INCORRECT: "incorrect",
    NOT_ATTEMPTED: "not attempted yet",
    TIMED_OUT: "incorrect: timed out",
}
_MARKS = {CORRECT: "✓", INCORRECT: "✗", NOT_ATTEMPTED: "○", TIMED_OUT: "⏱"}
_STYLES = {CORRECT: "green", INCORRECT: "red", NOT_ATTEMPTED: "blue", TIMED_OUT: "red"}


# ---------------------------------------------------------------------------
# Time limits: a case that hangs ends in a clear message, never a stuck kernel
# ---------------------------------------------------------------------------


def _can_use_signals() -> bool:
    return (hasattr(signal, "pthread_kill")
            and threading.current_thread() is threading.main_thread())


def call_with_timeout(fn: Callable[..., Any], timeout: float | None, *args: Any,
                      budget: float | None = None, guards: list | None = None) -> Any:
    """``fn(*args)`` under the watchdog (see ``watchdog.py``).

    When ``timeout`` seconds have passed, a loop the case runs is stopped
    between two handles; code that never returns to the loop is interrupted
    (again and again if it swallows the interrupt).  Either way this raises
    :class:`CaseTimeout`, whose ``message`` says what was still running.

    Off the main thread (where signals cannot reach) the call runs in a daemon
    thread that is abandoned if even the interrupt cannot stop it.
    """
    budget = BLOCK_BUDGET if budget is None else budget
    if timeout is not None and timeout <= 0:
        timeout = None
    if timeout is None or _can_use_signals():
        return run_guarded(fn, timeout, *args, budget=budget, guards=guards)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = run_guarded(fn, timeout, *args, budget=budget, guards=guards)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="toyloop-checker-case", daemon=True)
    worker.start()
    worker.join(timeout + 2.0)
    if worker.is_alive():
        error = CaseTimeout(timeout)
        error.message = (f"your code did not finish within {timeout:g} seconds and could "
                         "not be interrupted (a blocking call outside the main thread).")
        raise error
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# ---------------------------------------------------------------------------
# Running a toyloop loop inside a case: bounded, on virtual time
# ---------------------------------------------------------------------------


class LoopStuck(BaseException):
    """The loop under test will never finish (raised from an instrument).

    A BaseException so that toyloop's Instruments registry, which drops an
    instrument raising an ``Exception``, lets it through to stop the loop.
    """


IDLE_MESSAGE = (
    "the loop went idle: nothing is ready, no timer is set and nothing else can wake "
    "it, yet the main coroutine has not finished. Some task is waiting for a future "
    "that nobody completes. Did you forget to wake the task (set the future's result, "
    "or schedule the callback that does)?"
)
SPIN_MESSAGE = (
    "the loop ran {n} iterations without finishing. Something keeps it busy without "
    "making progress: a task that busy-waits (yields in a loop, checking the time) "
    "instead of waiting on a future or a timer, or a callback that reschedules "
    "itself forever."
)


class IterationLimit:
    """Instrument: stop a loop that spins too long or is about to wait forever.

    ``before_run_once`` counts iterations; ``before_select(None)`` means the
    loop is about to block with no timer.  That is a missed wake-up unless a
    socket or a worker thread could still wake it (chapters 3 and 4), which we
    read from the loop when it has a selector.
    """

    def __init__(self, loop: Any, max_iterations: int = 10_000,
                 detect_idle: bool = True, watch: LoopWatch | None = None) -> None:
        self.loop = loop
        self.max_iterations = max_iterations
        self.detect_idle = detect_idle
        self.iterations = 0
        self.watch = watch
        self._threads_before = {t.ident for t in threading.enumerate()}

    def before_run_once(self) -> None:
        self.iterations += 1
        if self.iterations > self.max_iterations:
            raise LoopStuck(SPIN_MESSAGE.format(n=self.max_iterations))

    def before_select(self, timeout: float | None) -> None:
        if timeout is None and self.detect_idle and not self._could_be_woken():
            if self.watch is not None and self._other_threads():
                # A thread the learner started (their own executor, say) may still
                # wake the loop: let it wait, but only for the watchdog's IDLE_GRACE.
                self.watch.idle_wait()
                return
            raise LoopStuck(IDLE_MESSAGE)

    def _other_threads(self) -> bool:
        """Could a thread still wake the loop?  New ones might; idle pool workers won't."""
        frames = sys._current_frames()
        me = threading.get_ident()
        for t in threading.enumerate():
            if t.ident == me or not t.is_alive() or t.name.startswith("toyloop-checker"):
                continue
            if t.ident not in self._threads_before:
                return True
            if busy_pool_worker(frames.get(t.ident), t):
                return True
        return False

    def _could_be_woken(self) -> bool:
        loop = self.loop
        selector = getattr(loop, "_selector", None)
        if selector is None:
            return False
        if len(selector.get_map()) > getattr(loop, "_wakeup_fds", 0):
            return True
        try:  # a wake-up already written to the self-pipe (call_soon_threadsafe)
            if selector.select(0.05):  # waits only when about to call it idle
                return True
        except (OSError, ValueError):
            pass
        threads_busy = getattr(loop, "_threads_busy", None)
        return bool(threads_busy and threads_busy())


def run_in_loop(main: Any, *, loop_factory: Callable[..., Any] | None = None,
                clock: Any = None, max_iterations: int = 10_000,
                detect_idle: bool = True, errors: list | None = None,
                leaks: bool = True, debug: bool = False) -> Any:
    """Run the coroutine ``main`` on a fresh toyloop loop and return its result.

    ``main`` may also be a zero-argument function returning the coroutine, which
    then runs with the new loop already current (``loop.create_future`` and
    ``asyncio.get_running_loop()`` work inside it).  The loop gets a
    ``VirtualClock`` unless ``clock`` is given.  A loop that spins or goes
    idle raises ``AssertionError`` with a message saying which; errors the loop
    would log (a callback that raised, an exception never retrieved) are
    appended to ``errors`` if given, else raised as ``AssertionError``.

    The watchdog watches every handle (``LoopWatch``): a handle that holds the
    loop's thread too long stops the loop with a report naming the line.  With
    ``leaks`` true, readers, writers, timers and tasks still held when ``main``
    is done are recorded on the case's guard, and reported once the case's own
    assertions have passed.  ``debug`` runs the loop in debug mode, so that
    handles and tasks remember the line that created them.
    """
    guard = current_guard()
    if guard is None:  # called outside Exercise.run: watch for blocking all the same
        with CaseGuard(None):
            return run_in_loop(main, loop_factory=loop_factory, clock=clock,
                               max_iterations=max_iterations, detect_idle=detect_idle,
                               errors=errors, leaks=leaks, debug=debug)
    from toyloop.clock import VirtualClock  # imported late: tools sit above the core

    if loop_factory is None:
        from toyloop.ch2_futures import BaseLoop as loop_factory
    loop = loop_factory(clock=VirtualClock() if clock is None else clock)
    if debug:
        loop.set_debug(True)
        loop.slow_callback_duration = float("inf")  # the watchdog reports slow handles
    caught: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: caught.append(context))
    watch = LoopWatch(loop, guard)
    loop.add_instrument(watch)
    loop.add_instrument(IterationLimit(loop, max_iterations, detect_idle, watch))
    outer_watch, guard.watch = guard.watch, watch
    coro = None
    try:
        coro = main() if callable(main) and not inspect.iscoroutine(main) else main
        try:
            result = loop.run_until_complete(coro)
        except LoopStuck as stuck:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            raise AssertionError(str(stuck) + catch_all_notes(pending)) from None
        except LoopIdle:
            raise AssertionError(IDLE_MESSAGE) from None
        except LoopStopped as stop:
            if not isinstance(stop, LoopBlocked):
                stop.pending = [task_location(t) for t in asyncio.all_tasks(loop)
                                if not t.done()]
            raise
        reported = list(caught)  # before cleanup, whose cancellations may add more
        if leaks:
            guard.leftovers.extend(loop_leftovers(loop))
    finally:
        guard.watch = outer_watch
        _close_quietly(loop)
        if inspect.iscoroutine(coro) and coro.cr_frame is not None and not coro.cr_running:
            with contextlib.suppress(BaseException):
                coro.close()
    if errors is not None:
        errors.extend(reported)
    elif reported:
        context = reported[0]
        exc = context.get("exception")
        detail = f": {type(exc).__name__}: {exc}" if exc is not None else ""
        raise AssertionError(
            f"the loop reported an error nobody handled -- {context.get('message')}{detail}")
    return result


def _close_quietly(loop: Any) -> None:
    """Cancel what is left, give it a few iterations to unwind, close the loop.

    Leftover tasks would otherwise log "Task was destroyed but it is pending!"
    into the learner's notebook long after the report was shown.  Errors while
    unwinding are not the learner's to see, with one exception: a leftover task that
    swallows its cancellation and spins runs the case out of time here, and that
    CaseTimeout must reach the report, or the case would pass.
    """
    try:
        _unwind_leftovers(loop)
    except CaseTimeout:
        with contextlib.suppress(BaseException):
            loop.close()
        raise
    except BaseException:  # anything else while unwinding is ours, not the learner's
        pass
    with contextlib.suppress(BaseException):
        loop.close()


def _unwind_leftovers(loop: Any) -> None:
    """Cancel leftover timers and tasks, close leftover transports, and run a few
    iterations so they unwind."""
    for entry in list(getattr(loop, "_scheduled", ())):
        entry[2].cancel()
    _close_transports(loop)
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    outer = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(loop)  # cleanup code may ask for its loop
    try:
        for _ in range(10):
            if not (loop._ready or any(not t.done() for t in tasks)):
                break
            if loop._ready:
                loop._run_once()
    finally:
        asyncio.events._set_running_loop(outer)
    for task in tasks:
        task._log_destroy_pending = False


def _close_transports(loop: Any) -> None:
    """Close the transports behind the loop's readers and writers (a subprocess's
    pipes, a connection the answer never closed) while the loop can still run
    their ``connection_lost``.  Left to the garbage collector, a transport's
    ``__del__`` would call ``close()`` on a closed loop and log "Event loop is
    closed" at some unrelated later moment, as it does on asyncio's loop."""
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return
    transports = []
    for key in list(selector.get_map().values()):
        handles = key.data if isinstance(key.data, tuple) else ()
        for handle in handles:
            for obj in (getattr(getattr(handle, "_callback", None), "__self__", None),
                        *(getattr(handle, "_args", None) or ())):
                if isinstance(obj, asyncio.BaseTransport) and obj not in transports:
                    transports.append(obj)
    for transport in transports:
        with contextlib.suppress(Exception):
            if not transport.is_closing():
                transport.close()


# ---------------------------------------------------------------------------
# Results and their reports
# ---------------------------------------------------------------------------


@dataclass
class CheckResult:
    """The outcome of ``Exercise.check``: truthy when every case passed."""

    exercise: str
    status: str
    message: str = ""
    case: str | None = None  # the failing case's description
    case_number: int | None = None  # 1-based
    n_cases: int = 0
    passed_cases: list[str] = field(default_factory=list)
    label: str = "exercise"  # the name the learner's notebook knows the exercise by

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.passed

    def headline(self) -> str:
        return f"{_MARKS[self.status]} {self.exercise}: {_HEADLINES[self.status]}"

    def body(self) -> str:
        """The report as plain text, without the headline."""
        if self.status == CORRECT:
            cases = "the case" if self.n_cases == 1 else f"all {self.n_cases} cases"
            return f"Passed {cases}. {self.message}".rstrip()
        if self.status == NOT_ATTEMPTED:
            return ("Your code still raises NotImplementedError. Replace that line "
                    "with your code, run its cell, then run this check again.\n"
                    f"Stuck? {self.label}.hint() gives a hint; {self.label}.solution() "
                    "shows one answer.")
        return (f"Case {self.case_number} of {self.n_cases}: {self.case}\n\n"
                f"{self.message}\n\nStuck? {self.label}.hint() gives a hint.")

    def __str__(self) -> str:
        return f"{self.headline()}\n{self.body()}"

    def __rich__(self) -> Any:
        from rich.text import Text

        return _panel(self.headline(), Text(self.body()), _STYLES[self.status])

    def show(self) -> None:
        _show(self)

    def _ipython_display_(self) -> None:
        """check() has shown the report already; don't show it a second time."""


def _console() -> Any:
    from rich.console import Console

    return Console(width=WIDTH, soft_wrap=False)


def _show(renderable: Any) -> None:
    try:
        console = _console()
    except ImportError:  # rich is optional (the `tools` extra): plain text still works
        print(renderable)
        return
    console.print(renderable)


def _panel(title: str, body: Any, style: str) -> Any:
    """The box every report, hint and solution is shown in: ``title`` on its top edge."""
    from rich.panel import Panel
    from rich.text import Text

    return Panel(body, title=Text(title, style=f"bold {style}"), title_align="left",
                 border_style=style, width=WIDTH)


def render_text(renderable: Any) -> str:
    """What ``_show`` would print, as plain text at WIDTH columns (for tests)."""
    from rich.console import Console

    console = Console(width=WIDTH, file=io.StringIO(), color_system=None,
                      force_jupyter=False, force_terminal=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


# ---------------------------------------------------------------------------
# Exercise
# ---------------------------------------------------------------------------


def _describe(case: Callable) -> str:
    doc = inspect.getdoc(case)
    if doc:
        return doc.strip().splitlines()[0]
    name = getattr(case, "__name__", None) or getattr(getattr(case, "func", None),
                                                      "__name__", "case")
    return name.removeprefix("case_").replace("_", " ")


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _learner_frame(exc: BaseException) -> str:
    """`in my_sleep, line 4` -- the innermost frame outside toyloop and the stdlib."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if not frame.filename.startswith(_PACKAGE_DIR) and "/lib/python3" not in frame.filename:
            return f" (in {frame.name}, line {frame.lineno}: {(frame.line or '').strip()})"
    return ""


def _raised_not_implemented(exc: BaseException) -> bool:
    """The stub's ``raise NotImplementedError``, not one from inside toyloop itself.

    A feature toyloop leaves out (chapter 5's transports, say) also raises
    NotImplementedError; that is a wrong answer using it, not an untouched stub.
    """
    if not isinstance(exc, NotImplementedError):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    return not frames or not frames[-1].filename.startswith(_PACKAGE_DIR)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _LeakTracker:
    """fds, threads and processes before a case, and unclosed sockets during it."""

    def __init__(self) -> None:
        self.before = snapshot()
        self.record: list = []
        self.created: set[int] = set()
        self._found: list[str] | None = None

    def problems(self) -> list[str]:
        if self._found is None:
            self._found = (collect_unclosed(self.record, self.created)
                           + leak_report(self.before))
        return self._found


class _AfterEffects:
    """Errors Python reports "unraisable" while a case runs and unwinds, held back.

    A wrong answer the case has stopped (a coroutine whose bare ``except:`` swallows
    GeneratorExit, a task abandoned mid-await) is often torn down while the case's frames
    are: Python then prints "Exception ignored in: ..." under the check's report, about
    a mistake the report has already named.  Those are dropped when the case fails; when
    it passes they are real news and go to the usual hook.

    The threads the case starts are remembered (see :func:`_quiet_teardown_errors`).
    """

    def __enter__(self) -> _AfterEffects:
        self.seen: list[Any] = []
        self._hook = sys.unraisablehook
        sys.unraisablehook = self.seen.append
        _install_thread_hook()
        _cases_before.append(set(threading.enumerate()))
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.unraisablehook = self._hook
        _case_threads.update(set(threading.enumerate()) - _cases_before.pop())

    def report(self) -> None:
        for unraisable in self.seen:
            self._hook(unraisable)


_case_threads: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_cases_before: list[set[threading.Thread]] = []  # the threads alive when a case began
_previous_thread_hook: Callable[[Any], Any] | None = None


def _install_thread_hook() -> None:
    global _previous_thread_hook
    if threading.excepthook is not _quiet_teardown_errors:
        _previous_thread_hook = threading.excepthook
        threading.excepthook = _quiet_teardown_errors


def _quiet_teardown_errors(args: Any) -> None:
    """``threading.excepthook`` while checks run: drop what the checker's teardown causes.

    A learner's thread can outlive its case: one that waits for a child and then calls
    ``call_soon_threadsafe`` finds the case's loop closed, or the child already reaped,
    because the checker closed the loop and killed what the case started.  Those two
    errors, in a thread a case started, are the checker's doing, not news (asyncio's own
    child watcher only logs a warning when its loop is closed).  Everything else goes to
    the hook that was there before."""
    thread, exc = args.thread, args.exc_value
    started_by_a_case = thread in _case_threads or bool(
        _cases_before and thread not in _cases_before[-1])
    teardown = isinstance(exc, ChildProcessError) or (
        isinstance(exc, RuntimeError) and str(exc) == "Event loop is closed")
    if started_by_a_case and teardown:
        return
    (_previous_thread_hook or threading.__excepthook__)(args)


@contextlib.contextmanager
def _leak_tracking() -> Any:
    """Record where sockets are created and which ones were dropped while open."""
    tracker = _LeakTracker()
    with socket_sites() as sites, warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", ResourceWarning)
        tracker.record = record
        tracker.created = sites.created
        yield tracker


def _bound_name(obj: Any, frame: Any) -> str | None:
    """A global name in ``frame``'s module bound to ``obj``, if any."""
    if frame is None:
        return None
    for name, value in list(frame.f_globals.items()):
        if value is obj and not name.startswith("_"):
            return name
    return None


def _defining_name(obj: Any, frame: Any) -> str:
    """``gather_exercise = Exercise(...)``: guess the name from the assignment line."""
    try:
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    except Exception:
        return "exercise"
    head = line.split("=", 1)[0].strip() if "=" in line else ""
    return head if head.isidentifier() else "exercise"


class Exercise:
    """One exercise: behaviour tests, hints and a reference solution.

    ``cases`` are functions ``case(candidate) -> None`` raising AssertionError
    with a message that points at the mistake.  ``hint`` is a string or a list
    of strings (shown one more per ``hint()`` call).  ``solution`` is the
    reference (a function or class, or a tuple of them), shown only when asked.
    ``timeout`` bounds each case in wall-clock seconds.
    """

    def __init__(self, name: str, cases: Sequence[Callable[[Any], None]],
                 hint: str | Sequence[str] = "", solution: Any = None,
                 timeout: float = 5.0, label: str | None = None) -> None:
        if not cases:
            raise ValueError(f"exercise {name!r} needs at least one case")
        self.name = name
        self.cases = list(cases)
        self.hints = [hint] if isinstance(hint, str) else list(hint)
        self.hints = [textwrap.dedent(h).strip() for h in self.hints if h]
        self.reference = solution
        self.timeout = timeout
        self._hints_shown = 0
        self._unwritten: str | None = None
        self.label = label or _defining_name(self, sys._getframe(1))

    def _find_label(self, frame: Any) -> None:
        """The name the caller's namespace binds this exercise to (``gather_exercise``)."""
        name = _bound_name(self, frame)
        if name:
            self.label = name

    def __repr__(self) -> str:
        return f"<Exercise {self.name!r}: {len(self.cases)} cases>"

    # -- Checking -------------------------------------------------------------

    def run(self, candidate: Any) -> CheckResult:
        """Run every case against ``candidate`` and return the result, showing nothing."""
        n = len(self.cases)
        passed: list[str] = []
        leaked: CheckResult | None = None  # reported only if no case fails outright
        for number, case in enumerate(self.cases, 1):
            description = _describe(case)
            with _AfterEffects() as after:
                status, message = self._run_case(case, candidate)
            if status in (CORRECT, _LEAKED):
                after.report()
            if status == NOT_ATTEMPTED and passed and \
                    self._unwritten != f"your {getattr(candidate, '__name__', '')}()":
                # one part written (a method), another not yet
                return CheckResult(self.name, INCORRECT, (
                    f"{self._unwritten or 'part of your code'} still raises "
                    "NotImplementedError: the cases before this one passed, so fill that "
                    "part in too"), description, number, n, list(passed), label=self.label)
            if status == NOT_ATTEMPTED:
                return CheckResult(self.name, NOT_ATTEMPTED, "", description, number, n,
                                   label=self.label)
            if status == _LEAKED:
                if leaked is None:
                    leaked = CheckResult(self.name, INCORRECT, message, description, number,
                                         n, list(passed), label=self.label)
                passed.append(description)
                continue
            if status != CORRECT:
                return CheckResult(self.name, status, message, description, number, n,
                                   list(passed), label=self.label)
            passed.append(description)
        if leaked is not None:
            return leaked
        return CheckResult(self.name, CORRECT, "Well done!", None, None, n, passed,
                           label=self.label)

    def _run_case(self, case: Callable, candidate: Any) -> tuple[str, str]:
        """(status, message) for one case: its own verdict, then what it left behind."""
        guards: list[CaseGuard] = []
        with _leak_tracking() as tracker:
            try:
                call_with_timeout(case, self.timeout, candidate, guards=guards)
            except CaseTimeout as stop:
                return TIMED_OUT, _capital(getattr(stop, "message", None) or (
                    f"your code did not finish within {self.timeout:g} seconds, so the "
                    "check stopped it."))
            except LoopBlocked as blocked:
                return INCORRECT, _capital(blocked.message)
            except LoopStuck as stuck:
                return INCORRECT, str(stuck)
            except AssertionError as error:
                return INCORRECT, str(error) or "a check failed (no message)"
            except NotImplementedError as exc:
                if _raised_not_implemented(exc):
                    frames = traceback.extract_tb(exc.__traceback__)
                    self._unwritten = f"your {frames[-1].name}()" if frames else None
                    return NOT_ATTEMPTED, ""
                return INCORRECT, ("Your code used something toyloop does not implement: "
                                   f"NotImplementedError: {exc}{_learner_frame(exc)}")
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:
                return INCORRECT, (f"Your code raised {type(exc).__name__}: {exc}"
                                   f"{_learner_frame(exc)}")
            left = [item for guard in guards for item in guard.leftovers]
            left += tracker.problems()
        if left:
            listed = "\n".join(f"- {item}" for item in dict.fromkeys(left))
            return _LEAKED, (
                "Your code gives the right results but leaves things behind when it is "
                f"done:\n{listed}\nClose the sockets you open, cancel the timers and "
                "callbacks you register (also when the task is cancelled or fails), and "
                "await or cancel the tasks and executors you start.")
        return CORRECT, ""

    def check(self, candidate: Any) -> CheckResult:
        """Run the cases against ``candidate`` and show the report (see ``run``)."""
        self._find_label(sys._getframe(1))
        result = self.run(candidate)
        _show(result)
        return result

    # -- Help -----------------------------------------------------------------

    def hint(self, n: int | None = None) -> None:
        """Show the next hint (or hint number ``n``, counting from 1)."""
        self._find_label(sys._getframe(1))
        if not self.hints:
            _show_panel(f"{self.name}: hint", "No hint for this one: try the solution.", "yellow")
            return
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            n = self._hints_shown
        n = max(1, min(n, len(self.hints)))
        more = (f"\n\n({self.label}.hint() again for hint {n + 1} of {len(self.hints)})"
                if n < len(self.hints) else "")
        title = f"{self.name}: hint" + (f" {n} of {len(self.hints)}" if len(self.hints) > 1
                                        else "")
        _show_panel(title, self.hints[n - 1] + more, "yellow")

    def solution_source(self) -> str:
        """The reference solution's source code."""
        if self.reference is None:
            return "# no reference solution for this exercise"
        parts: Iterable[Any] = (self.reference if isinstance(self.reference, (tuple, list))
                                else (self.reference,))
        return "\n\n".join(textwrap.dedent(inspect.getsource(p)).rstrip() for p in parts)

    def solution(self) -> None:
        """Show the reference solution (only when asked: try first!)."""
        source = self.solution_source()
        title = f"{self.name}: one solution"
        try:
            from rich.syntax import Syntax
        except ImportError:
            print(f"{title}\n{source}")
            return
        _show(_panel(title, Syntax(source, "python", theme="default",
                                   background_color="default"), "magenta"))


def _show_panel(title: str, text: str, style: str) -> None:
    try:
        from rich.text import Text
    except ImportError:
        print(f"{title}\n{text}")
        return
    _show(_panel(title, Text(text), style))


if __name__ == "__main__":  # pragma: no cover - a quick look at the three reports
    def _stub(x: Any) -> Any:
        raise NotImplementedError

    def _case_double(fn: Any) -> None:
        """doubles 2"""
        assert fn(2) == 4, f"expected 4, got {fn(2)!r}"

    demo = Exercise("double", [_case_double], hint="multiply by two",
                    solution=lambda x: x * 2)
    for candidate in (_stub, lambda x: x + 1, lambda x: x * 2):
        demo.check(candidate)
