"""Chapter 2: futures, coroutines and tasks on a loop of callbacks.

This layer owns the heart of every asyncio loop:

* ``Handle`` and ``TimerHandle``: a callback waiting in the ready queue or in
  the timer heap (asyncio: ``events.py``);
* ``Future``: a result that is not there yet, whose done callbacks are
  *scheduled* with ``call_soon``, never run inline (asyncio: ``futures.py``);
* ``Task``: drives a coroutine one ``send`` at a time and wakes it when the
  future it awaits is done (asyncio: ``tasks.py``, ``Task.__step``);
* ``BaseLoop``: ``call_soon``, ``call_later``, ``call_at``, ``_run_once``,
  ``run_forever``, ``run_until_complete`` (asyncio: ``base_events.py``);
* the helpers ``sleep``, ``gather``, ``wait_for``, ``current_task``.

What it leaves out versus asyncio: there is no I/O yet, so waiting means
letting time pass (chapter 3 puts a selector there); no threads (chapter 4);
asyncio's Future and Task are written in C (``_asyncio``) and are faster, and
since 3.12 asyncio can start tasks eagerly; asyncio's ``wait_for`` is built on
``asyncio.timeout`` since 3.12 (this is the 3.11 design, a waiter and a timer).

Not here because chapter 2 does not teach it: asyncio-style reprs
(``reprs.py``), how the exception handler logs (``exception_handler.py``) and
how the tracer and explorer watch the loop (``observe.py``: from outside, so
these classes carry no hooks and a learner's own pieces are watched alike).

Interop: toyloop's tasks register with asyncio's own task registry
(``_register_task``, ``_enter_task``), and ``run_forever`` makes the loop
asyncio's *running loop*, so ``asyncio.current_task()``, ``asyncio.sleep`` and
friends work on it.
"""

from __future__ import annotations

import collections
import contextvars
import functools
import heapq
import inspect
import itertools
import logging
import math
import sys
import threading
import time
import types
import warnings
from asyncio import base_tasks as _asyncio_base_tasks
from asyncio import coroutines as _asyncio_coroutines
from asyncio import events as _events
from asyncio import format_helpers as _format_helpers
from asyncio import tasks as _asyncio_tasks
from asyncio.exceptions import CancelledError, InvalidStateError
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

from . import reprs
from .clock import MonotonicClock, VirtualClock
from .exception_handler import ExceptionHandlerMixin
from .observe import Observable

logger = logging.getLogger("asyncio")  # asyncio's logger, so its handlers see us too

# Same tuning as asyncio's base_events: purge the heap when more than half of
# at least 100 timers are cancelled, and never block longer than a day: selectors
# take the timeout in milliseconds as a C int (epoll: at most about 24.8 days) and
# some platforms refuse long waits, while a loop woken after a day simply computes
# the timeout again.
_MIN_SCHEDULED_TIMER_HANDLES = 100
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5
MAXIMUM_SELECT_TIMEOUT = 24 * 3600

# Behaviours that changed between Python versions; toyloop follows the running one.
_STOPITERATION_BECOMES_RUNTIMEERROR = sys.version_info >= (3, 13)  # Future.set_exception
_UNCANCEL_CLEARS_MUST_CANCEL = sys.version_info >= (3, 13)  # uncancel() to 0 forgets a cancel

# What counts as a coroutine is asyncio's call (it changed in 3.12): ask it.
_iscoroutine = _asyncio_coroutines.iscoroutine
# asyncio's own bookkeeping, so asyncio.current_task()/all_tasks() see toyloop tasks.
_enter_task = _asyncio_tasks._enter_task
_leave_task = _asyncio_tasks._leave_task

_PENDING = "PENDING"
_CANCELLED = "CANCELLED"
_FINISHED = "FINISHED"


# ---------------------------------------------------------------------------
# Handles: a callback and its arguments, waiting to run
# ---------------------------------------------------------------------------


def _extract_stack() -> Any:
    """Where the caller's caller is, for debug-mode reports (asyncio's helper)."""
    return _format_helpers.extract_stack(sys._getframe(2))


