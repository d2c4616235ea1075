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
  name resolution through the executor;
* transports and protocols (``ch5_transports``): ``create_connection``,
  ``create_server``, ``connect_accepted_socket``, ``create_datagram_endpoint``,
  ``sendfile``/``sock_sendfile`` (read-and-send fallback), so that asyncio's
  streams (``open_connection``, ``start_server``) and third-party libraries
  (websockets, aiohttp) run unchanged;
* signal handlers through ``signal.set_wakeup_fd`` and chapter 4's self-pipe
  (asyncio: ``unix_events.py``).

Left out versus asyncio (each raises ``NotImplementedError`` saying so): TLS
(``ssl=``, ``start_tls``), subprocesses, pipes and Unix sockets -- chapter 7
(``ch7_tls``, ``ch7_unix``) adds them, and ``toyloop.EventLoop`` is that
finished loop.  Happy eyeballs is accepted but not raced: addresses are tried
one after the other.  The README keeps the full list.
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextvars
import errno
import functools
import inspect
import signal
import socket
import sys
import warnings
import weakref
from asyncio import trsock as _trsock
from asyncio.constants import _SendfileMode
from asyncio.exceptions import SendfileNotAvailableError
from collections.abc import Coroutine
from typing import Any, NoReturn

from .ch2_futures import Handle, Task, gather, logger
from .ch3_selectors import _check_nonblocking
from .ch4_threads import ThreadLoop
from .ch5_transports import Server, _SelectorDatagramTransport, _SelectorSocketTransport

