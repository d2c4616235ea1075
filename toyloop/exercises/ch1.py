"""Chapter 1 exercises: generators and the generator scheduler.

Three exercises, each an :class:`~toyloop.tools.checker.Exercise`, easiest first:

* ``round_robin_exercise`` -- ``round_robin(*generators) -> (yielded, returned)``:
  run plain generators in turns and collect what they yield and return;
* ``join_exercise``        -- ``join(task)``, a generator for chapter 1's
  ``Scheduler``: ``result = yield from join(other)`` waits for another task
  without busy-waiting and hands back its result (or raises its exception);
* ``event_exercise``       -- ``Event``: ``yield from event.wait()`` parks a task
  until somebody calls ``event.set()``, which wakes every waiter through
  ``call_soon``.

Loop-based cases run on a ``Scheduler`` with a ``VirtualClock`` and drive it for
a bounded number of turns (:func:`drive`), so a busy-wait or a missed wake-up
is reported, not hung.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator
from typing import Any

from toyloop.ch1_generators import Scheduler, Task, sleep
from toyloop.clock import VirtualClock
from toyloop.tools.checker import Exercise
from toyloop.tools.watchdog import CaseTimeout, current_guard

__all__ = ["Event", "drive", "event_exercise", "join", "join_exercise", "round_robin",
           "round_robin_exercise"]

IDLE = ("the scheduler went idle: nothing is ready and no timer is set, but the main task "
        "has not finished. A task is parked and nobody will ever wake it: did you forget "
        "to schedule its next step (call_soon, call_later or add_done_callback)?")
SPIN = ("the scheduler ran {n} turns without finishing, and its virtual clock never moved: "
        "some task keeps yielding without waiting for anything (busy-waiting). Park the task "
        "and have the thing it waits for wake it instead.")


def new_scheduler() -> Scheduler:
    return Scheduler(clock=VirtualClock())


def drive(scheduler: Scheduler, main: Generator, max_turns: int = 2000) -> Any:
    """Run ``main`` as a task for at most ``max_turns`` turns; return its result."""
    task = scheduler.create_task(main, name="main")
    guard = current_guard()
    if guard is not None:
        guard.used_loop = True
    for _ in range(max_turns):
        if task.done():
            return _result(task)
        if not scheduler._ready and not scheduler._scheduled:
            raise AssertionError(IDLE)
        _turn(scheduler, guard)
    if task.done():
        return task.result()
    raise AssertionError(SPIN.format(n=max_turns))


def _result(task: Task) -> Any:
    try:
        return task.result()
    except TypeError as error:
        if "deriving from BaseException" not in str(error):
            raise
        raise AssertionError(
            f"a task failed with TypeError: {error}. task.step(x) throws x into the "
            "generator as an exception; it is not a way to pass a value in. Call "
            "task.step() to resume a task, and let it read the other task's result "
            "itself (task.result()) once it runs") from None


def _turn(scheduler: Scheduler, guard: Any) -> None:
    """One turn of the scheduler, watched like a loop's handle (blocking is reported)."""
    if guard is not None:
        guard.handle_begins("a scheduler turn")
    try:
        scheduler._run_once()
    except TypeError as error:
        if guard is not None:
            guard.handle_ends()
        if "not callable" not in str(error):
            raise
        raise AssertionError(
            f"the scheduler tried to call something that is not a function ({error}). "
            "call_soon takes a function to call later: schedule the task's step method, "
            "task.loop.call_soon(task.step), not the task itself") from None
    except CaseTimeout:  # the watchdog interrupted a turn that blocked too long
        report = guard.handle_ends() if guard is not None else None
        if report is None:
            raise
        raise AssertionError(report.replace("the loop", "the scheduler")) from None
    report = guard.handle_ends() if guard is not None else None
    if report is not None:
        raise AssertionError(report.replace("the loop", "the scheduler"))


