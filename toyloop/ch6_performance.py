"""Chapter 6: how fast is our loop, and why.

This module keeps the loops chapter 6 measures against the real one:

* ``NoHooksEventLoop`` -- ``EventLoop`` with every hook test taken out of
  ``_run_once``; comparing it with ``EventLoop`` shows what the instrument
  hook points cost when no instrument is attached (chapter 6, section 5);
* deliberately naive "before" variants, each one a small subclass that undoes
  one design decision of chapters 2-3, so the notebook can time before and
  after on the real loop:

  - ``ListReadyLoop``     the ready queue as a list, popped with ``pop(0)``;
  - ``SortedTimersLoop``  the timer queue kept sorted by ``sort()`` on every ``call_at``;
  - ``EagerCancelLoop``   a cancelled timer is removed from the heap at once;
  - ``PlainHandleLoop``   handles without ``__slots__`` (``PlainHandle``);
  - ``AlwaysPollLoop``    the selector is polled on every iteration, even when only
    the loop's own self-pipe is registered.

The benchmarks themselves live in ``toyloop.bench`` (``python -m toyloop.bench``).
What asyncio does differently: its ``Future`` and ``Task`` are written in C
(``Modules/_asynciomodule.c``); the pure-Python ``asyncio.futures._PyFuture``
and ``asyncio.tasks._PyTask`` are kept for reference and measured here too.
uvloop rewrites the whole loop in Cython on top of libuv (``uvloop/loop.pyx``).
"""

from __future__ import annotations

import heapq
import math
from typing import Any

from .ch2_futures import (
    _MIN_CANCELLED_TIMER_HANDLES_FRACTION,
    _MIN_SCHEDULED_TIMER_HANDLES,
    MAXIMUM_SELECT_TIMEOUT,
    Handle,
    TimerHandle,
)
from .ch5_asyncio import EventLoop

# ---------------------------------------------------------------------------
# Tracing off: the same iteration without a single hook test
# ---------------------------------------------------------------------------


class NoHooksEventLoop(EventLoop):
    """``EventLoop`` whose ``_run_once`` has no hook points at all.

    ``_run_once`` is a copy of ``BaseLoop._run_once`` (chapter 2) without its
    hook points: no ``if "..." in hooks`` tests, and the slow path for debug
    mode only.  Anything else that differed would be measured too, so the copy
    must follow the original (tests/test_bench.py compares the two).  Only for
    measuring: instruments attached to it are never called.
    """

    def _run_once(self) -> None:
        scheduled = self._scheduled
        sched_count = len(scheduled)
        if (sched_count > _MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / sched_count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            self._purge_cancelled_timers()
        else:
            while scheduled and scheduled[0][2]._cancelled:
                self._timer_cancelled_count -= 1
                heapq.heappop(scheduled)[2]._scheduled = False
        timeout = None
        if self._ready or self._stopping:
            timeout = 0
        elif scheduled:
            timeout = min(max(0, scheduled[0][0] - self.time()), MAXIMUM_SELECT_TIMEOUT)
        event_list = self._select(timeout)
        self._process_events(event_list)
        event_list = None
        if scheduled:
            end_time = self.time() + self._clock_resolution
            while scheduled and scheduled[0][0] < end_time:
                timer = heapq.heappop(scheduled)[2]
                timer._scheduled = False
                self._ready.append(timer)
        ready = self._ready
        watched = self._debug
        for _ in range(len(ready)):
            handle = ready.popleft()
            if handle._cancelled:
                continue
            if watched:
                self._run_handle_watched(handle)
            else:
                handle._run()
        handle = None


# ---------------------------------------------------------------------------
# Before: a ready queue that is a list
# ---------------------------------------------------------------------------


class _ListQueue(list):
    """A list pretending to be a deque: ``popleft`` is ``pop(0)``, which moves
    every remaining item one slot to the left -- O(n) per pop."""

    def popleft(self) -> Any:
        return self.pop(0)


class ListReadyLoop(EventLoop):
    """Before: ``_ready`` is a list; running n ready callbacks costs O(n**2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ready = _ListQueue(self._ready)


# ---------------------------------------------------------------------------
# Before: a timer queue that is kept sorted
# ---------------------------------------------------------------------------


class SortedTimersLoop(EventLoop):
    """Before: ``call_at`` appends and re-sorts the whole timer list.

    A sorted list is also a valid heap, so ``_run_once`` still works; but each
    ``sort()`` is at least O(n), and n timers cost O(n**2) to set.
    """

    def call_at(self, when: float, callback: Any, *args: Any, context: Any = None) -> Any:
        # BaseLoop.call_at's checks (all but debug mode's thread check), then the naive
        # part: append and sort everything.
        if when is None:
            raise TypeError("when cannot be None")
        if math.isnan(when):
            raise ValueError("Invalid delay: NaN (not a number)")
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_at")
        timer = TimerHandle(when, callback, args, self, context)
        self._scheduled.append((when, self._timer_seq(), timer))
        self._scheduled.sort()
        timer._scheduled = True
        return timer


# ---------------------------------------------------------------------------
# Before: cancelled timers removed at once
# ---------------------------------------------------------------------------


class EagerCancelLoop(EventLoop):
    """Before: cancelling a timer searches the heap for it and removes it.

    Finding the entry is O(n) and re-heapifying is O(n) again; asyncio (and
    chapter 2) only count cancelled timers and drop them lazily.
    """

    def _timer_handle_cancelled(self, handle: TimerHandle) -> None:
        if not handle._scheduled:
            return
        scheduled = self._scheduled
        for i, entry in enumerate(scheduled):
            if entry[2] is handle:
                scheduled[i] = scheduled[-1]
                scheduled.pop()
                heapq.heapify(scheduled)
                break
        handle._scheduled = False


# ---------------------------------------------------------------------------
# Before: handles with a __dict__
# ---------------------------------------------------------------------------


class PlainHandle:
    """Handle's methods in a class without ``__slots__``: every instance gets a
    ``__dict__`` (created lazily on 3.11+, but still bigger and slower)."""

    __init__ = Handle.__init__
    __repr__ = Handle.__repr__
    _repr_info = Handle._repr_info
    get_context = Handle.get_context
    cancel = Handle.cancel
    cancelled = Handle.cancelled
    _run = Handle._run


class PlainHandleLoop(EventLoop):
    """Before: ``call_soon`` makes ``PlainHandle`` objects."""

    def call_soon(self, callback: Any, *args: Any, context: Any = None) -> Any:
        # BaseLoop.call_soon with PlainHandle in place of Handle (and without its
        # debug-mode extras: the thread check and the traceback trim).
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_soon")
        handle = PlainHandle(callback, args, self, context)
        self._ready.append(handle)
        return handle


# ---------------------------------------------------------------------------
# Before: poll the selector on every iteration
# ---------------------------------------------------------------------------


class AlwaysPollLoop(EventLoop):
    """Before: every iteration asks the selector, even when the only registered fd is
    the loop's own self-pipe and a callback is ready (so the answer is always "no").

    Chapter 3's ``_select`` without its ``timeout == 0`` shortcut."""

    def _select(self, timeout: float | None) -> list:
        sockets_waiting = len(self._selector_map) > self._internal_fds
        real_timeout = self._clock.budget(timeout, sockets_waiting, self._threads_busy())
        event_list = self._selector.select(real_timeout)
        self._clock.idle(timeout, bool(event_list))
        return event_list