class Handle:
    """A callback scheduled with ``call_soon``; ``cancel()`` makes the loop skip it."""

    # ``_repr`` is set only by cancel() in debug mode (never in __init__: no cost per handle).
    __slots__ = ("_callback", "_args", "_cancelled", "_loop", "_context", "_source_traceback",
                 "_repr", "__weakref__")

    def __init__(self, callback: Callable, args: tuple, loop: BaseLoop,
                 context: contextvars.Context | None = None) -> None:
        self._callback = callback
        self._args = args
        self._cancelled = False
        self._loop = loop
        self._context = contextvars.copy_context() if context is None else context
        # Debug mode remembers where the callback was scheduled, for error reports.
        self._source_traceback = _extract_stack() if loop._debug else None

    __repr__ = reprs.handle_repr  # asyncio's wording (toyloop/reprs.py)
    _repr_info = reprs.handle_repr_info

    def get_context(self) -> contextvars.Context:
        return self._context

    def cancel(self) -> None:
        if not self._cancelled:
            self._cancelled = True
            if self._loop._debug:
                # asyncio keeps the repr (callback and arguments) of a cancelled handle in
                # debug mode, for reports such as "Executing <Handle ...> took 2 seconds".
                self._repr = repr(self)
            self._callback = None  # drop references early, as asyncio does
            self._args = None

    def cancelled(self) -> bool:
        return self._cancelled

    def _run(self) -> None:
        """Run the callback; an exception goes to the loop's handler, not up."""
        try:
            self._context.run(self._callback, *self._args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            context = {
                "message": "Exception in callback " + reprs.format_callback_source(
                    self._callback, self._args, self._loop._debug),
                "exception": exc,
                "handle": self,
            }
            if self._source_traceback:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)
        # The exception's traceback holds this frame, and so this handle, and so its
        # callback (a Task's __step): drop it, or the task waits for the cycle collector.
        self = None


class TimerHandle(Handle):
    """A Handle with a deadline, kept in the loop's timer heap."""

    __slots__ = ("_when", "_scheduled")

    def __init__(self, when: float, callback: Callable, args: tuple, loop: BaseLoop,
                 context: contextvars.Context | None = None) -> None:
        super().__init__(callback, args, loop, context)
        if self._source_traceback:
            del self._source_traceback[-1]  # the frame of TimerHandle.__init__
        self._when = when
        self._scheduled = False  # True while it sits in loop._scheduled

    def when(self) -> float:
        return self._when

    def cancel(self) -> None:
        if not self._cancelled:
            # Lazy removal: the heap entry stays; the loop counts it and skips it.
            self._loop._timer_handle_cancelled(self)
        super().cancel()


# ---------------------------------------------------------------------------
# Future: a result that is not there yet
# ---------------------------------------------------------------------------


def isfuture(obj: Any) -> bool:
    """asyncio's duck test: an object with ``_asyncio_future_blocking`` is a future."""
    return (hasattr(type(obj), "_asyncio_future_blocking")
            and obj._asyncio_future_blocking is not None)


