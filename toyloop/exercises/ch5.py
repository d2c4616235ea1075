"""Chapter 5 exercises: protocols, flow control and streams on toyloop's EventLoop.

Three exercises, each an :class:`~toyloop.tools.checker.Exercise` with cases,
hints and a reference solution:

* ``line_exercise``     -- ``LineCollector``, a protocol that cuts the byte stream
  into lines, whatever pieces ``data_received`` is handed;
* ``producer_exercise`` -- ``Producer``, a protocol that sends a large payload
  but stops on ``pause_writing()`` and goes on at ``resume_writing()``;
* ``kv_exercise``       -- ``handle_kv(reader, writer, store)``, a small
  key-value server on asyncio's streams (SET / GET / DEL, one command a line).

The first case of each calls the learner's code directly (so a stub still
raising ``NotImplementedError`` reads "not attempted yet"); the others run it
over real sockets on a fresh toyloop ``EventLoop`` with a ``VirtualClock``,
through ``run_in_loop`` (a spinning or stuck loop is reported).  Everything
binds 127.0.0.1 and every server and socket is closed whatever happens.
"""

from __future__ import annotations

import asyncio
import asyncio.trsock
import contextlib
import functools
import socket
from typing import Any

from toyloop.ch5_asyncio import EventLoop
from toyloop.clock import VirtualClock
from toyloop.tools.checker import Exercise, LoopBlocked, run_in_loop

HOST = "127.0.0.1"

__all__ = [
    "LineCollector", "Producer", "handle_kv", "kv_exercise", "line_exercise",
    "producer_exercise",
]


def _run(main: Any) -> Any:
    """Run ``main()`` (a coroutine function) on a fresh toyloop EventLoop, virtual time."""
    try:
        return run_in_loop(main, loop_factory=EventLoop, clock=VirtualClock(),
                           max_iterations=20_000)
    except LoopBlocked as blocked:
        if any(word in blocked.message for word in ("readline", "read(", "busy", "write(")):
            blocked.message += (" After the client's EOF, readline() returns b'' at once, "
                                "every time: b'' means EOF, so leave the loop then")
        raise


class _FakeTransport:
    """Just enough of a transport for calling protocol methods by hand."""

    def __init__(self) -> None:
        self.written = bytearray()
        self.closed = False
        self.extra: dict[str, Any] = {}

    def write(self, data: bytes) -> None:
        self.written += data

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self.eof = True

    def can_write_eof(self) -> bool:
        return True

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)


# ===========================================================================
# Exercise 1: a line-based protocol
# ===========================================================================


