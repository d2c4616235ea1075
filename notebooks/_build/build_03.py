"""Build notebooks/03_selectors_sockets_timers.ipynb (and execute it with --execute).

    python notebooks/_build/build_03.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Execution uses nbclient with the kernel of
the running Python, from the notebooks/ folder.
"""

from __future__ import annotations

import sys

from nbbuild import Notebook

BOOK = Notebook("03_selectors_sockets_timers.ipynb", "ch3")
md, code = BOOK.md, BOOK.code

IGNORE = "nbval-ignore-output"

# ---------------------------------------------------------------------------
md("""
# 3 · Selectors, sockets and timers

Chapter 2's loop could only wait for *time*: when nothing was ready it slept until the
next timer. A server also waits for *sockets*: a client connects, data arrives, a send
buffer drains. This chapter teaches the loop to wait for both in one call,
`selector.select(timeout)`, and builds awaitable socket calls on top of it.

What you will see, in order:

1. a blocking server serves one client at a time;
2. non-blocking sockets and `BlockingIOError`;
3. the `selectors` module: register, modify, unregister, select;
4. `add_reader` / `add_writer`: the loop calls you back when a socket is ready;
5. `sock_recv`, `sock_sendall` (with partial sends), `sock_accept`, `sock_connect`,
   EOF and connection resets;
6. one full iteration of the loop, next to asyncio's `_run_once`;
7. an echo server serving 1000 clients at once from one thread;
8. exercises.

The code you read here is `toyloop/ch3_selectors.py` (class `SelectorLoop`); its
original is asyncio's `Lib/asyncio/selector_events.py`. Everything binds 127.0.0.1:
nothing in this notebook leaves your machine.
""")

code("""
import errno
import inspect
import selectors
import socket
import threading
import time

from toyloop.ch2_futures import BaseLoop, sleep, wait_for
from toyloop.ch3_selectors import SelectorLoop
from toyloop.clock import VirtualClock

HOST = "127.0.0.1"  # loopback only, everywhere in this notebook
""")

# ---------------------------------------------------------------------------
md("""
## 1. A blocking server serves one client at a time

The plainest server: `accept()` a connection, `recv()` the request, answer, close, and
go back to `accept()`. Each of those calls *blocks*: the thread stops until the kernel
has something. Here it is, serving `n_clients` and then returning (the listener's
5-second timeout makes sure it cannot hang this notebook).
""")

code('''
def blocking_server(listener, n_clients, served):
    """Serve n_clients one after another: accept, read a name, answer, close."""
    for _ in range(n_clients):
        conn, _address = listener.accept()  # blocks until a client connects
        with conn:
            name = conn.recv(100)           # blocks until *this* client speaks
            served.append(name.decode())
            conn.sendall(b"hello " + name)


def client(port, name, think, connected, answered_at):
    with socket.create_connection((HOST, port), timeout=5) as sock:
        connected.set()
        time.sleep(think)                   # a slow client thinks before it speaks
        sock.sendall(name.encode())
        sock.recv(100)
        answered_at[name] = time.monotonic()
''')

md("""
Three clients, each a thread. A connects first and thinks for 0.3 s before it speaks;
B and C connect right after it and speak at once. The server runs in a thread of its
own so that this cell can start the clients.
""")

code("""
served, answered_at = [], {}
with socket.create_server((HOST, 0)) as listener:
    listener.settimeout(5)  # a safety net: accept() gives up after 5 s
    port = listener.getsockname()[1]
    server = threading.Thread(target=blocking_server, args=(listener, 3, served))
    server.start()
    start = time.monotonic()
    clients = []
    for name, think in [("A", 0.3), ("B", 0.0), ("C", 0.0)]:
        connected = threading.Event()
        t = threading.Thread(target=client, args=(port, name, think, connected, answered_at))
        t.start()
        connected.wait(5)  # connect in this order: A, then B, then C
        clients.append(t)
    for t in clients + [server]:
        t.join()

print("served in order:", served)
print("B and C waited for A's 0.3 s of thinking:",
      all(answered_at[n] - start >= 0.3 for n in "BC"))
""")

