"""Bad input, one row per misuse: toyloop must raise what asyncio raises.

Shared by tests/differential/test_diff_misuse.py (same type and message as asyncio)
and tests/reliability/test_rel_misuse.py (and the loop is still usable afterwards).

Each row's ``action(loop, new_loop)`` misuses ``loop`` and must raise; ``new_loop()``
makes another loop of the same kind (for "a future from another loop").  Columns:

* ``debug``: asyncio checks this only in debug mode, so the reference is asyncio's
  debug-mode message; toyloop is asked in debug mode too, and -- when
  ``toyloop_always`` -- also without it (toyloop checks callables and blocking
  sockets always, to help learners; see ``BaseLoop._check_callback``);
* ``running``: do it from a callback while the loop runs;
* ``since``: asyncio raises only from this Python version on; on older versions
  toyloop must raise ``expected`` (asyncio's wording from the newer version);
* messages are compared after ``normalise``: object addresses and, for
  ``reprs=True``, the ``<...>`` reprs of tasks and futures (their details, e.g.
  ``cb=[...]``, are not part of the contract).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Misuse:
    id: str
    action: Callable[[Any, Callable[[], Any]], Any]
    debug: bool = False
    toyloop_always: bool = False
    running: bool = False
    since: tuple[int, int] | None = None
    expected: tuple[str, str] | None = None
    reprs: bool = False
    xfail: str | None = None  # a known difference from asyncio (why toyloop keeps it)

    def asyncio_raises(self) -> bool:
        return self.since is None or sys.version_info[:2] >= self.since


def params(cases: list[Misuse]) -> list:
    """Rows as pytest params; a row with a known difference is a strict xfail."""
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)]
                         if c.xfail else []) for c in cases]


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_INNERMOST_REPR = re.compile(r"<[^<>]*>")


def normalise(exc: BaseException | None, reprs: bool = False) -> tuple[str, str] | None:
    if exc is None:
        return None
    message = _ADDRESS.sub("0x?", str(exc))
    if reprs:
        while True:
            collapsed = _INNERMOST_REPR.sub("\0", message)
            if collapsed == message:
                break
            message = collapsed
        message = message.replace("\0", "<...>")
    return (type(exc).__name__, message)


def outcome(loop: Any, case: Misuse, new_loop: Callable[[], Any]) -> BaseException | None:
    """Run ``case`` on ``loop``; return what it raised (None if nothing)."""
    if not case.running:
        try:
            case.action(loop, new_loop)
        except BaseException as exc:  # noqa: BLE001 -- the exception is the result
            return exc
        return None
    caught: list[BaseException | None] = [None]

    def misuse_from_callback() -> None:
        try:
            case.action(loop, new_loop)
        except BaseException as exc:  # noqa: BLE001
            caught[0] = exc
        finally:
            loop.stop()

    loop.call_soon(misuse_from_callback)
    loop.run_forever()
    return caught[0]


# -- Actions -------------------------------------------------------------------


async def _noop() -> None:
    pass


def _with_coro(fn: Callable[[Any], Any]) -> Any:
    """Call fn(coro) and close the coroutine, so it is never 'never awaited'."""
    coro = _noop()
    try:
        return fn(coro)
    finally:
        coro.close()


def _closed(loop: Any) -> Any:
    loop.close()
    return loop


def _await_foreign_future(loop: Any, new_loop: Callable[[], Any]) -> None:
    other = new_loop()
    try:
        fut = other.create_future()

        async def main() -> None:
            await fut

        loop.run_until_complete(main())
    finally:
        other.close()


def _await_itself(loop: Any, new_loop: Callable[[], Any]) -> None:
    async def main() -> None:
        await task

    task = loop.create_task(main())
    loop.run_until_complete(task)


def _bad_yield(loop: Any, new_loop: Callable[[], Any]) -> None:
    class BadAwaitable:
        def __await__(self) -> Any:
            yield 42

    async def main() -> None:
        await BadAwaitable()

    loop.run_until_complete(main())


def _stopped_early(loop: Any, new_loop: Callable[[], Any]) -> None:
    loop.call_soon(loop.stop)
    loop.run_until_complete(loop.create_future())


def _set_result_twice(loop: Any, new_loop: Callable[[], Any]) -> None:
    fut = loop.create_future()
    fut.set_result(1)
    fut.set_result(2)


def _set_exception_after_result(loop: Any, new_loop: Callable[[], Any]) -> None:
    fut = loop.create_future()
    fut.set_result(1)
    fut.set_exception(ValueError("late"))


def _set_result_after_cancel(loop: Any, new_loop: Callable[[], Any]) -> None:
    fut = loop.create_future()
    fut.cancel()
    fut.set_result(1)


def _stop_iteration_into_future(loop: Any, new_loop: Callable[[], Any]) -> None:
    fut = loop.create_future()
    fut.set_exception(StopIteration())
    fut.result()  # 3.13: the RuntimeError it became; 3.11/3.12: set_exception raised


def _cancelled_result(loop: Any, new_loop: Callable[[], Any]) -> None:
    fut = loop.create_future()
    fut.cancel("why")
    fut.result()


def _task_set_result(loop: Any, new_loop: Callable[[], Any]) -> None:
    task = loop.create_task(_noop())
    try:
        task.set_result(1)
    finally:
        loop.run_until_complete(task)


def _task_set_exception(loop: Any, new_loop: Callable[[], Any]) -> None:
    task = loop.create_task(_noop())
    try:
        task.set_exception(ValueError())
    finally:
        loop.run_until_complete(task)


def _add_reader_closed_fd(loop: Any, new_loop: Callable[[], Any]) -> None:
    a, b = socket.socketpair()
    fd = a.fileno()
    a.close()
    b.close()
    loop.add_reader(fd, print)


def _add_reader_closed_socket(loop: Any, new_loop: Callable[[], Any]) -> None:
    a, b = socket.socketpair()
    a.close()
    b.close()
    loop.add_reader(a, print)


def _add_reader_negative_fd(loop: Any, new_loop: Callable[[], Any]) -> None:
    loop.add_reader(-1, print)


def _add_reader_non_callable(loop: Any, new_loop: Callable[[], Any]) -> None:
    # asyncio's add_reader never checks its callback; toyloop does, always.
    a, b = socket.socketpair()
    with a, b:
        try:
            loop.add_reader(a.fileno(), 42)
        finally:
            if not loop.is_closed():
                loop.remove_reader(a.fileno())


def _add_writer_non_callable(loop: Any, new_loop: Callable[[], Any]) -> None:
    a, b = socket.socketpair()
    with a, b:
        try:
            loop.add_writer(a.fileno(), 42)
        finally:
            if not loop.is_closed():
                loop.remove_writer(a.fileno())


def _sock_recv_blocking(loop: Any, new_loop: Callable[[], Any]) -> None:
    a, b = socket.socketpair()
    with a, b:
        loop.run_until_complete(loop.sock_recv(a, 1))


def _run_in_executor_after_shutdown(loop: Any, new_loop: Callable[[], Any]) -> None:
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.run_in_executor(None, print)


def _set_default_executor_process_pool(loop: Any, new_loop: Callable[[], Any]) -> None:
    # A ProcessPoolExecutor starts no process until its first submit().
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=1)
    try:
        loop.set_default_executor(executor)
    finally:
        executor.shutdown()


def _ensure_future_other_loop(loop: Any, new_loop: Callable[[], Any]) -> None:
    other = new_loop()
    try:
        asyncio.ensure_future(other.create_future(), loop=loop)
    finally:
        other.close()


def _sleep(delay: Any) -> Callable[[Any, Callable[[], Any]], Any]:
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        loop.run_until_complete(asyncio.sleep(delay))
    return action


def _gather_non_awaitable(loop: Any, new_loop: Callable[[], Any]) -> None:
    async def main() -> None:
        await asyncio.gather(42)
    loop.run_until_complete(main())


def _wait_for_non_awaitable(loop: Any, new_loop: Callable[[], Any]) -> None:
    async def main() -> None:
        await asyncio.wait_for(42, 1)
    loop.run_until_complete(main())


def _future_await_twice_outside_task(loop: Any, new_loop: Callable[[], Any]) -> None:
    # A bare yield of a pending future, driven by hand: "await wasn't used with future".
    fut = loop.create_future()
    it = fut.__await__()
    next(it)
    with contextlib.suppress(StopIteration):
        it.send(None)


def _helpers(loop: Any) -> Any:
    """toyloop's helper functions for a toyloop loop, asyncio's for asyncio's."""
    import toyloop

    return toyloop if isinstance(loop, toyloop.EventLoop) else asyncio


