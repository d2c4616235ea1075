"""Chapter 5: the rest of the AbstractEventLoop API on toyloop's EventLoop.

Error types and messages are compared with asyncio's on the running Python;
what chapter 5's loop does not offer (chapter 7 adds it) must raise
NotImplementedError saying so.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import socket
import sys
import tempfile
import threading

import pytest
from differential.harness import run_program_on

import toyloop
from toyloop.ch5_asyncio import EventLoop

HOST = "127.0.0.1"
LOOPS = ("asyncio", "toyloop")


run_on = run_program_on


def run_on_chapter5(main, timeout: float = 8.0):
    """Run ``main()`` on chapter 5's own loop (``toyloop.EventLoop`` is chapter 7's)."""
    with asyncio.Runner(loop_factory=EventLoop) as runner:
        assert type(runner.get_loop()) is EventLoop
        return runner.run(asyncio.wait_for(main(), timeout))


def error_of(kind: str, make_coro) -> tuple[str, str]:
    """The error ``make_coro(loop)`` raises on "asyncio", "toyloop" or "chapter5"."""
    async def main():
        try:
            await make_coro(asyncio.get_running_loop())
        except Exception as exc:
            return type(exc).__name__, str(exc)
        return "no error", ""

    return run_on_chapter5(main) if kind == "chapter5" else run_on(kind, main)


# ---------------------------------------------------------------------------
# Everything of AbstractEventLoop is there; the missing parts say so
# ---------------------------------------------------------------------------

MISSING = {
    "create_unix_connection": "Unix sockets", "create_unix_server": "Unix sockets",
    "start_tls": "TLS", "connect_read_pipe": "pipes", "connect_write_pipe": "pipes",
    "subprocess_exec": "subprocesses", "subprocess_shell": "subprocesses",
}


def test_every_abstract_method_is_overridden():
    """No AbstractEventLoop method falls through to the base's bare NotImplementedError."""
    names = [name for name, value in vars(asyncio.AbstractEventLoop).items()
             if inspect.isfunction(value) and not name.startswith("__")]
    inherited = [name for name in names
                 if getattr(EventLoop, name) is getattr(asyncio.AbstractEventLoop, name)]
    assert inherited == []


@pytest.mark.parametrize("name", sorted(MISSING))
def test_missing_methods_say_so(name):
    async def main():
        with pytest.raises(NotImplementedError) as info:
            await getattr(asyncio.get_running_loop(), name)(None)
        return str(info.value)

    message = run_on_chapter5(main)
    assert message.startswith(f"chapter 5's loop does not implement loop.{name}() yet (")
    assert MISSING[name] in message and "chapter 7" in message


@pytest.mark.parametrize("call", [
    lambda loop: loop.create_connection(asyncio.Protocol, HOST, 1, ssl=True),
    lambda loop: loop.create_server(asyncio.Protocol, HOST, 0, ssl=object()),
    lambda loop: asyncio.open_connection(HOST, 1, ssl=True),
])
def test_tls_is_not_implemented(call):
    kind, message = error_of("chapter5", call)
    assert kind == "NotImplementedError"
    assert message.startswith("chapter 5's loop does not implement TLS: loop.create_")


# ---------------------------------------------------------------------------
# Argument errors: same type, same words as asyncio
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda loop: loop.create_connection(asyncio.Protocol),
    lambda loop: loop.create_connection(asyncio.Protocol, HOST, 1, sock=socket.socket()),
    lambda loop: loop.create_connection(asyncio.Protocol, HOST, 1, server_hostname="x"),
    lambda loop: loop.create_connection(asyncio.Protocol, HOST, 1, ssl_handshake_timeout=1),
    lambda loop: loop.create_server(asyncio.Protocol),
    lambda loop: loop.create_server(asyncio.Protocol, HOST, 0, ssl=True),
    lambda loop: loop.create_server(asyncio.Protocol, HOST, 0, ssl_shutdown_timeout=1),
    lambda loop: loop.create_server(asyncio.Protocol, HOST, 0, sock=socket.socket()),
    lambda loop: loop.create_connection(asyncio.Protocol, HOST, 1, local_addr=("10.255.0.1", 0)),
    lambda loop: loop.create_server(asyncio.Protocol, "10.255.0.1", 0),
])
def test_argument_errors_match_asyncio(call):
    expected = error_of("asyncio", call)
    assert expected[0] != "no error"
    assert error_of("toyloop", call) == expected


@pytest.mark.parametrize("kind", LOOPS)
def test_stream_socket_expected(kind):
    async def main():
        loop = asyncio.get_running_loop()
        messages = []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for call in (loop.create_connection(asyncio.Protocol, sock=sock),
                         loop.create_server(asyncio.Protocol, sock=sock),
                         loop.connect_accepted_socket(asyncio.Protocol, sock)):
                with pytest.raises(ValueError) as info:
                    await call
                messages.append(str(info.value).split(",")[0])
        return messages

    assert run_on(kind, main) == ["A Stream Socket was expected"] * 3


# ---------------------------------------------------------------------------
# sendfile: the read-and-send fallback
# ---------------------------------------------------------------------------