class LineCollector(asyncio.Protocol):
    """Collect the lines of the stream (without their b'\\n') in ``self.lines``."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        *complete, rest = self._buffer.split(b"\n")
        self.lines.extend(bytes(line) for line in complete)
        self._buffer = bytearray(rest)  # an unfinished line waits for its end

    def eof_received(self) -> None:
        if self._buffer:
            self.lines.append(bytes(self._buffer))  # the last line had no b'\n'
            self._buffer.clear()
        return None  # falsy: let the transport close


def _feed(cls: Any, *chunks: bytes, eof: bool = False) -> Any:
    proto = cls()
    proto.connection_made(_FakeTransport())
    for chunk in chunks:
        proto.data_received(chunk)
    if eof:
        proto.eof_received()
    return proto


def case_whole_lines(cls: Any) -> None:
    """one chunk holding two whole lines"""
    lines = _feed(cls, b"alpha\nbeta\n").lines
    assert not any(isinstance(line, str) for line in lines), (
        f"self.lines holds {lines!r}: str, but the lines should stay bytes (as they came "
        "off the wire); don't decode them")
    assert lines == [b"alpha", b"beta"], (
        f"after data_received(b'alpha\\nbeta\\n') self.lines is {lines!r}, expected "
        "[b'alpha', b'beta']: one line per b'\\n', without the b'\\n' itself")


def case_split_lines(cls: Any) -> None:
    """a line split across data_received calls"""
    lines = _feed(cls, b"hel", b"lo\nwor", b"ld\n").lines
    if lines[-2:] == [b"hello", b"world"] and len(lines) > 2:
        raise AssertionError(
            f"a new LineCollector, fed b'hel', b'lo\\nwor', b'ld\\n', holds {lines!r}: "
            "lines from another instance are in it. The list is shared: made in the class "
            "body, it is one list for every instance. Create it in __init__ (self.lines = [])")
    assert lines == [b"hello", b"world"], (
        f"fed b'hel', b'lo\\nwor', b'ld\\n' you collected {lines!r}. TCP is a stream: "
        "data_received gets arbitrary pieces, not lines. Keep the unfinished tail in a "
        "buffer and finish it when the next piece brings its b'\\n'")


def case_eof(cls: Any) -> None:
    """a last line without b'\\n' arrives with the EOF"""
    proto = cls()
    proto.connection_made(_FakeTransport())
    proto.data_received(b"x\ny")
    assert proto.lines == [b"x"], (
        f"after b'x\\ny' lines should be [b'x'] (b'y' may still go on), got {proto.lines!r}")
    transport = proto.transport if isinstance(getattr(proto, "transport", None),
                                              _FakeTransport) else None
    try:
        keep_open = proto.eof_received()
    except AttributeError as error:
        if "transport" not in str(error):
            raise
        raise AssertionError(
            f"eof_received failed with AttributeError: {error}. Keep the transport you are "
            "given in connection_made (self.transport = transport) to use it later") from None
    assert proto.lines == [b"x", b"y"], (
        f"at EOF the unfinished b'y' is a last line: expected [b'x', b'y'], got "
        f"{proto.lines!r}. eof_received() is where you learn nothing more will come")
    closed = transport.closed if transport is not None else _closed_any(proto)
    assert not keep_open or closed, (
        "eof_received() returned a true value and did not close the transport: that keeps "
        "the connection half-open, and nobody would ever close it. Return None (or False) "
        "to let the transport close, or close it yourself before returning True")


def _closed_any(proto: Any) -> bool:
    """Did the protocol close the fake transport it was given (under any attribute)?"""
    return any(isinstance(v, _FakeTransport) and v.closed for v in vars(proto).values())


def case_no_empty_line_at_eof(cls: Any) -> None:
    """a stream that ends with b'\n' has no extra empty line at EOF"""
    proto = _feed(cls, b"a\nb\n", eof=True)
    assert proto.lines == [b"a", b"b"], (
        f"the stream b'a\\nb\\n' then EOF gave {proto.lines!r}, expected [b'a', b'b']. "
        "It ended with b'\\n', so at EOF nothing is left over: add the rest of the buffer "
        "as a last line only if it is not empty")


def case_real_connection(cls: Any) -> None:
    """over a real connection on toyloop, sent in small pieces"""
    protos: list = []

    async def main() -> list:
        loop = asyncio.get_running_loop()
        lost = loop.create_future()

        class Watched(cls):
            def connection_lost(self, exc: Any) -> None:
                super().connection_lost(exc)
                lost.set_result(None)

        server = await loop.create_server(lambda: protos.append(Watched()) or protos[-1],
                                          HOST, 0)
        try:
            port = server.sockets[0].getsockname()[1]
            _, writer = await asyncio.open_connection(HOST, port)
            text = b"first line\nsecond\n\nlast, no newline"
            for i in range(0, len(text), 3):
                writer.write(text[i:i + 3])
                await writer.drain()
                await asyncio.sleep(0.01)  # separate pieces on the wire
            writer.write_eof()
            await asyncio.wait_for(lost, 5)
            writer.close()
            return protos[0].lines
        finally:
            server.close()

    try:
        lines = _run(main)
    except ConnectionError as error:
        raise AssertionError(
            f"the connection was closed before the client had sent everything ({error!r}): "
            "your protocol closed the transport too early. Close it only at EOF "
            "(eof_received), when nothing more will come") from None
    assert lines == [b"first line", b"second", b"", b"last, no newline"], (
        f"over a socket you collected {lines!r}; expected [b'first line', b'second', b'', "
        "b'last, no newline'] (an empty line is a line too)")


def case_two_connections(cls: Any) -> None:
    """two connections at once keep their own lines and buffers"""
    first, second = cls(), cls()
    first.connection_made(_FakeTransport())
    second.connection_made(_FakeTransport())
    first.data_received(b"one, unfinished")
    second.data_received(b"two\n")
    first.data_received(b" line\n")
    ok = first.lines == [b"one, unfinished line"] and second.lines == [b"two"]
    mixed = b"two" in first.lines or any(b"one" in line for line in second.lines) or \
        first.lines is second.lines
    assert ok or not mixed, (
        f"two LineCollectors fed at the same time collected {first.lines!r} and "
        f"{second.lines!r}; expected [b'one, unfinished line'] and [b'two']. Their state is "
        "shared: a list or bytearray made in the class body is one object for every "
        "instance (and `+=` changes it in place). Create them in __init__ (self._buffer = "
        "bytearray())")
    assert ok, (
        f"fed b'one, unfinished' then b' line\\n', you collected {first.lines!r}: a line "
        "can arrive across several data_received calls. Keep the unfinished tail in a "
        "buffer until its b'\\n' comes")


def case_whitespace_kept(cls: Any) -> None:
    """a line's own spaces and tabs are kept"""
    lines = _feed(cls, b"  two spaces  \n\tand a tab\n").lines
    assert lines == [b"  two spaces  ", b"\tand a tab"], (
        f"got {lines!r}, expected [b'  two spaces  ', b'\\tand a tab']: keep every byte of "
        "the line, whitespace included; don't strip() it (remove only the b'\\n')")


