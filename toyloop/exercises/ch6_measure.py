"""Chapter 6 exercises: measure first, then name the slow part.

Two exercises, each an :class:`~toyloop.tools.checker.Exercise`.  The learner
writes a *measuring* function; the checker reruns it on loops and workloads it
chose, whose answer it knows, and judges what the function found:

* ``profile_exercise`` -- ``find_slow_function(run)`` profiles ``run()`` with
  cProfile and returns the name of the function with the most *own* time.  The
  checker hands it three loops, ``MysteryLoop1`` to ``MysteryLoop3``, each with a
  different slow method planted (their docstrings say which: the notebook does not
  show them), so one name cannot pass them all;
* ``growth_exercise`` -- ``growth_exponent(run, n)`` times ``run(n)`` and
  ``run(10 * n)`` and returns the exponent k of ``time ~ n**k``
  (``log10(t(10n) / t(n))``).  The checker gives it a linear workload and a
  quadratic one.

Timing is noisy, so the checks leave wide margins: the planted method holds more
than half of the own time, and an exponent passes within about 0.45 of 1 or 2.
A measuring function is rerun up to three times before it is judged, because a
busy machine can spoil one measurement; an answer that is wrong by design (a
ratio instead of its logarithm, a cumulative time instead of own time) is wrong
every time.  The sizes are small, so a whole check takes about a second.

Every ``run`` the checker hands out records the sizes it was called with, so a
function that never runs the workload, runs it at the wrong sizes, or times each size
only once, is told so.  It also records the CPU and wall time of each call: a wrong
exponent is then matched with the formula that gives it from those same calls (time
per operation, log of a time, a difference).  In the quadratic case ``run(n)`` also
waits 0.05 s without using the CPU, so an answer timed with a wall clock gets an
exponent near 0.6 every time, whatever the machine's load, and is told why.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import math
import numbers
import profile
import pstats
import re
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from toyloop.bench.workloads import callbacks as _callbacks
from toyloop.bench.workloads import fan_out as _fan_out
from toyloop.bench.workloads import run_on
from toyloop.ch5_asyncio import EventLoop
from toyloop.tools.checker import Exercise
from toyloop.tools.watchdog import current_guard

__all__ = [
    "MysteryLoop1", "MysteryLoop2", "MysteryLoop3", "find_slow_function",
    "growth_exercise", "growth_exponent", "mystery", "profile_exercise", "workload_run",
]

ATTEMPTS = 3  # a busy machine may spoil one measurement; wrong-by-design answers fail all


# ===========================================================================
# Three loops, each with one slow method planted
# ===========================================================================


class MysteryLoop1(EventLoop):
    """``call_soon`` first walks the whole ready queue (to "make sure the handle is new")."""

    def call_soon(self, callback: Any, *args: Any, context: Any = None) -> Any:
        for queued in self._ready:  # O(len(ready)) per call: n callbacks cost O(n**2)
            if queued is callback:
                break
        return super().call_soon(callback, *args, context=context)


class MysteryLoop2(EventLoop):
    """Cancelling a timer first searches the timer heap for it (to "check it is there")."""

    def _timer_handle_cancelled(self, handle: Any) -> None:
        found = False
        for entry in self._scheduled:  # O(n) per cancel
            if entry[2] is handle:
                found = True
        if found:
            super()._timer_handle_cancelled(handle)


class MysteryLoop3(EventLoop):
    """``_select`` keeps a history of its timeouts and counts the zero ones every time."""

    def _select(self, timeout: float | None) -> list:
        history = self.__dict__.setdefault("_timeout_history", [])
        history.append(timeout)
        polls = 0
        for seen in history:  # O(iterations so far) per iteration
            if seen == 0:
                polls += 1
        return super()._select(timeout)


def _without_gc(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` with the garbage collector off, as section 4's ``cpu_ms`` does: a
    full collection walks every live object of the kernel, and whatever function happens
    to allocate when it starts would be charged for it (in a profile and a timing)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    finally:
        if enabled:
            gc.enable()


def workload_run(loop_factory: Callable[[], Any], workload: Callable[[Any, int], Any],
                 size: int) -> Callable[[], Any]:
    """``run()``: run ``workload`` at ``size`` on a fresh loop; ``run.calls`` counts calls."""
    def run() -> Any:
        run.calls += 1  # type: ignore[attr-defined]
        result = _without_gc(run_on, loop_factory, workload, size)
        assert result.ok, "the workload computed a wrong result"
        return result
    run.calls = 0  # type: ignore[attr-defined]
    return run


def cancelled_timers(loop: Any, n: int) -> Any:
    """Set ``n`` timers due now, cancel every other one, run the rest (in order)."""
    fired: list[int] = []
    handles = [loop.call_later(0, fired.append, i) for i in range(n)]
    for handle in handles[::2]:
        handle.cancel()
    done = loop.create_future()
    loop.call_later(0, done.set_result, None)  # due with the last of them, set after them
    loop.run_until_complete(done)
    return SimpleNamespace(ok=fired == list(range(1, n, 2)))


# (loop, workload, size, the method that dominates own time)
PROFILE_CASES = [
    (MysteryLoop1, _fan_out, 1_400, "call_soon"),
    (MysteryLoop2, cancelled_timers, 2_000, "_timer_handle_cancelled"),
    (MysteryLoop3, _callbacks, 1_500, "_select"),
]


def mystery(number: int) -> Callable[[], Any]:
    """``run()`` for mystery loop ``number`` (1 to 3), the workload the checker gives it."""
    loop_factory, workload, size, _slow = PROFILE_CASES[number - 1]
    return workload_run(loop_factory, workload, size)


# ===========================================================================
# Exercise 1: profile, and name the function with the most own time
# ===========================================================================


def find_slow_function(run):
    """Profile ``run()``; return the name of the function with the most own time."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, ncalls, tottime, ...)}
    (_file, _line, name), _row = max(stats.items(), key=lambda item: item[1][2])
    return name


