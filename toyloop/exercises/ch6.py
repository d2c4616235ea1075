"""Chapter 6 exercises: find the slow step and fix it.

Two exercises, each an :class:`~toyloop.tools.checker.Exercise`:

* ``call_soon_exercise`` -- ``slow_call_soon`` copies the whole ready queue to add
  one handle, so queueing n callbacks costs O(n**2).  Write ``call_soon`` for
  the loop that is O(1) and keeps its behaviour;
* ``call_at_exercise``   -- ``sorted_call_at`` re-sorts every timer each time one
  is added.  Write ``call_at`` that keeps ``loop._scheduled`` a heap of
  ``(when, seq, TimerHandle)`` entries, as chapter 2's loop does.

The checks are deterministic: they never time anything.  Each case runs the
learner's method on a fresh ``EventLoop`` subclass (virtual clock) and judges
behaviour; the cost cases count work instead of reading the code: the queue is a
deque that counts the elements each call touches, and timer deadlines count their
comparisons, measured with 1,000 and then 10,000 entries already queued.  So any
O(1) append passes (``append``, ``extend((h,))``, ``+= [h]``) and any O(n) rebuild
fails, however it is spelled.

Chapter 6 poses them after its measuring exercises (``ch6_measure``): having found
the slow part, fix it.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import heapq
import math
import random
from typing import Any

from toyloop.ch2_futures import Handle, TimerHandle
from toyloop.ch5_asyncio import EventLoop
from toyloop.clock import VirtualClock
from toyloop.tools.checker import Exercise, run_in_loop

__all__ = [
    "call_at", "call_at_exercise", "call_soon", "call_soon_exercise", "loop_with",
    "slow_call_soon", "sorted_call_at",
]


def loop_with(**methods: Any) -> type:
    """An EventLoop subclass with some methods replaced (``call_soon=my_call_soon``)."""
    return type("ExerciseLoop", (EventLoop,), dict(methods))


# ===========================================================================
# Exercise 1: a call_soon that costs O(1)
# ===========================================================================


def slow_call_soon(self, callback, *args, context=None):
    """The slow one: correct, but it rebuilds the ready queue on every call."""
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    queued = list(self._ready)          # copy every handle already waiting...
    queued.append(handle)
    self._ready = collections.deque(queued)   # ...and build a new queue from them
    return handle


def call_soon(self, callback, *args, context=None):
    """Run ``callback(*args)`` in the next iteration, after those already queued."""
    if self._closed:
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.append(handle)  # O(1): the deque is never copied
    return handle


class _CountingDeque(collections.deque):
    """A deque that counts the queued elements each operation touches.

    ``append``/``appendleft``/``pop``/``popleft`` touch one; iterating, copying,
    searching or extending touch as many as they walk over.  The checker reads the
    count to measure cost, whatever methods the learner's code calls.
    """

    touched = 0

    def _walk(self, n: int) -> None:
        self.touched += n

    def append(self, item: Any) -> None:
        self._walk(1)
        super().append(item)

    def appendleft(self, item: Any) -> None:
        self._walk(1)
        super().appendleft(item)

    def __iter__(self) -> Any:
        for item in super().__iter__():
            self._walk(1)
            yield item

    def __reversed__(self) -> Any:
        for item in super().__reversed__():
            self._walk(1)
            yield item

    def __contains__(self, item: Any) -> bool:
        self._walk(len(self))
        return super().__contains__(item)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            n = len(self)
            i = index % n if n else 0
            self._walk(1 + min(i, n - i))  # a deque walks from the nearer end
        return super().__getitem__(index)

    def count(self, item: Any) -> int:
        self._walk(len(self))
        return super().count(item)

    def index(self, *args: Any) -> int:
        self._walk(len(self))
        return super().index(*args)

    def remove(self, item: Any) -> None:
        self._walk(len(self))
        super().remove(item)

    def __copy__(self) -> Any:
        self._walk(len(self))
        return collections.deque(super().__iter__())

    copy = __copy__

    def extend(self, items: Any) -> None:
        items = list(items)
        self._walk(len(items))
        super().extend(items)

    def __iadd__(self, items: Any) -> Any:
        self.extend(items)
        return self

    def __add__(self, items: Any) -> Any:
        self._walk(len(self))
        return collections.deque(super().__iter__()) + collections.deque(items)

    def insert(self, i: int, item: Any) -> None:
        # CPython inserts at either end directly and elsewhere rotates the nearer part
        # round: insert(len(d), x) is an append, insert(0, x) an appendleft.
        n = len(self)
        at = min(max(i + n if i < 0 else i, 0), n)
        self._walk(1 + min(at, n - at))
        super().insert(i, item)

    def rotate(self, n: int = 1) -> None:
        self._walk(abs(n))
        super().rotate(n)

    def reverse(self) -> None:
        self._walk(len(self))
        super().reverse()

    def __setitem__(self, index: Any, item: Any) -> None:
        n = len(self)
        i = index % n if n else 0
        self._walk(1 + min(i, n - i))
        super().__setitem__(index, item)

    def __delitem__(self, index: Any) -> None:
        n = len(self)
        i = index % n if n else 0
        self._walk(1 + min(i, n - i))
        super().__delitem__(index)

    def __mul__(self, times: Any) -> Any:
        self._walk(len(self) * max(times, 1))
        return collections.deque(super().__iter__()) * times

    def __imul__(self, times: Any) -> Any:
        self._walk(len(self) * max(times, 1))
        return super().__imul__(times)


def _filled_deque(n: int) -> _CountingDeque:
    ready = _CountingDeque()
    collections.deque.extend(ready, [None] * n)  # filled without counting
    ready.touched = 0
    return ready


def _call_soon_cost(candidate: Any, n: int, calls: int = 10) -> tuple[float, bool]:
    """Elements of loop._ready touched per call_soon with ``n`` already queued."""
    loop = loop_with(call_soon=candidate)(clock=VirtualClock())
    replaced = False
    total = 0
    try:
        for _ in range(calls):
            ready = loop._ready = _filled_deque(n)
            loop.call_soon(print)
            if loop._ready is not ready:
                replaced = True
            total += ready.touched
    finally:
        loop._ready = collections.deque()
        loop.close()
    return total / calls, replaced


def _check_queues_one_handle(candidate: Any) -> None:
    """Before any loop runs: one call_soon puts one Handle on loop._ready, and runs nothing.

    A wrong answer here would otherwise fail later with a symptom far from its cause
    (a task stepped twice, "no running event loop", a tuple with no ``_callback``)."""
    loop = loop_with(call_soon=candidate)(clock=VirtualClock())
    ran: list[str] = []
    try:
        handle = loop.call_soon(ran.append, "ran")
        ready = list(collections.deque.__iter__(loop._ready))
        timers = list(loop._scheduled)
    finally:
        loop.close()
    if ran:
        raise AssertionError(
            "call_soon ran the callback immediately, inside the call. It must only queue "
            "it: append a Handle to loop._ready, and the loop runs it in its next "
            "iteration, after the callbacks already waiting")
    not_handles = [item for item in ready if not isinstance(item, Handle)]
    if not_handles:
        raise AssertionError(
            f"loop._ready holds {not_handles[0]!r}, which is not a Handle. The loop runs "
            "each entry with entry._run(), so queue the Handle itself: "
            "Handle(callback, args, self, context)")
    if not ready:
        in_heap = any(isinstance(entry, tuple) and any(x is handle for x in entry)
                      for entry in timers)
        raise AssertionError(
            "after call_soon, loop._ready is empty: "
            + ("the callback went to the timer heap (loop._scheduled) instead. A timer "
               "runs in deadline order, after the callbacks already ready, and costs "
               "O(log n); call_soon appends a Handle to loop._ready"
               if in_heap or timers else "the callback was never queued"))
    if len(ready) > 1:
        times = "twice" if len(ready) == 2 else f"{len(ready)} times"
        raise AssertionError(
            f"one call_soon put {len(ready)} entries on loop._ready, so the callback would "
            f"run {times}. Append its Handle once")
    queued_args = ready[0]._args
    if not (isinstance(queued_args, (tuple, list)) and tuple(queued_args) == ("ran",)):
        raise AssertionError(
            f"call_soon(callback, 'ran') queued a Handle whose arguments are "
            f"{queued_args!r}, not ('ran',): *args is already a tuple, so pass it on "
            "as it is: Handle(callback, args, self, context)")


def _case_order(candidate: Any) -> None:
    """callbacks run once each, in the order they were queued, with their arguments"""
    _check_queues_one_handle(candidate)
    seen: list[Any] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for i in range(5):
            loop.call_soon(seen.append, i)
        loop.call_soon(seen.extend, ["a", "b"])
        await _yield_a_few()

    run_in_loop(main, loop_factory=loop_with(call_soon=candidate))
    assert seen == [0, 1, 2, 3, 4, "a", "b"], (
        f"expected the callbacks to run as [0, 1, 2, 3, 4, 'a', 'b'], saw {seen!r}: "
        "call_soon must queue callback(*args) at the end of loop._ready")


def _case_handle(candidate: Any) -> None:
    """it returns a Handle, and a cancelled Handle does not run"""
    seen: list[str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        handle = loop.call_soon(seen.append, "cancelled")
        assert isinstance(handle, Handle), (
            f"call_soon returned {handle!r}; it must return the Handle it queued")
        handle.cancel()
        loop.call_soon(seen.append, "kept")
        await _yield_a_few()

    run_in_loop(main, loop_factory=loop_with(call_soon=candidate))
    assert seen == ["kept"], f"expected only 'kept' to run, saw {seen!r}"


def _case_context(candidate: Any) -> None:
    """context=... is the context the callback runs in"""
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="default")
    seen: list[str] = []
    ctx = contextvars.copy_context()
    ctx.run(var.set, "from context")

    async def main() -> None:
        asyncio.get_running_loop().call_soon(lambda: seen.append(var.get()), context=ctx)
        await _yield_a_few()

    run_in_loop(main, loop_factory=loop_with(call_soon=candidate))
    assert seen == ["from context"], (
        f"the callback saw {seen!r}: pass context on to Handle(callback, args, self, context)")


def _case_closed(candidate: Any) -> None:
    """a closed loop refuses: RuntimeError('Event loop is closed')"""
    loop = loop_with(call_soon=candidate)(clock=VirtualClock())
    loop.close()
    try:
        loop.call_soon(print)
    except RuntimeError as exc:
        assert str(exc) == "Event loop is closed", f"wrong message: {exc}"
    else:
        raise AssertionError("call_soon on a closed loop must raise "
                             "RuntimeError('Event loop is closed')")


def _case_constant_time(candidate: Any) -> None:
    """its cost does not grow with the queue: the same work with 1,000 or 10,000 waiting"""
    small, _ = _call_soon_cost(candidate, 1_000)
    large, replaced = _call_soon_cost(candidate, 10_000)
    assert large <= 2 * small + 5, (
        f"with 1,000 callbacks already waiting one call_soon touched {small:.0f} of them; "
        f"with 10,000 waiting, {large:.0f}. Its cost grows with the queue: O(n) per call, "
        "so n calls cost O(n**2)."
        + (" It builds a new queue, copying every handle already waiting."
           if replaced else "")
        + " Adding one handle at the end of a deque touches nothing else "
        "(self._ready.append(handle)): O(1)")


call_soon_exercise = Exercise(
    "call_soon in O(1)",
    cases=[_case_order, _case_handle, _case_context, _case_closed, _case_constant_time],
    hint=[
        "Look at what slow_call_soon does with self._ready. How many handles does it "
        "touch to add one?",
        "loop._ready is already a collections.deque: append the new Handle to it and "
        "return the Handle. Keep the closed-loop check.",
    ],
    solution=call_soon,
)


# ===========================================================================
# Exercise 2: a timer queue that is a heap
# ===========================================================================


def sorted_call_at(self, when, callback, *args, context=None):
    """The slow one: the whole timer list is sorted again for every new timer."""
    if self.is_closed():
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    self._scheduled.append((when, self._timer_seq(), timer))
    self._scheduled.sort()
    timer._scheduled = True
    return timer


def call_at(self, when, callback, *args, context=None):
    """Run ``callback(*args)`` at loop time ``when``: a heap push, O(log n)."""
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer


class _Key(float):
    """A deadline that counts how often it is compared (a heap push: about log2(n))."""

    compared = [0]  # shared by every _Key of one measurement

    def _count(self) -> None:
        self.compared[0] += 1

    def __lt__(self, other: Any) -> bool:
        self._count()
        return float(self) < other

    def __le__(self, other: Any) -> bool:
        self._count()
        return float(self) <= other

    def __gt__(self, other: Any) -> bool:
        self._count()
        return float(self) > other

    def __ge__(self, other: Any) -> bool:
        self._count()
        return float(self) >= other

    def __eq__(self, other: Any) -> bool:
        self._count()
        return float(self) == other

    def __ne__(self, other: Any) -> bool:
        self._count()
        return float(self) != other

    __hash__ = float.__hash__


class _MovingList(list):
    """A list that counts the elements its inserts, pops and copies move or walk."""

    def __init__(self, *args: Any, moved: list | None = None) -> None:
        super().__init__(*args)
        self.moved = moved if moved is not None else [0]

    def insert(self, i: int, item: Any) -> None:
        n = len(self)
        self.moved[0] += n - min(max(i if i >= 0 else n + i, 0), n)
        super().insert(i, item)

    def pop(self, *args: Any) -> Any:
        i = args[0] if args else -1
        n = len(self)
        self.moved[0] += n - 1 - (i if i >= 0 else n + i)
        return super().pop(*args)

    def __iter__(self) -> Any:
        self.moved[0] += len(self)
        return super().__iter__()

    def copy(self) -> list:
        self.moved[0] += len(self)
        return list(super().__iter__())

    def __add__(self, other: Any) -> list:
        self.moved[0] += len(self)
        return list(super().__iter__()) + list(other)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self.moved[0] += len(self)
        super().sort(*args, **kwargs)

    def index(self, *args: Any) -> int:
        self.moved[0] += len(self)
        return super().index(*args)

    def remove(self, item: Any) -> None:
        self.moved[0] += len(self)
        super().remove(item)


def _call_at_cost(candidate: Any, n: int, calls: int = 10) -> float:
    """Comparisons plus elements moved per call_at with ``n`` timers already set."""
    loop = loop_with(call_at=candidate)(clock=VirtualClock())
    compared, moved = [0], [0]
    _Key.compared = compared
    rng = random.Random(n)
    try:
        entries = [(_Key(rng.uniform(100, 10_000)), -i, None) for i in range(n)]
        heapq.heapify(entries)
        loop._scheduled = _MovingList(entries, moved=moved)
        compared[0] = moved[0] = 0
        for _ in range(calls):
            loop.call_at(_Key(rng.uniform(100, 10_000)), print)
        return (compared[0] + moved[0]) / calls
    finally:
        loop._scheduled = []
        loop.close()


def _is_heap(items: list) -> bool:
    return all(not items[i] < items[(i - 1) // 2] for i in range(1, len(items)))


def _entry_holding(entries: list, timer: Any) -> Any:
    """The heap entry that holds ``timer`` (the timer itself, or a tuple containing it)."""
    for entry in entries:
        if entry is timer or (isinstance(entry, tuple) and any(x is timer for x in entry)):
            return entry
    return None


def _check_pushes_its_timer(candidate: Any) -> None:
    """Before any loop runs: one call_at leaves its TimerHandle in loop._scheduled,
    in an entry that starts with the deadline as given.

    Wrong answers here would otherwise fail later with a symptom far from the cause
    (a loop gone idle, an AttributeError inside ``_run_once``, timers all firing at once)."""
    now, when = 100.0, 105.0
    loop = loop_with(call_at=candidate)(clock=VirtualClock(start=now))
    try:
        timer = loop.call_at(when, print)
        entries = list(loop._scheduled)
    finally:
        loop.close()
    if isinstance(timer, Handle) and not isinstance(timer, TimerHandle):
        raise AssertionError(
            "call_at returned a plain Handle. A timer must be a TimerHandle(when, callback, "
            "args, self, context): the loop asks it for when() and marks it with "
            "_scheduled, and cancel() tells the loop that a heap entry is dead")
    if not isinstance(timer, TimerHandle):
        return  # the TimerHandle case says what it returned
    entry = _entry_holding(entries, timer)
    if entry is None:
        raise AssertionError(
            f"after call_at({when}, ...) the timer is not in loop._scheduled, so it never "
            "fires. heapq.heappush adds an entry; heappushpop and heapreplace also take "
            "one out, and a new list assigned to a local name is not the loop's")
    first = entry[0] if isinstance(entry, tuple) and entry else None
    if isinstance(first, (int, float)) and not math.isclose(first, when):
        if math.isclose(first, when - now):
            why = (" It is the time left, when - loop.time(): a delay, which the loop "
                   "would compare with its clock as if it were a time.")
        elif math.isclose(first, when + now):
            why = " It adds loop.time() to when: `when` is not a delay, it is already a time."
        else:
            why = ""
        raise AssertionError(
            f"a timer due at loop time {when} went into loop._scheduled as an entry "
            f"starting with {first!r}. The heap orders entries by that first field, and "
            "the loop compares it with loop.time(), so it must be `when` itself, the "
            f"absolute deadline.{why} Push (when, self._timer_seq(), timer)")
    if isinstance(entry, tuple) and len(entry) == 3 and entry[2] is timer:
        _check_ties_keep_order(candidate)


def _check_ties_keep_order(candidate: Any, n: int = 8) -> None:
    """Timers set for the same deadline leave the heap in the order they were set.

    The new TimerHandles are made to land at *falling* addresses (freed blocks are
    reused last-freed first), so a tie-breaker taken from id() sorts them backwards
    here every time instead of passing or failing by the allocator's luck."""
    when = 5.0
    loop = loop_with(call_at=candidate)(clock=VirtualClock())
    try:
        fillers = sorted((TimerHandle(when, print, (), loop) for _ in range(4 * n)), key=id)
        while fillers:
            fillers.pop(0)  # lowest address freed first, so it is reused last
        timers = [loop.call_at(when, print) for _ in range(n)]
        heap = list(loop._scheduled)
        try:
            popped = [heapq.heappop(heap)[2] for _ in range(len(heap))]
        except TypeError:
            raise AssertionError(
                f"{n} timers set for the same deadline got entries with equal second "
                "fields, so the heap had to compare two TimerHandles (TypeError). The "
                "seq in (when, seq, timer) must differ for every timer: "
                "self._timer_seq()") from None
    finally:
        loop.close()
    order = [next((i for i, t in enumerate(timers) if t is p), -1) for p in popped]
    if order != list(range(n)):
        raise AssertionError(
            f"{n} timers set one after another for the same deadline leave the heap in the "
            f"order {order}, not in the order they were set. The second field of "
            "(when, seq, timer) breaks ties, so it must grow with every call: "
            "self._timer_seq(). id(timer), len(self._scheduled) or a clock reading do not")


