"""Chapter 3's figure: one toyloop thread serving many concurrent echo clients.

The server is chapter 3's ``SelectorLoop`` with nothing but ``sock_accept``,
``sock_recv`` and ``sock_sendall``: one task per connection, all in one thread.
The clients run elsewhere -- on stock asyncio, in a worker thread (the
notebook) or in a child process (this script, so that neither process needs
more than one file descriptor per client) -- and each one:

1. connects to 127.0.0.1, sends one line and reads the echo back;
2. keeps its connection open until *every* client has its echo, so that at
   the end all of them really are connected at the same time;
3. closes.

With a :class:`Pace` (``WATCHABLE``), the clients arrive over a few seconds and
send several lines each, slowly enough for chapter 3's live monitor to show the
connections climb and the bytes flow.

Run the full-size figure from a shell::

    python -m toyloop.examples.echo_scale --clients 10000

Each client costs one file descriptor on each side; the script raises its
soft ``RLIMIT_NOFILE`` to the hard limit and says so if that is not enough.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import multiprocessing
import resource
import socket
import threading
import time
from dataclasses import dataclass, field

from toyloop.ch2_futures import sleep
from toyloop.ch3_selectors import SelectorLoop


@dataclass
class ServerStats:
    """What the server saw, filled in by the connection tasks."""

    accepted: int = 0
    closed: int = 0
    open_now: int = 0
    peak_open: int = 0
    echoed_bytes: int = 0
    errors: int = 0
    threads: set = field(default_factory=set)


async def echo(loop, conn, stats):
    """Echo everything ``conn`` sends until it closes its side."""
    stats.open_now += 1
    stats.peak_open = max(stats.peak_open, stats.open_now)
    stats.threads.add(threading.get_ident())
    try:
        while data := await loop.sock_recv(conn, 4096):
            await loop.sock_sendall(conn, data)
            stats.echoed_bytes += len(data)
    except ConnectionError:
        stats.errors += 1  # a client reset its connection: its problem, not ours
    finally:
        stats.open_now -= 1
        stats.closed += 1
        conn.close()


async def accept_forever(loop, listener, stats, tasks):
    """Accept connections and start one ``echo`` task for each."""
    while True:
        conn, _address = await loop.sock_accept(listener)
        stats.accepted += 1
        tasks.add(loop.create_task(echo(loop, conn, stats)))


async def serve_until(loop, listener, stats, n_clients):
    """Run the accept loop until ``n_clients`` connections came and went."""
    tasks: set = set()
    acceptor = loop.create_task(accept_forever(loop, listener, stats, tasks))
    while stats.closed < n_clients:
        await sleep(0.01)  # chapter 3 has no thread-safe wake-up: look every 10 ms
        if acceptor.done():
            acceptor.result()  # the accept loop died: say why
    acceptor.cancel()
    for task in tasks:
        await task
    return stats


# -- The clients: stock asyncio, somewhere else -----------------------------------


@dataclass(frozen=True)
class Pace:
    """How fast the clients arrive and talk, so a person can watch it happen.

    Client ``i`` of ``n`` connects ``ramp * i / n`` seconds after the start (so the
    connections climb steadily for ``ramp`` seconds), then sends ``lines`` lines, one
    every ``gap`` seconds, each time waiting for its echo.  ``Pace()`` is no pacing:
    everyone at once, one line each (the quick test).
    """

    ramp: float = 0.0
    lines: int = 1
    gap: float = 0.0

    def total_bytes(self, n_clients):
        """What the server echoes in all: every client's lines (see ``_line``)."""
        return sum(len(_line(i, k)) for i in range(n_clients) for k in range(self.lines))


WATCHABLE = Pace(ramp=2.0, lines=5, gap=0.4)  # about 4 s for 1000 clients (chapter 3)


def _line(i, k):
    return f"hello from client {i}\n".encode() if k == 0 else f"line {k} from {i}\n".encode()


async def _talk(reader, writer, i, pace):
    """Send ``pace.lines`` lines, ``pace.gap`` s apart; True if every echo was right."""
    right = True
    for k in range(pace.lines):
        if k:
            await asyncio.sleep(pace.gap)
        message = _line(i, k)
        writer.write(message)
        await writer.drain()
        right &= await reader.readexactly(len(message)) == message
    return right


async def _clients(port, n_clients, pace):
    finished = 0  # clients that have their echo (or failed trying)
    everyone = asyncio.Event()

    async def one(i):
        nonlocal finished
        try:
            if pace.ramp:
                await asyncio.sleep(pace.ramp * i / n_clients)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            right = await _talk(reader, writer, i, pace)
        finally:
            finished += 1
            if finished == n_clients:
                everyone.set()
        try:
            await everyone.wait()  # hold the connection until all clients are served
        finally:
            writer.close()
            await writer.wait_closed()
        return right

    results = await asyncio.gather(*(one(i) for i in range(n_clients)),
                                   return_exceptions=True)
    return sum(r is True for r in results)


def run_clients(port, n_clients, pace=Pace()):
    """Run ``n_clients`` asyncio clients paced by ``pace``; return how many got every echo."""
    return asyncio.run(_clients(port, n_clients, pace))


# -- Putting it together ------------------------------------------------------------


def run_echo_test(n_clients, *, client_executor=None, pace=Pace()):
    """Serve ``n_clients`` concurrent clients from this thread; return a result dict.

    ``client_executor`` runs the clients (default: one worker thread); ``pace`` says
    how fast they arrive and talk (default: all at once, one line each).  The
    server's loop, listener and every connection are closed before returning.
    """
    own_executor = client_executor is None
    if own_executor:
        client_executor = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="echo-clients")
    loop = SelectorLoop()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(min(n_clients, socket.SOMAXCONN))
        listener.setblocking(False)
        port = listener.getsockname()[1]
        stats = ServerStats()
        start = time.perf_counter()
        clients = client_executor.submit(run_clients, port, n_clients, pace)
        loop.run_until_complete(serve_until(loop, listener, stats, n_clients))
        correct = clients.result(timeout=60)
        elapsed = time.perf_counter() - start
    finally:
        listener.close()
        loop.close()
        if own_executor:
            client_executor.shutdown(wait=True)
    return {
        "clients": n_clients,
        "correct": correct,
        "accepted": stats.accepted,
        "peak_open": stats.peak_open,
        "server_threads": len(stats.threads),
        "errors": stats.errors,
        "echoed_bytes": stats.echoed_bytes,
        "seconds": elapsed,
    }


def _raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft < needed:
        raise SystemExit(f"need about {needed} file descriptors per process, the limit is "
                         f"{soft}: raise it (ulimit -n) or use fewer --clients")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000,
                        help="number of concurrent clients (default 10000)")
    args = parser.parse_args(argv)
    _raise_fd_limit(args.clients + 100)
    # The clients get a process of their own (spawned: it inherits none of our fds),
    # so each process holds about one descriptor per client.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
            1, mp_context=context, initializer=_raise_fd_limit,
            initargs=(args.clients + 100,)) as pool:
        pool.submit(int).result()  # start the child before the clock does
        result = run_echo_test(args.clients, client_executor=pool)
    print(f"served {result['correct']}/{result['clients']} clients correctly "
          f"from {result['server_threads']} server thread")
    print(f"at most {result['peak_open']} connections open at once; "
          f"{result['echoed_bytes']} bytes echoed; {result['errors']} errors")
    print(f"took {result['seconds']:.2f} s "
          f"({result['clients'] / result['seconds']:.0f} clients per second)")
    return 0 if result["correct"] == result["clients"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
