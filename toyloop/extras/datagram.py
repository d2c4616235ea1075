"""UDP: datagram endpoints, their transport, and the ``sock_*`` datagram calls.

A datagram is sent whole or not at all, so UDP needs neither streams nor EOF:
``create_datagram_endpoint`` makes a socket (bound to ``local_addr``,
connected to ``remote_addr``, or both) and wraps it in a
``_SelectorDatagramTransport`` whose protocol hears ``datagram_received``
and ``error_received``.  ``sock_sendto``/``sock_recvfrom`` use chapter 3's
``_sock_retry``.  asyncio: ``base_events.create_datagram_endpoint`` and
``selector_events._SelectorDatagramTransport``.
"""

from __future__ import annotations

import asyncio
import collections
import socket
from typing import Any

from ..ch2_futures import _set_result_unless_cancelled, logger
from ..ch3_selectors import _check_nonblocking
from ..ch5_transports import (
    LOG_THRESHOLD_FOR_CONNLOST_WRITES,
    MAX_RECV_SIZE,
    _check_bytes,
    _SelectorTransport,
)


class DatagramMixin:
    """UDP endpoints and datagram socket calls."""

    def _make_datagram_transport(self, sock: socket.socket, protocol: Any, address: Any = None,
                                 waiter: Any = None, extra: dict | None = None) -> Any:
        return _SelectorDatagramTransport(self, sock, protocol, address, waiter, extra)

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
        return await self._datagram_transport(protocol_factory, sock, r_addr)

    async def _datagram_transport(self, protocol_factory: Any, sock: socket.socket,
                                  r_addr: Any) -> tuple[Any, Any]:
        """The endpoint on a ready socket, once connection_made ran (chapter 7's
        AF_UNIX endpoints end here too)."""
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
        return await self._sock_retry(sock, True, _late(sock, "sendto"), data, address)

    async def sock_recvfrom(self, sock: socket.socket, bufsize: int) -> tuple[bytes, Any]:
        """Receive one datagram: ``(data, address)``."""
        _check_nonblocking(sock)
        return await self._sock_retry(sock, False, _late(sock, "recvfrom"), bufsize)

    async def sock_recvfrom_into(self, sock: socket.socket, buf: Any, nbytes: int = 0
                                 ) -> tuple[int, Any]:
        _check_nonblocking(sock)
        return await self._sock_retry(sock, False, _late(sock, "recvfrom_into"), buf,
                                      nbytes or len(buf))


# ---------------------------------------------------------------------------
# UDP: datagrams, each one whole or not at all
# ---------------------------------------------------------------------------


class _SelectorDatagramTransport(_SelectorTransport, asyncio.DatagramTransport):
    """A UDP socket: ``sendto`` and ``datagram_received``; no EOF, no stream.

    The buffer is a deque of ``(bytes, address)``: a datagram cannot be sent
    in pieces, so it waits whole.  Socket errors (an ICMP "port unreachable"
    seen as ECONNREFUSED, say) go to ``protocol.error_received`` and the
    endpoint stays open -- one lost datagram is UDP's normal life.
    """

    def __init__(self, loop: Any, sock: socket.socket, protocol: Any, address: Any = None,
                 waiter: Any = None, extra: dict | None = None) -> None:
        super().__init__(loop, sock, protocol, extra)
        self._address = address  # the remote_addr we are connected to, if any
        self._buffer_size = 0
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._add_reader, self._sock_fd, self._read_ready)
        if waiter is not None:
            loop.call_soon(_set_result_unless_cancelled, waiter, None)

    def _new_buffer(self) -> Any:
        return collections.deque()

    def get_write_buffer_size(self) -> int:
        return self._buffer_size

    def _read_ready(self) -> None:
        if self._conn_lost:
            return
        try:
            data, addr = self._sock.recvfrom(MAX_RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._protocol.error_received(exc)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on datagram transport")
        else:
            self._protocol.datagram_received(data, addr)

    def sendto(self, data: Any, addr: Any = None) -> None:
        _check_bytes(data)
        if self._address:
            if addr not in (None, self._address):
                raise ValueError(f"Invalid address: must be None or {self._address}")
            addr = self._address
        if self._conn_lost and self._address:
            if self._conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
        if not self._buffer:
            try:
                self._send_one(data, addr)
                return
            except (BlockingIOError, InterruptedError):
                self._loop._add_writer(self._sock_fd, self._sendto_ready)
            except OSError as exc:
                self._protocol.error_received(exc)
                return
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on datagram transport")
                return
        self._buffer.append((bytes(data), addr))  # a copy: the caller may reuse theirs
        self._buffer_size += len(data)
        self._maybe_pause_protocol()

    def _send_one(self, data: Any, addr: Any) -> None:
        if self._extra["peername"]:
            self._sock.send(data)  # connected: the kernel knows where
        else:
            self._sock.sendto(data, addr)

    def _sendto_ready(self) -> None:
        while self._buffer:
            data, addr = self._buffer[0]
            try:
                self._send_one(data, addr)
            except (BlockingIOError, InterruptedError):
                break  # still full: wait for the next writable event
            except OSError as exc:
                self._drop_first()
                self._protocol.error_received(exc)
                return
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._drop_first()
                self._fatal_error(exc, "Fatal write error on datagram transport")
                return
            self._drop_first()
        self._maybe_resume_protocol()
        if not self._buffer:
            self._loop._remove_writer(self._sock_fd)
            if self._closing and not self._conn_lost:
                self._conn_lost += 1  # as in the socket transport
                self._call_connection_lost(None)

    def _drop_first(self) -> None:
        data, _ = self._buffer.popleft()
        self._buffer_size -= len(data)


def _late(sock: socket.socket, name: str) -> Any:
    """``sock.<name>`` looked up on every try, as asyncio does (its tests swap
    ``sock.sendto`` for a mock between tries)."""
    return lambda *args: getattr(sock, name)(*args)
