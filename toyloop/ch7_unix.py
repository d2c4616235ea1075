"""Chapter 7, part 2: Unix sockets, pipes and subprocesses.

``EventLoop`` here is the finished toyloop loop (``toyloop.EventLoop``):
part 1's ``TLSLoop`` plus

* Unix sockets -- ``create_unix_connection``, ``create_unix_server`` (so
  ``asyncio.open_unix_connection`` and ``start_unix_server``) and AF_UNIX
  datagram endpoints.  They are chapter 5's transports on another address
  family: the only new code is about *paths*.  A socket file outlives its
  server, so a new server removes a stale one before binding; on 3.13+ the
  server removes its own file again when it closes (``cleanup_socket``,
  and only if the file is still the one it made: same inode); a path
  starting with a NUL byte is Linux's abstract namespace and has no file.
  The ``sock_*`` calls of chapter 3 never looked at the family, so they
  work on AF_UNIX sockets as they are;
* pipes -- ``connect_read_pipe``, ``connect_write_pipe``: a transport on a
  plain fd (a pipe, a FIFO, a character device, a socket), read with
  ``os.read`` and written with ``os.write`` instead of ``recv``/``send``;
* subprocesses -- ``subprocess_exec``, ``subprocess_shell`` (so
  ``asyncio.create_subprocess_exec``/``_shell`` and ``Process``): a child
  started by ``subprocess.Popen`` whose stdin/stdout/stderr are three pipe
  transports, plus a way to learn *without blocking* that the child exited;
* ``sendfile`` the Unix way -- ``os.sendfile`` copies file -> socket inside
  the kernel; chapter 5's read-and-send stays the fallback, and now also
  works through transports that are not toyloop's (TLS's app transport);
* loose ends asyncio's own tests found: a custom task factory's naming
  rules, and where debug mode says a task was created.

The sections below come in that order; each is usable the moment it exists
(``asyncio.start_unix_server`` right after ``create_unix_server``, and so on).

Decisions, and why:

* Pipe transports: toyloop reuses asyncio's ``unix_events._UnixReadPipeTransport``
  and ``_UnixWritePipeTransport`` by import.  They use nothing of the loop
  but ``call_soon``, ``_add_reader``/``_remove_reader``,
  ``_add_writer``/``_remove_writer`` and the exception handler -- the API
  chapter 3 built under asyncio's names -- so they run on toyloop as they
  are.  What they add over chapter 5's socket transport is small and
  pipe-specific (a write pipe watches its fd for *readability* to learn
  that the reader went away; no half-close on a read pipe), and asyncio's
  versions carry the platform corner cases (AIX, macOS ptys) we could not
  test here.
* Subprocess transport and ``Process``: reused too
  (``base_subprocess.BaseSubprocessTransport`` through
  ``unix_events._UnixSubprocessTransport``; ``asyncio.subprocess.Process``
  and ``SubprocessStreamProtocol`` on top).  They are loop-independent
  glue between ``Popen`` and three pipes; their pipe-closing order and
  ``returncode`` rules are what ``communicate()`` and ``wait()`` rely on.
* Knowing when a child exits is the loop's own job, and toyloop writes it
  (``_watch_child``): on Linux a *pidfd* (``os.pidfd_open``) becomes
  readable when the child exits, so it is one more fd in the selector --
  chapter 3's ``_add_reader`` -- and ``waitpid`` then returns at once.
  Where pidfds are missing, a thread blocks in ``os.waitpid`` and reports
  back through chapter 4's ``call_soon_threadsafe`` (asyncio's
  ``ThreadedChildWatcher`` idea).  If the program installed another kind
  of child watcher through asyncio's policy (``asyncio.set_child_watcher``
  with ``SafeChildWatcher`` or ``FastChildWatcher``, 3.11-3.13), toyloop
  uses that one, as asyncio's loop does: those reap children themselves.

What asyncio does differently: on 3.11 its default watcher is the thread
one even on Linux; 3.12+ picks a pidfd like toyloop.  Windows (pipes and
subprocesses over I/O completion ports, ``windows_events.py``) is not here:
everything in this module is about Unix file descriptors.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import socket
import stat
import subprocess
import sys
import threading
from asyncio import base_events as _base_events
from asyncio import events as _events
from asyncio import tasks as _asyncio_tasks
from asyncio import unix_events as _unix_events
from asyncio.constants import _SendfileMode
from asyncio.exceptions import SendfileNotAvailableError
from typing import Any

from .ch2_futures import Task, logger
from .ch3_selectors import _check_nonblocking
from .ch5_transports import Server
from .ch7_tls import TLSLoop, _check_ssl_socket, _check_ssl_timeouts, _TLSCapableSocketTransport
from .extras.sendfile import _check_sendfile_params, _sendfile_mode

_PY312 = sys.version_info >= (3, 12)
_PY313 = sys.version_info >= (3, 13)


def _can_use_pidfd() -> bool:
    """True where ``os.pidfd_open`` exists and the kernel allows it (Linux >= 5.3)."""
    if not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def _is_abstract(path: str | bytes) -> bool:
    """Linux's abstract namespace: the name starts with NUL and has no file."""
    return path[0] in (0, "\x00")