line_exercise = Exercise(
    "LineCollector",
    cases=[case_whole_lines, case_split_lines, case_two_connections, case_whitespace_kept,
           case_eof, case_no_empty_line_at_eof, case_real_connection],
    hint=[
        "data_received(data) gets whatever bytes arrived: half a line, three lines and a "
        "bit. Append them to a bytearray first, then cut complete lines off its front.",
        "buffer.split(b'\\n') gives the complete lines and, last, the unfinished rest "
        "(b'' if the data ended with b'\\n'). Keep only that rest in the buffer.",
        "In eof_received, a non-empty buffer is a last line without b'\\n'. Return None so "
        "the transport closes.",
    ],
    solution=LineCollector,
)


# ===========================================================================
# Exercise 2: a flow-controlled producer
# ===========================================================================


class Producer(asyncio.Protocol):
    """Send ``total`` bytes in ``chunk``-sized writes, respecting flow control, then close."""

    def __init__(self, total: int, chunk: int = 16384) -> None:
        self.total = total
        self.chunk = chunk
        self.sent = 0
        self.paused = False
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self._write_more()

    def _write_more(self) -> None:
        # write() may call pause_writing() before it returns: check every round.
        while not self.paused and self.sent < self.total:
            n = min(self.chunk, self.total - self.sent)
            self.transport.write(b"p" * n)
            self.sent += n
        if self.sent >= self.total and not self.transport.is_closing():
            self.transport.close()  # close() still flushes the buffer first

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._write_more()


class _PausingTransport(_FakeTransport):
    """Calls pause_writing() inside the third write, as a full buffer would."""

    def __init__(self, protocol: Any) -> None:
        super().__init__()
        self.protocol = protocol
        self.writes = 0
        self.writes_while_paused = 0
        self.paused = False

    def write(self, data: bytes) -> None:
        if self.paused:
            self.writes_while_paused += 1
        super().write(data)
        self.writes += 1
        if self.writes == 3:
            self.paused = True
            self.protocol.pause_writing()


