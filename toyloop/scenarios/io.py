"""I/O scenarios: readers on a socket pair, ``sock_recv``, and I/O within an iteration.

Sockets are a ``socket.socketpair()``: connected, local, no network at all.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from . import outcome as _outcome
from . import scenario

_PE = ("ch3.SelectorLoop._process_events",)
_SR = ("ch3.SelectorLoop.sock_recv",)


def _pair(loop: Any) -> tuple[socket.socket, socket.socket]:
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    return a, b


def _registered(loop: Any, sock: socket.socket) -> bool:
    """Is ``sock`` still in the loop's selector?  (asyncio and toyloop keep ``_selector``.)"""
    return sock.fileno() in loop._selector.get_map()


@scenario("your {piece} did not call the reader when its socket became readable, or "
          "kept the fd afterwards: add_reader registers the fd with the selector, each "
          "event the select reports queues the reader's Handle, and remove_reader "
          "unregisters the fd (unless a writer still needs it).", tags=_PE)
def reader_runs_when_readable(loop: Any, log: Any) -> Any:
    """A reader is called once data arrives, and reads it"""
    a, b = _pair(loop)

    def on_readable() -> None:
        log(("reader got", a.recv(100)))
        loop.remove_reader(a)
        done.set_result(None)

    async def main() -> None:
        loop.add_reader(a, on_readable)
        loop.call_later(0.01, b.send, b"ping")
        await done
        log(("registered after remove_reader", _registered(loop, a)))

    done = loop.create_future()
    _close_later(loop, a, b)
    return main()


def _close_later(loop: Any, *socks: socket.socket) -> None:
    """Close the sockets once the scenario's loop is closed (or collected)."""
    import weakref

    weakref.finalize(loop, lambda: [s.close() for s in socks])


@scenario("your {piece} got a reader's lifetime wrong: a reader stays registered, and "
          "is called each time its socket is readable, until remove_reader; after that "
          "it is never called again, and remove_reader answers False.", tags=_PE)
def removed_reader_is_not_called(loop: Any, log: Any) -> Any:
    """A reader runs once per readable event until removed, then never again"""
    a, b = _pair(loop)
    calls = []

    def on_readable() -> None:
        calls.append(a.recv(1))  # one byte per call: the socket stays readable
        if len(calls) == 3:
            log(("remove_reader", loop.remove_reader(a)))

    async def main() -> None:
        b.send(b"abc")
        loop.add_reader(a, on_readable)
        await asyncio.sleep(0.02)
        b.send(b"more data that nobody reads")
        await asyncio.sleep(0.02)
        log(("reader calls", calls))
        log(("remove_reader again", loop.remove_reader(a)))

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} kept an old reader: add_reader on an fd that has one replaces "
          "it (and cancels the old Handle).", tags=_PE)
def add_reader_replaces_the_old_one(loop: Any, log: Any) -> Any:
    """A second add_reader on the same fd replaces the first"""
    a, b = _pair(loop)

    def reader(name: str) -> None:
        log(("reader", name, a.recv(100)))
        loop.remove_reader(a)
        done.set_result(None)

    async def main() -> None:
        loop.add_reader(a, reader, "old")
        loop.add_reader(a, reader, "new")
        b.send(b"x")
        await done
        await asyncio.sleep(0)

    done = loop.create_future()
    _close_later(loop, a, b)
    return main()


@scenario("your {piece} mixed up a reader and a writer on the same fd: both can be "
          "registered at once (one selector key, both events, key.data = (reader, "
          "writer)), each called only for its own event (the reader when mask & "
          "EVENT_READ, the writer when mask & EVENT_WRITE); adding a reader keeps the "
          "writer in key.data, and removing the reader keeps the writer (modify the key, "
          "do not unregister it).", tags=_PE)
