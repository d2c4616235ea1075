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
* name resolution through the executor;
* transports and protocols (``ch5_transports``): ``create_connection``,
  ``create_server``, ``connect_accepted_socket``, so that asyncio's streams
  (``open_connection``, ``start_server``) and third-party libraries
  (websockets, aiohttp) run unchanged.

What the finished loop needs beyond that, and this chapter does not teach,
comes from the mixins in ``toyloop/extras/``: async-generator hooks, the task
factory, UDP, ``sendfile`` and signal handlers.

Left out versus asyncio (each raises ``NotImplementedError`` saying so): TLS
(``ssl=``, ``start_tls``), subprocesses, pipes and Unix sockets -- chapter 7
(``ch7_tls``, ``ch7_unix``) adds them, and ``toyloop.EventLoop`` is that
finished loop.  Happy eyeballs is accepted but not raced: addresses are tried
one after the other.  The README keeps the full list.
"""

from __future__ import annotations

import asyncio
import collections.abc
import errno
import socket
import sys
import weakref
from asyncio import trsock as _trsock
from typing import Any, NoReturn

from .ch4_threads import ThreadLoop
from .ch5_transports import Server, _SelectorSocketTransport
from .extras.asyncgens import AsyncgenMixin
from .extras.datagram import DatagramMixin
from .extras.sendfile import SendfileMixin
from .extras.signals import SignalMixin
from .extras.taskfactory import TaskFactoryMixin

# Python 3.13 quotes the whole OSError in bind errors (3.11/3.12: its strerror only)
# and lets create_server skip an address family that is not available.
_PY313 = sys.version_info >= (3, 13)


class EventLoop(AsyncgenMixin, TaskFactoryMixin, DatagramMixin, SendfileMixin, SignalMixin,
                ThreadLoop, asyncio.AbstractEventLoop):
    """The toyloop event loop: use it wherever asyncio wants a loop.

    ``asyncio.Runner(loop_factory=toyloop.EventLoop)`` runs a program on it;
    ``toyloop.run(main())`` does the same and also works inside Jupyter.  The
    mixins in ``toyloop/extras/`` add what chapter 5 does not teach: async
    generators, the task factory, UDP, sendfile and signals.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # fd -> transport, so add_reader() can refuse an fd a transport owns.
        self._transports: weakref.WeakValueDictionary = weakref.WeakValueDictionary()

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
        sock = await self._client_socket(host, port, sock, family, proto, flags, local_addr,
                                         all_errors)
        return await self._create_connection_transport(sock, protocol_factory)

    async def _client_socket(self, host: Any, port: Any, sock: socket.socket | None,
                             family: int, proto: int, flags: int, local_addr: Any,
                             all_errors: bool) -> socket.socket:
        """The connected stream socket a client starts from: ``sock`` as given, or the
        first address of ``host``/``port`` that connects (asyncio's checks and wording;
        chapter 7's TLS ``create_connection`` starts from it too)."""
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            return await self._connect_first(host, port, family, proto, flags, local_addr,
                                             all_errors)
        elif sock is None:
            raise ValueError("host and port was not specified and no sock specified")
        elif sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        return sock

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

    # -- Not offered (yet) -----------------------------------------------------------

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


def _bind_error_text(exc: OSError) -> str:
    return str(exc).lower() if _PY313 else (exc.strerror or str(exc)).lower()






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


