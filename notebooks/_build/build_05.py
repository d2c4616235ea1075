"""Build notebooks/05_plugging_into_asyncio.ipynb (and execute it with --execute).

    python notebooks/_build/build_05.py --execute

The notebook is written from the cells below; cell ids are fixed so that a
rebuild changes only what changed.  Cells that show package code are cut out of
``toyloop/ch5_transports.py`` at build time (``method_source``) and tagged for
tests/test_notebook_sync.py, so notebook and module cannot drift.  Execution
uses nbclient with the kernel of the running Python, from the notebooks/ folder.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

from nbbuild import Notebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

BOOK = Notebook("05_plugging_into_asyncio.ipynb", "ch5")
md, code = BOOK.md, BOOK.code

def method_source(module: str, cls: str, *names: str) -> str:
    """The source of ``cls.name`` for each name, dedented to top level, comments kept."""
    path = ROOT / "toyloop" / f"{module}.py"
    source = path.read_text()
    tree = ast.parse(source)
    klass = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    chunks = []
    for name in names:
        node = next(n for n in klass.body
                    if isinstance(n, ast.FunctionDef) and n.name == name)
        lines = source.splitlines()[node.lineno - 1:node.end_lineno]
        chunks.append(textwrap.dedent("\n".join(lines)))
    return "\n\n\n".join(chunks)


IGNORE = "nbval-ignore-output"

# ---------------------------------------------------------------------------
md("""
# 5 · Plugging into asyncio

Chapters 2 to 4 built a loop with asyncio's *names*. This chapter makes it an asyncio
loop in earnest: `toyloop.EventLoop` is an `asyncio.AbstractEventLoop`, and programs
written for asyncio — its streams, `asyncio.to_thread`, even third-party libraries such
as `websockets` — run on it unchanged.

1. how asyncio finds its loop: the running loop, policies, `Runner(loop_factory=...)`;
2. the future protocol: why asyncio's `Task` can drive toyloop's futures, and back;
3. transports and protocols, built up from chapter 3's sockets: buffering, flow
   control, EOF, closing;
4. unchanged asyncio programs on toyloop: a streams echo server, a websockets server
   and client, and the same programs on asyncio's loop and uvloop;
5. exercises.

The code is `toyloop/ch5_asyncio.py` (class `EventLoop`) and
`toyloop/ch5_transports.py` (transports and `Server`). asyncio's originals:
`base_events.py` (`create_connection`, `create_server`, `Server`), `selector_events.py`
(`_SelectorSocketTransport`), `transports.py`, `protocols.py` and `streams.py`.
""")

code('''
import asyncio
import socket
import threading
import time
from typing import Any   # the package code shown below is annotated

import toyloop
from toyloop.ch5_asyncio import EventLoop

HOST = "127.0.0.1"   # every server here listens on loopback only


def run_on(loop_factory, main):
    """asyncio.Runner(loop_factory=...) in a fresh thread, where no loop is running yet."""
    box = {}

    def target():
        try:
            with asyncio.Runner(loop_factory=loop_factory) as runner:
                box["result"] = runner.run(main())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]
''')

md("""
`run_on` exists because of Jupyter: the kernel runs its own asyncio loop in this thread,
and asyncio refuses to start a second one here. A fresh thread has no running loop, so
any loop factory works there. `toyloop.run` needs no thread: it steps the kernel's loop
aside while it runs (section 1 shows how).
""")

# ---------------------------------------------------------------------------
md("""
## 1. How asyncio finds its loop

asyncio's functions never take a loop argument any more: `asyncio.sleep`,
`asyncio.create_task`, `asyncio.open_connection` all ask for *the running loop*. That is
a per-thread variable which `run_forever` sets on entry and clears on exit
(`asyncio.events._set_running_loop`); toyloop's `BaseLoop.run_forever` (chapter 2) sets
it too. Ask from inside a coroutine:
""")

code('''
def describe(obj):
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


async def where_am_i():
    return describe(asyncio.get_running_loop()), describe(asyncio.current_task())


print("toyloop.run:    ", toyloop.run(where_am_i()))
print("asyncio's Runner:", run_on(None, where_am_i))
''')

md("""
The same coroutine, two loops. On toyloop the running loop is `EventLoop` and the
current task is toyloop's own `Task` (chapter 2 registers it in asyncio's task table,
so `asyncio.current_task()` finds it). With `loop_factory=None`, asyncio's `Runner`
makes its default loop: a selector loop, with tasks written in C (`_asyncio.Task`).

