"""Signal handlers: ``add_signal_handler`` through ``signal.set_wakeup_fd``.

A C-level signal handler may only set a flag, so Python writes the signal
number, one byte, to the fd given to ``signal.set_wakeup_fd``.  We give it the
write end of chapter 4's self-pipe: the byte wakes ``select()``, and the
self-pipe's reader sees a non-zero byte (``call_soon_threadsafe`` writes
``b'\\0'``) and queues that signal's handler.  Main thread only, with asyncio's
errors.  asyncio: ``unix_events._UnixSelectorEventLoop``.
"""

from __future__ import annotations

import errno
import inspect
import signal
import sys
from typing import Any

from ..ch2_futures import Handle, logger


class SignalMixin:
    """Signal handlers on chapter 4's self-pipe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signal_handlers: dict[int, Handle] = {}

    def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:
        """Call ``callback(*args)`` on the loop when signal ``sig`` arrives (main thread only)."""
        if inspect.iscoroutine(callback) or inspect.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with add_signal_handler()")
        self._check_signal(sig)
        self._check_closed()
        try:
            # Outside the main thread this raises ValueError: calling it first
            # means a loop in another thread cannot install anything.
            signal.set_wakeup_fd(self._csock.fileno())
        except (ValueError, OSError) as exc:
            raise RuntimeError(str(exc)) from None
        if not self._signal_handlers:
            # The self-pipe now carries signal numbers, not only wake-ups: poll it
            # even while callbacks are ready (chapter 3's _select skips the loop's
            # own fds then), or a busy loop would never see the signal.
            self._wakeup_fds -= 1
        self._signal_handlers[sig] = Handle(callback, args, self, None)
        try:
            signal.signal(sig, _sighandler_noop)  # Python-level handler: does nothing
            signal.siginterrupt(sig, False)  # SA_RESTART: fewer EINTRs elsewhere
        except OSError as exc:
            del self._signal_handlers[sig]
            if not self._signal_handlers:
                self._no_signal_handlers_left()
            if exc.errno == errno.EINVAL:
                raise RuntimeError(f"sig {sig} cannot be caught") from None
            raise

    def remove_signal_handler(self, sig: int) -> bool:
        """Put the default disposition back; False if we had no handler for ``sig``."""
        self._check_signal(sig)
        if self._signal_handlers.pop(sig, None) is None:
            return False
        default = signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL
        try:
            signal.signal(sig, default)
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                raise RuntimeError(f"sig {sig} cannot be caught") from None
            raise
        if not self._signal_handlers:
            self._no_signal_handlers_left()
        return True

    def _no_signal_handlers_left(self) -> None:
        _reset_wakeup_fd()
        self._wakeup_fds += 1  # the self-pipe only wakes select() again

    def _check_signal(self, sig: Any) -> None:
        if not isinstance(sig, int):
            raise TypeError(f"sig must be an int, not {sig!r}")
        if sig not in signal.valid_signals():
            raise ValueError(f"invalid signal number {sig}")

    def _process_self_data(self, data: bytes) -> None:
        """Chapter 4's drain hands us the bytes: non-zero ones are signal numbers."""
        for signum in data:
            if signum:
                self._handle_signal(signum)

    def _handle_signal(self, sig: int) -> None:
        handle = self._signal_handlers.get(sig)
        if handle is None:
            return  # removed while the byte was in flight
        if handle._cancelled:
            self.remove_signal_handler(sig)
        else:
            self._ready.append(handle)  # we are on the loop's thread already

    def close(self) -> None:
        super().close()
        if sys.is_finalizing():
            self._signal_handlers.clear()  # too late to touch the signal module
        else:
            for sig in list(self._signal_handlers):
                self.remove_signal_handler(sig)


def _sighandler_noop(signum: int, frame: Any) -> None:
    """The Python-level handler: the byte in the wakeup fd does the real work."""


def _reset_wakeup_fd() -> None:
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError) as exc:
        logger.info("set_wakeup_fd(-1) failed: %s", exc)
