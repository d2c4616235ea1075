"""Chapter 5 (part two): transports, protocols and servers over the selector.

Chapter 3 gave us ``sock_recv`` and ``sock_sendall``: a coroutine asks for
bytes and waits.  asyncio's lower layer turns that around.  A *transport* owns
a non-blocking socket and sits in the selector; when bytes arrive it calls its
*protocol* (``data_received``), and ``transport.write`` never blocks: what the
kernel does not take at once waits in a buffer that a writer callback drains.
Streams (``asyncio.open_connection``) are a protocol plus two small classes on
top of this layer.

This module owns (asyncio: ``selector_events.py``, ``transports.py``,
``base_events.Server``):

* ``_FlowControlMixin``: the write-buffer limits; above the high-water mark
  the protocol hears ``pause_writing()``, at or below the low-water mark
  ``resume_writing()``;
* ``_SelectorSocketTransport``: TCP -- read callbacks for ``Protocol`` and
  ``BufferedProtocol``, write buffering, ``write_eof``, ``pause_reading``,
  ``close`` (flushes first) and ``abort`` (does not);
* ``_SelectorDatagramTransport``: UDP, one datagram per ``sendto``;
* ``Server``: the listening sockets that ``create_server`` returns.

The loop methods that build these (``create_connection``, ``create_server``,
``create_datagram_endpoint``...) live in ``ch5_asyncio.EventLoop``.

Left out versus asyncio: TLS (``sslproto.py``), pipes and Unix-socket
servers; asyncio 3.12+ sends a list of buffers with one ``sendmsg`` call,
toyloop keeps a single ``bytearray``; native ``os.sendfile`` (toyloop always
uses the read-and-write fallback).
"""

from __future__ import annotations

import asyncio
import socket
import warnings
import weakref
from asyncio import constants as _constants
from asyncio import trsock as _trsock
from typing import Any

from .ch2_futures import _set_result_unless_cancelled, logger

MAX_RECV_SIZE = 256 * 1024  # bytes asked of recv() per read event (asyncio's max_size)
DEFAULT_HIGH_WATER = 64 * 1024  # asyncio's default write-buffer high-water mark
# After a connection is lost asyncio counts further writes and, from the fifth
# on, logs a warning per write: somebody is writing into the void.
LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5


def _check_bytes(data: Any) -> None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data argument must be a bytes-like object, "
                        f"not {type(data).__name__!r}")


# ---------------------------------------------------------------------------
# Flow control: tell the protocol when the write buffer is too full
# ---------------------------------------------------------------------------


class _FlowControlMixin(asyncio.Transport):
    """High/low water marks around a write buffer (asyncio: ``transports.py``).

    The subclass provides ``get_write_buffer_size()`` and calls
    ``_maybe_pause_protocol()`` after the buffer grew and
    ``_maybe_resume_protocol()`` after it shrank.  Two marks, not one, so a
    buffer hovering around a single limit does not flap pause/resume on
    every write.
    """

    def __init__(self, extra: dict | None, loop: Any) -> None:
        super().__init__(extra)
        self._loop = loop
        self._protocol: Any = None
        self._protocol_paused = False  # we told the protocol pause_writing()
        self._set_write_buffer_limits()

    def _maybe_pause_protocol(self) -> None:
        if self.get_write_buffer_size() <= self._high_water or self._protocol_paused:
            return
        self._protocol_paused = True
        self._call_protocol("pause_writing")

    def _maybe_resume_protocol(self) -> None:
        if self._protocol_paused and self.get_write_buffer_size() <= self._low_water:
            self._protocol_paused = False
            self._call_protocol("resume_writing")

    def _call_protocol(self, name: str) -> None:
        """A failing pause/resume callback is reported, not raised into write()."""
        try:
            getattr(self._protocol, name)()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop.call_exception_handler({
                "message": f"protocol.{name}() failed",
                "exception": exc,
                "transport": self,
                "protocol": self._protocol,
            })

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return (self._low_water, self._high_water)

    def _set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        if high is None:
            high = DEFAULT_HIGH_WATER if low is None else 4 * low
        if low is None:
            low = high // 4
        if not high >= low >= 0:
            raise ValueError(f"high ({high!r}) must be >= low ({low!r}) must be >= 0")
        self._high_water = high
        self._low_water = low

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._set_write_buffer_limits(high=high, low=low)
        self._maybe_pause_protocol()  # the new limit may already be exceeded

    def get_write_buffer_size(self) -> int:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# The part every selector transport shares: closing, reading on/off
# ---------------------------------------------------------------------------


