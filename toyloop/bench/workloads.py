"""The benchmark workloads and the loops they run on.

Each workload is a plain function ``workload(loop, size) -> Result``.  It sets
up what it needs, times only the part that exercises the loop (with
``time.perf_counter``), checks that the loop computed the right thing, and
returns how many operations it did, so throughput is ``ops / seconds``.  The
same function runs on every loop: toyloop, asyncio's default loop and uvloop.

A workload that a loop cannot run yet raises :class:`Skip` with the reason (for
example toyloop's ``create_server`` before chapter 5's transports exist).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import random
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class _Stamp(tuple):
    """(wall, cpu) seconds: ``perf_counter`` and this process's CPU time.

    Subtracting two stamps gives a span.  CPU time counts only this process
    (all its threads), so it is less disturbed than wall time when other
    processes share the machine; the harness compares CPU time unless asked
    (``--metric wall``).
    """

    def __sub__(self, other: tuple) -> _Stamp:
        return _Stamp((self[0] - other[0], self[1] - other[1]))


def _now() -> _Stamp:
    return _Stamp((time.perf_counter(), time.process_time()))


class Skip(Exception):
    """This loop cannot run this workload (the message says why)."""


@dataclass
class Result:
    elapsed: float            # wall-clock seconds of the timed section
    ops: int                  # operations done in it (callbacks, timers, round trips...)
    ok: bool = True           # the loop computed the right answer
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. bytes per connection
    cpu: float = 0.0          # CPU seconds of this process in the timed section

    def __post_init__(self) -> None:
        if isinstance(self.elapsed, _Stamp):  # workloads pass the (wall, cpu) span
            self.elapsed, self.cpu = self.elapsed


# ---------------------------------------------------------------------------
# Loops
# ---------------------------------------------------------------------------


def _toyloop() -> asyncio.AbstractEventLoop:
    import toyloop
    return toyloop.EventLoop()


def _toyloop_nohooks() -> asyncio.AbstractEventLoop:
    from toyloop.ch6_performance import NoHooksEventLoop
    return NoHooksEventLoop()


def _asyncio() -> asyncio.AbstractEventLoop:
    # On Linux this is _UnixSelectorEventLoop, what asyncio.run() would use.
    return asyncio.DefaultEventLoopPolicy().new_event_loop()


def _asyncio_py() -> asyncio.AbstractEventLoop:
    """asyncio's loop, but with its pure-Python Future and Task (no _asyncio C module)."""
    from asyncio import futures, tasks
    loop = _asyncio()
    loop.create_future = lambda: futures._PyFuture(loop=loop)

    def factory(loop: Any, coro: Any, **kwargs: Any) -> Any:
        return tasks._PyTask(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    return loop


def _uvloop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError as exc:  # not installed (or Windows)
        raise Skip("uvloop is not installed (pip install uvloop)") from exc
    return uvloop.new_event_loop()


LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "toyloop": _toyloop,
    "asyncio": _asyncio,
    "uvloop": _uvloop,
    # Extra columns, run only by the workloads that need them (see harness.EXTRA_LOOPS).
    "toyloop-nohooks": _toyloop_nohooks,
    "asyncio-pytask": _asyncio_py,
}


def uvloop_available() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------
# Callbacks, timers, tasks, futures
# ---------------------------------------------------------------------------


def callbacks(loop: Any, n: int) -> Result:
    """A chain of ``n`` call_soon callbacks: each one schedules the next.

    One callback per iteration, so this measures the cost of an iteration
    (poll the selector with timeout 0, pop, run) plus one ``call_soon``.
    """
    done = loop.create_future()
    count = 0

    def step() -> None:
        nonlocal count
        count += 1
        if count < n:
            loop.call_soon(step)
        else:
            done.set_result(count)

    t0 = _now()
    loop.call_soon(step)
    loop.run_until_complete(done)
    elapsed = _now() - t0
    return Result(elapsed, n, ok=count == n)


def fan_out(loop: Any, n: int) -> Result:
    """Queue ``n`` callbacks at once, then run them: one iteration with n handles ready.

    Not in the suite (asyncio and uvloop do it in a blink); chapter 6 uses it to
    show what a ready queue that is not a deque costs.
    """
    done = loop.create_future()
    count = 0

    def one() -> None:
        nonlocal count
        count += 1
        if count == n:
            done.set_result(None)

    t0 = _now()
    for _ in range(n):
        loop.call_soon(one)
    loop.run_until_complete(done)
    elapsed = _now() - t0
    return Result(elapsed, n, ok=count == n)


