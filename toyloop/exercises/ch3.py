"""Chapter 3 exercises: sockets on the selector loop.

Four exercises, each an :class:`~toyloop.tools.checker.Exercise` with cases,
hints and a reference solution:

* ``sendall_exercise``  -- ``sock_sendall(loop, sock, data)`` with partial sends;
* ``chat_exercise``     -- a broadcast chat server, ``chat_server(loop, listener)``;
* ``ports_exercise``    -- ``check_ports(loop, host, ports, timeout)``: open, closed
  or timeout, all ports at once;
* ``http_exercise``     -- ``http_get(loop, host, port, path)``, an HTTP/1.0 client,
  checked against a tiny server on 127.0.0.1 (:func:`local_http_server`).

Every case runs the learner's coroutine on a fresh chapter 3 ``SelectorLoop``
(through ``run_in_loop``, so a spinning or stuck loop is reported) and cleans
up its sockets and threads whatever happens.  Everything binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import selectors
import socket
import struct
import threading
import time
import traceback
from typing import Any

from toyloop.ch2_futures import CancelledError, sleep, wait_for
from toyloop.ch3_selectors import SelectorLoop
from toyloop.clock import MonotonicClock, VirtualClock
from toyloop.tools.checker import CaseTimeout, Exercise, LoopBlocked, run_in_loop
from toyloop.tools.watchdog import LoopStopped, catch_all_notes, is_learner_file

HOST = "127.0.0.1"

__all__ = [
    "chat_exercise", "check_ports", "chat_server", "http_exercise", "http_get",
    "local_http_server", "ports_exercise", "sendall_exercise", "sock_sendall",
]


def _run(main: Any, *, real_time: bool = False, errors: list | None = None,
         autojump: float = 0.05, loop_factory: Any = SelectorLoop) -> Any:
    """Run ``main(loop)`` on a fresh SelectorLoop (virtual time unless ``real_time``).

    With virtual time, the loop really waits up to ``autojump`` seconds for a socket
    before it jumps to the next timer.
    """
    async def with_loop():
        return await main(asyncio.get_running_loop())

    clock = MonotonicClock() if real_time else VirtualClock(autojump_threshold=autojump)
    return run_in_loop(with_loop, loop_factory=loop_factory, clock=clock, errors=errors)


def _pair(sndbuf: int | None = None) -> tuple[socket.socket, socket.socket]:
    a, b = socket.socketpair()
    for s in (a, b):
        s.setblocking(False)
    if sndbuf is not None:
        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, sndbuf)
    return a, b


def _open_socket_fds() -> int | None:
    """How many sockets this process has open (Linux), or None if unknown."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    count = 0
    for name in names:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                count += 1
    return count


# ===========================================================================
# Exercise 1: sock_sendall with partial sends
# ===========================================================================


async def sock_sendall(loop, sock, data):
    """Send all of ``data`` on the non-blocking ``sock``, however many sends it takes."""
    view = memoryview(data).cast("B")
    try:
        sent = sock.send(view)
    except BlockingIOError:
        sent = 0
    if sent == len(view):
        return  # the kernel took it all at once
    done = loop.create_future()

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return  # not writable after all: wait for the next event
        except OSError as exc:
            loop.remove_writer(sock)
            done.set_exception(exc)
            return
        if sent == len(view):
            loop.remove_writer(sock)
            done.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await done
    finally:
        loop.remove_writer(sock)  # also when the awaiting task is cancelled


async def _drain(loop, sock, nbytes, pause=0):
    """Read ``nbytes`` from ``sock`` in 4 KiB pieces, letting other tasks run in between."""
    chunks, got = [], 0
    while got < nbytes:
        chunk = await loop.sock_recv(sock, 4096)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        await sleep(pause)
    return b"".join(chunks)


def case_small_payload(candidate):
    """sends a small payload that fits in the socket buffer at once"""
    a, b = _pair()
    with a, b:
        async def main(loop):
            result = await candidate(loop, a, b"hello, world")
            return result, await wait_for(loop.sock_recv(b, 100), 1.0)

        result, got = _run(main, loop_factory=_NoSockSendallLoop)
        if asyncio.isfuture(result):
            raise AssertionError(
                f"sock_sendall returned {result!r}: it returned before the data was sent. "
                "Await the future (`await done`) instead of returning it")
        missing = len(b"hello, world") - len(got)
        assert got == b"hello, world", (
            f"the peer received {got!r}, expected b'hello, world'"
            + (f": {missing} byte(s) missing at the end. Count every byte sent, and stop "
               "only when sent == len(data)" if b"hello, world".startswith(got) and got
               else ""))
        assert result is None, f"sock_sendall should return None, like asyncio's; got {result!r}"


def case_partial_sends(candidate):
    """sends 1 MiB to a slow reader: every byte arrives, once, in order"""
    a, b = _pair(sndbuf=4096)
    payload = bytes(range(256)) * 4096  # 1 MiB that shows reordering and repeats
    with a, b:
        async def main(loop):
            reader = loop.create_task(_drain(loop, b, len(payload)))
            await candidate(loop, a, payload)
            a.shutdown(socket.SHUT_WR)
            return await wait_for(reader, 30)

        got = _run(main, loop_factory=_NoSockSendallLoop)
        if got != payload:
            if len(got) < len(payload):
                detail = (f"only {len(got)} of {len(payload)} bytes arrived: a send() "
                          "that takes only part of the data (a partial send) must be "
                          "followed by another one for the rest, once the socket is "
                          "writable again")
            elif len(got) > len(payload):
                detail = (f"{len(got)} bytes arrived for {len(payload)} sent: some bytes "
                          "were sent twice. After a partial send, continue from where "
                          "the kernel stopped, not from the start")
            else:
                detail = "the bytes arrived in the wrong order"
            raise AssertionError(detail)


