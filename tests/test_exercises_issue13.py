"""Issue 13's lists, as tests: wrong answers the checkers used to accept, right
answers they used to reject, and messages that pointed the wrong way.

Each wrong answer is written as a learner would; the test asserts on the words
that name its mistake.  Blocking answers block for about a second: the budget is
a quarter of a second, so the margin is wide.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import concurrent.futures
import contextvars
import functools
import heapq
import queue
import socket
import threading
import time

import pytest

from toyloop.ch2_futures import Handle, TimerHandle
from toyloop.exercises import ch0, ch1, ch3, ch4, ch5, ch6
from toyloop.tools.checker import CORRECT, INCORRECT

# -- chapter 0: the warm-up ---------------------------------------------------------------


async def warm_constant(x):
    await asyncio.sleep(1)
    return 42


async def warm_time_sleep(x):
    time.sleep(1)
    return 2 * x


async def warm_ten_tenths(x):
    for _ in range(10):
        await asyncio.sleep(0.1)  # 0.9999999999999999 s: right all the same
    return 2 * x


# -- chapter 1 -------------------------------------------------------------------------


def rr_swallows(*generators):
    yielded, returned = [], [None] * len(generators)
    turns = list(enumerate(generators))
    while turns:
        still = []
        for index, gen in turns:
            try:
                yielded.append(next(gen))
            except StopIteration as stop:
                returned[index] = stop.value
            except Exception:
                pass  # a broken generator is dropped
            else:
                still.append((index, gen))
        turns = still
    return yielded, returned


def rr_none_ends(*generators):
    yielded, returned = [], [None] * len(generators)
    turns = list(enumerate(generators))
    while turns:
        still = []
        for index, gen in turns:
            try:
                value = next(gen)
            except StopIteration as stop:
                returned[index] = stop.value
                continue
            if value is None:  # "nothing more from this one"
                continue
            yielded.append(value)
            still.append((index, gen))
        turns = still
    return yielded, returned


class EventSharedWaiters:
    _waiters: list = []  # one list for every Event

    def __init__(self):
        self._flag = False

    def is_set(self):
        return self._flag

    def set(self):
        if self._flag:
            return
        self._flag = True
        for task in self._waiters:
            task.loop.call_soon(task.step)
        self._waiters.clear()

    def wait(self):
        if not self._flag:
            yield self._waiters.append
        return True


CASES = [
    # (exercise, answer, expected status, words the message must contain)
    (ch0.warm_up, warm_constant, INCORRECT, "not a constant"),
    (ch0.warm_up, warm_time_sleep, INCORRECT, "`time.sleep(...)`"),
    (ch0.warm_up, warm_ten_tenths, CORRECT, ""),
    (ch1.round_robin_exercise, rr_swallows, INCORRECT, "swallowed the error"),
    (ch1.round_robin_exercise, rr_none_ends, INCORRECT, "None is a value"),
    (ch1.event_exercise, EventSharedWaiters, INCORRECT, "not as a class attribute"),
]


# -- chapter 3: sock_sendall -------------------------------------------------------------


async def sendall_delegates(loop, sock, data):
    await loop.sock_sendall(sock, data)


async def sendall_no_finally(loop, sock, data):
    view = memoryview(data)
    sent = 0
    done = loop.create_future()

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            return
        except OSError as exc:
            loop.remove_writer(sock)
            done.set_exception(exc)
            return
        if sent == len(view):
            loop.remove_writer(sock)
            done.set_result(None)

    loop.add_writer(sock, on_writable)
    await done  # cancelled here: the writer stays


async def sendall_swallows_oserror(loop, sock, data):
    view = memoryview(data)
    sent = 0
    done = loop.create_future()

    def on_writable():
        nonlocal sent
        try:
            sent += sock.send(view[sent:])
        except OSError:
            return  # try again later
        if sent == len(view):
            loop.remove_writer(sock)
            done.set_result(None)

    loop.add_writer(sock, on_writable)
    try:
        await done
    finally:
        loop.remove_writer(sock)


def blocking_sendall(loop, sock, data):
    async def run():
        sock.setblocking(True)
        sock.sendall(data)
        sock.setblocking(False)
    return run()


CASES += [
    (ch3.sendall_exercise, sendall_delegates, INCORRECT, "this exercise is to build it"),
    (ch3.sendall_exercise, sendall_no_finally, INCORRECT, "Remove the writer in a `finally:`"),
    (ch3.sendall_exercise, sendall_swallows_oserror, INCORRECT, "your code swallowed it"),
    (ch3.sendall_exercise, blocking_sendall, INCORRECT, "blocked the loop"),
]


# -- chapter 3: the chat server ---------------------------------------------------------


async def chat_plain_send(loop, listener):
    clients = set()

    async def serve(conn):
        clients.add(conn)
        try:
            while data := await loop.sock_recv(conn, 4096):
                for other in list(clients):
                    if other is not conn:
                        try:
                            other.send(data)  # no partial sends handled
                        except OSError:
                            clients.discard(other)
        finally:
            clients.discard(conn)
            conn.close()

    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(conn))


async def chat_never_closes(loop, listener):
    clients = set()

    async def serve(conn):
        clients.add(conn)
        while data := await loop.sock_recv(conn, 4096):
            for other in list(clients):
                if other is not conn:
                    try:
                        await loop.sock_sendall(other, data)
                    except OSError:
                        clients.discard(other)
        clients.discard(conn)  # forgotten, never closed

    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(conn))


CASES += [
    (ch3.chat_exercise, chat_plain_send, INCORRECT, "sends can be partial"),
    (ch3.chat_exercise, chat_never_closes, INCORRECT, "not closed"),
]


# -- chapter 4 ---------------------------------------------------------------------------

_own_pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="learners-pool")


async def to_thread_own_pool(func, /, *args, **kwargs):
    context = contextvars.copy_context()
    job = _own_pool.submit(functools.partial(context.run, func, *args, **kwargs))
    return await asyncio.wrap_future(job)


async def collect_join_after(loop, produce, n):
    items = []
    done = loop.create_future()

    def receive(item):
        items.append(item)
        if len(items) == n:
            done.set_result(None)

    worker = threading.Thread(target=produce, args=(lambda i: loop.call_soon_threadsafe(
        receive, i),))
    worker.start()
    await done
    worker.join()  # blocks the loop while the thread tidies up
    return items


async def collect_polls_queue(loop, produce, n):
    q = queue.Queue()
    worker = threading.Thread(target=produce, args=(q.put,))
    worker.start()
    items = []
    while len(items) < n:
        try:
            items.append(q.get_nowait())
        except queue.Empty:
            await asyncio.sleep(0.01)
    await loop.run_in_executor(None, worker.join)
    return items


async def hash_with_map(loop, paths, executor):
    return dict(zip(paths, executor.map(ch4.sha256_file, paths), strict=True))


async def hash_result_on_loop(loop, paths, executor):
    return {p: executor.submit(ch4.sha256_file, p).result() for p in paths}


async def hash_local_helper(loop, paths, executor):
    def digest(path):  # defined here: a process pool cannot pickle it
        return ch4.sha256_file(path)
    futures = [loop.run_in_executor(executor, digest, p) for p in paths]
    return dict(zip(paths, [await f for f in futures], strict=True))


CASES += [
    (ch4.to_thread_exercise, to_thread_own_pool, CORRECT, ""),
    (ch4.handoff_exercise, collect_join_after, INCORRECT, "`thread.join()`"),
    (ch4.handoff_exercise, collect_polls_queue, INCORRECT, "your coroutine polls"),
    (ch4.hash_exercise, hash_with_map, INCORRECT, "`executor.map(...)`"),
    (ch4.hash_exercise, hash_result_on_loop, INCORRECT, "`Future.result()`"),
    (ch4.hash_exercise, hash_local_helper, INCORRECT, "could not pickle"),
]


# -- chapter 5 ---------------------------------------------------------------------------


class LinesEofReturnsTrue(ch5.LineCollector):
    """The pattern chapter 5 teaches: close, then return True."""

    def connection_made(self, transport):
        self.transport = transport

    def eof_received(self):
        super().eof_received()
        self.transport.close()
        return True


class LinesEmptyAtEof(ch5.LineCollector):
    def eof_received(self):
        self.lines.append(bytes(self._buffer))  # even when nothing is left
        self._buffer.clear()


class ProducerCallSoon(ch5.Producer):
    def connection_made(self, transport):
        self.transport = transport
        asyncio.get_running_loop().call_soon(self._write_more)

    def resume_writing(self):
        self.paused = False
        asyncio.get_running_loop().call_soon(self._write_more)


class ProducerClosesEarly(ch5.Producer):
    def connection_made(self, transport):
        self.transport = transport
        while not self.paused and self.sent < self.total:
            transport.write(b"p" * self.chunk)
            self.sent += self.chunk
        transport.close()  # "close() flushes anyway"

    def _write_more(self):
        while not self.paused and self.sent < self.total:
            self.transport.write(b"p" * self.chunk)
            self.sent += self.chunk


async def kv_no_drain(reader, writer, store):
    while line := await reader.readline():
        command, _, rest = line.decode().strip().partition(" ")
        key, _, value = rest.partition(" ")
        if command == "SET":
            store[key] = value
            answer = "OK"
        elif command == "GET":
            answer = store.get(key, "NOT_FOUND")
        elif command == "DEL":
            answer = "DELETED" if store.pop(key, None) is not None else "NOT_FOUND"
        else:
            answer = "ERROR unknown command"
        writer.write(answer.encode() + b"\n")  # no drain
    writer.close()


CASES += [
    (ch5.line_exercise, LinesEofReturnsTrue, CORRECT, ""),
    (ch5.line_exercise, LinesEmptyAtEof, INCORRECT, "only if it is not empty"),
    (ch5.producer_exercise, ProducerCallSoon, CORRECT, ""),
    (ch5.producer_exercise, ProducerClosesEarly, INCORRECT, "close it only once"),
    (ch5.kv_exercise, kv_no_drain, INCORRECT, "await writer.drain()"),
]


# -- chapter 6 ---------------------------------------------------------------------------


def call_soon_extend(self, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready.extend((handle,))  # O(1): one element
    return handle


def call_soon_iadd(self, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready += [handle]
    return handle


def call_soon_rebuild(self, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    self._ready = collections.deque([*self._ready, handle])
    return handle


def call_soon_checks_duplicates(self, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    handle = Handle(callback, args, self, context)
    if handle not in self._ready:
        self._ready.append(handle)
    return handle


def call_at_as_delay(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(self.time() + when, callback, args, self, context)
    heapq.heappush(self._scheduled, (timer.when(), self._timer_seq(), timer))
    timer._scheduled = True
    return timer


def call_at_heapify(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    self._scheduled.append((when, self._timer_seq(), timer))
    heapq.heapify(self._scheduled)
    timer._scheduled = True
    return timer


def call_at_sorted(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    self._scheduled[:] = sorted(self._scheduled + [(when, self._timer_seq(), timer)])
    timer._scheduled = True
    return timer


def call_at_insort(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    bisect.insort(self._scheduled, (when, self._timer_seq(), timer))
    timer._scheduled = True
    return timer


def call_at_no_seq(self, when, callback, *args, context=None):
    if self._closed:
        raise RuntimeError("Event loop is closed")
    timer = TimerHandle(when, callback, args, self, context)
    heapq.heappush(self._scheduled, (when, timer))
    timer._scheduled = True
    return timer


CASES += [
    (ch6.call_soon_exercise, call_soon_extend, CORRECT, ""),
    (ch6.call_soon_exercise, call_soon_iadd, CORRECT, ""),
    (ch6.call_soon_exercise, call_soon_rebuild, INCORRECT, "builds a new queue"),
    (ch6.call_soon_exercise, call_soon_checks_duplicates, INCORRECT, "grows with the queue"),
    (ch6.call_at_exercise, call_at_as_delay, INCORRECT, "`when` is not a delay"),
    (ch6.call_at_exercise, call_at_heapify, INCORRECT, "grows with the number of timers"),
    (ch6.call_at_exercise, call_at_sorted, INCORRECT, "grows with the number of timers"),
    (ch6.call_at_exercise, call_at_insort, INCORRECT, "grows with the number of timers"),
    (ch6.call_at_exercise, call_at_no_seq, INCORRECT, "(when, seq, timer)"),
]


# -- chapter 3: ports and HTTP -----------------------------------------------------------


async def http_split_lf(loop, host, port, path):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (host, port))
        await loop.sock_sendall(sock, f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := await loop.sock_recv(sock, 65536):
            data += chunk
    finally:
        sock.close()
    head, _, body = data.partition(b"\n\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


async def http_blocking(loop, host, port, path):
    with socket.create_connection((host, port)) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = {n.strip().lower(): v.strip() for n, _, v in
               (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


async def ports_blocking(loop, host, ports, timeout):
    result = {}
    for port in ports:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result[port] = "open"
        except ConnectionRefusedError:
            result[port] = "closed"
        except TimeoutError:
            result[port] = "timeout"
    return result


CASES += [
    (ch3.http_exercise, http_split_lf, INCORRECT, "split at the first"),
    (ch3.http_exercise, http_blocking, INCORRECT, "blocked the loop"),
    (ch3.ports_exercise, ports_blocking, INCORRECT, "socket.create_connection"),
]


@pytest.mark.parametrize(("exercise", "answer", "status", "words"), CASES,
                         ids=[f"{c[0].name}-{c[1].__name__}" for c in CASES])
def test_issue_13_answer(exercise, answer, status, words):
    result = exercise.run(answer)
    assert result.status == status, str(result)
    assert words in str(result), str(result)