Where does that default come from? From the *event loop policy*: `asyncio.new_event_loop()`
asks it. A policy is a small object; replace its `new_event_loop` and every
`asyncio.new_event_loop()` returns your loop:
""")

code('''
class ToyloopPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return EventLoop()


asyncio.set_event_loop_policy(ToyloopPolicy())
try:
    loop = asyncio.new_event_loop()
    print(describe(loop))
    loop.close()
finally:
    asyncio.set_event_loop_policy(None)   # back to asyncio's default policy
print(describe(asyncio.get_event_loop_policy()))
''')

md("""
Policies are global, and Python 3.14 deprecates them. The modern way is
`asyncio.Runner(loop_factory=...)` (3.11+), or `asyncio.run(main(), loop_factory=...)`
from 3.12 on: the factory is called once, for this run only. That is all uvloop's
`uvloop.run` does, and what `toyloop.run` does too — plus one thing for notebooks. In
a Jupyter cell the kernel's loop is already running, and asyncio refuses:
""")

code('''
coro = where_am_i()
try:
    with asyncio.Runner(loop_factory=EventLoop) as runner:
        runner.run(coro)
except RuntimeError as exc:
    print(f"RuntimeError: {exc}")
finally:
    coro.close()  # never started: close it, or Python warns it was never awaited
''')

md("""
`toyloop.run` saves the kernel's running loop, sets "no running loop", runs
`asyncio.Runner(loop_factory=EventLoop)`, and puts the kernel's loop back in a
`finally`. The kernel's loop is blocked anyway while a cell runs, so nothing is lost.
(asyncio does not allow this on purpose: *nested* loops in one thread are easy to get
wrong. toyloop still refuses to run inside another *toyloop* loop.)
""")

# ---------------------------------------------------------------------------
md("""
## 2. The future protocol

toyloop's `Task` is not asyncio's `Task`, and its `Future` is not asyncio's `Future`.
Yet an asyncio `Task` can await a toyloop future, and the other way round. No
`isinstance` check stands in the way: asyncio recognises a future by one attribute,
`_asyncio_future_blocking`. Here is what `await fut` does, one step at a time:
""")

code('''
loop = EventLoop()
fut = loop.create_future()
print("before:", fut._asyncio_future_blocking)
steps = fut.__await__()          # what `await fut` runs
yielded = next(steps)            # the coroutine suspends here
print("yielded the future itself:", yielded is fut)
print("and flagged it:", fut._asyncio_future_blocking)
loop.close()
''')

md("""
A coroutine that awaits an unfinished future *yields the future itself*, flagged
`_asyncio_future_blocking = True`. The task driving the coroutine receives it from
`coro.send(None)`; seeing the flag, it resets it and calls
`fut.add_done_callback(task.__wakeup)` (asyncio: `tasks.py`, `Task.__step`; toyloop:
`ch2_futures.Task._park`). Any object with the flag, `get_loop()`, `add_done_callback`,
`result()` and `done()` will do. So asyncio's C `Task` can drive a toyloop `Future`,
and toyloop's `Task` an asyncio `Future`, as long as both belong to the same loop:
""")

code('''
async def wait_for_it(fut):
    return await fut


async def mixed():
    loop = asyncio.get_running_loop()
    toy_future = toyloop.Future(loop=loop)
    loop.call_later(1.5, toy_future.set_result, "toyloop's Future")
    c_task = asyncio.Task(wait_for_it(toy_future))        # asyncio's Task, in C
    aio_future = asyncio.Future()                         # asyncio's Future, in C
    loop.call_later(2.5, aio_future.set_result, "asyncio's Future")
    toy_task = toyloop.Task(wait_for_it(aio_future), loop=loop)
    for task in (c_task, toy_task):
        result = await task
        print(f"t={loop.time()}: {describe(task)} got {result}")


toyloop.run(mixed(), clock=toyloop.VirtualClock())
''')

md("""
With a `VirtualClock` the times are exact: each future completed when its timer fired.
The loop only promises to run callbacks (`call_soon`, `call_later`) and
`add_done_callback` does the rest; that is why a loop written in plain Python
can host the C tasks of asyncio, and why uvloop, a loop written in Cython, can host
asyncio's Python code.