code("""
for name in "ABC":
    print(f"{name} got its answer after {answered_at[name] - start:.2f} s")
""", IGNORE)

md("""
B and C had nothing to think about, yet each waited as long as A: while the server sat
in `conn.recv()` for A, their connections were complete (the kernel accepted them into
the listener's backlog) but nobody read them. One thread per client would fix that, at
the price of a thread per connection. The event loop's answer is to never block:
ask the kernel which sockets are ready, and only touch those.
""")

# ---------------------------------------------------------------------------
md("""
## 2. Non-blocking sockets

`sock.setblocking(False)` changes the contract: a call that would have to wait raises
`BlockingIOError` at once instead. A `socketpair()` gives two connected sockets to play
with.
""")

code("""
a, b = socket.socketpair()
a.setblocking(False)
try:
    a.recv(100)
except BlockingIOError as exc:
    print("recv on an empty socket:", type(exc).__name__, errno.errorcode[exc.errno])
b.send(b"hi")
print("after the peer sent:", a.recv(100))
""")

md("""
The same goes for sending: the kernel keeps a send buffer per socket, and when it is
full, `send()` either takes only part of the data (it returns how much) or, with nothing
free at all, raises `BlockingIOError`.
""")

code("""
sent = 0
try:
    while True:
        sent += a.send(b"x" * 65536)  # the peer (b) never reads
except BlockingIOError:
    print("send() refused more once the buffers were full")
print(f"the kernel buffered {sent} bytes for a reader that never read")
a.close()
b.close()
""", IGNORE)

md("""
How much the kernel buffers depends on the system (hence no fixed number above). What
matters: with non-blocking sockets, nothing ever waits, and `BlockingIOError` means
"not now, try again later". The loop's job is to know *when* later is.
""")

# ---------------------------------------------------------------------------
md("""
## 3. The `selectors` module

`selectors.DefaultSelector` wraps the best readiness API of the platform: `epoll` on
Linux, `kqueue` on macOS and the BSDs, `select` elsewhere. You `register` a file object
with the events you care about (`EVENT_READ`, `EVENT_WRITE`) and any `data` you like;
`select(timeout)` returns the `(key, events)` pairs that are ready.
""")

code("""
sel = selectors.DefaultSelector()
print(type(sel).__name__)  # on Linux
a, b = socket.socketpair()
a.setblocking(False)
sel.register(a, selectors.EVENT_READ, data="a is readable")
print("nothing sent yet:", sel.select(timeout=0))
b.send(b"ping")
for key, events in sel.select(timeout=0):
    print(key.data, "| events == EVENT_READ:", events == selectors.EVENT_READ)
""")

md("""
`select(timeout=0)` only polls; `select(timeout=None)` would block until something is
ready; `select(1.5)` waits at most 1.5 s. A file descriptor can be registered *once*:
to wait for writing as well, you `modify` the registration instead.
""")

code("""
try:
    sel.register(a, selectors.EVENT_WRITE)
except KeyError as exc:
    print("registering twice:", "already registered" in str(exc))
sel.modify(a, selectors.EVENT_READ | selectors.EVENT_WRITE, data=("reader", "writer"))
for key, events in sel.select(timeout=0):
    print(key.data, "| readable:", bool(events & selectors.EVENT_READ),
          "| writable:", bool(events & selectors.EVENT_WRITE))
sel.unregister(a)
print("registered now:", len(sel.get_map()))
sel.close()
a.close()
b.close()
""")

md("""
That is why toyloop (like asyncio) keeps a pair `(reader, writer)` in each key's `data`:
one registration per fd, with at most one reader callback and one writer callback,
and the events mask says which of the two is wanted.
""")

# ---------------------------------------------------------------------------
md("""
## 4. `add_reader` and `add_writer`

`SelectorLoop` adds four public methods to chapter 2's loop: `add_reader(fd, callback,
*args)` (call me back whenever `fd` is readable), `remove_reader(fd)`, and the same pair
for writing. Here is `_add_reader`; `_add_writer` is its mirror image.
""")

code("""
print(inspect.getsource(SelectorLoop._add_reader))
""", IGNORE)