class _Tracked:
    """A generator stand-in that fails loudly when resumed after it has finished."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.finished = False

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def send(self, value: Any) -> Any:
        if self.finished:
            raise AssertionError(
                "round_robin resumed a generator that had already finished (it raised "
                "StopIteration): drop a finished generator from the turns, and keep going "
                "with the others")
        try:
            return self.gen.send(value)
        except StopIteration:
            self.finished = True
            raise

    def throw(self, *args: Any) -> Any:
        return self.gen.throw(*args)

    def close(self) -> None:
        self.gen.close()


class Counted:
    """Wraps a generator and counts how often a Task resumed it (send or throw)."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.resumed = 0

    def send(self, value: Any) -> Any:
        self.resumed += 1
        return self.gen.send(value)

    def throw(self, exc: BaseException) -> Any:
        self.resumed += 1
        return self.gen.throw(exc)


# ---------------------------------------------------------------------------
# Exercise 1: round_robin
# ---------------------------------------------------------------------------


def round_robin(*generators):
    """Reference: one ``next`` per generator per round until all are exhausted."""
    yielded = []
    returned = [None] * len(generators)
    turns = list(enumerate(generators))
    while turns:
        still_running = []
        for index, gen in turns:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[index] = stop.value
            else:
                still_running.append((index, gen))
        turns = still_running
    return yielded, returned


def _counter(name: str, n: int, log: list | None = None) -> Generator:
    for i in range(n):
        if log is not None:
            log.append(f"{name}{i} produced")
        yield f"{name}{i}"
    return f"{name} done"


def _call_round_robin(fn: Any, *gens: Generator) -> tuple[list, list]:
    out = fn(*[_Tracked(g) for g in gens])
    assert isinstance(out, tuple) and len(out) == 2, (
        f"round_robin should return a pair (yielded, returned), got {out!r}")
    yielded, returned = out
    return list(yielded), list(returned)


def case_rr_one_generator(fn: Any) -> None:
    """one generator: its values, then its return value"""
    yielded, returned = _call_round_robin(fn, _counter("a", 3))
    assert yielded == ["a0", "a1", "a2"], (
        f"expected yielded ['a0', 'a1', 'a2'], got {yielded}"
        + (": keep going until every generator is exhausted (StopIteration), not for a "
           "fixed number of rounds" if ["a0", "a1", "a2"][:len(yielded)] == yielded else ""))
    assert returned == ["a done"], (
        f"expected returned ['a done'], got {returned}: a generator's return value "
        "arrives as StopIteration.value")


def case_rr_take_turns(fn: Any) -> None:
    """two generators take turns, one value each per round"""
    yielded, _ = _call_round_robin(fn, _counter("a", 2), _counter("b", 2))
    expected = ["a0", "b0", "a1", "b1"]
    if yielded == ["a0", "a1", "b0", "b1"]:
        raise AssertionError(f"got {yielded}: you ran the first generator to the end before "
                             f"starting the second. Take one value from each in turn: "
                             f"expected {expected}")
    assert yielded == expected, f"expected {expected}, got {yielded}"


def case_rr_lazy(fn: Any) -> None:
    """each generator is resumed only on its turn (no list() up front)"""
    log: list[str] = []
    _call_round_robin(fn, _counter("a", 2, log), _counter("b", 2, log))
    expected = ["a0 produced", "b0 produced", "a1 produced", "b1 produced"]
    assert log == expected, (
        f"the generators ran in the order {log}; expected {expected}. Don't exhaust a "
        "generator (list(), a for loop) before moving to the next: call next() once per turn")


def case_rr_unequal(fn: Any) -> None:
    """generators of different lengths: the others go on after one finishes"""
    yielded, _ = _call_round_robin(fn, _counter("a", 1), _counter("b", 3), _counter("c", 2))
    expected = ["a0", "b0", "c0", "b1", "c1", "b2"]
    if yielded == ["a0", "b0", "c0"]:
        raise AssertionError(f"got {yielded}: you stopped when the first generator finished. "
                             "Drop only the finished one; the others go on: expected "
                             f"{expected}")
    assert yielded == expected, (
        f"expected {expected}, got {yielded}: the values came out in the wrong order. "
        "Check that removing a finished generator does not make you skip the next one's "
        "turn (don't remove items from the list you are looping over)")