**Recap.** asyncio finds its loop through a per-thread "running loop" that
`run_forever` sets; a loop factory (or, the old way, a policy) decides *which* loop
that is; and tasks and futures cooperate through the duck-typed future protocol, not
through a shared class.
""")

# ---------------------------------------------------------------------------
md("""
## 3. Transports and protocols

Chapter 3's socket calls are *pull*: a coroutine asks `await loop.sock_recv(sock, n)`
and waits. asyncio's lower layer is *push*: a **transport** owns the socket and sits in
the selector; when bytes arrive it calls its **protocol**'s `data_received(data)`;
`transport.write(data)` never blocks. A protocol is a class of callbacks:

| called by the transport | when |
|---|---|
| `connection_made(transport)` | first; keep the transport to write with |
| `data_received(data)` | some bytes arrived (any amount: TCP has no messages) |
| `eof_received()` | the peer closed its sending side; return true to keep writing |
| `pause_writing()` / `resume_writing()` | the write buffer passed the high / low mark |
| `connection_lost(exc)` | last, once; `exc` is None for a clean close |

Here is a first transport, a simpler version than toyloop's (no errors, no closing, no
flow control), written with chapter 3's `add_reader` and `add_writer`:
""")

code('''
class MiniTransport:
    """A simplified transport: reads push to the protocol, writes are buffered."""

    def __init__(self, loop, sock, protocol):
        self.loop, self.sock, self.protocol = loop, sock, protocol
        self.buffer = bytearray()
        loop.call_soon(protocol.connection_made, self)
        loop.call_soon(loop.add_reader, sock, self._read_ready)

    def _read_ready(self):
        data = self.sock.recv(65536)
        if data:
            self.protocol.data_received(data)
        else:                                   # b'' is the end of the stream
            self.loop.remove_reader(self.sock)
            self.protocol.eof_received()

    def write(self, data):
        if not self.buffer:                     # nothing queued: try right away
            try:
                data = data[self.sock.send(data):]
            except BlockingIOError:
                pass
            if not data:
                return
            self.loop.add_writer(self.sock, self._write_ready)
        self.buffer += data                     # the rest waits for "writable"

    def _write_ready(self):
        del self.buffer[:self.sock.send(self.buffer)]
        if not self.buffer:
            self.loop.remove_writer(self.sock)
''')

md("""
Two methods are callbacks the *selector* calls (`_read_ready`, `_write_ready`); `write`
is what the protocol calls. Let us connect it to a protocol that prints what it is told,
on one end of a socket pair, and talk to it from the other end with chapter 3's
`sock_sendall`:
""")

code('''
class Printer(asyncio.Protocol):
    def __init__(self, done):
        self.done = done

    def connection_made(self, transport):
        print("connection_made")
        self.transport = transport

    def data_received(self, data):
        print("data_received", data)
        self.transport.write(data.upper())

    def eof_received(self):
        print("eof_received")
        self.done.set_result(None)


async def mini_demo():
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    for s in (ours, theirs):
        s.setblocking(False)
    done = loop.create_future()
    MiniTransport(loop, ours, Printer(done))
    await loop.sock_sendall(theirs, b"hello, protocol")
    print("the peer reads back", await loop.sock_recv(theirs, 100))
    theirs.shutdown(socket.SHUT_WR)
    await done
    ours.close()
    theirs.close()


toyloop.run(mini_demo())
''')

md("""
That is the whole idea. toyloop's `_SelectorSocketTransport`
(`toyloop/ch5_transports.py`) adds what a real connection needs, as asyncio's does:
errors end the connection through `connection_lost(exc)` instead of escaping into the
loop; `close()` stops reading at once but lets the buffer drain first; `abort()` does
not; flow control; EOF in both directions; and `BufferedProtocol`, which lends the
transport its own buffer for `recv_into` so no bytes object is made per read. Here are
its `write` and `_write_ready` (the code of the package, as is):
""")

code(method_source("ch5_transports", "_SelectorSocketTransport", "write"),
     "toyloop:ch5_transports._SelectorSocketTransport")

code(method_source("ch5_transports", "_SelectorSocketTransport", "_write_ready"),
     "toyloop:ch5_transports._SelectorSocketTransport")

md("""
`write` is `MiniTransport.write` plus checks, and one more call at the end:
`_maybe_pause_protocol()`. `_write_ready` finishes what `close()` and `write_eof()`
started once the buffer is empty: `connection_lost(None)` after the last byte left, or
the FIN (`shutdown(SHUT_WR)`) after the last byte.