def _profile_rows(run: Callable[[], Any]) -> dict[str, tuple[int, int, float, float, bool]]:
    """The checker's own profile of ``run()``: name -> (pcalls, ncalls, tottime, cumtime,
    whether a Python function has that name).

    Names are as :func:`_name_in` reads them (``heappop``, not ``<built-in method
    _heapq.heappop>``).  Own times of functions that share a name (two ``__init__``)
    are summed; call counts and cumulative time are the largest single function's, as a
    learner reading one pstats row at a time sees them."""
    # The pure-Python profiler, on this thread's CPU time: since Python 3.12 cProfile
    # records every thread (pytest-xdist's, the kernel's), and even the callers it
    # records then mix threads; sys.setprofile, which `profile` uses, is per thread.
    profiler = profile.Profile(time.thread_time)
    profiler.runcall(run)
    rows: dict[str, list] = {}
    for (file, _line, raw), (cc, nc, tt, ct, _callers) in pstats.Stats(profiler).stats.items():
        row = rows.setdefault(_name_in(raw), [0, 0, 0.0, 0.0, False])
        row[0] = max(row[0], cc)
        row[1] = max(row[1], nc)
        row[2] += tt
        row[3] = max(row[3], ct)
        row[4] = row[4] or file != ""  # `profile` files C functions under ""
    return {name: tuple(row) for name, row in rows.items()}  # type: ignore[misc]


def _name_in(answer: str) -> str:
    """``call_soon`` from ``'call_soon'``, ``'MysteryLoop1.call_soon'`` or
    ``'loop.py:12(call_soon)'``; ``heappop`` from pstats' ``'<built-in method
    _heapq.heappop>'``, ``disable`` from ``"<method 'disable' of ... objects>"``."""
    method = re.match(r"<method '(\w+)' of ", answer)
    if method:
        return method.group(1)
    words = re.findall(r"[A-Za-z_]\w*", answer)
    return words[-1] if words else answer


