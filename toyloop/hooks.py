"""Instruments: the loop's hook points, for tracers and explorers (bottom layer).

A learner tool (the rich tracer, the ipywidgets explorer, a test's recorder)
subscribes an *instrument*: any object with methods named after hook points.
The loop's observer (``toyloop/observe.py``) keeps ``_hooks``, a dict from hook
name to the list of bound methods that want it, so an unused hook costs one
``in`` test (trio's ``Instruments`` does the same).  The loop's own pieces call
no hooks at all: the observer wraps them from outside while an instrument is
attached, and a loop without one runs them bare.

Hook points, in the order one iteration calls them::

    before_run_once()                  an iteration starts
    before_select(timeout)             the wait about to happen (None = forever)
    after_select(events)               [(SelectorKey, mask), ...] the selector returned
    timer_fired(handle)                a due TimerHandle moved to the ready queue
    before_handle(handle)              a callback is about to run
    after_handle(handle)               ... and has returned
    after_run_once()                   the iteration is over
    task_created(task) / task_done(task) / future_done(future)
    exception_handled(context)         the loop's exception handler was called

An instrument that raises is removed and reported, so a buggy tracer cannot
take the loop down.  Core modules never import rich or ipywidgets.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("toyloop")

HOOKS = (
    "before_run_once",
    "before_select",
    "after_select",
    "timer_fired",
    "before_handle",
    "after_handle",
    "after_run_once",
    "task_created",
    "task_done",
    "future_done",
    "exception_handled",
)


class Instruments(dict):
    """``{hook name: [bound method, ...]}``, only for hooks somebody wants."""

    def __init__(self) -> None:
        super().__init__()
        self.instruments: list[Any] = []

    def add(self, instrument: Any) -> None:
        if instrument in self.instruments:
            return
        self.instruments.append(instrument)
        for name in HOOKS:
            method = getattr(instrument, name, None)
            if method is not None:
                self.setdefault(name, []).append(method)

    def remove(self, instrument: Any) -> None:
        if instrument not in self.instruments:
            raise KeyError(f"{instrument!r} is not an instrument of this loop")
        self.instruments.remove(instrument)
        for name in list(self):
            self[name] = [m for m in self[name] if m.__self__ is not instrument]
            if not self[name]:
                del self[name]

    def call(self, name: str, *args: Any) -> None:
        """Call every subscriber of ``name``; drop one that raises."""
        for method in list(self.get(name, ())):
            try:
                method(*args)
            except BaseException as exc:
                if not isinstance(exc, Exception):
                    raise
                logger.exception("instrument %r raised in %s; removing it",
                                 method.__self__, name)
                if method.__self__ in self.instruments:
                    self.remove(method.__self__)
