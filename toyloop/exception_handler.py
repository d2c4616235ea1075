"""The loop's exception handler: where errors with nobody to raise to are reported (bottom layer).

A callback that raises, a task destroyed while pending, a future whose
exception nobody retrieved: there is no caller to raise to, so the loop hands
a *context* dict (``message``, ``exception``, ``handle``, ``future``...) to its
exception handler.  Chapter 2 teaches that errors go there
(``Handle._run`` calls ``loop.call_exception_handler``); how the default
handler words its log record, and how a handler that fails is itself
reported, is asyncio's production detail and lives here (asyncio:
``base_events.BaseEventLoop.call_exception_handler``).
"""

from __future__ import annotations

import contextvars
import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("asyncio")  # asyncio's logger, so its handlers see us too

__all__ = ["ExceptionHandlerMixin"]

# Python 3.12+: a custom handler runs in the context of what it reports (CPython gh-96704).
_HANDLER_IN_CONTEXT = sys.version_info >= (3, 12)


class ExceptionHandlerMixin:
    """``get/set_exception_handler``, ``default_exception_handler``, ``call_exception_handler``."""

    _exception_handler: Callable | None = None
    _current_handle: Any = None  # debug mode: the handle running now (toyloop/observe.py)

    def get_exception_handler(self) -> Callable | None:
        return self._exception_handler

    def set_exception_handler(self, handler: Callable | None) -> None:
        if handler is not None and not callable(handler):
            raise TypeError(f"A callable object or None is expected, got {handler!r}")
        self._exception_handler = handler

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        """Log ``context`` the way asyncio does: message, then ``key: value`` lines."""
        message = context.get("message") or "Unhandled exception in event loop"
        exception = context.get("exception")
        exc_info: Any = False
        if exception is not None:
            exc_info = (type(exception), exception, exception.__traceback__)
        current = self._current_handle
        if "source_traceback" not in context and current is not None \
                and current._source_traceback:
            context["handle_traceback"] = current._source_traceback  # as asyncio does (issue 12)
        log_lines = [message]
        for key in sorted(context):
            if key in {"message", "exception"}:
                continue
            value = context[key]
            if key == "source_traceback":
                value = "Object created at (most recent call last):\n" + "".join(
                    traceback.format_list(value)).rstrip()
            elif key == "handle_traceback":
                value = "Handle created at (most recent call last):\n" + "".join(
                    traceback.format_list(value)).rstrip()
            else:
                value = repr(value)
            log_lines.append(f"{key}: {value}")
        logger.error("\n".join(log_lines), exc_info=exc_info)

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        """Report an error that has nobody to raise to; never raises itself."""
        if self._exception_handler is None:
            try:
                self.default_exception_handler(context)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                logger.error("Exception in default exception handler", exc_info=True)
            return
        try:
            ctx = _handler_context(context) if _HANDLER_IN_CONTEXT else None
            if ctx is not None:
                ctx.run(self._exception_handler, self, context)
            else:
                self._exception_handler(self, context)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            try:
                self.default_exception_handler({
                    "message": "Unhandled error in exception handler",
                    "exception": exc,
                    "context": context,
                })
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                logger.error("Exception in default exception handler while handling an "
                             "unexpected error in custom exception handler", exc_info=True)


def _handler_context(context: dict[str, Any]) -> contextvars.Context | None:
    """The contextvars context of the task, future or handle a report is about."""
    thing = context.get("task")
    if thing is None:
        thing = context.get("future")  # sometimes a Task, which has a context
    if thing is None:
        thing = context.get("handle")
    ctx = thing.get_context() if thing is not None and hasattr(thing, "get_context") else None
    return ctx if ctx is not None and hasattr(ctx, "run") else None
