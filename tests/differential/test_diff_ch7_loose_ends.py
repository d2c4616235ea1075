"""Chapter 7's loose ends, the same program on asyncio's loop and toyloop's.

create_server on several hosts, Ctrl-C (SIGINT) inside a running loop under
asyncio.Runner, a custom task factory's corner cases, the debug-mode report of
a slow task step, and the ResourceWarning for a transport or stream left open.
"""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import os
import re
import signal
import socket
import threading
import time
import warnings

import pytest
from differential.ch7_common import both, outcome_sync

import toyloop

HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.1"]  # a duplicate binds once


def _loopback_alias_works() -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.2", 0))
        except OSError:
            return False
    return True


def test_create_server_on_several_hosts():
    if not _loopback_alias_works():
        pytest.skip("127.0.0.2 is not a loopback address here")

    async def handler(reader, writer):
        writer.write(b"hello from " + writer.get_extra_info("sockname")[0].encode())
        writer.close()

    async def main():
        server = await asyncio.start_server(handler, HOSTS, 0)
        addresses = sorted(sock.getsockname()[0] for sock in server.sockets)
        replies = []
        for sock in sorted(server.sockets, key=lambda s: s.getsockname()):
            reader, writer = await asyncio.open_connection(*sock.getsockname())
            replies.append(await reader.read())
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return [addresses, replies]

    assert both(main) == [["127.0.0.1", "127.0.0.2"],
                          [b"hello from 127.0.0.1", b"hello from 127.0.0.2"]]


def _interrupted_run(factory) -> list:
    """Ctrl-C while the loop sleeps in select(): asyncio.Runner cancels the main task."""
    log: list = []

    async def main():
        try:
            asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGINT)
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            log.append("main task cancelled")
            raise
        finally:
            log.append("finally ran")

    with asyncio.Runner(loop_factory=factory) as runner:
        try:
            runner.run(main())
        except KeyboardInterrupt:
            log.append("KeyboardInterrupt")
        log.append(("loop still usable", runner.run(asyncio.sleep(0, "yes"))))
    log.append(("SIGINT handler restored", signal.getsignal(signal.SIGINT)
                is signal.default_int_handler))
    return log


def test_sigint_inside_a_running_loop():
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    # Python installs default_int_handler at start-up only where SIGINT is not ignored;
    # a shell's background job (or `nohup ... &`) starts with it ignored, and then
    # asyncio.Runner leaves Ctrl-C alone.  Give both runs the terminal's set-up.
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        expected = _interrupted_run(None)
        assert expected == ["main task cancelled", "finally ran", "KeyboardInterrupt",
                            ("loop still usable", "yes"), ("SIGINT handler restored", True)]
        assert _interrupted_run(toyloop.EventLoop) == expected
    finally:
        signal.signal(signal.SIGINT, old)


class _NoSetName(asyncio.Future):
    """What a careless task factory returns: a future, and no ``set_name``."""

    def __init__(self, coro, loop):
        super().__init__(loop=loop)
        coro.close()


def test_task_factory_corner_cases():
    async def main():
        loop = asyncio.get_running_loop()
        log = [outcome_sync(loop.set_task_factory, 42), loop.get_task_factory()]

        def factory(loop, coro, **kwargs):
            log.append(("factory got", sorted(kwargs)))
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop.set_task_factory(factory)
        unnamed = loop.create_task(asyncio.sleep(0))
        named = loop.create_task(asyncio.sleep(0), name="named")
        with_context = loop.create_task(asyncio.sleep(0), context=None)
        await asyncio.gather(unnamed, named, with_context)
        # 3.13.0 names an unnamed factory task "None"; 3.11/3.12 leave the default
        log += [re.sub(r"\d+", "N", unnamed.get_name()), named.get_name()]
        loop.set_task_factory(lambda loop, coro: _NoSetName(coro, loop))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log.append(outcome_sync(lambda: type(loop.create_task(asyncio.sleep(0),
                                                                  name="x")).__name__))
        log.append([w.category.__name__ for w in caught])
        loop.set_task_factory(None)
        log.append(loop.get_task_factory())
        return log

    log = both(main)
    assert log[0] == ("TypeError", "task factory must be a callable or None")
    assert log[-1] is None


def _slow_step_report(factory) -> list[str]:
    logger = logging.getLogger("asyncio")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)

    async def blocker():
        time.sleep(0.06)  # blocks the loop on purpose: what debug mode is for

    async def main():
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = 0.05
        await asyncio.create_task(blocker(), name="blocker")
        loop.call_soon(time.sleep, 0.06)
        await asyncio.sleep(0.01)

    logger.addHandler(handler)
    try:
        with asyncio.Runner(loop_factory=factory, debug=True) as runner:
            runner.run(main())
    finally:
        logger.removeHandler(handler)
    # Keep file names (basename) and line numbers; mask durations and addresses.
    text = re.sub(r"took \d+\.\d+ seconds", "took T seconds", stream.getvalue())
    text = re.sub(r"(?:/[^/\s:]+)+/([^/\s:]+):(\d+)", r"\1:\2", text)
    # On a loaded machine another step may also take over 0.05 s: keep the reports of
    # the two steps made slow on purpose.
    return [line for line in text.splitlines()
            if "name='blocker'" in line or "sleep(0.06)" in line]


def test_slow_task_step_reported_in_debug_mode():
    expected = _slow_step_report(None)
    assert len(expected) == 2
    assert expected[0].startswith("Executing <Task finished name='blocker' coro=<")
    assert " result=None created at " in expected[0]  # asyncio.create_task's line
    assert expected[1].startswith("Executing <Handle sleep(0.06) created at ")
    assert _slow_step_report(toyloop.EventLoop) == expected


def test_resource_warning_for_an_unclosed_transport_and_stream():
    async def main():
        gc.collect()  # earlier tests' garbage warns now, outside the record below
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        transport, _ = await asyncio.get_running_loop().create_connection(
            asyncio.Protocol, "127.0.0.1", port)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del reader, writer
            gc.collect()
        transport.close()  # (a live transport is still the selector's: not garbage)
        await asyncio.sleep(0.05)  # let the server side finish closing its ends
        server.close()
        await server.wait_closed()
        # "unclosed <StreamWriter transport=<...>>": the transports' reprs differ
        return sorted({(w.category.__name__, re.sub(r"<.*", "<...>", str(w.message)))
                       for w in caught})

    assert both(main) == [("ResourceWarning", "unclosed <...>")]