class _RunsWhilePaused:
    """Instrument: callbacks of the producer the loop runs while its transport is paused.

    Nothing the producer can do changes while it is paused, until resume_writing():
    a callback of it that runs again and again meanwhile is a busy loop.
    """

    def __init__(self, proto: Any, transport: _PausingTransport) -> None:
        self.proto = proto
        self.transport = transport
        self.runs = 0
        self.name = "method"

    def before_handle(self, handle: Any) -> None:
        callback = getattr(handle, "_callback", None)
        if self.transport.paused and getattr(callback, "__self__", None) is self.proto:
            self.runs += 1
            self.name = getattr(callback, "__name__", "method")


BUSY_WHILE_PAUSED = (
    "while the transport was paused, the loop ran your {name}() {n} times: your producer "
    "re-schedules itself with call_soon while paused, a busy loop that keeps the loop "
    "(and a CPU) busy and changes nothing. Let pause_writing() stop the writing and "
    "resume_writing() start it again: the transport calls resume_writing() when its "
    "buffer has drained, so there is nothing to check meanwhile")


def case_stops_on_pause(cls: Any) -> None:
    """stops writing when pause_writing() is called"""
    proto = cls(total=1_000_000, chunk=1000)
    transport = _PausingTransport(proto)
    spins = _RunsWhilePaused(proto, transport)
    settle_rounds = 5

    async def settle() -> None:
        for _ in range(settle_rounds):  # writes scheduled with call_soon get their turn too
            await asyncio.sleep(0)

    async def main() -> tuple[int, int]:
        asyncio.get_running_loop().add_instrument(spins)
        proto.connection_made(transport)
        await settle()
        if transport.paused:  # a few more rounds: a paused producer must stay quiet
            spins.runs = 0
            await settle()
        assert spins.runs < settle_rounds - 1, BUSY_WHILE_PAUSED.format(
            name=spins.name, n=spins.runs)
        writes = transport.writes
        assert writes >= 3, (
            f"connection_made wrote {writes} time(s) and then stopped, though nobody "
            "paused it yet: write chunks until pause_writing() is called or all is sent")
        assert transport.writes_while_paused == 0, (
            f"you called write() {transport.writes_while_paused} more time(s) after "
            "pause_writing(): the transport calls it from inside write() when its buffer "
            "passes the high-water mark, so your write loop must check a 'paused' flag "
            "each round")
        assert not (transport.closed and len(transport.written) < 1_000_000), (
            "the transport was closed right after connection_made, with most of the data "
            "still to send: close it only once the last chunk is written")
        before = transport.writes
        transport.paused = False
        proto.resume_writing()
        await settle()
        return before, transport.writes

    before, after = _run(main)
    assert after > before, (
        "resume_writing() wrote nothing: it is your cue to go on where you stopped (not a "
        "moment to poll from: no timer checking again and again, a busy-wait, is needed)")
    assert len(transport.written) <= 1_000_000, (
        f"you wrote {len(transport.written)} bytes for total=1000000: after "
        "resume_writing() go on from where you stopped, not from the start")
    assert len(transport.written) < 1_000_000 or transport.closed, (
        "everything was written but the transport was not closed: close the transport "
        "(transport.close()) once the total is sent (close(), not write_eof(): close "
        "flushes the buffer, then ends the connection)")


def _produce(cls: Any, total: int, chunk: int) -> dict:
    """Run the producer against a server that reads only after the producer paused."""
    async def main() -> dict:
        loop = asyncio.get_running_loop()
        stats = {"max_buffer": 0, "writes_while_paused": 0, "pauses": 0, "received": 0}
        paused_once = asyncio.Event()
        received = loop.create_future()

        class Watched(cls):
            def connection_made(self, transport: Any) -> None:
                transport.set_write_buffer_limits(high=65536)
                original_write = transport.write

                def write(data: bytes) -> None:
                    if transport._protocol_paused:
                        stats["writes_while_paused"] += 1
                    original_write(data)
                    stats["max_buffer"] = max(stats["max_buffer"],
                                              transport.get_write_buffer_size())
                transport.write = write
                super().connection_made(transport)

            def pause_writing(self) -> None:
                stats["pauses"] += 1
                paused_once.set()
                super().pause_writing()

        async def slow_reader(reader: Any, writer: Any) -> None:
            await paused_once.wait()
            n = 0
            while data := await reader.read(65536):
                n += len(data)
            received.set_result(n)
            writer.close()

        server = await asyncio.start_server(slow_reader, HOST, 0)
        try:
            port = server.sockets[0].getsockname()[1]
            transport, _ = await loop.create_connection(
                functools.partial(Watched, total, chunk), HOST, port)
            try:
                stats["received"] = await asyncio.wait_for(received, 5)
            except TimeoutError:
                stats["received"] = None
            transport.abort()
            return stats
        finally:
            server.close()

    return _run(main)


