"""Observation: how the tools watch a loop without the loop's pieces knowing (bottom layer).

The chapter pieces -- ``Handle``, ``Future``, ``Task``, ``_run_once``,
``_select``, ``_process_events``, the ``sock_*`` calls -- hold only what their
chapter teaches: not one hook point.  A learner who writes one of them (issue
14: a ``type(...)`` subclass with the learner's ``_run_once``) writes no hooks
either, and the tracer, the explorer and the checkers still see every
iteration, select, handle and task step.  The observation is done from the
outside, and only while somebody is watching:

* ``loop.add_instrument(tool)`` (or ``loop.set_debug(True)``) gives the loop an
  :class:`Observer`, which puts *instance attributes* in front of the class's
  pieces: ``loop._run_once`` calls ``type(loop)._run_once(loop)`` between
  ``before_run_once`` and ``after_run_once``; ``loop._select`` calls the class's
  ``_select`` between ``before_select`` and ``after_select``;
  ``loop.call_exception_handler`` reports ``exception_handled`` first.
* At the next iteration boundary it swaps ``loop._ready`` for a subclass of the
  queue's own type.  Its ``popleft`` hands ``_run_once`` a thin proxy for each
  handle, whose ``_run()`` fires ``before_handle``/``after_handle`` around the
  real ``Handle._run`` (and, in debug mode, times it and logs a slow callback);
  its ``append`` sees every handle queued: a ``TimerHandle`` queued during an
  iteration, before its first ``popleft``, is a timer that fired
  (``timer_fired``; nothing else queues a ``TimerHandle``, so this holds even
  for a ``_run_once`` that skips the select when it need not wait).
* Task and future events are derived, never reported by ``Future`` or ``Task``:
  a task is *created* when a bound method of it (its ``__step``) is first
  queued or run; it is *done* when it is done after running one of its own
  methods; a future is *done* when the done callbacks it schedules
  (``call_soon(callback, future)``) reach the queue.  So toyloop's Future and
  Task, asyncio's pure-Python ones and a learner's are all seen the same way
  (asyncio's C Task hides its step in a ``TaskStepMethWrapper``: its steps are
  seen as handles, not as task events).  A future completed with nobody
  waiting schedules nothing and is not reported, nor is a cancelled future
  (asyncio reports neither).
* ``remove_instrument`` of the last instrument (with debug mode off) takes all
  of it away again at the next iteration boundary (at once when the loop is
  not running): the instance attributes go, ``_ready`` is a plain queue again,
  and the loop runs its bare pieces at zero extra cost.

Threads: ``call_soon_threadsafe`` appends to ``_ready`` from other threads.
The queue swap never loses such a handle: at every observed iteration start
the old queue is drained into the new one (a thread that still held the old
queue appended to it *before* writing the wake-up byte, so the iteration that
byte causes is followed by a drain), and a retired observed queue forwards
what it is given to the loop's current queue.  Appends from other threads are
not reported to instruments, which run on the loop's thread only.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from .hooks import Instruments

logger = logging.getLogger("asyncio")  # slow-callback warnings go where asyncio's go

__all__ = ["Observable", "Observer"]


def _is_task(obj: Any) -> bool:
    """asyncio's duck test for a future, plus a coroutine: a Task (anybody's)."""
    return (getattr(type(obj), "_asyncio_future_blocking", None) is not None
            and hasattr(obj, "get_coro"))


def _is_done_future(obj: Any) -> bool:
    return (getattr(type(obj), "_asyncio_future_blocking", None) is not None
            and obj.done() and not obj.cancelled())


def _is_timer(handle: Any) -> bool:
    return callable(getattr(type(handle), "when", None))


class _Seen:
    """A set of objects held weakly when they allow it (tasks and futures do)."""

    def __init__(self) -> None:
        self._weak: weakref.WeakSet = weakref.WeakSet()
        self._ids: set[int] = set()

    def add(self, obj: Any) -> bool:
        """Remember ``obj``; False if it was already there."""
        try:
            if obj in self._weak:
                return False
            self._weak.add(obj)
        except TypeError:  # not weak-referenceable: remember its id
            if id(obj) in self._ids:
                return False
            self._ids.add(id(obj))
        return True


# ---------------------------------------------------------------------------
# The ready queue, observed
# ---------------------------------------------------------------------------


class _Watched:
    """What the observed queue's ``popleft`` hands out: a handle in disguise.

    Every attribute is the handle's (``_cancelled``, ``cancel()``...), and
    ``isinstance`` sees the handle's class, but ``_run()`` goes through the
    observer, which fires ``before_handle``/``after_handle`` around it.
    """

    __slots__ = ("_handle", "_observer")

    def __init__(self, handle: Any, observer: Observer) -> None:
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_observer", observer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._handle, name, value)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(proxy, Handle) answers for the handle
        return type(self._handle)

    def __repr__(self) -> str:
        return repr(self._handle)

    def _run(self) -> None:
        self._observer.run_handle(self._handle)


class _ObservedQueue:
    """Mixed in front of the loop's queue type (a deque, or a learner's list)."""

    _base: type  # the queue type this class observes
    _observer: Observer | None = None
    _target: Any = None  # once retired: the loop's queue, where appends are forwarded

    def popleft(self) -> Any:
        handle = super().popleft()  # type: ignore[misc]
        observer = self._observer
        if observer is None:
            return handle
        observer.timers_due = False  # the run phase has begun
        return _Watched(handle, observer)

    def append(self, handle: Any) -> None:
        super().append(handle)  # type: ignore[misc]
        observer = self._observer
        if observer is not None:
            observer.queued(handle)
        elif self._target is not None:
            # Retired while another thread still held us: pass the handle on.
            _move(self, self._target)


_queue_types: dict[type, type] = {}


def _observed_type(base: type) -> type:
    cls = _queue_types.get(base)
    if cls is None:
        cls = type(f"Observed{base.__name__}", (_ObservedQueue, base), {"_base": base})
        _queue_types[base] = cls
    return cls


def _move(source: Any, target: Any, append: Callable[[Any, Any], None] | None = None) -> None:
    """Move every handle from ``source`` to ``target``, one atomic ``popleft`` at a time."""
    base_popleft = source._base.popleft if isinstance(source, _ObservedQueue) \
        else type(source).popleft
    put = append or type(target).append
    while source:
        try:
            handle = base_popleft(source)
        except IndexError:  # another thread emptied it meanwhile
            return
        put(target, handle)


# ---------------------------------------------------------------------------
# The observer
# ---------------------------------------------------------------------------


class Observer:
    """The wrappers one loop wears while instruments (or debug mode) watch it."""

    _WRAPPED = ("_run_once", "_select", "call_exception_handler")

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.hooks = Instruments()
        self.timers_due = False     # in an iteration, before its first popleft
        self._pending: Any = None   # a done future whose callbacks are being queued
        self._in_iteration = False
        self._old_ready: Any = None  # the queue we replaced: threads may still append
        self._tasks_seen = _Seen()
        self._tasks_done = _Seen()
        self._futures_done = _Seen()

    # -- putting the wrappers on and taking them off ---------------------------

    def install(self) -> None:
        loop = self.loop
        loop._run_once = self.run_once
        loop._select = self.select
        loop.call_exception_handler = self.call_exception_handler

    def maybe_uninstall(self) -> None:
        """Nobody watches any more: go now, or at the end of the running iteration."""
        if self.hooks or self.loop._debug:
            return
        if not (self._in_iteration or self.loop.is_running()):
            self.uninstall()
        # else run_once() uninstalls at the iteration boundary

    def uninstall(self) -> None:
        loop = self.loop
        for name in self._WRAPPED:
            if loop.__dict__.get(name) == getattr(self, name.lstrip("_")):
                del loop.__dict__[name]
        ready = loop._ready
        if isinstance(ready, _ObservedQueue) and ready._observer is self:
            plain = ready._base()  # the queue type we subclassed
            ready._target = plain
            ready._observer = None  # from now on its appends are forwarded
            loop._ready = plain
            _move(ready, plain)
        self._old_ready = None
        if loop.__dict__.get("_observer") is self:
            loop._observer = None

    def _adopt_ready(self) -> None:
        """At an iteration start: make ``loop._ready`` ours, or drain the old one."""
        loop = self.loop
        ready = loop._ready
        if isinstance(ready, _ObservedQueue) and ready._observer is self:
            old = self._old_ready
            if old:
                _move(old, ready)  # a thread appended to it after the swap
            return
        try:
            observed = _observed_type(type(ready))()
        except TypeError:  # a queue type we cannot subclass: watch iterations only
            return
        observed._observer = self
        loop._ready = observed
        self._old_ready = ready
        # What was queued before we watched is reported as queued now (tasks created...).
        _move(ready, observed, append=type(observed).append)

    # -- emitting ------------------------------------------------------------------

    def emit(self, name: str, *args: Any) -> None:
        if self._pending is not None:
            self.flush()
        if name in self.hooks:
            self.hooks.call(name, *args)

    def flush(self) -> None:
        """Report the future whose done callbacks were being queued."""
        future, self._pending = self._pending, None
        if future is not None and "future_done" in self.hooks:
            self.hooks.call("future_done", future)

    # -- the wrappers --------------------------------------------------------------

    def run_once(self) -> None:
        """``loop._run_once`` while observed: the class's own, between two hooks."""
        loop = self.loop
        self._adopt_ready()
        self.timers_due = True  # a TimerHandle queued from now until the first popleft fired
        self._in_iteration = True
        try:
            self.emit("before_run_once")
            type(loop)._run_once(loop)
            self.flush()
            self.emit("after_run_once")
        finally:
            self._in_iteration = False
            self.timers_due = False
        if not (self.hooks or loop._debug):
            self.uninstall()

    def select(self, timeout: float | None) -> list:
        loop = self.loop
        self.emit("before_select", timeout)
        event_list = type(loop)._select(loop, timeout)
        self.emit("after_select", event_list)
        return event_list

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        self.emit("exception_handled", context)
        type(self.loop).call_exception_handler(self.loop, context)

    # -- what the observed queue reports ------------------------------------------

    def _foreign_thread(self) -> bool:
        owner = getattr(self.loop, "_thread_id", None)
        return owner is not None and owner != threading.get_ident()

    def _saw_task(self, task: Any) -> None:
        if self._tasks_seen.add(task):
            self.emit("task_created", task)

    def queued(self, handle: Any) -> None:
        """A handle was appended to the ready queue."""
        if self._foreign_thread():
            return  # call_soon_threadsafe: instruments run on the loop's thread only
        if self.timers_due and _is_timer(handle):
            self.emit("timer_fired", handle)
            return
        owner = getattr(handle._callback, "__self__", None)
        if owner is not None and _is_task(owner):
            self._saw_task(owner)
        args = handle._args
        if args:
            future = args[0]
            if future is not self._pending and _is_done_future(future) \
                    and self._futures_done.add(future):
                self.flush()
                self._pending = future  # reported once all its callbacks are queued

    def run_handle(self, handle: Any) -> None:
        """Run one handle between ``before_handle`` and ``after_handle``."""
        loop = self.loop
        owner = getattr(handle._callback, "__self__", None)
        task = owner if owner is not None and _is_task(owner) else None
        if task is not None:
            self._saw_task(task)
        self.emit("before_handle", handle)
        if loop._debug:
            # asyncio's default handler shows where the running handle was made
            # ("handle_traceback") when a report has no traceback of its own (issue 12).
            loop._current_handle = handle
            started = time.perf_counter()
            try:
                handle._run()
            finally:
                loop._current_handle = None
            took = time.perf_counter() - started
            if took >= loop.slow_callback_duration:
                # asyncio names a slow task step by its task (base_events._format_handle)
                logger.warning("Executing %s took %.3f seconds",
                               task if task is not None else handle, took)
        else:
            handle._run()
        self.flush()
        if task is not None and task.done() and self._tasks_done.add(task):
            self.emit("task_done", task)
        self.emit("after_handle", handle)


