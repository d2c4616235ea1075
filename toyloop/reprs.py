"""Reprs and error-message wording for handles, futures and tasks (bottom layer).

Chapter 2's classes print themselves the way asyncio's do (``<Handle
func(1) at demo.py:3>``, ``<Task pending name='Task-1' coro=<main() running at
demo.py:5>>``) and name a failing callback in asyncio's words.  None of that is
what chapter 2 teaches, so it lives here (asyncio: ``format_helpers.py`` and
the ``_repr_info`` methods of ``events.py``, ``base_futures.py`` and
``base_tasks.py``).
"""

from __future__ import annotations

import functools
import inspect
import reprlib
import sys
from typing import Any

# Python 3.13+ hides a callback's arguments outside debug mode (they may be secrets).
_SHOW_ARGS_OUTSIDE_DEBUG = sys.version_info < (3, 13)


def _format_args(args: tuple, kwargs: dict | None = None, debug: bool = True) -> str:
    if not debug and not _SHOW_ARGS_OUTSIDE_DEBUG:
        return "()"
    # ``args or ()``: a cancelled Handle has dropped its arguments (``_args`` is None),
    # and asyncio's formatter treats that as no arguments ("None()").  A callback that
    # cancels its own handle and then raises must still be reported (issue 12).
    items = [reprlib.repr(arg) for arg in args or ()]
    items += [f"{k}={reprlib.repr(v)}" for k, v in (kwargs or {}).items()]
    return f"({', '.join(items)})"


def format_callback(callback: Any, args: tuple = (), kwargs: dict | None = None,
                    suffix: str = "", debug: bool = True) -> str:
    """``func(1, 'a')`` for a callback; a partial shows its own arguments first."""
    if isinstance(callback, functools.partial):
        suffix = _format_args(args, kwargs, debug) + suffix
        return format_callback(callback.func, callback.args, callback.keywords, suffix, debug)
    name = getattr(callback, "__qualname__", None) or getattr(callback, "__name__", None)
    return (name or repr(callback)) + _format_args(args, kwargs, debug) + suffix


def format_callback_source(callback: Any, args: tuple, debug: bool = True) -> str:
    """``func(1) at demo.py:3``: the words asyncio's error messages use."""
    text = format_callback(callback, args, debug=debug)
    func = inspect.unwrap(callback)
    while isinstance(func, functools.partial):
        func = func.func
    if inspect.isfunction(func):
        text += f" at {func.__code__.co_filename}:{func.__code__.co_firstlineno}"
    return text


def coro_location(coro: Any) -> str:
    """``main() running at demo.py:12`` -- where a coroutine is suspended (asyncio's words)."""
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
    if frame is not None:
        return f"{name}() running at {frame.f_code.co_filename}:{frame.f_lineno}"
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is None:
        return f"{name}() done"
    return f"{name}() done, defined at {code.co_filename}:{code.co_firstlineno}"


def _created_at(source_traceback: Any) -> list[str]:
    """Debug mode: ``created at file:line`` of the call that made the handle or future."""
    if not source_traceback:
        return []
    frame = source_traceback[-1]
    return [f"created at {frame[0]}:{frame[1]}"]


def handle_repr(handle: Any) -> str:
    """``<TimerHandle cancelled when=3.0 func(1) at demo.py:3>``."""
    frozen = getattr(handle, "_repr", None)  # debug mode: cancel() kept the callback's repr
    if frozen is not None:
        return frozen
    return f"<{' '.join(handle._repr_info())}>"


def handle_repr_info(handle: Any) -> list[str]:
    """The words of a handle's repr (asyncio's ``Handle._repr_info``)."""
    info = [type(handle).__name__]
    if handle._cancelled:
        info.append("cancelled")
    when = getattr(handle, "_when", None)
    if when is not None:
        info.append(f"when={when}")
    if handle._callback is not None:
        info.append(format_callback_source(handle._callback, handle._args, handle._loop._debug))
    if handle._source_traceback:  # debug mode: where it was scheduled, as asyncio shows
        frame = handle._source_traceback[-1]
        info.append(f"created at {frame[0]}:{frame[1]}")
    return info


def _outcome(future: Any) -> list[str]:
    if future._state != "FINISHED":
        return []
    if future._exception is not None:
        return [f"exception={future._exception!r}"]
    return [f"result={future._result!r}"]


def future_repr(future: Any) -> str:
    """``<Future finished result=3>``, ``<Future pending cb=[Task.__wakeup()]>``."""
    info = [future._state.lower(), *_outcome(future)]
    if future._callbacks:
        callbacks = ", ".join(format_callback(cb) for cb, _ in future._callbacks)
        info.append(f"cb=[{callbacks}]")
    info += _created_at(future._source_traceback)
    return f"<{type(future).__name__} {' '.join(info)}>"


def task_repr(task: Any) -> str:
    """``<Task pending name='Task-1' coro=<main() running at demo.py:5> wait_for=...>``."""
    info = [task._state.lower(), f"name={task._name!r}",
            f"coro=<{coro_location(task._coro)}>", *_outcome(task),
            *_created_at(task._source_traceback)]
    if task._fut_waiter is not None:
        info.append(f"wait_for={task._fut_waiter!r}")
    return f"<{type(task).__name__} {' '.join(info)}>"