class Future:
    """asyncio's Future in plain Python (compare ``asyncio.futures._PyFuture``).

    Done callbacks are handed to ``loop.call_soon`` when the future completes,
    never called inline: whoever calls ``set_result`` finishes its own work
    before anybody reacts, and a deep chain of futures cannot overflow the stack.
    """

    # The ``_asyncio_future_blocking`` attribute is how asyncio (and isfuture)
    # recognise a future.  asyncio makes it a class attribute; a slot works too.
    __slots__ = ("_state", "_result", "_exception", "_loop", "_callbacks",
                 "_cancel_message", "_cancelled_exc", "_asyncio_future_blocking",
                 "_source_traceback", "__log_traceback", "__weakref__", "__dict__")

    def __init__(self, *, loop: Any = None) -> None:
        self._loop = _events.get_event_loop() if loop is None else loop
        self._state = _PENDING
        self._result: Any = None
        self._exception: BaseException | None = None
        self._callbacks: list[tuple[Callable, contextvars.Context]] = []
        self._cancel_message: Any = None
        self._cancelled_exc: CancelledError | None = None
        # Set to True by __await__ just before it yields this future, so the Task
        # receiving it knows an ``await`` (not a bare ``yield``) sent it; the Task
        # sets it back to False when it starts waiting (see Task._park).
        self._asyncio_future_blocking = False
        self.__log_traceback = False
        self._source_traceback = _extract_stack() if self._loop.get_debug() else None

    def set_result(self, result: Any) -> None:
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        self._result = result
        self._state = _FINISHED
        self._schedule_callbacks()

    def _schedule_callbacks(self) -> None:
        """Hand every done callback to the loop (asyncio: ``__schedule_callbacks``)."""
        callbacks = self._callbacks
        if not callbacks:
            return
        self._callbacks = []
        call_soon = self._loop.call_soon
        for callback, ctx in callbacks:
            call_soon(callback, self, context=ctx)

    def add_done_callback(self, fn: Callable, *, context: contextvars.Context | None = None
                          ) -> None:
        if context is None:
            context = contextvars.copy_context()
        if self._state != _PENDING:
            self._loop.call_soon(fn, self, context=context)
        else:
            self._callbacks.append((fn, context))

    def result(self) -> Any:
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state != _FINISHED:
            raise InvalidStateError("Result is not ready.")
        self.__log_traceback = False
        if self._exception is not None:
            raise self._exception.with_traceback(self._exception.__traceback__)
        return self._result

    def __await__(self) -> Generator[Any, None, Any]:
        if not self.done():
            self._asyncio_future_blocking = True
            yield self  # hand ourselves to the Task driving this coroutine
        if not self.done():
            raise RuntimeError("await wasn't used with future")
        return self.result()

    __iter__ = __await__

    def done(self) -> bool:
        return self._state != _PENDING

    def cancelled(self) -> bool:
        return self._state == _CANCELLED

    def exception(self) -> BaseException | None:
        if self._state == _CANCELLED:
            raise self._make_cancelled_error()
        if self._state != _FINISHED:
            raise InvalidStateError("Exception is not set.")
        self.__log_traceback = False
        return self._exception

    def set_exception(self, exception: BaseException | type[BaseException]) -> None:
        if self._state != _PENDING:
            raise InvalidStateError(f"{self._state}: {self!r}")
        # asyncio's C Future (issue 12): instantiate an exception class, then insist on
        # an exception instance, so set_exception("text") fails here and not much later.
        if isinstance(exception, type) and issubclass(exception, BaseException):
            exception = exception()
            if self._state != _PENDING:  # the constructor may have completed us
                raise InvalidStateError(f"{self._state}: {self!r}")
        if not isinstance(exception, BaseException):
            raise TypeError("invalid exception object")
        if _STOPITERATION_BECOMES_RUNTIMEERROR and isinstance(exception, StopIteration):
            new_exc = RuntimeError("StopIteration interacts badly with generators "
                                   "and cannot be raised into a Future")
            new_exc.__cause__ = exception
            new_exc.__context__ = exception
            exception = new_exc
        elif type(exception) is StopIteration:
            raise TypeError("StopIteration interacts badly with generators "
                            "and cannot be raised into a Future")
        self._exception = exception
        self._state = _FINISHED
        self._schedule_callbacks()
        self.__log_traceback = True  # until somebody looks at the exception

    def remove_done_callback(self, fn: Callable) -> int:
        kept = [(f, ctx) for (f, ctx) in self._callbacks if f != fn]
        removed = len(self._callbacks) - len(kept)
        if removed:
            self._callbacks[:] = kept
        return removed

    def get_loop(self) -> Any:
        return self._loop

    def cancel(self, msg: Any = None) -> bool:
        self.__log_traceback = False
        if self._state != _PENDING:
            return False
        self._state = _CANCELLED
        self._cancel_message = msg
        self._schedule_callbacks()
        return True

    def _make_cancelled_error(self) -> CancelledError:
        """The CancelledError to raise; asyncio's gather and Task call this too."""
        if self._cancelled_exc is not None:
            exc = self._cancelled_exc
            self._cancelled_exc = None
            return exc
        if self._cancel_message is None:
            return CancelledError()
        return CancelledError(self._cancel_message)

    __repr__ = reprs.future_repr  # asyncio's wording (toyloop/reprs.py)

    def __del__(self) -> None:
        # getattr: __init__ may have failed (e.g. Future(loop) positionally) before
        # setting the flag; asyncio's class-level default has the same effect (issue 12).
        if not getattr(self, "_Future__log_traceback", False):
            return  # the exception was retrieved, or there never was one
        context = {
            "message": f"{type(self).__name__} exception was never retrieved",
            "exception": self._exception,
            "future": self,
        }
        if self._source_traceback:
            context["source_traceback"] = self._source_traceback
        self._loop.call_exception_handler(context)

    __class_getitem__ = classmethod(types.GenericAlias)

    @property
    def _log_traceback(self) -> bool:
        return self.__log_traceback

    @_log_traceback.setter
    def _log_traceback(self, val: bool) -> None:
        if val:
            raise ValueError("_log_traceback can only be set to False")
        self.__log_traceback = False


@types.coroutine
def _sleep0() -> Generator[None, None, None]:
    """A bare ``yield``: the task steps again next iteration, after everybody else."""
    yield


def _get_loop(fut: Any) -> Any:
    """The loop a future belongs to, asking politely first (asyncio does too)."""
    try:
        get_loop = fut.get_loop
    except AttributeError:
        return fut._loop
    return get_loop()


def _set_result_unless_cancelled(fut: Any, result: Any) -> None:
    """Timer callback for ``sleep``: the sleeper may have been cancelled meanwhile."""
    if fut.cancelled():
        return
    fut.set_result(result)


# ---------------------------------------------------------------------------
# Task: a coroutine driven one step at a time
# ---------------------------------------------------------------------------

_task_name_counter = itertools.count(1).__next__


