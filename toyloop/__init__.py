"""toyloop: asyncio's event loop, rebuilt in readable Python, one chapter at a time.

The modules follow the tutorial's chapters, each importing only earlier ones.
"The book" -- what the notebooks teach, in their order (``python -m
toyloop.booklen`` counts it):

* ``ch1_generators``        -- Scheduler and Task on plain generators
* ``ch2_futures``           -- Handle, TimerHandle, Future, Task, BaseLoop
* ``ch3_selectors``         -- SelectorLoop: selectors and sock_* calls
* ``ch4_threads``           -- ThreadLoop: self-pipe, run_in_executor
* ``ch5_transports``        -- transports, protocols and Server
* ``ch5_asyncio``           -- EventLoop: the asyncio-compatible loop (TCP, UDP, signals)
* ``ch7_tls``, ``ch7_unix`` -- TLS, Unix sockets, pipes, subprocesses: the finished
                               EventLoop (``toyloop.EventLoop``)

Around the book:

* ``clock``, ``hooks``, ``observe``, ``reprs``, ``exception_handler``
                            -- bottom layer: clocks, instrument hooks and how
                               tools observe a loop from outside, reprs,
                               the loop's exception handler
* ``extras``                -- mixins of EventLoop the chapters do not teach:
                               async generators, task factory, UDP, sendfile,
                               signals
* ``ch6_performance``       -- chapter 6's naive "before" loops; ``bench``
                               runs the benchmarks
* ``tools``                 -- learner tools: checker, tracer, explorer
                               (instruments; rich and ipywidgets live only here)
* ``exercises``, ``examples`` -- the notebooks' exercises and example programs
* ``booklen``               -- ``python -m toyloop.booklen``: the book's length

Typical use::

    import toyloop
    toyloop.run(main())                                   # like asyncio.run
    asyncio.Runner(loop_factory=toyloop.EventLoop)        # asyncio's own runner
    toyloop.run(main(), clock=toyloop.VirtualClock())     # sleeps are instant
"""

from __future__ import annotations

import asyncio
import functools
from asyncio import events as _events
from collections.abc import Coroutine
from typing import Any, TypeVar

from .ch2_futures import (
    Future,
    Handle,
    Task,
    TimerHandle,
    current_task,
    ensure_future,
    gather,
    isfuture,
    sleep,
    wait_for,
)
from .ch4_threads import wrap_future
from .ch7_unix import EventLoop
from .clock import MonotonicClock, VirtualClock

__all__ = [
    "EventLoop", "Future", "Handle", "MonotonicClock", "Task", "TimerHandle", "VirtualClock",
    "current_task", "ensure_future", "gather", "isfuture", "new_event_loop", "run", "sleep",
    "wait_for", "wrap_future",
]
__version__ = "0.1.0"

T = TypeVar("T")


def new_event_loop(*, clock: MonotonicClock | VirtualClock | None = None) -> EventLoop:
    """A fresh toyloop EventLoop (pass ``clock=VirtualClock()`` for instant sleeps)."""
    return EventLoop(clock=clock)


def run(main: Coroutine[Any, Any, T], *, debug: bool | None = None,
        clock: MonotonicClock | VirtualClock | None = None) -> T:
    """Run ``main`` on a new toyloop EventLoop and close it: ``asyncio.run`` for toyloop.

    It is ``asyncio.Runner`` with toyloop's loop factory.  Unlike ``asyncio.run``
    it also works where another loop is already running in this thread -- a
    Jupyter cell, where ipykernel's loop runs -- by stepping that loop aside
    for the duration and putting it back afterwards.
    """
    outer_loop = _events._get_running_loop()
    _events._set_running_loop(None)
    try:
        factory = functools.partial(EventLoop, clock=clock)
        with asyncio.Runner(debug=debug, loop_factory=factory) as runner:
            return runner.run(main)
    finally:
        _events._set_running_loop(outer_loop)
