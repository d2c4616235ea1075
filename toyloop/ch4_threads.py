"""Chapter 4: run_in_executor, threads and processes.

One thread cannot use several CPUs, and one blocking call freezes every task.
This layer lets the loop hand work to other threads or processes and get the
answer back safely:

* the *self-pipe*: a socket pair whose read end sits in the selector, so
  ``call_soon_threadsafe`` can wake a loop blocked in ``select`` by writing
  one byte (asyncio: ``selector_events._write_to_self``);
* ``run_in_executor``: submit to a ``concurrent.futures`` executor (a lazily
  created default thread pool, or any executor, process pools included) and
  ``wrap_future`` the result into a loop future;
* ``set_default_executor`` and ``shutdown_default_executor``; ``close`` shuts
  the default executor down without waiting, as asyncio does.

Left out versus asyncio: nothing of substance for these methods; asyncio's
``_chain_future`` also chains loop futures across two loops, which toyloop
does not need.
"""

from __future__ import annotations

import concurrent.futures
import socket
import threading
import warnings
from asyncio.exceptions import CancelledError, InvalidStateError
from typing import Any

from .ch2_futures import Future, Handle, _set_result_unless_cancelled, isfuture, wait_for
from .ch3_selectors import SelectorLoop


class ThreadLoop(SelectorLoop):
    """SelectorLoop plus a self-pipe and executors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._default_executor: concurrent.futures.Executor | None = None
        self._executor_shutdown_called = False
        self._jobs_in_flight = 0  # executor jobs not yet reported back (virtual clock)
        self._make_self_pipe()

    # -- Executors ----------------------------------------------------------------

    def run_in_executor(self, executor: concurrent.futures.Executor | None, func: Any,
                        *args: Any) -> Future:
        """Run ``func(*args)`` in ``executor`` (None: the default thread pool)."""
        self._check_closed()
        self._check_callback(func, "run_in_executor")
        if executor is None:
            if self._executor_shutdown_called:
                raise RuntimeError("Executor shutdown has been called")
            executor = self._default_executor
            if executor is None:
                executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="asyncio")
                self._default_executor = executor
        future = wrap_future(executor.submit(func, *args), loop=self)
        self._jobs_in_flight += 1
        future.add_done_callback(self._job_done)
        return future

    def _job_done(self, future: Future) -> None:
        self._jobs_in_flight -= 1

    def _threads_busy(self) -> bool:
        return self._jobs_in_flight > 0

    def set_default_executor(self, executor: concurrent.futures.ThreadPoolExecutor) -> None:
        if not isinstance(executor, concurrent.futures.ThreadPoolExecutor):
            raise TypeError("executor must be ThreadPoolExecutor instance")
        self._default_executor = executor

    # -- The self-pipe ----------------------------------------------------------

    def _make_self_pipe(self) -> None:
        """A connected socket pair; its read end wakes ``select`` from any thread."""
        self._ssock, self._csock = socket.socketpair()
        self._ssock.setblocking(False)
        self._csock.setblocking(False)
        self._wakeup_fds += 1
        self._add_reader(self._ssock.fileno(), self._read_from_self)

    def _write_to_self(self) -> None:
        try:
            self._csock.send(b"\0")
        except OSError:
            # The pipe is full (the loop is already awake) or closed (so are we).
            pass

    def call_soon_threadsafe(self, callback: Any, *args: Any, context: Any = None) -> Handle:
        """``call_soon`` from any thread: queue the handle, then wake the selector.

        ``deque.append`` is atomic, so no lock is needed; without the wake-up
        byte the handle could sit unnoticed until some timer or socket fires.
        """
        self._check_closed()
        self._check_callback(callback, "call_soon_threadsafe")
        handle = Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]  # debug mode: the caller's frame last (issue 12)
        self._ready.append(handle)
        self._write_to_self()
        return handle

    def _read_from_self(self) -> None:
        """Drain the wake-up bytes; their only job was to end ``select``."""
        while True:
            try:
                data = self._ssock.recv(4096)
            except InterruptedError:
                continue
            except BlockingIOError:
                break
            if not data:
                break
            self._process_self_data(data)

    def _process_self_data(self, data: bytes) -> None:
        """What the bytes say, beyond "wake up": nothing yet (chapter 5: signals)."""

    def _close_self_pipe(self) -> None:
        self._remove_reader(self._ssock.fileno())
        self._ssock.close()
        self._csock.close()
        self._wakeup_fds -= 1

    async def shutdown_default_executor(self, timeout: float | None = None) -> None:
        """Wait for the default pool's threads to finish, from a helper thread.

        ``executor.shutdown(wait=True)`` blocks, so it runs in a thread of its own
        and reports back through ``call_soon_threadsafe``.
        """
        self._executor_shutdown_called = True
        if self._default_executor is None:
            return
        future = self.create_future()
        self._jobs_in_flight += 1  # a thread will answer: a virtual clock must wait for it
        future.add_done_callback(self._job_done)
        thread = threading.Thread(target=self._do_shutdown, args=(future,))
        thread.start()
        try:
            await wait_for(future, timeout)
        except TimeoutError:
            warnings.warn("The executor did not finishing joining its threads within "
                          f"{timeout} seconds.", RuntimeWarning, stacklevel=2)
            self._default_executor.shutdown(wait=False)
        else:
            thread.join()

    def _do_shutdown(self, future: Future) -> None:
        try:
            self._default_executor.shutdown(wait=True)
            if not self.is_closed():
                self.call_soon_threadsafe(_set_result_unless_cancelled, future, None)
        except Exception as ex:
            if not self.is_closed() and not future.cancelled():
                self.call_soon_threadsafe(future.set_exception, ex)

    def close(self) -> None:
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self.is_closed():
            return
        self._close_self_pipe()
        super().close()
        self._executor_shutdown_called = True
        executor = self._default_executor
        if executor is not None:
            self._default_executor = None
            executor.shutdown(wait=False)  # asyncio does not wait here either


# ---------------------------------------------------------------------------
# From concurrent.futures.Future to a loop Future
# ---------------------------------------------------------------------------


def wrap_future(future: Any, *, loop: Any = None) -> Any:
    """A loop future that mirrors a ``concurrent.futures.Future``.

    The concurrent future completes in a worker thread; its done callback
    must not touch the loop future there, so it crosses over with
    ``call_soon_threadsafe``.  Cancelling the loop future cancels the job if it
    has not started.
    """
    if isfuture(future):
        return future
    if not isinstance(future, concurrent.futures.Future):
        raise TypeError(f"concurrent.futures.Future is expected, got {future!r}")
    if loop is None:
        from asyncio import events
        loop = events.get_event_loop()
    new_future = loop.create_future()
    _chain_future(future, new_future)
    return new_future


def _chain_future(source: concurrent.futures.Future, destination: Any) -> None:
    loop = destination.get_loop()

    def _call_check_cancel(destination: Any) -> None:
        if destination.cancelled():
            source.cancel()  # thread-safe; a running job cannot be stopped

    def _call_set_state(source: concurrent.futures.Future) -> None:
        # Runs in the worker thread (or here, if source is already done).
        try:
            loop.call_soon_threadsafe(_copy_state, source, destination)
        except RuntimeError:
            pass  # the loop was closed meanwhile: nobody is waiting any more

    destination.add_done_callback(_call_check_cancel)
    source.add_done_callback(_call_set_state)


def _copy_state(source: concurrent.futures.Future, destination: Any) -> None:
    """Copy a finished concurrent future's outcome (runs on the loop's thread)."""
    if destination.cancelled():
        return
    if source.cancelled():
        destination.cancel()
        return
    exception = source.exception()
    if exception is not None:
        destination.set_exception(_convert_future_exc(exception))
    else:
        destination.set_result(source.result())


def _convert_future_exc(exc: BaseException) -> BaseException:
    """concurrent.futures' own exception classes become asyncio's."""
    if type(exc) is concurrent.futures.CancelledError:
        return CancelledError(*exc.args)
    if type(exc) is concurrent.futures.InvalidStateError:
        return InvalidStateError(*exc.args)
    return exc