def case_rr_returns_in_argument_order(fn: Any) -> None:
    """return values come back in argument order, even if they finish out of order"""
    _, returned = _call_round_robin(fn, _counter("c", 3), _counter("a", 0), _counter("b", 1))
    expected = ["c done", "a done", "b done"]  # not sorted: argument order is not sort order
    assert returned == expected, (
        f"expected returned {expected}, got {returned}: put each StopIteration.value at its "
        "generator's position, not in the order they finished")


def _yields_none(n: int) -> Generator:
    for _ in range(n):
        yield None  # a bare `yield`: "let the others run", not "I am done"
    return "quiet done"


def case_rr_yielded_none_is_a_value(fn: Any) -> None:
    """a generator that yields None keeps its turns (None is a value, not the end)"""
    yielded, returned = _call_round_robin(fn, _yields_none(2), _counter("b", 2))
    expected = [None, "b0", None, "b1"]
    assert yielded == expected and returned == ["quiet done", "b done"], (
        f"with a generator that yields None twice, got yielded {yielded} and returned "
        f"{returned}; expected {expected} and ['quiet done', 'b done']. A bare `yield` "
        "gives None: that is a value like any other. Only StopIteration means a generator "
        "has finished")


class _Broken(Exception):
    """raised by the checker's failing generator"""


def _fails_after(n: int) -> Generator:
    for i in range(n):
        yield f"f{i}"
    raise _Broken("the generator failed")


def case_rr_exception_propagates(fn: Any) -> None:
    """a generator that raises: the exception reaches round_robin's caller"""
    try:
        out = fn(_counter("a", 3), _fails_after(1))
    except _Broken:
        return
    raise AssertionError(
        f"a generator raised an exception on its second turn, but round_robin returned "
        f"{out!r}: it swallowed the error. Catch only StopIteration (the normal end); let "
        "every other exception reach the caller, as a loop reports a failing task")


def case_rr_called_twice(fn: Any) -> None:
    """a second call does not remember the first one"""
    first = _call_round_robin(fn, _counter("a", 2))
    second = _call_round_robin(fn, _counter("a", 2))
    assert second == first, (
        f"the same call gave {first} the first time and {second} the second: the second "
        "call still holds the previous call's values. Create the result lists inside the "
        "function, not as default arguments or module-level lists")


def case_rr_no_generators(fn: Any) -> None:
    """no generators at all: two empty lists"""
    assert _call_round_robin(fn) == ([], []), "round_robin() should return ([], [])"


round_robin_exercise = Exercise(
    "round_robin",
    cases=[case_rr_take_turns, case_rr_called_twice, case_rr_lazy, case_rr_unequal,
           case_rr_one_generator, case_rr_returns_in_argument_order, case_rr_no_generators,
           case_rr_yielded_none_is_a_value, case_rr_exception_propagates],
    hint=[
        "Keep a list of (position, generator) pairs still running. Each round, call next() "
        "once on each and append the value to `yielded`.",
        "next() raises StopIteration when a generator returns: catch it, store stop.value at "
        "returned[position], and leave that generator out of the next round.",
        "Build the next round's list as you go instead of removing items from the list you "
        "are looping over (removing while iterating skips an element).",
    ],
    solution=round_robin,
)


# ---------------------------------------------------------------------------
# Exercise 2: join
# ---------------------------------------------------------------------------


def join(task):
    """Reference: park until ``task`` is done (its done callback wakes us), then return."""
    if not task.done():
        yield lambda me: task.add_done_callback(me.step)
    return task.result()


def _worker(delay: float, value: Any = None, error: Exception | None = None) -> Generator:
    yield from sleep(delay)
    if error is not None:
        raise error
    return value