def _judge_profile(answer: Any, expected: str, rows: dict, calls: int) -> str | None:
    """None when ``answer`` names ``expected``; else the message that names the mistake."""
    if calls == 0:
        return ("your function never called run(): profile the workload by calling run() "
                "under the profiler (profiler.runcall(run), or enable(), run(), disable())")
    if not isinstance(answer, str):
        return (f"your function returned {answer!r} ({type(answer).__name__}); return the "
                "function's name as a string, like 'my_function'")
    name = _name_in(answer)
    if name == expected:
        return None
    total = sum(row[2] for row in rows.values()) or 1.0
    top_own = max(rows, key=lambda n: rows[n][2])
    profilers = ("enable", "disable", "runcall")  # the profiler's, not gc.disable in run()
    if name not in rows and answer.startswith(("<built-in", "<method '")) \
            and name not in profilers:
        return (f"{answer!r} is a built-in function with almost no own time: it is not even "
                "in the checker's own profile of the same workload. The slow part is the "
                "function with the *most* own time (tottime): rank by that column, largest "
                "first")
    if name not in rows or (name in profilers and "gc." not in answer):
        return (f"{answer!r} is not a function the workload ran: take the name from the "
                "profile of run() (profiler.runcall(run)), the third item of a pstats key "
                "(file, line, name), and of those functions name the one with the most "
                "own time (tottime). (Since Python 3.12 a profile also holds calls made "
                "by other threads, such as the kernel's, so not every row is run()'s.)")
    share = 100 * rows[name][2] / total
    top_share = 100 * rows[top_own][2] / total
    builtin = answer.startswith(("<built-in", "<method '"))  # Context.run is not run()
    top_cum = max(rows[n][3] for n in rows if n not in ("run", "runcall"))
    # An outer function called once or twice (run_on, a wrapper) has nearly all the
    # cumulative time too: a per-call cumulative ranking names it.
    outer = rows[name][1] <= 2 and rows[name][3] >= 0.8 * top_cum
    # run() is the root of every profile of the workload, so it is always outermost.
    top = name == "run" or rows[name][3] >= top_cum
    wraps = name == "run" or rows[name][3] > 2 * rows[name][2]  # mostly time of callees
    if not builtin and (top or outer) and wraps:
        if not top:  # an outer function, run once or twice
            return (f"{name!r} runs {rows[name][1]} time(s), has {share:.0f}% of the own "
                    f"time (another function has {top_share:.0f}%) and holds nearly all the "
                    "cumulative time (cumtime), which includes everything it calls. Ranked "
                    "by cumulative time, or by any time per call, such an outer function "
                    "comes first. The slow part is the function with the most total own "
                    "time (tottime)")
        return (f"{name!r} has the most cumulative time (cumtime), which includes the time "
                "of everything it calls, so the outermost function always wins. The slow "
                "part is the function with the most own time (tottime)")
    slow_calls = max(rows[expected][1], 1)
    if rows[name][1] * 10 <= slow_calls:
        # Rarely called: a per-call ranking picks such a function (with a wall-clock
        # profile, whichever one the machine happened to interrupt).
        return (f"{name!r} ran only {rows[name][1]:,} time(s), against {slow_calls:,} calls "
                f"of the slow function, and has {share:.0f}% of the own time; another "
                f"function has {top_share:.0f}%. If you ranked by time per call: a function "
                "that runs once or twice always looks slow per call. Rank by total own time "
                "(tottime)")
    if builtin and share < top_share / 3:
        return (f"{answer!r} is a built-in (C) function: it has {share:.0f}% of the own time; "
                f"another function has {top_share:.0f}%. The slow part here is Python code "
                "of the loop: rank every function of the profile by own time (tottime), "
                "with nothing filtered out, and name the first")
    if share < 0.5:
        return (f"{name!r} has almost none of the own time ({share:.1f}%); another function "
                f"has {top_share:.0f}%. The slow part is the function with the *most* own "
                "time (tottime): rank by that column, largest first (not the smallest, and "
                "not by another column)")
    # `profile` names a C function by its bare name, so `append` adds up every type's
    # append (cProfile, which the learner uses, keeps them apart): count Python's only.
    python_rows = [row for row in rows.values() if row[4]] or list(rows.values())
    most_calls = max(row[1] for row in python_rows)
    most_primitive = max(row[0] for row in python_rows)
    # Ties count, and so do near-ties: the checker's own profile is a second run, whose
    # per-iteration calls can differ by a few (a timer that fell due a little later).
    if rows[name][1] >= most_calls - 5 or rows[name][0] >= most_primitive - 5:
        return (f"{name!r} is the function called most often, but each call is cheap: it "
                f"has {share:.0f}% of the own time; another function has {top_share:.0f}%. "
                "Rank by own time (tottime), not by calls")
    return (f"{name!r} has {share:.0f}% of the own time in this loop; another function has "
            f"{top_share:.0f}%. Rank every function by own time "
            "(tottime) and name the first")


def _still() -> Any:
    """The case's watchdog kept out of the profiles and the CPU timings of the learner's
    code (see ``CaseGuard.still``)."""
    guard = current_guard()
    return guard.still() if guard is not None else contextlib.nullcontext()