def _case_deadline_order(candidate: Any) -> None:
    """timers fire in deadline order, and ties in the order they were set"""
    _check_pushes_its_timer(candidate)
    seen: list[str] = []

    fired: list[float] = []

    async def main() -> float:
        loop = asyncio.get_running_loop()
        await _sleep(loop, 10)  # start at t=10: call_at takes a time, not a delay
        now = loop.time()

        def record(name: str) -> None:
            seen.append(name)
            fired.append(loop.time() - now)

        for delay, name in [(3, "c"), (1, "a1"), (2, "b"), (1, "a2"), (0.5, "first")]:
            loop.call_at(now + delay, record, name)
        await _sleep(loop, 25)
        return now

    try:
        run_in_loop(main, loop_factory=loop_with(call_at=candidate))
    except (IndexError, TypeError) as error:
        raise AssertionError(
            f"the loop failed with {type(error).__name__}: {error}. Each entry of "
            "loop._scheduled must be a (when, seq, timer) tuple: the loop reads the timer "
            "as entry[2], and seq (loop._timer_seq()) breaks ties between equal deadlines, "
            "so two TimerHandles are never compared") from None
    if len(fired) == 5 and all(math.isclose(t, 10 + d) for t, d in
                               zip(fired, [0.5, 1, 1, 2, 3], strict=True)):
        raise AssertionError(
            "set at t=10 for t=10.5, 11, 12 and 13, the timers fired at t=20.5, 21, 22 and "
            "23: your call_at treats `when` as a delay from now. It is an absolute loop "
            "time: TimerHandle(when, ...), pushed with `when` as it is")
    assert len(fired) == 5 and all(math.isclose(t, d) for t, d in
                                   zip(fired, [0.5, 1, 1, 2, 3], strict=True)), (
        f"timers set for 0.5, 1, 1, 2 and 3 s from now fired after {fired} s")
    assert seen == ["first", "a1", "a2", "b", "c"], (
        f"timers fired as {seen!r}; expected ['first', 'a1', 'a2', 'b', 'c']. Push "
        "(when, seq, timer) entries: seq (loop._timer_seq()) keeps ties in order")


