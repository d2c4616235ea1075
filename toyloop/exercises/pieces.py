"""Pieces of the loop a learner writes, and loops assembled from them.

A *piece* is one part of toyloop that a chapter explains and a build exercise
asks the learner to write: ``ch2.Future``, ``ch2.Task.__step``,
``ch2.BaseLoop._run_once``...  Each piece names the toyloop class it belongs
to (its *home*) and the methods it is made of.  Its reference solution is the
home class's own code: nothing is copied, so what the notebook shows, what the
checker compares with and what ``toyloop`` runs are one thing.

Plugging in.  :func:`assemble` builds a loop class from a mapping ``piece name
-> candidate``; every piece not in the mapping comes from toyloop.  A candidate
is the class the learner wrote the methods in (``class Task: def __step...``),
a plain function for a one-method piece, or a dict ``method name -> function``.
The methods are copied into a subclass of the home class (``Future`` and
``Task`` reach the loop through ``create_future``/``create_task``, the
transport through ``_make_socket_transport``), with their ``__class__`` cell
pointed at the home class, so ``super()`` in the learner's method means what it
means in toyloop's.  Nothing here knows how the tools observe a loop: the
pieces are plain methods, and tools attach to the loop object.

``AssembledLoop`` is built the same way from the reference pieces only;
:func:`your_loop` from the pieces the learner saved (see :mod:`.mine`).

Discussion: why copy methods into a subclass instead of writing
``class MyTask(Task)``?  Because ``Task.__step`` calls ``super().set_result``
to reach ``Future`` past ``Task``'s own refusing ``set_result``; a learner's
subclass would land on ``Task.set_result``.  With the ``__class__`` cell set to
the home class, the learner writes exactly the code the chapter shows.
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PIECES", "Piece", "assemble", "assemble_scheduler", "describe", "piece",
           "reference_pieces"]


@dataclass(frozen=True)
class Piece:
    """One part of the loop, written by the learner in a build exercise."""

    name: str  # "ch2.Task.__step": the chapter, then the class and what is written
    chapter: int
    home: str  # "toyloop.ch2_futures:Task": where toyloop's own code lives
    target: str  # what it plugs into: "scheduler", "future", "task", "loop", "transport"
    methods: tuple[str, ...]  # the methods the learner writes (asyncio's names)
    optional: tuple[str, ...] = ()  # helpers they may write too (else toyloop's)
    title: str = ""  # what the piece does, for describe()

    @property
    def short(self) -> str:
        """``Task.__step``, ``_run_once``: the name the output shows (no chapter, no loop)."""
        rest = self.name.split(".", 1)[1]
        if rest.startswith("_SelectorSocketTransport."):
            return f"transport {rest.rpartition('.')[2]} path"
        for loop in ("Scheduler.", "BaseLoop.", "SelectorLoop.", "ThreadLoop."):
            rest = rest.removeprefix(loop)
        return rest

    def home_class(self) -> type:
        module, _, qualname = self.home.partition(":")
        return getattr(importlib.import_module(module), qualname)

    @property
    def shell(self) -> str:
        """The class the learner writes the methods in: the home class's name."""
        return self.home.rpartition(":")[2]

    def attribute(self, method: str) -> str:
        """``__step`` -> ``_Task__step``: the name Python gives it inside the class."""
        if method.startswith("__") and not method.endswith("__"):
            return f"_{self.shell.lstrip('_')}{method}"
        return method

    def reference(self) -> dict[str, Any]:
        """toyloop's own methods for this piece (those the home class defines)."""
        cls = self.home_class()
        out = {}
        for method in self.methods + self.optional:
            attr = self.attribute(method)
            value = _lookup(cls, attr)
            if value is not None:
                out[attr] = value
        return out


def _lookup(cls: type, attr: str) -> Any:
    """The raw attribute (function, not bound method) from the first class defining it."""
    for klass in cls.__mro__:
        if attr in klass.__dict__:
            return klass.__dict__[attr]
    return None


