"""Chapter 3: selectors, sockets and timers -- waiting for I/O and time in one call.

This layer puts a ``selectors.DefaultSelector`` (epoll on Linux) where chapter 2
only let time pass.  ``_run_once`` is unchanged: its wait phase now calls
``selector.select(timeout)``, where the timeout is the time to the next timer
(zero when a callback is ready), and ``_process_events`` turns each ready file
descriptor into its reader or writer Handle.

It owns ``add_reader``/``remove_reader``/``add_writer``/``remove_writer`` (one
reader and one writer per fd, kept in the selector key's ``data``) and the
awaitable socket calls ``sock_recv``, ``sock_recv_into``, ``sock_sendall``,
``sock_accept`` and ``sock_connect``, each a future completed by a reader or
writer callback (asyncio: ``selector_events.py``).

Left out versus asyncio: transports (chapter 5), the self-pipe that lets other
threads wake the selector (chapter 4), host-name resolution in an executor
(chapter 3 resolves names with a blocking ``getaddrinfo``; chapter 5 moves it
off the loop), and SSL sockets.
"""

from __future__ import annotations

import functools
import selectors
import socket
from typing import Any

from .ch2_futures import BaseLoop, Future, Handle
from .clock import MonotonicClock, VirtualClock


class SelectorLoop(BaseLoop):
    """BaseLoop plus a selector: sockets wake the loop, timers bound the wait."""

    def __init__(self, selector: selectors.BaseSelector | None = None, *,
                 clock: MonotonicClock | VirtualClock | None = None) -> None:
        super().__init__(clock=clock)
        self._selector = selectors.DefaultSelector() if selector is None else selector
        self._selector_map = self._selector.get_map()  # a live view: fd -> SelectorKey
        # How many registered fds only wake a blocked select and bring no work of their
        # own (chapter 4's self-pipe).  A poll that could find nothing else is skipped,
        # and the tools do not count them as the program's sockets.
        self._wakeup_fds = 0

    # -- Readers and writers --------------------------------------------------

    def _add_reader(self, fd: Any, callback: Any, *args: Any) -> Handle:
        """Call ``callback(*args)`` whenever ``fd`` is readable (replaces an old reader)."""
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            self._selector.register(fd, selectors.EVENT_READ, (handle, None))
        else:
            mask, (reader, writer) = key.events, key.data
            self._selector.modify(fd, mask | selectors.EVENT_READ, (handle, writer))
            if reader is not None:
                reader.cancel()
        return handle

    def _remove_reader(self, fd: Any) -> bool:
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        mask, (reader, writer) = key.events, key.data
        mask &= ~selectors.EVENT_READ
        if not mask:
            self._selector.unregister(fd)
        else:
            self._selector.modify(fd, mask, (None, writer))
        if reader is not None:
            reader.cancel()
            return True
        return False

    def _add_writer(self, fd: Any, callback: Any, *args: Any) -> Handle:
        """Call ``callback(*args)`` whenever ``fd`` is writable (replaces an old writer)."""
        self._check_closed()
        handle = Handle(callback, args, self, None)
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            self._selector.register(fd, selectors.EVENT_WRITE, (None, handle))
        else:
            mask, (reader, writer) = key.events, key.data
            self._selector.modify(fd, mask | selectors.EVENT_WRITE, (reader, handle))
            if writer is not None:
                writer.cancel()
        return handle

    def _remove_writer(self, fd: Any) -> bool:
        if self.is_closed():
            return False
        try:
            key = self._selector.get_key(fd)
        except KeyError:
            return False
        mask, (reader, writer) = key.events, key.data
        mask &= ~selectors.EVENT_WRITE
        if not mask:
            self._selector.unregister(fd)
        else:
            self._selector.modify(fd, mask, (reader, None))
        if writer is not None:
            writer.cancel()
            return True
        return False

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:
        self._check_callback(callback, "add_reader")
        self._add_reader(fd, callback, *args)

    def remove_reader(self, fd: Any) -> bool:
        return self._remove_reader(fd)

    def add_writer(self, fd: Any, callback: Any, *args: Any) -> None:
        self._check_callback(callback, "add_writer")
        self._add_writer(fd, callback, *args)

    def remove_writer(self, fd: Any) -> bool:
        return self._remove_writer(fd)

    def _process_events(self, event_list: list) -> None:
        """Queue the reader and/or writer Handle of every ready fd."""
        for key, mask in event_list:
            fileobj, (reader, writer) = key.fileobj, key.data
            if mask & selectors.EVENT_READ and reader is not None:
                if reader._cancelled:
                    self._remove_reader(fileobj)
                else:
                    self._ready.append(reader)
            if mask & selectors.EVENT_WRITE and writer is not None:
                if writer._cancelled:
                    self._remove_writer(fileobj)
                else:
                    self._ready.append(writer)

    # -- Awaitable socket calls -----------------------------------------------
    # Each one tries the call first (it often succeeds at once), and only on
    # BlockingIOError parks a future and a reader/writer that retries it.
    # The future's done callback removes the reader or writer again, so
    # cancelling the awaiting task leaves nothing registered.

    def _sock_read_done(self, fd: int, handle: Handle, fut: Future) -> None:
        # Only remove the reader if it is still ours (not replaced meanwhile).
        if not handle.cancelled():
            self.remove_reader(fd)

    def _sock_write_done(self, fd: int, handle: Handle, fut: Future) -> None:
        if not handle.cancelled():
            self.remove_writer(fd)

    async def sock_recv(self, sock: socket.socket, n: int) -> bytes:
        """Receive up to ``n`` bytes; ``b''`` means the peer closed its side."""
        _check_nonblocking(sock)
        try:
            return sock.recv(n)
        except (BlockingIOError, InterruptedError):
            pass
        fut = self.create_future()
        fd = sock.fileno()
        handle = self._add_reader(fd, self._sock_recv, fut, sock, n)
        fut.add_done_callback(functools.partial(self._sock_read_done, fd, handle))
        return await fut

    def _sock_recv(self, fut: Future, sock: socket.socket, n: int) -> None:
        if fut.done():
            return  # cancelled while the event was on its way
        try:
            data = sock.recv(n)
        except (BlockingIOError, InterruptedError):
            return  # spurious wake-up: stay registered
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(data)

    async def sock_recv_into(self, sock: socket.socket, buf: Any) -> int:
        """Receive into ``buf``; return the number of bytes written there."""
        _check_nonblocking(sock)
        return await self._sock_retry(sock, False, sock.recv_into, buf)

    async def _sock_retry(self, sock: socket.socket, for_write: bool, call: Any, *args: Any
                          ) -> Any:
        """``sock_recv``'s steps for any call: try now, else retry on each ready event."""
        try:
            return call(*args)
        except (BlockingIOError, InterruptedError):
            pass
        fut = self.create_future()
        fd = sock.fileno()
        if for_write:
            handle = self._add_writer(fd, self._sock_retry_cb, fut, call, args)
            fut.add_done_callback(functools.partial(self._sock_write_done, fd, handle))
        else:
            handle = self._add_reader(fd, self._sock_retry_cb, fut, call, args)
            fut.add_done_callback(functools.partial(self._sock_read_done, fd, handle))
        return await fut

    def _sock_retry_cb(self, fut: Any, call: Any, args: tuple) -> None:
        if fut.done():
            return
        try:
            result = call(*args)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(result)

    async def sock_sendall(self, sock: socket.socket, data: Any) -> None:
        """Send all of ``data``, however many ``send`` calls it takes."""
        _check_nonblocking(sock)
        try:
            n = sock.send(data)
        except (BlockingIOError, InterruptedError):
            n = 0
        if n == len(data):
            return  # the common case: the kernel took it all at once
        fut = self.create_future()
        fd = sock.fileno()
        pos = [n]  # how much is sent, shared with the writer callback
        handle = self._add_writer(fd, self._sock_sendall, fut, sock, memoryview(data), pos)
        fut.add_done_callback(functools.partial(self._sock_write_done, fd, handle))
        return await fut

    def _sock_sendall(self, fut: Future, sock: socket.socket, view: memoryview,
                      pos: list[int]) -> None:
        if fut.done():
            return
        start = pos[0]
        try:
            n = sock.send(view[start:])
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
            return
        start += n
        if start == len(view):
            fut.set_result(None)
        else:
            pos[0] = start  # a partial send: wait until writable again

    async def sock_accept(self, sock: socket.socket) -> tuple[socket.socket, Any]:
        """Accept a connection; the new socket is already non-blocking."""
        _check_nonblocking(sock)
        fut = self.create_future()
        self._sock_accept(fut, sock)
        return await fut

    def _sock_accept(self, fut: Future, sock: socket.socket) -> None:
        fd = sock.fileno()
        try:
            conn, address = sock.accept()
            conn.setblocking(False)
        except (BlockingIOError, InterruptedError):
            handle = self._add_reader(fd, self._sock_accept, fut, sock)
            fut.add_done_callback(functools.partial(self._sock_read_done, fd, handle))
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result((conn, address))

    async def sock_connect(self, sock: socket.socket, address: Any) -> None:
        """Connect without blocking: start ``connect``, await writability, read SO_ERROR."""
        _check_nonblocking(sock)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            address = await self._resolve_address(sock, address)
        fut = self.create_future()
        self._sock_connect(fut, sock, address)
        try:
            return await fut
        finally:
            fut = None  # break a cycle through the exception's traceback

    async def _resolve_address(self, sock: socket.socket, address: Any) -> Any:
        """A numeric (host, port) as is; a name through ``getaddrinfo``."""
        host, port = address[:2]
        try:
            socket.inet_pton(sock.family, host)
            return address
        except (OSError, TypeError):
            pass
        infos = await self.getaddrinfo(host, port, family=sock.family, type=sock.type,
                                       proto=sock.proto)
        return infos[0][4]

    async def getaddrinfo(self, host: Any, port: Any, *, family: int = 0, type: int = 0,
                          proto: int = 0, flags: int = 0) -> list:
        """Name lookup, blocking the loop here; chapter 5 moves it into the executor."""
        return socket.getaddrinfo(host, port, family, type, proto, flags)

    def _sock_connect(self, fut: Future, sock: socket.socket, address: Any) -> None:
        fd = sock.fileno()
        try:
            sock.connect(address)
        except (BlockingIOError, InterruptedError):
            # Connecting in the background; writable means done (or failed).
            handle = self._add_writer(fd, self._sock_connect_cb, fut, sock, address)
            fut.add_done_callback(functools.partial(self._sock_write_done, fd, handle))
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(None)

    def _sock_connect_cb(self, fut: Future, sock: socket.socket, address: Any) -> None:
        if fut.done():
            return
        try:
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err != 0:
                raise OSError(err, f"Connect call failed {address}")
        except (BlockingIOError, InterruptedError):
            pass  # not yet: stay registered
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(None)

    # -- The wait phase of _run_once ------------------------------------------

    def _select(self, timeout: float | None) -> list:
        """Block in the selector until an fd is ready or ``timeout`` passes."""
        sockets_waiting = len(self._selector_map) > self._wakeup_fds
        if timeout == 0:
            # Something is ready, so we must not block.  Poll the sockets -- unless
            # only the loop's own fds are registered: with nobody to wake, a poll
            # finds nothing worth reporting (chapter 6 times it against
            # AlwaysPollLoop on a chain of callbacks).
            return self._selector.select(0) if sockets_waiting else []
        real_timeout = self._clock.budget(timeout, sockets_waiting, self._threads_busy())
        event_list = self._selector.select(real_timeout)
        self._clock.idle(timeout, bool(event_list))
        return event_list

    def _threads_busy(self) -> bool:
        """Could a worker thread still wake us?  Not before chapter 4."""
        return False

    def close(self) -> None:
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self.is_closed():
            return
        super().close()
        self._selector.close()


def _check_nonblocking(sock: socket.socket) -> None:
    # asyncio checks this in debug mode only; a blocking socket would freeze the loop.
    if sock.gettimeout() != 0:
        raise ValueError("the socket must be non-blocking")
