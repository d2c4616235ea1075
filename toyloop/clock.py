"""Clocks: where ``loop.time()`` reads the time (bottom layer, used by every chapter).

The loop never calls :func:`time.monotonic` itself; it asks its clock.  That one
indirection lets tests, notebooks and exercises swap in a :class:`VirtualClock`
whose time jumps straight to the next timer when the loop has nothing else to
do, so ``await sleep(3600)`` finishes instantly and every run prints the same
times.  asyncio has no such hook (its ``BaseEventLoop.time`` calls
``time.monotonic`` directly); CPython's own tests patch ``time`` with a
``TestLoop`` instead, and trio ships ``MockClock(autojump_threshold=0)``.
"""

from __future__ import annotations

import time


class MonotonicClock:
    """Real time, as asyncio reads it (``time.monotonic``)."""

    virtual = False

    def time(self) -> float:
        return time.monotonic()

    def budget(
        self, timeout: float | None, sockets_waiting: bool, threads_busy: bool
    ) -> float | None:
        """How long the selector may really block: the whole timeout."""
        return timeout

    def idle(self, timeout: float | None, got_events: bool) -> None:
        """Real time moved on by itself while the selector waited."""

    def __repr__(self) -> str:
        return "MonotonicClock()"


class VirtualClock:
    """Time that stands still while code runs and jumps when the loop is idle.

    Rules, applied once per loop iteration (see ``budget`` and ``idle``):

    * nothing can happen but a timer: jump straight to that timer;
    * a socket or a worker thread could still wake the loop: really wait for
      it, but at most ``autojump_threshold`` real seconds for sockets (trio's
      autojump rule) and the whole timeout for worker threads; if nothing
      came, jump to the timer.

    Time never moves while callbacks run, so a program's printed times depend
    only on its timers, never on how fast the machine is.
    """

    virtual = True

    def __init__(self, start: float = 0.0, autojump_threshold: float = 0.05) -> None:
        self._now = float(start)
        self.autojump_threshold = autojump_threshold

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (tests use this to fire timers)."""
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        self._now += seconds

    def budget(
        self, timeout: float | None, sockets_waiting: bool, threads_busy: bool
    ) -> float | None:
        """Real seconds the selector may block before the clock jumps."""
        if timeout is None or threads_busy:
            return timeout  # no timer to jump to, or a worker may still answer
        if sockets_waiting:
            return min(timeout, self.autojump_threshold)
        return 0  # only a timer can wake us: poll once, then jump

    def idle(self, timeout: float | None, got_events: bool) -> None:
        """The selector came back empty-handed: jump to the next timer."""
        if not got_events and timeout is not None:
            self._now += timeout

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now!r})"