def _profile_case(index: int) -> Callable[[Any], None]:
    loop_factory, workload, size, expected = PROFILE_CASES[index]

    def case(candidate: Any) -> None:
        reasons = []
        for _ in range(ATTEMPTS):
            run = workload_run(loop_factory, workload, size)
            with _still():  # no watchdog calls in either profile (3.12+ sees all threads)
                answer = candidate(run)
                calls = run.calls
                rows = _profile_rows(workload_run(loop_factory, workload, size))
            reason = _judge_profile(answer, expected, rows, calls)
            if reason is None:
                return
            reasons.append(reason)
            if calls == 0 or not isinstance(answer, str):
                break  # wrong by design: another try would say the same
        raise AssertionError(reasons[0])

    case.__doc__ = (f"loop {index + 1} of {len(PROFILE_CASES)}: the function you name holds "
                    "the most own time in the profile of run()")
    case.__name__ = f"case_profile_loop_{index + 1}"
    return case


profile_exercise = Exercise(
    "find the slow function",
    cases=[_profile_case(i) for i in range(len(PROFILE_CASES))],
    hint=[
        "cProfile.Profile().runcall(run) runs run() under the profiler; "
        "pstats.Stats(profiler).stats is a dict {(file, line, name): (primitive calls, "
        "calls, own time, cumulative time, callers)}.",
        "Own time (tottime) is the time inside the function itself; cumulative time "
        "includes what it calls, so the outermost function always has the most. "
        "Pick the key with the largest own time and return its name.",
    ],
    solution=find_slow_function,
    timeout=60,  # three loops under two profilers, each retried on a busy machine
)


# ===========================================================================
# Exercise 2: how does the time grow from n to 10n?
# ===========================================================================


def growth_exponent(run, n):
    """Time ``run(n)`` and ``run(10 * n)``; return k such that time grows like n**k."""
    def best_of_3(size):
        times = []
        for _ in range(3):
            start = time.process_time()  # CPU time: other programs do not inflate it
            run(size)
            times.append(time.process_time() - start)
        return min(times)  # the run the rest of the machine disturbed least

    return math.log10(best_of_3(10 * n) / best_of_3(n))


class _SizedRun:
    """``run(size)``: the workload at ``size`` on a fresh loop; remembers the sizes.

    Only n and 10n are allowed: any other size is refused at once, with the message
    that names the mistake (and a quadratic workload at 100n would take seconds).

    Each call's CPU and wall time are recorded, so that a wrong exponent can be
    matched with the mistake that gives it (the learner timed these same calls).
    With ``idle`` set, ``run(n)`` also waits that long without using the CPU, as a
    busy machine makes a program wait: CPU time does not see it, wall-clock time
    does, deterministically."""

    def __init__(self, loop_factory: Callable[[], Any], workload: Callable, n: int,
                 idle: float = 0.0) -> None:
        self.loop_factory, self.workload, self.n, self.sizes = loop_factory, workload, n, []
        self.idle = idle
        self.cpu: dict[int, list[float]] = {}
        self.wall: dict[int, list[float]] = {}
        self.by_design = False  # set by _judge_growth: a retry would not change the reason

    def __call__(self, size: int) -> Any:
        self.sizes.append(size)
        if size not in (self.n, 10 * self.n):
            raise AssertionError(
                f"your function called run({size!r}), asked for n={self.n}: time run(n) and "
                "run(10 * n), so the ratio of the two times tells the exponent")
        wall, cpu = time.perf_counter(), time.process_time()
        if size == self.n and self.idle:
            time.sleep(self.idle)
        result = _without_gc(run_on, self.loop_factory, self.workload, int(size))
        self.cpu.setdefault(size, []).append(time.process_time() - cpu)
        self.wall.setdefault(size, []).append(time.perf_counter() - wall)
        assert result.ok, "the workload computed a wrong result"
        return result

    def best(self, clock: str, size: int) -> float:
        """The smallest time recorded for ``size`` on ``clock`` ("cpu" or "wall")."""
        return min(getattr(self, clock).get(size) or [0.0])


# (name, loop, workload, n, the exponent it has, the accepted range, seconds run(n)
# waits without CPU). The wait is ~5 times t(n)+t(10n)'s share that a wall clock needs
# to fall below the range: 10n takes ~0.1 s here, so wall time's exponent comes out
# near 0.6 (below 1.5 as long as t(10n) stays under ~2 s of wall time).
GROWTH_CASES = [
    ("a chain of callbacks on EventLoop", EventLoop, _callbacks, 2_000, 1, (0.5, 1.5), 0.0),
    ("a chain of callbacks on MysteryLoop3", MysteryLoop3, _callbacks, 300, 2,
     (1.5, 2.7), 0.05),
]


