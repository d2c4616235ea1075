"""Each chapter's showcase, run on your own loop (the pieces you saved, toyloop's for the rest).

* chapter 2: a producer and two consumers sharing one future, traced;
* chapter 3: an echo server for 1,000 clients, one thread;
* chapter 4: a program mixing ``asyncio.to_thread`` with timers;
* chapter 5: ``asyncio.Runner(loop_factory=your_loop)`` running a streams echo
  server and a websockets server and client, unchanged.

:func:`run_showcase` says which pieces are yours first.  If the showcase fails
on your loop, it runs again with each of your pieces swapped for toyloop's in
turn, names the piece that broke it and how, and shows the one call that goes
back to toyloop's piece (``toyloop.exercises.forget(name)``).

Every showcase takes a loop class, so the tests run them on ``AssembledLoop``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import socket
import threading
from asyncio import events as _events
from collections.abc import Callable
from typing import Any

from .pieces import PIECES, describe, which_are

__all__ = ["SHOWCASES", "echo_program", "run_showcase", "showcase_ch2", "showcase_ch3",
           "showcase_ch4", "showcase_ch5", "two_consumers", "websockets_program"]

HOST = "127.0.0.1"  # loopback only
TIME_LIMIT = 60.0  # seconds for one showcase run, before it counts as hung


def _run(loop_class: type, main: Callable[[], Any], **loop_kwargs: Any) -> Any:
    """``asyncio.Runner(loop_factory=...)`` on ``loop_class``, also inside Jupyter."""
    outer = _events._get_running_loop()
    _events._set_running_loop(None)
    try:
        factory = functools.partial(loop_class, **loop_kwargs)
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(main())
    finally:
        _events._set_running_loop(outer)


# ---------------------------------------------------------------------------
# Chapter 2: two consumers, one future, traced
# ---------------------------------------------------------------------------


async def _consumer(name: str, box: Any) -> str:
    value = await box
    return f"{name} got {value}"


async def two_consumers() -> list[str]:
    """A producer (a timer) and two consumers awaiting one future."""
    loop = asyncio.get_running_loop()
    box = loop.create_future()
    readers = [loop.create_task(_consumer(n, box)) for n in ("c1", "c2")]
    loop.call_later(1, box.set_result, "data")
    return await asyncio.gather(*readers)


def showcase_ch2(loop_class: type, program: Callable[[], Any] = two_consumers
                 ) -> tuple[Any, Any]:
    """Chapter 2's program on ``loop_class`` under the tracer: ``(result, tracer)``.

    The notebook passes its own ``program``, so the trace shows its line numbers
    (the tracer hides those of code inside the package).
    """
    from toyloop.tools.tracer import run_traced

    return run_traced(program, loop_factory=loop_class)


# ---------------------------------------------------------------------------
# Chapter 3: 1,000 echo clients, one thread
# ---------------------------------------------------------------------------


def showcase_ch3(loop_class: type, n_clients: int = 1000) -> dict[str, Any]:
    """Chapter 3's echo server for ``n_clients`` clients, served by ``loop_class``."""
    from toyloop.examples import echo_scale

    loop = loop_class()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="echo-clients")
    outer = _events._get_running_loop()
    _events._set_running_loop(None)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))
        listener.listen(min(n_clients, socket.SOMAXCONN))
        listener.setblocking(False)
        stats = echo_scale.ServerStats()
        clients = pool.submit(echo_scale.run_clients, listener.getsockname()[1], n_clients)
        loop.run_until_complete(echo_scale.serve_until(loop, listener, stats, n_clients))
        correct = clients.result(timeout=TIME_LIMIT)
    finally:
        _events._set_running_loop(outer)
        listener.close()
        loop.close()
        pool.shutdown(wait=True)
    return {"clients": n_clients, "echoed correctly": correct,
            "bytes echoed": stats.echoed_bytes}


# ---------------------------------------------------------------------------
# Chapter 4: to_thread and timers together
# ---------------------------------------------------------------------------


async def threads_and_timers() -> dict[str, Any]:
    """Worker threads and timers at once; one job waits for an event a timer sets."""
    ticks: list[int] = []
    event = threading.Event()

    async def ticker() -> None:
        for i in range(3):
            await asyncio.sleep(0.01)
            ticks.append(i)
        event.set()

    sums = [asyncio.to_thread(sum, range(n * 1000)) for n in range(1, 6)]
    waited = asyncio.to_thread(event.wait, 10)
    results = await asyncio.gather(ticker(), waited, *sums)
    return {"ticks": ticks, "the thread saw the timer's event": results[1],
            "sums": results[2:]}