def case_flow_control_on_a_socket(cls: Any) -> None:
    """8 MiB through a slow reader: the buffer stays near the high-water mark"""
    total, chunk = 8 * 1024 * 1024 + 1000, 16384  # the last chunk is a short one
    stats = _produce(cls, total, chunk)
    assert stats["pauses"] >= 1, (
        "pause_writing() was never called: did connection_made write anything?")
    assert stats["writes_while_paused"] == 0 and stats["max_buffer"] <= 65536 + chunk, (
        f"the write buffer grew to {stats['max_buffer']} bytes (high-water mark 65536) and "
        f"you wrote {stats['writes_while_paused']} time(s) while paused: stop at "
        "pause_writing(), or everything ends up in the transport's memory")
    assert stats["received"] is not None, (
        "the reader never saw the end of the data: after resume_writing() you must go on "
        "writing, and close the transport once everything is written (it flushes first)")
    assert stats["received"] == total, (
        f"the reader got {stats['received']} bytes, expected total={total}: count what you "
        "send, and make the last chunk only as long as what is left of the total")


def case_small_total(cls: Any) -> None:
    """a total that fits without any pause: all written, then closed"""
    proto = cls(total=5000, chunk=1000)
    transport = _FakeTransport()

    async def main() -> None:
        proto.connection_made(transport)
        for _ in range(5):
            await asyncio.sleep(0)

    _run(main)
    assert len(transport.written) == 5000, (
        f"with total=5000 you wrote {len(transport.written)} bytes")
    assert transport.closed, (
        "5000 bytes were written without a single pause, and the transport was never "
        "closed: close it when the total is sent, wherever that happens (not only in "
        "resume_writing)")


producer_exercise = Exercise(
    "Producer",
    cases=[case_stops_on_pause, case_small_total, case_flow_control_on_a_socket],
    hint=[
        "Write in a loop: while not paused and something is left, write one chunk. The "
        "transport may call pause_writing() from inside write(), so test the flag on every "
        "round.",
        "pause_writing() only sets self.paused = True. resume_writing() clears it and runs "
        "the same write loop again.",
        "When everything is written, call transport.close(): it waits for the buffer to "
        "drain, then the peer reads EOF.",
    ],
    solution=Producer,
    timeout=20.0,
)


# ===========================================================================
# Exercise 3: a key-value server on streams
# ===========================================================================


async def handle_kv(reader: Any, writer: Any, store: dict) -> None:
    """Serve one client: ``SET k v`` -> OK, ``GET k`` -> v or NOT_FOUND, ``DEL k``."""
    while line := await reader.readline():
        command, _, rest = line.decode().strip().partition(" ")
        key, _, value = rest.partition(" ")
        if command == "SET" and key:
            store[key] = value
            answer = "OK"
        elif command == "GET" and key:
            answer = store.get(key, "NOT_FOUND")
        elif command == "DEL" and key:
            answer = "DELETED" if store.pop(key, None) is not None else "NOT_FOUND"
        else:
            answer = "ERROR unknown command"
        writer.write(answer.encode() + b"\n")
        await writer.drain()
    writer.close()  # EOF from the client: we are done too
    await writer.wait_closed()