### Flow control

A transport that buffers whatever it is given will buffer gigabytes for a fast producer
and a slow consumer. So it tells the protocol when to stop: above the *high-water mark*
(64 KiB by default) it calls `pause_writing()`, and once the buffer has drained to the
*low-water mark* (a quarter of the high one) `resume_writing()`:
""")

code(method_source("ch5_transports", "_FlowControlMixin",
                   "_maybe_pause_protocol", "_maybe_resume_protocol"),
     "toyloop:ch5_transports._FlowControlMixin")

md("""
Two marks and not one, so that a buffer hovering around a single limit does not flap
between pause and resume on every write. Watch it happen: a server that does not read
for a while, and a client writing 64 KiB at a time until it is told to pause.
""")

code('''
class Watcher(asyncio.Protocol):
    def __init__(self, log):
        self.log = log
        self.resumed = asyncio.get_running_loop().create_future()
        self.lost = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc):
        self.lost.set_result(exc)

    def connection_made(self, transport):
        self.transport = transport

    def pause_writing(self):
        self.log.append(("pause_writing", self.transport.get_write_buffer_size() > 65536))

    def resume_writing(self):
        self.log.append(("resume_writing", self.transport.get_write_buffer_size() <= 16384))
        self.resumed.set_result(None)


class Lazy(asyncio.Protocol):
    """A server side that does not read at first."""

    def __init__(self, servers):
        self.servers = servers

    def connection_made(self, transport):
        transport.pause_reading()          # the kernel buffers fill up, then ours
        self.servers.append(transport)
''')

code('''
async def slow_reader_demo():
    loop = asyncio.get_running_loop()
    log, servers = [], []
    server = await loop.create_server(lambda: Lazy(servers), HOST, 0)
    port = server.sockets[0].getsockname()[1]
    transport, client = await loop.create_connection(lambda: Watcher(log), HOST, port)
    log.append(("limits (low, high)", transport.get_write_buffer_limits()))
    while len(log) < 2:                         # until pause_writing() came
        transport.write(b"x" * 65536)
    servers[0].resume_reading()                # the reader wakes up and drains it all
    await client.resumed
    transport.close()                           # flushes the rest, then connection_lost
    await client.lost
    servers[0].close()
    server.close()
    return log


for event in toyloop.run(slow_reader_demo()):
    print(*event)
''')

md("""
`pause_writing` came when the buffer passed 64 KiB (after the kernel's own socket
buffers had filled), and `resume_writing` when it was down to 16 KiB. asyncio's streams
are built on exactly this: `StreamWriter.drain()` waits on a future that
`resume_writing` completes (`streams.py`, `FlowControlMixin._drain_helper`). Reading
has its mirror image, `transport.pause_reading()`: the selector stops watching the
socket, the kernel's receive buffer fills, and TCP itself slows the sender down.

### EOF and closing

`eof_received()` is called when the peer has closed its sending side. Returning a true
value keeps *our* sending side open — a half-closed connection, perfect for "send me the
whole request, then I answer" — and anything else makes the transport close:
""")

code(method_source("ch5_transports", "_SelectorSocketTransport", "_read_ready__on_eof"),
     "toyloop:ch5_transports._SelectorSocketTransport")

code('''
class CountThenAnswer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.size = transport, 0

    def data_received(self, data):
        self.size += len(data)

    def eof_received(self):
        print("server: eof_received, closing?", self.transport.is_closing())
        self.transport.write(b"you sent %d bytes" % self.size)
        self.transport.close()        # flushes, then connection_lost(None)
        return True                   # keep our half open until then


async def half_close_demo():
    server = await asyncio.get_running_loop().create_server(CountThenAnswer, HOST, 0)
    reader, writer = await asyncio.open_connection(HOST, server.sockets[0].getsockname()[1])
    writer.write(b"a" * 100_000)
    writer.write_eof()                # our FIN: "that was everything"
    print("client got:", await reader.read())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


toyloop.run(half_close_demo())
''')

md("""
After the client's `write_eof()`, the server still wrote its answer on the same
connection, and the client read it until *its* EOF. `connection_lost` is called exactly
once, and only after the write buffer has drained: `close()` schedules it with
`call_soon` when the buffer is already empty, otherwise `_write_ready` (above) calls it
once the last byte has left. `abort()` is the way to close without waiting (it drops
the buffer).