md("""
A reader is a `Handle`, the same object `call_soon` queues. If the fd is new it is
registered with `(handle, None)`; otherwise the mask gains `EVENT_READ` and the old
reader (if any) is cancelled: a second `add_reader` *replaces* the first, as in asyncio.
When `select` reports the fd, `_process_events` puts the handle on the ready queue:
""")

code("""
print(inspect.getsource(SelectorLoop._process_events))
""", IGNORE)

md("""
Now a reader in action, on a loop with a `VirtualClock` (chapter 2): the loop time is
exact, so the output is the same on every machine. A timer sends data at t = 1.0; the
reader fires as soon as the data is there.
""")

code("""
loop = SelectorLoop(clock=VirtualClock())
a, b = socket.socketpair()
a.setblocking(False)
b.setblocking(False)

def on_readable():
    print(f"t={loop.time():.1f}  reader: {a.recv(100)!r}")

def send_ping():
    print(f"t={loop.time():.1f}  timer: the peer sends b'ping'")
    b.send(b"ping")

loop.add_reader(a, on_readable)
key = loop._selector.get_key(a)
reader, writer = key.data  # one (reader, writer) pair per fd, as in section 3
print("registered:", type(reader).__name__, "for", reader._callback.__name__,
      "| writer:", writer)
loop.call_later(1.0, send_ping)
loop.call_later(2.0, loop.stop)
loop.run_forever()
""")

code("""
print("remove_reader:", loop.remove_reader(a), "| again:", loop.remove_reader(a))
print("fds still registered:", len(loop._selector.get_map()))
loop.close()
a.close()
b.close()
""")

md("""
The reader ran once, at t = 1.0, although the loop kept iterating until t = 2.0: a
reader fires when the fd is *readable*, and after `recv` there was nothing more to read.
Had it not read the data, it would fire again on every iteration (level-triggered, as
asyncio's selectors are). `remove_reader` returns whether there was a reader to remove.
""")

# ---------------------------------------------------------------------------
md("""
## 5. Awaitable socket calls

Callbacks are enough to build `await`-able calls: create a future, register a callback
that completes it, await the future. A first version of `sock_recv`, written here and
not part of the package:
""")

code('''
async def sock_recv_v1(loop, sock, n):
    """Wait until sock is readable, then recv (a first draft)."""
    fut = loop.create_future()

    def on_readable():
        try:
            data = sock.recv(n)
        except BlockingIOError:
            return  # a false alarm: stay registered
        loop.remove_reader(sock)
        fut.set_result(data)

    loop.add_reader(sock, on_readable)
    return await fut
''')

code("""
async def demo(loop):
    a, b = socket.socketpair()
    for s in (a, b):
        s.setblocking(False)
    loop.call_later(0.5, b.send, b"data after 0.5 s")
    data = await sock_recv_v1(loop, a, 100)
    print(f"t={loop.time():.1f}", data)
    a.close()
    b.close()


def run(main, clock=None):
    \"\"\"Run main(loop) on a fresh chapter 3 loop, then close the loop.\"\"\"
    loop = SelectorLoop(clock=clock)
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.close()


run(demo, clock=VirtualClock())
""")

md("""
toyloop's real `sock_recv` improves on the draft in two ways that asyncio also has:
it **tries `recv` first** (data often is there already, and then no future, no
registration and no extra iteration are needed), and it removes the reader in the
future's **done callback**, so that cancelling the awaiting task also unregisters it.
""")

code("""
print(inspect.getsource(SelectorLoop.sock_recv))
print(inspect.getsource(SelectorLoop._sock_recv))
""", IGNORE)

md("""
### Partial sends

`send()` returns how many bytes the kernel took. With a small send buffer and a peer
that is not reading yet, that is only part of a large payload:
""")

code("""
a, b = socket.socketpair()
for s in (a, b):
    s.setblocking(False)
a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
payload = bytes(range(256)) * 4096  # 1 MiB
first = a.send(payload)
print("one send() took only part of 1 MiB:", 0 < first < len(payload))
""")

md("""
So `sock_sendall` sends what it can, then registers a writer that sends the rest
piece by piece as the socket becomes writable again, keeping the position in between.
An instrument (chapter 2's hooks) counts how often that writer runs while a reader task
drains the other end, 4 KiB at a time:
""")