def _remove_stale_socket(path: Any) -> None:
    """A socket file left by a dead server makes bind() fail: remove it first.

    Only a *socket* file is removed; anything else at that path is the
    user's and bind() will report EADDRINUSE for it.
    """
    if _is_abstract(path):
        return
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.remove(path)
    except FileNotFoundError:
        pass
    except OSError as err:  # a directory we may create in but not stat, say
        logger.error("Unable to check or remove stale UNIX socket %r: %r", path, err)


def _installed_child_watcher() -> Any:
    """A child watcher the program gave asyncio's policy that toyloop must use, or None.

    Read straight from the policy, so that asking creates nothing (and, on
    3.12+, does not warn that child watchers are deprecated).  The thread and
    pidfd watchers -- the ones asyncio creates by itself -- are skipped:
    toyloop's own watch does the same job the same way.  Others (``Safe``,
    ``Fast``, a test's mock) change how children are reaped, so they win.
    """
    watcher = getattr(_events.get_event_loop_policy(), "_watcher", None)
    if isinstance(watcher, _DEFAULT_WATCHERS):
        return None
    return watcher


_DEFAULT_WATCHERS = tuple(getattr(_unix_events, name) for name in
                          ("ThreadedChildWatcher", "PidfdChildWatcher")
                          if hasattr(_unix_events, name))


class _SocketTransport(_TLSCapableSocketTransport):
    """Chapter 5's socket transport, now able to ``sendfile`` natively (below)."""

    _sendfile_compatible = _SendfileMode.TRY_NATIVE