def _join_gen(fn: Any, other: Task) -> Generator:
    try:
        gen = fn(other)
    except NotImplementedError:
        raise
    except Exception as error:
        if inspect.isgeneratorfunction(fn):
            raise
        raise AssertionError(
            f"join(task) raised {type(error).__name__}: {error} as soon as it was called. "
            "join is a plain function, so it cannot wait; it should be a generator (put a "
            "`yield` in it) that parks until the task is done") from None
    assert inspect.isgenerator(gen), (
        f"join(task) returned {gen!r}; it should be a generator (put a `yield` in it), so that "
        "`yield from join(task)` can pause the caller")
    return gen


def _check_too_early(error: BaseException) -> None:
    if isinstance(error, RuntimeError) and "has not finished yet" in str(error):
        raise AssertionError(
            "join asked for the task's result before the task had finished "
            f"(RuntimeError: {error}). Park the joining task until the task is done: "
            "task.add_done_callback(...) with something that resumes the joining task") from None


def case_join_result(fn: Any) -> None:
    """join returns the other task's result, as soon as it finishes"""
    s = new_scheduler()
    woke_at = []

    def main():
        other = s.create_task(_worker(2, value="the answer"))
        result = yield from _join_gen(fn, other)
        woke_at.append(s.time())
        return result

    try:
        result = drive(s, main())
    except RuntimeError as error:
        _check_too_early(error)
        raise
    if isinstance(result, Task):
        raise AssertionError("join returned the Task itself: return task.result() instead")
    assert result == "the answer", (
        f"yield from join(other) gave {result!r}, expected 'the answer': return the task's "
        "result at the end of join (a generator's return value is what `yield from` gives)")
    assert woke_at == [2.0], (
        f"the joining task resumed at t={woke_at[0]}, but the other task finished at t=2.0: "
        "wake it when the task finishes (add_done_callback), don't poll on a timer: that "
        "is busy-waiting, and it notices the end late")


def case_join_no_busy_wait(fn: Any) -> None:
    """the joining task sleeps while it waits: resumed at most twice"""
    s = new_scheduler()
    counted: list[Counted] = []

    def joiner(other):
        return (yield from _join_gen(fn, other))

    def main():
        other = s.create_task(_worker(10, value=1))
        c = Counted(joiner(other))
        counted.append(c)
        task = Task(c, s, "joiner")
        s.call_soon(task.step)
        yield from join(task)

    drive(s, main(), max_turns=500)
    assert counted[0].resumed <= 2, (
        f"the joining task was resumed {counted[0].resumed} times while the other task slept "
        "for 10 s: it is polling. Park it once and let the task's done callback wake it")


def case_join_exception(fn: Any) -> None:
    """join raises the other task's exception in the joining task"""
    s = new_scheduler()

    def main():
        other = s.create_task(_worker(1, error=KeyError("lost")))
        try:
            yield from _join_gen(fn, other)
        except KeyError as exc:
            return exc
        return None

    got = drive(s, main())
    assert isinstance(got, KeyError), (
        "the other task raised KeyError('lost') but join did not raise it: call "
        "task.result(), which raises the task's exception, and don't catch it")


def case_join_finished_task(fn: Any) -> None:
    """joining a task that already finished returns its result without waiting"""
    s = new_scheduler()

    def main():
        other = s.create_task(_worker(0, value=7))
        yield from sleep(1)
        assert other.done()
        return (yield from _join_gen(fn, other))

    result = drive(s, main())
    assert result == 7, f"joining a finished task gave {result!r}, expected 7"


def case_join_many_joiners(fn: Any) -> None:
    """three tasks join the same task; all get its result at the same time"""
    s = new_scheduler()
    got = []

    def waiter(other, name):
        value = yield from _join_gen(fn, other)
        got.append((name, value, s.time()))

    def main():
        other = s.create_task(_worker(3, value="v"))
        waiters = [s.create_task(waiter(other, n)) for n in "xyz"]
        yield from join(waiters[-1])
        yield from sleep(1)

    drive(s, main())
    assert sorted(got) == [("x", "v", 3.0), ("y", "v", 3.0), ("z", "v", 3.0)], (
        f"expected every waiter to get 'v' at t=3.0, got {got}: only some of the joining "
        "tasks woke. Keep every joining task (a list per task), not just the last one")