def _case_timer_handle(candidate: Any) -> None:
    """it returns a scheduled TimerHandle; cancel() stops it"""
    seen: list[str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        timer = loop.call_at(loop.time() + 1, seen.append, "cancelled")
        assert isinstance(timer, TimerHandle), f"call_at returned {timer!r}, not a TimerHandle"
        assert timer.when() == loop.time() + 1, "the TimerHandle's when() is wrong"
        assert timer._scheduled, "set timer._scheduled = True once it is in the heap"
        timer.cancel()
        loop.call_at(loop.time() + 2, seen.append, "kept")
        await _sleep(loop, 3)

    run_in_loop(main, loop_factory=loop_with(call_at=candidate))
    assert seen == ["kept"], f"expected only 'kept' to fire, saw {seen!r}"


def _case_heap(candidate: Any) -> None:
    """its cost grows like log n: 1,000 and 10,000 timers cost about the same per call"""
    small = _call_at_cost(candidate, 1_000)
    large = _call_at_cost(candidate, 10_000)
    assert large <= 3 * small + 10 and large <= 500, (
        f"with 1,000 timers already set one call_at cost {small:.0f} comparisons and moved "
        f"elements; with 10,000 timers, {large:.0f}. Its cost grows with the number of "
        "timers: sorting, heapify() or inserting into a sorted list after each push touch "
        "them all (O(n) or more per timer). A heap push compares the new entry with about "
        "log2(n) others: heapq.heappush(self._scheduled, (when, seq, timer))")


def _case_closed_timer(candidate: Any) -> None:
    """a closed loop refuses: RuntimeError('Event loop is closed')"""
    loop = loop_with(call_at=candidate)(clock=VirtualClock())
    loop.close()
    try:
        loop.call_at(1.0, print)
    except RuntimeError as exc:
        assert str(exc) == "Event loop is closed", f"wrong message: {exc}"
    else:
        raise AssertionError("call_at on a closed loop must raise RuntimeError")


def _case_timer_context(candidate: Any) -> None:
    """context=... is the context the timer's callback runs in"""
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="default")
    seen: list[str] = []
    ctx = contextvars.copy_context()
    ctx.run(var.set, "from context")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.call_at(loop.time() + 1, lambda: seen.append(var.get()), context=ctx)
        await _sleep(loop, 2)

    run_in_loop(main, loop_factory=loop_with(call_at=candidate))
    assert seen == ["from context"], (
        f"the timer's callback saw {seen!r}: pass context on to "
        "TimerHandle(when, callback, args, self, context)")


call_at_exercise = Exercise(
    "call_at with a heap",
    cases=[_case_deadline_order, _case_timer_handle, _case_heap, _case_closed_timer,
           _case_timer_context],
    hint=[
        "Which line of sorted_call_at touches every timer already scheduled?",
        "The loop only ever needs the earliest timer: that is what a heap gives you. "
        "heapq.heappush(self._scheduled, (when, self._timer_seq(), timer)) replaces "
        "append + sort.",
    ],
    solution=call_at,
)


# ---------------------------------------------------------------------------
# Small helpers for the cases
# ---------------------------------------------------------------------------


async def _yield_a_few(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def _sleep(loop: Any, seconds: float) -> None:
    """``asyncio.sleep(seconds)`` that never touches the timer the learner's ``call_at``
    returned (``asyncio.sleep`` cancels it afterwards): a ``call_at`` that returns the
    wrong thing gets the case that checks the return value, not an AttributeError."""
    fut = loop.create_future()
    loop.call_later(seconds, lambda: fut.done() or fut.set_result(None))
    await fut