def showcase_ch4(loop_class: type) -> dict[str, Any]:
    """Chapter 4's program on ``loop_class`` (real time: threads really run)."""
    return _run(loop_class, threads_and_timers)


# ---------------------------------------------------------------------------
# Chapter 5: unchanged asyncio programs
# ---------------------------------------------------------------------------


async def _shout_back(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def echo_program() -> list[Any]:
    """asyncio streams: a server that shouts back, a client, and a to_thread at the end."""
    server = await asyncio.start_server(_shout_back, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    transcript: list[Any] = []
    async with server:
        reader, writer = await asyncio.open_connection(HOST, port)
        for line in [b"hello\n", b"event loop\n", b"x" * 60_000 + b"\n"]:
            writer.write(line)
            answer = await reader.readline()
            transcript.append(answer if len(answer) < 20 else (len(answer), answer[:3]))
        writer.write_eof()
        transcript.append(await reader.read())
        writer.close()
        await writer.wait_closed()
        transcript.append(await asyncio.to_thread(sum, [1, 2, 3]))
    return transcript


async def _echo_socket(websocket: Any) -> None:
    async for message in websocket:
        await websocket.send(f"echo: {message}")


async def websockets_program() -> list[Any]:
    """The websockets library's own server and client, talking over loopback."""
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import serve

    transcript: list[Any] = []
    async with serve(_echo_socket, HOST, 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://{HOST}:{port}") as websocket:
            for message in ["hello", "x" * 100_000]:
                await websocket.send(message)
                answer = await websocket.recv()
                transcript.append((len(answer), answer[:12]))
    transcript.append(("closed with code", websocket.close_code))
    return transcript


def showcase_ch5(loop_class: type, *, websockets: bool = True) -> dict[str, Any]:
    """Chapter 5's programs through ``asyncio.Runner(loop_factory=loop_class)``."""
    out = {"streams echo": _run(loop_class, echo_program)}
    if websockets:
        out["websockets"] = _run(loop_class, websockets_program)
    return out


SHOWCASES: dict[int, Callable[[type], Any]] = {
    2: showcase_ch2, 3: showcase_ch3, 4: showcase_ch4, 5: showcase_ch5,
}


# ---------------------------------------------------------------------------
# Running a showcase on your loop, and naming the piece that broke it
# ---------------------------------------------------------------------------


def _attempt(chapter: int, loop_class: type, options: dict[str, Any]
             ) -> tuple[Any, BaseException | None]:
    from toyloop.tools.checker import CaseTimeout, call_with_timeout

    showcase = functools.partial(SHOWCASES[chapter], **options)
    try:
        return call_with_timeout(showcase, TIME_LIMIT, loop_class), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except CaseTimeout:
        return None, TimeoutError(f"it did not finish within {TIME_LIMIT:g} seconds")
    except BaseException as exc:  # noqa: BLE001 - reported to the learner
        return None, exc


def _culprit(chapter: int, mine: list[str], options: dict[str, Any]) -> str | None:
    """The first of your pieces without which the showcase works."""
    from .mine import your_loop_class

    for name in mine:
        _, error = _attempt(chapter, your_loop_class(without=[name]), options)
        if error is None:
            return name
    return None


def run_showcase(chapter: int, loop_class: type | None = None, **options: Any) -> Any:
    """Run chapter ``chapter``'s showcase on your loop; say which pieces are yours.

    Returns what the showcase returns, or None if it failed (the output then
    names the piece that broke it and how to go back to toyloop's).  ``options``
    go to the showcase function (chapter 2 takes the ``program`` to trace).
    """
    from .mine import your_loop_class

    cls = your_loop_class() if loop_class is None else loop_class
    print(f"Your loop: {describe(cls, range(1, chapter + 1))}")
    result, error = _attempt(chapter, cls, options)
    if error is None:
        return result
    print(f"The chapter {chapter} showcase failed on your loop: "
          f"{type(error).__name__}: {error}")
    mine = [n for n in which_are(cls) if PIECES[n].chapter <= chapter]
    culprit = _culprit(chapter, mine, options) if loop_class is None else None
    if culprit is not None:
        print(f"Your {PIECES[culprit].short} ({culprit}) breaks it: with toyloop's in its "
              f"place the showcase runs. Check it again, or go back to toyloop's with\n"
              f"    toyloop.exercises.forget({culprit!r})")
    elif mine:
        print("No single piece of yours is to blame on its own; "
              "toyloop.exercises.reset_mine() goes back to toyloop's pieces.")
    return None