code("""
class CountWriterCalls:
    def __init__(self):
        self.calls = 0

    def before_handle(self, handle):
        if getattr(handle._callback, "__name__", "") == "_sock_sendall":
            self.calls += 1


async def send_big(loop):
    counter = CountWriterCalls()
    loop.add_instrument(counter)

    async def reader():
        chunks = []
        while chunk := await loop.sock_recv(b, 4096):
            chunks.append(chunk)
        return b"".join(chunks)

    reading = loop.create_task(reader())
    await loop.sock_sendall(a, payload[first:])  # the rest, after the first send()
    a.shutdown(socket.SHUT_WR)  # EOF for the reader
    received = await reading
    print("received all 1 MiB, in order:", received == payload)
    print("the writer callback ran more than once:", counter.calls > 1)
    return counter.calls


writer_calls = run(send_big)
a.close()
b.close()
""")

code("""
print(f"sock_sendall needed {writer_calls} writer callbacks for {len(payload) - first} bytes")
""", IGNORE)

md("""
### `sock_accept` and `sock_connect`

A listening socket is *readable* when a connection is waiting, so `sock_accept` is a
reader that calls `accept()`. Connecting is the other way round: a non-blocking
`connect()` raises `BlockingIOError` (`EINPROGRESS`) and continues in the background; the
socket becomes *writable* when the attempt is over, and `getsockopt(SO_ERROR)` then
says whether it worked. Raw, on a port where nobody listens:
""")

code("""
with socket.socket() as probe:
    probe.bind((HOST, 0))
    closed_port = probe.getsockname()[1]  # free again once probe is closed

sock = socket.socket()
sock.setblocking(False)
print("connect_ex:", errno.errorcode[sock.connect_ex((HOST, closed_port))])
sel = selectors.DefaultSelector()
sel.register(sock, selectors.EVENT_WRITE)
print("writable:", bool(sel.select(timeout=5)))
print("SO_ERROR:", errno.errorcode[sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)])
sel.close()
sock.close()
""")

md("""
`sock_connect` does exactly this: `connect`, a writer on `BlockingIOError`, and a
callback `_sock_connect_cb` that reads `SO_ERROR` and turns a non-zero value into an
`OSError` (asyncio: `BaseSelectorEventLoop._sock_connect_cb`, same message). A
refused connection therefore surfaces as `ConnectionRefusedError`:
""")

code("""
async def refused(loop):
    sock = socket.socket()
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, (HOST, closed_port))
    except ConnectionRefusedError as exc:
        print(type(exc).__name__, "|", errno.errorcode[exc.errno])
    finally:
        sock.close()

run(refused)
""")

md("""
And a connection that works, accepted by the same loop; then the two ways a connection
ends. A peer that closes normally gives **EOF**: `recv` returns `b""`. A peer that
aborts (here: `SO_LINGER` with a zero timeout, so `close()` sends a TCP reset) makes
`recv` raise **`ConnectionResetError`**.
""")

code("""
import struct

async def connect_and_end(loop):
    listener = socket.create_server((HOST, 0))
    listener.setblocking(False)
    clients, conns = [], []
    for _ in range(2):
        c = socket.socket()
        c.setblocking(False)
        connecting = loop.create_task(loop.sock_connect(c, listener.getsockname()))
        conn, _addr = await loop.sock_accept(listener)
        await connecting
        clients.append(c)
        conns.append(conn)
    print("accepted 2 connections; non-blocking:", all(x.gettimeout() == 0 for x in conns))

    clients[0].close()                                    # a normal close: FIN
    print("after close:", await loop.sock_recv(conns[0], 100))
    clients[1].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    clients[1].close()                                    # an abortive close: RST
    try:
        await loop.sock_recv(conns[1], 100)
    except ConnectionResetError as exc:
        print("after reset:", type(exc).__name__)
    for s in conns + [listener]:
        s.close()

run(connect_and_end)
""")