@pytest.fixture
def data_file():
    payload = bytes(range(256)) * 2000  # 512000 bytes: several fallback blocks
    with tempfile.TemporaryFile() as f:
        f.write(payload)
        f.seek(0)
        yield f, payload


@pytest.mark.parametrize("kind", LOOPS)
def test_sock_sendfile(kind, data_file):
    f, payload = data_file

    async def main():
        loop = asyncio.get_running_loop()
        a, b = socket.socketpair()
        a.setblocking(False)
        b.setblocking(False)
        received = bytearray()

        async def read_all():
            while chunk := await loop.sock_recv(b, 65536):
                received.extend(chunk)

        reader = asyncio.ensure_future(read_all())
        sent = await loop.sock_sendfile(a, f, offset=1000, count=300_000)
        position = f.tell()
        a.close()
        await reader
        b.close()
        return sent, position, bytes(received) == payload[1000:301000]

    assert run_on(kind, main) == (300_000, 301_000, True)


@pytest.mark.parametrize("kind", LOOPS)
def test_sendfile_over_a_transport(kind, data_file):
    f, payload = data_file

    async def main():
        received = bytearray()
        done = asyncio.Event()

        async def sink(reader, writer):
            received.extend(await reader.read())
            writer.close()
            done.set()

        server = await asyncio.start_server(sink, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            _, writer = await asyncio.open_connection(HOST, port)
            sent = await asyncio.get_running_loop().sendfile(writer.transport, f)
            writer.write(b"after")  # allowed again once sendfile returned
            writer.close()
            await writer.wait_closed()
            await done.wait()
        return sent, bytes(received) == payload + b"after"

    assert run_on(kind, main) == (len(payload), True)


@pytest.mark.parametrize("args", [
    dict(count=0), dict(count="1"), dict(offset=-1), dict(offset=1.5), dict(text=True),
    dict(dgram=True),
])
def test_sock_sendfile_errors_match_asyncio(args):
    def make(loop):
        sock = socket.socket(type=socket.SOCK_DGRAM if args.get("dgram") else socket.SOCK_STREAM)
        sock.setblocking(False)
        mode = "w+" if args.get("text") else "w+b"
        f = tempfile.TemporaryFile(mode)
        kwargs = {k: v for k, v in args.items() if k in ("count", "offset")}

        async def call():
            try:
                return await loop.sock_sendfile(sock, f, **kwargs)
            finally:
                sock.close()
                f.close()
        return call()

    expected = error_of("asyncio", make)
    assert expected[0] in ("ValueError", "TypeError")
    assert error_of("toyloop", make) == expected


def test_sendfile_without_fallback():
    async def main():
        loop = asyncio.get_running_loop()
        a, b = socket.socketpair()
        with a, b, tempfile.TemporaryFile() as f:
            a.setblocking(False)
            with pytest.raises(asyncio.SendfileNotAvailableError):
                await loop.sock_sendfile(a, f, fallback=False)
        return "ok"

    assert run_on_chapter5(main) == "ok"


# ---------------------------------------------------------------------------
# Datagram sock_* calls
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOOPS)
def test_sock_sendto_recvfrom(kind):
    async def main():
        loop = asyncio.get_running_loop()
        with socket.socket(type=socket.SOCK_DGRAM) as a, \
                socket.socket(type=socket.SOCK_DGRAM) as b:
            for s in (a, b):
                s.setblocking(False)
                s.bind((HOST, 0))
            receiving = asyncio.ensure_future(loop.sock_recvfrom(b, 100))
            await asyncio.sleep(0)
            await loop.sock_sendto(a, b"one", b.getsockname())
            data, addr = await receiving
            await loop.sock_sendto(a, b"two", b.getsockname())
            buf = bytearray(10)
            n, _ = await loop.sock_recvfrom_into(b, buf)
            return data, addr == a.getsockname(), bytes(buf[:n])

    assert run_on(kind, main) == (b"one", True, b"two")


# ---------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------


def _signal_scenario():
    async def main():
        loop = asyncio.get_running_loop()
        got = loop.create_future()
        loop.add_signal_handler(signal.SIGUSR1, lambda *a: got.set_result(a), "usr1")
        os.kill(os.getpid(), signal.SIGUSR1)
        result = await got
        removed = loop.remove_signal_handler(signal.SIGUSR1)
        again = loop.remove_signal_handler(signal.SIGUSR1)
        return result, removed, again, signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL
    return main


@pytest.mark.parametrize("kind", LOOPS)
def test_signal_handler_runs_on_the_loop(kind):
    assert run_on(kind, _signal_scenario()) == (("usr1",), True, False, True)