class _SelectorTransport(_FlowControlMixin):
    """A socket registered in the loop's selector, plus its protocol.

    State:

    * ``_closing``   -- close() or a fatal error: no more reading, flush, then lose;
    * ``_conn_lost`` -- 0 until connection_lost is scheduled, then a count of
      writes attempted since (only for the warning above);
    * ``_paused``    -- pause_reading() took our reader out of the selector.
    """

    _sock: socket.socket | None = None  # __del__ reads it even if __init__ failed

    def __init__(self, loop: Any, sock: socket.socket, protocol: Any,
                 extra: dict | None = None, server: Server | None = None) -> None:
        super().__init__(extra, loop)
        self._extra["socket"] = _trsock.TransportSocket(sock)
        self._extra["sockname"] = _sock_address(sock.getsockname)
        if "peername" not in self._extra:
            self._extra["peername"] = _sock_address(sock.getpeername)
        self._sock = sock
        self._sock_fd = sock.fileno()
        self._protocol_connected = False
        self.set_protocol(protocol)
        self._server = server
        self._buffer: Any = self._new_buffer()
        self._conn_lost = 0
        self._closing = False
        self._paused = False
        if server is not None:
            server._attach(self)
        # add_reader/add_writer consult this map to refuse fds we own.
        loop._transports[self._sock_fd] = self

    def _new_buffer(self) -> Any:
        return bytearray()

    def __repr__(self) -> str:
        state = "closed" if self._sock is None else "closing" if self._closing else "open"
        return (f"<{type(self).__name__} fd={self._sock_fd} {state} "
                f"bufsize={self.get_write_buffer_size()}>")

    def set_protocol(self, protocol: Any) -> None:
        self._protocol = protocol
        self._protocol_connected = True

    def get_protocol(self) -> Any:
        return self._protocol

    def is_closing(self) -> bool:
        return self._closing

    def is_reading(self) -> bool:
        return not self._closing and not self._paused

    def pause_reading(self) -> None:
        """Stop reading: the kernel buffer fills, and TCP slows the sender down."""
        if not self.is_reading():
            return
        self._paused = True
        self._loop._remove_reader(self._sock_fd)

    def resume_reading(self) -> None:
        if self._closing or not self._paused:
            return
        self._paused = False
        self._add_reader(self._sock_fd, self._read_ready)

    def _add_reader(self, fd: int, callback: Any) -> None:
        # Also used through call_soon right after connection_made: by then the
        # protocol may already have paused reading or closed us.
        if self.is_reading():
            self._loop._add_reader(fd, callback)

    def close(self) -> None:
        """Stop reading now; connection_lost(None) once the write buffer is empty."""
        if self._closing:
            return
        self._closing = True
        self._loop._remove_reader(self._sock_fd)
        if not self._buffer:
            self._conn_lost += 1
            self._loop._remove_writer(self._sock_fd)
            self._loop.call_soon(self._call_connection_lost, None)
        # Otherwise the writer callback calls _call_connection_lost when it drains.

    def abort(self) -> None:
        """Close now and drop whatever is still buffered."""
        self._force_close(None)

    def _fatal_error(self, exc: BaseException, message: str = "Fatal error on transport"
                     ) -> None:
        # OSError (a reset, a broken pipe) is the network's doing, not a bug:
        # asyncio only logs it in debug mode and hands it to connection_lost.
        if not isinstance(exc, OSError):
            self._loop.call_exception_handler({
                "message": message, "exception": exc,
                "transport": self, "protocol": self._protocol,
            })
        elif self._loop.get_debug():
            logger.debug("%r: %s", self, message, exc_info=True)
        self._force_close(exc)

    def _force_close(self, exc: BaseException | None) -> None:
        if self._conn_lost:
            return  # connection_lost is already on its way: once only
        if self._buffer:
            self._buffer.clear()
            self._loop._remove_writer(self._sock_fd)
        if not self._closing:
            self._closing = True
            self._loop._remove_reader(self._sock_fd)
        self._conn_lost += 1
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        """The last act: tell the protocol, close the socket, drop references."""
        try:
            if self._protocol_connected:
                self._protocol.connection_lost(exc)
        finally:
            self._sock.close()
            self._sock = None
            self._protocol = None
            self._loop = None
            server, self._server = self._server, None
            if server is not None:
                server._detach(self)

    def __del__(self, _warn: Any = warnings.warn) -> None:
        if self._sock is not None:
            _warn(f"unclosed transport {self!r}", ResourceWarning, source=self)
            self._sock.close()

    def get_write_buffer_size(self) -> int:
        return len(self._buffer)


def _sock_address(getter: Any) -> Any:
    try:
        return getter()
    except OSError:
        return None  # not connected (a UDP socket without a peer, say)


# ---------------------------------------------------------------------------
# TCP: a stream of bytes both ways
# ---------------------------------------------------------------------------