class _CountingSocket:
    """A socket stand-in that counts send() calls refused with BlockingIOError."""

    def __init__(self, sock):
        self._sock = sock
        self.refused = 0
        self.accepted = 0
        self.errors: list[OSError] = []  # what send() raised besides BlockingIOError

    def fileno(self):
        return self._sock.fileno()

    def gettimeout(self):
        return self._sock.gettimeout()

    def send(self, data):
        try:
            sent = self._sock.send(data)
            self.accepted += 1
            return sent
        except BlockingIOError:
            self.refused += 1
            raise
        except OSError as exc:
            self.errors.append(exc)
            raise


class _NoSockSendallLoop(SelectorLoop):
    """The loop for this exercise: its own sock_sendall is what the learner builds.

    It also calls a new writer once straight away, before the socket is writable:
    selectors may report a socket writable that a send() then refuses (a spurious
    wake-up), and a writer must cope with BlockingIOError.
    """

    def add_reader(self, fd, callback, *args):
        raise AssertionError(
            "your sock_sendall registered a reader (loop.add_reader): a reader waits until "
            "there is something to read, which never happens on a socket you only send "
            "on. Wait until the socket is writable: loop.add_writer(sock, callback)")

    _spurious_done = False

    def add_writer(self, fd, callback, *args):
        self.learner_writers = getattr(self, "learner_writers", set())
        self.learner_writers.add(fd if isinstance(fd, int) else fd.fileno())
        super().add_writer(fd, callback, *args)
        if not self._spurious_done:  # once per run: a rare event, not a storm
            self._spurious_done = True
            self.call_soon(self._spurious, fd, callback, args)

    def remove_writer(self, fd):
        number = fd if isinstance(fd, int) else fd.fileno()
        getattr(self, "learner_writers", set()).discard(number)
        return super().remove_writer(fd)

    def _spurious(self, fd, callback, args):
        if fd in self._selector.get_map():  # still registered: pretend it is writable
            callback(*args)

    async def sock_sendall(self, sock, data):
        raise AssertionError(
            "your sock_sendall called the loop's own loop.sock_sendall(): this exercise is "
            "to build it. Use sock.send(...) for what the kernel takes now, and "
            "loop.add_writer(sock, callback) to send the rest when the socket is writable")


def case_no_busy_wait(candidate):
    """waits until the socket is writable instead of retrying send() in a loop"""
    a, b = _pair(sndbuf=4096)
    counting = _CountingSocket(a)
    payload = b"y" * 500_000
    left_registered: list[bool] = []
    with a, b:
        async def main(loop):
            # The reader pauses between reads: a sender that retries instead of waiting
            # keeps the loop busy (or wakes it on a timer) all that time.
            reader = loop.create_task(_drain(loop, b, len(payload), pause=0.05))
            start = loop.time()
            await candidate(loop, counting, payload)
            took = loop.time() - start
            left_registered.append(a.fileno() in getattr(loop, "learner_writers", ()))
            a.shutdown(socket.SHUT_WR)
            return await wait_for(reader, 60), took

        try:
            got, _took = _run(main, loop_factory=_NoSockSendallLoop, autojump=0.002)
        except AssertionError as error:
            if "iterations" in str(error) and any(left_registered):
                raise AssertionError(
                    "everything was sent, but the writer is still registered: the loop "
                    "calls your callback on every iteration, since the socket stays "
                    "writable, and never goes to sleep. Call loop.remove_writer(sock) once "
                    "the last byte is sent") from None
            raise
        assert got == payload, f"{len(got)} of {len(payload)} bytes arrived"
        assert counting.refused <= 2 * counting.accepted + 5, (
            f"send() raised BlockingIOError {counting.refused} times for "
            f"{counting.accepted} sends that went through: your code retries on a full "
            "buffer without waiting (polling, a busy-wait). Register a writer "
            "(loop.add_writer) and send again only when the loop says the socket is "
            "writable")


def case_no_writer_left(candidate):
    """leaves no writer registered once everything is sent"""
    a, b = _pair(sndbuf=4096)
    payload = b"x" * 300_000
    with a, b:
        async def main(loop):
            reader = loop.create_task(_drain(loop, b, len(payload)))
            await candidate(loop, a, payload)
            registered = a.fileno() in loop._selector.get_map()
            a.shutdown(socket.SHUT_WR)
            await wait_for(reader, 30)
            return registered

        registered = _run(main, loop_factory=_NoSockSendallLoop)
        assert not registered, ("the socket is still registered as a writer after "
                                "sock_sendall returned: call loop.remove_writer(sock) once "
                                "the last byte is sent, or the loop keeps calling your "
                                "callback every iteration")