join_exercise = Exercise(
    "join",
    cases=[case_join_result, case_join_no_busy_wait, case_join_exception,
           case_join_finished_task, case_join_many_joiners],
    hint=[
        "A task parks by yielding a function arrange(me); the scheduler calls it with the "
        "task, and must not be asked to step the task again until something wakes it.",
        "Task.add_done_callback(fn) calls fn() through call_soon once the task finishes. "
        "What should fn be, to resume the joining task?",
        "`yield lambda me: task.add_done_callback(me.step)` parks until the task is done; "
        "afterwards `return task.result()`.",
    ],
    solution=join,
)


# ---------------------------------------------------------------------------
# Exercise 3: Event
# ---------------------------------------------------------------------------


class Event:
    """Reference: a flag that tasks can wait for (compare asyncio.Event)."""

    def __init__(self):
        self._flag = False
        self._waiters = []  # tasks parked in wait()

    def is_set(self):
        return self._flag

    def set(self):
        """Set the flag and wake every waiting task, through call_soon."""
        if self._flag:
            return
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters.clear()

    def wait(self):
        """``yield from event.wait()``: park until the flag is set; return True."""
        if not self._flag:
            yield self._waiters.append
        return True


INLINE = ("a waiter ran inside set(), before set() returned. set() should only schedule the "
          "wake-up: task.loop.call_soon(task.step). Running waiters inline lets their code "
          "run in the middle of the caller's")


def _waiter(s: Scheduler, event: Any, name: str, log: list) -> Generator:
    gen = event.wait()
    assert inspect.isgenerator(gen), (
        f"event.wait() returned {gen!r}; it should be a generator (put a `yield` in it)")
    result = yield from gen
    log.append((name, s.time(), result))


def _setter(s: Scheduler, event: Any, delay: float, log: list) -> Generator:
    yield from sleep(delay)
    event.set()
    log.append(("set() returned", s.time(), None))


def case_event_already_set(cls: Any) -> None:
    """wait() on an event that is already set returns True without parking"""
    s = new_scheduler()
    event = cls()
    event.set()
    assert event.is_set() is True, "is_set() should be True after set()"
    log: list = []

    def main():
        yield from _waiter(s, event, "w", log)

    drive(s, main())
    assert log == [("w", 0.0, True)], (
        f"expected the waiter to finish at once with True, got {log}"
        + (": return True from wait()" if log and log[0][2] is not True else ""))


def case_event_wakes_a_waiter(cls: Any) -> None:
    """a task waiting before set() resumes right after set(), at the same time"""
    s = new_scheduler()
    event = cls()
    assert event.is_set() is False, (
        "is_set() on a new event returned True: it should report the flag, which only "
        "set() turns on")
    log: list = []

    def main():
        s.create_task(_setter(s, event, 1, log))
        yield from _waiter(s, event, "w", log)

    drive(s, main())
    order = [entry[0] for entry in log]
    if order == ["w", "set() returned"]:
        raise AssertionError(INLINE)
    assert order == ["set() returned", "w"], f"events happened in this order: {log}"
    if log[1][0] == "w" and log[1][1] > 1.0:
        raise AssertionError(
            f"the waiter resumed at t={log[1][1]}, after set() at t=1.0: wait() polls the "
            "flag on a timer (busy-waiting) instead of parking until set() wakes it")
    assert log[1] == ("w", 1.0, True), (
        f"the waiter finished as {log[1]}, expected ('w', 1.0, True): it should resume at the "
        "time set() is called and get True from wait()")


def case_event_set_does_not_run_waiters_inline(cls: Any) -> None:
    """set() returns before any waiter runs (wake-ups go through call_soon)"""
    s = new_scheduler()
    event = cls()
    log: list = []

    def main():
        s.create_task(_waiter(s, event, "w", log))
        yield from sleep(1)
        event.set()
        if log:
            raise _RanInline
        log.append(("set() returned", s.time(), None))
        yield from sleep(1)

    try:
        drive(s, main())
    except _RanInline:
        raise AssertionError(INLINE) from None
    assert [entry[0] for entry in log] == ["set() returned", "w"], f"got {log}"


