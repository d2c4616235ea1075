"""Async-generator hooks: finalize the async generators a program left suspended.

Python calls ``sys.get_asyncgen_hooks()`` when an async generator first runs
(``firstiter``) and when an unfinished one is garbage-collected
(``finalizer``).  While the loop runs it installs its own hooks, so it can
close each such generator *on the loop* (``aclose()`` is a coroutine) and
close them all in ``shutdown_asyncgens`` (``asyncio.Runner`` calls it on the way
out).  asyncio: ``base_events.BaseEventLoop._asyncgen_*``.
"""

from __future__ import annotations

import sys
import warnings
import weakref
from typing import Any

from ..ch2_futures import gather


class AsyncgenMixin:
    """``run_forever`` with the loop's async-generator hooks installed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._asyncgens: weakref.WeakSet = weakref.WeakSet()
        self._asyncgens_shutdown_called = False

    def run_forever(self) -> None:
        old_hooks = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook,
                               finalizer=self._asyncgen_finalizer_hook)
        try:
            super().run_forever()
        finally:
            sys.set_asyncgen_hooks(*old_hooks)

    def _asyncgen_firstiter_hook(self, agen: Any) -> None:
        """An async generator started: remember it so shutdown can close it."""
        if self._asyncgens_shutdown_called:
            warnings.warn(f"asynchronous generator {agen!r} was scheduled after "
                          "loop.shutdown_asyncgens() call", ResourceWarning, stacklevel=2,
                          source=self)
        self._asyncgens.add(agen)

    def _asyncgen_finalizer_hook(self, agen: Any) -> None:
        """An unfinished async generator was garbage-collected: close it on the loop."""
        self._asyncgens.discard(agen)
        if not self.is_closed():
            # aclose() returns an awaitable that asyncio counts as a coroutine; a task
            # cancelled before its first step still throws into it and runs the
            # generator's finally (asyncio.Runner cancels leftover tasks this way).
            self.call_soon_threadsafe(self.create_task, agen.aclose())

    async def shutdown_asyncgens(self) -> None:
        """Close every async generator still suspended (asyncio.Runner calls this)."""
        self._asyncgens_shutdown_called = True
        if not len(self._asyncgens):
            return
        closing = list(self._asyncgens)
        self._asyncgens.clear()
        results = await gather(*[ag.aclose() for ag in closing], return_exceptions=True)
        for result, agen in zip(results, closing, strict=True):
            if isinstance(result, Exception):
                self.call_exception_handler({
                    "message": f"an error occurred during closing of asynchronous "
                               f"generator {agen!r}",
                    "exception": result,
                    "asyncgen": agen,
                })