_CH2 = "toyloop.ch2_futures"
PIECES: dict[str, Piece] = {p.name: p for p in (
    Piece("ch1.Scheduler._run_once", 1, "toyloop.ch1_generators:Scheduler", "scheduler",
          ("_run_once",), title="the round-robin scheduler's turn"),
    Piece("ch2.Future", 2, f"{_CH2}:Future", "future",
          ("result", "exception", "add_done_callback", "set_result", "set_exception",
           "__await__"), optional=("_schedule_callbacks", "done", "cancelled"),
          title="result, exception, done callbacks, __await__"),
    Piece("ch2.Task.__step", 2, f"{_CH2}:Task", "task", ("__step", "__wakeup"),
          optional=("_park",), title="send or throw, park, wake up"),
    Piece("ch2.BaseLoop._run_once", 2, f"{_CH2}:BaseLoop", "loop", ("_run_once",),
          title="one iteration: timeout, select, timers, ready"),
    Piece("ch3.SelectorLoop._process_events", 3, "toyloop.ch3_selectors:SelectorLoop", "loop",
          ("_process_events", "_add_reader", "_remove_reader"),
          title="I/O events to ready callbacks; readers"),
    Piece("ch3.SelectorLoop.sock_recv", 3, "toyloop.ch3_selectors:SelectorLoop", "loop",
          ("sock_recv",), optional=("_sock_recv", "_sock_read_done"),
          title="await a socket's bytes"),
    Piece("ch4.ThreadLoop.call_soon_threadsafe", 4, "toyloop.ch4_threads:ThreadLoop", "loop",
          ("call_soon_threadsafe",), optional=("_write_to_self",),
          title="call_soon from another thread, with the self-pipe"),
    Piece("ch4.ThreadLoop.run_in_executor", 4, "toyloop.ch4_threads:ThreadLoop", "loop",
          ("run_in_executor",), optional=("_job_done",),
          title="a function in a worker thread, as a future"),
    Piece("ch5._SelectorSocketTransport.read", 5,
          "toyloop.ch5_transports:_SelectorSocketTransport", "transport",
          ("_read_ready__data_received",), optional=("_read_ready__on_eof",),
          title="readable socket to data_received / eof_received"),
    Piece("ch5._SelectorSocketTransport.write", 5,
          "toyloop.ch5_transports:_SelectorSocketTransport", "transport",
          ("write", "_write_ready"), optional=("_maybe_pause_protocol", "_maybe_resume_protocol"),
          title="write, buffer, flow control"),
)}


def piece(name: str) -> Piece:
    """The piece called ``name`` (a KeyError lists the known names)."""
    try:
        return PIECES[name]
    except KeyError:
        raise KeyError(f"no piece {name!r}; the pieces are: {', '.join(PIECES)}") from None