class EventLoop(TLSLoop):
    """The finished toyloop loop: chapters 2-7 (``toyloop.EventLoop``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # listening socket -> inode of its file, for cleanup_socket (3.13+)
        self._unix_server_sockets: dict[socket.socket, int] = {}
        # pidfd -> pid of every child we are watching with a pidfd
        self._child_pidfds: dict[int, int] = {}

    # ================================================================
    # Unix stream sockets
    # ================================================================

    async def create_unix_connection(self, protocol_factory: Any, path: Any = None, *,
                                     ssl: Any = None, sock: socket.socket | None = None,
                                     server_hostname: Any = None,
                                     ssl_handshake_timeout: Any = None,
                                     ssl_shutdown_timeout: Any = None) -> tuple[Any, Any]:
        """Connect to the server listening at ``path``; like ``create_connection``.

        With TLS there is no host name to default to, so ``server_hostname``
        is required.
        """
        if ssl:
            if server_hostname is None:
                raise ValueError("you have to pass server_hostname when using ssl")
        else:
            if server_hostname is not None:
                raise ValueError("server_hostname is only meaningful with ssl")
            _check_ssl_timeouts(ssl, ssl_handshake_timeout, ssl_shutdown_timeout)
        if path is not None:
            if sock is not None:
                raise ValueError("path and sock can not be specified at the same time")
            sock = await self._connect_unix(os.fspath(path))
        else:
            _check_unix_stream_sock(sock, "no path and sock were specified")
            sock.setblocking(False)
        return await self._create_connection_transport(
            sock, protocol_factory, ssl, server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout)

    async def _connect_unix(self, path: str | bytes) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0)
        try:
            sock.setblocking(False)
            await self.sock_connect(sock, path)  # chapter 3's, unchanged
        except BaseException:
            sock.close()
            raise
        return sock

    async def create_unix_server(self, protocol_factory: Any, path: Any = None, *,
                                 sock: socket.socket | None = None, backlog: int = 100,
                                 ssl: Any = None, ssl_handshake_timeout: Any = None,
                                 ssl_shutdown_timeout: Any = None, start_serving: bool = True,
                                 cleanup_socket: bool = True) -> Server:
        """Listen at ``path`` (or on ``sock``); chapter 5's ``Server`` does the rest.

        ``cleanup_socket`` (3.13+) removes the socket file when the server closes.
        """
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        _check_ssl_timeouts(ssl, ssl_handshake_timeout, ssl_shutdown_timeout)
        if path is not None:
            if sock is not None:
                raise ValueError("path and sock can not be specified at the same time")
            sock = _bind_unix_listener(os.fspath(path))
        else:
            _check_unix_stream_sock(sock, "path was not specified, and no sock specified")
        if cleanup_socket:
            self._remember_socket_file(sock)
        sock.setblocking(False)
        server = Server(self, [sock], protocol_factory, backlog)
        return await self._serve_tls(server, ssl, ssl_handshake_timeout, ssl_shutdown_timeout,
                                     start_serving)

    if not _PY313:
        # cleanup_socket arrived in 3.13; before, asyncio rejects it (TypeError at the
        # call) and never removes the file.  Same signature as the running Python's.
        _create_unix_server = create_unix_server

        async def create_unix_server(self, protocol_factory: Any, path: Any = None, *,
                                     sock: socket.socket | None = None, backlog: int = 100,
                                     ssl: Any = None, ssl_handshake_timeout: Any = None,
                                     ssl_shutdown_timeout: Any = None,
                                     start_serving: bool = True) -> Server:
            return await self._create_unix_server(
                protocol_factory, path, sock=sock, backlog=backlog, ssl=ssl,
                ssl_handshake_timeout=ssl_handshake_timeout,
                ssl_shutdown_timeout=ssl_shutdown_timeout, start_serving=start_serving,
                cleanup_socket=False)

    def _remember_socket_file(self, sock: socket.socket) -> None:
        """Note the inode of the server's file, so closing removes *that* file only."""
        path = sock.getsockname()
        if not _is_abstract(path):
            try:
                self._unix_server_sockets[sock] = os.stat(path).st_ino
            except FileNotFoundError:
                pass

    def _stop_serving(self, sock: socket.socket) -> None:
        """Chapter 5's, then remove the socket file if it is still ours (3.13+)."""
        path = sock.getsockname() if sock in self._unix_server_sockets else None
        super()._stop_serving(sock)
        if path is None:
            return
        prev_ino = self._unix_server_sockets.pop(sock)
        try:
            if os.stat(path).st_ino == prev_ino:
                os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as err:
            logger.error("Unable to clean up listening UNIX socket %r: %r", path, err)

    # ================================================================
    # Unix datagram sockets
    # ================================================================

    async def create_datagram_endpoint(self, protocol_factory: Any, local_addr: Any = None,
                                       remote_addr: Any = None, *, family: int = 0,
                                       proto: int = 0, flags: int = 0,
                                       reuse_port: bool | None = None,
                                       allow_broadcast: bool | None = None,
                                       sock: socket.socket | None = None) -> tuple[Any, Any]:
        """Chapter 5's endpoint; AF_UNIX addresses are paths, not ``(host, port)``."""
        if sock is not None or family != socket.AF_UNIX:
            return await super().create_datagram_endpoint(
                protocol_factory, local_addr, remote_addr, family=family, proto=proto,
                flags=flags, reuse_port=reuse_port, allow_broadcast=allow_broadcast,
                sock=sock)
        for addr in (local_addr, remote_addr):
            if addr is not None and not isinstance(addr, str):
                raise TypeError("string is expected")
        if local_addr:
            _remove_stale_socket(local_addr)
        sock = socket.socket(family=socket.AF_UNIX, type=socket.SOCK_DGRAM, proto=proto)
        try:
            sock.setblocking(False)
            if local_addr:
                sock.bind(local_addr)
            if remote_addr and not allow_broadcast:
                await self.sock_connect(sock, remote_addr)
        except BaseException:
            sock.close()
            raise
        # Chapter 5's DatagramMixin makes the transport, as for a UDP socket.
        return await self._datagram_transport(protocol_factory, sock, remote_addr or None)

    # ================================================================
    # Pipes: transports on plain file descriptors
    # ================================================================

    def _make_read_pipe_transport(self, pipe: Any, protocol: Any, waiter: Any = None,
                                  extra: dict | None = None) -> Any:
        return _unix_events._UnixReadPipeTransport(self, pipe, protocol, waiter, extra)

    def _make_write_pipe_transport(self, pipe: Any, protocol: Any, waiter: Any = None,
                                   extra: dict | None = None) -> Any:
        return _unix_events._UnixWritePipeTransport(self, pipe, protocol, waiter, extra)

    async def connect_read_pipe(self, protocol_factory: Any, pipe: Any) -> tuple[Any, Any]:
        """Read ``pipe`` (a file object) through ``protocol.data_received``."""
        return await self._connect_pipe(self._make_read_pipe_transport, protocol_factory, pipe)

    async def connect_write_pipe(self, protocol_factory: Any, pipe: Any) -> tuple[Any, Any]:
        """Write to ``pipe`` through a transport with flow control."""
        return await self._connect_pipe(self._make_write_pipe_transport, protocol_factory, pipe)

    async def _connect_pipe(self, make: Any, protocol_factory: Any, pipe: Any
                            ) -> tuple[Any, Any]:
        protocol = protocol_factory()
        waiter = self.create_future()
        transport = make(pipe, protocol, waiter)
        try:
            await waiter  # set once connection_made has run
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    # ================================================================
    # sendfile: the kernel copies file -> socket (os.sendfile)
    # ================================================================
    # Chapter 5 read each block into memory in the executor and wrote it.  On
    # Unix, os.sendfile() copies from the file's page cache straight into the
    # socket: no read(), no Python bytes.  It is non-blocking like send(): it
    # copies what fits, or raises BlockingIOError and we wait for writability.

    _socket_transport_class: type = _SocketTransport

    async def sock_sendfile(self, sock: socket.socket, file: Any, offset: int = 0,
                            count: int | None = None, *, fallback: bool = True) -> int:
        """``os.sendfile`` where it works; chapter 5's read-and-send otherwise."""
        _check_nonblocking(sock)
        _check_ssl_socket(sock)
        _check_sendfile_params(sock, file, offset, count)
        try:
            return await self._sock_sendfile_native(sock, file, offset, count)
        except SendfileNotAvailableError:
            if not fallback:
                raise
        return await super().sock_sendfile(sock, file, offset, count, fallback=True)

    async def _sock_sendfile_native(self, sock: socket.socket, file: Any, offset: int,
                                    count: int | None) -> int:
        fileno, blocksize = _sendfile_source(file, count)
        if not blocksize:
            return 0  # an empty file (by its size): nothing to send
        total_sent = 0
        try:
            while not count or total_sent < count:
                size = min(count - total_sent, blocksize) if count else blocksize
                try:
                    sent = os.sendfile(sock.fileno(), fileno, offset + total_sent, size)
                except (BlockingIOError, InterruptedError):
                    await self._sock_writable(sock)
                    continue
                except OSError as exc:
                    raise _sendfile_error(exc, total_sent) from exc
                if sent == 0:
                    break  # end of file
                total_sent += sent
            return total_sent
        finally:
            if total_sent > 0:
                file.seek(offset + total_sent)  # the file position tells what was sent

    async def _sock_writable(self, sock: socket.socket) -> None:
        """Wait until ``sock`` is writable (the writer goes away if we are cancelled)."""
        fut = self.create_future()
        fd = sock.fileno()
        handle = self._add_writer(fd, _set_result_if_pending, fut)
        fut.add_done_callback(functools.partial(self._sock_write_done, fd, handle))
        await fut

    async def sendfile(self, transport: Any, file: Any, offset: int = 0,
                       count: int | None = None, *, fallback: bool = True) -> int:
        """Send a file through a transport: natively when it can, else block by block."""
        mode = _sendfile_mode(transport)
        if mode is _SendfileMode.TRY_NATIVE:
            try:
                return await self._sendfile_native(transport, file, offset, count)
            except SendfileNotAvailableError:
                if not fallback:
                    raise
        if not fallback:
            raise RuntimeError(f"fallback is disabled and native sendfile is not supported "
                               f"for transport {transport!r}")
        if hasattr(transport, "_make_empty_waiter"):  # chapter 5's transports
            return await super().sendfile(transport, file, offset, count)
        return await self._sendfile_fallback(transport, file, offset, count)

    async def _sendfile_native(self, transp: Any, file: Any, offset: int,
                               count: int | None) -> int:
        """Hand the transport's socket to sock_sendfile once its buffer is empty.

        Reading pauses and bare ``write()`` calls are refused meanwhile (the
        empty waiter is set): bytes written now would land in the middle of
        the file's.
        """
        del self._transports[transp._sock_fd]  # sock_* calls may use the fd now
        resume_reading = transp.is_reading()
        transp.pause_reading()
        await transp._make_empty_waiter()
        try:
            return await self.sock_sendfile(transp._sock, file, offset, count, fallback=False)
        finally:
            transp._reset_empty_waiter()
            if resume_reading:
                transp.resume_reading()
            self._transports[transp._sock_fd] = transp

    async def _sendfile_fallback(self, transp: Any, file: Any, offset: int,
                                 count: int | None) -> int:
        """Block by block through a transport that is not ours (TLS's app transport).

        asyncio's ``_SendfileFallbackProtocol`` stands in for the user's
        protocol meanwhile: it turns pause_writing/resume_writing into a
        future we can wait on, and hands the protocol back at the end.
        """
        proto = _base_events._SendfileFallbackProtocol(transp)
        if offset:
            file.seek(offset)
        total_sent = 0
        try:
            async for block in self._file_blocks(file, count, 16384):
                await proto.drain()
                transp.write(block)
                total_sent += len(block)
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, "seek"):
                file.seek(offset + total_sent)
            await proto.restore()

    # ================================================================
    # Subprocesses
    # ================================================================

    async def subprocess_shell(self, protocol_factory: Any, cmd: Any, *,
                               stdin: Any = subprocess.PIPE, stdout: Any = subprocess.PIPE,
                               stderr: Any = subprocess.PIPE, universal_newlines: bool = False,
                               shell: bool = True, bufsize: int = 0, encoding: Any = None,
                               errors: Any = None, text: Any = None, **kwargs: Any
                               ) -> tuple[Any, Any]:
        """Run ``cmd`` through ``/bin/sh``; the protocol gets its output as bytes."""
        if not isinstance(cmd, (bytes, str)):
            raise ValueError("cmd must be a string")
        if universal_newlines:
            raise ValueError("universal_newlines must be False")
        if not shell:
            raise ValueError("shell must be True")
        _check_popen_bytes_only(bufsize, text, encoding, errors)
        protocol = protocol_factory()
        transport = await self._make_subprocess_transport(
            protocol, cmd, True, stdin, stdout, stderr, bufsize, **kwargs)
        return transport, protocol

    async def subprocess_exec(self, protocol_factory: Any, program: Any, *args: Any,
                              stdin: Any = subprocess.PIPE, stdout: Any = subprocess.PIPE,
                              stderr: Any = subprocess.PIPE, universal_newlines: bool = False,
                              shell: bool = False, bufsize: int = 0, encoding: Any = None,
                              errors: Any = None, text: Any = None, **kwargs: Any
                              ) -> tuple[Any, Any]:
        """Run ``program`` with ``args`` (no shell); the protocol gets bytes."""
        if universal_newlines:
            raise ValueError("universal_newlines must be False")
        if shell:
            raise ValueError("shell must be False")
        _check_popen_bytes_only(bufsize, text, encoding, errors)
        protocol = protocol_factory()
        transport = await self._make_subprocess_transport(
            protocol, (program, *args), False, stdin, stdout, stderr, bufsize, **kwargs)
        return transport, protocol

    async def _make_subprocess_transport(self, protocol: Any, args: Any, shell: bool,
                                         stdin: Any, stdout: Any, stderr: Any, bufsize: int,
                                         extra: dict | None = None, **kwargs: Any) -> Any:
        """Start the child, connect its pipes, and watch for its exit.

        The transport's constructor runs ``Popen`` and starts a task that
        connects the three pipes; ``waiter`` is set when they are connected.
        If that fails (or we are cancelled) the child is killed and reaped
        before the error goes up, so no zombie is left behind.
        """
        watcher = _installed_child_watcher()
        with watcher if watcher is not None else contextlib.nullcontext() as entered:
            if not _PY312:
                watcher = entered  # 3.11 uses what __enter__ returns; 3.12+ the watcher
            if watcher is not None and not watcher.is_active():
                # Before Popen: a child nobody would reap must not be started.
                raise RuntimeError("asyncio.get_child_watcher() is not activated, "
                                   "subprocess support is not installed.")
            waiter = self.create_future()
            transp = _unix_events._UnixSubprocessTransport(
                self, protocol, args, shell, stdin, stdout, stderr, bufsize,
                waiter=waiter, extra=extra, **kwargs)
            if watcher is not None:
                watcher.add_child_handler(transp.get_pid(), self._child_watcher_callback,
                                          transp)
            else:
                self._watch_child(transp.get_pid(), transp)
            try:
                await waiter
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                transp.close()
                await transp._wait()
                raise
        return transp

    def _child_watcher_callback(self, pid: int, returncode: int, transp: Any) -> None:
        """Hand the exit status to the transport on the loop's thread.

        May run in a watcher thread, hence ``call_soon_threadsafe``.  asyncio
        3.11 waits one more iteration (so pipe callbacks already queued run
        first); 3.12+ does not.  We follow the running Python.
        """
        if _PY312:
            self.call_soon_threadsafe(transp._process_exited, returncode)
        else:
            self.call_soon_threadsafe(self.call_soon, transp._process_exited, returncode)

    # -- Child watching: a pidfd in the selector, or a thread ---------------------

    def _watch_child(self, pid: int, transp: Any) -> None:
        """Learn, without blocking the loop, when child ``pid`` exits."""
        if _CAN_USE_PIDFD:
            pidfd = os.pidfd_open(pid)
            self._child_pidfds[pidfd] = pid
            self._add_reader(pidfd, self._pidfd_ready, pidfd, pid, transp)
        else:
            thread = threading.Thread(target=self._waitpid_in_thread, args=(pid, transp),
                                      name=f"waitpid-{pid}", daemon=True)
            thread.start()

    def _pidfd_ready(self, pidfd: int, pid: int, transp: Any) -> None:
        """The pidfd became readable: the child has exited, so waitpid cannot block."""
        self._remove_reader(pidfd)
        del self._child_pidfds[pidfd]
        os.close(pidfd)
        self._child_watcher_callback(pid, _reap(pid), transp)

    def _waitpid_in_thread(self, pid: int, transp: Any) -> None:
        """Block in waitpid on a worker thread (no pidfds here), then report back."""
        returncode = _reap(pid)
        if self.is_closed():
            logger.warning("Loop %r that handles pid %r is closed", self, pid)
        else:
            self._child_watcher_callback(pid, returncode, transp)

    # ================================================================
    # Loose ends: the task factory's corner cases
    # ================================================================

    def create_task(self, coro: Any, *, name: str | None = None,
                    context: Any = None) -> Any:
        """Chapter 5's, with asyncio's naming rules for a custom task factory.

        Debug mode records where a task was created; like asyncio, the record
        ends at the caller of ``create_task``.

        A factory may return an object without ``set_name`` (asyncio 3.11/3.12
        warn with DeprecationWarning instead of failing), and 3.13.0 calls
        ``set_name(name)`` even when no name was given.
        """
        self._check_closed()
        if self._task_factory is None:
            task = Task(coro, loop=self, name=name, context=context)
            if task._source_traceback:
                # Debug mode: "created at" should name our caller, not this method.
                del task._source_traceback[-1]
            return task
        if context is None:
            task = self._task_factory(self, coro)  # the form older factories accept
        else:
            task = self._task_factory(self, coro, context=context)
        _set_factory_task_name(task, name)
        return task

    def close(self) -> None:
        """Also stop watching children: their pidfds would outlive the selector."""
        for pidfd in list(self._child_pidfds):
            self._remove_reader(pidfd)
            os.close(pidfd)
        self._child_pidfds.clear()
        was_closed = self.is_closed()
        super().close()
        self._unix_server_sockets.clear()
        if not was_closed:
            # As asyncio does: a closed loop has no selector, and code that looks
            # (asyncio's pipe transports, in their repr) sees None, not a closed one.
            self._selector = None