def timers(loop: Any, n: int) -> Result:
    """Set ``n`` timers due within 1 ms, cancel every other one, run the rest.

    Timed: scheduling, cancelling and firing.  The timers are all due by the
    time they are scheduled, so nobody sleeps.  ``ops`` counts timers set.
    """
    rnd = random.Random(n)
    offsets = [rnd.random() * 0.001 for _ in range(n)]
    fired: list[int] = []
    expected = n - (n + 1) // 2
    done = loop.create_future()

    def fire(i: int) -> None:
        fired.append(i)
        if len(fired) == expected:
            done.set_result(None)

    if expected == 0:
        done.set_result(None)
    gc.collect()
    t0 = _now()
    start = loop.time()
    handles = [loop.call_at(start + off, fire, i) for i, off in enumerate(offsets)]
    for handle in handles[::2]:
        handle.cancel()
    loop.run_until_complete(done)
    elapsed = _now() - t0
    # Exactly the odd timers fired, in deadline order (uvloop rounds to 1 ms).
    ok = sorted(fired) == list(range(1, n, 2)) and all(
        offsets[a] <= offsets[b] + 0.0011 for a, b in zip(fired, fired[1:], strict=False))
    return Result(elapsed, n, ok=ok)


def tasks(loop: Any, n: int, switches: int = 10) -> Result:
    """``n`` tasks, each awaiting ``asyncio.sleep(0)`` ``switches`` times."""

    async def worker(i: int) -> int:
        for _ in range(switches):
            await asyncio.sleep(0)
        return i

    async def main() -> list[int]:
        return await asyncio.gather(*[loop.create_task(worker(i)) for i in range(n)])

    t0 = _now()
    results = loop.run_until_complete(main())
    elapsed = _now() - t0
    return Result(elapsed, n * switches, ok=results == list(range(n)))


def pingpong(loop: Any, n: int) -> Result:
    """Two tasks hand a number back and forth ``n`` times through fresh futures."""
    slots: dict[str, Any] = {}

    async def pong() -> int:
        served = 0
        while True:
            fut = slots["pong"] = loop.create_future()
            value = await fut
            if value is None:
                return served
            served += 1
            slots["ping"].set_result(value + 1)

    async def ping() -> int:
        total = 0
        for i in range(n):
            fut = slots["ping"] = loop.create_future()
            slots["pong"].set_result(i)
            total += await fut - i
        slots["pong"].set_result(None)
        return total

    async def main() -> tuple[int, int]:
        pong_task = loop.create_task(pong())
        await asyncio.sleep(0)  # let pong create its first future
        t0 = _now()
        total = await ping()
        served = await pong_task
        return _now() - t0, total + served

    elapsed, check = loop.run_until_complete(main())
    return Result(elapsed, n, ok=check == 2 * n)


# ---------------------------------------------------------------------------
# Executor round trips
# ---------------------------------------------------------------------------


def _double(x: int) -> int:
    return 2 * x


def executor(loop: Any, n: int) -> Result:
    """``n`` sequential ``run_in_executor`` round trips on the default thread pool."""

    async def main() -> tuple[float, int]:
        await loop.run_in_executor(None, _double, 0)  # start the pool's first thread
        t0 = _now()
        total = 0
        for i in range(n):
            total += await loop.run_in_executor(None, _double, i)
        return _now() - t0, total

    elapsed, total = loop.run_until_complete(main())
    loop.run_until_complete(loop.shutdown_default_executor())
    return Result(elapsed, n, ok=total == n * (n - 1))


# ---------------------------------------------------------------------------
# TCP echo: sock_* calls and streams
# ---------------------------------------------------------------------------

MESSAGE = b"x" * 100
ECHO_CLIENTS = 100


def _listener(backlog: int = 1024) -> socket.socket:
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(backlog)
    lsock.setblocking(False)
    return lsock


