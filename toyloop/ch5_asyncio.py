"""Chapter 5: plugging into asyncio.

``EventLoop`` is the finished loop: chapter 4's ``ThreadLoop`` declared as an
``asyncio.AbstractEventLoop``, so that unchanged asyncio code runs on it.
What makes that work:

* ``run_forever`` (chapter 2) already makes the loop asyncio's *running loop*,
  and toyloop's tasks register with asyncio's task table, so
  ``asyncio.get_running_loop()``, ``current_task()`` and ``all_tasks()`` answer;
* the future protocol: asyncio's ``Task`` awaits anything whose class has
  ``_asyncio_future_blocking`` and ``get_loop()``, and toyloop's Task does the
  same, so each drives the other's futures;
* the async-generator hooks and ``shutdown_asyncgens``, the task factory, and
  name resolution through the executor (this chapter).

Left out versus asyncio (each raises ``NotImplementedError`` saying so): TLS,
subprocesses, pipes, Unix sockets, datagrams, signals, sendfile, and -- until
the transports of this chapter are written -- ``create_connection`` and
``create_server``.  The README keeps the full list.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
import sys
import warnings
import weakref
from collections.abc import Coroutine
from typing import Any, NoReturn

from .ch2_futures import Task, gather
from .ch4_threads import ThreadLoop


class EventLoop(ThreadLoop, asyncio.AbstractEventLoop):
    """The toyloop event loop: use it wherever asyncio wants a loop.

    ``asyncio.Runner(loop_factory=toyloop.EventLoop)`` runs a program on it;
    ``toyloop.run(main())`` does the same and also works inside Jupyter.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task_factory: Any = None
        self._asyncgens: weakref.WeakSet = weakref.WeakSet()
        self._asyncgens_shutdown_called = False

    # -- Running: install the async-generator hooks while we run ---------------

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
                          "loop.shutdown_asyncgens() call", ResourceWarning, source=self)
        self._asyncgens.add(agen)

    def _asyncgen_finalizer_hook(self, agen: Any) -> None:
        """An unfinished async generator was garbage-collected: close it on the loop."""
        self._asyncgens.discard(agen)
        if not self.is_closed():
            self.call_soon_threadsafe(self.create_task, agen.aclose())

    async def shutdown_asyncgens(self) -> None:
        """Close every async generator still suspended (asyncio.Runner calls this)."""
        self._asyncgens_shutdown_called = True
        if not len(self._asyncgens):
            return
        closing = list(self._asyncgens)
        self._asyncgens.clear()
        results = await gather(*[ag.aclose() for ag in closing], return_exceptions=True)
        for result, agen in zip(results, closing):
            if isinstance(result, Exception):
                self.call_exception_handler({
                    "message": f"an error occurred during closing of asynchronous "
                               f"generator {agen!r}",
                    "exception": result,
                    "asyncgen": agen,
                })

    # -- Tasks ---------------------------------------------------------------------

    def create_task(self, coro: Coroutine, *, name: str | None = None,
                    context: contextvars.Context | None = None) -> Any:
        self._check_closed()
        if self._task_factory is None:
            return Task(coro, loop=self, name=name, context=context)
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

    # -- Names, through the executor -------------------------------------------

    async def getaddrinfo(self, host: Any, port: Any, *, family: int = 0, type: int = 0,
                          proto: int = 0, flags: int = 0) -> list:
        return await self.run_in_executor(None, socket.getaddrinfo, host, port,
                                          family, type, proto, flags)

    async def getnameinfo(self, sockaddr: Any, flags: int = 0) -> tuple[str, str]:
        return await self.run_in_executor(None, socket.getnameinfo, sockaddr, flags)

    async def _resolve_address(self, sock: socket.socket, address: Any) -> Any:
        """Chapter 3 resolved names with a blocking call; now the executor does."""
        host, port = address[:2]
        try:
            socket.inet_pton(sock.family, host)
            return address
        except (OSError, TypeError):
            pass
        infos = await self.getaddrinfo(host, port, family=sock.family, type=sock.type,
                                       proto=sock.proto)
        return infos[0][4]

    # -- Not offered (yet) -----------------------------------------------------------

    def _not_implemented(self, name: str) -> NoReturn:
        raise NotImplementedError(
            f"toyloop does not implement loop.{name}() yet; see the README's "
            "'What toyloop does not offer' list")

    async def create_connection(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_connection")

    async def create_server(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_server")

    async def connect_accepted_socket(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("connect_accepted_socket")

    async def create_datagram_endpoint(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_datagram_endpoint")

    async def create_unix_connection(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_unix_connection")

    async def create_unix_server(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_unix_server")

    async def start_tls(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("start_tls")

    async def sendfile(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("sendfile")

    async def sock_sendfile(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("sock_sendfile")

    async def sock_sendto(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("sock_sendto")

    async def sock_recvfrom(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("sock_recvfrom")

    async def sock_recvfrom_into(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("sock_recvfrom_into")

    async def connect_read_pipe(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("connect_read_pipe")

    async def connect_write_pipe(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("connect_write_pipe")

    async def subprocess_exec(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("subprocess_exec")

    async def subprocess_shell(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("subprocess_shell")

    def add_signal_handler(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("add_signal_handler")

    def remove_signal_handler(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("remove_signal_handler")