def _talk(handler: Any, *sessions: list[bytes], store: dict | None = None) -> list:
    """Each session is a list of raw writes from one client; returns every client's answers."""
    async def main() -> list:
        shared = {} if store is None else store
        server = await asyncio.start_server(functools.partial(handler, store=shared), HOST, 0)
        try:
            port = server.sockets[0].getsockname()[1]
            results = []
            for writes in sessions:  # one client after the other
                reader, writer = await asyncio.open_connection(HOST, port)
                for data in writes:
                    writer.write(data)
                writer.write_eof()
                try:
                    answer = await asyncio.wait_for(reader.read(), 5)
                except TimeoutError:
                    answer = None
                writer.close()
                results.append(answer)
            return results
        finally:
            server.close()

    return _run(main)


def case_direct_call(handler: Any) -> None:
    """SET then GET, one command per line"""
    quiet, far = socket.socketpair()  # the transport's socket: it already read it all

    async def main() -> bytes:
        reader = asyncio.StreamReader()
        reader.feed_data(b"SET colour blue\nGET colour\n")
        reader.feed_eof()
        transport = _FakeTransport()
        transport.extra["socket"] = asyncio.trsock.TransportSocket(quiet)
        protocol = asyncio.StreamReaderProtocol(reader)
        writer = asyncio.StreamWriter(transport, protocol, reader,
                                      asyncio.get_running_loop())
        protocol.connection_made(transport)
        task = asyncio.ensure_future(handler(reader, writer, {}))
        try:
            for _ in range(50):
                if task.done() or transport.closed:
                    break
                await asyncio.sleep(0)
            if task.done():
                task.result()  # the handler's own exception (or the stub's) surfaces here
            task.cancel()
            return bytes(transport.written)
        finally:
            transport.close()  # else the StreamWriter warns when it is collected

    with quiet, far:
        written = _run(main)
    if written == b"OK\n":
        raise AssertionError(
            "for b'SET colour blue\\nGET colour\\n' you answered only b'OK\\n': after the "
            "first command the connection was closed, or the second was lost. Several "
            "commands can arrive in one piece: keep reading lines with reader.readline() "
            "until it returns b''")
    assert written == b"OK\nblue\n", (
        f"for b'SET colour blue\\nGET colour\\n' you wrote {written!r}, expected "
        "b'OK\\nblue\\n': one answer line per command -- read the commands one line at a "
        "time with reader.readline(), whatever pieces they arrived in")


def case_commands(handler: Any) -> None:
    """GET of a missing key, DEL, unknown commands, values with spaces"""
    try:
        answers = _talk(handler, [b"GET nothing\n", b"SET greeting hello   world\n",
                                  b"GET greeting\n", b"DEL greeting\n", b"DEL greeting\n",
                                  b"FLY away\n"])
    except AssertionError as error:
        if "KeyError" not in str(error):
            raise
        raise AssertionError(
            f"{error}. GET or DEL of a missing key raised KeyError, which killed the "
            "connection: answer NOT_FOUND instead (store.get(key), store.pop(key, None))"
        ) from None
    expected = (b"NOT_FOUND\nOK\nhello   world\nDELETED\nNOT_FOUND\n"
                b"ERROR unknown command\n")
    assert answers[0] is not None, (
        "the client sent its commands and EOF, but the connection was not closed by your "
        "server: when readline() returns b'' the client is gone -- close the writer")
    assert answers == [expected], (
        f"expected the answers {expected!r}, got {answers[0]!r}"
        + (": the value 'hello   world' lost its runs of spaces; keep everything after the "
           "key exactly as sent" if b"hello world" in (answers[0] or b"") else ""))


def case_pipelined(handler: Any) -> None:
    """several commands in one write, one command in several writes"""
    answers = _talk(handler, [b"SET a 1\nSET b 2\nGET a\nG", b"ET b\n"])
    assert answers == [b"OK\nOK\n1\n2\n"], (
        f"got {answers[0]!r}, expected b'OK\\nOK\\n1\\n2\\n'. Bytes arrive in arbitrary "
        "pieces: read whole lines (reader.readline()), not reader.read(100)")