md("""
**Recap.** Every `sock_*` call has the same shape: try the system call; on
`BlockingIOError` park a future and a reader or writer that retries it; the done
callback unregisters. asyncio has more of them (`sock_sendfile`, `sock_recvfrom`,
`sock_sendto`...) and, for real programs, *transports* (`_SelectorSocketTransport` in
`selector_events.py`), which keep one reader registered for the connection's life
instead of one per call. Chapter 5 gets to those.
""")

# ---------------------------------------------------------------------------
md("""
## 6. One full iteration

Chapter 2's `_run_once` did not change at all: its wait phase calls `self._select(timeout)`,
which `SelectorLoop` now implements with the selector, and `_process_events` turns the
events into ready handles. The whole iteration:
""")

code("""
print(inspect.getsource(BaseLoop._run_once))
""", IGNORE)

code("""
print(inspect.getsource(SelectorLoop._select))
""", IGNORE)

md("""
Put next to asyncio's `BaseEventLoop._run_once` (`Lib/asyncio/base_events.py`), phase by
phase. The cell finds each phase's line in both sources:
""")

code('''
import asyncio.base_events

PHASES = [  # (phase, a line of toyloop's, the matching line of asyncio's)
    ("purge cancelled timers", "_timer_cancelled_count /", "_timer_cancelled_count /"),
    ("ready or stopping: don't wait", "timeout = 0", "timeout = 0"),
    ("else wait until the first timer", "elif scheduled:", "elif self._scheduled:"),
    ("select (sockets and time at once)", "self._select(timeout)", "self._selector.select("),
    ("queue the I/O callbacks", "self._process_events(", "self._process_events("),
    ("queue the timers that are due", "end_time = self.time()", "end_time = self.time()"),
    ("count the ready queue first", "range(len(ready))", "ntodo = len(self._ready)"),
    ("run each handle", "handle._run()", "handle._run()"),
]
ours = inspect.getsource(BaseLoop._run_once).splitlines()
theirs = inspect.getsource(asyncio.base_events.BaseEventLoop._run_once).splitlines()

def find(lines, needle):
    return next(i for i, line in enumerate(lines) if needle in line)

for phase, mine, asyncios in PHASES:
    print(f"{phase:36} toyloop: {ours[find(ours, mine)].strip()}")
    print(f"{'':36} asyncio: {theirs[find(theirs, asyncios)].strip()}")
print("same order in both:", [find(ours, p[1]) for p in PHASES] == sorted(
    find(ours, p[1]) for p in PHASES) and [find(theirs, p[2]) for p in PHASES] == sorted(
    find(theirs, p[2]) for p in PHASES))
''')

md("""
The differences are toyloop's additions, not changes of order: the hook points for
instruments, the clock object behind `self._select` (so a `VirtualClock` can jump), and
heap entries `(when, seq, handle)` where asyncio compares `TimerHandle`s directly.

Watch the phases happen. An instrument prints what `select` was asked for and what
came back, and when a timer falls due; a ready callback, a timer that makes the peer
send, and a reader all meet in a few iterations:
""")

code("""
class Narrator:
    \"\"\"Instrument: narrate the wait phase of each iteration.\"\"\"

    def __init__(self, loop):
        self.loop = loop
        self.asked = None

    def before_select(self, timeout):
        self.asked = (self.loop.time(), timeout)

    def after_select(self, events):  # one line per select, printed once it returned
        when, timeout = self.asked
        print(f"t={when:.1f}  select(timeout={timeout}) -> {len(events)} fd(s) ready")

    def timer_fired(self, handle):
        print(f"t={self.loop.time():.1f}  timer due at {handle.when():.1f} -> ready queue")
""")

code("""
loop = SelectorLoop(clock=VirtualClock())
loop.add_instrument(Narrator(loop))
a, b = socket.socketpair()
a.setblocking(False)
b.setblocking(False)
loop.add_reader(a, lambda: print(f"t={loop.time():.1f}  reader: {a.recv(100)!r}"))
loop.call_soon(print, "t=0.0  a ready callback runs")
loop.call_later(1.0, b.send, b"ping")
loop.call_later(3.0, loop.stop)
loop.run_forever()
loop.remove_reader(a)
loop.close()
a.close()
b.close()
""")