def case_peer_closed(candidate):
    """raises an OSError when the peer has gone away, instead of hanging or hiding it"""
    a, b = _pair(sndbuf=4096)
    payload = b"x" * 1_000_000

    counting = _CountingSocket(a)

    async def main(loop):
        loop.call_later(0.1, b.close)  # the reader leaves without reading
        try:
            await wait_for(candidate(loop, counting, payload), 5.0)
        except TimeoutError:
            return "hung"
        except OSError as exc:
            return exc
        return None

    with a, b:
        try:
            outcome = _run(main, loop_factory=_NoSockSendallLoop)
        except AssertionError:
            if not counting.errors:
                raise
            outcome = "swallowed"
        except LoopBlocked:
            # A writer that ignores the error runs every iteration; on a loaded machine
            # one such call can also look like blocking. send() failing again and
            # again is the cause either way, and the one to name.
            if len(counting.errors) < 2:
                raise
            outcome = "swallowed"
    if counting.errors and outcome in ("hung", "swallowed", None):
        error = counting.errors[0]
        raise AssertionError(
            f"the peer closed, so send() raised {type(error).__name__}: {error}, and your "
            "code swallowed it: "
            + ("sock_sendall returned normally" if outcome is None else
               "the writer stayed registered, so the loop kept calling it (or the caller "
               "waited forever)")
            + ". Catch only BlockingIOError in the writer callback; pass any other OSError "
            "to the future (future.set_exception(exc)) and remove the writer")
    assert outcome != "hung", ("sock_sendall never finished after the peer closed: when "
                               "send() raises an error other than BlockingIOError, pass it "
                               "to the future (set_exception) so the caller sees it")
    assert outcome is not None, ("sock_sendall returned normally although the peer closed "
                                 "before reading: an error like BrokenPipeError must reach "
                                 "the caller, not be swallowed")


def case_cancelled_mid_send(candidate):
    """cancelled in the middle of a send: the writer is removed"""
    a, b = _pair(sndbuf=4096)
    payload = b"z" * 2_000_000  # far more than the buffers hold: the reader never reads

    async def main(loop):
        sender = loop.create_task(candidate(loop, a, payload))
        await sleep(0.5)
        sender.cancel()
        try:
            await sender
        except CancelledError:
            pass
        await sleep(0)
        return a.fileno() in loop._selector.get_map(), sender.cancelled()

    with a, b:
        registered, cancelled = _run(main, loop_factory=_NoSockSendallLoop)
    assert not registered, (
        "the task running sock_sendall was cancelled while it waited for the socket to "
        "become writable, and the writer stayed registered: the loop would keep calling "
        "your callback for a send nobody waits for. Remove the writer in a `finally:` "
        "around the await, so it goes also when the task is cancelled")
    assert cancelled, "the cancelled task should end cancelled (let CancelledError out)"


sendall_exercise = Exercise(
    "sock_sendall",
    cases=[case_small_payload, case_partial_sends, case_no_busy_wait, case_no_writer_left,
           case_peer_closed, case_cancelled_mid_send],
    hint=[
        "Try sock.send(data) first. It returns how many bytes the kernel took, which can "
        "be fewer than len(data); if it raises BlockingIOError, it took none.",
        "For the rest, create a future, then loop.add_writer(sock, callback). The callback "
        "sends view[sent:], adds what it sent to a running total, and when the total "
        "reaches len(data) removes the writer and sets the future's result. Await the "
        "future.",
        "Use memoryview(data) so view[sent:] does not copy; catch BlockingIOError in the "
        "callback (stay registered) and pass other OSErrors to future.set_exception.",
    ],
    solution=sock_sendall,
)


# ===========================================================================
# Exercise 2: a broadcast chat server
# ===========================================================================


async def chat_server(loop, listener):
    """Accept clients forever; send what each one says to all the others."""
    clients = set()

    async def serve(conn):
        clients.add(conn)
        try:
            while data := await loop.sock_recv(conn, 4096):
                for other in list(clients):
                    if other is not conn:
                        try:
                            await loop.sock_sendall(other, data)
                        except OSError:
                            clients.discard(other)  # that one left: forget it
        except OSError:
            pass  # this client reset its connection
        finally:
            clients.discard(conn)
            conn.close()

    tasks = set()
    try:
        while True:
            conn, _address = await loop.sock_accept(listener)
            task = loop.create_task(serve(conn))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    finally:
        for task in list(tasks):
            task.cancel()
        for conn in list(clients):
            conn.close()


class _ChatRoom:
    """A listener on 127.0.0.1, the learner's server task, and client sockets."""

    def __init__(self, loop, candidate, sndbuf=None):
        self.loop = loop
        self.listener = socket.socket()
        if sndbuf is not None:  # the server's connections inherit it (Linux): sends fill up
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        self.listener.bind((HOST, 0))
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.server = loop.create_task(candidate(loop, self.listener))
        self.clients = {}

    async def join(self, name, rcvbuf=None):
        sock = socket.socket()
        sock.setblocking(False)
        if rcvbuf is not None:  # before connecting: the window is agreed at the handshake
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.clients[name] = sock
        await wait_for(self.loop.sock_connect(sock, self.listener.getsockname()), 2.0)
        await sleep(0.2)  # let the server accept and start reading
        return sock

    async def say(self, name, text):
        await self.loop.sock_sendall(self.clients[name], text)
        await sleep(0.2)

    async def heard(self, name, timeout=0.5):
        """What ``name`` received so far (b'' if nothing within ``timeout``)."""
        try:
            return await wait_for(self.loop.sock_recv(self.clients[name], 4096), timeout)
        except TimeoutError:
            return b""

    async def heard_all(self, name):
        """Everything ``name`` receives until the line goes quiet for 0.3 s."""
        got = b""
        for _ in range(20):
            more = await self.heard(name, timeout=0.3)
            if not more:
                break
            got += more
        return got

    def check_server_alive(self):
        if self.server.done() and not self.server.cancelled():
            exc = self.server.exception()
            if isinstance(exc, NotImplementedError):
                raise exc  # the stub: "not attempted yet"
            raise AssertionError(f"the server task stopped: {exc!r}" if exc else
                                 "the server task returned: it should accept clients forever")

    def close(self):
        for sock in self.clients.values():
            sock.close()
        self.listener.close()