def reader_and_writer_on_one_fd(loop: Any, log: Any) -> Any:
    """A reader and a writer share one socket; each runs for its own event"""
    a, b = _pair(loop)

    def reader() -> None:
        log(("reader got", a.recv(100)))
        log(("remove_reader", loop.remove_reader(a)))

    def writer() -> None:
        log(("remove_writer", loop.remove_writer(a)))
        b.send(b"x")  # now, and only now, is a readable

    async def main() -> None:
        loop.add_reader(a, reader)
        loop.add_writer(a, writer)
        await asyncio.sleep(0.02)
        log(("registered", _registered(loop, a)))
        loop.add_writer(a, writer)
        loop.add_reader(a, reader)
        log(("remove_reader with a writer left", loop.remove_reader(a)))
        log(("still registered for the writer", _registered(loop, a)))
        log(("remove_writer", loop.remove_writer(a)))
        log(("registered at the end", _registered(loop, a)))

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} never ran an I/O callback: a reader whose socket is readable "
          "must run. _run_once hands what self._select(timeout) returns to "
          "self._process_events, which queues the readers' and writers' Handles.",
          tags=("ch2.BaseLoop._run_once",))
def io_events_reach_the_ready_queue(loop: Any, log: Any) -> Any:
    """A reader runs once its socket is readable (the loop passes select's events on)"""
    a, b = _pair(loop)

    def on_readable() -> None:
        log(("reader got", a.recv(100)))
        loop.remove_reader(a)

    async def main() -> None:
        loop.add_reader(a, on_readable)
        loop.call_later(0.01, b.send, b"ping")
        await asyncio.sleep(0.05)
        log("50 ms later")

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} ran I/O callbacks and timers in the wrong order within one "
          "iteration: asyncio runs what was already ready, then the I/O callbacks, then "
          "the timers that fell due. _process_events only appends the I/O Handles to "
          "self._ready (it never runs them itself), and due timers join the queue after "
          "that.", tags=_PE + ("ch2.BaseLoop._run_once",))
def ready_then_io_then_timers(loop: Any, log: Any) -> Any:
    """In one iteration: ready callbacks, then I/O callbacks, then due timers"""
    a, b = _pair(loop)

    def start() -> None:
        b.send(b"x")
        loop.add_reader(a, on_io)
        loop.call_later(0, log, "timer")
        loop.call_soon(log, "ready")

    def on_io() -> None:
        a.recv(10)
        loop.remove_reader(a)
        log("I/O")

    async def main() -> None:
        loop.call_soon(start)
        await asyncio.sleep(0.01)

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} did not return the bytes the socket received (b'' once the "
          "peer closed), or left the reader registered after a recv finished.", tags=_SR)
def sock_recv_gets_the_bytes(loop: Any, log: Any) -> Any:
    """sock_recv returns data already there, data that arrives later, and b'' at EOF"""
    a, b = _pair(loop)

    async def main() -> None:
        # A watchdog: a recv that waits when it should not is woken after 1 s (the
        # log then shows it), instead of waiting forever for bytes nobody sends.
        watchdog = loop.call_later(1.0, lambda: (log("watchdog woke a stuck recv"),
                                                 b.send(b"from the watchdog")))
        b.send(b"already here")
        log(("first", await loop.sock_recv(a, 100)))
        loop.call_later(0.01, b.send, b"later")
        log(("second", await loop.sock_recv(a, 100)))
        loop.call_later(0.01, b.close)
        watchdog.cancel()
        log(("after close", await loop.sock_recv(a, 100)))
        log(("registered", _registered(loop, a)))

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} left the reader registered after the recv finished or was "
          "cancelled: remove it when the future is done (a done callback does this for "
          "every way it ends).", tags=_SR + _PE)
def sock_recv_cancelled_leaves_no_reader(loop: Any, log: Any) -> Any:
    """Cancelling a task waiting in sock_recv leaves no reader behind"""
    a, b = _pair(loop)

    async def main() -> None:
        task = loop.create_task(loop.sock_recv(a, 100))
        await asyncio.sleep(0.01)
        log(("registered while waiting", _registered(loop, a)))
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            log("cancelled")
        await asyncio.sleep(0)
        log(("registered after cancel", _registered(loop, a)))
        b.send(b"for the next recv")
        log(("next recv", await loop.sock_recv(a, 100)))
        log(("registered at the end", _registered(loop, a)))

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} kept the loop from running while it waited: other tasks and "
          "timers must run until the socket is readable (wait on a future, never loop "
          "on recv).", tags=_SR)