class _RanInline(Exception):
    """A waiter ran before set() returned."""


def case_event_wakes_everyone(cls: Any) -> None:
    """set() wakes every waiting task, in the order they started waiting"""
    s = new_scheduler()
    event = cls()
    log: list = []

    def main():
        for name in "abc":
            s.create_task(_waiter(s, event, name, log))
        yield from sleep(2)
        event.set()
        yield from sleep(1)

    drive(s, main())
    names = [entry[0] for entry in log]
    assert names == ["a", "b", "c"], (
        f"after set() these waiters resumed: {names}; expected ['a', 'b', 'c']. Wake every "
        "waiter, not just one, in the order they arrived")
    assert all(entry[1] == 2.0 for entry in log), f"all should resume at t=2.0: {log}"


def case_event_no_busy_wait(cls: Any) -> None:
    """a waiting task sleeps: resumed at most twice while it waits 10 s"""
    s = new_scheduler()
    event = cls()
    log: list = []
    counted = Counted(_waiter(s, event, "w", log))

    def main():
        task = Task(counted, s, "waiter")
        s.call_soon(task.step)
        yield from sleep(10)
        event.set()
        yield from sleep(1)

    drive(s, main(), max_turns=500)
    assert counted.resumed <= 2, (
        f"the waiting task was resumed {counted.resumed} times in 10 s: it is polling the "
        "flag. Park it (yield a function that stores the task) and let set() wake it")


def case_event_wakes_once(cls: Any) -> None:
    """calling set() again does not wake the same tasks a second time"""
    s = new_scheduler()
    event = cls()
    log: list = []

    def sleepy_waiter():
        yield from _waiter(s, event, "w", log)
        yield from sleep(5)  # must not be cut short by another set()
        log.append(("slept", s.time(), None))

    def main():
        s.create_task(sleepy_waiter())
        yield from sleep(1)
        event.set()
        yield from sleep(1)
        event.set()
        yield from sleep(10)

    drive(s, main())
    assert log == [("w", 1.0, True), ("slept", 6.0, None)], (
        f"got {log}: the second set() woke the waiter twice, in the middle of its sleep. "
        "Forget the waiters once you have woken them (clear the list), and make set() on a "
        "set event do nothing")


def case_event_instances_independent(cls: Any) -> None:
    """two events are independent: setting one wakes only its own waiters"""
    s = new_scheduler()
    first, second = cls(), cls()
    log: list = []

    def main():
        s.create_task(_waiter(s, first, "on first", log))
        s.create_task(_waiter(s, second, "on second", log))
        yield from sleep(1)
        second.set()
        yield from sleep(1)
        woke = [entry[0] for entry in log]
        first.set()
        yield from sleep(1)
        return woke

    woke = drive(s, main())
    assert woke == ["on second"], (
        f"two Event objects; after the second one's set(), these waiters had resumed: {woke}, "
        "expected only ['on second']. Every Event needs its own list of waiters: create it "
        "in __init__ (self._waiters = []), not as a class attribute shared by every "
        "instance" + ("" if not first.is_set() or not woke else ""))
    assert first.is_set() and second.is_set(), "both events should be set by now"


event_exercise = Exercise(
    "Event",
    cases=[case_event_already_set, case_event_wakes_a_waiter,
           case_event_set_does_not_run_waiters_inline, case_event_wakes_everyone,
           case_event_no_busy_wait, case_event_wakes_once, case_event_instances_independent],
    hint=[
        "Keep a flag and a list of waiting tasks. wait() returns True at once if the flag is "
        "set; otherwise it parks the task by yielding a function that stores it.",
        "`yield self._waiters.append` is such a function: the scheduler calls it with the "
        "task, and the task stays parked until someone schedules its step.",
        "set(): set the flag, then for each stored task call task.loop.call_soon(task.step), "
        "and empty the list.",
    ],
    solution=Event,
)