_SENDS = {"sock_sendall", "_sock_sendall", "send", "sendall", "sock_send", "_sock_retry_cb"}


def _from_a_send(exc):
    """Did ``exc`` come out of sending (not out of reading the client's own socket)?"""
    return any(frame.name in _SENDS for frame in traceback.extract_tb(exc.__traceback__))


def _learners_task(task):
    """A task running the learner's own coroutine (not one gather wrapped for them)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and is_learner_file(code.co_filename)


class _FailedTasks:
    """Instrument: tasks of the learner's server that ended with an exception.

    With ``sends_only``, a task that ended with an OSError from reading its own
    client's socket is let go: that client reset its connection, and only that
    client is lost.
    """

    def __init__(self, sends_only=False):
        self.failed = []
        self.active = True  # off while the case tears the room down
        self.sends_only = sends_only

    def task_done(self, task):
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        if self.sends_only and isinstance(exc, OSError) and not (
                _from_a_send(exc) and _learners_task(task)):
            return  # gather's child tasks fail too, and gather hands the error on
        if self.active or not isinstance(exc, OSError):  # resets are normal at teardown
            self.failed.append(exc)


def _failure_message(failed):
    """The report for the first of the server's tasks that died, or None."""
    real = [exc for exc in failed if not isinstance(exc, NotImplementedError)]
    if not real:
        return None
    exc = real[0]
    kind = " (an OSError)" if isinstance(exc, OSError) else ""
    return (f"a task of your server failed with {exc!r}{kind}, so a client lost its "
            "connection to the room. "
            + ("A send to a client that has just left raises an OSError: catch it around "
               "that send, drop that client, and go on with the others"
               if isinstance(exc, OSError) else
               "If it is 'Set changed size during iteration': clients joined or left while "
               "you were awaiting a send inside `for other in clients`; loop over a copy "
               "(list(clients))"))


EOF_HINT = (" If a client had left: once it has, sock_recv returns b'' at once, every time. "
            "b'' means the client left: stop reading, close it and remove it from the "
            "clients.")


def _chat_case(candidate, scenario, rooms=1, sndbuf=None, sends_only=False):
    errors: list = []
    failures = _FailedTasks(sends_only)
    servers: list = []

    async def main(loop):
        loop.add_instrument(failures)
        made = [_ChatRoom(loop, candidate, sndbuf) for _ in range(rooms)]
        servers.extend(room.server for room in made)
        try:
            return await scenario(*made)
        except AssertionError:
            root = _failure_message(failures.failed)
            if root is None:
                raise
            raise AssertionError(root) from None
        finally:
            failures.active = False
            for room in made:
                room.close()
                room.server.cancel()
                with contextlib.suppress(BaseException):
                    await room.server
            await sleep(0.1)  # let the server's connection tasks see their sockets close

    try:
        _run(main, errors=errors)
    except (LoopStopped, CaseTimeout) as stop:
        message = getattr(stop, "message", None) or ""
        if not isinstance(stop, LoopBlocked):
            message = ""
        if "time.sleep" in message or "blocking socket" in message:
            raise
        extra = catch_all_notes(servers) + EOF_HINT
        if isinstance(stop, LoopBlocked):
            stop.message = message + extra
        else:
            stop.hint = extra
        raise
    serious = [c for c in errors if not isinstance(c.get("exception"), OSError)]
    if serious:
        context = serious[0]
        raise AssertionError(f"the loop reported an unhandled error: {context.get('message')}"
                             f" {context.get('exception')!r}")
    root = _failure_message(failures.failed)
    if root is not None:
        raise AssertionError(root)


def case_chat_reaches_others(candidate):
    """a message from one client reaches every other client"""
    async def scenario(room):
        for name in ("alice", "bob", "carol"):
            await room.join(name)
        room.check_server_alive()
        await room.say("alice", b"hi all\n")
        for name in ("bob", "carol"):
            got = await room.heard(name)
            assert got == b"hi all\n", (
                f"{name} received {got!r}, expected b'hi all\\n'. Is every client served "
                "by a task of its own (loop.create_task), so that the server keeps accepting "
                "and reading while one client is connected?")

    _chat_case(candidate, scenario)


def case_chat_not_to_sender(candidate):
    """the sender does not get its own message back"""
    async def scenario(room):
        for name in ("alice", "bob"):
            await room.join(name)
        await room.say("alice", b"hello\n")
        await room.heard("bob")
        got = await room.heard("alice")
        assert got == b"", (f"alice received her own message back ({got!r}): skip the "
                            "sender when broadcasting")

    _chat_case(candidate, scenario)


def case_chat_client_leaves(candidate):
    """a client leaving does not break the room for the others"""
    async def scenario(room):
        for name in ("alice", "bob", "carol"):
            await room.join(name)
        room.clients["carol"].close()
        await sleep(0.2)
        # Two rounds each: a send to a closed peer may succeed once (the peer answers
        # it with a reset) and fail only the second time.
        for text in (b"carol left\n", b"she did\n"):
            await room.say("alice", text)
        for text in (b"so what\n", b"bye\n"):
            await room.say("bob", text)
        room.check_server_alive()
        got_bob = await room.heard_all("bob")
        got_alice = await room.heard_all("alice")
        assert got_bob == b"carol left\nshe did\n", (
            f"after carol left, bob received {got_bob!r} instead of alice's two messages. "
            "When sock_recv returns b'' the client has gone: close it and stop sending "
            "to it; and a send to a client that just left can raise an OSError: catch it")
        assert got_alice == b"so what\nbye\n", (
            f"after carol left, alice received {got_alice!r} instead of bob's two messages. "
            "Did a send to carol's closed connection kill the task serving bob?")

    _chat_case(candidate, scenario)