def reference_pieces(names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{name: toyloop's methods}``: what AssembledLoop plugs in."""
    return {name: PIECES[name].reference() for name in (PIECES if names is None else names)}


# ---------------------------------------------------------------------------
# From a candidate (class, function or dict) to the methods to plug in
# ---------------------------------------------------------------------------


_CLASS_BOOKKEEPING = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__",
                      "__firstlineno__", "__static_attributes__", "__annotations__"}


def methods_of(p: Piece, candidate: Any) -> dict[str, Any]:
    """The methods ``candidate`` supplies for piece ``p``, under their class names.

    Raises TypeError (saying what to write) when a required method is missing.
    """
    if isinstance(candidate, Mapping):
        found = {p.attribute(k) if not k.startswith(f"_{p.shell.lstrip('_')}__") else k: v
                 for k, v in candidate.items()}
    elif isinstance(candidate, type):
        # Every method the learner wrote comes along, helpers included.  Inside
        # ``class MyTask:`` Python names ``__step`` ``_MyTask__step``: plug it in
        # under toyloop's name too (``_Task__step``), which toyloop's code calls.
        found = {}
        own = f"_{candidate.__name__.lstrip('_')}__"
        home = f"_{p.shell.lstrip('_')}__"
        for attr, value in candidate.__dict__.items():
            if attr in _CLASS_BOOKKEEPING:
                continue
            if own != home:
                value = _private_names_as(value, own, home)
            found[attr] = value
            if own != home and attr.startswith(own):
                found[home + attr[len(own):]] = value
    elif callable(candidate) and len(p.methods) == 1:
        found = {p.attribute(p.methods[0]): candidate}
    else:
        raise TypeError(f"{p.name} is written as methods of `class {p.shell}:` "
                        f"({', '.join(p.methods)}); got {candidate!r}")
    missing = [m for m in p.methods if p.attribute(m) not in found]
    if missing:
        raise TypeError(f"your {p.shell} has no {', '.join(missing)}: {p.name} needs "
                        f"{', '.join(p.methods)}")
    return found


def _private_names_as(value: Any, own: str, home: str) -> Any:
    """``value`` with the private names it uses renamed from ``own`` to ``home``.

    Inside ``class MyFuture:`` Python turns ``self.__log_traceback`` into
    ``self._MyFuture__log_traceback``; toyloop's code, written in ``class Future:``,
    reads ``_Future__log_traceback``.  So that the learner can write the attribute as
    asyncio does, the names a method looks up are renamed to the home class's."""
    return _each_function(value, lambda f: _copy_function(
        f, _renamed_code(f.__code__, own, home), f.__closure__))


def _renamed_code(code: types.CodeType, own: str, home: str) -> types.CodeType:
    """``code`` (and the code nested in it: lambdas, comprehensions) with ``co_names``
    starting with ``own`` starting with ``home`` instead."""
    names = tuple(home + n[len(own):] if n.startswith(own) else n for n in code.co_names)
    consts = tuple(_renamed_code(c, own, home) if isinstance(c, types.CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_names=names, co_consts=consts)


def _transplant(value: Any, home: type) -> Any:
    """A copy of a method whose ``super()`` starts from ``home`` (its ``__class__`` cell)."""
    def rehome(function: types.FunctionType) -> types.FunctionType:
        # Always a new function object (the class owns its own copy), and a new
        # __class__ cell when the code uses super().
        closure = tuple(
            types.CellType(home) if name == "__class__" else cell
            for name, cell in zip(function.__code__.co_freevars, function.__closure__ or (),
                                  strict=True)) or None
        return _copy_function(function, function.__code__, closure)
    return _each_function(value, rehome)


def _each_function(value: Any, rebuild: Callable[[types.FunctionType], Any]) -> Any:
    """``value`` with the functions in it rebuilt: a plain function, or the ones inside
    a staticmethod, classmethod or property; anything else as it is."""
    if isinstance(value, (staticmethod, classmethod)):
        return type(value)(_each_function(value.__func__, rebuild))
    if isinstance(value, property):
        return property(*(_each_function(f, rebuild) if f else None
                          for f in (value.fget, value.fset, value.fdel)), value.__doc__)
    if not isinstance(value, types.FunctionType):
        return value
    return rebuild(value)


def _copy_function(value: types.FunctionType, code: types.CodeType,
                   closure: tuple | None) -> types.FunctionType:
    """A new function like ``value`` (name, defaults, attributes) with ``code``."""
    new = types.FunctionType(code, value.__globals__, value.__name__, value.__defaults__,
                             closure)
    new.__kwdefaults__ = value.__kwdefaults__
    new.__dict__.update(value.__dict__)
    new.__qualname__ = value.__qualname__
    new.__doc__ = value.__doc__
    return new


def _plug(base: type, methods: Mapping[str, Any], name: str | None = None) -> type:
    """A subclass of ``base`` holding ``methods``, each ``super()`` homed as toyloop's was."""
    namespace: dict[str, Any] = {"__module__": "toyloop.exercises.assembled"}
    for attr, value in methods.items():
        owner = next((k for k in base.__mro__ if attr in k.__dict__), base)
        namespace[attr] = _transplant(value, owner)
    if "__await__" in namespace:
        namespace["__iter__"] = namespace["__await__"]  # asyncio: __iter__ = __await__
    cls = type(name or base.__name__, (base,), namespace)
    cls.__qualname__ = cls.__name__
    return cls


# ---------------------------------------------------------------------------
# Assembling a loop class
# ---------------------------------------------------------------------------


def assemble(pieces: Mapping[str, Any] | None = None, *, name: str = "YourLoop",
             reference: bool = False, base: type | None = None,
             owner: str = "yours") -> type:
    """A loop class from ``pieces`` (``{piece name: candidate}``), toyloop for the rest.

    With ``reference=True`` every piece not given is plugged in from toyloop's
    own code through the same path (that is ``AssembledLoop``).  ``base`` is the
    loop class to start from (default: ``toyloop.EventLoop``).  The class
    remembers which pieces it plugged in: see :func:`describe`.
    """
    from toyloop.ch2_futures import Future, Task
    from toyloop.ch5_asyncio import EventLoop

    given = {n: piece(n) for n in (pieces or {})}
    plugged: dict[str, dict[str, Any]] = {}
    for n in PIECES:
        if PIECES[n].target == "scheduler":
            continue
        if n in given:
            plugged[n] = methods_of(given[n], pieces[n])  # type: ignore[index]
        elif reference:
            plugged[n] = PIECES[n].reference()

    def methods_for(target: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for n, methods in plugged.items():
            if PIECES[n].target == target:
                out.update(methods)
        return out

    future_cls = _plug(Future, methods_for("future")) if methods_for("future") else Future
    task_methods = methods_for("task")
    if future_cls is Future:
        task_cls = _plug(Task, task_methods) if task_methods else Task
    else:
        # Task's super() must reach the learner's Future: put it after Task in the MRO.
        task_cls = _plug(type("Task", (Task, future_cls), {"__module__": future_cls.__module__}),
                         task_methods)
    transport_cls = _transport_class(methods_for("transport"))
    namespace = dict(methods_for("loop"))
    namespace.update(_factories(future_cls, task_cls, transport_cls))
    base = EventLoop if base is None else base
    loop_cls = _plug(base, namespace, name)
    loop_cls._pieces = {n: _who(n, given, reference, owner) for n in PIECES
                        if PIECES[n].target != "scheduler"}
    loop_cls._plugged = {n: m for n, m in plugged.items()}
    loop_cls._piece_sources = dict(pieces or {})
    return loop_cls


def _who(name: str, given: Mapping, reference: bool, owner: str) -> str:
    """Whose code a piece is: the candidate's owner, the plugged reference, or toyloop's."""
    if name in given:
        return owner
    return "reference" if reference else "toyloop's"


def _transport_class(methods: Mapping[str, Any]) -> type:
    from toyloop.ch5_transports import _SelectorSocketTransport

    return _plug(_SelectorSocketTransport, methods) if methods else _SelectorSocketTransport


def _factories(future_cls: type, task_cls: type, transport_cls: type) -> dict[str, Any]:
    """create_future/create_task/_make_socket_transport using the assembled classes."""

    def create_future(self: Any) -> Any:
        return future_cls(loop=self)

    def create_task(self: Any, coro: Any, *, name: Any = None, context: Any = None) -> Any:
        if getattr(self, "_task_factory", None) is not None:
            return super(loop_base(self), self).create_task(coro, name=name, context=context)
        self._check_closed()
        task = task_cls(coro, loop=self, name=name, context=context)
        if task._source_traceback:
            del task._source_traceback[-1]  # debug mode: drop create_task's own frame
        return task

    def _make_socket_transport(self: Any, sock: Any, protocol: Any, waiter: Any = None, *,
                               extra: Any = None, server: Any = None) -> Any:
        return transport_cls(self, sock, protocol, waiter, extra, server)

    return {"create_future": create_future, "create_task": create_task,
            "_make_socket_transport": _make_socket_transport,
            "_future_class": future_cls, "_task_class": task_cls,
            "_transport_class": transport_cls}


def loop_base(loop: Any) -> type:
    """The assembled class of ``loop`` (the one holding ``_pieces``)."""
    return next(k for k in type(loop).__mro__ if "_pieces" in k.__dict__)


def assemble_scheduler(pieces: Mapping[str, Any] | None = None, *, reference: bool = False,
                       name: str = "YourScheduler", owner: str = "yours") -> type:
    """Chapter 1's round-robin Scheduler with the learner's ``_run_once`` plugged in."""
    from toyloop.ch1_generators import Scheduler

    methods: dict[str, Any] = {}
    given = dict(pieces or {})
    for n, p in PIECES.items():
        if p.target != "scheduler":
            continue
        if n in given:
            methods.update(methods_of(p, given[n]))
        elif reference:
            methods.update(p.reference())
    cls = _plug(Scheduler, methods, name)
    cls._pieces = {n: _who(n, given, reference, owner) for n, p in PIECES.items()
                   if p.target == "scheduler"}
    return cls


def describe(loop_or_class: Any, chapters: Iterable[int] = range(1, 6)) -> str:
    """``_run_once: yours; Task.__step: toyloop's; ...`` for an assembled loop."""
    cls = loop_or_class if isinstance(loop_or_class, type) else type(loop_or_class)
    origins: dict[str, str] = getattr(cls, "_pieces", {})
    chapters = set(chapters)
    parts = [f"{PIECES[n].short}: {who}" for n, who in origins.items()
             if PIECES[n].chapter in chapters]
    return "; ".join(parts)


def which_are(loop_or_class: Any, who: str = "yours") -> list[str]:
    """The names of the pieces of an assembled loop that are ``who``'s."""
    cls = loop_or_class if isinstance(loop_or_class, type) else type(loop_or_class)
    return [n for n, w in getattr(cls, "_pieces", {}).items() if w == who]

