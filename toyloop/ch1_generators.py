"""Chapter 1: generators as tasks -- the first, smallest event loop.

A generator is a function that can pause at ``yield`` and be resumed later.
Resume many of them in turns and you have *tasks*; keep a heap of deadlines and
they can *sleep*.  This module is that first loop, standard library only:

* ``Task``: a generator driven one step at a time.  What it yields is a
  *request*: ``None`` (run me again after the others) or a function
  ``arrange(task)`` that schedules the task's next step, as ``sleep`` does;
* ``Scheduler``: a ready queue (``_ready``, filled by ``call_soon``) and a
  timer heap (``_scheduled``, filled by ``call_later``/``call_at``; a counter
  breaks ties between equal deadlines), ``_run_once``, ``run_forever``,
  ``stop`` and ``run``;
* ``sleep(delay)``, a generator to ``yield from``.

What it leaves out versus asyncio (chapter 2 adds each): callbacks are bare
``(callback, args)`` tuples, not cancellable ``Handle`` objects; tasks wait by
yielding a function instead of a ``Future``; there is no ``async``/``await``,
no cancellation, no exception handler (a task's exception waits in the task
until somebody asks for its result) and no I/O: waiting only lets time pass.

Time is injectable: pass ``clock=VirtualClock()`` (``toyloop.clock``) and the
scheduler jumps to the next deadline instead of sleeping, so printed times are
exact.  asyncio's counterparts: ``base_events.BaseEventLoop`` and
``tasks.Task.__step``.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import time
from collections.abc import Callable, Generator
from typing import Any

from .clock import MonotonicClock

__all__ = ["Scheduler", "Task", "sleep"]


class Task:
    """A generator run by a Scheduler, one step (``send``) at a time."""

    def __init__(self, gen: Generator, loop: Scheduler, name: str) -> None:
        self._gen = gen
        self.loop = loop
        self.name = name
        self._done = False
        self._result: Any = None
        self._exception: BaseException | None = None
        self._callbacks: list[Callable[[], Any]] = []

    def __repr__(self) -> str:
        if not self._done:
            state = "pending"
        elif self._exception is not None:
            state = f"exception={self._exception!r}"
        else:
            state = f"result={self._result!r}"
        return f"<Task {self.name} {state}>"

    def done(self) -> bool:
        return self._done

    def result(self) -> Any:
        """The generator's return value; its exception is raised here instead."""
        if not self._done:
            raise RuntimeError(f"{self.name} has not finished yet")
        if self._exception is not None:
            raise self._exception
        return self._result

    def add_done_callback(self, fn: Callable[[], Any]) -> None:
        """Call ``fn()`` (through ``call_soon``) once the task has finished."""
        if self._done:
            self.loop.call_soon(fn)
        else:
            self._callbacks.append(fn)

    def step(self, exc: BaseException | None = None) -> None:
        """Resume the generator until its next ``yield``, then do what it asked."""
        try:
            if exc is None:
                request = self._gen.send(None)
            else:
                request = self._gen.throw(exc)
        except StopIteration as stop:  # ``return value`` inside the generator
            self._finish(result=stop.value)
        except Exception as error:  # kept for whoever asks for the result
            self._finish(exception=error)
        else:
            if request is None:
                self.loop.call_soon(self.step)  # a bare yield: go again, after the others
            elif callable(request):
                request(self)  # it schedules our next step itself (see sleep)
            else:
                bad = TypeError(f"{self.name} yielded {request!r}: "
                                "yield nothing, or a function that schedules the task")
                self.loop.call_soon(self.step, bad)

    def _finish(self, result: Any = None, exception: BaseException | None = None) -> None:
        self._done = True
        self._result = result
        self._exception = exception
        for fn in self._callbacks:
            self.loop.call_soon(fn)  # never inline: whoever finished us finishes first
        self._callbacks.clear()


class Scheduler:
    """Runs tasks in turns (ready queue) and wakes sleepers on time (timer heap)."""

    def __init__(self, clock: Any = None) -> None:
        self._clock = MonotonicClock() if clock is None else clock
        self._ready: collections.deque = collections.deque()  # (callback, args)
        self._scheduled: list = []  # heap of (when, seq, callback, args)
        self._seq = itertools.count()  # tie-breaker: equal deadlines run in order set
        self._task_ids = itertools.count(1)
        self._stopping = False

    def time(self) -> float:
        return self._clock.time()

    def call_soon(self, callback: Callable, *args: Any) -> None:
        self._ready.append((callback, args))

    def call_later(self, delay: float, callback: Callable, *args: Any) -> None:
        self.call_at(self.time() + delay, callback, *args)

    def call_at(self, when: float, callback: Callable, *args: Any) -> None:
        heapq.heappush(self._scheduled, (when, next(self._seq), callback, args))

    def create_task(self, gen: Generator, name: str | None = None) -> Task:
        task = Task(gen, self, name or f"Task-{next(self._task_ids)}")
        self.call_soon(task.step)
        return task

    def _run_once(self) -> None:
        """One turn: wait for the next timer if nothing is ready, then run the ready."""
        # Phase 1: how long may we wait?  Not at all if something is ready.
        if self._ready or self._stopping:
            timeout = 0.0
        elif self._scheduled:
            timeout = max(0.0, self._scheduled[0][0] - self.time())
        else:
            raise RuntimeError("Nothing is ready and no timer is set: "
                               "the scheduler would wait forever")
        # Phase 2: wait.  There is no I/O yet, so waiting is letting time pass.
        if timeout:
            self._wait(timeout)
        # Phase 3: move the timers that are due to the ready queue.
        now = self.time()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, _, callback, args = heapq.heappop(self._scheduled)
            self._ready.append((callback, args))
        # Phase 4: run what is ready *now*; what these callbacks add waits a turn.
        for _ in range(len(self._ready)):
            callback, args = self._ready.popleft()
            callback(*args)

    def _wait(self, timeout: float) -> None:
        if getattr(self._clock, "virtual", False):
            self._clock.advance(timeout)  # virtual time: jump, don't sleep
        else:
            time.sleep(timeout)

    def run_forever(self) -> None:
        """Run turns until ``stop()`` is called."""
        try:
            while True:
                self._run_once()
                if self._stopping:
                    break
        finally:
            self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    def run(self, gen: Generator) -> Any:
        """Run ``gen`` as a task until it finishes; return its result (asyncio.run's job)."""
        task = self.create_task(gen)
        task.add_done_callback(self.stop)
        self.run_forever()
        return task.result()


def sleep(delay: float) -> Generator[Any, None, None]:
    """``yield from sleep(delay)``: pause the calling task for ``delay`` seconds."""
    if delay <= 0:
        yield  # just let the others run, as asyncio.sleep(0) does
        return
    yield lambda task: task.loop.call_later(delay, task.step)