@pytest.mark.parametrize("kind", LOOPS)
def test_signal_reaches_a_busy_loop(kind):
    """Callbacks always ready: the self-pipe must still be polled for the signal byte."""
    async def main():
        loop = asyncio.get_running_loop()
        got: list[int] = []
        loop.add_signal_handler(signal.SIGUSR1, lambda: got.append(spins[0]))
        spins = [0]

        def spin():  # re-schedules itself, so the loop never waits in select
            spins[0] += 1
            if spins[0] == 10:
                os.kill(os.getpid(), signal.SIGUSR1)
            if not got and spins[0] < 1000:
                loop.call_soon(spin)

        loop.call_soon(spin)
        while not got and spins[0] < 1000:
            await asyncio.sleep(0)
        loop.remove_signal_handler(signal.SIGUSR1)
        return got

    got = run_on(kind, main)
    assert got and got[0] <= 15, f"the handler ran after {got} spins (asyncio: 2-3 after 10)"


def test_signal_handlers_are_removed_on_close():
    loop = EventLoop()
    loop.add_signal_handler(signal.SIGUSR2, print)
    assert signal.getsignal(signal.SIGUSR2) not in (signal.SIG_DFL, None)
    loop.close()
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL
    assert signal.set_wakeup_fd(-1) == -1  # nothing left pointing at the closed self-pipe


@pytest.mark.parametrize("args, exc_type", [
    (("SIGINT",), TypeError), ((0,), ValueError), ((signal.NSIG + 10,), ValueError),
    ((signal.SIGKILL,), RuntimeError),
])
def test_signal_errors_match_asyncio(args, exc_type):
    messages = []
    for loop in (asyncio.SelectorEventLoop(), EventLoop()):
        try:
            with pytest.raises(exc_type) as info:
                loop.add_signal_handler(*args, print)
            messages.append(str(info.value))
        finally:
            loop.close()
    assert messages[0] == messages[1]


def test_coroutine_signal_handler_refused():
    loop = EventLoop()
    try:
        async def handler():
            pass

        with pytest.raises(TypeError, match=r"^coroutines cannot be used with "
                                            r"add_signal_handler\(\)$"):
            loop.add_signal_handler(signal.SIGUSR1, handler)
    finally:
        loop.close()


def test_signals_only_in_the_main_thread():
    results = []

    def in_thread():
        for loop in (asyncio.SelectorEventLoop(), EventLoop()):
            try:
                loop.add_signal_handler(signal.SIGUSR1, print)
            except RuntimeError as exc:
                results.append(str(exc))
            finally:
                loop.close()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert "main thread" in results[0]


# ---------------------------------------------------------------------------
# Running asyncio code: Runner, asyncgens, task factory, debug
# ---------------------------------------------------------------------------


def test_runner_with_loop_factory_runs_asyncio_code():
    events = []
    kept = []

    async def agen():
        try:
            yield 1
            yield 2
        finally:
            events.append("agen closed")

    async def main():
        loop = asyncio.get_running_loop()
        kept.append(agen())  # still referenced: Runner's shutdown_asyncgens() closes it
        events.append(await kept[0].__anext__())
        events.append(await asyncio.to_thread(lambda: "from a thread"))
        async with asyncio.timeout(1):
            await asyncio.sleep(0.01)
        async with asyncio.TaskGroup() as tg:
            t = tg.create_task(asyncio.sleep(0, "grouped"))
        events.append(t.result())
        return type(loop).__name__

    with asyncio.Runner(loop_factory=toyloop.EventLoop) as runner:
        assert runner.run(main()) == "EventLoop"
        assert events == [1, "from a thread", "grouped"]
    assert events == [1, "from a thread", "grouped", "agen closed"]


def _forgotten_agen_program(loop_factory):
    """An async generator dropped unfinished just as main() returns."""
    events = []

    async def agen():
        try:
            yield 1
        finally:
            events.append("agen closed")

    async def main():
        gen = agen()
        events.append(await gen.__anext__())

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(main())
    return events


def test_agen_collected_while_running_is_closed():
    """The finalizer hook schedules aclose() in a task; Runner's cleanup runs it."""
    expected = _forgotten_agen_program(None)
    assert expected == [1, "agen closed"]
    assert _forgotten_agen_program(toyloop.EventLoop) == expected


def test_task_factory_and_debug():
    async def main():
        loop = asyncio.get_running_loop()
        made = []

        def factory(loop, coro, **kwargs):
            made.append(coro.__name__)
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop.set_task_factory(factory)
        assert loop.get_task_factory() is factory

        async def job():
            return "done"

        task = loop.create_task(job(), name="named")
        result = await task
        loop.set_task_factory(None)
        loop.set_debug(True)
        debug = loop.get_debug()
        loop.set_debug(False)
        return made, result, task.get_name(), type(task) is asyncio.Task, debug

    assert run_on("toyloop", main) == (["job"], "done", "named", True, True)


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to count fds")
def test_no_fd_leak_after_many_connections():
    def count_fds():
        return len(os.listdir("/proc/self/fd"))

    async def main():
        async def handler(reader, writer):
            writer.write(await reader.read())
            writer.close()

        server = await asyncio.start_server(handler, HOST, 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            for _ in range(30):
                reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(b"x")
                writer.write_eof()
                assert await reader.read() == b"x"
                writer.close()
                await writer.wait_closed()

    before = count_fds()
    run_on("toyloop", main)
    assert count_fds() <= before