def case_shared_store(handler: Any) -> None:
    """what one client SETs, the next client GETs"""
    store: dict = {}
    answers = _talk(handler, [b"SET city Lyon\n"], [b"GET city\n"], store=store)
    if answers[1] == b"lyon\n":
        raise AssertionError(
            "the second client got b'lyon\\n' for GET city, expected b'Lyon\\n': the value "
            "came back changed (lower-cased). Store keys and values exactly as sent; only "
            "the command word may be compared without case")
    assert answers == [b"OK\n", b"Lyon\n"], (
        f"the second client got {answers[1]!r} for GET city, expected b'Lyon\\n': keep the "
        "data in the `store` dict passed to your handler, shared by all connections, not in "
        "a dict of your own")
    assert store == {"city": "Lyon"}, (
        f"the shared store holds {store!r}; expected {{'city': 'Lyon'}} (str keys and values)")


def case_waits_for_slow_clients(handler: Any) -> None:
    """a client that does not read: the server waits (drain) instead of buffering"""
    async def main() -> int:
        shared = {"big": "x" * 65536}
        writers: list = []

        async def watched(reader: Any, writer: Any) -> None:
            writers.append(writer)
            await handler(reader, writer, store=shared)

        server = await asyncio.start_server(watched, HOST, 0)
        client = None
        try:
            port = server.sockets[0].getsockname()[1]
            _, client = await asyncio.open_connection(HOST, port)
            client.write(b"GET big\n" * 300)  # about 19 MiB of answers, never read
            peak = 0
            for _ in range(40):
                await asyncio.sleep(0.01)
                if writers and writers[0].transport is not None:
                    peak = max(peak, writers[0].transport.get_write_buffer_size())
            return peak
        finally:
            if client is not None:
                client.transport.abort()
            server.close()

    peak = _run(main)
    assert peak <= 1024 * 1024, (
        f"a client asked for 19 MiB of answers and read none of them; your server's write "
        f"buffer grew to {peak / 1e6:.1f} MB. `await writer.drain()` after each write: it "
        "waits while the buffer is above its high-water mark, so a slow client slows the "
        "server down instead of filling its memory")


def case_cancelled_handler_ends(handler: Any) -> None:
    """a handler cancelled mid-connection (the server shutting down) ends"""
    async def main() -> bool:
        tasks: list = []

        async def watched(reader: Any, writer: Any) -> None:
            # The handler in a task of its own: cancelling the task start_server made
            # would trip up asyncio's StreamReaderProtocol (3.11) in its done callback.
            task = asyncio.ensure_future(handler(reader, writer, store={}))
            tasks.append(task)
            with contextlib.suppress(asyncio.CancelledError):
                await task

        server = await asyncio.start_server(watched, HOST, 0)
        client = None
        try:
            port = server.sockets[0].getsockname()[1]
            reader, client = await asyncio.open_connection(HOST, port)
            client.write(b"SET a 1\n")
            await asyncio.wait_for(reader.readline(), 5)  # the handler is at work now
            tasks[0].cancel()  # what shutting the server down does to its handlers
            done, _ = await asyncio.wait(tasks, timeout=1.0)
            return bool(done)
        finally:
            if client is not None:
                client.transport.abort()
            server.close()

    assert _run(main), (
        "the handler task was cancelled while its client was connected (as when the "
        "server shuts down), and it went on running: your code swallowed the "
        "CancelledError. A bare `except:` (or `except BaseException:`) around an await "
        "catches the cancel too; catch only the errors you mean (`except ValueError:`), "
        "or re-raise asyncio.CancelledError")


kv_exercise = Exercise(
    "handle_kv",
    cases=[case_direct_call, case_commands, case_pipelined, case_shared_store,
           case_cancelled_handler_ends, case_waits_for_slow_clients],
    hint=[
        "Loop on `line = await reader.readline()`; b'' means the client closed its side: "
        "leave the loop, then writer.close().",
        "line.decode().strip().partition(' ') splits off the command; partition the rest "
        "again for the key and the value (the value may contain spaces).",
        "Answer with writer.write(answer.encode() + b'\\n') and await writer.drain() so a "
        "slow client cannot make you buffer without end.",
    ],
    solution=handle_kv,
    timeout=20.0,
)