def _helper_call(name: str, *args: Any, **kwargs: Any) -> Callable[[Any, Callable], Any]:
    """Call helper ``name`` (sleep, gather, wait_for...) inside a coroutine on ``loop``."""
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        async def main() -> None:
            await getattr(_helpers(loop), name)(*args, **kwargs)
        loop.run_until_complete(main())
    return action


def _runner_with_non_coroutine(loop: Any, new_loop: Callable[[], Any]) -> None:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(42)


def _wrap_non_future(loop: Any, new_loop: Callable[[], Any]) -> None:
    _helpers(loop).wrap_future(42, loop=loop)


def _ensure_future_non_awaitable(loop: Any, new_loop: Callable[[], Any]) -> None:
    _helpers(loop).ensure_future(42, loop=loop)


def _blocking_socket_call(method: str) -> Callable[[Any, Callable], Any]:
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        a, b = socket.socketpair()
        with a, b:
            args = {"sock_sendall": (a, b"x"), "sock_accept": (a,),
                    "sock_connect": (a, ("127.0.0.1", 9)), "sock_recv_into": (a, bytearray(1))}
            loop.run_until_complete(getattr(loop, method)(*args[method]))
    return action


# -- Future and Task argument checks (issue 12: asyncio's C Future/Task) --------


def _on_future(fn: Callable[[Any], Any]) -> Callable[[Any, Callable], Any]:
    """Misuse a fresh future of ``loop`` (C Future on asyncio, toyloop's on toyloop)."""
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        fn(loop.create_future())
    return action