def _explain_from_records(value: float, exact: int, run: _SizedRun) -> str | None:
    """The mistake whose result ``value`` is, computed from the very calls it timed.

    The learner timed the calls ``run`` recorded, so each way of getting the formula
    wrong gives a number the checker can predict closely; the nearest prediction
    (within 0.1 on the log scale, 10% for a difference) names the mistake.  None when
    nothing matches, or when the match is one the generic messages already cover."""
    n = run.n
    c1, c10 = run.best("cpu", n), run.best("cpu", 10 * n)
    if c1 <= 0 or c10 <= 0:
        return None
    k = math.log10(c10 / c1)
    if abs(value - k) <= 0.2:
        return None  # the formula is right and these calls measured badly: retry them
    if abs(value - (c10 - c1)) <= 0.1 * abs(c10 - c1):
        return (f"you returned {value:.3g}, far below the exponent {exact} of this "
                "workload: that is t(10n) - t(n), the extra time in seconds. The exponent "
                "is log10 of the ratio t(10n) / t(n)")
    if exact == 1 and abs(value) <= 0.4:  # about 0: three mistakes give it, say all three
        return (f"you returned {value:.2f}, far below the exponent 1 of this workload, about "
                "0, as if the time did not grow at all. Either each time was divided by "
                "its size (the time per operation of a linear workload stays the same), or "
                "something in your timing costs the same at every size (a sleep, a print, "
                "setup) and hides the growth, or the clock is read before and after "
                "something other than run(size), so both times are near zero and their "
                "ratio is noise. Take log10 of t(10n) / t(n), the whole time of each call")
    r = c10 / c1
    guesses = {"right": k, "inverted": -k, "per operation": k - 1, "log of a time":
               math.log10(c10 - c1) if c10 > c1 else math.log10(c10),
               "ratio": r, "natural log": math.log(r), "log2": math.log2(r)}
    if run.idle:
        guesses["wall clock"] = math.log10(run.best("wall", 10 * n) / run.best("wall", n))
    mistake = min(guesses, key=lambda g: abs(value - guesses[g]))
    if abs(value - guesses[mistake]) > max(0.1, 0.08 * abs(guesses[mistake])):
        return None
    if mistake == "ratio":
        return (f"you returned {value:.1f}, the ratio t(10n)/t(n) itself; the exponent is "
                "its log10 (the sizes differ by a factor of 10)")
    if mistake == "natural log":
        return (f"you returned {value:.2f}, about {exact} x 2.3: that is the natural log "
                "of the ratio. Use math.log10, since the sizes differ by a factor of 10")
    if mistake == "log2":
        return (f"you returned {value:.2f}, about {exact} x 3.3: that is log2 of the ratio. "
                "Use math.log10, since the sizes differ by a factor of 10")
    if mistake == "wall clock":
        return (f"you returned {value:.2f}, the exponent wall-clock time gives here. In "
                f"this check run(n) also waits {run.idle} s without using the CPU, as a "
                "program on a busy machine waits while others run: wall time (time.time, "
                "perf_counter, timeit's default timer) counts that wait, CPU time does "
                "not. Time with time.process_time()")
    if mistake == "log of a time":
        return (f"you returned {value:.2f}, the log10 of a time in seconds: the exponent "
                "is log10 of the ratio of two times, t(10n) / t(n), which has no unit")
    if mistake == "per operation":
        return (f"you returned {value:.2f}, far below the exponent {exact} of this "
                f"workload and about {exact - 1}, one less: the growth of the time per "
                "operation (each time divided by its size) is n**(k-1). Take log10 of the "
                "ratio of the whole times, t(10n) / t(n)")
    return None


