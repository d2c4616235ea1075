"""Chapter 6: how fast is our loop, and why.

This module keeps the loops chapter 6 measures against the real one:

* ``NoHooksEventLoop`` -- ``EventLoop`` that ignores instruments; since the
  tools observe from outside (``toyloop/observe.py``) it runs the same code as
  ``EventLoop``, and comparing the two shows that tracing off costs nothing;
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

from .ch2_futures import Handle, TimerHandle
from .ch5_asyncio import EventLoop

# ---------------------------------------------------------------------------
# Tracing off: the same iteration without a single hook test
# ---------------------------------------------------------------------------


class NoHooksEventLoop(EventLoop):
    """``EventLoop`` that ignores instruments: the loop with tracing off, by construction.

    Instruments used to be hook points inside ``_run_once``, and this class
    was a copy of it without them, to measure what they cost when no tool was
    attached.  Now the tools observe from outside (``toyloop/observe.py``):
    ``add_instrument`` wraps the loop's pieces and ``remove_instrument`` takes
    the wrappers away, so ``EventLoop`` runs exactly this class's code when
    nobody watches (tests/test_bench.py checks that ``_run_once`` is the same
    function).  The benchmark's ``toyloop-nohooks`` row therefore measures
    the noise between two runs of one loop.
    """

    def add_instrument(self, instrument: Any) -> None:
        """Ignored: this loop is only for measuring."""


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
    ``__dict__`` (created lazily on 3.11+, but still bigger)."""

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
        sockets_waiting = len(self._selector_map) > self._wakeup_fds
        real_timeout = self._clock.budget(timeout, sockets_waiting, self._threads_busy())
        event_list = self._selector.select(real_timeout)
        self._clock.idle(timeout, bool(event_list))
        return event_list