SENDFILE_FALLBACK_READBUFFER_SIZE = 256 * 1024  # asyncio's, for sock_sendfile


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
        # fd -> transport, so add_reader() can refuse an fd a transport owns.
        self._transports: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._signal_handlers: dict[int, Handle] = {}

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
        """Chapter 3 looked names up with a blocking call; now the executor does."""
        return await self.run_in_executor(None, socket.getaddrinfo, host, port,
                                          family, type, proto, flags)

    async def getnameinfo(self, sockaddr: Any, flags: int = 0) -> tuple[str, str]:
        return await self.run_in_executor(None, socket.getnameinfo, sockaddr, flags)

    # -- fds owned by transports --------------------------------------------------
    # A transport keeps its own reader and writer in the selector; a second
    # add_reader() on its fd would silently replace them and the transport would
    # go deaf.  asyncio refuses, and so do we (selector_events._ensure_fd_no_transport).

    def _ensure_fd_no_transport(self, fd: Any) -> None:
        fileno = fd
        if not isinstance(fileno, int):
            try:
                fileno = int(fileno.fileno())
            except (AttributeError, TypeError, ValueError):
                raise ValueError(f"Invalid file object: {fd!r}") from None
        transport = self._transports.get(fileno)
        if transport is not None and not transport.is_closing():
            raise RuntimeError(f"File descriptor {fd!r} is used by transport {transport!r}")

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:
        self._ensure_fd_no_transport(fd)
        super().add_reader(fd, callback, *args)

    def remove_reader(self, fd: Any) -> bool:
        self._ensure_fd_no_transport(fd)
        return super().remove_reader(fd)

    def add_writer(self, fd: Any, callback: Any, *args: Any) -> None:
        self._ensure_fd_no_transport(fd)
        super().add_writer(fd, callback, *args)

    def remove_writer(self, fd: Any) -> bool:
        self._ensure_fd_no_transport(fd)
        return super().remove_writer(fd)

    def _make_socket_transport(self, sock: socket.socket, protocol: Any, waiter: Any = None, *,
                               extra: dict | None = None, server: Server | None = None) -> Any:
        return _SelectorSocketTransport(self, sock, protocol, waiter, extra, server)

    def _make_datagram_transport(self, sock: socket.socket, protocol: Any, address: Any = None,
                                 waiter: Any = None, extra: dict | None = None) -> Any:
        return _SelectorDatagramTransport(self, sock, protocol, address, waiter, extra)

    # -- Connecting ------------------------------------------------------------------

    async def _ensure_resolved(self, address: Any, *, family: int = 0,
                               type: int = socket.SOCK_STREAM, proto: int = 0,
                               flags: int = 0) -> list:
        """getaddrinfo for ``(host, port)``: numeric hosts at once, names in the executor."""
        host, port = address[:2]
        try:
            # With AI_NUMERICHOST getaddrinfo never asks DNS, so it cannot block:
            # '127.0.0.1' needs no thread.  (asyncio: base_events._ipaddr_info.)
            return socket.getaddrinfo(host, port, family, type, proto,
                                      flags | socket.AI_NUMERICHOST | socket.AI_NUMERICSERV)
        except (socket.gaierror, UnicodeError):
            return await self.getaddrinfo(host, port, family=family, type=type, proto=proto,
                                          flags=flags)

    async def create_connection(self, protocol_factory: Any, host: Any = None, port: Any = None,
                                *, ssl: Any = None, family: int = 0, proto: int = 0,
                                flags: int = 0, sock: socket.socket | None = None,
                                local_addr: Any = None, server_hostname: Any = None,
                                ssl_handshake_timeout: Any = None,
                                ssl_shutdown_timeout: Any = None,
                                happy_eyeballs_delay: Any = None, interleave: Any = None,
                                all_errors: bool = False) -> tuple[Any, Any]:
        """Connect over TCP; return ``(transport, protocol)`` once connection_made ran.

        Addresses from getaddrinfo are tried one after the other; asyncio races
        them when ``happy_eyeballs_delay`` is given (``staggered.py``), toyloop
        accepts the argument and still tries them in turn.
        """
        if ssl:
            self._no_tls("create_connection")
        if server_hostname is not None:
            raise ValueError("server_hostname is only meaningful with ssl")
        _check_no_ssl_timeouts(ssl_handshake_timeout, ssl_shutdown_timeout)
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            sock = await self._connect_first(host, port, family, proto, flags, local_addr,
                                             all_errors)
        elif sock is None:
            raise ValueError("host and port was not specified and no sock specified")
        elif sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        return await self._create_connection_transport(sock, protocol_factory)

    async def _connect_first(self, host: Any, port: Any, family: int, proto: int, flags: int,
                             local_addr: Any, all_errors: bool) -> socket.socket:
        """Try each address in turn; the first socket that connects wins."""
        infos = await self._ensure_resolved((host, port), family=family, proto=proto,
                                            flags=flags)
        if not infos:
            raise OSError("getaddrinfo() returned empty list")
        laddr_infos = None
        if local_addr is not None:
            laddr_infos = await self._ensure_resolved(local_addr, family=family, proto=proto,
                                                      flags=flags)
            if not laddr_infos:
                raise OSError("getaddrinfo() returned empty list")
        errors: list[OSError] = []
        for info in infos:
            try:
                return await self._connect_sock(errors, info, laddr_infos)
            except OSError:
                continue
        if all_errors:
            raise ExceptionGroup("create_connection failed", errors)
        if len({str(exc) for exc in errors}) == 1:
            raise errors[0]  # one error, or the same one for every address
        raise OSError("Multiple exceptions: {}".format(", ".join(str(e) for e in errors)))

    async def _connect_sock(self, errors: list, addr_info: tuple,
                            laddr_infos: list | None = None) -> socket.socket:
        """Create, maybe bind, and connect one socket; record why it failed."""
        family, type_, proto, _, address = addr_info
        sock = None
        try:
            sock = socket.socket(family=family, type=type_, proto=proto)
            sock.setblocking(False)
            if laddr_infos is not None:
                _bind_local(sock, family, laddr_infos)
            await self.sock_connect(sock, address)
            return sock
        except OSError as exc:
            errors.append(exc)
            if sock is not None:
                sock.close()
            raise
        except BaseException:
            if sock is not None:
                sock.close()
            raise

    async def _create_connection_transport(self, sock: socket.socket, protocol_factory: Any
                                           ) -> tuple[Any, Any]:
        """Wrap a connected socket; return once connection_made has run."""
        sock.setblocking(False)
        protocol = protocol_factory()
        waiter = self.create_future()
        transport = self._make_socket_transport(sock, protocol, waiter)
        try:
            await waiter  # the transport sets it right after connection_made
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    async def connect_accepted_socket(self, protocol_factory: Any, sock: socket.socket, *,
                                      ssl: Any = None, ssl_handshake_timeout: Any = None,
                                      ssl_shutdown_timeout: Any = None) -> tuple[Any, Any]:
        """Wrap a socket accepted elsewhere (outside asyncio) in a transport."""
        if sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        if ssl:
            self._no_tls("connect_accepted_socket")
        _check_no_ssl_timeouts(ssl_handshake_timeout, ssl_shutdown_timeout)
        return await self._create_connection_transport(sock, protocol_factory)

    # -- Serving -----------------------------------------------------------------------

    async def create_server(self, protocol_factory: Any, host: Any = None, port: Any = None,
                            *, family: int = socket.AF_UNSPEC, flags: int = socket.AI_PASSIVE,
                            sock: socket.socket | None = None, backlog: int = 100,
                            ssl: Any = None, reuse_address: bool | None = None,
                            reuse_port: bool | None = None, keep_alive: bool | None = None,
                            ssl_handshake_timeout: Any = None, ssl_shutdown_timeout: Any = None,
                            start_serving: bool = True) -> Server:
        """Listen on ``host:port`` (or ``sock``); each connection gets ``protocol_factory()``."""
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        if ssl is not None:
            self._no_tls("create_server")
        _check_no_ssl_timeouts(ssl_handshake_timeout, ssl_shutdown_timeout)
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            sockets = await self._bind_server_sockets(host, port, family, flags, reuse_address,
                                                      reuse_port, keep_alive)
        elif sock is None:
            raise ValueError("Neither host/port nor sock were specified")
        elif sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        else:
            sockets = [sock]
        for listener in sockets:
            listener.setblocking(False)
        server = Server(self, sockets, protocol_factory, backlog)
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)  # as asyncio: one iteration, so the readers are in
        return server

    async def _bind_server_sockets(self, host: Any, port: Any, family: int, flags: int,
                                   reuse_address: bool | None, reuse_port: bool | None,
                                   keep_alive: bool | None) -> list[socket.socket]:
        """One bound socket per address the host(s) resolve to."""
        if reuse_address is None:
            reuse_address = sys.platform != "cygwin"  # skip TIME_WAIT after a restart
        if host == "":
            hosts: list = [None]
        elif isinstance(host, str) or not isinstance(host, collections.abc.Iterable):
            hosts = [host]
        else:
            hosts = list(host)
        infos: set = set()  # a set: two names for one address bind once
        for one_host in hosts:
            infos.update(await self._ensure_resolved((one_host, port), family=family,
                                                     flags=flags))
        sockets: list[socket.socket] = []
        try:
            for af, socktype, proto, _, address in infos:
                try:
                    sock = socket.socket(af, socktype, proto)
                except OSError:
                    continue  # a family this machine cannot open (no IPv6, say)
                sockets.append(sock)
                _set_server_options(sock, af, reuse_address, reuse_port, keep_alive)
                try:
                    sock.bind(address)
                except OSError as err:
                    if _PY313 and err.errno == errno.EADDRNOTAVAIL:
                        sockets.pop().close()  # 3.13: that family is off here (bpo-30945)
                        continue
                    raise OSError(err.errno, f"error while attempting to bind on address "
                                             f"{address!r}: {_bind_error_text(err)}") from None
            if not sockets:
                raise OSError(f"could not bind on any address out of "
                              f"{[info[4] for info in infos]!r}")
        except BaseException:
            for sock in sockets:
                sock.close()
            raise
        return sockets

    def _start_serving(self, protocol_factory: Any, sock: socket.socket, server: Server,
                       backlog: int = 100) -> None:
        self._add_reader(sock.fileno(), self._accept_connection, protocol_factory, sock,
                         server, backlog)

    def _stop_serving(self, sock: socket.socket) -> None:
        self._remove_reader(sock.fileno())
        sock.close()

    def _accept_connection(self, protocol_factory: Any, sock: socket.socket, server: Server,
                           backlog: int) -> None:
        """The listening socket is readable: accept what waits, up to ``backlog`` at once.

        One read event may stand for many pending connections; accepting them
        all in one go keeps a burst of clients from waiting an iteration each
        (bpo-27906).  Each one becomes a task that builds its transport.
        """
        for _ in range(backlog):
            try:
                conn, addr = sock.accept()
                conn.setblocking(False)
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return  # nobody else is waiting
            except OSError as exc:
                if exc.errno not in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    raise  # Handle._run reports it to the exception handler
                # Out of fds: epoll would report the socket ready forever.  Stop
                # listening for a second, then try again.
                self.call_exception_handler({
                    "message": "socket.accept() out of system resource",
                    "exception": exc, "socket": _trsock.TransportSocket(sock),
                })
                self._remove_reader(sock.fileno())
                self.call_later(1.0, self._start_serving, protocol_factory, sock, server,
                                backlog)
                return
            self.create_task(self._accept_connection2(protocol_factory, conn,
                                                      {"peername": addr}, server))

    async def _accept_connection2(self, protocol_factory: Any, conn: socket.socket,
                                  extra: dict, server: Server) -> None:
        protocol = transport = None
        try:
            protocol = protocol_factory()
            waiter = self.create_future()
            transport = self._make_socket_transport(conn, protocol, waiter, extra=extra,
                                                    server=server)
            try:
                await waiter
            except BaseException:
                transport.close()
                raise
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            if transport is None:
                conn.close()  # the protocol factory failed: nobody owns conn
            if self._debug:
                self.call_exception_handler({
                    "message": "Error on transport creation for incoming connection",
                    "exception": exc, "protocol": protocol, "transport": transport,
                })

    # -- UDP -----------------------------------------------------------------------------

    async def create_datagram_endpoint(self, protocol_factory: Any, local_addr: Any = None,
                                       remote_addr: Any = None, *, family: int = 0,
                                       proto: int = 0, flags: int = 0,
                                       reuse_port: bool | None = None,
                                       allow_broadcast: bool | None = None,
                                       sock: socket.socket | None = None) -> tuple[Any, Any]:
        """A UDP endpoint: bound to ``local_addr``, connected to ``remote_addr``, or both."""
        r_addr = None
        if sock is not None:
            if sock.type == socket.SOCK_STREAM:
                raise ValueError(f"A datagram socket was expected, got {sock!r}")
            opts = dict(local_addr=local_addr, remote_addr=remote_addr, family=family,
                        proto=proto, flags=flags, reuse_port=reuse_port,
                        allow_broadcast=allow_broadcast)
            problems = ", ".join(f"{k}={v}" for k, v in opts.items() if v)
            if problems:
                raise ValueError("socket modifier keyword arguments can not be used "
                                 f"when sock is specified. ({problems})")
            sock.setblocking(False)
        elif family == getattr(socket, "AF_UNIX", None):
            self._not_implemented("create_datagram_endpoint", "Unix datagram sockets")
        else:
            sock, r_addr = await self._datagram_socket(local_addr, remote_addr, family, proto,
                                                       flags, reuse_port, allow_broadcast)
        protocol = protocol_factory()
        waiter = self.create_future()
        transport = self._make_datagram_transport(sock, protocol, r_addr, waiter)
        try:
            await waiter
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    async def _datagram_socket(self, local_addr: Any, remote_addr: Any, family: int,
                               proto: int, flags: int, reuse_port: bool | None,
                               allow_broadcast: bool | None) -> tuple[socket.socket, Any]:
        """Resolve both addresses, then make the first socket that binds and connects."""
        if not (local_addr or remote_addr):
            if family == 0:
                raise ValueError("unexpected address family")
            candidates: list = [((family, proto), [None, None])]
        else:
            pairs: dict = {}  # (family, proto) -> [local, remote]
            for idx, addr in ((0, local_addr), (1, remote_addr)):
                if addr is None:
                    continue
                if not (isinstance(addr, tuple) and len(addr) == 2):
                    raise TypeError("2-tuple is expected")
                infos = await self._ensure_resolved(addr, family=family, type=socket.SOCK_DGRAM,
                                                    proto=proto, flags=flags)
                if not infos:
                    raise OSError("getaddrinfo() returned empty list")
                for fam, _, pro, _, address in infos:
                    pairs.setdefault((fam, pro), [None, None])[idx] = address
            # A family is usable only if it has every address we were given.
            candidates = [(key, pair) for key, pair in pairs.items()
                          if not ((local_addr and pair[0] is None)
                                  or (remote_addr and pair[1] is None))]
            if not candidates:
                raise ValueError("can not get address information")
        errors = []
        for (fam, pro), (local, remote) in candidates:
            sock = None
            try:
                sock = socket.socket(family=fam, type=socket.SOCK_DGRAM, proto=pro)
                if reuse_port:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                if allow_broadcast:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                sock.setblocking(False)
                if local_addr:
                    sock.bind(local)
                if remote_addr and not allow_broadcast:
                    await self.sock_connect(sock, remote)
                return sock, (remote if remote_addr else None)
            except BaseException as exc:
                if sock is not None:
                    sock.close()
                if not isinstance(exc, OSError):
                    raise
                errors.append(exc)
        raise errors[0]

    async def sock_sendto(self, sock: socket.socket, data: Any, address: Any) -> int:
        """Send one datagram to ``address``."""
        _check_nonblocking(sock)
        return await self._sock_retry(sock, True, "sendto", data, address)

    async def sock_recvfrom(self, sock: socket.socket, bufsize: int) -> tuple[bytes, Any]:
        """Receive one datagram: ``(data, address)``."""
        _check_nonblocking(sock)
        return await self._sock_retry(sock, False, "recvfrom", bufsize)

    async def sock_recvfrom_into(self, sock: socket.socket, buf: Any, nbytes: int = 0
                                 ) -> tuple[int, Any]:
        _check_nonblocking(sock)
        return await self._sock_retry(sock, False, "recvfrom_into", buf,
                                      nbytes or len(buf))

    async def _sock_retry(self, sock: socket.socket, for_write: bool, method: str, *args: Any
                          ) -> Any:
        """Chapter 3's pattern in one place: try now, else retry on each ready event.

        The method is looked up by name on every try, as asyncio does (its
        tests swap ``sock.sendto`` between tries).
        """
        try:
            return getattr(sock, method)(*args)
        except (BlockingIOError, InterruptedError):
            pass
        fut = self.create_future()
        fd = sock.fileno()
        if for_write:
            handle = self._add_writer(fd, self._sock_retry_cb, fut, sock, method, args)
            fut.add_done_callback(functools.partial(self._sock_write_done, fd, handle))
        else:
            handle = self._add_reader(fd, self._sock_retry_cb, fut, sock, method, args)
            fut.add_done_callback(functools.partial(self._sock_read_done, fd, handle))
        return await fut

    def _sock_retry_cb(self, fut: Any, sock: socket.socket, method: str, args: tuple) -> None:
        if fut.done():
            return
        try:
            result = getattr(sock, method)(*args)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(result)

    # -- sendfile: the read-and-send fallback only -------------------------------------

    async def sock_sendfile(self, sock: socket.socket, file: Any, offset: int = 0,
                            count: int | None = None, *, fallback: bool = True) -> int:
        """Send a file over a socket; return the number of bytes sent.

        asyncio uses ``os.sendfile`` where it can; toyloop always reads blocks
        in the executor and sends them (asyncio's own fallback), so with
        ``fallback=False`` it raises SendfileNotAvailableError.
        """
        _check_nonblocking(sock)
        _check_sendfile_params(sock, file, offset, count)
        if not fallback:
            raise SendfileNotAvailableError(f"syscall sendfile is not available for socket "
                                            f"{sock!r} and file {file!r} combination")
        if offset:
            file.seek(offset)
        total_sent = 0
        try:
            async for block in self._file_blocks(file, count, SENDFILE_FALLBACK_READBUFFER_SIZE):
                await self.sock_sendall(sock, block)
                total_sent += len(block)
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, "seek"):
                file.seek(offset + total_sent)  # file position = what was really sent

    async def _file_blocks(self, file: Any, count: int | None, blocksize: int) -> Any:
        """Yield the file's blocks (at most ``count`` bytes), read in the executor."""
        blocksize = min(count, blocksize) if count else blocksize
        buf = bytearray(blocksize)
        left = count
        while left is None or left > 0:
            view = memoryview(buf)[:blocksize if left is None else min(left, blocksize)]
            nread = await self.run_in_executor(None, file.readinto, view)
            if not nread:
                return  # end of file
            yield view[:nread]
            if left is not None:
                left -= nread

    async def sendfile(self, transport: Any, file: Any, offset: int = 0,
                       count: int | None = None, *, fallback: bool = True) -> int:
        """Send a file through a transport, pausing whenever its buffer is full."""
        if transport.is_closing():
            raise RuntimeError("Transport is closing")
        mode = getattr(transport, "_sendfile_compatible", _SendfileMode.UNSUPPORTED)
        if mode is _SendfileMode.UNSUPPORTED:
            raise RuntimeError(f"sendfile is not supported for transport {transport!r}")
        if not fallback:
            raise RuntimeError(f"fallback is disabled and native sendfile is not supported "
                               f"for transport {transport!r}")
        if offset:
            file.seek(offset)
        high_water = transport.get_write_buffer_limits()[1]
        total_sent = 0
        try:
            async for block in self._file_blocks(file, count, 16384):
                transport.write(block)  # copies what it cannot send now
                total_sent += len(block)
                if transport.get_write_buffer_size() > high_water:
                    await self._wait_transport_empty(transport)
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, "seek"):
                file.seek(offset + total_sent)

    async def _wait_transport_empty(self, transport: Any) -> None:
        waiter = transport._make_empty_waiter()
        try:
            await waiter
        finally:
            transport._reset_empty_waiter()

    # -- Signals: set_wakeup_fd and the self-pipe ------------------------------------
    # A C-level signal handler may only set a flag, so Python writes the signal
    # number, one byte, to the fd given to signal.set_wakeup_fd.  We give it the
    # write end of chapter 4's self-pipe: the byte wakes select(), and the
    # reader sees a non-zero byte (call_soon_threadsafe writes b'\0').

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
            self._internal_fds -= 1
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
        self._internal_fds += 1  # the self-pipe only wakes select() again

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

    # -- Not offered in chapter 5 (chapter 7 adds them) -----------------------------

    def _not_implemented(self, name: str, what: str = "") -> NoReturn:
        detail = f" ({what} are not supported)" if what else ""
        raise NotImplementedError(
            f"chapter 5's loop does not implement loop.{name}() yet{detail}; "
            "toyloop.EventLoop (chapter 7) does")

    def _no_tls(self, name: str) -> NoReturn:
        raise NotImplementedError(
            f"chapter 5's loop does not implement TLS: loop.{name}(ssl=...) is not "
            "supported; toyloop.EventLoop (chapter 7) does")

    async def create_unix_connection(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_unix_connection", "Unix sockets")

    async def create_unix_server(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("create_unix_server", "Unix sockets")

    async def start_tls(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("start_tls", "TLS connections")

    async def connect_read_pipe(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("connect_read_pipe", "pipes")

    async def connect_write_pipe(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("connect_write_pipe", "pipes")

    async def subprocess_exec(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("subprocess_exec", "subprocesses")

    async def subprocess_shell(self, *args: Any, **kwargs: Any) -> Any:
        self._not_implemented("subprocess_shell", "subprocesses")


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


# Python 3.13 quotes the whole OSError in bind errors (3.11/3.12: its strerror only)
# and lets create_server skip an address family that is not available.
_PY313 = sys.version_info >= (3, 13)


def _bind_error_text(exc: OSError) -> str:
    return str(exc).lower() if _PY313 else (exc.strerror or str(exc)).lower()


def _sighandler_noop(signum: int, frame: Any) -> None:
    """The Python-level handler: the byte in the wakeup fd does the real work."""


def _reset_wakeup_fd() -> None:
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError) as exc:
        logger.info("set_wakeup_fd(-1) failed: %s", exc)


def _check_no_ssl_timeouts(handshake: Any, shutdown: Any) -> None:
    if handshake is not None:
        raise ValueError("ssl_handshake_timeout is only meaningful with ssl")
    if shutdown is not None:
        raise ValueError("ssl_shutdown_timeout is only meaningful with ssl")


def _bind_local(sock: socket.socket, family: int, laddr_infos: list) -> None:
    """Bind to the first local address of the socket's family (create_connection)."""
    error = None
    for fam, _, _, _, laddr in laddr_infos:
        if fam != family:
            continue
        try:
            sock.bind(laddr)
            return
        except OSError as exc:
            error = OSError(exc.errno, f"error while attempting to bind on address "
                                       f"{laddr!r}: {_bind_error_text(exc)}")
    raise error or OSError(f"no matching local address with family={family} found")


def _set_server_options(sock: socket.socket, family: int, reuse_address: bool | None,
                        reuse_port: bool | None, keep_alive: bool | None) -> None:
    if reuse_address:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)
    if reuse_port:
        if not hasattr(socket, "SO_REUSEPORT"):
            raise ValueError("reuse_port not supported by socket module")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, True)
    if keep_alive:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, True)
    if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
        # Linux listens on IPv4 too through an IPv6 socket; we bind IPv4 separately.
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, True)


def _check_sendfile_params(sock: socket.socket, file: Any, offset: Any, count: Any) -> None:
    if "b" not in getattr(file, "mode", "b"):
        raise ValueError("file should be opened in binary mode")
    if not sock.type == socket.SOCK_STREAM:
        raise ValueError("only SOCK_STREAM type sockets are supported")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError(f"count must be a positive integer (got {count!r})")
        if count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")
    if not isinstance(offset, int):
        raise TypeError(f"offset must be a non-negative integer (got {offset!r})")
    if offset < 0:
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