def _no_time_wait(sock: socket.socket) -> None:
    # Close with RST instead of FIN: thousands of clients per run would otherwise
    # leave their ports in TIME_WAIT and exhaust the ephemeral range.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def sock_echo(loop: Any, rounds: int, clients: int = ECHO_CLIENTS) -> Result:
    """``clients`` clients, each doing ``rounds`` 100-byte echo round trips, all on
    ``loop.sock_*`` calls; server and clients share the loop under test."""

    async def serve_one(conn: socket.socket) -> int:
        echoed = 0
        try:
            while data := await loop.sock_recv(conn, 65536):
                await loop.sock_sendall(conn, data)
                echoed += len(data)
        except ConnectionError:
            pass
        finally:
            conn.close()
        return echoed

    async def server(lsock: socket.socket) -> int:
        handlers = []
        for _ in range(clients):
            conn, _ = await loop.sock_accept(lsock)
            handlers.append(loop.create_task(serve_one(conn)))
        return sum(await asyncio.gather(*handlers))

    async def client(port: int) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, ("127.0.0.1", port))
            good = 0
            for _ in range(rounds):
                await loop.sock_sendall(sock, MESSAGE)
                got = b""
                while len(got) < len(MESSAGE):
                    chunk = await loop.sock_recv(sock, 65536)
                    if not chunk:
                        raise ConnectionError("server closed early")
                    got += chunk
                good += got == MESSAGE
            return good
        finally:
            sock.close()

    async def main() -> tuple[float, int, int]:
        lsock = _listener()
        port = lsock.getsockname()[1]
        try:
            t0 = _now()
            srv = loop.create_task(server(lsock))
            good = sum(await asyncio.gather(*[client(port) for _ in range(clients)]))
            echoed = await srv
            return _now() - t0, good, echoed
        finally:
            lsock.close()

    elapsed, good, echoed = loop.run_until_complete(main())
    n = rounds * clients
    return Result(elapsed, n, ok=good == n and echoed == n * len(MESSAGE))


