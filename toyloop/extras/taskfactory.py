"""The task factory: let a program choose what ``create_task`` builds.

``loop.set_task_factory(factory)`` makes ``create_task`` call
``factory(loop, coro, context=...)`` instead of building a toyloop ``Task``
(asyncio 3.12's ``eager_task_factory`` is one).  asyncio:
``base_events.BaseEventLoop.create_task``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Coroutine
from typing import Any


class TaskFactoryMixin:
    """``create_task`` through an optional factory."""

    _task_factory: Any = None

    def create_task(self, coro: Coroutine, *, name: str | None = None,
                    context: contextvars.Context | None = None) -> Any:
        if self._task_factory is None:
            task = super().create_task(coro, name=name, context=context)  # type: ignore[misc]
            if task._source_traceback:
                del task._source_traceback[-1]  # debug mode: the caller's frame last (issue 12)
            return task
        self._check_closed()  # type: ignore[attr-defined]
        if context is None:
            task = self._task_factory(self, coro)
        else:
            task = self._task_factory(self, coro, context=context)
        if name is not None:
            task.set_name(name)
        return task

    def set_task_factory(self, factory: Any) -> None:
        if factory is not None and not callable(factory):
            raise TypeError("task factory must be a callable or None")
        self._task_factory = factory

    def get_task_factory(self) -> Any:
        return self._task_factory
