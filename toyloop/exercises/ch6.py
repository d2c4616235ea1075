"""Chapter 6 exercises: find the slow step and fix it.

Two exercises, each an :class:`~toyloop.tools.checker.Exercise`:

* ``call_soon_exercise`` -- ``slow_call_soon`` copies the whole ready queue to add
  one handle, so queueing n callbacks costs O(n**2).  Write ``call_soon`` for
  the loop that is O(1) and keeps its behaviour;
* ``call_at_exercise``   -- ``sorted_call_at`` re-sorts every timer each time one
  is added.  Write ``call_at`` that keeps ``loop._scheduled`` a heap of
  ``(when, seq, TimerHandle)`` entries, as chapter 2's loop does.

The checks are deterministic: they never time anything.  Instead each case
runs the learner's method on a fresh ``EventLoop`` subclass (virtual clock)
whose queue is a *spy* -- a deque or list that records which of its methods
were called -- and then asserts on behaviour and on what the method did to
the queue (``append`` is O(1); copying, rebuilding or sorting is not).
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import heapq
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


class _SpyDeque(collections.deque):
    """A deque that remembers which of its methods were called (and copies of it)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls: list[str] = []

    def append(self, item: Any) -> None:
        self.calls.append("append")
        super().append(item)

    def __iter__(self) -> Any:
        self.calls.append("iterate")
        return super().__iter__()

    def __contains__(self, item: Any) -> bool:
        self.calls.append("contains")
        return super().__contains__(item)

    def count(self, item: Any) -> int:
        self.calls.append("count")
        return super().count(item)

    def __copy__(self) -> Any:
        self.calls.append("copy")
        return super().__copy__()

    def copy(self) -> Any:
        self.calls.append("copy")
        return super().copy()

    def extend(self, items: Any) -> None:
        self.calls.append("extend")
        super().extend(items)

    def insert(self, i: int, item: Any) -> None:
        self.calls.append("insert")
        super().insert(i, item)


def _spy_loop(candidate: Any) -> Any:
    loop = loop_with(call_soon=candidate)(clock=VirtualClock())
    loop._ready = _SpyDeque(loop._ready)
    return loop


def _case_order(candidate: Any) -> None:
    """callbacks run once each, in the order they were queued, with their arguments"""
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
    """it only appends: the ready queue is neither copied nor rebuilt"""
    loop = _spy_loop(candidate)
    try:
        spy = loop._ready
        for i in range(3):
            loop.call_soon(print, i)
        assert loop._ready is spy, (
            "call_soon replaced loop._ready with a new queue. Building a new queue copies "
            "every handle already waiting, so n calls cost O(n**2): append to the existing "
            "deque instead")
        slow = [c for c in spy.calls if c != "append"]
        assert not slow, (
            f"call_soon used the ready queue's {slow[0]!r}: that walks the whole queue, "
            "O(n) per call. deque.append is O(1)")
        assert spy.calls == ["append"] * 3, (
            f"expected one append per call, saw {spy.calls!r}")
    finally:
        loop._ready = collections.deque()
        loop.close()


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


class _SpyList(list):
    """A list that remembers sorts, inserts and rebuilds."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls: list[str] = []

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append("sort")
        super().sort(*args, **kwargs)

    def insert(self, i: int, item: Any) -> None:
        self.calls.append("insert")
        super().insert(i, item)

    def index(self, *args: Any) -> int:
        self.calls.append("index")
        return super().index(*args)


def _is_heap(items: list) -> bool:
    return all(not items[i] < items[(i - 1) // 2] for i in range(1, len(items)))


def _case_deadline_order(candidate: Any) -> None:
    """timers fire in deadline order, and ties in the order they were set"""
    seen: list[str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        for delay, name in [(3, "c"), (1, "a1"), (2, "b"), (1, "a2"), (0.5, "first")]:
            loop.call_at(now + delay, seen.append, name)
        await _sleep(loop, 4)

    run_in_loop(main, loop_factory=loop_with(call_at=candidate))
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
    """loop._scheduled stays a heap, built by pushes, never sorted"""
    loop = loop_with(call_at=candidate)(clock=VirtualClock())
    try:
        loop._scheduled = spy = _SpyList()
        for when in [5, 3, 8, 1, 9, 2, 7, 4, 6, 0]:
            loop.call_at(when, print)
        assert loop._scheduled is spy, (
            "call_at replaced loop._scheduled with a new list: _run_once and cancel() "
            "count on it staying the same object")
        assert len(spy) == 10, f"expected 10 entries in loop._scheduled, found {len(spy)}"
        assert all(isinstance(e, tuple) and len(e) == 3 for e in spy), (
            "each entry of loop._scheduled must be a (when, seq, timer) tuple")
        assert "sort" not in spy.calls, (
            "call_at sorts the whole timer list: at least O(n) per timer, O(n**2) for n "
            "timers. A heap only needs its smallest entry first: heapq.heappush is "
            "O(log n)")
        assert not spy.calls, (
            f"call_at used list.{spy.calls[0]}, which is O(n): use heapq.heappush")
        assert _is_heap(spy), "loop._scheduled is not a heap: use heapq.heappush"
    finally:
        loop._scheduled = []
        loop.close()


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


call_at_exercise = Exercise(
    "call_at with a heap",
    cases=[_case_deadline_order, _case_timer_handle, _case_heap, _case_closed_timer],
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
