"""Transport scenarios: a protocol over a socket pair, read path and write path.

The loop wraps one end of a ``socket.socketpair()`` in its transport
(``connect_accepted_socket``); the scenario drives the other end with
``sock_recv``/``sock_sendall``.  Flow control is logged as invariants (each
pause comes with the buffer above the high-water mark, each resume at or below
the low one, pauses and resumes alternate), never as counts, which depend on
the kernel's buffer sizes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import selectors
import socket
from typing import Any

from . import outcome as _outcome
from . import scenario

_RD = ("ch5._SelectorSocketTransport.read",)
_WR = ("ch5._SelectorSocketTransport.write",)
_MANY = 5_000  # iterations: a 4 MiB transfer takes under a hundred


class _Recorder(asyncio.Protocol):
    """Logs what the transport tells it; ``keep_open`` is eof_received's answer."""

    def __init__(self, log: Any, loop: Any, keep_open: bool = False) -> None:
        self.log = log
        self.keep_open = keep_open
        self.data = bytearray()
        self.lost = loop.create_future()
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.log("connection_made")

    def data_received(self, data: bytes) -> None:
        self.data += data

    def eof_received(self) -> bool:
        self.log(("eof_received; data so far", bytes(self.data)))
        return self.keep_open

    def connection_lost(self, exc: BaseException | None) -> None:
        self.log(("connection_lost", type(exc).__name__ if exc else None))
        self.lost.set_result(None)


async def _connect(loop: Any, protocol: Any) -> tuple[Any, socket.socket]:
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, ours)
    return transport, peer


@scenario("your {piece} did not pass every byte to data_received, in order, and then "
          "call eof_received when recv returned b'' (the peer closed); unless it returns "
          "True, end with self.close(), which calls connection_lost once, later (never "
          "call connection_lost yourself).", tags=_RD)
def read_path_delivers_data_then_eof(loop: Any, log: Any) -> Any:
    """Three chunks arrive in order, then EOF closes the transport"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        for chunk in (b"one ", b"two ", b"three"):
            await loop.sock_sendall(peer, chunk)
            await asyncio.sleep(0.01)
        peer.close()
        await proto.lost
        log(("is_closing", transport.is_closing()))
    return main()


@scenario("your {piece} mishandled an eof_received() that returned True: a true answer "
          "keeps the writing half open, so do not close; but stop reading "
          "(self._loop._remove_reader(self._sock_fd)): a socket at EOF stays readable, "
          "and a reader left in place calls eof_received again and again.", tags=_RD)
def read_path_eof_can_keep_writing(loop: Any, log: Any) -> Any:
    """eof_received returning True lets the protocol still write a reply"""
    async def main() -> None:
        proto = _Recorder(log, loop, keep_open=True)
        transport, peer = await _connect(loop, proto)
        await loop.sock_sendall(peer, b"question")
        peer.shutdown(socket.SHUT_WR)
        await asyncio.sleep(0.02)
        log(("is_closing after EOF", transport.is_closing()))
        transport.write(b"answer")
        transport.close()
        reply = b""
        while chunk := await loop.sock_recv(peer, 100):
            reply += chunk
        log(("peer read", reply))
        await proto.lost
        peer.close()
    return main()


@scenario("your {piece} let a failing data_received break the loop: the error goes to "
          "the loop's exception handler ('Fatal error: protocol.data_received() call "
          "failed.') and the connection is closed, with connection_lost(exc).", tags=_RD)
def read_path_protocol_error_is_fatal(loop: Any, log: Any) -> Any:
    """data_received raising closes the connection and reports the error"""
    class Failing(_Recorder):
        def data_received(self, data: bytes) -> None:
            raise ValueError("cannot parse")

    async def main() -> None:
        proto = Failing(log, loop)
        transport, peer = await _connect(loop, proto)
        # A watchdog: if the failure went unnoticed, end the connection after 1 s.
        watchdog = loop.call_later(1.0, lambda: (log("watchdog: still connected"),
                                                 peer.close()))
        await loop.sock_sendall(peer, b"garbage")
        await proto.lost
        watchdog.cancel()
        log(("is_closing", transport.is_closing()))
        log(("the loop still runs", await asyncio.sleep(0, "yes")))
        peer.close()
    return main()


@scenario("your {piece} treated a false alarm as an error: select said the socket was "
          "readable, but by the time the reader ran the bytes were gone and recv raised "
          "BlockingIOError. That means 'nothing to read now': return, and keep reading.",
          tags=_RD)
def read_path_ignores_a_false_alarm(loop: Any, log: Any) -> Any:
    """A read event whose bytes somebody else took first changes nothing"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        thief = socket.socket(fileno=os.dup(transport.get_extra_info("socket").fileno()))
        thief.setblocking(False)
        peer.send(b"taken by a thief")
        # Queued before the select that reports the bytes, so it runs before the reader
        # in that iteration, and the reader's recv finds nothing.
        loop.call_soon(lambda: log(("the thief took", thief.recv(100))))
        await asyncio.sleep(0.01)
        await loop.sock_sendall(peer, b"for the protocol")
        await asyncio.sleep(0.01)
        log(("the protocol got", bytes(proto.data)))
        log(("is_closing", transport.is_closing()))
        transport.close()
        await proto.lost
        thief.close()
        peer.close()
    return main()