def case_chat_many_messages(candidate):
    """messages from several clients all arrive, in the order each client sent them"""
    async def scenario(room):
        for name in ("alice", "bob", "carol"):
            await room.join(name)
        for i in range(3):
            await room.say("alice", f"a{i}\n".encode())
            await room.say("bob", f"b{i}\n".encode())
        got = await room.heard_all("carol")
        expected = b"".join(f"a{i}\nb{i}\n".encode() for i in range(3))
        assert got == expected, f"carol received {got!r}, expected {expected!r}"

    _chat_case(candidate, scenario)


def case_chat_two_servers(candidate):
    """two servers at once keep their clients apart"""
    async def scenario(first, second):
        await first.join("alice")
        await first.join("bob")
        await second.join("zoe")
        await first.say("alice", b"room one only\n")
        got_bob = await first.heard("bob")
        got_zoe = await second.heard("zoe")
        assert not got_zoe, (
            f"two chat servers ran at once, and zoe, on the second, received {got_zoe!r}, "
            "a message sent on the first: the set of clients is shared by every server (a "
            "module-level or class-level set). Create it inside your server coroutine, so "
            "each server has its own")
        assert got_bob == b"room one only\n", f"bob received {got_bob!r}"

    _chat_case(candidate, scenario, rooms=2)


def case_chat_closes_departed(candidate):
    """a client that leaves gets its connection closed by the server"""
    async def scenario(room):
        for name in ("alice", "bob", "dave"):
            await room.join(name)
        room.clients["dave"].shutdown(socket.SHUT_WR)  # dave says goodbye: EOF
        await sleep(0.3)
        await room.say("alice", b"dave left\n")
        room.check_server_alive()
        try:
            got = await wait_for(room.loop.sock_recv(room.clients["dave"], 4096), 1.0)
        except TimeoutError:
            got = None
        except OSError:
            got = b""
        assert got == b"", (
            "dave shut down his side of the connection (the server's sock_recv returned "
            "b''), but his connection was not closed by the server"
            + (f": it even went on sending him messages ({got!r})" if got else "")
            + ". When sock_recv returns b'', the client has gone: close its socket and "
            "remove it from the set of clients")

    _chat_case(candidate, scenario)


def case_chat_big_message(candidate):
    """a message of 8 MiB reaches the others whole (sends can be partial)"""
    payload = bytes(range(256)) * 32768

    async def scenario(room):
        for name in ("alice", "bob"):
            await room.join(name)
        bob = room.clients["bob"]
        sender = room.loop.create_task(room.loop.sock_sendall(room.clients["alice"],
                                                              payload))
        await sleep(0.3)  # bob is slow to read: the server's sends fill his buffers
        carol = await room.join("carol")  # carol joins while the broadcast is under way
        reading = room.loop.create_task(_drain(room.loop, carol, len(payload)))
        got = b""
        while len(got) < len(payload):
            try:
                chunk = await wait_for(room.loop.sock_recv(bob, 65536), 1.0)
            except TimeoutError:
                break
            if not chunk:
                break
            got += chunk
        sender.cancel()
        reading.cancel()
        room.check_server_alive()
        assert got == payload, (
            f"alice sent 8 MiB; bob received {len(got)} bytes"
            + (" in a different order" if len(got) == len(payload) else "")
            + (" and some of them out of order (did several sends to bob run at once, in "
               "separate tasks? Send to each client in order, one message after another)"
               if got != payload[:len(got)] else "")
            + ". The kernel takes only what fits in its buffer: sock.send() may send part "
            "of the data, or raise BlockingIOError. Forward with `await "
            "loop.sock_sendall(other, data)`, which waits until everything is sent")

    _chat_case(candidate, scenario)


def _peer(fileobj):
    """The remote address of a registered fd (or socket), or None."""
    if isinstance(fileobj, socket.socket):
        sock, borrowed = fileobj, False
    else:
        try:
            sock, borrowed = socket.socket(fileno=fileobj), True
        except (OSError, TypeError, ValueError):
            return None
    try:
        return sock.getpeername()
    except OSError:
        return None
    finally:
        if borrowed:
            sock.detach()  # the fd stays the server's


def _writer_waiting_for(loop, client):
    """Is the loop waiting to write to the server's end of ``client``'s connection?"""
    address = client.getsockname()
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return False
    for key in list(selector.get_map().values()):
        if key.events & selectors.EVENT_WRITE and _peer(key.fileobj) == address:
            return True
    return False