**asyncio does more here.** Its transports (`selector_events.py`) keep a deque of
buffers and send them with one `sendmsg` call (3.12+); they support TLS through
`sslproto.py`, a protocol *and* a transport stacked in between; `loop.sendfile` uses
`os.sendfile` where it can (toyloop always reads and writes). The loop side
(`create_connection`, `create_server` and its `Server`, `connect_accepted_socket`,
`create_datagram_endpoint` for UDP) is in `toyloop/ch5_asyncio.py`, written after
`base_events.py`.

**Recap.** A transport turns the selector's "readable / writable" into protocol
callbacks; it buffers writes and tells the protocol when to pause; EOF and closing each
have one precise order of events. With those, asyncio's streams need nothing else from
the loop.
""")

# ---------------------------------------------------------------------------
md("""
## 4. Unchanged asyncio programs on toyloop

### A streams echo server

Nothing below mentions toyloop: `asyncio.start_server` calls the running loop's
`create_server`, `asyncio.open_connection` its `create_connection`, and the streams sit
on the transports of section 3.
""")

code('''
async def shout_back(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def echo_program():
    server = await asyncio.start_server(shout_back, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    transcript = []
    async with server:
        reader, writer = await asyncio.open_connection(HOST, port)
        for line in [b"hello\\n", b"event loop\\n"]:
            writer.write(line)
            transcript.append(await reader.readline())
        writer.write_eof()
        transcript.append(await reader.read())
        writer.close()
        await writer.wait_closed()
        transcript.append(await asyncio.to_thread(sum, [1, 2, 3]))
    return transcript


print(toyloop.run(echo_program()))
''')

md("""
The last item came from `asyncio.to_thread`, which calls the loop's `run_in_executor`
(chapter 4).

### A third-party library: websockets

`websockets` is a widely used WebSocket library. Its `websockets.asyncio` server and
client are plain asyncio code: they get the running loop and call
`create_server` / `create_connection` with their own protocol classes.
""")

code('''
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve


async def echo_socket(websocket):
    async for message in websocket:
        await websocket.send(f"echo: {message}")


async def websockets_program():
    transcript = []
    async with serve(echo_socket, HOST, 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://{HOST}:{port}") as websocket:
            for message in ["hello", "x" * 100_000]:
                await websocket.send(message)
                answer = await websocket.recv()
                transcript.append((len(answer), answer[:12]))
    transcript.append(("closed with code", websocket.close_code))
    return transcript


print(toyloop.run(websockets_program()))
''')

md("""
The handshake, framing, a 100 kB message and the closing handshake all ran on toyloop's
transports. The test suite (`tests/test_third_party.py`) also runs an aiohttp server and
client this way.

### The same programs on three loops

Now run each program, unchanged, on toyloop, on asyncio's own loop and on uvloop (a
loop written in Cython on libuv, if it is installed), each in a fresh thread through
`asyncio.Runner(loop_factory=...)`, and compare the transcripts:
""")

code('''
LOOPS = {"toyloop": EventLoop, "asyncio": None}
try:
    import uvloop
    LOOPS["uvloop"] = uvloop.new_event_loop
except ImportError:
    pass                 # not installed: two loops instead of three


def on_every_loop(program):
    results, timings = {}, {}
    for name, factory in LOOPS.items():
        start = time.perf_counter()
        results[name] = run_on(factory, program)
        timings[name] = time.perf_counter() - start
    return results, timings


echo_results, echo_times = on_every_loop(echo_program)
ws_results, ws_times = on_every_loop(websockets_program)
print("echo transcripts identical:", len(set(map(repr, echo_results.values()))) == 1)
print("websockets transcripts identical:", len(set(map(repr, ws_results.values()))) == 1)
''')

code('''
for name in LOOPS:
    print(f"{name:8} echo took {echo_times[name] * 1000:6.1f} ms, "
          f"websockets took {ws_times[name] * 1000:6.1f} ms")
''', IGNORE)

md("""
The transcripts are identical; only the times differ. The timings are not checked (they
vary from run to run), and programs this short cannot rank loops: chapter 6 measures
them properly. What matters here is that a loop written in plain Python gave the same
transcripts as asyncio's own loop and uvloop.

