"""Chapters 3 and 4 exercises: every checker passes its reference solution, reports a
stub as "not attempted", and fails each answer of a corpus of plausible wrong ones --
at the case meant to catch it, with a message that points at the mistake.

Wrong answers that hang are checked with a copy of the exercise whose per-case
time limit is short, so that no test here takes more than a few seconds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import socket
import threading

import pytest

from toyloop.ch2_futures import sleep, wait_for
from toyloop.exercises import ch3, ch4
from toyloop.exercises.ch4 import sha256_file
from toyloop.tools.checker import CORRECT, INCORRECT, NOT_ATTEMPTED, TIMED_OUT, Exercise

EXERCISES = {
    "sock_sendall": ch3.sendall_exercise,
    "chat_server": ch3.chat_exercise,
    "check_ports": ch3.ports_exercise,
    "http_get": ch3.http_exercise,
    "to_thread": ch4.to_thread_exercise,
    "hash_files": ch4.hash_exercise,
    "collect_from_thread": ch4.handoff_exercise,
}


def _short(ex: Exercise, timeout: float) -> Exercise:
    return Exercise(ex.name, ex.cases, hint=ex.hints, solution=ex.reference, timeout=timeout)


# ---------------------------------------------------------------------------
# References and stubs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_reference_passes(name):
    ex = EXERCISES[name]
    result = ex.run(ex.reference)
    assert result.status == CORRECT, str(result)
    assert result.n_cases >= 4


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_stub_is_not_attempted(name):
    async def stub(*args, **kwargs):
        raise NotImplementedError

    result = EXERCISES[name].run(stub)
    assert result.status == NOT_ATTEMPTED, str(result)


def test_every_exercise_has_hints_and_solution_source():
    for ex in EXERCISES.values():
        assert ex.hints, ex.name
        assert "async def" in ex.solution_source(), ex.name


# ---------------------------------------------------------------------------
# Chapter 3: the wrong-answer corpus
# ---------------------------------------------------------------------------


async def sendall_single_send(loop, sock, data):
    sock.send(data)  # whatever the kernel does not take is lost


async def sendall_restarts(loop, sock, data):
    done = loop.create_future()
    total = 0

    def on_writable():
        nonlocal total
        try:
            total += sock.send(data)  # from the start again: duplicates
        except BlockingIOError:
            return
        if total >= len(data):
            loop.remove_writer(sock)
            done.set_result(None)

    loop.add_writer(sock, on_writable)
    await done


async def sendall_busy_wait(loop, sock, data):
    view, sent = memoryview(data), 0
    while sent < len(view):
        try:
            sent += sock.send(view[sent:])
        except BlockingIOError:
            await sleep(0)  # retry at once: spins while the buffer is full


def _sendall_with(remove: bool, on_error: str):
    async def sendall(loop, sock, data):
        view, sent = memoryview(data), 0
        done = loop.create_future()

        def on_writable():
            nonlocal sent
            if done.done():
                return
            try:
                sent += sock.send(view[sent:])
            except BlockingIOError:
                return
            except OSError as exc:
                if on_error == "raise":
                    done.set_exception(exc)
                elif on_error == "swallow":
                    done.set_result(None)
                return  # "ignore": stay registered forever
            if sent == len(view):
                if remove:
                    loop.remove_writer(sock)
                done.set_result(None)

        loop.add_writer(sock, on_writable)
        try:
            await done
        finally:
            if remove:
                loop.remove_writer(sock)

    return sendall


async def sendall_blocking(loop, sock, data):
    sock.setblocking(True)
    sock.sendall(data)  # blocks the loop: the reader task never runs


SENDALL_WRONG = [
    (sendall_single_send, INCORRECT, "slow reader", "only"),
    (sendall_restarts, INCORRECT, "slow reader", "sent twice"),
    (sendall_busy_wait, INCORRECT, "instead of retrying", "busy"),
    (_sendall_with(remove=False, on_error="raise"), INCORRECT,
     "small payload|no writer registered|instead of retrying", "writer is still registered"),
    (_sendall_with(remove=True, on_error="swallow"), INCORRECT, "peer has gone away",
     "returned normally"),
    (_sendall_with(remove=True, on_error="ignore"), INCORRECT, "peer has gone away",
     "your code swallowed it"),  # the writer of a broken socket fires every iteration
    (sendall_blocking, INCORRECT, "slow reader", "blocked the loop"),
]


async def chat_echo_to_all(loop, listener):
    clients = set()

    async def serve(conn):
        clients.add(conn)
        try:
            while data := await loop.sock_recv(conn, 4096):
                for other in list(clients):  # the sender too
                    await loop.sock_sendall(other, data)
        finally:
            clients.discard(conn)
            conn.close()

    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(conn))


async def chat_one_at_a_time(loop, listener):
    clients = set()
    while True:
        conn, _ = await loop.sock_accept(listener)
        clients.add(conn)
        while data := await loop.sock_recv(conn, 4096):  # nobody else is accepted meanwhile
            for other in clients - {conn}:
                await loop.sock_sendall(other, data)
        clients.discard(conn)
        conn.close()


async def chat_no_cleanup(loop, listener):
    clients = []

    async def serve(conn):
        clients.append(conn)
        while data := await loop.sock_recv(conn, 4096):
            for other in clients:
                if other is not conn:
                    await loop.sock_sendall(other, data)  # a departed client raises here

    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(conn))


async def chat_first_other_only(loop, listener):
    clients = []

    async def serve(conn):
        clients.append(conn)
        try:
            while data := await loop.sock_recv(conn, 4096):
                others = [c for c in clients if c is not conn]
                if others:
                    await loop.sock_sendall(others[0], data)
        finally:
            clients.remove(conn)
            conn.close()

    while True:
        conn, _ = await loop.sock_accept(listener)
        loop.create_task(serve(conn))


async def chat_blocking_accept(loop, listener):
    while True:
        conn, _ = listener.accept()  # a non-blocking listener: BlockingIOError
        conn.close()


CHAT_WRONG = [
    (chat_echo_to_all, INCORRECT, "does not get its own", "her own message"),
    (chat_one_at_a_time, INCORRECT, "reaches every other", "create_task"),
    (chat_no_cleanup, INCORRECT, "reaches every other|leaving does not break",
     "an OSError"),
    (chat_first_other_only, INCORRECT, "reaches every other", "expected b'hi all"),
    (chat_blocking_accept, INCORRECT, "reaches every other", "BlockingIOError"),
]


def _probe_ports(how):
    async def check(loop, host, ports, timeout):
        async def probe(port):
            sock = socket.socket()
            sock.setblocking(False)
            try:
                if how == "no timeout":
                    await loop.sock_connect(sock, (host, port))
                else:
                    await wait_for(loop.sock_connect(sock, (host, port)), timeout)
            except TimeoutError:
                return "timeout"
            except OSError:
                return "timeout" if how == "everything times out" else "closed"
            finally:
                if how != "leak":
                    sock.close()
            return "open"

        if how == "sequential":
            return {port: await probe(port) for port in ports}
        tasks = {port: loop.create_task(probe(port)) for port in ports}
        return {port: await task for port, task in tasks.items()}

    return check


_leaked: list = []


async def ports_leak(loop, host, ports, timeout):
    async def probe(port):
        sock = socket.socket()
        _leaked.append(sock)  # kept open (closed by the test afterwards)
        sock.setblocking(False)
        try:
            await wait_for(loop.sock_connect(sock, (host, port)), timeout)
        except TimeoutError:
            return "timeout"
        except OSError:
            return "closed"
        return "open"

    tasks = {port: loop.create_task(probe(port)) for port in ports}
    return {port: await task for port, task in tasks.items()}


async def ports_as_list(loop, host, ports, timeout):
    return list((await ch3.check_ports(loop, host, ports, timeout)).values())


PORTS_WRONG = [
    (_probe_ports("sequential"), INCORRECT, "at the same time", "one after another"),
    (_probe_ports("everything times out"), INCORRECT, "nobody listens", "ConnectionRefused"),
    (_probe_ports("no timeout"), TIMED_OUT, "never answers", "did not finish"),
    (ports_leak, INCORRECT, "nobody listens|closes every socket", "still open"),
    (ports_as_list, INCORRECT, "nobody listens", "should return a dict"),
]


def _http_client(request_line_end="\r\n\r\n", read="all", status_type=int,
                 split_body=True, host_header=True):
    async def get(loop, host, port, path):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, (host, port))
            request = f"GET {path} HTTP/1.0"
            if host_header:
                request += f"\r\nHost: {host}:{port}"
            await loop.sock_sendall(sock, (request + request_line_end).encode())
            if read == "once":
                raw = await loop.sock_recv(sock, 65536)
            else:
                chunks = []
                while chunk := await loop.sock_recv(sock, 65536):
                    chunks.append(chunk)
                raw = b"".join(chunks)
        finally:
            sock.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = status_type(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:])
        return status, headers, body if split_body else raw

    return get


HTTP_WRONG = [
    # One recv may get the headers only (/hello fails) or a first piece of /big.
    (_http_client(read="once"), INCORRECT, "GET /hello|GET /big", "keep reading"),
    (_http_client(status_type=str), INCORRECT, "GET /hello|GET /big", "the int 200"),
    (_http_client(split_body=False), INCORRECT, "GET /hello|GET /big", "without the headers"),
    (_http_client(host_header=False), INCORRECT, "Host header", "no Host header"),
    (_http_client(request_line_end="\r\n"), INCORRECT, "GET /hello|GET /big", "empty line"),
]


# ---------------------------------------------------------------------------
# Chapter 4: the wrong-answer corpus
# ---------------------------------------------------------------------------


async def to_thread_direct(func, /, *args, **kwargs):
    return func(*args, **kwargs)  # on the loop's thread


async def to_thread_drops_kwargs(func, /, *args, **kwargs):
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


async def to_thread_no_context(func, /, *args, **kwargs):
    call = functools.partial(func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(None, call)


async def to_thread_not_awaited(func, /, *args, **kwargs):
    call = functools.partial(func, *args, **kwargs)
    return asyncio.get_running_loop().run_in_executor(None, call)  # the future itself


async def to_thread_blocks(func, /, *args, **kwargs):
    context = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, func, *args, **kwargs).result()  # blocks the loop


TO_THREAD_WRONG = [
    (to_thread_direct, INCORRECT, "in another thread", "loop's own thread"),
    (to_thread_drops_kwargs, INCORRECT, "keyword arguments", "functools.partial"),
    (to_thread_no_context, INCORRECT, "context variables", "copy_context"),
    (to_thread_not_awaited, INCORRECT, "in another thread", "await the future"),
    (to_thread_blocks, INCORRECT, "keeps running callbacks", "blocked"),
]


async def hash_on_loop(loop, paths, executor):
    return {p: sha256_file(p) for p in paths}


async def hash_sequential(loop, paths, executor):
    return {p: await loop.run_in_executor(executor, sha256_file, p) for p in paths}


async def hash_lambda(loop, paths, executor):
    futures = {p: loop.run_in_executor(executor, lambda p=p: sha256_file(p)) for p in paths}
    return {p: await f for p, f in futures.items()}


async def hash_default_executor(loop, paths, executor):
    futures = {p: loop.run_in_executor(None, sha256_file, p) for p in paths}
    return {p: await f for p, f in futures.items()}


async def hash_as_list(loop, paths, executor):
    return list((await ch4.hash_files(loop, paths, executor)).values())


HASH_WRONG = [
    (hash_on_loop, INCORRECT, "in the executor it is given", "not on the loop's thread"),
    (hash_sequential, INCORRECT, "before waiting", "only one ran at a time"),
    (hash_lambda, INCORRECT, "process pool", "pickle"),
    (hash_default_executor, INCORRECT, "in the executor it is given", "executor you were"),
    (hash_as_list, INCORRECT, "sha256 hex digest", "should return a dict"),
]


def _collector(emit_how="threadsafe", join="executor"):
    async def collect(loop, produce, n):
        items = []
        done = loop.create_future()

        def receive(item):
            items.append(item)
            if len(items) == n and not done.done():
                done.set_result(None)

        def emit(item):
            if emit_how == "call_soon":
                loop.call_soon(receive, item)
            elif emit_how == "set_result":  # touch the loop's future from the thread
                items.append(item)
                if len(items) == n:
                    done.set_result(None)
            else:
                loop.call_soon_threadsafe(receive, item)

        worker = threading.Thread(target=produce, args=(emit,))
        worker.start()
        if join == "blocking":
            worker.join()  # blocks the loop while the thread works
        await done
        if join == "executor":
            await loop.run_in_executor(None, worker.join)
        return items

    return collect


HANDOFF_WRONG = [
    (_collector(emit_how="call_soon"), INCORRECT, "in the order", "call_soon_threadsafe"),
    (_collector(emit_how="set_result"), INCORRECT, "in the order", "Non-thread-safe"),
    (_collector(join="blocking"), INCORRECT, "returns every item|keeps running while",
     "blocked the loop"),
    (_collector(join="none"), INCORRECT, "waits for the worker", "still running"),
]


CORPUS = {
    "sock_sendall": SENDALL_WRONG,
    "chat_server": CHAT_WRONG,
    "check_ports": PORTS_WRONG,
    "http_get": HTTP_WRONG,
    "to_thread": TO_THREAD_WRONG,
    "hash_files": HASH_WRONG,
    "collect_from_thread": HANDOFF_WRONG,
}
WRONG = [(name, *entry) for name, entries in CORPUS.items() for entry in entries]


@pytest.mark.parametrize(("name", "wrong", "status", "case_words", "message_words"), WRONG,
                         ids=[f"{w[0]}-{w[1].__name__}-{w[4][:20]}" for w in WRONG])
def test_wrong_answer_is_caught(name, wrong, status, case_words, message_words):
    ex = EXERCISES[name]
    if status == TIMED_OUT:
        ex = _short(ex, 1.5)
    try:
        result = ex.run(wrong)
    finally:
        while _leaked:
            _leaked.pop().close()
    assert result.status == status, str(result)
    assert any(words in (result.case or "") for words in case_words.split("|")), (
        f"caught by the wrong case:\n{result}")
    assert message_words in result.message, f"unhelpful message:\n{result}"


def test_corpus_sizes():
    """At least four wrong answers per exercise, 30 in all."""
    assert all(len(entries) >= 4 for entries in CORPUS.values())
    assert len(WRONG) >= 30


# ---------------------------------------------------------------------------
# Helpers the notebooks use
# ---------------------------------------------------------------------------


def test_local_http_server_stops_its_thread():
    before = {t.ident for t in threading.enumerate()}
    with ch3.local_http_server() as (host, port, server):
        assert host == "127.0.0.1"
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(b"GET /hello HTTP/1.0\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.0 200"), reply[:40]
    assert server.requests[0][0] == "GET /hello HTTP/1.0"
    leftover = [t for t in threading.enumerate()
                if t.ident not in before and t.name == "local-http-server"]
    assert not leftover


def test_count_primes():
    assert ch4.count_primes(100) == 25
    assert ch4.count_primes(2) == 0


# ---------------------------------------------------------------------------
# The echo figure of chapter 3 (toyloop/examples/echo_scale.py)
# ---------------------------------------------------------------------------


def test_echo_scale_serves_all_clients_concurrently():
    from toyloop.examples import echo_scale

    result = echo_scale.run_echo_test(200)
    assert result["correct"] == result["clients"] == result["accepted"] == 200
    assert result["peak_open"] == 200  # every client held its connection until all were served
    assert result["server_threads"] == 1
    assert result["errors"] == 0
    # The clients' thread was joined (other tests' pool threads may come and go meanwhile).
    assert not [t for t in threading.enumerate() if t.name.startswith("echo-clients")]


def test_echo_scale_command_line(capsys):
    from toyloop.examples import echo_scale

    assert echo_scale.main(["--clients", "50"]) == 0  # clients in a spawned process
    out = capsys.readouterr().out
    assert "served 50/50 clients correctly from 1 server thread" in out
    assert "at most 50 connections open at once" in out