def stream_echo(loop: Any, rounds: int, clients: int = ECHO_CLIENTS) -> Result:
    """The same echo through ``asyncio.start_server`` / ``open_connection`` streams."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def client(port: int) -> int:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        good = 0
        try:
            for _ in range(rounds):
                writer.write(MESSAGE)
                await writer.drain()
                good += await reader.readexactly(len(MESSAGE)) == MESSAGE
        finally:
            writer.close()
            await writer.wait_closed()
        return good

    async def main() -> tuple[float, int]:
        try:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
        except NotImplementedError as exc:
            raise Skip(f"streams need loop.create_server: {exc}") from exc
        port = server.sockets[0].getsockname()[1]
        try:
            t0 = _now()
            good = sum(await asyncio.gather(*[client(port) for _ in range(clients)]))
            return _now() - t0, good
        finally:
            server.close()
            await server.wait_closed()

    elapsed, good = loop.run_until_complete(main())
    return Result(elapsed, rounds * clients, ok=good == rounds * clients)


# ---------------------------------------------------------------------------
# Many idle connections: are they served, and what does each one cost?
# ---------------------------------------------------------------------------


def raise_fd_limit(wanted: int) -> int:
    """Raise the soft RLIMIT_NOFILE towards ``wanted`` (never above the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        soft = new
    return soft


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def idle_conns(loop: Any, n: int, heap: bool = False) -> Result:
    """Accept ``n`` connections from a client *process*, echo one byte on each while
    all are open, and report the resident memory each held connection costs.

    The server side (this process) holds n sockets, a parked ``sock_recv`` task
    and its future for each; the clients live in another process so that the
    memory figure is the server's alone and neither process needs 2n fds.

    With ``heap=True`` the figure is the Python heap instead of RSS
    (``tracemalloc``, started just before the first accept): precise to the
    byte, but blind to memory a C extension gets from ``malloc`` (most of
    uvloop's), and tracemalloc's own bookkeeping would spoil RSS, hence two
    workloads.
    """
    limit = raise_fd_limit(n + 100)
    if limit < n + 50:
        raise Skip(f"fd limit {limit} is too low for {n} connections")

    async def serve_one(conn: socket.socket, state: dict[str, Any]) -> None:
        try:
            while data := await loop.sock_recv(conn, 1024):
                await loop.sock_sendall(conn, data)
                state["echoed"] += 1
                if state["echoed"] == n:
                    state["all_served"].set_result(None)
        except ConnectionError:
            pass
        finally:
            conn.close()

    async def main() -> Result:
        lsock = _listener(backlog=4096)
        port = lsock.getsockname()[1]
        state: dict[str, Any] = {"echoed": 0, "all_served": loop.create_future()}
        handlers = []
        gc.collect()
        if heap:
            tracemalloc.start()
        rss0 = tracemalloc.get_traced_memory()[0] if heap else rss_bytes()
        client = subprocess.Popen(
            [sys.executable, "-m", "toyloop.bench.idle_client", str(port), str(n)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            t0 = _now()
            for _ in range(n):
                conn, _ = await loop.sock_accept(lsock)
                handlers.append(loop.create_task(serve_one(conn, state)))
            await state["all_served"]
            elapsed = _now() - t0
            await asyncio.sleep(0.05)  # let the last sock_recv calls park
            gc.collect()
            rss1 = tracemalloc.get_traced_memory()[0] if heap else rss_bytes()
            tracemalloc.stop()
            client.stdin.close()  # the client closes everything and exits
            await asyncio.gather(*handlers)
        finally:
            lsock.close()
            for task in handlers:
                task.cancel()
            if client.poll() is None:
                client.wait(timeout=60)
        served = int(client.stdout.read().split()[0] or 0)
        return Result(elapsed, n, ok=served == n and state["echoed"] == n,
                      extra={"bytes_per_conn": (rss1 - rss0) / n, "served": served})

    return loop.run_until_complete(main())


# ---------------------------------------------------------------------------
# The registry: name -> (function, full size, quick size, test size, unit)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    name: str
    func: Callable[[Any, int], Result]
    size: int          # default (full) run
    quick: int         # --quick
    small: int         # tests/test_bench.py
    unit: str          # what the ops are, plural ("timers")
    what: str          # one line for the table


WORKLOADS: dict[str, Workload] = {w.name: w for w in [
    Workload("callbacks", callbacks, 300_000, 30_000, 2_000, "callbacks",
             "chain of call_soon callbacks"),
    Workload("timers", timers, 100_000, 20_000, 2_000, "timers",
             "100,000 timers, half cancelled"),
    Workload("timers_10k", timers, 10_000, 10_000, 1_000, "timers",
             "timer scaling: 10,000"),
    Workload("timers_1m", timers, 1_000_000, 100_000, 3_000, "timers",
             "timer scaling: 1,000,000"),
    Workload("tasks", tasks, 10_000, 2_000, 200, "switches",
             "10,000 tasks x 10 sleep(0)"),
    Workload("pingpong", pingpong, 50_000, 5_000, 500, "round trips",
             "future ping-pong between two tasks"),
    Workload("sock_echo", sock_echo, 100, 10, 3, "round trips",
             "TCP echo, 100 clients, sock_*"),
    Workload("stream_echo", stream_echo, 100, 10, 3, "round trips",
             "TCP echo, 100 clients, streams"),
    Workload("idle_conns", idle_conns, 10_000, 1_000, 50, "connections",
             "10,000 idle connections"),
    Workload("idle_conns_heap", functools.partial(idle_conns, heap=True), 10_000, 1_000, 50,
             "connections", "10,000 idle connections, Python heap"),
    Workload("executor", executor, 5_000, 500, 50, "round trips",
             "run_in_executor round trips"),
]}


def run_on(factory: Callable[[], Any], workload: str | Callable[[Any, int], Result],
           size: int | None = None) -> Result:
    """Run ``workload`` (a name or a workload function) once on a fresh loop from
    ``factory``, in this process, and close the loop.

    Inside Jupyter, ipykernel's own loop is running in this thread and asyncio's
    and uvloop's ``run_until_complete`` would refuse to start; like ``toyloop.run``
    we step that loop aside for the duration and put it back afterwards.
    """
    if isinstance(workload, str):
        size = WORKLOADS[workload].size if size is None else size
        workload = WORKLOADS[workload].func
    if size is None:
        raise TypeError("size is required with a workload function")
    outer = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        loop = factory()
        try:
            return workload(loop, size)
        finally:
            loop.close()
    finally:
        asyncio.events._set_running_loop(outer)


def run_workload(name: str, loop_name: str, size: int | None = None) -> Result:
    """Run one workload once on a fresh loop of the named kind, in this process."""
    return run_on(LOOPS[loop_name], name, size)