### What this chapter's loop does not offer

TLS (`ssl=` raises `NotImplementedError`, and so does `start_tls`), subprocesses,
pipes and Unix sockets. Each raises `NotImplementedError` saying so. Chapter 7 adds
them (`toyloop/ch7_tls.py`, `toyloop/ch7_unix.py`), and `toyloop.EventLoop` is that
finished loop; the README lists what is still left. Signals work
(`loop.add_signal_handler`), through `signal.set_wakeup_fd` and chapter 4's self-pipe,
in the main thread only, as in asyncio (`unix_events.py`); `tests/test_ch5_api.py`
sends the loop a `SIGUSR1` and compares with asyncio.
""")

code('''
chapter5_loop = EventLoop()  # this chapter's loop, not the finished toyloop.EventLoop
try:
    chapter5_loop.run_until_complete(asyncio.open_connection(HOST, 443, ssl=True))
except NotImplementedError as exc:
    print(exc)
finally:
    chapter5_loop.close()
''')

# ---------------------------------------------------------------------------
md("""
## 5. Exercises

Each exercise has a stub to fill in and a check: `ex.check(candidate)` runs it (on a
fresh toyloop `EventLoop` with a virtual clock, over real sockets on 127.0.0.1) and
says what is wrong; `ex.hint()` gives a hint; `ex.solution()` shows an answer.
""")

code('''
from toyloop.exercises import ch5
''')

md("""
### Exercise 1: a line protocol

Write `LineCollector`, a protocol that collects the lines of the stream in
`self.lines` (bytes, without their `b"\\n"`). `data_received` may be handed half a line
or three lines at once. At EOF an unfinished last line counts as a line, and the
transport should close.
""")

code('''
class LineCollector(asyncio.Protocol):
    def __init__(self):
        self.lines = []

    def data_received(self, data):
        raise NotImplementedError  # your code here

    def eof_received(self):
        raise NotImplementedError  # your code here


ch5.line_exercise.check(LineCollector);
''')

md("""
### Exercise 2: a flow-controlled producer

Write `Producer(total, chunk)`, a protocol that, once connected, sends `total` bytes in
writes of `chunk` bytes, stops when the transport calls `pause_writing()`, goes on at
`resume_writing()`, and closes the transport once everything is written. The check
sends 8 MiB to a reader that starts late, and watches the write buffer.
""")

code('''
class Producer(asyncio.Protocol):
    def __init__(self, total, chunk=16384):
        self.total, self.chunk, self.sent = total, chunk, 0

    def connection_made(self, transport):
        raise NotImplementedError  # your code here

    def pause_writing(self):
        raise NotImplementedError  # your code here

    def resume_writing(self):
        raise NotImplementedError  # your code here


ch5.producer_exercise.check(Producer);
''')

md("""
### Exercise 3: a key-value server on streams

Write `handle_kv(reader, writer, store)`, the connection handler of an
`asyncio.start_server` server. Commands come one per line: `SET key value` answers
`OK`, `GET key` answers the value or `NOT_FOUND`, `DEL key` answers `DELETED` or
`NOT_FOUND`, anything else `ERROR unknown command`; one answer line per command.
`store` is a dict shared by all connections. When the client closes its side, close the
connection.
""")

code('''
async def handle_kv(reader, writer, store):
    raise NotImplementedError  # your code here


ch5.kv_exercise.check(handle_kv);
''')

md("""
Stuck? `ch5.kv_exercise.hint()` shows a hint, `ch5.kv_exercise.solution()` an answer
(the same for the other two).

## Summary

- asyncio finds *the running loop* through a per-thread variable that `run_forever`
  sets; `asyncio.Runner(loop_factory=...)` (or a policy) chooses which loop that is.
- Futures and tasks cooperate through the duck-typed future protocol
  (`_asyncio_future_blocking`, `add_done_callback`), so C tasks drive Python futures
  and the other way round.
- Transports turn selector events into protocol callbacks, buffer writes, signal
  flow control with two water marks, and end every connection with one
  `connection_lost`.
- With that, asyncio's streams and libraries like websockets and aiohttp run on toyloop
  unchanged.

Next, chapter 6 measures toyloop against asyncio and uvloop, and makes it faster.
""")


# ---------------------------------------------------------------------------


if __name__ == "__main__":
    BOOK.main(sys.argv[1:])