md("""
Read it from the top:

* iteration 1: a callback is ready, so the timeout is **0** (just poll);
* iteration 2: nothing is ready; the first timer is 1.0 s away, so `select` may wait
  1.0 s. No fd became ready: time moves to 1.0, the timer falls due and sends `b'ping'`;
* iteration 3: the next timer is at 3.0, so the timeout is 2.0 s, but `select` returns
  at once with the readable socket: the reader runs at t = 1.0, not at 3.0;
* iteration 4: select waits the 2.0 s; the stop timer falls due.

This is the heart of an event loop: **one blocking call waits for I/O and time
together**, and the timeout is what ties the two.
""")

md("""
The tracer from `toyloop/tools/tracer.py` records the same things as an instrument (and
more: which callbacks ran, which fds fired), one line per iteration. The same scenario,
traced:
""")

code("""
from toyloop.tools.tracer import trace

loop = SelectorLoop(clock=VirtualClock())
a, b = socket.socketpair()
a.setblocking(False)
b.setblocking(False)
loop.add_reader(a, a.recv, 100)
loop.call_soon(print, "a ready callback")
loop.call_later(1.0, b.send, b"ping")
loop.call_later(3.0, loop.stop)
with trace(loop) as tracer:
    loop.run_forever()
loop.remove_reader(a)
loop.close()
a.close()
b.close()
tracer.print(compact=True)
""")

md("""
Columns: the loop time once `select` returned (the time the iteration's callbacks see),
the timeout `select` was given, the fds it reported (`R` readable, `W` writable), how
many timers fell due, and what ran. `tracer.print()` without `compact` shows a tree per
iteration instead.
""")

# ---------------------------------------------------------------------------
md("""
## 7. An echo server for 1000 clients, one thread

Everything needed for a real server is now there. `toyloop/examples/echo_scale.py` has
one: an accept loop that starts a task per connection, and an echo task per client,
nothing but `sock_accept`, `sock_recv` and `sock_sendall`:
""")

code("""
from toyloop.examples import echo_scale

print(inspect.getsource(echo_scale.accept_forever))
print(inspect.getsource(echo_scale.echo))
""")

md("""
The clients run on stock asyncio in a worker thread. Each connects, sends a line, reads
its echo, and then *keeps its connection open until every client has its echo*, so at
the end all of them really are connected at once. The server's loop runs in this
notebook's thread and counts the connections open at the same time.
""")

code("""
N_CLIENTS = 1000
result = echo_scale.run_echo_test(N_CLIENTS)
print(f"served {result['correct']}/{result['clients']} clients correctly")
print(f"connections open at the same time, at most: {result['peak_open']}")
print(f"threads that ran server code: {result['server_threads']}")
print(f"connection errors: {result['errors']}")
""")

code("""
print(f"took {result['seconds']:.2f} s, "
      f"{result['clients'] / result['seconds']:.0f} clients per second")
""", IGNORE)

md("""
### Watching it live

The same server and clients again, this time with `LiveMonitor` from
`toyloop/tools/explorer.py` attached to the loop: an instrument that counts iterations,
plus a timer on the loop that refreshes the panel every 0.05 s. Watch "connections open"
climb to 1000 as the accepts come in, then "bytes echoed" jump while "iterations/s"
falls: each iteration now handles hundreds of ready sockets, so there are fewer, longer
iterations. (The numbers differ on every run, so nbval does not compare them; after the
run the panel keeps the final ones.)
""", cell_id="ch3-live-md")

code("""
import concurrent.futures

from toyloop.tools.explorer import LiveMonitor

loop, stats = SelectorLoop(), echo_scale.ServerStats()
gauges = {"connections open": lambda: stats.open_now,
          "bytes echoed": lambda: stats.echoed_bytes}
listener = socket.create_server(("127.0.0.1", 0), backlog=N_CLIENTS)
pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="echo-clients")
try:
    listener.setblocking(False)
    clients = pool.submit(echo_scale.run_clients, listener.getsockname()[1], N_CLIENTS)
    with LiveMonitor(loop, interval=0.05, gauges=gauges) as monitor:
        display(monitor.widget)
        loop.run_until_complete(echo_scale.serve_until(loop, listener, stats, N_CLIENTS))
    peak = max(numbers["connections open"] for numbers in monitor.history)
    print(f"{clients.result(timeout=60)}/{N_CLIENTS} clients got their echo; "
          f"{monitor.refreshes} refreshes, at most {peak} connections open at once")
finally:  # close everything this cell opened, even if the run failed
    listener.close()
    loop.close()
    pool.shutdown(wait=True)
""", IGNORE, cell_id="ch3-live")