def _reset(sock):
    """Close ``sock`` with a reset (RST) instead of a goodbye (FIN)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def case_chat_reset_mid_send(candidate):
    """a client that resets while a message to it is on its way does not break the room"""
    payload = bytes(range(256)) * 4096  # 1 MiB: more than a slow reader's buffers hold

    async def scenario(room):
        loop = room.loop
        alice = await room.join("alice")
        bob = await room.join("bob")
        eve = await room.join("eve", rcvbuf=4096)  # eve never reads: sends to her fill up
        reading = loop.create_task(_drain(loop, alice, len(payload)))
        sending = loop.create_task(loop.sock_sendall(bob, payload))
        for _ in range(200):  # until the server waits to write the rest to eve
            if _writer_waiting_for(loop, eve):
                break
            await sleep(0.01)
        _reset(room.clients.pop("eve"))
        try:
            await wait_for(sending, 2.0)
            got = await wait_for(reading, 2.0)
        except (OSError, TimeoutError):
            got = None
        finally:
            sending.cancel()
            reading.cancel()
        room.check_server_alive()
        assert got == payload, (
            "bob sent 1 MiB while eve, who was not reading, reset her connection (the "
            "server's send to her was under way); alice then received "
            + ("nothing more and bob lost his connection" if got is None else
               f"{len(got)} bytes of it")
            + ". A send to a client that has just left raises an OSError: catch it around "
            "that send, drop that client and go on with the others")
        await room.say("alice", b"still here\n")
        got_bob = await room.heard_all("bob")
        assert got_bob == b"still here\n", (
            f"after eve reset her connection, bob received {got_bob!r} instead of alice's "
            "b'still here\\n'. A send to a client that has just left raises an OSError: "
            "catch it around that send, drop that client and go on with the others")

    _chat_case(candidate, scenario, sndbuf=16384, sends_only=True)


chat_exercise = Exercise(
    "chat_server",
    cases=[case_chat_reaches_others, case_chat_two_servers, case_chat_not_to_sender,
           case_chat_client_leaves, case_chat_many_messages, case_chat_closes_departed,
           case_chat_big_message, case_chat_reset_mid_send],
    hint=[
        "Keep a set of connected client sockets. The main coroutine accepts forever "
        "(await loop.sock_accept(listener)) and starts one task per client with "
        "loop.create_task(serve(conn)), so it never waits for one client.",
        "serve(conn) adds conn to the set, then loops: data = await loop.sock_recv(conn, "
        "4096); b'' means the client left. Otherwise await loop.sock_sendall(other, data) "
        "for every other socket in the set.",
        "In a finally: block, remove conn from the set and close it. A send to a client "
        "that has just left can raise an OSError: catch it and drop that client.",
    ],
    solution=chat_server,
    timeout=10.0,
)


# ===========================================================================
# Exercise 3: a port checker with timeouts
# ===========================================================================


async def check_ports(loop, host, ports, timeout):
    """``{port: 'open' | 'closed' | 'timeout'}`` for every port, probed concurrently."""
    async def probe(port):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await wait_for(loop.sock_connect(sock, (host, port)), timeout)
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "closed"
        finally:
            sock.close()
        return "open"

    tasks = {port: loop.create_task(probe(port)) for port in ports}  # all start now
    return {port: await task for port, task in tasks.items()}


@contextlib.contextmanager
def _port_zoo(n_open=1, n_closed=1, n_silent=1):
    """Ports on 127.0.0.1 that are open, closed, or never answer (a full backlog)."""
    sockets = []
    try:
        open_ports, closed_ports, silent_ports = [], [], []
        for _ in range(n_open):
            s = socket.socket()
            sockets.append(s)
            s.bind((HOST, 0))
            s.listen(8)
            open_ports.append(s.getsockname()[1])
        for _ in range(n_closed):
            with socket.socket() as s:
                s.bind((HOST, 0))
                closed_ports.append(s.getsockname()[1])  # nobody listens there any more
        for _ in range(n_silent):
            # listen(0) queues one connection; with it taken, Linux drops further SYNs,
            # so a new connect() gets no answer at all until it gives up.
            s = socket.socket()
            sockets.append(s)
            s.bind((HOST, 0))
            s.listen(0)
            port = s.getsockname()[1]
            filler = socket.socket()
            sockets.append(filler)
            filler.connect((HOST, port))
            silent_ports.append(port)
        yield open_ports, closed_ports, silent_ports
    finally:
        for s in sockets:
            s.close()


def _ports_run(candidate, ports, timeout):
    async def main(loop):
        start = loop.time()
        result = await candidate(loop, HOST, ports, timeout)
        return result, loop.time() - start

    # A refusal travels through the kernel's loopback like a packet: give it a generous
    # real 0.25 s before virtual time jumps to the timeout, even on a loaded machine.
    return _run(main, autojump=0.25)


def _expect_states(result, expected):
    assert isinstance(result, dict), f"check_ports should return a dict, got {result!r}"
    for port, state in expected.items():
        got = result.get(port, "<missing>")
        hint = ""
        if state != "open" and got == "open":
            hint = (". A port nobody listens on came out 'open': did you reuse one socket "
                    "for several ports? A socket connects only once: make a new socket "
                    "for every port")
        assert got == state, (f"port {port} should be {state!r}, got {got!r} "
                              f"(the whole answer: {result!r}){hint}")


def case_ports_open_closed(candidate):
    """an open port is 'open' and a port nobody listens on is 'closed'"""
    with _port_zoo(n_open=1, n_closed=1, n_silent=0) as (opened, closed, _):
        result, elapsed = _ports_run(candidate, opened + closed, 1.0)
    expected = {opened[0]: "open", closed[0]: "closed"}
    _expect_states(result, {})  # a dict?
    if result.get(closed[0]) == "timeout":
        raise AssertionError(
            f"port {closed[0]} is closed, but you reported 'timeout'. A refused connection "
            "raises ConnectionRefusedError from sock_connect: catch it and answer 'closed'")
    _expect_states(result, expected)
    assert elapsed < 0.5, (
        f"both ports answered at once, yet check_ports took {elapsed:.1f} s of loop time "
        "with a 1.0 s timeout: it waited for the timeout anyway. wait_for(..., timeout) "
        "returns as soon as the connect finishes; the timeout is only a limit")


def case_ports_timeout(candidate):
    """a port that never answers is 'timeout', after the timeout and no later"""
    with _port_zoo(n_open=0, n_closed=0, n_silent=1) as (_, _, silent):
        result, elapsed = _ports_run(candidate, silent, 2.0)
    _expect_states(result, {silent[0]: "timeout"})
    assert elapsed <= 2.5, (f"the check took {elapsed:.1f} s (loop time) with a 2.0 s "
                            "timeout: wrap each sock_connect in wait_for(..., timeout)")


def case_ports_concurrent(candidate):
    """probes all ports at the same time: three silent ports take one timeout, not three"""
    with _port_zoo(n_open=1, n_closed=1, n_silent=3) as (opened, closed, silent):
        ports = silent[:1] + opened + silent[1:2] + closed + silent[2:]
        result, elapsed = _ports_run(candidate, ports, 1.0)
    _expect_states(result, {p: "timeout" for p in silent} | {opened[0]: "open",
                                                             closed[0]: "closed"})
    assert list(result) == ports, (f"keep the ports in the order given: {ports}, "
                                   f"got {list(result)}")
    assert elapsed < 1.5, (f"three silent ports took {elapsed:.1f} s with a 1.0 s timeout: "
                           "they were probed one after another. Start one task per port "
                           "(loop.create_task) before awaiting any of them")


def case_ports_close_sockets(candidate):
    """closes every socket it opened"""
    before = _open_socket_fds()
    with _port_zoo(n_open=1, n_closed=1, n_silent=1) as (opened, closed, silent):
        zoo = _open_socket_fds()
        _ports_run(candidate, opened + closed + silent, 0.5)
        after = _open_socket_fds()
    if before is None:
        return  # no /proc here: nothing to count
    leaked = after - zoo
    assert leaked <= 0, (f"{leaked} socket(s) are still open after check_ports returned (not "
                         "closed): close each probe socket in a finally: block, whatever the "
                         "outcome. If you gave up on a probe (asyncio.wait with a timeout), "
                         "cancel it: a task left pending keeps its socket open")


ports_exercise = Exercise(
    "check_ports",
    cases=[case_ports_open_closed, case_ports_timeout, case_ports_concurrent,
           case_ports_close_sockets],
    hint=[
        "Write probe(port): a non-blocking socket, then await wait_for(loop.sock_connect("
        "sock, (host, port)), timeout). Success means 'open', ConnectionRefusedError "
        "'closed', TimeoutError 'timeout'. Close the socket in a finally: block.",
        "To probe all ports at once, create every task first: tasks = [loop.create_task("
        "probe(p)) for p in ports], and only then await them one by one, in order.",
    ],
    solution=check_ports,
)


# ===========================================================================
# Exercise 4: an HTTP/1.0 GET client
# ===========================================================================


async def http_get(loop, host, port, path):
    """GET ``path`` over HTTP/1.0; return ``(status, headers, body)``.

    ``headers`` maps lower-cased names to values.  HTTP/1.0 closes the
    connection after the response, so the body is everything up to EOF.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        request = f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n"
        await loop.sock_sendall(sock, request.encode("ascii"))
        chunks = []
        while chunk := await loop.sock_recv(sock, 65536):
            chunks.append(chunk)
    finally:
        sock.close()
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("iso-8859-1").split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