_CAN_USE_PIDFD = _can_use_pidfd()


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _reap(pid: int) -> int:
    """``waitpid`` for an exited child; its returncode (-N for signal N)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        # Somebody else reaped it (a waitpid(-1) elsewhere): the status is lost.
        logger.warning("child process pid %d exit status already read: "
                       " will report returncode 255", pid)
        return 255
    return os.waitstatus_to_exitcode(status)


def _set_factory_task_name(task: Any, name: str | None) -> None:
    """Name a task made by a custom factory as the running Python's asyncio does."""
    set_task_name = getattr(_asyncio_tasks, "_set_task_name", None)  # 3.11, 3.12
    if set_task_name is not None:
        set_task_name(task, name)
    else:
        task.set_name(name)


def _set_result_if_pending(fut: Any) -> None:
    if not fut.done():
        fut.set_result(None)


def _sendfile_source(file: Any, count: int | None) -> tuple[int, int]:
    """The file's fd and the block size to ask for; not a regular file: no sendfile."""
    try:
        fileno = file.fileno()
    except (AttributeError, io.UnsupportedOperation):
        raise SendfileNotAvailableError("not a regular file") from None
    try:
        fsize = os.fstat(fileno).st_size
    except OSError:
        raise SendfileNotAvailableError("not a regular file") from None
    return fileno, (count or fsize)