def sock_recv_lets_others_run(loop: Any, log: Any) -> Any:
    """While one task waits in sock_recv, another task ticks on a timer"""
    a, b = _pair(loop)

    async def ticker() -> None:
        for i in range(3):
            await asyncio.sleep(0.01)
            log(("tick", i))
        b.send(b"finally")

    async def main() -> None:
        tick = loop.create_task(ticker())
        log(("got", await loop.sock_recv(a, 100)))
        await tick

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} ran a reader that another callback had removed in the same "
          "iteration: remove_reader must cancel the reader's Handle, which may already "
          "sit in the ready queue.", tags=_PE)
def reader_removed_in_same_iteration_does_not_run(loop: Any, log: Any) -> Any:
    """Two sockets ready at once; the first reader removes the second, which must not run"""
    a1, b1 = _pair(loop)
    a2, b2 = _pair(loop)

    def reader(mine: socket.socket, other: socket.socket, name: str) -> None:
        mine.recv(100)
        log(("reader", "ran"))
        loop.remove_reader(mine)
        log(("removed the other", loop.remove_reader(other)))

    async def main() -> None:
        b1.send(b"1")
        b2.send(b"2")
        loop.add_reader(a1, reader, a1, a2, "first")
        loop.add_reader(a2, reader, a2, a1, "second")
        await asyncio.sleep(0.02)

    _close_later(loop, a1, b1, a2, b2)
    return main()


@scenario("your {piece} mishandled an fd that is readable and writable at once: "
          "test each event with a bitwise and (mask & EVENT_READ, mask & EVENT_WRITE), "
          "never mask == ..., and queue the reader and the writer in the same "
          "iteration; remove_reader on an fd with only a writer answers False.", tags=_PE)
def readable_and_writable_at_once(loop: Any, log: Any) -> Any:
    """A socket with data waiting and room to write runs its reader and writer together"""
    a, b = _pair(loop)

    def reader() -> None:
        log(("reader got", a.recv(100)))
        loop.remove_reader(a)

    def writer() -> None:
        log("writer")
        loop.remove_writer(a)

    async def main() -> None:
        b.send(b"data")  # a is readable, and (as a fresh socket) writable
        loop.add_reader(a, reader)
        loop.add_writer(a, writer)
        loop.call_soon(log, "ready before the I/O")
        await asyncio.sleep(0.01)
        loop.add_writer(a, writer)
        log(("remove_reader with only a writer", loop.remove_reader(a)))
        log(("remove_writer", loop.remove_writer(a)))
        log(("registered at the end", _registered(loop, a)))
        _close_now_if_unregistered(loop, a, b)

    _close_later(loop, a, b)
    return main()


def _close_now_if_unregistered(loop: Any, a: socket.socket, b: socket.socket) -> None:
    """Close a pair the loop no longer watches at once: the checker's leak check then
    need not wait for the loop to be collected (``_close_later`` stays the fallback)."""
    if not _registered(loop, a):
        a.close()
        b.close()


@scenario("your {piece} kept a reader whose Handle was cancelled: when select reports its "
          "fd, _process_events removes it (self._remove_reader(key.fileobj)) instead of "
          "queueing it, so the fd stops waking the loop.", tags=_PE)
def cancelled_reader_is_unregistered(loop: Any, log: Any) -> Any:
    """A reader whose Handle was cancelled is dropped when its fd fires"""
    a, b = _pair(loop)

    async def main() -> None:
        loop.add_reader(a, lambda: log("the cancelled reader ran"))
        loop._selector.get_key(a).data[0].cancel()  # the Handle, as cancel() leaves it
        b.send(b"x")
        await asyncio.sleep(0.01)
        log(("registered", _registered(loop, a)))
        _close_now_if_unregistered(loop, a, b)

    _close_later(loop, a, b)
    return main()


@scenario("your {piece} mishandled a closed loop: add_reader raises RuntimeError('Event "
          "loop is closed') (self._check_closed() first), and remove_reader answers False "
          "(if self.is_closed(): return False).", tags=_PE)
def readers_on_a_closed_loop(loop: Any, log: Any) -> None:
    """add_reader on a closed loop raises; remove_reader answers False"""
    a, b = _pair(loop)
    loop.close()
    log(("add_reader", _outcome(lambda: loop.add_reader(a, print))))
    log(("remove_reader", _outcome(lambda: loop.remove_reader(a))))
    a.close()
    b.close()