class Task(Future):
    """A Future that drives a coroutine (compare ``asyncio.tasks._PyTask``).

    ``__step`` sends into the coroutine until it yields a future; ``__wakeup``
    is that future's done callback and calls ``__step`` again.  Cancellation is
    a ``CancelledError`` thrown into the coroutine at its ``await``.
    """

    __slots__ = ("_coro", "_context", "_name", "_fut_waiter", "_must_cancel",
                 "_num_cancels_requested", "_log_destroy_pending")

    def __init__(self, coro: Coroutine, *, loop: Any = None, name: str | None = None,
                 context: contextvars.Context | None = None) -> None:
        super().__init__(loop=loop)
        if self._source_traceback:
            del self._source_traceback[-1]  # the frame of Task.__init__ itself
        if not _iscoroutine(coro):
            self._log_destroy_pending = False  # __del__ reads it
            raise TypeError(f"a coroutine was expected, got {coro!r}")
        self._name = f"Task-{_task_name_counter()}" if name is None else str(name)
        self._must_cancel = False  # cancel() came while no future was awaited
        self._fut_waiter: Any = None  # the future the coroutine awaits now
        self._coro = coro
        self._context = contextvars.copy_context() if context is None else context
        self._num_cancels_requested = 0
        self._log_destroy_pending = True
        self._loop.call_soon(self.__step, context=self._context)
        _asyncio_tasks._register_task(self)  # so asyncio.all_tasks() sees us

    def __step(self, exc: BaseException | None = None) -> None:
        """Run the coroutine to its next ``await`` of a future, then park it."""
        if self._state != _PENDING:
            raise InvalidStateError(f"_step(): already done: {self!r}, {exc!r}")
        # Phase 1: a cancel() that found nothing to cancel becomes the exception to throw.
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        _enter_task(self._loop, self)  # asyncio.current_task() now answers us
        try:
            # Phase 2: resume the coroutine, with a value or an exception.
            if exc is None:
                result = self._coro.send(None)
            else:
                result = self._coro.throw(exc)
        # Phase 3: the coroutine finished -- record how.
        except StopIteration as stop:
            if self._must_cancel:
                # cancel() arrived while the last step ran: honour it (asyncio does).
                self._must_cancel = False
                super().cancel(msg=self._cancel_message)
            else:
                super().set_result(stop.value)
        except CancelledError as cancelled:
            self._cancelled_exc = cancelled  # keep its message and traceback
            super().cancel()
        except (KeyboardInterrupt, SystemExit) as fatal:
            super().set_exception(fatal)
            raise
        except BaseException as error:
            super().set_exception(error)
        # Phase 4: it yielded -- decide when to resume it.
        else:
            if result is None:
                # A bare ``yield`` (asyncio.sleep(0)): give everybody else a turn.
                self._loop.call_soon(self.__step, context=self._context)
            else:
                self._park(result)
        finally:
            _leave_task(self._loop, self)
            self = None  # break a reference cycle if an exception is being raised

    def _park(self, result: Any) -> None:
        """The coroutine yielded ``result`` (not None): arrange to be woken up."""
        blocking = getattr(result, "_asyncio_future_blocking", None)
        if blocking is not None:  # a future (ours, asyncio's, anybody's)
            if _get_loop(result) is not self._loop:
                new_exc = RuntimeError(
                    f"Task {self!r} got Future {result!r} attached to a different loop")
                self._loop.call_soon(self.__step, new_exc, context=self._context)
            elif blocking:
                if result is self:
                    new_exc = RuntimeError(f"Task cannot await on itself: {self!r}")
                    self._loop.call_soon(self.__step, new_exc, context=self._context)
                else:
                    result._asyncio_future_blocking = False
                    result.add_done_callback(self.__wakeup, context=self._context)
                    self._fut_waiter = result
                    if self._must_cancel and self._fut_waiter.cancel(msg=self._cancel_message):
                        self._must_cancel = False
            else:
                new_exc = RuntimeError(
                    f"yield was used instead of yield from in task {self!r} with {result!r}")
                self._loop.call_soon(self.__step, new_exc, context=self._context)
        elif inspect.isgenerator(result):
            new_exc = RuntimeError(
                f"yield was used instead of yield from for generator in task {self!r} "
                f"with {result!r}")
            self._loop.call_soon(self.__step, new_exc, context=self._context)
        else:
            new_exc = RuntimeError(f"Task got bad yield: {result!r}")
            self._loop.call_soon(self.__step, new_exc, context=self._context)

    def __wakeup(self, future: Any) -> None:
        """Done callback of the awaited future: resume with its outcome."""
        try:
            future.result()
        except BaseException as exc:
            # The awaited future failed or was cancelled: throw that into the coroutine.
            self.__step(exc)
        else:
            # Don't pass the value to __step: the coroutine's ``await`` reads it from
            # future.result() itself (see Future.__await__).
            self.__step()
        self = None

    def cancel(self, msg: Any = None) -> bool:
        """Ask the coroutine to stop: a CancelledError at its current await."""
        self._log_traceback = False
        if self.done():
            return False
        self._num_cancels_requested += 1
        if self._fut_waiter is not None:
            if self._fut_waiter.cancel(msg=msg):
                # The waiter's done callback (__wakeup) will throw CancelledError in.
                return True
        # Not waiting on anything (or the waiter refused): cancel at the next step.
        self._must_cancel = True
        self._cancel_message = msg
        return True

    def cancelling(self) -> int:
        return self._num_cancels_requested

    def uncancel(self) -> int:
        if self._num_cancels_requested > 0:
            self._num_cancels_requested -= 1
            if _UNCANCEL_CLEARS_MUST_CANCEL and self._num_cancels_requested == 0:
                self._must_cancel = False
        return self._num_cancels_requested

    __repr__ = reprs.task_repr  # asyncio's wording (toyloop/reprs.py)

    def get_coro(self) -> Coroutine:
        return self._coro

    def get_context(self) -> contextvars.Context:
        return self._context

    def get_name(self) -> str:
        return self._name

    def set_name(self, value: Any) -> None:
        self._name = str(value)

    def set_result(self, result: Any) -> None:
        raise RuntimeError("Task does not support set_result operation")

    def set_exception(self, exception: Any) -> None:
        raise RuntimeError("Task does not support set_exception operation")

    def get_stack(self, *, limit: int | None = None) -> list[types.FrameType]:
        """The coroutine's frame, or the traceback's frames of a failed task.

        asyncio's own helper (``base_tasks.py``), so ``limit`` and its errors are
        asyncio's (issue 12: toyloop walked the await chain instead).
        """
        return _asyncio_base_tasks._task_get_stack(self, limit)

    def print_stack(self, *, limit: int | None = None, file: Any = None) -> None:
        """Print ``get_stack()`` like a traceback (asyncio's helper, ``base_tasks.py``)."""
        return _asyncio_base_tasks._task_print_stack(self, limit, file)

    def __del__(self) -> None:
        if self._state == _PENDING and self._log_destroy_pending:
            context = {"task": self, "message": "Task was destroyed but it is pending!"}
            if self._source_traceback:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)
        super().__del__()