def _not_from_these_calls(value: float, run: _SizedRun) -> str | None:
    """A message when an exponent in the accepted range is not what the calls the learner
    made measured (more than 0.3 away): right by luck, not by measuring."""
    c1, c10 = run.best("cpu", run.n), run.best("cpu", 10 * run.n)
    if c1 <= 0 or c10 <= 0:
        return None
    k = math.log10(c10 / c1)
    if abs(value - k) <= 0.3:
        return None
    w1, w10 = run.best("wall", run.n), run.best("wall", 10 * run.n)
    if w1 > 0 and w10 > 0 and abs(value - math.log10(w10 / w1)) <= 0.1:
        return (f"you returned {value:.2f}, the exponent of the wall-clock times of your "
                f"calls; their CPU times give {k:.2f}. Wall time (time.time, perf_counter, "
                "timeit's default timer) also counts the time other programs hold the CPU. "
                "Time with time.process_time()")
    return (f"you returned {value:.2f}, but the calls your function made took "
            f"{c1 * 1e3:.1f} ms of CPU at n and {c10 * 1e3:.1f} ms at 10n: an exponent of "
            f"{k:.2f}. Your number does not come from timing run(size): read the clock just "
            "before and just after each run(size) call (a stopwatch that stops before run() "
            "starts reads near zero at both sizes, and their ratio is noise)")


def _judge_growth(value: Any, exact: int, low: float, high: float,
                  run: _SizedRun) -> str | None:
    """None when ``value`` is the exponent of a workload that grows like n**exact.

    Sets ``run.by_design`` when the reason cannot change on a retry (a matched formula,
    a missing size, a single run)."""
    sizes, n = run.sizes, run.n
    run.by_design = True
    if not sizes:
        return ("your function never called run(size): time run(n) and run(10 * n) and "
                "return log10 of the ratio")
    if n not in sizes or 10 * n not in sizes:
        return (f"your function ran the workload at sizes {sorted(set(sizes))}, asked for "
                f"n={n}: time run(n) and run(10 * n), so the ratio of the two times tells "
                "the exponent")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return (f"your function returned {value!r}; return the exponent as a number "
                "(about 1 when the time grows tenfold, 2 when it grows a hundredfold)")
    if low <= value <= high:
        stray = _not_from_these_calls(value, run)
        if stray:
            return stray
        if sizes.count(n) < 2 or sizes.count(10 * n) < 2:
            return (f"you timed run(n) {sizes.count(n)} and run(10 * n) "
                    f"{sizes.count(10 * n)} time(s): one run each proves little, since on a "
                    "busy machine another program or a cold cache can spoil a single "
                    "measurement (this check retries for you; your function should not need "
                    "it). Time each size a few times and keep the smallest"
                    + (" (you timed each once)" if len(sizes) == 2 else ""))
        return None
    run.by_design = False  # a coincidence or a spoiled measurement may be to blame
    explained = _explain_from_records(value, exact, run)
    if explained:
        return explained
    ratio = 10 ** exact
    if value < 0:
        return (f"you returned {value:.2f}, a negative exponent, as if the work got faster "
                "with size: divide t(10n) by t(n), not the other way round")
    if 0.6 * ratio <= value <= 1.6 * ratio:
        return (f"you returned {value:.1f}, the ratio t(10n)/t(n) itself; the exponent is "
                "its log10 (the sizes differ by a factor of 10)")
    if 0.75 * exact * math.log(10) <= value <= 1.25 * exact * math.log(10):
        return (f"you returned {value:.2f}, about {exact} x 2.3: that is the natural log "
                "of the ratio. Use math.log10, since the sizes differ by a factor of 10")
    if 0.75 * exact * math.log2(10) <= value <= 1.25 * exact * math.log2(10):
        return (f"you returned {value:.2f}, about {exact} x 3.3: that is log2 of the ratio. "
                "Use math.log10, since the sizes differ by a factor of 10")
    if value > high:
        return (f"you returned {value:.2f}, far above the exponent {exact} of this "
                "workload: return log10(t(10n) / t(n)), not a percentage or a time")
    return (f"you returned {value:.2f}, far below the exponent {exact} of this workload. "
            "Return log10(t(10n) / t(n)); if you did, something in your timing costs the same "
            "at every size (a sleep, a print, setup) and hides the growth, or the clock is "
            "read around something other than run(size), so both times are near zero")


def _growth_case(index: int) -> Callable[[Any], None]:
    title, loop_factory, workload, n, exact, (low, high), idle = GROWTH_CASES[index]

    def case(candidate: Any) -> None:
        reasons = []
        for _ in range(ATTEMPTS):
            run = _SizedRun(loop_factory, workload, n, idle)
            with _still():  # the watchdog's sampling would count in a process's CPU time
                value = candidate(run, n)
            reason = _judge_growth(value, exact, low, high, run)
            if reason is None:
                return
            reasons.append(reason)
            if run.by_design:
                break  # another try would say the same
        raise AssertionError(f"{title}, n={n}: " + _most_common(reasons))

    case.__doc__ = f"{title} grows like n**{exact}: your exponent is about {exact}"
    case.__name__ = f"case_growth_{index + 1}"
    return case