BIG_BODY = b"".join(b"line %05d of a long page\n" % i for i in range(8000))  # ~200 kB


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    timeout = 5  # a client that never finishes its request cannot keep a thread forever

    def do_GET(self):
        self.server.requests.append((self.requestline, dict(self.headers)))
        if self.path == "/hello":
            self._reply(200, b"Hello from 127.0.0.1!\n")
        elif self.path == "/blank":
            self._reply(200, b"first paragraph\r\n\r\nsecond paragraph\n")
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(BIG_BODY)))
            self.end_headers()
            for i in range(0, len(BIG_BODY), 50_000):  # in pieces, with pauses between
                self.wfile.write(BIG_BODY[i:i + 50_000])
                self.wfile.flush()
                # 0.6 s in all: a client that waits in a blocking recv() holds the
                # loop that long, which the checker's watchdog reports.
                time.sleep(0.15)
        else:
            self._reply(404, b"Not found\n")

    def _reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Toyloop", "chapter 3")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # keep the notebook quiet


@contextlib.contextmanager
def local_http_server():
    """A tiny HTTP/1.0 server on 127.0.0.1 in a thread; yields ``(host, port, server)``.

    Paths: ``/hello`` (a short page), ``/big`` (about 200 kB, sent in pieces) and
    anything else (404).  ``server.requests`` lists ``(request line, headers)``.
    The server and its thread are gone when the ``with`` block ends.
    """
    server = http.server.ThreadingHTTPServer((HOST, 0), _Handler)
    server.daemon_threads = True
    # A client that hangs up early (a wrong answer) is not the server's error: no
    # traceback printed into the learner's notebook.
    server.handle_error = lambda request, client_address: None
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="local-http-server")
    thread.start()
    try:
        yield HOST, server.server_address[1], server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _http_run(candidate, path):
    with local_http_server() as (host, port, server):
        async def main(loop):
            return await wait_for(candidate(loop, host, port, path), 4.0)

        try:
            result = _run(main, real_time=True)
        except TimeoutError:
            raise AssertionError(
                "no complete response within 4 s. Does your request end with an empty "
                "line (\\r\\n\\r\\n)? The server waits for it before answering. And do you "
                "read until sock_recv returns b''?") from None
        requests = list(server.requests)
    assert isinstance(result, tuple) and len(result) == 3, (
        f"http_get should return (status, headers, body), got {result!r:.200}")
    return result, requests