def _sendfile_error(exc: OSError, total_sent: int) -> BaseException:
    """What a failed os.sendfile means for the caller (asyncio's rules).

    Nothing sent yet and not a connection problem: this file/socket pair
    cannot sendfile, so the caller may fall back.  Otherwise it is an error.
    """
    if exc.errno == errno.ENOTCONN and type(exc) is not ConnectionError:
        return ConnectionError("socket is not connected", errno.ENOTCONN)
    if total_sent == 0 and not isinstance(exc, ConnectionError):
        return SendfileNotAvailableError("os.sendfile call failed")
    return exc


def _check_popen_bytes_only(bufsize: int, text: Any, encoding: Any, errors: Any) -> None:
    """The pipes are transports of bytes; text decoding belongs to the protocol."""
    if bufsize != 0:
        raise ValueError("bufsize must be 0")
    if text:
        raise ValueError("text must be False")
    if encoding is not None:
        raise ValueError("encoding must be None")
    if errors is not None:
        raise ValueError("errors must be None")


def _check_unix_stream_sock(sock: Any, missing: str) -> None:
    if sock is None:
        raise ValueError(missing)
    if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
        raise ValueError(f"A UNIX Domain Stream Socket was expected, got {sock!r}")


def _bind_unix_listener(path: Any) -> socket.socket:
    """A stream socket bound at ``path``, after removing a stale socket file there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _remove_stale_socket(path)
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise OSError(errno.EADDRINUSE, f"Address {path!r} is already in use") from None
        raise
    except BaseException:
        sock.close()
        raise
    return sock


__all__ = ["EventLoop"]
