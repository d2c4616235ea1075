"""Chapter 5: asyncio's streams (start_server, open_connection) unchanged on toyloop.

Streams are asyncio code sitting on ``loop.create_server`` /
``loop.create_connection`` and the transport API; nothing in toyloop knows
about them.  Each scenario runs on asyncio's loop and on toyloop's and the
recorded results must agree.  Everything binds 127.0.0.1.
"""

from __future__ import annotations

import asyncio

import pytest
from differential.harness import run_program_on, run_program_on_both

import toyloop

HOST = "127.0.0.1"
LOOPS = ("asyncio", "toyloop")


run_on = run_program_on


def both(main) -> list:
    """asyncio's loop, then toyloop's with a real and with a virtual clock."""
    return run_program_on_both(main, clocks=(toyloop.VirtualClock,))




async def upper_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def _echo() -> list:
    log = []
    server = await asyncio.start_server(upper_echo, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection(HOST, port)
        log.append(("peername", writer.get_extra_info("peername") == (HOST, port)))
        writer.write(b"hello\n")
        writer.writelines([b"wor", b"ld\n", b"partial"])
        await writer.drain()
        log.append(await reader.readline())
        log.append(await reader.readuntil(b"\n"))
        log.append(("can_write_eof", writer.can_write_eof()))
        writer.write_eof()
        log.append(await reader.read())  # the server answers the last line at EOF, then closes
        log.append(("at_eof", reader.at_eof()))
        writer.close()
        await writer.wait_closed()
        log.append(("is_closing", writer.is_closing()))
    log.append(("serving", server.is_serving()))
    return log


def test_start_server_open_connection_echo():
    assert both(_echo) == [("peername", True), b"HELLO\n", b"WORLD\n", ("can_write_eof", True),
                           b"PARTIAL", ("at_eof", True), ("is_closing", True),
                           ("serving", False)]


async def _many_clients() -> list:
    server = await asyncio.start_server(upper_echo, HOST, 0)
    port = server.sockets[0].getsockname()[1]

    async def client(i: int) -> bytes:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"client %d\n" % i)
        answer = await reader.readline()
        writer.close()
        await writer.wait_closed()
        return answer

    async with server:
        answers = await asyncio.gather(*(client(i) for i in range(20)))
    return answers


def test_twenty_concurrent_clients():
    assert both(_many_clients) == [b"CLIENT %d\n" % i for i in range(20)]


async def _incomplete_read() -> list:
    async def short(reader, writer):
        writer.write(b"only five")
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(short, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection(HOST, port)
        log = [await reader.readexactly(4)]
        with pytest.raises(asyncio.IncompleteReadError) as info:
            await reader.readexactly(100)
        log.append((info.value.partial, info.value.expected))
        writer.close()
        await writer.wait_closed()
    return log


def test_readexactly_at_eof():
    assert both(_incomplete_read) == [b"only", (b" five", 100)]


async def _drain_slow_reader() -> list:
    """drain() blocks while the peer does not read; StreamReader's limit pauses reading."""
    log = []
    release = asyncio.Event()
    handler_done = asyncio.Event()
    got = []

    async def slow(reader, writer):
        await release.wait()
        total = 0
        while chunk := await reader.read(65536):
            total += len(chunk)
        got.append(total)
        writer.close()
        await writer.wait_closed()
        handler_done.set()

    server = await asyncio.start_server(slow, HOST, 0, limit=1024)
    port = server.sockets[0].getsockname()[1]
    async with server:
        _, writer = await asyncio.open_connection(HOST, port)
        payload = b"d" * (8 * 1024 * 1024)
        writer.write(payload)
        drain = asyncio.ensure_future(writer.drain())
        for _ in range(10):
            await asyncio.sleep(0)
        log.append(("drain blocked", not drain.done()))
        log.append(("buffered", writer.transport.get_write_buffer_size() > 0))
        release.set()
        await drain
        writer.close()
        await writer.wait_closed()
        # Python 3.11's wait_closed() does not wait for handlers: wait here, on both loops.
        await handler_done.wait()
    log.append(("server got", got == [len(payload)]))
    return log


def test_drain_waits_for_a_slow_reader():
    assert both(_drain_slow_reader) == [("drain blocked", True), ("buffered", True),
                                        ("server got", True)]


async def _serve_forever() -> list:
    server = await asyncio.start_server(upper_echo, HOST, 0, start_serving=False)
    port = server.sockets[0].getsockname()[1]
    task = asyncio.ensure_future(server.serve_forever())
    await asyncio.sleep(0)  # serve_forever() starts listening on its first step
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(b"x\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        cancelled = True
    return [answer, cancelled, server.is_serving()]


def test_serve_forever_and_cancel():
    assert both(_serve_forever) == [b"X\n", True, False]


@pytest.mark.parametrize("kind", LOOPS)
def test_to_thread_and_getaddrinfo(kind):
    async def main():
        total = await asyncio.to_thread(sum, range(10))
        infos = await asyncio.get_running_loop().getaddrinfo("localhost", 80,
                                                              type=0x1)  # SOCK_STREAM
        name = await asyncio.get_running_loop().getnameinfo((HOST, 80))
        return total, all(info[4][1] == 80 for info in infos), isinstance(name, tuple)

    assert run_on(kind, main) == (45, True, True)


def test_streams_inside_a_running_loop_like_jupyter():
    """toyloop.run steps an outer running loop aside (ipykernel's, in a notebook)."""
    async def outer():
        return toyloop.run(_echo())

    with asyncio.Runner() as runner:
        result = runner.run(outer())
    assert result == run_on("asyncio", _echo)