# ---------------------------------------------------------------------------
# The loop's side: four methods, no hook points
# ---------------------------------------------------------------------------


class Observable:
    """Mixed into chapter 2's ``BaseLoop``: instruments and debug mode, from outside.

    A loop nobody watches has ``_observer = None`` and runs its class's
    pieces directly.
    """

    _observer: Observer | None = None
    _debug = False
    slow_callback_duration = 0.1  # seconds, in debug mode (asyncio's default)

    @property
    def _hooks(self) -> Instruments:
        """The instruments by hook name (empty when nobody watches)."""
        observer = self._observer
        return observer.hooks if observer is not None else Instruments()

    def _observe(self) -> Observer:
        observer = self._observer
        if observer is None:
            observer = self._observer = Observer(self)
            observer.install()
        return observer

    def add_instrument(self, instrument: Any) -> None:
        """Call ``instrument``'s methods named after hook points (``toyloop/hooks.py``)."""
        self._observe().hooks.add(instrument)

    def remove_instrument(self, instrument: Any) -> None:
        observer = self._observer
        if observer is None:
            raise KeyError(f"{instrument!r} is not an instrument of this loop")
        observer.hooks.remove(instrument)
        observer.maybe_uninstall()

    def get_debug(self) -> bool:
        return self._debug

    def set_debug(self, enabled: bool) -> None:
        """Debug mode: asyncio's extra checks, and a warning for each slow callback."""
        self._debug = bool(enabled)
        if self._debug:
            self._observe()
        elif self._observer is not None:
            self._observer.maybe_uninstall()