@scenario("your {piece} let a failed recv escape into the loop: any error but "
          "BlockingIOError (here the peer reset the connection) ends the connection with "
          "self._fatal_error(exc, 'Fatal read error on socket transport'), which calls "
          "connection_lost(exc).", tags=_RD)
def read_path_reset_ends_the_connection(loop: Any, log: Any) -> Any:
    """A connection reset by the peer ends in connection_lost(ConnectionResetError)"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        watchdog = loop.call_later(1.0, lambda: (log("watchdog: still connected"),
                                                 transport.abort()))
        transport.write(b"never read")
        await asyncio.sleep(0.01)
        peer.close()  # unread data: on Linux a socketpair's other end sees ECONNRESET
        await proto.lost
        watchdog.cancel()
        log(("is_closing", transport.is_closing()))
    return main()


@scenario("your {piece} delivered data while reading was paused: pause_reading() stops "
          "data_received until resume_reading().", tags=_RD)
def read_path_respects_pause_reading(loop: Any, log: Any) -> Any:
    """No data_received between pause_reading and resume_reading"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        transport.pause_reading()
        await loop.sock_sendall(peer, b"held back")
        await asyncio.sleep(0.02)
        log(("while paused", bytes(proto.data)))
        transport.resume_reading()
        await asyncio.sleep(0.02)
        log(("after resume", bytes(proto.data)))
        transport.close()
        await proto.lost
        peer.close()
    return main()