def _most_common(reasons: list[str]) -> str:
    """The reason the attempts gave most often, numbers aside (each attempt measures
    anew, so the figures differ); the first of equals.  An answer whose timings are
    noise can match a wrong formula once by coincidence, not every time."""
    kinds = [re.sub(r"\d[\d,.]*", "#", reason) for reason in reasons]
    return reasons[kinds.index(max(kinds, key=kinds.count))]


# Formulas a learner may use instead of log10(t(10n) / t(n)), from the ratio r of the
# two times and n.  A linear and a quadratic workload together tell them apart where
# one workload cannot (per operation gives 0 on a linear one, like a constant cost).
_FORMULAS: dict[str, Callable[[float, int], float]] = {
    "right": lambda r, n: math.log10(r),
    "per operation": lambda r, n: math.log10(r) - 1,
    "log base n": lambda r, n: math.log(r, n),
    "ratio over 10": lambda r, n: r / 10,
}


def _formula_mistake(values: list[float], runs: list[_SizedRun]) -> str | None:
    """The wrong formula that gives both values from the calls they timed, if exactly one
    does (within 0.06, or 6% of a larger value: the learner timed these very calls, so a
    formula matches closely, and a loose match could be a coincidence); None otherwise."""
    measured = []
    for run in runs:
        c1, c10 = run.best("cpu", run.n), run.best("cpu", 10 * run.n)
        if c1 <= 0 or c10 <= c1:
            return None
        measured.append((c10 / c1, run.n))

    def fits(formula: Callable[[float, int], float]) -> bool:
        return all(abs(v - formula(r, n)) <= max(0.06, 0.06 * abs(formula(r, n)))
                   for v, (r, n) in zip(values, measured, strict=True))

    matched = [name for name, formula in _FORMULAS.items() if fits(formula)]
    if len(matched) != 1 or matched[0] == "right":
        return None
    got = (f"you returned {values[0]:.2f} for a linear workload and {values[1]:.2f} for a "
           "quadratic one")
    if matched[0] == "per operation":
        return (f"{got}: one less than their exponents, 1 and 2. Dividing each time by its "
                "size gives the growth of the time per operation, n**(k-1); take log10 of "
                "the ratio of the whole times, t(10n) / t(n)")
    if matched[0] == "log base n":
        return (f"{got}: the logarithm of t(10n) / t(n) in base n (n = {runs[0].n} and "
                f"{runs[1].n}). The sizes differ by a factor of 10, not n: the ratio is "
                "10**k, so k = log10 of the ratio")
    return (f"{got}: t(10n) / t(n) divided by 10, which gives 1 for a linear workload only "
            "by coincidence (a quadratic one gives 10, not 2). The exponent is log10 of "
            "the ratio")


def _case_not_constant(candidate: Any) -> None:
    """the two workloads get two different exponents (your function measures)"""
    values, runs = [], []
    for _title, loop_factory, workload, n, _exact, _range, _idle in GROWTH_CASES:
        run = _SizedRun(loop_factory, workload, n)
        with _still():  # the watchdog's sampling would count in a process's CPU time
            value = candidate(run, n)
        if (n not in run.sizes or 10 * n not in run.sizes or isinstance(value, bool)
                or not isinstance(value, numbers.Real) or not math.isfinite(value)):
            return  # the cases below say what is wrong with it
        values.append(value)
        runs.append(run)
    assert values[0] != values[1], (
        f"you returned {values[0]!r} for both workloads, the same for each: compute the "
        "exponent from the two times you measured")
    mistake = _formula_mistake(values, runs)
    assert mistake is None, mistake


growth_exercise = Exercise(
    "how does it grow?",
    cases=[_case_not_constant] + [_growth_case(i) for i in range(len(GROWTH_CASES))],
    hint=[
        "Time run(n) and run(10 * n): read time.process_time() (CPU time, which other "
        "programs on the machine do not inflate) just before and after each call. If time "
        "grows like n**k, then t(10n) / t(n) = 10**k.",
        "k = math.log10(t(10n) / t(n)). A busy machine spoils single runs: time each size "
        "a few times and keep the smallest.",
    ],
    solution=growth_exponent,
    timeout=60,
)