def case_http_hello(candidate):
    """GET /hello: status 200, the headers, and the body"""
    (status, headers, body), requests = _http_run(candidate, "/hello")
    assert requests, "the server received no complete request"
    line, _ = requests[0]
    assert line == "GET /hello HTTP/1.0", f"the request line was {line!r}"
    assert status == 200, f"status should be the int 200, got {status!r}"
    lowered = {str(k).lower(): v for k, v in dict(headers).items()}
    dirty = {k: v for k, v in lowered.items() if isinstance(v, str) and ("\r" in v or
                                                                       "\n" in v)}
    assert not dirty, (
        f"some header values still end with a line break: {dirty!r}. HTTP lines end with "
        "b'\\r\\n': split the head at '\\r\\n', not at '\\n' alone")
    assert lowered.get("content-type") == "text/plain", (
        f"the content-type header should be 'text/plain'; got {lowered.get('content-type')!r}")
    assert lowered.get("x-toyloop") == "chapter 3", (
        f"headers should map names to values, e.g. 'x-toyloop' -> 'chapter 3'; got {headers!r}")
    in_head = any("hello from" in f"{k}{v}".lower() for k, v in dict(headers).items())
    if body != b"Hello from 127.0.0.1!\n" and in_head:
        raise AssertionError(
            f"the body is {body!r} and the page's text ended up among the headers: the head "
            "and the body were not split where they meet. HTTP ends every line with "
            "b'\\r\\n', so the empty line between them is b'\\r\\n\\r\\n' (a split at "
            "b'\\n\\n' never finds it): split at the first b'\\r\\n\\r\\n'")
    if body != b"Hello from 127.0.0.1!\n" and b"Hello from 127.0.0.1!\n".startswith(body):
        raise AssertionError(
            f"the body is {body!r}, only the start of b'Hello from 127.0.0.1!\\n'. One "
            "sock_recv returns what has arrived so far (here: the headers, sent first): "
            "keep reading until it returns b''")
    assert body == b"Hello from 127.0.0.1!\n", (
        f"body should be b'Hello from 127.0.0.1!\\n' (bytes, without the headers); "
        f"got {body!r:.120}")


def case_http_host_header(candidate):
    """sends a Host header (HTTP/1.0 allows leaving it out; real servers need it)"""
    _, requests = _http_run(candidate, "/hello")
    assert requests, "the server received no complete request"
    _, headers = requests[0]
    assert any(k.lower() == "host" for k in headers), (
        f"the request had no Host header (it had {sorted(headers)}): add 'Host: host:port'")


def case_http_big_body(candidate):
    """GET /big: a 200 kB body sent in pieces arrives whole"""
    (status, headers, body), _ = _http_run(candidate, "/big")
    if not body and any("long page" in f"{k}{v}".lower() for k, v in dict(headers).items()):
        raise AssertionError(
            "the body is empty and the page's text ended up among the headers: the head "
            "and the body were not split where they meet. HTTP ends every line with "
            "b'\\r\\n', so the empty line between them is b'\\r\\n\\r\\n' (a split at "
            "b'\\n\\n' never finds it): split at the first b'\\r\\n\\r\\n'")
    assert status == 200, f"status should be the int 200, got {status!r}"
    if isinstance(body, bytes) and body.endswith(BIG_BODY) and body.startswith(b"HTTP/"):
        raise AssertionError(
            "the body starts with the status line and the headers: return only what comes "
            "after the first b'\\r\\n\\r\\n', without the headers")
    assert body == BIG_BODY, (
        f"the body has {len(body)} bytes, expected {len(BIG_BODY)}. One sock_recv returns "
        "what has arrived so far, not the whole response: keep reading until it returns b''")


def case_http_blank_line_in_body(candidate):
    """a body that itself contains a blank line arrives whole"""
    (status, _headers, body), _ = _http_run(candidate, "/blank")
    expected = b"first paragraph\r\n\r\nsecond paragraph\n"
    assert body == expected, (
        f"the body should be {expected!r}; got {body!r}. The head ends at the *first* "
        "b'\\r\\n\\r\\n'; everything after it is the body, blank lines included: "
        "response.partition(b'\\r\\n\\r\\n') (or split with maxsplit=1)")


def case_http_not_found(candidate):
    """GET /missing: status 404 is returned, not raised"""
    (status, _headers, body), _ = _http_run(candidate, "/missing")
    assert status == 404, f"status should be 404, got {status!r}"
    assert body == b"Not found\n", f"body should be b'Not found\\n', got {body!r}"


http_exercise = Exercise(
    "http_get",
    cases=[case_http_big_body, case_http_hello, case_http_host_header, case_http_not_found,
           case_http_blank_line_in_body],
    hint=[
        "Connect a non-blocking socket with loop.sock_connect, then send b'GET /path "
        "HTTP/1.0\\r\\nHost: host:port\\r\\n\\r\\n' with loop.sock_sendall.",
        "An HTTP/1.0 server closes the connection after the response, so read with "
        "loop.sock_recv until it returns b'' and join the pieces.",
        "Split the response at the first b'\\r\\n\\r\\n': the head is the status line "
        "('HTTP/1.0 200 OK': the status is the second word, as an int) and 'Name: value' "
        "lines; the rest is the body, as bytes.",
    ],
    solution=http_get,
    timeout=10.0,
)