class _Writer(_Recorder):
    """Writes ``total`` bytes in 64 KiB chunks whenever it is allowed to."""

    def __init__(self, log: Any, loop: Any, total: int, close_at_end: bool = True) -> None:
        super().__init__(log, loop)
        self.total = total
        self.close_at_end = close_at_end
        self.late = False  # wrote the one chunk allowed after a pause
        self.sent = 0
        self.paused = False
        self.digest = hashlib.sha256()
        self.problems: list[str] = []
        self.pauses = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        transport.set_write_buffer_limits(high=256 * 1024, low=64 * 1024)
        self.write_more()

    def write_more(self) -> None:
        # Like many real protocols, it notices a pause one write late: one more
        # chunk goes out after pause_writing (the transport must not pause twice).
        while self.sent < self.total and not (self.paused and self.late):
            if self.paused:
                self.late = True
            chunk = bytes([self.sent // 65536 % 251]) * min(65536, self.total - self.sent)
            self.sent += len(chunk)
            self.digest.update(chunk)
            self.transport.write(chunk)
        if self.sent >= self.total and not self.paused and self.close_at_end:
            self.transport.close()

    def pause_writing(self) -> None:
        low, high = self.transport.get_write_buffer_limits()
        if self.paused:
            self.problems.append("pause_writing twice without resume_writing")
        if self.transport.get_write_buffer_size() <= high:
            self.problems.append("paused with the buffer at or below the high-water mark")
        self.paused = True
        self.pauses += 1

    def resume_writing(self) -> None:
        low, high = self.transport.get_write_buffer_limits()
        if not self.paused:
            self.problems.append("resume_writing without pause_writing")
        if self.transport.get_write_buffer_size() > low:
            self.problems.append("resumed with the buffer above the low-water mark")
        self.paused = False
        self.late = False
        self.transport._loop.call_soon(self.write_more)


def _watchdog(loop: Any, log: Any, transport: Any, peer: socket.socket) -> Any:
    """After 5 s of (virtual) time, a stalled transfer is logged and cut off.

    The transfers here take well under a second; a write path that lost its
    writer or its resume_writing would otherwise wait forever.
    """
    def cut() -> None:
        log("watchdog: the transfer stalled")
        transport.abort()
        with contextlib.suppress(OSError):
            peer.shutdown(socket.SHUT_RDWR)  # the peer's recv now ends with b

    return loop.call_later(5.0, cut)


async def _drain(loop: Any, peer: socket.socket, delay: float = 0.0) -> Any:
    if delay:
        await asyncio.sleep(delay)
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := await loop.sock_recv(peer, 65536):
            digest.update(chunk)
            size += len(chunk)
    except OSError:  # the watchdog closed it
        pass
    return digest, size


@scenario("your {piece} sent the wrong bytes, or stalled: a write the socket cannot take "
          "at once must be buffered and sent, in order, when the socket is writable again "
          "(add_writer; remove it once the buffer is empty), and a paused protocol writes "
          "again only after resume_writing.", tags=_WR,
          max_iterations=_MANY)
def write_path_sends_everything_in_order(loop: Any, log: Any) -> Any:
    """4 MiB written in chunks to a slow reader arrive intact; close() flushes first"""
    async def main() -> None:
        proto = _Writer(log, loop, 4 * 1024 * 1024)
        transport, peer = await _connect(loop, proto)
        watchdog = _watchdog(loop, log, transport, peer)
        digest, size = await _drain(loop, peer, delay=0.02)
        log(("peer got all bytes", size == proto.total))
        log(("in order", digest.digest() == proto.digest.digest()))
        await proto.lost
        watchdog.cancel()
        log(("buffer empty at the end", transport.get_write_buffer_size() == 0))
        peer.close()
    return main()


@scenario("your {piece} got flow control wrong: call pause_writing() once when the "
          "buffer grows above the high-water mark, resume_writing() once it has shrunk "
          "to the low-water mark or below, never twice in a row.", tags=_WR,
          max_iterations=_MANY)
def write_path_flow_control(loop: Any, log: Any) -> Any:
    """pause_writing above the high mark, resume_writing at the low mark, alternating"""
    async def main() -> None:
        proto = _Writer(log, loop, 4 * 1024 * 1024)
        transport, peer = await _connect(loop, proto)
        watchdog = _watchdog(loop, log, transport, peer)
        await asyncio.sleep(0.02)  # the peer reads nothing yet: the buffer fills up
        log(("paused while the peer did not read", proto.paused))
        log(("buffered above the high-water mark",
             transport.get_write_buffer_size() > transport.get_write_buffer_limits()[1]))
        digest, size = await _drain(loop, peer)
        await proto.lost
        watchdog.cancel()
        log(("problems", proto.problems))
        log(("paused at least once", proto.pauses > 0))
        log(("peer got all bytes", size == proto.total))
        peer.close()
    return main()


@scenario("your {piece} did not send a small write at once: with an empty buffer, "
          "write() tries sock.send() immediately and only buffers what is left.",
          tags=_WR)
def write_path_small_write_goes_out_at_once(loop: Any, log: Any) -> Any:
    """A small write reaches the peer without any loop iteration in between"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        transport.write(b"hello")
        try:
            log(("peer reads at once", peer.recv(100)))
        except BlockingIOError:
            log(("peer reads at once", None))
        log(("buffer size", transport.get_write_buffer_size()))
        transport.write_eof()
        log(("then EOF", await loop.sock_recv(peer, 100)))
        transport.close()
        await proto.lost
        peer.close()
    return main()


def _watching_writable(loop: Any, transport: Any) -> bool:
    fd = transport.get_extra_info("socket").fileno()
    try:
        return bool(loop._selector.get_key(fd).events & selectors.EVENT_WRITE)
    except KeyError:
        return False


@scenario("your {piece} mishandled the end of a flush: once the buffer is empty, remove "
          "the writer (an idle connection is not polled for writability), call "
          "resume_writing only after a pause_writing, and finish a close() that waited "
          "for the data.", tags=_WR, max_iterations=_MANY)
def write_path_flush_then_idle_then_close(loop: Any, log: Any) -> Any:
    """Buffered data flushes, the writer goes, and close() waits for the rest"""
    async def main() -> None:
        proto = _Writer(log, loop, 128 * 1024, close_at_end=False)
        ours, peer = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        peer.setblocking(False)
        transport, _ = await loop.connect_accepted_socket(lambda: proto, ours)
        watchdog = _watchdog(loop, log, transport, peer)
        log(("buffered while the peer waits", transport.get_write_buffer_size() > 0))
        got = 0
        while got < proto.total:
            got += len(await loop.sock_recv(peer, 65536))
        await asyncio.sleep(0.01)
        log(("buffer empty", transport.get_write_buffer_size() == 0))
        log(("still watching for writable", _watching_writable(loop, transport)))
        transport.write(b"z" * 128 * 1024)
        transport.close()
        log(("closing with data buffered", transport.get_write_buffer_size() > 0))
        rest = 0
        while chunk := await loop.sock_recv(peer, 65536):
            rest += len(chunk)
        log(("peer got the rest before EOF", rest == 128 * 1024))
        await proto.lost
        watchdog.cancel()
        log(("problems", proto.problems))
        peer.close()
    return main()


@scenario("your {piece} sent new data ahead of data already buffered: while the buffer "
          "holds bytes, write() only appends to it (a send() now would overtake them, "
          "even when the socket has room again); only with an empty buffer does it try "
          "sock.send() first.", tags=_WR)
def write_path_does_not_overtake_the_buffer(loop: Any, log: Any) -> Any:
    """A write while older bytes wait in the buffer goes out after them"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        ours, peer = socket.socketpair()  # AF_UNIX: a recv frees room in the sender at once
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        peer.setblocking(False)
        transport, _ = await loop.connect_accepted_socket(lambda: proto, ours)
        watchdog = _watchdog(loop, log, transport, peer)
        first = b"a" * (256 * 1024)
        transport.write(first)
        log(("part of it buffered", transport.get_write_buffer_size() > 0))
        got = bytearray()
        with contextlib.suppress(BlockingIOError):
            while chunk := peer.recv(65536):  # the socket has room again...
                got += chunk
        transport.write(b"TAIL")  # ...but the transport's buffer is not empty
        transport.close()
        while chunk := await loop.sock_recv(peer, 65536):
            got += chunk
        log(("the tail came last", bytes(got[-4:])))
        log(("every byte in order", bytes(got) == first + b"TAIL"))
        await proto.lost
        watchdog.cancel()
        peer.close()
    return main()


@scenario("your {piece} mishandled write_eof() with data still buffered: the FIN "
          "(self._sock.shutdown(socket.SHUT_WR)) goes out when _write_ready has sent the "
          "last byte, and a write() after write_eof() raises RuntimeError('Cannot call "
          "write() after write_eof()').", tags=_WR, max_iterations=_MANY)
def write_path_eof_waits_for_the_buffer(loop: Any, log: Any) -> Any:
    """write_eof() with data buffered: every byte, then EOF; no write after it"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        ours, peer = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        peer.setblocking(False)
        transport, _ = await loop.connect_accepted_socket(lambda: proto, ours)
        watchdog = _watchdog(loop, log, transport, peer)
        transport.write(b"b" * (256 * 1024))
        log(("part of it buffered", transport.get_write_buffer_size() > 0))
        transport.write_eof()
        log(("write after write_eof", _outcome(lambda: transport.write(b"late"))))
        size = 0
        while chunk := await loop.sock_recv(peer, 65536):
            size += len(chunk)
        log(("the peer got every byte, then EOF", size == 256 * 1024))
        watchdog.cancel()
        transport.close()
        await proto.lost
        peer.close()
    return main()


@scenario("your {piece} mishandled a bad or a late write: write('text') raises TypeError "
          "at once (_check_bytes(data)), and a write() after the connection was lost "
          "sends nothing and raises nothing (it only counts, in self._conn_lost).",
          tags=_WR)
def write_path_bad_and_late_writes(loop: Any, log: Any) -> Any:
    """write() of a str is refused; a write after connection_lost is dropped quietly"""
    async def main() -> None:
        proto = _Recorder(log, loop)
        transport, peer = await _connect(loop, proto)
        log(("write('text')", _outcome(lambda: transport.write("text"))))
        transport.abort()
        await proto.lost
        log(("write after connection_lost", _outcome(lambda: transport.write(b"late"))))
        await asyncio.sleep(0)
        peer.close()
    return main()