md("""
One thread held all those connections open and served each one. With blocking sockets
that takes one thread per client; here each waiting client costs a registered fd and a
suspended task. The figure is kept small so the notebook runs fast everywhere; the
full-size run is a script (it puts the clients in a separate process, so that neither
process needs more file descriptors than clients):

```
python -m toyloop.examples.echo_scale --clients 10000
```

asyncio does more here: `loop.create_server` and `asyncio.start_server` build the
accept loop for you (`BaseSelectorEventLoop._accept_connection` accepts up to `backlog`
connections per wake-up), and each connection gets a transport and a protocol rather
than a task awaiting `sock_recv`.

**Recap of the chapter.** A selector waits for many sockets *and* a timeout in one
call. The loop turns ready fds into ready handles, then adds the timers that fell due,
then runs them. Every awaitable socket call is "try, else register and park a future".
One thread can hold thousands of connections because a waiting connection costs no
thread at all.
""")

# ---------------------------------------------------------------------------
md("""
## 8. Exercises

Each exercise has a stub that raises `NotImplementedError`; replace its body, run the
cell, then run the check. `ex.hint()` shows a hint, `ex.solution()` one answer. The
checks run your code on a fresh `SelectorLoop`, on 127.0.0.1.
""")

code("""
from toyloop.exercises import ch3
""")

md("""
### Exercise 1: `sock_sendall` with partial sends

Write `sock_sendall(loop, sock, data)` using `loop.add_writer` / `loop.remove_writer`
(not `loop.sock_sendall`). The check sends 1 MiB to a reader that takes 4 KiB at a time,
and makes the peer disappear halfway through another send.
""")

code("""
async def my_sock_sendall(loop, sock, data):
    raise NotImplementedError  # your code here

ch3.sendall_exercise.check(my_sock_sendall);
""")

md("""
### Exercise 2: a broadcast chat server

Write `chat_server(loop, listener)`: accept clients forever on the (non-blocking)
`listener`; whatever one client sends goes to every *other* connected client. Clients
may leave at any time.
""")

code("""
async def my_chat_server(loop, listener):
    raise NotImplementedError  # your code here

ch3.chat_exercise.check(my_chat_server);
""")

md("""
### Exercise 3: a port checker with timeouts

Write `check_ports(loop, host, ports, timeout)` returning `{port: state}` in the order
of `ports`, where state is `"open"` (connected), `"closed"` (refused) or `"timeout"` (no
answer within `timeout` seconds). Probe all ports at the same time. The check makes a
port that never answers by filling a listener's backlog (`listen(0)`), so on Linux
further connection attempts get no reply at all.
""")

code("""
async def my_check_ports(loop, host, ports, timeout):
    raise NotImplementedError  # your code here

ch3.ports_exercise.check(my_check_ports);
""")

md("""
### Exercise 4: an HTTP/1.0 GET client

Write `http_get(loop, host, port, path)` returning `(status, headers, body)`: `status`
an int, `headers` a dict (names in any case), `body` bytes. The check starts
`ch3.local_http_server()`, a small server on 127.0.0.1 with the paths `/hello`, `/big`
(about 200 kB, sent in pieces) and anything else (404). You can use it yourself:
`with ch3.local_http_server() as (host, port, server): ...`
""")

code("""
async def my_http_get(loop, host, port, path):
    raise NotImplementedError  # your code here

ch3.http_exercise.check(my_http_get);
""")

md("""
Next: chapter 4, where a blocking call freezes all of this, and threads and processes
come to the rescue, with a self-pipe to wake the selector from another thread.
""")


# ---------------------------------------------------------------------------


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