def current_task(loop: Any = None) -> Task | None:
    """The task running now (asyncio keeps this table; we fill it in ``__step``)."""
    return _asyncio_tasks.current_task(loop)


def ensure_future(obj: Any, *, loop: Any = None) -> Any:
    """A future for ``obj``: itself if it is one, else a task running it."""
    if isfuture(obj):
        if loop is not None and loop is not _get_loop(obj):
            raise ValueError("The future belongs to a different loop than "
                             "the one specified as the loop argument")
        return obj
    if loop is None:
        loop = _events.get_event_loop()
    if _iscoroutine(obj):
        return loop.create_task(obj)
    if inspect.isawaitable(obj):
        return loop.create_task(_wrap_awaitable(obj))
    raise TypeError("An asyncio.Future, a coroutine or an awaitable is required")


async def _wrap_awaitable(awaitable: Awaitable) -> Any:
    return await awaitable


# ---------------------------------------------------------------------------
# BaseLoop: the ready queue, the timer heap and one iteration
# ---------------------------------------------------------------------------


class BaseLoop(ExceptionHandlerMixin, Observable):
    """An event loop with callbacks, timers, futures and tasks, but no I/O.

    State (as in asyncio's ``BaseEventLoop``):

    * ``_ready``     -- deque of Handles to run in the next iteration;
    * ``_scheduled`` -- heap of ``(when, seq, TimerHandle)``; ``seq`` breaks ties
      so timers due at the same time run in the order they were set;
    * ``_stopping``  -- ``stop()`` was called: finish this iteration, then return.

    Two mixins from the bottom layer bring what chapter 2 does not teach:
    ``ExceptionHandlerMixin`` (how errors are logged) and ``Observable``
    (``add_instrument`` and debug mode, which wrap ``_run_once`` and the ready
    queue from outside: ``toyloop/observe.py``).
    """

    def __init__(self, *, clock: MonotonicClock | VirtualClock | None = None) -> None:
        self._clock = MonotonicClock() if clock is None else clock
        self._ready: collections.deque[Handle] = collections.deque()
        self._scheduled: list[tuple[float, int, TimerHandle]] = []
        self._timer_seq = itertools.count().__next__
        self._timer_cancelled_count = 0
        self._clock_resolution = time.get_clock_info("monotonic").resolution
        self._stopping = False
        self._closed = False
        self._thread_id: int | None = None  # set while running
        self._exception_handler: Callable | None = None
        self.set_debug(_asyncio_coroutines._is_debug_mode())  # -X dev, PYTHONASYNCIODEBUG

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} running={self.is_running()} "
                f"closed={self.is_closed()} debug={self.get_debug()}>")

    # -- Time -----------------------------------------------------------------

    def time(self) -> float:
        """The loop's clock: ``time.monotonic`` unless a VirtualClock was given."""
        return self._clock.time()

    # -- Scheduling callbacks -------------------------------------------------

    def call_soon(self, callback: Callable, *args: Any,
                  context: contextvars.Context | None = None) -> Handle:
        """Run ``callback(*args)`` in the next iteration, after those already queued."""
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_soon")
            self._check_thread()
        handle = Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]  # debug mode: drop call_soon's own frame
        self._ready.append(handle)
        return handle

    def call_later(self, delay: float, callback: Callable, *args: Any,
                   context: contextvars.Context | None = None) -> TimerHandle:
        """Run ``callback(*args)`` once ``delay`` seconds have passed."""
        if delay is None:
            raise TypeError("delay must not be None")
        timer = self.call_at(self._clock.time() + delay, callback, *args, context=context)
        # Debug mode: drop call_later's own frame too.  getattr, because chapter 6's
        # exercise plugs in a learner's call_at, whose mistakes its checker must name.
        if getattr(timer, "_source_traceback", None):
            del timer._source_traceback[-1]
        return timer

    def call_at(self, when: float, callback: Callable, *args: Any,
                context: contextvars.Context | None = None) -> TimerHandle:
        """Run ``callback(*args)`` at loop time ``when``."""
        if when is None:
            raise TypeError("when cannot be None")
        if math.isnan(when):  # NaN compares false with everything: it would wreck the heap
            raise ValueError("Invalid delay: NaN (not a number)")
        if self._closed:
            raise RuntimeError("Event loop is closed")
        if self._debug or not callable(callback):
            self._check_callback(callback, "call_at")
            self._check_thread()
        timer = TimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]  # debug mode: drop call_at's own frame
        heapq.heappush(self._scheduled, (when, self._timer_seq(), timer))
        timer._scheduled = True
        return timer

    def _timer_handle_cancelled(self, handle: TimerHandle) -> None:
        """A scheduled timer was cancelled: count it, purge the heap later."""
        if handle._scheduled:
            self._timer_cancelled_count += 1

    def _check_thread(self) -> None:
        """Debug mode: call_soon from a foreign thread is a bug (use call_soon_threadsafe)."""
        if self._debug and self._thread_id is not None and \
                self._thread_id != threading.get_ident():
            raise RuntimeError("Non-thread-safe operation invoked on an event loop other "
                               "than the current one")

    def _check_callback(self, callback: Any, method: str) -> None:
        # asyncio checks this only in debug mode; call_soon and friends also call it
        # whenever the callback is not callable, so a learner always gets the message.
        if _iscoroutine(callback) or inspect.iscoroutinefunction(callback):
            raise TypeError(f"coroutines cannot be used with {method}()")
        if not callable(callback):
            raise TypeError(f"a callable object was expected by {method}(), got {callback!r}")

    # -- Futures and tasks ----------------------------------------------------

    def create_future(self) -> Future:
        return Future(loop=self)

    def create_task(self, coro: Coroutine, *, name: str | None = None,
                    context: contextvars.Context | None = None) -> Task:
        """Wrap ``coro`` in a Task whose first step runs in the next iteration."""
        self._check_closed()
        task = Task(coro, loop=self, name=name, context=context)
        if task._source_traceback:
            del task._source_traceback[-1]  # debug mode: drop create_task's own frame
        return task

    # -- One iteration --------------------------------------------------------

    def _run_once(self) -> None:
        """One full iteration: wait for I/O or the next timer, then run what is ready.

        The order within one iteration is asyncio's: callbacks that were already
        ready, then I/O callbacks, then timers that fell due.  A callback
        scheduled while this iteration runs waits for the next one.
        """
        scheduled = self._scheduled

        # Phase 1: prune cancelled timers (all of them if they are the majority).
        sched_count = len(scheduled)
        if (sched_count > _MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / sched_count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            self._purge_cancelled_timers()
        else:
            while scheduled and scheduled[0][2]._cancelled:
                self._timer_cancelled_count -= 1
                heapq.heappop(scheduled)[2]._scheduled = False

        # Phase 2: how long may we wait?  Not at all if something is ready.
        timeout = None
        if self._ready or self._stopping:
            timeout = 0
        elif scheduled:
            timeout = min(max(0, scheduled[0][0] - self.time()), MAXIMUM_SELECT_TIMEOUT)

        # Phase 3: wait for I/O (or just for time to pass), queue the I/O callbacks.
        event_list = self._select(timeout)
        self._process_events(event_list)
        event_list = None

        # Phase 4: move timers that are due to the ready queue.
        if scheduled:
            # A timer due within one clock tick counts as due now (asyncio does the same):
            # where the clock is coarse, select() can wake a hair before the timer's time,
            # and without this margin the loop would go round once more with a timeout of
            # almost 0 just to fire it. (On Linux, selectors round the timeout *up*.)
            end_time = self.time() + self._clock_resolution
            while scheduled and scheduled[0][0] < end_time:
                timer = heapq.heappop(scheduled)[2]
                timer._scheduled = False
                self._ready.append(timer)

        # Phase 5: run what is ready *now*.  Count first: callbacks these add
        # land behind them and run next iteration, after another look at I/O.
        ready = self._ready
        for _ in range(len(ready)):
            handle = ready.popleft()
            if handle._cancelled:
                continue
            handle._run()
        handle = None  # break cycles when an exception occurred

    def _purge_cancelled_timers(self) -> None:
        """Rebuild the heap without cancelled timers (O(n), amortised)."""
        kept = []
        for entry in self._scheduled:
            if entry[2]._cancelled:
                entry[2]._scheduled = False
            else:
                kept.append(entry)
        heapq.heapify(kept)
        self._scheduled[:] = kept  # in place: _run_once holds a reference
        self._timer_cancelled_count = 0

    def _select(self, timeout: float | None) -> list:
        """Chapter 2 has no I/O: waiting only lets time pass until the next timer."""
        if timeout is None:
            raise RuntimeError("Nothing is ready and no timer is set: the loop would wait "
                               "forever (chapter 3's selector can wait for I/O)")
        real_timeout = self._clock.budget(timeout, False, False)
        if real_timeout:
            time.sleep(real_timeout)
        self._clock.idle(timeout, False)
        return []

    def _process_events(self, event_list: list) -> None:
        """Turn I/O events into ready callbacks; chapter 3 fills this in."""

    # -- Running and stopping -------------------------------------------------

    def run_forever(self) -> None:
        """Run iterations until ``stop()`` is called."""
        self._check_closed()
        self._check_running()
        outer_loop = _events._get_running_loop()  # Jupyter's, which we step aside from
        self._thread_id = threading.get_ident()
        _events._set_running_loop(self)
        try:
            while True:
                self._run_once()
                if self._stopping:
                    break
        finally:
            self._stopping = False
            self._thread_id = None
            _events._set_running_loop(outer_loop)

    def run_until_complete(self, future: Any) -> Any:
        """Run until ``future`` (a coroutine is wrapped in a Task) is done."""
        self._check_closed()
        self._check_running()
        new_task = not isfuture(future)
        future = ensure_future(future, loop=self)
        if new_task:
            future._log_destroy_pending = False  # we raise below if it never finishes
        future.add_done_callback(_run_until_complete_cb)
        try:
            self.run_forever()
        except BaseException:
            if new_task and future.done() and not future.cancelled():
                future.exception()  # the exception propagates: don't also log it
            raise
        finally:
            future.remove_done_callback(_run_until_complete_cb)
        if not future.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return future.result()

    def stop(self) -> None:
        """Stop after the current iteration (callbacks already queued still run)."""
        self._stopping = True

    def is_running(self) -> bool:
        return self._thread_id is not None

    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Forget pending callbacks and timers; the loop cannot run again."""
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        self._scheduled.clear()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        # _warn is bound now because module globals may be gone at interpreter exit.
        if not self.is_closed():
            _warn(f"unclosed event loop {self!r}", ResourceWarning, source=self)
            if not self.is_running():
                self.close()

    def _check_closed(self) -> None:
        if self._closed:
            raise RuntimeError("Event loop is closed")

    def _check_running(self) -> None:
        if self.is_running():
            raise RuntimeError("This event loop is already running")
        outer = _events._get_running_loop()
        # Discussion: asyncio refuses to run inside *any* running loop.  toyloop
        # refuses inside another toyloop (re-entrancy breaks the ready queue) but
        # steps aside for a foreign loop such as ipykernel's, which is blocked
        # anyway while a notebook cell runs; run_forever puts it back.
        if isinstance(outer, BaseLoop):
            raise RuntimeError("Cannot run the event loop while another loop is running")

def _run_until_complete_cb(fut: Any) -> None:
    if not fut.cancelled():
        exc = fut.exception()
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            return  # the loop is stopping by itself as the exception propagates
    _get_loop(fut).stop()


# ---------------------------------------------------------------------------
# Helpers: sleep, gather, wait_for
# ---------------------------------------------------------------------------


async def sleep(delay: float, result: Any = None) -> Any:
    """Suspend the current task for ``delay`` seconds: a future plus a timer."""
    if delay <= 0:
        await _sleep0()
        return result
    if math.isnan(delay):
        raise ValueError("Invalid delay: NaN (not a number)")
    loop = _events.get_running_loop()
    future = loop.create_future()
    timer = loop.call_later(delay, _set_result_unless_cancelled, future, result)
    try:
        return await future
    finally:
        timer.cancel()  # we may be leaving early, cancelled


class _GatheringFuture(Future):
    """gather()'s outer future: cancelling it cancels every child."""

    def __init__(self, children: list[Any], *, loop: Any) -> None:
        super().__init__(loop=loop)
        self._children = children
        self._cancel_requested = False

    def cancel(self, msg: Any = None) -> bool:
        if self.done():
            return False
        ret = False
        for child in self._children:
            if child.cancel(msg=msg):
                ret = True
        if ret:
            # Some child will report its cancellation to _done_callback.
            self._cancel_requested = True
        return ret


def gather(*coros_or_futures: Any, return_exceptions: bool = False) -> Future:
    """A future for the list of results, in argument order.

    The first exception propagates (the other children keep running) unless
    ``return_exceptions`` puts exceptions in the list instead.
    """
    if not coros_or_futures:
        outer = _events.get_event_loop().create_future()
        outer.set_result([])
        return outer
    loop = None
    arg_to_fut: dict[Any, Any] = {}
    children = []
    for arg in coros_or_futures:
        if arg not in arg_to_fut:
            fut = ensure_future(arg, loop=loop)
            if loop is None:
                loop = _get_loop(fut)
            if fut is not arg:
                fut._log_destroy_pending = False  # gather owns it; it reports errors
            arg_to_fut[arg] = fut
        children.append(arg_to_fut[arg])
    outer = _GatheringFuture(children, loop=loop)
    finished = 0
    n_futures = len(arg_to_fut)

    def _done_callback(fut: Any) -> None:
        nonlocal finished
        finished += 1
        if outer.done():
            if not fut.cancelled():
                fut.exception()  # mark it retrieved: outer already reported
            return
        if not return_exceptions:
            if fut.cancelled():
                outer.set_exception(fut._make_cancelled_error())
                return
            exc = fut.exception()
            if exc is not None:
                outer.set_exception(exc)
                return
        if finished == n_futures:
            _collect_results(outer, children, fut)

    for fut in arg_to_fut.values():
        fut.add_done_callback(_done_callback)
    return outer


def _collect_results(outer: _GatheringFuture, children: list[Any], last: Any) -> None:
    """Every child is done: set outer's result list (or its cancellation)."""
    results = []
    for fut in children:
        if fut.cancelled():
            # A fresh error per child, as asyncio does: one exception object
            # must not be raised from several places.
            res: Any = CancelledError("" if fut._cancel_message is None else fut._cancel_message)
        else:
            res = fut.exception()
            if res is None:
                res = fut.result()
        results.append(res)
    if outer._cancel_requested:
        # Somebody cancelled gather() itself: it ends cancelled, not with a list.
        outer.set_exception(last._make_cancelled_error())
    else:
        outer.set_result(results)


def _release_waiter(waiter: Future, *args: Any) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def _cancel_and_wait(fut: Any) -> None:
    """Cancel ``fut`` and wait until it is really done (its cleanup has run)."""
    loop = _get_loop(fut)
    waiter = loop.create_future()
    cb = functools.partial(_release_waiter, waiter)
    fut.add_done_callback(cb)
    try:
        fut.cancel()
        await waiter  # don't use fut: it may refuse to be cancelled
    finally:
        fut.remove_done_callback(cb)


def _result_or_timeout(fut: Any) -> Any:
    """After we cancelled ``fut`` for a timeout: its result, or TimeoutError."""
    try:
        return fut.result()
    except CancelledError as cancelled:
        raise TimeoutError from cancelled


async def wait_for(aw: Any, timeout: float | None) -> Any:
    """Await ``aw``; if it takes longer than ``timeout``, cancel it and raise TimeoutError.

    The 3.11 design: a waiter future released by whichever comes first, the
    awaited future's completion or a timer.
    """
    loop = _events.get_running_loop()
    if timeout is None:
        return await aw
    fut = ensure_future(aw, loop=loop)
    if timeout <= 0:
        if fut.done():
            return fut.result()
        await _cancel_and_wait(fut)
        return _result_or_timeout(fut)
    waiter = loop.create_future()
    timeout_handle = loop.call_later(timeout, _release_waiter, waiter)
    cb = functools.partial(_release_waiter, waiter)
    fut.add_done_callback(cb)
    try:
        try:
            await waiter
        except CancelledError:
            # We were cancelled ourselves: pass it on to fut, then re-raise.
            if fut.done():
                return fut.result()
            fut.remove_done_callback(cb)
            await _cancel_and_wait(fut)
            raise
        if fut.done():
            return fut.result()
        fut.remove_done_callback(cb)
        await _cancel_and_wait(fut)  # the timer won: cancel, wait for its cleanup
        return _result_or_timeout(fut)
    finally:
        timeout_handle.cancel()
