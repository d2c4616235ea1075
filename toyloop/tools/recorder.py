"""The recorder behind the tracer and the explorer: what happened in each loop iteration.

A :class:`Recorder` is an *instrument* (``loop.add_instrument(recorder)``): the
loop calls its methods at each hook point (see ``toyloop/hooks.py``), and it
writes down, per iteration of ``_run_once``, the clock, the select timeout, the
I/O events, the timers that fired and every callback that ran, named so a
person can read it (``Task-2 step -> worker() at line 12``).  With
``snapshots=True`` it also copies the loop's state (ready queue, timer heap,
selector registrations, tasks and their await chains) after every iteration,
which is what the explorer steps through.

Everything is stored as plain strings, never as the loop's objects, so a
recording keeps no task or socket alive and prints the same way every time.

Deterministic names: under a :class:`toyloop.VirtualClock` two runs of the
same program record the same text.  Two things would still vary from run to
run -- asyncio-style default task names (``Task-17``: a process-wide counter,
so it depends on what ran before) and file descriptor numbers -- so by default
(``stable_names=True``) the recorder numbers both in the order it first sees
them: the first default-named task it meets is ``Task-1``, the first socket
``fd#1``.  Tasks given a name (``create_task(..., name="worker")``) keep it.
Pass ``stable_names=False`` to see the real ``get_name()`` and fd numbers.

Line numbers are the coroutine frame's ``f_lineno``: inside a notebook that is
the line within the cell, inside a module the line in the file; file paths are
never shown, since they differ between machines.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import re
import reprlib
import selectors
import socket
import weakref
from asyncio import events
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CallbackRun", "Iteration", "Namer", "Recorder", "Snapshot", "run_program"]

_DEFAULT_TASK_NAME = re.compile(r"^Task-\d+$")
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/][^\s:'\"()]*[\\/]([^\\/\s:'\"()]+\.pyw?)\b")


def strip_paths(text: str) -> str:
    """``/home/ann/toyloop/tests/demo.py:12`` -> ``demo.py:12``: paths differ between machines."""
    return _PATH.sub(r"\1", text)


_STEP_NAMES = {"__step": "step", "_Task__step": "step", "task_step": "step",
               "__wakeup": "wakeup", "_Task__wakeup": "wakeup", "task_wakeup": "wakeup"}

_short_repr = reprlib.Repr()
_short_repr.maxstring = 40
_short_repr.maxother = 40
_short_repr.maxlist = _short_repr.maxtuple = _short_repr.maxdict = 4


def _is_task(obj: Any) -> bool:
    return hasattr(obj, "get_coro") and hasattr(obj, "done") and hasattr(obj, "get_name")


def _is_future(obj: Any) -> bool:
    return getattr(type(obj), "_asyncio_future_blocking", None) is not None or isinstance(
        obj, asyncio.Future)


def _frame_of(coro: Any) -> Any:
    return getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)


def _awaited_by(coro: Any) -> Any:
    return getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)


def _qualname(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name is None:
        name = type(obj).__name__
    return name.replace("<locals>.", "")


# Frames in these folders are library code: their line numbers change whenever the
# library is edited (or Python upgraded), so they are shown by module, not by line.
_LIBRARY_DIRS = tuple(
    str(Path(p).resolve().parent) + os.sep
    for p in (asyncio.__file__, __file__.rsplit(os.sep, 2)[0] + os.sep + "__init__.py"))


def _library(frame: Any) -> str | None:
    """``toyloop`` or ``asyncio`` for a frame in those packages, else None."""
    filename = frame.f_code.co_filename
    if filename.startswith(_LIBRARY_DIRS[0]):
        return "asyncio"
    if filename.startswith(_LIBRARY_DIRS[1]):
        return "toyloop"
    return None


def coro_location(coro: Any) -> str:
    """``worker() at line 12``, ``worker() starts``, ``sleep() in toyloop``, ``worker() done``."""
    name = _qualname(coro)
    frame = _frame_of(coro)
    if frame is None:
        return f"{name}() done"
    library = _library(frame)
    if library is not None:
        return f"{name}() in {library}"
    state = None
    if inspect.iscoroutine(coro):
        state = inspect.getcoroutinestate(coro)
    elif inspect.isgenerator(coro):
        state = inspect.getgeneratorstate(coro)
    if state in ("CORO_CREATED", "GEN_CREATED"):
        return f"{name}() starts"
    return f"{name}() at line {frame.f_lineno}"


class Namer:
    """Readable, stable names for tasks, file descriptors, callbacks and values."""

    def __init__(self, loop: Any = None, stable_names: bool = True) -> None:
        self.loop = loop
        self.stable_names = stable_names
        self._task_labels: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
        self._task_count = 0
        self._fd_labels: dict[int, str] = {}

    # -- tasks and file descriptors ------------------------------------------

    def task(self, task: Any) -> str:
        """``Task-1`` (numbered by first sighting) or the task's own name."""
        name = task.get_name()
        if not (self.stable_names and _DEFAULT_TASK_NAME.match(name)):
            return name  # a name somebody chose (maybe with set_name since): show it
        try:
            return self._task_labels[task]
        except (KeyError, TypeError):
            pass
        self._task_count += 1
        label = f"Task-{self._task_count}"
        try:
            self._task_labels[task] = label
        except TypeError:  # not weak-referenceable: it gets a new number each time
            pass
        return label

    def self_pipe_fd(self) -> int | None:
        ssock = getattr(self.loop, "_ssock", None)
        try:
            return ssock.fileno() if ssock is not None else None
        except OSError:
            return None

    def fd(self, fd: Any) -> str:
        """``fd#1`` (numbered by first sighting), ``self-pipe``, or the real number."""
        if not isinstance(fd, int):
            try:
                fd = fd.fileno()
            except (AttributeError, OSError, ValueError):
                return self.value(fd)
        if fd == self.self_pipe_fd():
            return "self-pipe"
        if not self.stable_names:
            return f"fd {fd}"
        label = self._fd_labels.get(fd)
        if label is None:
            label = self._fd_labels[fd] = f"fd#{len(self._fd_labels) + 1}"
        return label

    # -- values and callbacks -------------------------------------------------

    def value(self, obj: Any, waiters: bool = True) -> str:
        """A short repr with no addresses: tasks by name, futures by state."""
        if _is_task(obj):
            return f"<Task {self.task(obj)}>"
        if _is_future(obj):
            return f"<{self.future(obj, waiters)}>"
        if isinstance(obj, socket.socket):
            return "<socket closed>" if obj.fileno() < 0 else f"<socket {self.fd(obj)}>"
        if inspect.ismethod(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
            return _qualname(obj)
        return strip_paths(_ADDRESS.sub("at 0x…", _short_repr.repr(obj)))

    def future(self, fut: Any, waiters: bool = True) -> str:
        """``Future pending awaited by Task-2``, ``Future finished result=3``, ..."""
        kind = type(fut).__name__
        if _is_task(fut):
            return f"Task {self.task(fut)}"
        if not fut.done() and not waiters:
            return f"{kind} pending"
        if not fut.done():
            waiters = [self.task(cb.__self__) for cb, *_ in getattr(fut, "_callbacks", [])
                       if _is_task(getattr(cb, "__self__", None))]
            tail = f" awaited by {', '.join(waiters)}" if waiters else ""
            return f"{kind} pending{tail}"
        if fut.cancelled():
            return f"{kind} cancelled"
        exc = getattr(fut, "_exception", None)
        if exc is not None:
            return f"{kind} failed {type(exc).__name__}"
        return f"{kind} finished result={self.value(getattr(fut, '_result', None))}"

    def task_step(self, callback: Any) -> tuple[Any, str] | None:
        """``(task, "step"|"wakeup")`` when ``callback`` resumes a task, else None."""
        task = getattr(callback, "__self__", None)
        func = getattr(callback, "__func__", callback)
        kind = _STEP_NAMES.get(getattr(func, "__name__", ""))
        if kind is not None and _is_task(task):
            return task, kind
        return None

    def callback(self, callback: Any, args: tuple = ()) -> str:
        """``Task-2 step -> worker() at line 12`` or ``func(arg, ...)``."""
        while isinstance(callback, functools.partial):
            args = callback.args + tuple(args)
            callback = callback.func
        step = self.task_step(callback)
        if step is not None:
            task, kind = step
            return f"{self.task(task)} {kind} -> {coro_location(task.get_coro())}"
        if getattr(callback, "__name__", "") == "_read_from_self":
            return "drain self-pipe"
        if type(callback).__name__ == "TaskStepMethWrapper":
            # asyncio's C Task (a task factory may make them): its step hides the task.
            return "asyncio C Task step (task not visible from here)"
        return f"{_qualname(callback)}({', '.join(self.value(a) for a in args or ())})"

    def handle(self, handle: Any) -> str:
        if handle.cancelled():
            return "(cancelled)"
        return self.callback(handle._callback, handle._args)

    def events(self, mask: int) -> str:
        names = []
        if mask & selectors.EVENT_READ:
            names.append("READ")
        if mask & selectors.EVENT_WRITE:
            names.append("WRITE")
        return "|".join(names) or "-"


# ---------------------------------------------------------------------------
# What one iteration did
# ---------------------------------------------------------------------------


@dataclass
class CallbackRun:
    """One callback run by ``_run_once``; ``notes`` are what happened while it ran."""

    label: str
    task: str | None = None           # the task it stepped, if it was a task step
    coro: str | None = None           # ``worker()``, for task steps
    line: int | None = None           # the line the coroutine resumed at (None: starts)
    outcome: str = ""                 # ``suspended at line 14``, ``done``, ...
    notes: list[str] = field(default_factory=list)


@dataclass
class Iteration:
    """One pass of ``_run_once``, numbered from 1."""

    index: int
    started: float                     # loop.time() when it began
    clock: float = 0.0                 # loop.time() after the select (callbacks see this)
    timeout: float | None = None       # what _run_once passed to select
    events: list[tuple[str, str]] = field(default_factory=list)   # (fd label, READ/WRITE)
    timers: list[str] = field(default_factory=list)
    callbacks: list[CallbackRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # events outside any callback

    @property
    def tasks_run(self) -> list[str]:
        """Names of the tasks stepped in this iteration, in order, without repeats."""
        seen: list[str] = []
        for cb in self.callbacks:
            if cb.task is not None and cb.task not in seen:
                seen.append(cb.task)
        return seen

    def all_notes(self) -> list[str]:
        out = list(self.notes)
        for cb in self.callbacks:
            out.extend(cb.notes)
        return out


@dataclass
class TaskInfo:
    name: str
    state: str                  # ready / pending / running / done / cancelled / failed
    coro: str                   # ``worker()``
    chain: list[str]            # await chain, outermost first
    detail: str = ""            # result or exception, for finished tasks


@dataclass
class Snapshot:
    """The loop's state after one iteration (index 0: before the first one)."""

    index: int
    clock: float
    ready: list[str]
    timers: list[tuple[float, str]]
    selector: list[tuple[str, str, str]]     # (fd label, events, callbacks)
    tasks: list[TaskInfo]


# ---------------------------------------------------------------------------
# The instrument
# ---------------------------------------------------------------------------


class Recorder:
    """An instrument that records every iteration (and, optionally, snapshots).

    Attach it with ``loop.add_instrument(recorder)``; read ``recorder.iterations``
    (a list of :class:`Iteration`) and ``recorder.snapshots``.  ``preamble``
    holds what happened before the first iteration (tasks created, say).
    """

    def __init__(self, loop: Any = None, *, stable_names: bool = True,
                 snapshots: bool = False, max_iterations: int | None = None) -> None:
        self.namer = Namer(loop, stable_names)
        self.iterations: list[Iteration] = []
        self.snapshots: list[Snapshot] = []
        self.preamble: list[str] = []
        self.take_snapshots = snapshots
        self.max_iterations = max_iterations
        self.truncated = False
        self._loop = loop
        self._current: Iteration | None = None
        self._running: CallbackRun | None = None
        self._running_task: Any = None
        self._tasks: list[tuple[str, Any]] = []      # (label, weakref or None), creation order
        self._task_final: dict[str, TaskInfo] = {}   # finished tasks, by label
        self._known: set[str] = set()

    # -- attaching --------------------------------------------------------------

    def attach(self, loop: Any) -> Recorder:
        self._loop = loop
        self.namer.loop = loop
        loop.add_instrument(self)
        return self

    def detach(self) -> None:
        if self._loop is not None and self in self._loop._hooks.instruments:
            self._loop.remove_instrument(self)

    @property
    def loop(self) -> Any:
        return self._loop

    def _note(self, text: str) -> None:
        if self._running is not None:
            self._running.notes.append(text)
        elif self._current is not None:
            self._current.notes.append(text)
        else:
            self.preamble.append(text)

    # -- hook points, in the order _run_once calls them -------------------------

    def _bind(self, loop: Any) -> Any:
        """Learn the loop when added with a bare ``loop.add_instrument(recorder)``."""
        if self._loop is None and loop is not None:
            self._loop = self.namer.loop = loop
        return self._loop

    def before_run_once(self) -> None:
        # Hooks are not told their loop; the running loop is the one calling us.
        loop = self._bind(events._get_running_loop()) if self._loop is None else self._loop
        if self.take_snapshots and not self.snapshots:
            self.snapshots.append(self.snapshot(0))
        now = loop.time()
        self._current = Iteration(index=len(self.iterations) + 1, started=now, clock=now)
        self.iterations.append(self._current)

    def before_select(self, timeout: float | None) -> None:
        if self._current is not None:
            self._current.timeout = timeout

    def after_select(self, events: list) -> None:
        it = self._current
        if it is None:
            return
        it.clock = self._loop.time()
        for key, mask in events:
            fd = getattr(key, "fd", key)
            it.events.append((self.namer.fd(fd), self.namer.events(mask)))

    def timer_fired(self, handle: Any) -> None:
        if self._current is not None:
            self._current.timers.append(self.namer.handle(handle))

    def before_handle(self, handle: Any) -> None:
        callback = handle._callback
        run = CallbackRun(label=self.namer.handle(handle))
        step = self.namer.task_step(callback)
        if step is not None:
            task, _ = step
            coro = task.get_coro()
            run.task = self.namer.task(task)
            run.coro = f"{_qualname(coro)}()"
            loc = coro_location(coro)
            run.line = int(loc.rsplit(" ", 1)[1]) if " at line " in loc else None
            self._running_task = task
            self._know(task, run.task)
        else:
            self._running_task = None
        self._running = run
        if self._current is not None:
            self._current.callbacks.append(run)

    def after_handle(self, handle: Any) -> None:
        run, task = self._running, self._running_task
        if run is not None and task is not None:
            if task.done():
                run.outcome = self._finished(task)
            else:
                where = coro_location(task.get_coro()).split(" at ", 1)[-1]
                waiter = getattr(task, "_fut_waiter", None)
                if waiter is None:
                    what = " (yielded: runs again next iteration)"
                else:
                    what = f" awaiting {self.namer.value(waiter, waiters=False)}"
                run.outcome = f"suspended at {where}{what}"
        self._running = None
        self._running_task = None

    def after_run_once(self) -> None:
        if self.take_snapshots and self._current is not None:
            self.snapshots.append(self.snapshot(self._current.index))
        self._current = None
        if self.max_iterations is not None and len(self.iterations) >= self.max_iterations:
            self.truncated = True
            self._loop.stop()

    def _know(self, task: Any, label: str) -> None:
        """Remember ``task`` for the snapshots' task list (creation order)."""
        if label in self._known:
            return
        self._known.add(label)
        try:
            ref: Any = weakref.ref(task)
        except TypeError:
            ref = None
        self._tasks.append((label, ref))

    def task_created(self, task: Any) -> None:
        self._bind(task.get_loop())
        label = self.namer.task(task)
        self._know(task, label)
        self._note(f"created {label} {_qualname(task.get_coro())}()")

    def task_done(self, task: Any) -> None:
        label = self.namer.task(task)
        self._note(f"{label} {self._finished(task)}")
        self._task_final[label] = self._task_info(task, label)

    def future_done(self, future: Any) -> None:
        if _is_task(future):
            return  # task_done reports it, with more to say
        wakes = []
        for handle in reversed(getattr(self._loop, "_ready", ())):
            if not handle._args or handle._args[0] is not future:
                break
            step = self.namer.task_step(handle._callback)
            if step is not None:
                wakes.append(self.namer.task(step[0]))
        tail = f" -> wakes {', '.join(reversed(wakes))}" if wakes else ""
        self._note(f"{self.namer.future(future)}{tail}")

    def exception_handled(self, context: dict) -> None:
        exc = context.get("exception")
        what = f": {type(exc).__name__}: {exc}" if exc is not None else ""
        message = strip_paths(f"{context.get('message', '')}{what}")
        self._note(f"exception handler called: {message}")

    # -- describing tasks and the loop's state --------------------------------

    def _finished(self, task: Any) -> str:
        if task.cancelled():
            return "cancelled"
        exc = task.exception()
        if exc is not None:
            return f"failed with {type(exc).__name__}: {exc}"
        return f"done, result={self.namer.value(task.result())}"

    def _task_info(self, task: Any, label: str) -> TaskInfo:
        coro = task.get_coro()
        coro_name = f"{_qualname(coro)}()"
        if task.done():
            state = "cancelled" if task.cancelled() else (
                "failed" if task.exception() is not None else "done")
            return TaskInfo(label, state, coro_name, [], self._finished(task))
        chain = []
        obj = coro
        while obj is not None and len(chain) < 20:
            if inspect.iscoroutine(obj) or inspect.isgenerator(obj):
                name = _qualname(obj)
                if name.endswith("__await__") or name.endswith("__iter__"):
                    break  # a future's own generator: the waiter line below says it
                chain.append(coro_location(obj))
                obj = _awaited_by(obj)
            else:
                break
        waiter = getattr(task, "_fut_waiter", None)
        if waiter is not None:
            chain.append(self.namer.value(waiter, waiters=False))
        state = "running" if task is self._running_task else "pending"
        return TaskInfo(label, state, coro_name, chain)

    def snapshot(self, index: int) -> Snapshot:
        """Copy the loop's state as text: ready queue, timers, selector, tasks."""
        loop, namer = self._loop, self.namer
        ready = [namer.handle(h) for h in loop._ready]
        timers = sorted((when, seq, namer.handle(h)) for when, seq, h in loop._scheduled
                        if not h.cancelled())
        selector = []
        sel = getattr(loop, "_selector", None)
        if sel is not None and not loop.is_closed():
            for key in sorted(sel.get_map().values(), key=lambda k: k.fd):
                reader, writer = key.data
                cbs = []
                if reader is not None and not reader.cancelled():
                    cbs.append("R: " + namer.handle(reader))
                if writer is not None and not writer.cancelled():
                    cbs.append("W: " + namer.handle(writer))
                selector.append((namer.fd(key.fd), namer.events(key.events), "; ".join(cbs)))
        ready_tasks = set()
        for h in loop._ready:
            step = None if h.cancelled() else namer.task_step(h._callback)
            if step is not None:
                ready_tasks.add(id(step[0]))
        tasks = []
        for label, ref in self._tasks:
            task = ref() if ref is not None else None
            if task is not None:
                info = self._task_info(task, label)
                if info.state == "pending" and id(task) in ready_tasks:
                    info.state = "ready"
                tasks.append(info)
            elif label in self._task_final:
                tasks.append(self._task_final[label])
        return Snapshot(index, loop.time(), ready, [(w, t) for w, _, t in timers],
                        selector, tasks)


# ---------------------------------------------------------------------------
# Running a program under a recorder
# ---------------------------------------------------------------------------


def _same(loop: Any) -> Any:
    return loop


def run_program(program: Coroutine | Callable[[], Coroutine], recorder: Recorder,
                clock: Any = None, loop_factory: Callable[..., Any] | None = None) -> Any:
    """Run ``program`` on a fresh EventLoop with ``recorder`` attached; return its result.

    ``program`` is a coroutine or a function returning one.  The loop is
    cleaned up as ``asyncio.run`` does (remaining tasks cancelled, async
    generators and the default executor shut down), with the recorder already
    detached, so the recording holds the program and nothing else.  Works in
    a Jupyter cell too (ipykernel's loop is stepped aside, as toyloop.run does).
    ``loop_factory`` makes the loop (default ``toyloop.EventLoop``; a learner's
    own loop from ``toyloop.exercises`` works the same), called with ``clock=``.
    """
    from toyloop import EventLoop, VirtualClock

    coro = program() if callable(program) else program
    factory = EventLoop if loop_factory is None else loop_factory
    loop = factory(clock=VirtualClock() if clock is None else clock)
    recorder.attach(loop)
    outer = events._get_running_loop()
    events._set_running_loop(None)
    try:
        with asyncio.Runner(loop_factory=functools.partial(_same, loop)) as runner:
            try:
                return runner.run(coro)
            finally:
                recorder.detach()
    finally:
        events._set_running_loop(outer)