def _on_done_future(fn: Callable[[Any], Any]) -> Callable[[Any, Callable], Any]:
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        fut = loop.create_future()
        fut.set_result(None)
        fn(fut)
    return action


def _on_task(fn: Callable[[Any], Any]) -> Callable[[Any, Callable], Any]:
    """Misuse a fresh task, then let it finish so nothing is left pending."""
    def action(loop: Any, new_loop: Callable[[], Any]) -> None:
        task = loop.create_task(_noop())
        try:
            fn(task)
        finally:
            loop.run_until_complete(task)
    return action


class _NotReallyAnException(Exception):
    def __new__(cls) -> Any:  # a class whose "instance" is not an exception
        return 42


def _set_exception_class_then_result(fut: Any) -> None:
    fut.set_exception(StopIteration)
    fut.result()  # 3.13: the RuntimeError it became; 3.11/3.12: set_exception raised


def _set_result_with_non_callable_callback(fut: Any) -> None:
    fut.add_done_callback(42)
    fut.set_result(None)  # scheduling the callback is where call_soon checks it


def _new_future_positional(loop: Any, new_loop: Callable[[], Any]) -> None:
    type(loop.create_future())(loop)


MISUSES: list[Misuse] = [
    # -- scheduling ------------------------------------------------------------
    Misuse("create_task-non-coroutine", lambda loop, nl: loop.create_task(42)),
    Misuse("create_task-coroutine-function", lambda loop, nl: loop.create_task(_noop)),
    Misuse("call_soon-non-callable", lambda loop, nl: loop.call_soon(42),
           debug=True, toyloop_always=True),
    Misuse("call_later-non-callable", lambda loop, nl: loop.call_later(1, "x"),
           debug=True, toyloop_always=True),
    Misuse("call_at-non-callable", lambda loop, nl: loop.call_at(1, None),
           debug=True, toyloop_always=True),
    Misuse("call_soon_threadsafe-non-callable",
           lambda loop, nl: loop.call_soon_threadsafe(42), debug=True, toyloop_always=True),
    Misuse("run_in_executor-non-callable", lambda loop, nl: loop.run_in_executor(None, 42),
           debug=True, toyloop_always=True),
    Misuse("add_reader-non-callable", _add_reader_non_callable, debug=True,
           toyloop_always=True, since=(99, 0),
           expected=("TypeError", "a callable object was expected by add_reader(), got 42")),
    Misuse("call_soon-coroutine-function", lambda loop, nl: loop.call_soon(_noop),
           debug=True),
    Misuse("call_later-coroutine-function", lambda loop, nl: loop.call_later(1, _noop),
           debug=True),
    Misuse("call_soon-coroutine-object",
           lambda loop, nl: _with_coro(loop.call_soon), debug=True),
    Misuse("call_later-None-delay", lambda loop, nl: loop.call_later(None, print)),
    Misuse("call_at-None-when", lambda loop, nl: loop.call_at(None, print)),
    Misuse("sleep-None-delay", _sleep(None)),
    Misuse("sleep-NaN-delay", _sleep(float("nan")), since=(3, 13),
           expected=("ValueError", "Invalid delay: NaN (not a number)")),
    Misuse("call_later-NaN-delay", lambda loop, nl: loop.call_later(float("nan"), print),
           since=(99, 0), expected=("ValueError", "Invalid delay: NaN (not a number)")),
    # -- running and closing ---------------------------------------------------
    Misuse("run_until_complete-while-running",
           lambda loop, nl: loop.run_until_complete(loop.create_future()), running=True),
    Misuse("run_forever-while-running", lambda loop, nl: loop.run_forever(), running=True),
    Misuse("close-while-running", lambda loop, nl: loop.close(), running=True),
    Misuse("run_until_complete-after-close",
           lambda loop, nl: _closed(loop).run_until_complete(_closed(loop).create_future())),
    Misuse("run_forever-after-close", lambda loop, nl: _closed(loop).run_forever()),
    Misuse("call_soon-after-close", lambda loop, nl: _closed(loop).call_soon(print)),
    Misuse("call_later-after-close", lambda loop, nl: _closed(loop).call_later(1, print)),
    Misuse("call_soon_threadsafe-after-close",
           lambda loop, nl: _closed(loop).call_soon_threadsafe(print)),
    Misuse("create_task-after-close",
           lambda loop, nl: _with_coro(_closed(loop).create_task)),
    Misuse("run_in_executor-after-close",
           lambda loop, nl: _closed(loop).run_in_executor(None, print)),
    Misuse("stopped-before-future-completed", _stopped_early),
    Misuse("run_until_complete-non-awaitable", lambda loop, nl: loop.run_until_complete(42)),
    # -- futures and tasks -----------------------------------------------------
    Misuse("future-result-before-done", lambda loop, nl: loop.create_future().result()),
    Misuse("future-exception-before-done",
           lambda loop, nl: loop.create_future().exception()),
    Misuse("future-set_result-twice", _set_result_twice),
    Misuse("future-set_exception-after-result", _set_exception_after_result),
    Misuse("future-set_result-after-cancel", _set_result_after_cancel),
    Misuse("future-set_exception-StopIteration", _stop_iteration_into_future),
    Misuse("future-cancelled-result", _cancelled_result),
    Misuse("future-yielded-outside-task", _future_await_twice_outside_task),
    Misuse("task-set_result", _task_set_result),
    Misuse("task-set_exception", _task_set_exception),
    Misuse("await-future-of-another-loop", _await_foreign_future, reprs=True),
    Misuse("task-awaits-itself", _await_itself, reprs=True),
    Misuse("task-bad-yield", _bad_yield),
    Misuse("ensure_future-other-loop", _ensure_future_other_loop),
    Misuse("gather-non-awaitable", _gather_non_awaitable),
    Misuse("wait_for-non-awaitable", _wait_for_non_awaitable),
    # -- I/O and executors -----------------------------------------------------
    Misuse("add_reader-closed-fd", _add_reader_closed_fd),
    Misuse("add_reader-closed-socket", _add_reader_closed_socket),
    Misuse("add_reader-negative-fd", _add_reader_negative_fd),
    Misuse("sock_recv-blocking-socket", _sock_recv_blocking, debug=True,
           toyloop_always=True),
    Misuse("run_in_executor-after-shutdown", _run_in_executor_after_shutdown),
    Misuse("set_default_executor-process-pool", _set_default_executor_process_pool),
    Misuse("set_exception_handler-non-callable",
           lambda loop, nl: loop.set_exception_handler(42)),
    Misuse("set_task_factory-non-callable", lambda loop, nl: loop.set_task_factory(42)),
    *(Misuse(f"{m}-blocking-socket", _blocking_socket_call(m), debug=True, toyloop_always=True)
      for m in ("sock_sendall", "sock_accept", "sock_connect", "sock_recv_into")),
    Misuse("add_writer-non-callable", _add_writer_non_callable, debug=True,
           toyloop_always=True, since=(99, 0),
           expected=("TypeError", "a callable object was expected by add_writer(), got 42")),
    Misuse("call_at-NaN-when", lambda loop, nl: loop.call_at(float("nan"), print),
           since=(99, 0), expected=("ValueError", "Invalid delay: NaN (not a number)")),
    Misuse("run_in_executor-coroutine-function",
           lambda loop, nl: loop.run_in_executor(None, _noop), debug=True),
    Misuse("call_soon_threadsafe-coroutine-function",
           lambda loop, nl: loop.call_soon_threadsafe(_noop), debug=True),
    # -- the helper functions: toyloop's on toyloop, asyncio's on asyncio ------
    Misuse("helper-sleep-None", _helper_call("sleep", None)),
    Misuse("helper-gather-non-awaitable", _helper_call("gather", 42)),
    Misuse("helper-wait_for-non-awaitable", _helper_call("wait_for", 42, 1),
           xfail=("toyloop.wait_for keeps 3.11's design (README, known differences); "
                  "3.12+ awaits the argument directly" if sys.version_info >= (3, 12)
                  else None)),
    Misuse("helper-ensure_future-non-awaitable", _ensure_future_non_awaitable),
    Misuse("helper-wrap_future-non-future", _wrap_non_future,
           xfail=("toyloop raises TypeError where asyncio.wrap_future fails an assert "
                  "(README, known differences)")),
    Misuse("Runner.run-non-coroutine", _runner_with_non_coroutine),
    # -- Future and Task argument checks (issue 12) -----------------------------
    Misuse("future-set_exception-string", _on_future(lambda f: f.set_exception("oops"))),
    Misuse("future-set_exception-None", _on_future(lambda f: f.set_exception(None))),
    Misuse("future-set_exception-non-exception-class", _on_future(lambda f: f.set_exception(int))),
    Misuse("future-set_exception-class-makes-non-exception",
           _on_future(lambda f: f.set_exception(_NotReallyAnException))),
    Misuse("future-set_exception-StopIteration-class",
           _on_future(_set_exception_class_then_result)),
    Misuse("future-set_exception-after-cancel",
           _on_future(lambda f: (f.cancel(), f.set_exception(ValueError())))),
    Misuse("future-set_exception-twice",
           _on_future(lambda f: (f.set_exception(ValueError()), f.exception(),
                                 f.set_exception(KeyError())))),
    Misuse("future-set_result-after-exception",
           _on_future(lambda f: (f.set_exception(ValueError()), f.exception(),
                                 f.set_result(1)))),
    Misuse("future-set_result-no-argument", _on_future(lambda f: f.set_result())),
    Misuse("future-cancel-two-arguments", _on_future(lambda f: f.cancel("a", "b"))),
    Misuse("future-cancel-message-kept", _on_future(lambda f: (f.cancel(42), f.exception()))),
    Misuse("future-positional-loop", _new_future_positional),
    Misuse("future-_log_traceback-True",
           _on_future(lambda f: setattr(f, "_log_traceback", True))),
    Misuse("future-add_done_callback-non-callable-when-done",
           _on_done_future(lambda f: f.add_done_callback(42)), debug=True,
           toyloop_always=True),
    Misuse("future-set_result-with-non-callable-callback",
           _on_future(_set_result_with_non_callable_callback), debug=True,
           toyloop_always=True),
    Misuse("task-result-before-done", _on_task(lambda t: t.result())),
    Misuse("task-exception-before-done", _on_task(lambda t: t.exception())),
    Misuse("task-set_name-no-argument", _on_task(lambda t: t.set_name())),
    Misuse("task-uncancel-argument", _on_task(lambda t: t.uncancel(1))),
    Misuse("task-cancelling-argument", _on_task(lambda t: t.cancelling(1))),
    Misuse("task-cancel-two-arguments", _on_task(lambda t: t.cancel("a", "b"))),
    Misuse("task-get_stack-bad-limit", _on_task(lambda t: t.get_stack(limit="x"))),
    Misuse("task-print_stack-bad-file", _on_task(lambda t: t.print_stack(file=42))),
    Misuse("task-of-coroutine-function",
           _on_task(lambda t: type(t)(_noop, loop=t.get_loop()))),
]