class _SelectorSocketTransport(_SelectorTransport):
    """A connected TCP socket driven by the selector."""

    # asyncio.loop.sendfile() reads this: toyloop has only the fallback.
    _sendfile_compatible = _constants._SendfileMode.FALLBACK

    def __init__(self, loop: Any, sock: socket.socket, protocol: Any, waiter: Any = None,
                 extra: dict | None = None, server: Server | None = None) -> None:
        super().__init__(loop, sock, protocol, extra, server)
        self._eof = False  # write_eof() was called
        self._empty_waiter: Any = None  # sendfile waits on it for the buffer to drain
        _set_nodelay(sock)  # send small writes now, not after the peer's ACK (Nagle)
        # Three callbacks, in this order: the protocol learns of the connection
        # before any data_received, and the waiter (create_connection) last.
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._add_reader, self._sock_fd, self._read_ready)
        if waiter is not None:
            loop.call_soon(_set_result_unless_cancelled, waiter, None)

    def set_protocol(self, protocol: Any) -> None:
        # Pick the read path once, not on every read event.
        if isinstance(protocol, asyncio.BufferedProtocol):
            self._read_ready = self._read_ready__get_buffer
        else:
            self._read_ready = self._read_ready__data_received
        super().set_protocol(protocol)

    # -- Reading ----------------------------------------------------------------

    def _read_ready__data_received(self) -> None:
        """Readable: recv() a chunk and hand it to protocol.data_received."""
        if self._conn_lost:
            return
        try:
            data = self._sock.recv(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not data:
            self._read_ready__on_eof()
            return
        self._protocol_call("data_received", data)

    def _read_ready__get_buffer(self) -> None:
        """Readable, BufferedProtocol: recv_into() the protocol's own buffer (no copy)."""
        if self._conn_lost:
            return
        try:
            buf = self._protocol.get_buffer(-1)  # -1: "any size you like"
            if not len(buf):
                raise RuntimeError("get_buffer() returned an empty buffer")
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.get_buffer() call failed.")
            return
        try:
            nbytes = self._sock.recv_into(buf)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not nbytes:
            self._read_ready__on_eof()
            return
        self._protocol_call("buffer_updated", nbytes)

    def _protocol_call(self, name: str, *args: Any) -> Any:
        """Call a protocol method; if it raises, the connection dies with it."""
        try:
            return getattr(self._protocol, name)(*args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, f"Fatal error: protocol.{name}() call failed.")

    def _read_ready__on_eof(self) -> None:
        """The peer sent FIN.  A true eof_received() keeps our sending half open."""
        try:
            keep_open = self._protocol.eof_received()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if keep_open:
            # Nothing more will arrive, but we may still write: stop polling
            # for reads (a socket at EOF is readable forever).
            self._loop._remove_reader(self._sock_fd)
        else:
            self.close()

    # -- Writing ----------------------------------------------------------------

    def write(self, data: Any) -> None:
        """Send what the kernel takes now; buffer the rest for the writer callback."""
        _check_bytes(data)
        if self._eof:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._empty_waiter is not None:
            raise RuntimeError("unable to write; sendfile is in progress")
        if not data:
            return
        if self._conn_lost:
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
        if not self._buffer:
            # Nothing queued: try at once -- usually the kernel takes it all.
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            data = memoryview(data)[n:]
            if not data:
                return
            self._loop._add_writer(self._sock_fd, self._write_ready)
        self._buffer.extend(data)
        self._maybe_pause_protocol()

    def writelines(self, list_of_data: Any) -> None:
        # asyncio 3.12+ hands the list to one sendmsg(); one joined write does the same job.
        if self._eof:
            raise RuntimeError("Cannot call writelines() after write_eof()")
        self.write(b"".join(list_of_data))

    def _write_ready(self) -> None:
        """Writable again: send from the buffer; when empty, finish close/EOF."""
        if self._conn_lost:
            return
        try:
            n = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop._remove_writer(self._sock_fd)
            self._buffer.clear()
            self._fatal_error(exc, "Fatal write error on socket transport")
            if self._empty_waiter is not None:
                self._empty_waiter.set_exception(exc)
            return
        del self._buffer[:n]
        self._maybe_resume_protocol()  # the protocol may write more right here
        if self._buffer:
            return
        self._loop._remove_writer(self._sock_fd)
        if self._empty_waiter is not None:
            self._empty_waiter.set_result(None)
        if self._closing and not self._conn_lost:
            # close() was waiting for this flush.  Two guards asyncio lacks: a close()
            # from inside resume_writing() above, with the buffer empty, has already
            # scheduled connection_lost (asyncio then calls it twice); and counting
            # the loss makes a later abort() or write() a no-op instead of a crash.
            self._conn_lost += 1
            self._call_connection_lost(None)
        elif self._eof:
            self._sock.shutdown(socket.SHUT_WR)  # write_eof() was waiting too

    def write_eof(self) -> None:
        """Send FIN after the buffered data: the peer reads EOF, we can still read."""
        if self._closing or self._eof:
            return
        self._eof = True
        if not self._buffer:
            self._sock.shutdown(socket.SHUT_WR)

    def can_write_eof(self) -> bool:
        return True

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        super()._call_connection_lost(exc)
        if self._empty_waiter is not None:
            self._empty_waiter.set_exception(ConnectionError("Connection is closed by peer"))

    # -- For loop.sendfile(): wait until the buffer is empty --------------------

    def _make_empty_waiter(self) -> Any:
        if self._empty_waiter is not None:
            raise RuntimeError("Empty waiter is already set")
        self._empty_waiter = self._loop.create_future()
        if not self._buffer:
            self._empty_waiter.set_result(None)
        return self._empty_waiter

    def _reset_empty_waiter(self) -> None:
        self._empty_waiter = None


def _set_nodelay(sock: socket.socket) -> None:
    if (sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM
            and sock.proto == socket.IPPROTO_TCP):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


# ---------------------------------------------------------------------------
# Server: listening sockets and the connections they accepted
# ---------------------------------------------------------------------------


class Server(asyncio.AbstractServer):
    """What ``create_server`` returns (asyncio: ``base_events.Server``).

    It knows its listening sockets and, weakly, the transports it accepted,
    so ``wait_closed()`` can wait until the server is closed *and* every
    connection is gone.  ``_waiters`` becomes None once that has happened.

    Discussion: asyncio 3.11's ``wait_closed`` returned at once when the server
    was already closed, even with live connections; 3.12.0 got it wrong the
    other way; toyloop does what 3.12.1 and later do, on every Python.
    """

    def __init__(self, loop: Any, sockets: list[socket.socket], protocol_factory: Any,
                 backlog: int) -> None:
        self._loop = loop
        self._sockets: list[socket.socket] | None = sockets
        self._clients: weakref.WeakSet = weakref.WeakSet()
        self._anonymous_clients = 0  # _attach() calls without a transport (3.12's API)
        self._waiters: list | None = []
        self._protocol_factory = protocol_factory
        self._backlog = backlog
        self._serving = False
        self._serving_forever_fut: Any = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} sockets={self.sockets!r}>"

    def _attach(self, transport: Any = None) -> None:
        # asyncio 3.12 attaches with no transport (a bare count); 3.13 passes it.
        if transport is None:
            self._anonymous_clients += 1
        else:
            self._clients.add(transport)

    def _detach(self, transport: Any = None) -> None:
        if transport is None:
            self._anonymous_clients -= 1
        else:
            self._clients.discard(transport)
        if self._sockets is None and not self._has_clients():
            self._wakeup()

    def _has_clients(self) -> bool:
        return bool(self._clients) or self._anonymous_clients > 0

    def _wakeup(self) -> None:
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def _start_serving(self) -> None:
        if self._serving:
            return
        self._serving = True
        for sock in self._sockets:
            sock.listen(self._backlog)
            self._loop._start_serving(self._protocol_factory, sock, self, self._backlog)

    def get_loop(self) -> Any:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    @property
    def sockets(self) -> tuple:
        if self._sockets is None:
            return ()
        return tuple(_trsock.TransportSocket(s) for s in self._sockets)

    def close(self) -> None:
        """Stop listening.  Accepted connections stay open (close_clients() ends them)."""
        sockets, self._sockets = self._sockets, None
        if sockets is None:
            return
        for sock in sockets:
            self._loop._stop_serving(sock)
        self._serving = False
        fut, self._serving_forever_fut = self._serving_forever_fut, None
        if fut is not None and not fut.done():
            fut.cancel()
        if not self._has_clients():
            self._wakeup()

    def close_clients(self) -> None:
        for transport in list(self._clients):
            transport.close()

    def abort_clients(self) -> None:
        for transport in list(self._clients):
            transport.abort()

    async def start_serving(self) -> None:
        self._start_serving()
        await asyncio.sleep(0)  # one iteration, so the accept reader is in place

    async def serve_forever(self) -> None:
        if self._serving_forever_fut is not None:
            raise RuntimeError(f"server {self!r} is already being awaited on serve_forever()")
        if self._sockets is None:
            raise RuntimeError(f"server {self!r} is closed")
        self._start_serving()
        self._serving_forever_fut = self._loop.create_future()
        try:
            await self._serving_forever_fut
        except asyncio.CancelledError:
            try:
                self.close()
                await self.wait_closed()
            finally:
                raise
        finally:
            self._serving_forever_fut = None

    async def wait_closed(self) -> None:
        """Return once the server is closed and its last connection is gone."""
        if self._waiters is None:
            return
        waiter = self._loop.create_future()
        self._waiters.append(waiter)
        await waiter

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
        await self.wait_closed()
